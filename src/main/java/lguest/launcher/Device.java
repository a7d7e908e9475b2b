package lguest.launcher;

import static lguest.host.Abi.*;

import java.io.IOException;
import java.util.List;

/** A device on the lguest bus, as the Launcher sees it: a descriptor, a page, a key. */
abstract class Device {
    final int type;
    final int features;
    /** Index in the descriptor page; the device's interrupt is index + 1. */
    int index;
    /** Guest-physical address of the device's own page (its pfn in the descriptor). */
    int page;

    Device(int type, int features) {
        this.type = type;
        this.features = features;
    }

    int irq() { return index + 1; }

    int features() { return features; }

    /** The key the guest sends this device's output to. */
    abstract int key();

    /** Serves a DMA the guest sent to key(); the result goes into the sender's used_len. */
    abstract int handleOutput(Launcher l, List<int[]> sections) throws IOException, LaunchError;

    /** Copies whatever input waits for the Guest into its buffers (after a BREAK). */
    void deliverInput(Launcher l) { }

    /*L:150 The device page.  Sixteen descriptors of twelve bytes at max_pfn, just
     * above the Guest's RAM, where the Guest's bus driver will look: the type, the
     * features, a status the Guest writes as its driver comes to life, and the page
     * number of the device's own page. */
    void describe(Launcher l) {
        int d = l.memBytes + index * DESC_SIZE;
        l.mem.write16(d + DESC_TYPE, type);
        l.mem.write16(d + DESC_FEATURES, features());
        l.mem.write16(d + DESC_STATUS, 0);
        l.mem.write16(d + DESC_NUM_PAGES, 1);
        l.mem.write32(d + DESC_PFN, page >>> 12);
    }
    /*:*/
}
