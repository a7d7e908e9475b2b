package lguest.machine;

import static lguest.machine.Cpu.fault;
import static lguest.machine.Cpu.gp;
import static lguest.machine.Registers.CS;
import static lguest.machine.Registers.ESP;
import static lguest.machine.Registers.IF;
import static lguest.machine.Registers.NT;
import static lguest.machine.Registers.RF;
import static lguest.machine.Registers.TF;

/**
 * Exception and interrupt delivery: from a vector to a handler through the IDT, with the
 * stack switch the TSS names, the double-fault rules for a fault on the way, and the
 * single-step trap of EFLAGS.TF.
 */
final class Delivery {
    private final Cpu c;
    private final Segmentation seg;

    Delivery(Cpu c, Segmentation seg) {
        this.c = c;
        this.seg = seg;
    }

    /*X:500 How a trap travels. The vector indexes the IDT (8 bytes a gate); the gate must
     * be a 32-bit interrupt or trap gate and present. For INT n, INT3 and INTO, the gate's
     * DPL must be at least CPL: that single check is how an OS decides which vectors user
     * code may call (0x80 yes, 14 no), and why INT 14 from ring 3 yields #GP with the
     * error code 14*8+2 (bit 1: "this selector index is an IDT entry") rather than a fake
     * page fault. The gate names a code segment; if its DPL is below CPL, the processor
     * changes stacks to the one the TSS names for that ring (X:415) and pushes the *old*
     * SS and ESP there before EFLAGS, CS and EIP (and the error code, for the vectors that
     * have one). Everything is pushed first and committed after, so if a push faults the
     * old state is intact and the fault can itself be delivered: the double-fault rules
     * below decide whether that is allowed. Both kinds of gate clear TF, so a handler is
     * never single-stepped by accident; an interrupt gate also clears IF, a trap gate
     * leaves it alone. */
    void deliver(int vec, int err, boolean hasErr, boolean soft, int retEip, int ext) {
        deliver(vec, err, hasErr, soft, retEip, ext, 0);
    }

    /** The same, with rf (RF or 0) added to the EFLAGS image pushed: RF for a fault (X:512). */
    private void deliver(int vec, int err, boolean hasErr, boolean soft, int retEip, int ext, int rf) {
        if (Integer.compareUnsigned(vec * 8 + 7, c.idtrLimit) > 0) throw gp(vec * 8 + 2 + ext);
        int lo = c.sysRead(c.idtrBase + vec * 8, 4), hi = c.sysRead(c.idtrBase + vec * 8 + 4, 4);
        int type = hi >> 8 & 0x1F, gdpl = hi >> 13 & 3;
        if (type != 0x0E && type != 0x0F) throw gp(vec * 8 + 2 + ext);
        if (soft && gdpl < c.cpl) throw gp(vec * 8 + 2);
        if ((hi & 0x8000) == 0) throw fault(Vectors.NP, vec * 8 + 2 + ext);
        int sel = lo >>> 16, off = (lo & 0xFFFF) | (hi & 0xFFFF0000);
        if ((sel & 0xFFFC) == 0) throw gp(ext);
        long d = seg.descriptor(sel, Vectors.GP, ext);
        int attr = Segmentation.attr(d), dpl = attr >> 5 & 3, ctype = attr & 0x1F;
        if ((ctype & 0x18) != 0x18 || dpl > c.cpl) throw gp((sel & 0xFFFC) + ext);
        if ((attr & 0x80) == 0) throw fault(Vectors.NP, (sel & 0xFFFC) + ext);
        if (Integer.compareUnsigned(off, Segmentation.limit(d)) > 0) throw gp(ext);
        int eflags = c.getEflags() | rf, cs = c.segSel[CS];
        boolean conforming = (ctype & 4) != 0;
        if (!conforming && dpl < c.cpl) {
            Segmentation.Stack st = seg.innerStack(dpl, ext);
            int[] frame = hasErr ? new int[] {err, retEip, cs, eflags, c.r[ESP], c.segSel[Registers.SS]}
                                 : new int[] {retEip, cs, eflags, c.r[ESP], c.segSel[Registers.SS]};
            int sp = seg.pushOnto(st, 4, frame);
            seg.enterRing(sel, d, dpl, st, sp);
        } else {
            int n = hasErr ? 4 : 3, sp = c.r[ESP] - 4 * n;
            int a = c.stackLinW(sp, 4 * n);
            int[] frame = hasErr ? new int[] {err, retEip, cs, eflags} : new int[] {retEip, cs, eflags};
            c.probeWrite(c.cpl == 3 ? 1 : 0, a, 4 * n);
            for (int k = 0; k < n; k++) c.write32(a + 4 * k, frame[k]);
            seg.load(CS, (sel & ~3) | c.cpl, d);
            c.r[ESP] = sp;
        }
        c.eip = off;
        c.materialize();
        c.flags &= ~(TF | NT | RF);
        if (type == 0x0E) c.flags &= ~IF;
        c.stepHeld = true;
    }
    /*:*/

