package lguest.machine;

/**
 * The shift and rotate group (C0, C1, D0-D3): ROL, ROR, RCL, RCR, SHL, SHR, SAR of
 * operand a by operand b, which is an immediate byte, CL or the constant 1. The
 * arithmetic itself, flags and all, is {@link Alu#shift}.
 */
final class Shifts {
    private Shifts() { }

    static void rol(Cpu c, Insn i) { shift(c, i, Alu.ROL); }

    static void ror(Cpu c, Insn i) { shift(c, i, Alu.ROR); }

    static void rcl(Cpu c, Insn i) { shift(c, i, Alu.RCL); }

    static void rcr(Cpu c, Insn i) { shift(c, i, Alu.RCR); }

    static void shl(Cpu c, Insn i) { shift(c, i, Alu.SHL); }

    static void shr(Cpu c, Insn i) { shift(c, i, Alu.SHR); }

    static void sar(Cpu c, Insn i) { shift(c, i, Alu.SAR); }

    private static void shift(Cpu c, Insn i, int op) {
        int count = i.b(c), v = i.aForUpdate(c);
        i.putA(c, Alu.shift(c, op, v, count, i.size()));
    }
}
