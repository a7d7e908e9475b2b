package lguest.host;

import lguest.machine.Cpu;
import lguest.machine.PhysicalMemory;

/**
 * The Host's debug port for one Guest: what a debugger may see and change while the Guest
 * is stopped (the registers in the register page, guest-virtual memory through the Guest's
 * own page tables), and the three small hooks in the run loop that stop it.
 */
public final class GuestDebug {
    /** Why the Guest stopped. */
    public enum Stop { BREAKPOINT, STEPPED, REQUESTED }

    /** How the Guest goes on: run freely, one instruction (interrupts held or not), or die. */
    public enum Resume { CONTINUE, STEP, STEP_WITH_INTERRUPTS, KILL }

    /** The debugger's side: called on the Guest's own thread while the Guest stands still. */
    public interface Stopper {
        Resume stopped(GuestDebug guest, Stop why);

        /** Is a breakpoint of the debugger's at this guest-virtual address? */
        boolean breakpointAt(int vaddr);
    }

    /** gdb's i386 register order: eax ecx edx ebx esp ebp esi edi eip eflags cs ss ds es fs gs. */
    private static final int[] GDB_ORDER = {Switcher.R_EAX, Switcher.R_ECX, Switcher.R_EDX, Switcher.R_EBX,
        Switcher.R_ESP, Switcher.R_EBP, Switcher.R_ESI, Switcher.R_EDI, Switcher.R_EIP, Switcher.R_EFLAGS,
        Switcher.R_CS, Switcher.R_SS, Switcher.R_DS, Switcher.R_ES, Switcher.R_FS, Switcher.R_GS};
    public static final int REGISTERS = GDB_ORDER.length, EIP = 8, EFLAGS = 9;
    /** The flags a debugger may change: the arithmetic ones and DF.  Not IF, IOPL or VM (M:652). */
    private static final int USER_FLAGS = 0x0CD5;

    private final Guest g;
    private volatile Stopper stopper;
    private volatile boolean stopRequested;
    private boolean stepping, stepEntered, holdInterrupts, hitBreakpoint;
    private int stepEip, stepCs, lastTrap;

    GuestDebug(Guest g) {
        this.g = g;
    }

    /** Attaches a debugger; with {@code stopFirst} the Guest stops before its first instruction. */
    public void attach(Stopper s, boolean stopFirst) {
        stopper = s;
        stopRequested = stopFirst;
        g.changed |= Switcher.CHANGED_IDT;
        g.debug = this;
    }

    /** Stop the Guest at the next trip round the run loop (any thread may ask: ^C, a new gdb). */
    public void requestStop() {
        stopRequested = true;
        g.wake();
    }

    /*M:652 What the debugger is shown.  The registers are the ones in the register page:
     * between two runs that is where the Guest's state lives (S:030), so a stopped Guest
     * is read the way the Switcher reads it, and a register written there is what the
     * Switcher pops on the way back in.  The segment registers are shown and not
     * changed, and of EFLAGS only the arithmetic flags may be: the IRET that enters the
     * Guest runs in ring 0 and would honour a debugger's IOPL, handing the Guest's
     * kernel the I/O ports (H:350), and a selector the Guest never loaded would fault
     * inside the Switcher and kill it.  Memory is guest-virtual, as gdb thinks of a
     * kernel: the Guest's own page directory is walked in the Guest's own memory, and
     * every physical address met on the way must lie below pfn_limit (H:100).  The
     * Switcher's slot is refused before any walk, so no page table the Guest wrote can
     * lead a debugger to the Host's frames: it sees what its Guest could see, no more. */
    public int[] registers() {
        int[] v = new int[REGISTERS];
        for (int i = 0; i < REGISTERS; i++) v[i] = g.reg(GDB_ORDER[i]);
        return v;
    }

    public boolean setRegister(int n, int value) {
        if (n < 0 || n >= REGISTERS) return false;
        int old = g.reg(GDB_ORDER[n]);
        if (n == EFLAGS) value = (old & ~USER_FLAGS) | (value & USER_FLAGS);
        else if (n > EFLAGS) return value == old;
        g.setReg(GDB_ORDER[n], value);
        return true;
    }

    /** The guest-physical address behind a guest-virtual one, or -1 if the Guest maps none. */
    public int translate(int vaddr) {
        if (Integer.compareUnsigned(vaddr, Switcher.SWITCHER_ADDR) >= 0) return -1;
        int pde = physRead32((g.pages.guestPgdir() & ~0xFFF) + (vaddr >>> 22) * 4);
        if ((pde & ShadowPageTables.PRESENT) == 0 || (pde & ShadowPageTables.PSE) != 0) return -1;
        int pte = physRead32((pde & ~0xFFF) + ((vaddr >>> 12) & 0x3FF) * 4);
        if ((pte & ShadowPageTables.PRESENT) == 0) return -1;
        int phys = (pte & ~0xFFF) | (vaddr & 0xFFF);
        return guestPhysical(phys, 1) ? phys : -1;
    }

    /** Reads guest-virtual memory: as many bytes as are mapped from vaddr on (maybe none). */
    public byte[] read(int vaddr, int len) {
        byte[] out = new byte[len];
        int n = 0;
        PhysicalMemory mem = g.mem;
        while (n < len) {
            int phys = translate(vaddr + n);
            if (phys < 0) break;
            int chunk = Math.min(len - n, 4096 - (phys & 0xFFF));
            mem.read(phys, out, n, chunk);
            n += chunk;
        }
        return n == len ? out : java.util.Arrays.copyOf(out, n);
    }

