package lguest.machine;

import static lguest.machine.Cpu.CS;
import static lguest.machine.Cpu.DS;
import static lguest.machine.Cpu.EAX;
import static lguest.machine.Cpu.EBX;
import static lguest.machine.Cpu.SS;

/** MOV in its forms, LEA, XCHG, XLAT, and the far-pointer loads LDS and LES. */
final class Moves {
    private Moves() { }

    /** MOV a, b in every form: registers, memory, immediates, moffs. */
    static void mov(Cpu c, Insn i) { i.setA(c, i.b(c)); }

    static void lea(Cpu c, Insn i) { c.setReg(i.size(), i.reg(), i.addr().ea(c)); }

    /** XCHG a, b: b is a register; a memory a is locked on a real part, which changes nothing here. */
    static void xchg(Cpu c, Insn i) {
        int a = i.aForUpdate(c), b = i.b(c);
        i.putA(c, b);
        i.setB(c, a);
    }

    /** MOV Sw, Ew: loading a segment register checks the descriptor (and CS cannot be loaded). */
    static void movToSegment(Cpu c, Insn i) {
        if (i.reg() > 5 || i.reg() == CS) throw Cpu.fault(Vectors.UD);
        c.loadSegment(i.reg(), i.b(c) & 0xFFFF);
    }

    /** MOV Ev, Sw: a selector is 16 bits in memory; into a register it is zero-extended. */
    static void movFromSegment(Cpu c, Insn i) {
        if (i.reg() > 5) throw Cpu.fault(Vectors.UD);
        int sel = c.segSel[i.reg()];
        if (i.addr() == null) c.setReg(i.size(), i.rm(), sel);
        else c.wr(i.lin(c, 2, true), 2, sel);
    }

    /** XLAT: AL = [seg:EBX + AL]. */
    static void xlat(Cpu c, Insn i) {
        int s = i.segOr(DS), ea = (c.r[EBX] + (c.r[EAX] & 0xFF)) & (i.asize() == 2 ? 0xFFFF : -1);
        if (c.segChk[s]) c.segCheck(s, ea, 1, false);
        c.setReg(1, EAX, c.read8(c.segBase[s] + ea));
    }

    static void lds(Cpu c, Insn i) { loadFarPointer(c, i, DS); }

    static void les(Cpu c, Insn i) { loadFarPointer(c, i, Cpu.ES); }

    static void lss(Cpu c, Insn i) { loadFarPointer(c, i, SS); }

    static void lfs(Cpu c, Insn i) { loadFarPointer(c, i, Cpu.FS); }

    static void lgs(Cpu c, Insn i) { loadFarPointer(c, i, Cpu.GS); }

    /** Gv = the offset at [m], segment register = the selector after it. */
    private static void loadFarPointer(Cpu c, Insn i, int s) {
        int sz = i.size(), l = i.lin(c, sz + 2, false);
        int off = c.rd(l, sz), sel = c.rd(l + sz, 2);
        c.loadSegment(s, sel);
        c.setReg(sz, i.reg(), off);
    }
}
