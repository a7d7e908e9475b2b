package lguest.host;

import static lguest.host.Abi.*;

import java.util.concurrent.TimeUnit;
import lguest.machine.Cpu;

/**
 * Interrupts and traps: the guest's IDT as the Host records it, the direct traps copied
 * into the real IDT, reflected traps and injected interrupts built on the guest's stack,
 * port I/O emulation and the one-shot clock event.
 */
final class Traps {
    private final Guest g;
    /** The guest's gates for vectors 0-63 (32 traps, 32 interrupts), and its syscall gate. */
    final int[] idtLo = new int[FIRST_EXTERNAL_VECTOR + LGUEST_IRQS], idtHi = new int[FIRST_EXTERNAL_VECTOR + LGUEST_IRQS];
    int syscallLo, syscallHi;

    Traps(Guest g) {
        this.g = g;
    }

    /** The vectors for which the CPU pushes an error code. */
    static boolean hasErr(int trap) {
        return trap == 8 || (trap >= 10 && trap <= 14) || trap == 17;
    }

    private static boolean idtPresent(int lo, int hi) { return (hi & 0x8000) != 0; }

    private static int idtType(int lo, int hi) { return (hi >> 8) & 0xF; }

    private static int idtAddress(int lo, int hi) { return (lo & 0xFFFF) | (hi & 0xFFFF0000); }

    /*H:300 Three kinds of interruption, and the Host handles each differently.  Real
     * interrupts (a host timer, a BREAK) belong to the Host and arrive while the
     * Guest runs; they simply bring us out.  Virtual interrupts are the Guest's
     * devices, which exist only as bits in irqs_pending, and the Host delivers them by
     * building an interrupt frame on the Guest's stack, as the CPU would have.  Traps
     * the Guest itself causes either go straight to the Guest (the direct ones, below)
     * or come out to us and are delivered the same way as virtual interrupts.
     *
     * set_guest_interrupt is that "as the CPU would have".  If the Guest was in ring
     * 3, switch to its kernel stack (from SET_STACK) and push the old SS and ESP.
     * Push EFLAGS, but with IF taken from lguest_data.irq_enabled, the Guest's idea
     * of the interrupt flag (the real one is always on).  Push CS, EIP and the error
     * code if this vector has one, and point CS:EIP at the handler.  The Guest's
     * stack is reached through its linear map (virtual minus page_offset), which is
     * what 2.6.23 did too; a Guest whose stack is elsewhere dies of a bad address.
     * Last, what the CPU does to the flags the handler starts with: TF, NT and RF
     * are cleared (the pushed copy keeps them).  2.6.23 left them, and so a program
     * single-stepping itself (TF set in ring 3: a debugger, or QEMU's test-i386)
     * brought its Guest kernel in with TF still set, which then trapped after every
     * instruction of its own handler, each trap coming out to us and going back in
     * on top of the last. */
    private void setGuestInterrupt(int lo, int hi, boolean hasErr) {
        int virtstack, ss;
        int[] gstack = new int[1];
        int origstack;
        if ((g.reg(Switcher.R_SS) & 3) != GUEST_PL) {
            virtstack = g.esp1;
            ss = g.ss1;
            origstack = gstack[0] = virtstack - g.pageOffset;
            pushGuestStack(gstack, g.reg(Switcher.R_SS));
            pushGuestStack(gstack, g.reg(Switcher.R_ESP));
        } else {
            virtstack = g.reg(Switcher.R_ESP);
            ss = g.reg(Switcher.R_SS);
            origstack = gstack[0] = virtstack - g.pageOffset;
        }
        int eflags = g.reg(Switcher.R_EFLAGS);
        if (g.haveData && (g.read32(g.lguestData + LD_IRQ_ENABLED) & 0x200) == 0) eflags &= ~0x200;
        pushGuestStack(gstack, eflags);
        pushGuestStack(gstack, g.reg(Switcher.R_CS));
        pushGuestStack(gstack, g.reg(Switcher.R_EIP));
        if (hasErr) pushGuestStack(gstack, g.reg(Switcher.R_ERRCODE));
        g.setReg(Switcher.R_SS, ss);
        g.setReg(Switcher.R_ESP, virtstack + (gstack[0] - origstack));
        g.setReg(Switcher.R_CS, KERNEL_CS | GUEST_PL);
        g.setReg(Switcher.R_EIP, idtAddress(lo, hi));
        g.setReg(Switcher.R_EFLAGS, g.reg(Switcher.R_EFLAGS) & ~(Cpu.TF | Cpu.NT | Cpu.RF));
        /* An interrupt gate turns interrupts off: the Guest's kind. */
        if (idtType(lo, hi) == 0xE && g.haveData) g.write32(g.lguestData + LD_IRQ_ENABLED, 0);
    }

