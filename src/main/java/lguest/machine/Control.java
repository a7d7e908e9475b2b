package lguest.machine;

import static lguest.machine.Cpu.ECX;
import static lguest.machine.Cpu.ESP;

/**
 * Jumps, calls, returns, loops, software interrupts, HLT, and the instructions that only
 * fault. A jump's target was worked out by the decoder and is the Insn's imm; where the
 * instruction after this one starts is its next.
 */
final class Control {
    private Control() { }

    /** An opcode with no row in the table. */
    static void undefined(Cpu c, Insn i) { throw Cpu.fault(Vectors.UD); }

    /** An instruction longer than fifteen bytes. */
    static void tooLong(Cpu c, Insn i) { throw Cpu.gp(0); }

    /** Jcc: the condition comes from the row (JE is 4). */
    static void jcc(Cpu c, Insn i) { if (c.cond(i.form().cc())) c.eip = i.imm(); }

    static void jmp(Cpu c, Insn i) { c.eip = i.imm(); }

    /** JMP Ev: the target is a register or memory; 16 bits of it under 0x66. */
    static void jmpIndirect(Cpu c, Insn i) { c.eip = i.a(c); }

    static void call(Cpu c, Insn i) {
        c.push(i.size(), i.next());
        c.eip = i.imm();
    }

    /** CALL Ev: the target is read before anything is pushed. */
    static void callIndirect(Cpu c, Insn i) {
        int t = i.a(c);
        c.push(i.size(), i.next());
        c.eip = t;
    }

    /** RET, and RET Iw, which also drops Iw bytes of arguments. */
    static void ret(Cpu c, Insn i) {
        int t = c.pop(i.size());
        c.r[ESP] += i.imm() & 0xFFFF;
        c.eip = t;
    }

    static void retFar(Cpu c, Insn i) { c.farReturn(i.size(), false, i.imm() & 0xFFFF); }

    static void iret(Cpu c, Insn i) { c.farReturn(i.size(), true, 0); }

    /** JMPF Ap, CALLF Ap: the far pointer is in the instruction. */
    static void jmpFar(Cpu c, Insn i) { c.farJump(i.imm2() & 0xFFFF, farOffset(i, i.imm())); }

    static void callFar(Cpu c, Insn i) { c.farCall(i.imm2() & 0xFFFF, farOffset(i, i.imm()), i.next(), i.size()); }

    /** JMPF Mp, CALLF Mp: the far pointer is in memory, offset first. */
    static void jmpFarIndirect(Cpu c, Insn i) {
        int sz = i.size(), l = i.lin(c, sz + 2, false);
        c.farJump(c.rd(l + sz, 2), c.rd(l, sz));
    }

    static void callFarIndirect(Cpu c, Insn i) {
        int sz = i.size(), l = i.lin(c, sz + 2, false);
        c.farCall(c.rd(l + sz, 2), c.rd(l, sz), i.next(), sz);
    }

    private static int farOffset(Insn i, int off) { return i.size() == 2 ? off & 0xFFFF : off; }

    /*X:170 LOOP, LOOPE, LOOPNE and JECXZ count in ECX, or in CX alone under the
     * address-size prefix 0x67: the counter's width follows the address size, not the
     * operand size, because on the 8086 CX was the count register of the string and
     * loop instructions alike. */
    static void loop(Cpu c, Insn i) { if (countDown(c, i) != 0) c.eip = i.imm(); }

    static void loope(Cpu c, Insn i) { if (countDown(c, i) != 0 && c.zf()) c.eip = i.imm(); }

    static void loopne(Cpu c, Insn i) { if (countDown(c, i) != 0 && !c.zf()) c.eip = i.imm(); }

    static void jecxz(Cpu c, Insn i) { if (c.getReg(i.asize(), ECX) == 0) c.eip = i.imm(); }

    /** Decrements the count register and returns its new value. */
    private static int countDown(Cpu c, Insn i) {
        int n = c.getReg(i.asize(), ECX) - 1;
        c.setReg(i.asize(), ECX, n);
        return n & Cpu.mask(i.asize());
    }
    /*:*/

    static void int3(Cpu c, Insn i) { c.softInt(3, i.next()); }

    static void intN(Cpu c, Insn i) { c.softInt(i.imm() & 0xFF, i.next()); }

    static void into(Cpu c, Insn i) { if (c.of()) c.softInt(4, i.next()); }

    /** INT1 (ICEBP): a debug exception, delivered as a trap after the instruction. */
    static void int1(Cpu c, Insn i) { c.deliver(Vectors.DB, 0, false, false, i.next(), 0); }

    static void hlt(Cpu c, Insn i) {
        if (c.cpl != 0) throw Cpu.gp(0);
        c.pendingExit = Exit.HALT;
    }

    /** BOUND Gv,Ma: #BR unless the lower bound <= Gv <= the upper bound (signed). */
    static void bound(Cpu c, Insn i) {
        int sz = i.size(), l = i.lin(c, 2 * sz, false);
        int lo = c.rd(l, sz), hi = c.rd(l + sz, sz), v = c.getReg(sz, i.reg());
        if (sz == 2) { lo = (short) lo; hi = (short) hi; v = (short) v; }
        if (v < lo || v > hi) throw Cpu.fault(Vectors.BR);
    }

    /** WAIT: #NM when the FPU belongs to another task, #MF when an x87 fault is pending. */
    static void fwait(Cpu c, Insn i) {
        if ((c.cr0 & (Cpu.CR0_MP | Cpu.CR0_TS)) == (Cpu.CR0_MP | Cpu.CR0_TS)) throw Cpu.fault(Vectors.NM);
        if (c.x87.mathFaultPending()) throw Cpu.fault(Vectors.MF);
    }
}
