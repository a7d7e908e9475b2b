package lguest.machine;

/**
 * The shift and rotate group (C0, C1, D0-D3): ROL, ROR, RCL, RCR, SHL, SHR, SAR of
 * operand a by operand b, which is an immediate byte, CL or the constant 1. The
 * arithmetic itself, flags and all, is {@link Alu#shift}.
 */
final class Shifts {
    private Shifts() { }

    static void rol(Cpu c, Insn i) { int n = i.b(c); i.putA(c, Alu.rol(c, i.aForUpdate(c), n, i.size())); }

    static void ror(Cpu c, Insn i) { int n = i.b(c); i.putA(c, Alu.ror(c, i.aForUpdate(c), n, i.size())); }

    static void rcl(Cpu c, Insn i) { int n = i.b(c); i.putA(c, Alu.rcl(c, i.aForUpdate(c), n, i.size())); }

    static void rcr(Cpu c, Insn i) { int n = i.b(c); i.putA(c, Alu.rcr(c, i.aForUpdate(c), n, i.size())); }

    static void shl(Cpu c, Insn i) { int n = i.b(c); i.putA(c, Alu.shl(c, i.aForUpdate(c), n, i.size())); }

    static void shr(Cpu c, Insn i) { int n = i.b(c); i.putA(c, Alu.shr(c, i.aForUpdate(c), n, i.size())); }

    static void sar(Cpu c, Insn i) { int n = i.b(c); i.putA(c, Alu.sar(c, i.aForUpdate(c), n, i.size())); }
}
