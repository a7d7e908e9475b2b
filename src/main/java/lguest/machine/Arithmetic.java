package lguest.machine;

import static lguest.machine.Cpu.EAX;
import static lguest.machine.Cpu.EDX;

/**
 * ADD, OR, ADC, SBB, AND, SUB, XOR, CMP, TEST and the one-operand arithmetic. Each serves
 * every form the table gives it (Eb,Gb / Ev,Gv / Gv,Ev / AL,Ib / eAX,Iz / group 1): the
 * operand helpers of {@link Insn} fetch a and b wherever the row says they are, and
 * mask() is the operand size's mask. The flags are only written down (Cpu.lazy).
 */
final class Arithmetic {
    private Arithmetic() { }

    /*X:140 Semantics, written once. Here is ADD, for all six of its rows and the four
     * group-1 rows besides: read operand a for update (if it is memory, the write permission is
     * checked now, before anything changes), read b, add at the operand size, write the
     * lazy-flags record, put the result back. Nothing in it knows whether a was EAX, AL or
     * a doubleword at [EBX+ESI*4+8]; that was settled by the decoder and is kept in the
     * Insn. SUB differs in one character, and CMP is SUB that does not put its result
     * back. */
    static void add(Cpu c, Insn i) {
        int m = i.mask(), a = i.aForUpdate(c), b = i.b(c) & m, r = (a + b) & m;
        c.lazy(Cpu.F_ADD, a, b, r, m);
        i.putA(c, r);
    }

    static void sub(Cpu c, Insn i) {
        int m = i.mask(), a = i.aForUpdate(c), b = i.b(c) & m, r = (a - b) & m;
        c.lazy(Cpu.F_SUB, a, b, r, m);
        i.putA(c, r);
    }

    static void cmp(Cpu c, Insn i) {
        int m = i.mask(), a = i.a(c) & m, b = i.b(c) & m;
        c.lazy(Cpu.F_SUB, a, b, a - b, m);
    }
    /*:*/

    static void adc(Cpu c, Insn i) {
        int m = i.mask(), a = i.aForUpdate(c), b = i.b(c) & m, cin = c.cf(), r = (a + b + cin) & m;
        c.lazy(Cpu.F_ADC, a, b, r, m);
        c.fCin = cin;
        i.putA(c, r);
    }

    static void sbb(Cpu c, Insn i) {
        int m = i.mask(), a = i.aForUpdate(c), b = i.b(c) & m, cin = c.cf(), r = (a - b - cin) & m;
        c.lazy(Cpu.F_SBB, a, b, r, m);
        c.fCin = cin;
        i.putA(c, r);
    }

    static void and(Cpu c, Insn i) { logic(c, i, i.aForUpdate(c) & i.b(c)); }

    static void or(Cpu c, Insn i) { logic(c, i, i.aForUpdate(c) | i.b(c)); }

    static void xor(Cpu c, Insn i) { logic(c, i, i.aForUpdate(c) ^ i.b(c)); }

    private static void logic(Cpu c, Insn i, int r) {
        int m = i.mask();
        c.lazy(Cpu.F_LOGIC, 0, 0, r, m);
        i.putA(c, r & m);
    }

    static void test(Cpu c, Insn i) { c.lazy(Cpu.F_LOGIC, 0, 0, i.a(c) & i.b(c), i.mask()); }

    static void inc(Cpu c, Insn i) { i.putA(c, c.inc(i.aForUpdate(c), i.mask())); }

    static void dec(Cpu c, Insn i) { i.putA(c, c.dec(i.aForUpdate(c), i.mask())); }

    static void not(Cpu c, Insn i) { i.putA(c, ~i.aForUpdate(c) & i.mask()); }

    static void neg(Cpu c, Insn i) {
        int m = i.mask(), b = i.aForUpdate(c), r = -b & m;
        c.lazy(Cpu.F_SUB, 0, b, r, m);
        i.putA(c, r);
    }

    /** MUL: EDX:EAX (or a narrower pair) = eAX * a, unsigned. */
    static void mul(Cpu c, Insn i) { Alu.mul(c, i.a(c), i.size()); }

    /** IMUL with one operand: EDX:EAX = eAX * a, signed. */
    static void imulWide(Cpu c, Insn i) { Alu.imul1(c, i.a(c), i.size()); }

    /** IMUL with two or three operands: a = b * (c, or a), truncated to the operand size. */
    static void imul(Cpu c, Insn i) {
        int x = Operand.kind(i.form().c()) == Operand.I ? i.imm() : i.a(c);
        i.setA(c, Alu.imul(c, i.b(c), x, i.size()));
    }

    static void div(Cpu c, Insn i) { Alu.div(c, i.a(c), i.size()); }

    static void idiv(Cpu c, Insn i) { Alu.idiv(c, i.a(c), i.size()); }

    /** CBW, CWDE: sign-extend the lower half of eAX into the whole. */
    static void cbw(Cpu c, Insn i) {
        if (i.size() == 4) c.r[EAX] = (short) c.r[EAX];
        else c.setReg(2, EAX, (byte) c.r[EAX]);
    }

    /** CWD, CDQ: sign-extend eAX into eDX. */
    static void cwd(Cpu c, Insn i) {
        if (i.size() == 4) c.r[EDX] = c.r[EAX] >> 31;
        else c.setReg(2, EDX, ((short) c.r[EAX]) >> 15);
    }
}
