package lguest.host;

import static lguest.host.Abi.*;

import java.io.PrintStream;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code --trace}: one line per event the Host sees, with the guest's instruction count and
 * the label of the Quest section that explains it. Made by the Launcher, handed to the Host
 * with {@link Host#open(lguest.machine.PhysicalMemory, Trace)}, held by the Guest in a final
 * field; every trace point is {@code if (g.trace != null) g.trace.event(...)}. One Trace
 * serves one Guest: it keeps the Guest's async-ring cursor between two calls.
 */
public final class Trace {
    /** What can be traced: the words of {@code --trace=}. */
    public enum Category {
        HYPERCALLS, TRAPS, IRQS, SWITCHES, DMA, PAGEFAULTS, SYSCALLS;

        public String word() { return name().toLowerCase(Locale.ROOT); }
    }

    /*H:730 The trace.  --stats (H:700) counts; --trace=WHAT shows, one line per
     * event, each with the number of guest instructions retired so far and the label
     * of the section that explains it, so a reader can go from a line of trace to
     * the page of this book and back.  The trace points sit where the Host already
     * stands for its own reasons, at the events H:120's loop handles: the dispatch of a
     * hypercall (H:230) and the async ring (H:210), the fill or refusal of a page
     * fault (H:130), a trap reflected (H:320) or an IN/OUT emulated (H:350), an
     * interrupt the Launcher asks for (L:050) and its injection (H:310), a DMA sent
     * (H:640) or fetched by the Launcher (H:650), the two halves of the world switch
     * (S:080, S:090), and the death of a Guest (H:110).  System calls are the one
     * event the Host never sees, and tracing them takes a detour (H:345).  None of
     * the trace points is inside the CPU: the emulated machine runs the Guest
     * between two exits without knowing a trace exists.
     *
     * Each trace point is one line, "if (g.trace != null) g.trace.something(...)",
     * and trace is a final field of the Guest, null unless --trace was given.  So
     * tracing off costs one test of a field per event, at places that already cost a
     * world switch; `make bench` cannot tell the difference.  Tracing on costs what
     * formatting a line costs, which is a great deal more than an exit, so the filter
     * (--trace-eip=LO-HI: only events whose Guest EIP lies in that range) is applied
     * before anything is formatted.
     *
     * Which process?  The Host does not know: a process is the Guest kernel's idea,
     * and nothing in lguest_data tells the Host which one is running.  What it does
     * know is where the Guest was (EIP, and so user space or kernel) and which page
     * directory it named last, which every line from ring 3 shows, as the nearest
     * thing to a process id the Host can honestly print.  So the filter is on the
     * address range, and `--trace-eip=0-0xbfffffff` keeps a busybox shell's trace to
     * what its programs did. :*/
    final boolean hypercalls, traps, irqs, switches, dma, pagefaults, syscalls;
    private final PrintStream out;
    private final boolean closeOut;
    private final long eipLo, eipHi;
    /** The async ring's cursor and count before the Host ran it (see asyncRingDone). */
    private int ringBefore;
    private long asyncBefore;

    /**
     * A trace of the given categories to out (closed by {@link #close()} if closeOut),
     * of the events whose Guest EIP lies in [eipLo, eipHi] (unsigned, inclusive).
     */
    public Trace(Set<Category> what, PrintStream out, boolean closeOut, long eipLo, long eipHi) {
        hypercalls = what.contains(Category.HYPERCALLS);
        traps = what.contains(Category.TRAPS);
        irqs = what.contains(Category.IRQS);
        switches = what.contains(Category.SWITCHES);
        dma = what.contains(Category.DMA);
        pagefaults = what.contains(Category.PAGEFAULTS);
        syscalls = what.contains(Category.SYSCALLS);
        this.out = out;
        this.closeOut = closeOut;
        this.eipLo = eipLo;
        this.eipHi = eipHi;
    }

    /** The categories named by a --trace= value: a comma list of category words, or "all". */
    public static Set<Category> categories(String list) {
        Set<Category> s = EnumSet.noneOf(Category.class);
        for (String w : list.split(",", -1)) {
            String t = w.trim().toLowerCase(Locale.ROOT);
            if (t.equals("all")) { s.addAll(EnumSet.allOf(Category.class)); continue; }
            Category found = null;
            for (Category c : Category.values()) if (c.word().equals(t)) found = c;
            if (found == null) throw new IllegalArgumentException("unknown trace category '" + w + "' (say "
                    + String.join(", ", words()) + ", or all)");
            s.add(found);
        }
        return s;
    }

    /** The category words, in order. */
    public static String[] words() {
        Category[] cs = Category.values();
        String[] w = new String[cs.length];
        for (int i = 0; i < cs.length; i++) w[i] = cs[i].word();
        return w;
    }

    /** Flushes the lines written, and closes a trace file. */
    public void close() {
        synchronized (this) {
            if (closeOut) out.close(); else out.flush();
        }
    }

    // ------------------------------------------------------------------------------
    //  Writing a line
    // ------------------------------------------------------------------------------

    private boolean shows(Guest g) {
        long eip = Integer.toUnsignedLong(g.reg(Switcher.R_EIP));
        return eip >= eipLo && eip <= eipHi;
    }

    private void line(Guest g, String label, String text) {
        String s = String.format("%10d [%s] %s", g.cpu.retired(), label, text);
        synchronized (this) {
            out.println(s);
        }
    }

    private static String hex(int v) {
        return String.format("0x%08x", v);
    }

    /** A number that is not an address: as short as it can be. */
    private static String num(int v) {
        return "0x" + Integer.toHexString(v);
    }

    /** Where the Guest was: EIP, ring, and for ring 3 the page directory, the Host's only name for a process. */
    private static String where(Guest g) {
        int ring = g.reg(Switcher.R_CS) & 3;
        return hex(g.reg(Switcher.R_EIP)) + (ring == 3 ? " (ring 3, pgdir " + hex(g.pages.guestPgdir()) + ")"
                : " (ring " + ring + ")");
    }

    // ------------------------------------------------------------------------------
    //  Hypercalls (H:200-H:230 and the section of each call's handler)
    // ------------------------------------------------------------------------------

    private static final String[] HCALL_NAME = {"FLUSH_ASYNC", "LGUEST_INIT", "CRASH", "LOAD_GDT", "NEW_PGTABLE",
        "FLUSH_TLB", "LOAD_IDT_ENTRY", "SET_STACK", "TS", "SET_CLOCKEVENT", "HALT", null, "BIND_DMA", "SEND_DMA",
        "SET_PTE", "SET_PMD", "LOAD_TLS", "LOAD_LDT"};
    /** The section that explains what each call does (its handler's). */
    private static final String[] HCALL_LABEL = {"H:210", "H:220", "H:200", "H:510", "H:460", "H:480", "H:330",
        "H:450", "H:130", "H:360", "H:310", "H:200", "H:620", "H:640", "H:470", "H:480", "H:510", "H:520"};
    /** How many of EDX, EBX, ECX each call uses. */
    private static final int[] HCALL_ARGS = {0, 1, 1, 2, 1, 1, 3, 3, 1, 1, 0, 3, 3, 2, 3, 2, 1, 2};

    static String hypercallName(int eax) {
        return eax >= 0 && eax < HCALL_NAME.length && HCALL_NAME[eax] != null ? HCALL_NAME[eax] : "#" + eax;
    }

    static String hypercallLabel(int eax) {
        return eax >= 0 && eax < HCALL_LABEL.length ? HCALL_LABEL[eax] : "H:200";
    }

    private static String hypercallText(int eax, int edx, int ebx, int ecx) {
        StringBuilder b = new StringBuilder("hypercall ").append(hypercallName(eax)).append('(');
        switch (eax) {
            case LHCALL_SET_CLOCKEVENT:
                b.append(Integer.toUnsignedString(edx)).append(" ns");
                break;
            case LHCALL_BIND_DMA:
                b.append("key ").append(hex(edx)).append(", dmas ").append(hex(ebx)).append(", ")
                        .append((ecx >>> 8) & 0xFFFF).append(" buffers, irq ").append(ecx & 0xFF);
                break;
            case LHCALL_SET_PTE:
                b.append("pgdir ").append(hex(edx)).append(", vaddr ").append(hex(ebx)).append(", pte ").append(hex(ecx));
                break;
            case LHCALL_LOAD_IDT_ENTRY:
                b.append("vector ").append(edx);
                if ((ecx & 0x8000) == 0) { b.append(", not present"); break; }
                b.append(", handler ").append(hex((ebx & 0xFFFF) | (ecx & 0xFFFF0000)))
                        .append(((ecx >> 8) & 0xF) == 0xF ? ", trap gate" : ((ecx >> 8) & 0xF) == 0xE ? ", interrupt gate"
                                : ", type " + ((ecx >> 8) & 0xF)).append(" DPL ").append((ecx >> 13) & 3);
                break;
            default:
                int n = eax >= 0 && eax < HCALL_ARGS.length ? HCALL_ARGS[eax] : 3;
                int[] a = {edx, ebx, ecx};
                for (int i = 0; i < n; i++) b.append(i > 0 ? ", " : "").append(num(a[i]));
        }
        return b.append(')').toString();
    }

    /** A hypercall in the registers, about to be done (H:230). */
    void hypercall(Guest g, int eax, int edx, int ebx, int ecx) {
        if (!hypercalls || !shows(g)) return;
        line(g, hypercallLabel(eax), hypercallText(eax, edx, ebx, ecx) + " from " + where(g));
    }

    /** Before the Host runs the async ring: where its cursor is. */
    void asyncRingBefore(Guest g) {
        ringBefore = g.nextHcall;
        asyncBefore = g.stats.asyncHypercalls;
    }

    /**
     * After the Host ran the async ring: the calls it did are the slots from the old
     * cursor on, as many as the count went up; their arguments are still in lguest_data
     * (the Host frees a slot by its status byte only).
     */
    void asyncRingDone(Guest g) {
        long n = g.stats.asyncHypercalls - asyncBefore;
        if (!hypercalls || n <= 0 || !shows(g)) return;
        for (long i = 0; i < n; i++) {
            int slot = (int) ((ringBefore + i) % LHCALL_RING_SIZE);
            int a = g.lguestData + LD_HCALLS + slot * HCALL_ARGS_SIZE;
            if (!g.addressOk(a, HCALL_ARGS_SIZE)) return;
            int eax = g.mem.read32(a);
            line(g, hypercallLabel(eax), hypercallText(eax, g.mem.read32(a + 4), g.mem.read32(a + 8),
                    g.mem.read32(a + 12)) + " from the async ring, slot " + slot + " (H:210)");
        }
    }

    /** LGUEST_INIT, the first call (H:220). */
    void init(Guest g, int data) {
        if (!hypercalls || !shows(g)) return;
        line(g, "H:220", "hypercall LGUEST_INIT(" + hex(data) + ") from " + where(g) + ": lguest_data is there");
    }

    // ------------------------------------------------------------------------------
    //  Page faults (H:130, H:430, H:440)
    // ------------------------------------------------------------------------------

    private static String access(int errcode) {
        return (errcode & 2) != 0 ? "write" : "read";
    }

    /** A guest page-table entry, looked at without the checks that kill: "-" when there is none to see. */
    private static String guestPte(Guest g, int vaddr) {
        int pgdAddr = (g.pages.guestPgdir() & 0xFFFFF000) + (vaddr >>> 22) * 4;
        if (!g.addressOk(pgdAddr, 4) || !g.mem.isBacked(pgdAddr)) return "-";
        int pgd = g.mem.read32(pgdAddr);
        if ((pgd & ShadowPageTables.PRESENT) == 0) return "none (page directory entry " + hex(pgd) + ")";
        int pteAddr = (pgd & 0xFFFFF000) + ((vaddr >>> 12) & 0x3FF) * 4;
        if (!g.addressOk(pteAddr, 4) || !g.mem.isBacked(pteAddr)) return "-";
        return hex(g.mem.read32(pteAddr));
    }

    /** The Host filled a page fault from the Guest's tables (H:440), or did the dirty-bit trick (H:430). */
    void pageFilled(Guest g, int cr2, int errcode) {
        if (!pagefaults || !shows(g)) return;
        if ((errcode & 1) != 0)
            line(g, "H:430", "page fault " + hex(cr2) + " " + access(errcode) + " at " + where(g)
                    + ": first write, guest pte now " + guestPte(g, cr2) + " (DIRTY), shadow made writable");
        else
            line(g, "H:440", "page fault " + hex(cr2) + " " + access(errcode) + " at " + where(g)
                    + ": shadow filled from guest pte " + guestPte(g, cr2));
    }

    /** A page fault that is the Guest's own: it gets it, with the address in lguest_data.cr2. */
    void pageReflected(Guest g, int cr2, int errcode) {
        if (!pagefaults || !shows(g)) return;
        line(g, "H:440", "page fault " + hex(cr2) + " " + access(errcode) + " at " + where(g)
                + ": the Guest's own (guest pte " + guestPte(g, cr2) + "), cr2 written for it (H:130)");
    }

    // ------------------------------------------------------------------------------
    //  Traps (H:320, H:350) and Sudden Death (H:110)
    // ------------------------------------------------------------------------------

    private static final String[] VECTOR = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "-",
        "#TS", "#NP", "#SS", "#GP", "#PF", "-", "#MF", "#AC", "#MC", "#XM"};

    static String vectorName(int v) {
        if (v >= 0 && v < VECTOR.length) return VECTOR[v];
        if (v == LGUEST_TRAP_ENTRY) return "hypercall";
        if (v == SYSCALL_VECTOR) return "system call";
        if (v == Switcher.HOST_IRQ_VECTOR) return "host interrupt";
        if (v == 256) return "fault inside the Switcher";
        return v >= FIRST_EXTERNAL_VECTOR ? "interrupt" : "reserved";
    }

    /** A trap the Host will not handle goes to the Guest's handler (H:320). */
    void trapReflected(Guest g, int num, int handler) {
        if (!traps || !shows(g)) return;
        String err = Traps.hasErr(num) ? ", error code " + hex(g.reg(Switcher.R_ERRCODE)) : "";
        line(g, "H:320", "trap " + num + " (" + vectorName(num) + ") at " + where(g) + err
                + ": reflected to the Guest's handler " + hex(handler));
    }

    /** An IN or OUT from the Guest's kernel, emulated (H:350). */
    void portIo(Guest g, int insn, boolean in) {
        if (!traps || !shows(g)) return;
        line(g, "H:350", "trap 13 (#GP) at " + where(g) + ": " + (in ? "IN" : "OUT") + " (opcode "
                + String.format("0x%02x", insn) + ") emulated" + (in ? ", reads all ones" : ", goes nowhere"));
    }

    /** The first reason a Guest was killed: not filtered, since it is the last line of its story. */
    void death(Guest g, String reason) {
        line(g, "H:110", "Sudden Death: " + reason);
    }

    // ------------------------------------------------------------------------------
    //  Interrupts (H:310, L:050)
    // ------------------------------------------------------------------------------

    /** A virtual interrupt, about to be built on the Guest's stack (H:310). */
    void interrupt(Guest g, int irq, int handler) {
        if (!irqs || !shows(g)) return;
        line(g, "H:310", "irq " + irq + " (vector " + (FIRST_EXTERNAL_VECTOR + irq) + ") injected at " + where(g)
                + ": the Guest's handler " + hex(handler) + ", still pending " + num(g.irqsPending.get()));
    }

    /** The Launcher asked for an interrupt (LHREQ_IRQ, L:050). */
    void launcherIrq(Guest g, int irq) {
        if (!irqs || !shows(g)) return;
        line(g, "L:050", "the Launcher raises irq " + irq);
    }

    // ------------------------------------------------------------------------------
    //  The world switch (S:080, S:090)
    // ------------------------------------------------------------------------------

    /** Into the Guest: the registers it will resume with are in the register page. */
    void enter(Guest g, int shadow) {
        if (!switches || !shows(g)) return;
        line(g, "S:080", "into the Guest at " + where(g) + " on shadow " + hex(shadow));
    }

    /** Out of the Guest, by trap number. */
    void exit(Guest g, int trap) {
        if (!switches || !shows(g)) return;
        line(g, "S:090", "out of the Guest: " + (trap == 256 ? "fault inside the Switcher"
                : "trap " + trap + " (" + vectorName(trap) + ")") + " at " + where(g));
    }

    // ------------------------------------------------------------------------------
    //  DMA (H:640, H:650)
    // ------------------------------------------------------------------------------

    /** SEND_DMA to a key in the Guest's private memory: the Launcher's business. */
    void dmaToLauncher(Guest g, int key, int udma) {
        if (!dma || !shows(g)) return;
        line(g, "H:640", "SEND_DMA " + hex(udma) + " to key " + hex(key) + ": a private key, handed to the Launcher (L:210)");
    }

    /** SEND_DMA to a shared key: copied into another Guest's buffer (bytes), or not (-1). */
    void dmaShared(Guest g, Guest to, int bytes, int irq) {
        if (!dma || !shows(g)) return;
        line(g, "H:640", "SEND_DMA to a shared key: " + (bytes < 0
                ? "guest " + to.guestid + " had no free buffer, its irq " + irq + " raised anyway"
                : bytes + " bytes into guest " + to.guestid + "'s buffer, its irq " + irq + " raised"));
    }

    /** SEND_DMA to a shared key that no other Guest has bound. */
    void dmaUnbound(Guest g, int key) {
        if (!dma || !shows(g)) return;
        line(g, "H:640", "SEND_DMA to shared key " + hex(key) + ": no other Guest has bound it, nothing sent");
    }

    /** GETDMA: the Launcher asks which buffer the Guest offered at a key. */
    void getDma(Guest g, int key, long result) {
        if (!dma || !shows(g)) return;
        line(g, "H:650", "GETDMA key " + hex(key) + " from the Launcher: "
                + (result < 0 ? "error " + (-result) : "buffer " + hex((int) result)));
    }

    // ------------------------------------------------------------------------------
    //  System calls (H:345)
    // ------------------------------------------------------------------------------

    private static final Map<Integer, String> SYSCALL = new HashMap<>();

    static {
        String names = "311 set_robust_list 386 rseq 1 exit 2 fork 3 read 4 write 5 open 6 close 7 waitpid 8 creat 9 link 10 unlink 11 execve "
                + "12 chdir 13 time 15 chmod 19 lseek 20 getpid 33 access 36 sync 37 kill 38 rename 39 mkdir "
                + "40 rmdir 41 dup 42 pipe 45 brk 54 ioctl 57 setpgid 60 umask 63 dup2 64 getppid 65 getpgrp "
                + "66 setsid 76 getrlimit 78 gettimeofday 83 symlink 85 readlink 91 munmap 92 truncate "
                + "93 ftruncate 94 fchmod 114 wait4 118 fsync 119 sigreturn 120 clone 122 uname 125 mprotect "
                + "132 getpgid 133 fchdir 140 _llseek 145 readv 146 writev 147 getsid 162 nanosleep 168 poll "
                + "172 prctl 173 rt_sigreturn 174 rt_sigaction 175 rt_sigprocmask 179 rt_sigsuspend 183 getcwd "
                + "190 vfork 191 ugetrlimit 192 mmap2 195 stat64 196 lstat64 197 fstat64 199 getuid32 "
                + "200 getgid32 201 geteuid32 202 getegid32 220 getdents64 221 fcntl64 224 gettid "
                + "243 set_thread_area 252 exit_group 258 set_tid_address 265 clock_gettime 270 tgkill "
                + "295 openat 300 fstatat64 301 unlinkat 330 dup3 331 pipe2 355 getrandom 383 statx "
                + "403 clock_gettime64";
        String[] w = names.split(" ");
        for (int i = 0; i < w.length; i += 2) SYSCALL.put(Integer.parseInt(w[i]), w[i + 1]);
    }

    /** A system call from ring 3, brought out by the detour (H:345) on its way to the Guest. */
    void syscall(Guest g) {
        if (!syscalls || !shows(g)) return;
        int nr = g.reg(Switcher.R_EAX);
        line(g, "H:345", String.format("syscall %d %s(%s, %s, %s) from %s", nr, SYSCALL.getOrDefault(nr, "?"),
                num(g.reg(Switcher.R_EBX)), num(g.reg(Switcher.R_ECX)), num(g.reg(Switcher.R_EDX)), where(g)));
    }
}
