package lguest.host;

import static lguest.host.Abi.*;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import lguest.machine.Cpu;
import lguest.machine.PhysicalMemory;

/**
 * One guest: what lguest's {@code struct lguest} held, and the run_guest loop that
 * drives it. Everything here is touched by the thread that reads /dev/lguest, except the
 * fields marked volatile or atomic, which timers, wakers and other guests may set.
 */
final class Guest {
    final Host host;
    final int guestid;
    final PhysicalMemory mem;
    final Cpu cpu;
    final Thread owner;
    final int pfnLimit;
    final int pageOffset;
    final Stats stats = new Stats();
    /** --trace, or null (H:730). */
    final Trace trace;

    final HostFrames frames;
    final Switcher switcher;
    final ShadowPageTables pages;
    final Traps traps;
    final Segments segments;
    final Hypercalls hypercalls;

    /* lguest_data, once LGUEST_INIT told us where it is. */
    boolean haveData;
    int lguestData;
    int noirqStart, noirqEnd;
    int nextHcall;

    /* The kernel stack for traps from ring 3 (SET_STACK). */
    int esp1, ss1, stackPages;

    boolean ts;
    volatile boolean halted;
    volatile boolean breakOut;
    boolean dmaIsPending;
    int pendingDma, pendingKey;
    final AtomicInteger irqsPending = new AtomicInteger();
    int changed = Switcher.CHANGED_ALL;
    ScheduledFuture<?> clockEvent;
    /** The debugger's hooks, when one is attached (M:654). */
    volatile GuestDebug debug;
    final Dma.Binding[] dma = new Dma.Binding[Dma.LGUEST_MAX_DMA];
    final java.util.List<Dma.SharedRegion> shared = new java.util.concurrent.CopyOnWriteArrayList<>();

    private volatile String dead;
    private final Object sleep = new Object();
    private boolean wakeRequested;

    Guest(Host host, int guestid, PhysicalMemory mem, Thread owner, int pfnLimit, int pgdir, int start,
            int pageOffset, Trace trace) {
        this.host = host;
        this.trace = trace;
        this.guestid = guestid;
        this.mem = mem;
        this.owner = owner;
        this.pfnLimit = pfnLimit;
        this.pageOffset = pageOffset;
        this.cpu = new Cpu(mem);
        for (int i = 0; i < dma.length; i++) dma[i] = new Dma.Binding();
        this.frames = new HostFrames(mem);
        this.switcher = new Switcher(this);
        this.segments = new Segments(this);
        this.traps = new Traps(this);
        this.pages = new ShadowPageTables(this, pgdir);
        this.hypercalls = new Hypercalls(this);
        /*L:065 INITIALIZE gives the Guest its first breath.  The registers live in
         * the register page (the Switcher pops them from there), so that is where
         * they are set: the kernel code and data segments with RPL 1, because the
         * Guest's kernel runs in ring 1; EFLAGS 0x202, interrupts on (the real ones:
         * the Guest's own interrupt flag is a word in lguest_data); EIP just after the
         * magic string; and ESI zero, the physical address of the boot parameters.
         * The kernel segments 12 and 13 start out flat with DPL 1, so those selectors
         * work before the Guest has loaded a GDT of its own. */
        setReg(Switcher.R_CS, KERNEL_CS | GUEST_PL);
        setReg(Switcher.R_DS, KERNEL_DS | GUEST_PL);
        setReg(Switcher.R_ES, KERNEL_DS | GUEST_PL);
        setReg(Switcher.R_SS, KERNEL_DS | GUEST_PL);
        setReg(Switcher.R_EFLAGS, 0x202);
        setReg(Switcher.R_EIP, start);
        setReg(Switcher.R_ESI, 0);
        segments.setupGuestGdt();
        /*:*/
    }

    // ------------------------------------------------------------------------------
    //  The register page, as the Host sees it
    // ------------------------------------------------------------------------------

    int reg(int off) { return mem.read32(switcher.regsPhys + off); }