    private void pushGuestStack(int[] gstack, int val) {
        gstack[0] -= 4;
        g.write32(gstack[0], val);
    }
    /*:*/

    /*H:310 maybe_do_interrupt, once per trip round the run loop.  Take the lowest
     * pending interrupt the Guest has not blocked.  Never interrupt the Guest while
     * its EIP is inside the noirq window: that is the end of lguest_iret, which has
     * just restored irq_enabled and is about to IRET, where an interrupt would build a
     * frame on top of a frame that is half torn down, and the safe halt's two
     * instructions (G:520), where one would slip in between turning interrupts on
     * and halting.  A halted Guest is woken by any unblocked interrupt, with its
     * interrupts switched on for it (that is what HALT with interrupts enabled
     * means); a running Guest with irq_enabled 0 must wait.
     * And if the Guest never installed a handler for the vector, the interrupt stays
     * pending rather than vanish. */
    void maybeDoInterrupt() {
        if (!g.haveData) return;
        int blk = g.read32(g.lguestData + LD_BLOCKED_INTERRUPTS);
        int irqs = g.irqsPending.get() & ~blk;
        if (irqs == 0) return;
        int irq = Integer.numberOfTrailingZeros(irqs);
        int eip = g.reg(Switcher.R_EIP);
        if (Integer.compareUnsigned(eip, g.noirqStart) >= 0 && Integer.compareUnsigned(eip, g.noirqEnd) < 0) return;
        if (g.halted) {
            g.write32(g.lguestData + LD_IRQ_ENABLED, 0x200);
            g.halted = false;
        } else if (g.read32(g.lguestData + LD_IRQ_ENABLED) == 0) {
            return;
        }
        int v = FIRST_EXTERNAL_VECTOR + irq;
        if (idtPresent(idtLo[v], idtHi[v])) {
            g.irqsPending.getAndUpdate(p -> p & ~(1 << irq));
            if (g.trace != null) g.trace.interrupt(g, irq, idtAddress(idtLo[v], idtHi[v]));
            setGuestInterrupt(idtLo[v], idtHi[v], false);
            g.stats.interruptsInjected++;
        }
        g.writeTimestamp();
    }
    /*:*/

    /*H:320 deliver_trap: a trap came out to us and the Host will not handle it
     * itself, so it goes to the Guest's handler, if it has one.  The Host only keeps
     * handlers for vectors below 64, so anything else (and 256, the fault inside the
     * Switcher) is undeliverable, and the caller kills the Guest. */
    boolean deliverTrap(int num) {
        if (num == SYSCALL_VECTOR && g.trace != null) return deliverSyscall();
        if (num < 0 || num >= idtLo.length) return false;
        if (!idtPresent(idtLo[num], idtHi[num])) return false;
        if (g.trace != null) g.trace.trapReflected(g, num, idtAddress(idtLo[num], idtHi[num]));
        setGuestInterrupt(idtLo[num], idtHi[num], hasErr(num));
        return true;
    }
    /*:*/

    /*H:330 LOAD_IDT_ENTRY.  Four vectors are the Host's and the Guest's wishes for
     * them are ignored without complaint: 2 (NMI), 8 (double fault) and 15
     * (reserved), which the Host must always catch itself, and 0x1F, the hypercall.
     * A gate that is not present is recorded as nothing.  One that is neither an
     * interrupt gate (0xE) nor a trap gate (0xF) is a broken rule.  Of the rest we
     * keep the handler's address, the present bit, the DPL and the type, and force
     * the selector to the Guest's kernel code segment: the Guest names its handler,
     * but not what privilege it runs with. */
    void loadGuestIdtEntry(int num, int lo, int hi) {
        // LAB(direct-traps) { throw new UnsupportedOperationException("lab direct-traps: LOAD_IDT_ENTRY, record the Guest's gate (read H:330, H:300)");
        if (num == 2 || num == 8 || num == 15 || num == LGUEST_TRAP_ENTRY) return;
        g.changed |= Switcher.CHANGED_IDT;
        if (Integer.compareUnsigned(num, idtLo.length) < 0) {
            int[] e = setTrap(lo, hi);
            idtLo[num] = e[0];
            idtHi[num] = e[1];
        } else if (num == SYSCALL_VECTOR) {
            int[] e = setTrap(lo, hi);
            syscallLo = e[0];
            syscallHi = e[1];
        }
        // LAB(direct-traps) }
    }

