package lguest.machine;

import static lguest.machine.Cpu.EBP;
import static lguest.machine.Cpu.ESP;

/** PUSH, POP, PUSHA, POPA, ENTER, LEAVE. */
final class Stack {
    private Stack() { }

    /** PUSH a: a register, memory, an immediate or a segment register. */
    static void push(Cpu c, Insn i) { c.push(i.size(), i.a(c)); }

    /** POP Zv: the register in the opcode. */
    static void popRegister(Cpu c, Insn i) { c.setReg(i.size(), i.reg(), c.pop(i.size())); }

    /**
     * POP Ev to memory. ESP is incremented before the destination's address is worked
     * out (POP [ESP+4] sees the new ESP), and put back if the store faults.
     */
    static void popMemory(Cpu c, Insn i) {
        if (i.addr() == null) { popRm(c, i); return; }
        int sz = i.size(), sp = c.r[ESP];
        int v = c.rd(c.stackLin(sp, sz), sz);
        c.r[ESP] = sp + sz;
        try {
            i.setA(c, v);
        } catch (CpuFault f) {
            c.r[ESP] = sp;
            throw f;
        }
    }

    private static void popRm(Cpu c, Insn i) { c.setReg(i.size(), i.rm(), c.pop(i.size())); }

    /** POP ES, SS, DS, FS, GS: the selector is checked before ESP moves. */
    static void popSegment(Cpu c, Insn i) {
        int sz = i.size(), sp = c.r[ESP];
        int v = c.rd(c.stackLin(sp, sz), sz);
        c.loadSegment(Operand.number(i.form().a()), v & 0xFFFF);
        c.r[ESP] = sp + sz;
    }

    static void pusha(Cpu c, Insn i) {
        int sz = i.size(), sp = c.r[ESP];
        int a = c.stackLinW(sp - 8 * sz, 8 * sz);
        c.probeWrite(c.cpl == 3 ? 1 : 0, a, 8 * sz);
        for (int k = 0; k < 8; k++) c.wr(a + (7 - k) * sz, sz, k == ESP ? sp : c.r[k]);
        c.r[ESP] = sp - 8 * sz;
    }

    static void popa(Cpu c, Insn i) {
        int sz = i.size(), sp = c.r[ESP];
        int a = c.stackLin(sp, 8 * sz);
        int[] v = new int[8];
        for (int k = 0; k < 8; k++) v[k] = c.rd(a + (7 - k) * sz, sz);
        for (int k = 0; k < 8; k++) if (k != ESP) c.setReg(sz, k, v[k]);
        c.r[ESP] = sp + 8 * sz;
    }

    /** ENTER Iw,Ib: the frame size, and the nesting level (taken mod 32). */
    static void enter(Cpu c, Insn i) { Alu.enter(c, i.imm() & 0xFFFF, i.imm2() & 31, i.size()); }

    static void leave(Cpu c, Insn i) {
        int sz = i.size(), bp = c.r[EBP];
        int v = c.rd(c.stackLin(bp, sz), sz);
        c.r[ESP] = bp + sz;
        c.setReg(sz, EBP, v);
    }
}