    void setReg(int off, int v) { mem.write32(switcher.regsPhys + off, v); }

    int trapnum() { return reg(Switcher.R_TRAPNUM); }

    // ------------------------------------------------------------------------------
    //  Guest memory: every address the Guest hands us is checked first
    // ------------------------------------------------------------------------------

    /*H:100 Every number a Guest gives the Host is a lie until checked.  A hypercall
     * argument "the physical address of my lguest_data" could be the address of the
     * Host's own page tables, if the Host simply believed it.  lguest checked each
     * guest address against pfn_limit, the first page that does not belong to the
     * Guest (watching for wrap-around: a start near 4 GiB plus a length must not come
     * back round to zero), and a bad one kills the Guest.  Here the Host frames sit
     * far above any pfn_limit, so this check is all that keeps them private.
     * The failed read still returns zeros, as lgread did, so the code that asked can
     * run on to its end without special cases; the Guest is dead either way. */
    boolean addressOk(int addr, int len) {
        long end = Integer.toUnsignedLong(addr) + Integer.toUnsignedLong(len);
        return end / PhysicalMemory.PAGE_SIZE < Integer.toUnsignedLong(pfnLimit) && end <= 0xFFFFFFFFL;
    }

    int read32(int addr) {
        if (!addressOk(addr, 4) || !mem.isBacked(addr) || !mem.isBacked(addr + 3)) {
            kill(String.format("bad read address %#x len %d", addr, 4));
            return 0;
        }
        return mem.read32(addr);
    }

    void write32(int addr, int v) {
        if (!addressOk(addr, 4) || !mem.isBacked(addr) || !mem.isBacked(addr + 3)) {
            kill(String.format("bad write address %#x len %d", addr, 4));
            return;
        }
        mem.write32(addr, v);
    }

    byte[] read(int addr, int len) {
        byte[] b = new byte[len];
        if (!addressOk(addr, len) || !backed(addr, len)) {
            kill(String.format("bad read address %#x len %d", addr, len));
            return b;
        }
        mem.read(addr, b, 0, len);
        return b;
    }

    boolean backed(int addr, int len) {
        for (long a = Integer.toUnsignedLong(addr) & ~0xFFFL; a < Integer.toUnsignedLong(addr) + len; a += 4096)
            if (!mem.isBacked((int) a)) return false;
        return true;
    }
    /*:*/

    // ------------------------------------------------------------------------------
    //  Sudden Death
    // ------------------------------------------------------------------------------

    /*H:110 Sudden Death.  When a Guest breaks a rule, lguest does not unwind
     * anything: it writes down why (only the first reason counts, since one broken
     * rule tends to cause three more complaints) and lets the code that noticed carry
     * on to its natural end.  The run loop checks "dead" at the top and never runs
     * the Guest again.  That makes killing safe from anywhere, even halfway through
     * a hypercall, which is exactly where most Guests die. */
    void kill(String reason) {
        synchronized (this) {
            if (dead == null && trace != null) trace.death(this, reason);
            if (dead == null) dead = reason;
        }
        wake();
    }

    String deadReason() { return dead; }

    boolean isDead() { return dead != null; }
    /*:*/

    /** Wakes a halted guest and makes a running one leave the CPU (a host interrupt). */
    void wake() {
        synchronized (sleep) {
            wakeRequested = true;
            sleep.notifyAll();
        }
        cpu.raiseInterruptLine();
    }

    /*H:140 The host tick.  lguest 2.6.23 does not check for pending interrupts
     * when the Guest turns its interrupts back on (its own list of things to do
     * admitted as much): an interrupt that arrived while they were off waits for the
     * next exit.  On a real Host the next exit is never far away, because the Host's
     * own timer ticks every few milliseconds and every tick kicks the Guest out.  Our
     * Host has no tick of its own, so a Guest spinning in user mode with a timer
     * interrupt held back would never see it.  So whenever we enter a Guest with an interrupt still
     * pending, we arm a one-shot tick of our own, a millisecond away: the same
     * delay a real Host would have added, and no cost when nothing is waiting. */
    private final java.util.concurrent.atomic.AtomicBoolean tickArmed = new java.util.concurrent.atomic.AtomicBoolean();

