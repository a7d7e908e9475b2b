package lguest.host;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import lguest.machine.PhysicalMemory;

/**
 * The Host: what lguest's lg.ko was. Holds up to 16 guests, the DMA bindings between
 * them, and the timers; hands out /dev/lguest.
 */
public final class Host {
    /*H:050 The module.  lg.ko kept an array of sixteen guests, one lock over all of
     * them, and a hash of DMA bindings (61 buckets, keyed like futexes).  We keep the
     * array and the lock; instead of the hash we simply look through each guest's 32
     * bindings, since sixteen times 32 is not many.  Each guest here gets its own
     * emulated CPU and physical address space (its Launcher's), and runs on the thread
     * that reads its /dev/lguest, so sixteen guests are sixteen threads.  A guest is killed alone:
     * nothing one guest does reaches another except through DMA, which the Host
     * copies after checking both sides. :*/
    public static final int MAX_GUESTS = 16;

    final Object lock = new Object();
    private final Guest[] lguests = new Guest[MAX_GUESTS];
    final Dma dma = new Dma(this);
    final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "lguest-clockevents");
        t.setDaemon(true);
        return t;
    });

    {
        /* A cancelled timer is forgotten at once.  The executor's default keeps it
         * queued until it would have fired, so a Guest re-arming a four-second
         * clock event in a loop could fill the JVM's heap with the corpses, and
         * take every other Guest of this Host down with it. */
        timers.setRemoveOnCancelPolicy(true);
    }

    /*L:030 Opening /dev/lguest gives a Launcher a handle with no guest behind it
     * yet.  The handle is tied to the Launcher's memory, the way the file was tied
     * to the process that opened it: that memory is where the Guest will live, and
     * where every guest-physical address will be looked up. :*/
    public LguestDevice open(PhysicalMemory launcherMemory) {
        return new GuestFile(this, launcherMemory);
    }

    /** Allocates a slot; null when all sixteen are taken. */
    Guest newGuest(PhysicalMemory mem, Thread owner, int pfnLimit, int pgdir, int start, int pageOffset) {
        synchronized (lock) {
            for (int i = 0; i < MAX_GUESTS; i++) {
                if (lguests[i] == null) {
                    Guest g = new Guest(this, i, mem, owner, pfnLimit, pgdir, start, pageOffset);
                    lguests[i] = g;
                    return g;
                }
            }
            return null;
        }
    }

    void freeGuest(Guest g) {
        synchronized (lock) {
            if (lguests[g.guestid] == g) lguests[g.guestid] = null;
        }
    }

    List<Guest> guests() {
        synchronized (lock) {
            List<Guest> l = new ArrayList<>();
            for (Guest g : lguests) if (g != null) l.add(g);
            return l;
        }
    }

    /*H:710 Looking without touching.  A tool that draws a Guest (this book's map of
     * the address spaces is drawn from a live one) is shown what a hardware debugger
     * clipped to the CPU would show, and nothing of the Host's Java: CR3 and the
     * descriptor-table registers, the physical memory behind them, and the numbers
     * the Guest and its Launcher told the Host (page_offset, pfn_limit, where
     * lguest_data is, which page directory the Guest believes it is using).  The
     * shadow tables and the Switcher's pages it must find as the CPU does, by
     * walking tables in memory from CR3.  And it is only shown the guests its own
     * thread runs, between two reads: a look at a CPU that is running is out of date
     * before it is finished. */
    public record View(int guestId, PhysicalMemory memory, int cr3, int gdtrBase, int idtrBase, int tr,
            int guestPgdir, int pageOffset, int pfnLimit, int lguestData) { }

    public List<View> views() {
        List<View> out = new ArrayList<>();
        for (Guest g : guests()) {
            if (g.owner != Thread.currentThread()) continue;
            out.add(new View(g.guestid, g.mem, g.cpu.cr3(), g.cpu.gdtrBase(), g.cpu.idtrBase(), g.cpu.taskRegister(),
                    g.pages.guestPgdir(), g.pageOffset, g.pfnLimit, g.haveData ? g.lguestData : 0));
        }
        return out;
    }
    /*:*/
}