    private int[] setTrap(int lo, int hi) {
        // LAB(direct-traps) { throw new UnsupportedOperationException("lab direct-traps: check a gate and keep what the Guest may choose (read H:330)");
        if (!idtPresent(lo, hi)) return new int[] {0, 0};
        int type = idtType(lo, hi);
        if (type != 0xE && type != 0xF) {
            g.kill("bad IDT type " + type);
            return new int[] {0, 0};
        }
        return new int[] {((KERNEL_CS | GUEST_PL) << 16) | (lo & 0xFFFF), hi & 0xFFFFEF00};
        // LAB(direct-traps) }
    }
    /*:*/

    /*H:340 Direct traps, the reason lguest's system calls were fast.  A trap the
     * Guest can handle without the Host need not come out at all: put the Guest's
     * own gate into the IDT the CPU uses, and the CPU goes from the Guest's ring 3
     * straight to its ring 1 (using ESP1 from the TSS).  Only traps below 32 and the
     * system call vector qualify, and not these: 14, because the Host must see page
     * faults first (its shadow tables may be the cause); 13, because the Host
     * emulates I/O; 7, because lguest's Host had to put the Guest's FPU state back
     * first (ours has nothing to put back, H:130, but keeps the rule); and 0x1F,
     * the hypercall.  And only trap gates, because an interrupt gate would clear
     * the real IF, which a Guest must never be able to do. */
    private static boolean directTrap(int num, int lo, int hi) {
        // LAB(direct-traps) { throw new UnsupportedOperationException("lab direct-traps: say which gates the CPU may use directly (read H:340, H:130)");
        if (num >= FIRST_EXTERNAL_VECTOR && num != SYSCALL_VECTOR) return false;
        if (num == 14 || num == 13 || num == 7 || num == LGUEST_TRAP_ENTRY) return false;
        return idtType(lo, hi) == 0xF;
        // LAB(direct-traps) }
    }

    /** Writes the direct traps, or the default stubs, for vectors 0-31 and 0x80 into the real IDT. */
    void copyTraps(int idt) {
        for (int i = 0; i < FIRST_EXTERNAL_VECTOR; i++) {
            /* A debugger's #DB and INT3 (M:654) come out to the Host, whatever the Guest's gates. */
            boolean debuggers = (i == 1 || i == 3) && g.debug != null;
            copyTrap(idt, i, debuggers ? 0 : idtLo[i], debuggers ? 0 : idtHi[i]);
        }
        copyTrap(idt, SYSCALL_VECTOR, syscallLo, syscallHi);
        if (g.trace != null && g.trace.syscalls) detourSyscalls(idt);
    }

    private void copyTrap(int idt, int i, int lo, int hi) {
        // LAB(direct-traps) { throw new UnsupportedOperationException("lab direct-traps: put the Guest's gate or the Switcher's stub in the real IDT (read H:340, S:060)");
        if (directTrap(i, lo, hi)) {
            g.mem.write32(idt + i * 8, lo);
            g.mem.write32(idt + i * 8 + 4, hi);
        } else {
            int handler = Switcher.STUBS + i * Switcher.STUB_SIZE;
            int flags = 0x8E00 | (i == LGUEST_TRAP_ENTRY ? GUEST_PL << 13 : 0);
            g.mem.write32(idt + i * 8, (LGUEST_CS << 16) | (handler & 0xFFFF));
            g.mem.write32(idt + i * 8 + 4, (handler & 0xFFFF0000) | flags);
        }
        // LAB(direct-traps) }
    }
    /*:*/

