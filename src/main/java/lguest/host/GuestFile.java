package lguest.host;

import static lguest.host.Abi.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import lguest.machine.PhysicalMemory;

/**
 * One open /dev/lguest (lguest_user.c): the writes, the running read and the release.
 */
final class GuestFile implements LguestDevice {
    private final Host host;
    private final PhysicalMemory mem;
    private volatile Guest lg;
    private final Object breakLock = new Object();
    /** The Launcher has had its -ENOENT: the next reads answer with the reason. */
    private boolean deathTold;
    private final Trace trace;

    GuestFile(Host host, PhysicalMemory mem, Trace trace) {
        this.host = host;
        this.mem = mem;
        this.trace = trace;
    }

    /*L:050 write(): the request code, then its arguments.  Before INITIALIZE there
     * is no guest to talk about (EINVAL); once the guest is dead there is nothing to
     * ask it (ENOENT).  And only the Launcher that created the guest may steer it:
     * another thread may only send BREAK, which is exactly what the Launcher's
     * waker does (in lguest a forked child process; here a thread, so "owner" is
     * the thread that called INITIALIZE). */
    @Override
    public long write(int... req) {
        try {
            return doWrite(req);
        } catch (RuntimeException e) {
            /* Not lguest: a Java bug reached through a request kills only this guest. */
            Guest g = lg;
            if (g != null) g.kill("host error: " + e);
            return -EFAULT;
        }
    }

    private long doWrite(int... req) {
        if (req == null || req.length < 1) return -EINVAL;
        Guest g = lg;
        if (req[0] == LHREQ_INITIALIZE) return initialize(req);
        if (g == null) return -EINVAL;
        if (g.isDead()) return -ENOENT;
        if (Thread.currentThread() != g.owner && req[0] != LHREQ_BREAK) return -EPERM;
        switch (req[0]) {
            case LHREQ_GETDMA:
                if (req.length < 2) return -EINVAL;
                long dma = host.dma.getDma(g, req[1]);
                if (g.trace != null) g.trace.getDma(g, req[1], dma);
                return dma;
            case LHREQ_IRQ:
                if (req.length < 2 || Integer.compareUnsigned(req[1], LGUEST_IRQS) >= 0) return -EINVAL;
                g.irqsPending.getAndUpdate(p -> p | (1 << req[1]));
                if (g.trace != null) g.trace.launcherIrq(g, req[1]);
                return 0;
            case LHREQ_BREAK:
                if (req.length < 2) return -EINVAL;
                return breakGuest(g, req[1] != 0);
            default:
                return -EINVAL;
        }
    }
    /*:*/

    /*L:060 INITIALIZE: pfnlimit, the guest-physical page directory the Launcher
     * built, the virtual start address, and page_offset.  The Host takes a slot,
     * builds the register page and the first shadow page directory, and answers
     * 16, the bytes of arguments it read, as lguest's write() did.  A pfnlimit that
     * would let the Guest name the Host's own frames (H:040) is refused. */
    private long initialize(int[] req) {
        if (lg != null) return -EBUSY;
        if (req.length < 5) return -EINVAL;
        int pfnLimit = req[1];
        if (Integer.compareUnsigned(pfnLimit, HostFrames.BASE >>> 12) > 0) return -EINVAL;
        Guest g = host.newGuest(mem, Thread.currentThread(), pfnLimit, req[2], req[3], req[4], trace);
        if (g == null) return -ENOSPC;
        lg = g;
        return 16;
    }
    /*:*/

    /*L:070 BREAK 1 makes the guest stop running and return -EAGAIN from read(), and
     * then waits until somebody writes BREAK 0: the waker breaks the Guest out, and
     * is held until the Launcher has dealt with the input that woke it. */
    private long breakGuest(Guest g, boolean on) {
        synchronized (breakLock) {
            if (on) {
                g.breakOut = true;
                g.wake();
                while (g.breakOut && !g.isDead()) {
                    try {
                        breakLock.wait(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return -ERESTARTSYS;
                    }
                }
            } else {
                g.breakOut = false;
                breakLock.notifyAll();
            }
            return 0;
        }
    }
    /*:*/

    /*L:080 read() is where the Launcher's thread becomes the Guest's CPU.  A dead
     * guest first answers -ENOENT, then, on the next read, its reason, so the
     * Launcher can say why; otherwise any DMA the Launcher was handed last time is
     * done by now, and the guest runs.  (lguest answered with the reason at once
     * when the guest had died outside run_guest, killed by another Guest's DMA
     * say, and a Launcher could then take a seven-letter reason for an
     * eight-byte DMA request; the first -ENOENT closes that gap.) */
    @Override
    public int read(byte[] buf) {
        Guest g = lg;
        if (g == null) return -EINVAL;
        String dead = g.deadReason();
        if (dead != null) {
            /* Not lguest: another Guest's DMA can kill this one while its Launcher is
             * away from read() (2.6.23 had the same race).  -ENOENT comes first anyway,
             * or the Launcher would take the reason's length for a DMA or an error. */
            if (!deathTold) {
                deathTold = true;
                return -ENOENT;
            }
            byte[] s = (dead + "\0").getBytes(StandardCharsets.ISO_8859_1);
            int n = Math.min(buf.length, s.length);
            System.arraycopy(s, 0, buf, 0, n);
            return n;
        }
        if (Thread.currentThread() != g.owner) return -EPERM;
        if (buf.length < 8) return -EINVAL;
        g.dmaIsPending = false;
        int r = g.runGuest(buf);
        if (r == -ENOENT) deathTold = true;
        return r;
    }
    /*:*/

    @Override
    public void close() {
        Guest g = lg;
        if (g == null) return;
        g.release();
        host.freeGuest(g);
    }

    @Override
    public void saveState(java.io.DataOutput out) throws java.io.IOException {
        Guest g = owned();
        GuestState.write(g, out);
    }

    @Override
    public void restoreState(java.io.DataInput in) throws java.io.IOException {
        GuestState.read(owned(), in);
    }

    private Guest owned() throws java.io.IOException {
        Guest g = lg;
        if (g == null || g.isDead()) throw new java.io.IOException("no live guest");
        if (Thread.currentThread() != g.owner) throw new java.io.IOException("only the thread that runs the guest may save or restore it");
        return g;
    }

    private GuestDebug debugPort;

    @Override
    public synchronized GuestDebug debug() {
        Guest g = lg;
        if (g == null) return null;
        if (debugPort == null) debugPort = new GuestDebug(g);
        return debugPort;
    }

    @Override
    public Stats stats() {
        Guest g = lg;
        return g == null ? new Stats() : g.stats;
    }

    @Override
    public int deliverShared(int key, byte[] frame, int len) {
        Guest g = lg;
        if (g == null || g.isDead() || len <= 0 || len > frame.length) return 0;
        try {
            return host.dma.deliverShared(g, key, frame, len);
        } catch (InternalError e) {
            g.kill("its shared network file was truncated or lost (" + e.getMessage() + ")");
            return 0;
        } catch (RuntimeException e) {
            g.kill("host error: " + e);
            return 0;
        }
    }

    @Override
    public void mapShared(int base, int size, Path file) {
        Guest g = lg;
        if (g != null) g.shared.add(new Dma.SharedRegion(base, size, file.toAbsolutePath().normalize()));
    }
}
