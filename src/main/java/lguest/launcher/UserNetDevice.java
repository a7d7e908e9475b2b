package lguest.launcher;

import static lguest.host.Abi.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

import lguest.launcher.net.Gateway;

/** --net=user: a network device whose only peer is the Launcher's router (L:700). */
final class UserNetDevice extends Device {
    /** The Guest's slot; slot 0 is the Launcher's, as lguest's --tunnet had it. */
    static final int GUEST_SLOT = 1;
    /** Each slot of the device page is one MAC address, six bytes. */
    static final int SLOT_BYTES = 6;
    private final List<Gateway.Forward> forwards;
    private final Semaphore knock = new Semaphore(0);
    private final List<Integer> known = new ArrayList<>();
    Gateway gateway;

    UserNetDevice(List<Gateway.Forward> forwards) {
        super(LGUEST_DEVICE_T_NET, NetDevice.NOCSUM);
        this.forwards = forwards;
    }

    @Override
    int features() { return NetDevice.NOCSUM | GUEST_SLOT; }

    /** Frames the Guest sends to slot 0's key are ours. */
    @Override
    int key() { return page; }

    void setup(Launcher l) throws LaunchError {
        byte[] mac = {0x52 | 1, 0x55, 0x0A, 0x00, 0x02, 0x02};     /* the router, promiscuous */
        for (int i = 0; i < mac.length; i++) l.mem.write8(page + i, mac[i] & 0xFF);
        try {
            gateway = new Gateway(forwards, knock::release);
        } catch (IOException e) {
            throw new LaunchError("--net=user: cannot listen for hostfwd: " + Launcher.why(e));
        }
    }

    @Override
    int handleOutput(Launcher l, List<int[]> sections) {
        int total = 0;
        for (int[] s : sections) total += s[1];
        if (total > 1514 + 4) return 0;
        byte[] frame = new byte[total];
        int at = 0;
        for (int[] s : sections) {
            l.mem.read(s[0], frame, at, s[1]);
            at += s[1];
        }
        gateway.fromGuest(frame);
        return total;
    }

    /** A thread that breaks in on the Guest when frames wait for it (as the console's waker does). */
    void startWaker(Launcher l) {
        Thread t = new Thread(() -> {
            try {
                while (!l.finished) {
                    knock.acquire();
                    knock.drainPermits();
                    while (gateway.hasFramesForGuest() && !l.finished) {
                        l.dev.write(LHREQ_BREAK, 1);
                        if (gateway.hasFramesForGuest()) Thread.sleep(5);
                    }
                }
            } catch (InterruptedException | RuntimeException e) {
                /* the Launcher is gone */
            }
        }, "lguest-usernet-waker");
        t.setDaemon(true);
        t.start();
    }

    /*L:796 Frames into the Guest: GETDMA finds a free buffer among those the Guest
     * bound at its slot's key, and we copy one frame into it, write its length into
     * used_len and raise the interrupt, as for console input (L:320).  One wart of
     * 2.6.23's GETDMA matters here: when every buffer is full it returns the last
     * one anyway, and has already written the interrupt number over its used_len.
     * Eight buffers fill up easily, so we remember the used_len of every buffer
     * GETDMA has shown us; if it hands back one that was full, we put its used_len
     * back as it was and keep the frame for later (or drop it, L:700). */
    @Override
    void deliverInput(Launcher l) {
        byte[] frame;
        boolean raised = false;
        while (gateway.hasFramesForGuest()) {
            int[] before = new int[known.size()];
            for (int i = 0; i < before.length; i++) before[i] = l.mem.read32(known.get(i) + DMA_USED_LEN);
            long r = l.dev.write(LHREQ_GETDMA, page + 4 * GUEST_SLOT);
            if (r < 0) break;
            int dma = (int) r, k = known.indexOf(dma);
            if (k >= 0 && before[k] != 0) {
                l.mem.write32(dma + DMA_USED_LEN, before[k]);
                break;
            }
            if (k < 0) known.add(dma);
            int irq = l.mem.read32(dma + DMA_USED_LEN);
            List<int[]> secs = l.sections(dma);
            if (secs == null || (frame = gateway.nextForGuest()) == null) {
                l.mem.write32(dma + DMA_USED_LEN, 0);
                break;
            }
            int at = 0;
            for (int[] s : secs) {
                int n = Math.min(s[1], frame.length - at);
                l.mem.write(s[0], frame, at, n);
                at += n;
                if (at == frame.length) break;
            }
            l.mem.write32(dma + DMA_USED_LEN, at);
            if (!raised) l.dev.write(LHREQ_IRQ, irq);
            raised = true;
        }
    }
    /*:*/

    void close() {
        if (gateway != null) gateway.close();
    }
}