    private void armHostTick() {
        if (tickArmed.compareAndSet(false, true)) {
            host.timers.schedule(() -> {
                tickArmed.set(false);
                cpu.raiseInterruptLine();
            }, 1, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }
    /*:*/

    private void sleepUntilWoken() {
        synchronized (sleep) {
            while (!wakeRequested) {
                try {
                    sleep.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            wakeRequested = false;
        }
    }

    // ------------------------------------------------------------------------------
    //  run_guest
    // ------------------------------------------------------------------------------

    /*H:120 The heart of the Host: run_guest, called when the Launcher reads
     * /dev/lguest.  It is a loop because most exits need nothing from the Launcher:
     * a hypercall, a page fault the Host can fill, an interrupt to inject, and round
     * we go.  The order matters and is lguest's.  Hypercalls first: whatever brought
     * the Guest out, it may have queued calls on the async ring, and the exit itself
     * may have been a hypercall (H:230).  Then anything the Launcher must see (DMA
     * sent to it), then the reasons to stop (the thread interrupted, as a signal
     * would interrupt lguest's read(), or a BREAK), then an interrupt if one is
     * pending and the Guest can take it, then sleep if the Guest has halted.  Only
     * then do we switch to the Guest, and afterwards look at what brought us back;
     * whatever that was, the next trip round starts at the top again. */
    int runGuest(byte[] buf) {
        long t0 = System.nanoTime();
        try {
            while (!isDead()) {
                hypercalls.doHypercalls();
                if (dmaIsPending) {
                    putWord(buf, 0, pendingDma);
                    putWord(buf, 4, pendingKey);
                    return 8;
                }
                if (Thread.interrupted()) return -ERESTARTSYS;
                if (breakOut) return -EAGAIN;
                GuestDebug d = debug;
                if (d == null || d.beforeRun()) traps.maybeDoInterrupt();
                if (isDead()) break;
                if (halted) {
                    sleepUntilWoken();
                    continue;
                }
                if (irqsPending.get() != 0) armHostTick();
                if ((d = debug) != null) d.entering();
                switcher.runGuestOnce();
                int trap = trapnum();
                if (trace != null) trace.exit(this, trap);
                stats.exits.incrementAndGet(Math.min(trap & 0x1FF, 256));
                if ((d = debug) != null && d.exited(trap)) continue;
                if (handledByHost(trap)) continue;
                if (traps.deliverTrap(trap)) {
                    if (trap == 14) stats.pageFaultsReflected++; else stats.trapsReflected++;
                    continue;
                }
                kill(String.format("unhandled trap %d at %#x (%#x)", trap, reg(Switcher.R_EIP),
                        trap == 14 ? switcher.cr2 : reg(Switcher.R_ERRCODE)));
            }
            return -ENOENT;
        } catch (RuntimeException | StackOverflowError e) {
            /* Not lguest: a Java Host can have a bug that C would have turned into an
             * oops.  Whatever it is, it kills this Guest only, with the bug's name. */
            kill("host error: " + e);
            return -ENOENT;
        } catch (InternalError e) {
            /* A file-backed frame (the --sharenet page) whose file another process
             * truncated: the access faults, and the JVM says so with this error.  On
             * Linux the same Guest would have taken SIGBUS; here it dies alone. */
            kill("its shared network file was truncated or lost (" + e.getMessage() + ")");
            return -ENOENT;
        } finally {
            stats.runNanos += System.nanoTime() - t0;
            stats.instructions = cpu.retired();
        }
    }
    /*:*/

    /*H:130 The switch on the trap number.  A #GP with error code 0 from the Guest
     * kernel is most likely an IN or OUT (ring 1 has no I/O permission), which the
     * Host emulates.  A page fault may be the Host's own doing, since shadow page
     * tables start empty, so the Host tries to fill it before bothering the Guest; if
     * it cannot, the Guest gets the fault with the address in lguest_data.cr2, because
     * a ring-1 kernel cannot read CR2.  #NM is the Host's alone when the Guest has
     * not asked for the TS bit (more on that below).  Vectors 32 and above are the
     * Host's own interrupts, which have already done their work by the time we look;
     * and 0x1F is a hypercall, served at the top of the loop.
     *
     * About #NM: lguest's Host shared one FPU between the Guest and everything else
     * Linux ran, and Linux's own lazy FPU switching could leave the real TS set, so
     * a #NM could be the Host's business alone: restore the Guest's FPU state and go
     * on, and reflect it only if the Guest had asked for TS itself.  Our Guest has an
     * emulated CPU, and an x87, of its own, and S:080 sets the real TS for no other
     * reason than the Guest's wish, so every #NM that comes out is the Guest's; the
     * test stays, as cheap insurance and as lguest wrote it. */
    private boolean handledByHost(int trap) {
        switch (trap) {
            case 13:
                return reg(Switcher.R_ERRCODE) == 0 && traps.emulateInsn();
            case 14:
                if (pages.demandPage(switcher.cr2, reg(Switcher.R_ERRCODE))) {
                    stats.pageFaultsFilled++;
                    if (trace != null) trace.pageFilled(this, switcher.cr2, reg(Switcher.R_ERRCODE));
                    return true;
                }
                if (trace != null && !isDead()) trace.pageReflected(this, switcher.cr2, reg(Switcher.R_ERRCODE));
                if (haveData) write32(lguestData + LD_CR2, switcher.cr2);
                return isDead();
            case 7:
                return !ts;
            case LGUEST_TRAP_ENTRY:
                return true;
            case SYSCALL_VECTOR:
                return false; // only under --trace=syscalls (H:345): the Guest's, not a host interrupt
            default:
                return trap >= 32 && trap <= 255;
        }
    }
    /*:*/

    static void putWord(byte[] b, int off, int v) {
        b[off] = (byte) v; b[off + 1] = (byte) (v >> 8); b[off + 2] = (byte) (v >> 16); b[off + 3] = (byte) (v >> 24);
    }

    /** How far this Host's clock is behind the one a restored Guest last saw (M:672); 0 for most. */
    long clockBehindMillis;

    /** The wall clock when this Host started, in nanoseconds, and System.nanoTime() then (H:235). */
    private static final long WALL_AT_START = System.currentTimeMillis() * 1_000_000L, NANO_AT_START = System.nanoTime();

    /*H:235 The time, as lguest_data.time holds it: seconds and nanoseconds of the wall
     * clock.  The Guest reads its monotonic clock from there too (G:690), so what is
     * written must never go back: it is the wall clock as the Host started, plus how far
     * System.nanoTime() has moved since, exact to the nanosecond and monotonic as that
     * is (the milliseconds of currentTimeMillis() with nanoTime()'s remainder glued on,
     * as it once was, stepped back by up to a millisecond whenever the two disagreed).
     * lguest wrote it whenever it injected an interrupt; this Host also writes it at
     * every hypercall, so that a Guest that wants the time now, not as of its last
     * interrupt, makes the cheapest call there is (G:690). */
    void writeTimestamp() {
        if (!haveData) return;
        long now = WALL_AT_START + (System.nanoTime() - NANO_AT_START) + clockBehindMillis * 1_000_000L;
        if (!addressOk(lguestData + LD_TIME, 8)) { kill("Writing timestamp"); return; }
        mem.write32(lguestData + LD_TIME, (int) (now / 1_000_000_000L));
        mem.write32(lguestData + LD_TIME + 4, (int) (now % 1_000_000_000L));
    }
    /*:*/

    /** Releases what the guest holds: timer, DMA bindings, shadow tables. */
    void release() {
        ScheduledFuture<?> t = clockEvent;
        if (t != null) t.cancel(false);
        host.dma.unbindAll(this);
        pages.releaseAll();
        kill("released");
    }
}