    /*X:510 Faults during delivery. If delivering one exception raises another, the SDM
     * sorts them into benign, contributory (#DE, #TS, #NP, #SS, #GP) and page faults. Two
     * contributory ones, or a page fault followed by either kind, become a double fault
     * (vector 8, error code 0); anything else is simply delivered in turn. A fault while
     * delivering the double fault is the end: the processor shuts down (the "triple
     * fault" that reboots a PC), and run() reports SHUTDOWN. */
    private static boolean contributory(int v) { return v == 0 || (v >= 10 && v <= 13); }

    void raise(CpuFault f, int faultEip) {
        int vec = f.vector, err = f.errorCode;
        boolean hasErr = f.hasErrorCode;
        for (int attempt = 0; ; attempt++) {
            try {
                deliver(vec, err, hasErr, false, faultEip, 1, faultClass(vec) ? RF : 0);
                return;
            } catch (CpuFault g) {
                if (vec == Vectors.DF) { c.pendingExit = Exit.SHUTDOWN; return; }
                boolean df = (contributory(vec) || vec == Vectors.PF) && (contributory(g.vector)
                        || (g.vector == Vectors.PF && vec == Vectors.PF));
                if (vec == Vectors.PF && contributory(g.vector)) df = true;
                if (df) { vec = Vectors.DF; err = 0; hasErr = true; }
                else { vec = g.vector; err = g.errorCode; hasErr = g.hasErrorCode; }
                if (attempt > 8) { c.pendingExit = Exit.SHUTDOWN; return; }
            }
        }
    }
    /*:*/

    /*X:512 The resume flag. An instruction breakpoint (a debug register naming an EIP)
     * is reported before its instruction runs, so the debugger's handler returns to that
     * same instruction, and would meet the same breakpoint for ever; it sets RF in the
     * image its IRET loads, and RF makes the processor skip instruction breakpoints for
     * the one instruction it resumes, after which the processor clears it. Every other
     * fault also returns to the instruction that faulted, one whose breakpoint may have
     * been reported already, so for those the processor sets RF in the pushed image
     * itself. This CPU has no instruction breakpoints, so RF changes nothing here; it is
     * kept because it can be seen. A Linux program that catches SIGSEGV finds RF
     * (0x10000) in its saved EFLAGS, since the kernel copies the frame the processor
     * pushed (U:420), and a program compared with the real processor must find it too.
     * Traps (INT n, INT3, INTO, the single-step #DB) and interrupts push RF as it is,
     * which is clear once an instruction has completed: the run loop clears RF when the
     * instruction after the IRET has completed (X:605), unless that instruction was
     * itself an IRET that loaded it again; an interrupt taken between the IRET and that
     * instruction pushes it set, as the processor's does. POPF never sets it (the SDM:
     * "RF is cleared"), and PUSHF never shows it. A double fault is an abort, not a
     * fault, and is pushed as the others are. */
    private static boolean faultClass(int vec) { return vec != Vectors.DB && vec != Vectors.DF; }
    /*:*/

    /*X:520 Single-step. With EFLAGS.TF set the processor raises #DB (vector 1) after each
     * instruction, a trap, so the saved EIP is the next instruction's and the handler
     * (a debugger) sees the world just after it; DR6.BS tells the handler why it was
     * called. What counts is TF as the instruction *began*. So the POPF or IRET that sets
     * TF is not itself followed by a trap (the next instruction is), while the POPF that
     * clears it still is. An instruction that delivers an interrupt of its own (INT n,
     * INT3, INTO, ICEBP) enters its handler with TF clear and no trap; the handler's IRET
     * restores TF, and the next trap comes after the first instruction it returns to. A
     * load of SS by MOV or POP holds the trap off for one more instruction, as it holds
     * off interrupts, so that the MOV to ESP that always follows runs with it: a trap
     * between the two would push onto a stack that is half-switched. The run loop (X:605)
     * looks at TF before each block; only an instruction that ends a block (POPF, IRET)
     * can set it, so that is often enough. With TF set the loop runs one instruction at
     * a time and calls this after each. */
    void afterStep() {
        if (c.stepHeld || c.pendingExit != null) return;
        c.dr[6] |= Registers.DR6_BS;
        raise(new CpuFault(Vectors.DB, 0, false), c.eip);
    }
    /*:*/

    /** Delivers an external (hardware) interrupt now, as if the line of this vector fired. */
    void external(int vector) {
        try {
            deliver(vector, 0, false, false, c.eip, 1);
        } catch (CpuFault f) {
            raise(f, c.eip);
        }
    }
}