    /** Writes guest-virtual memory, all or nothing; read-only guest pages too, as a debugger must. */
    public boolean write(int vaddr, byte[] data) {
        int[] phys = new int[data.length];
        for (int i = 0; i < data.length; i++) if ((phys[i] = translate(vaddr + i)) < 0) return false;
        for (int i = 0; i < data.length; i++) g.mem.write8(phys[i], data[i]);
        return true;
    }

    private boolean guestPhysical(int addr, int len) {
        return g.addressOk(addr, len) && g.backed(addr, len);
    }

    private int physRead32(int addr) {
        return guestPhysical(addr, 4) ? g.mem.read32(addr) : 0;
    }
    /*:*/

    /*M:654 Stopping a Guest costs the run loop three calls, and only once a debugger is
     * attached.  entering() is the last word before the Switcher: to step, it sets the
     * trap flag in the EFLAGS the Switcher's IRET will pop, so the CPU runs one Guest
     * instruction and raises #DB (X:520).  exited() is the first word after: TF comes out of
     * the saved EFLAGS at once, whatever brought the Guest out, because the Host may be
     * about to push those flags on the Guest's stack (H:300), and a Guest that IRETs
     * with TF set would trip over a #DB of ours long after we stopped asking.  Then
     * exited() claims the traps that are the debugger's: the #DB it asked for, and a
     * breakpoint.  A breakpoint is an INT3 byte in the Guest's code.  While a debugger
     * is attached, gates 1 and 3 are always the Switcher's stubs, never a direct trap
     * (H:340), and a stub's gate has DPL 0, so from ring 1 or 3 the CPU answers INT3
     * with #GP and error code 0x1A (vector 3, "from the IDT"), EIP still on the INT3.
     * (A #BP, EIP one past, is claimed too, should a gate ever let INT3 through.)  Only
     * an INT3 where the debugger put one is claimed: the Guest's own get what they
     * always got. */
    void entering() {
        if (!stepping) return;
        stepEntered = true;
        stepEip = g.reg(Switcher.R_EIP);
        stepCs = g.reg(Switcher.R_CS);
        g.setReg(Switcher.R_EFLAGS, g.reg(Switcher.R_EFLAGS) | Cpu.TF);
    }

    boolean exited(int trap) {
        g.setReg(Switcher.R_EFLAGS, g.reg(Switcher.R_EFLAGS) & ~Cpu.TF);
        lastTrap = trap;
        Stopper s = stopper;
        if (s == null) return false;
        int eip = g.reg(Switcher.R_EIP);
        if (trap == 13 && g.reg(Switcher.R_ERRCODE) == (3 << 3 | 2) && s.breakpointAt(eip)) {
            hitBreakpoint = true;
        } else if (trap == 3 && s.breakpointAt(eip - 1)) {
            g.setReg(Switcher.R_EIP, eip - 1);
            hitBreakpoint = true;
        }
        return hitBreakpoint || (trap == 1 && stepping);
    }
    /*:*/

    /*M:656 The third call sits at the top of the loop, after the hypercalls: it is
     * where a Guest is stopped, since there its state is whole in the register page
     * and everything the last exit asked for is done.  A step is over when the #DB came
     * or when the Guest's EIP moved without one, because some instructions finish
     * in the Host: a hypercall, an emulated IN or OUT, a trap the Host reflected (the
     * Guest then stands on its handler's first instruction).  A page fault the Host
     * filled, or a host interrupt, leaves EIP where it was, and the step goes on.
     * While stepping, the Host holds back the Guest's virtual interrupts, as QEMU's
     * gdb stub does, or every `step` would land in the timer's handler; a halted
     * Guest is given them anyway, since nothing else can wake it.  Returns whether
     * interrupts may be delivered now. */
    boolean beforeRun() {
        Stopper s = stopper;
        if (s == null) return true;
        Stop why = null;
        if (hitBreakpoint) why = Stop.BREAKPOINT;
        else if (stopRequested) why = Stop.REQUESTED;
        else if (stepping && stepEntered && (lastTrap == 1 || g.reg(Switcher.R_EIP) != stepEip
                || g.reg(Switcher.R_CS) != stepCs)) why = Stop.STEPPED;
        if (why == null) return !(stepping && holdInterrupts) || g.halted;
        hitBreakpoint = false;
        stopRequested = false;
        stepping = stepEntered = false;
        lastTrap = -1;
        Resume how = s.stopped(this, why);
        if (how == Resume.KILL) g.kill("killed by the debugger");
        stepping = how == Resume.STEP || how == Resume.STEP_WITH_INTERRUPTS;
        holdInterrupts = how == Resume.STEP;
        return !(stepping && holdInterrupts);
    }
    /*:*/

    /** Detaches: the Guest runs on as if no debugger had come (call from stopped()). */
    public void detach() {
        stopper = null;
        stepping = false;
        g.changed |= Switcher.CHANGED_IDT;
        g.debug = null;
    }

    /** Whether the Guest has died (its reason is the Launcher's to tell). */
    public boolean dead() { return g.isDead(); }
}
