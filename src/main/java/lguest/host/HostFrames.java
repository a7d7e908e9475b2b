package lguest.host;

import java.util.ArrayDeque;
import lguest.machine.PhysicalMemory;

/**
 * The Host's own page frames in a guest's physical address space: shadow page
 * directories and tables, the Switcher's pages. They lie far above any pfn_limit.
 */
final class HostFrames {
    /*H:040 Where the Host keeps its own pages.  lg.ko asked the Host kernel for a
     * zeroed page whenever it needed a shadow page table; our Host takes frames from
     * the top of the emulated physical address space, from 0xF0000000 up, which no
     * guest can reach: every guest address is checked against pfn_limit, and
     * INITIALIZE refuses a pfn_limit that would reach them (the Launcher stops at
     * 896 MB, LGUEST_MAX_RAM, long before).  The CPU still sees these frames, since page tables, the
     * GDT and the TSS have to be in physical memory for the hardware to walk them;
     * the Guest just cannot name them.  Freed frames
     * are kept for the next request and zeroed when they are handed out again, so a
     * new shadow page table never starts with an old one's entries. */
    static final int BASE = 0xF0000000;
    static final int LIMIT_PAGES = 0x0FF00;

    private final PhysicalMemory mem;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private int next;
    private final byte[] zero = new byte[PhysicalMemory.PAGE_SIZE];

    HostFrames(PhysicalMemory mem) {
        this.mem = mem;
    }

    /** A zeroed frame's physical address, or 0 when the Host is out of frames. */
    int alloc() {
        Integer f = free.poll();
        if (f != null) {
            mem.write(f, zero, 0, zero.length);
            return f;
        }
        if (next >= LIMIT_PAGES) return 0;
        int addr = BASE + (next++ << 12);
        if (!mem.isBacked(addr)) mem.addRegion(addr, PhysicalMemory.PAGE_SIZE);
        else mem.write(addr, zero, 0, zero.length);
        return addr;
    }

    void release(int frame) {
        free.push(frame);
    }
    /*:*/
}