    /*H:345 The detour.  H:700 admits that the Host never sees a system call, and
     * that this blindness is lguest's speed.  A reader who wants to watch them
     * (--trace=syscalls) must give the speed back, as strace does on Linux: the
     * gate the CPU uses for vector 0x80 becomes a Switcher stub instead of the
     * Guest's own, an interrupt gate like every other stub but with DPL 3, or the
     * CPU would answer ring 3's "int $0x80" with a #GP.  Every system call then
     * comes out as trap 0x80; the Host writes its line and reflects it as H:320
     * reflects any trap, through the gate the Guest asked for, which builds the
     * same frame on the same kernel stack as the direct trap would have.  The
     * Guest cannot tell, except by the clock.  (A Guest whose gate at 0x80 is not
     * the trap gate G:450 installs could: untraced, its programs' "int $0x80"
     * meets the stub's DPL 0 and takes a #GP; traced, an interrupt gate is
     * served, and no gate at all is a trap nobody handles, which kills it.) */
    private void detourSyscalls(int idt) {
        int handler = Switcher.STUBS + SYSCALL_VECTOR * Switcher.STUB_SIZE;
        g.mem.write32(idt + SYSCALL_VECTOR * 8, (LGUEST_CS << 16) | (handler & 0xFFFF));
        g.mem.write32(idt + SYSCALL_VECTOR * 8 + 4, (handler & 0xFFFF0000) | 0xEE00);
    }

    private boolean deliverSyscall() {
        if (!idtPresent(syscallLo, syscallHi)) return false;
        g.trace.syscall(g);
        setGuestInterrupt(syscallLo, syscallHi, false);
        return true;
    }
    /*:*/

    /*H:350 Port I/O from the Guest's kernel.  Ring 1 has no I/O permission (IOPL is
     * 0 and the TSS has no bitmap), so IN and OUT fault with #GP and error code 0,
     * and come out here.  lguest emulated just enough for a kernel that probes for
     * hardware: an OUT does nothing, an IN reads all ones, "nothing there", the same
     * answer as an empty ISA bus, in the bytes it names (AL, AX or EAX) and no others.  Only the forms IN/OUT with an immediate port or
     * with DX, with an optional 16-bit prefix, and only in the kernel's half of the
     * address space; any other #GP goes to the Guest. */
    boolean emulateInsn() {
        int eip = g.reg(Switcher.R_EIP);
        if (Integer.compareUnsigned(eip, g.pageOffset) < 0) return false;
        int physaddr = eip - g.pageOffset;
        int insnlen = 0, shift = 0;
        int insn = g.read(physaddr, 1)[0] & 0xFF;
        if (insn == 0x66) {
            shift = 16;
            insnlen = 1;
            insn = g.read(physaddr + insnlen, 1)[0] & 0xFF;
        }
        boolean in;
        switch (insn & 0xFE) {
            case 0xE4: insnlen += 2; in = true; break;
            case 0xEC: insnlen += 1; in = true; break;
            case 0xE6: insnlen += 2; in = false; break;
            case 0xEE: insnlen += 1; in = false; break;
            default: return false;
        }
        if (in) {
            int eax = g.reg(Switcher.R_EAX);
            int ones = (insn & 1) == 0 ? 0xFF : shift != 0 ? 0xFFFF : 0xFFFFFFFF;
            g.setReg(Switcher.R_EAX, eax | ones);
        }
        if (g.trace != null) g.trace.portIo(g, insn, in);
        g.setReg(Switcher.R_EIP, eip + insnlen);
        return true;
    }
    /*:*/

    /*H:360 The clock.  A 2.6.23 Guest has one timer, a one-shot clock event: "wake
     * me in N nanoseconds" (0 cancels).  The Host arms a timer on its own clock;
     * when it fires, IRQ 0 becomes pending, a halted Guest is woken, and a running
     * one is knocked out of the CPU by the interrupt line, as a real host timer
     * interrupt would, so the next trip round the loop can inject it.  Setting a
     * new event cancels the old one, and the Host's timer queue forgets a cancelled
     * timer at once (Host.java), so a Guest re-arming its clock in a loop holds
     * one timer, not a heap full of them. */
    void setClockevent(int ns) {
        if (g.clockEvent != null) g.clockEvent.cancel(false);
        g.clockEvent = null;
        if (ns == 0) return;
        long delay = Integer.toUnsignedLong(ns);
        g.clockEvent = g.host.timers.schedule(() -> {
            g.irqsPending.getAndUpdate(p -> p | 1);
            g.wake();
        }, delay, TimeUnit.NANOSECONDS);
    }
    /*:*/
}
