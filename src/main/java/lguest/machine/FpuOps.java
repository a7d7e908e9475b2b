package lguest.machine;

import lguest.machine.fpu.X87;

/**
 * The x87 escapes as the integer CPU sees them: the checks it makes before the FPU may
 * start (#NM, #MF), the operand's address, and the hand-over to {@link X87}.
 */
final class FpuOps {
    private FpuOps() { }

    static void d8(Cpu c, Insn i) { escape(c, i, 0xD8); }

    static void d9(Cpu c, Insn i) { escape(c, i, 0xD9); }

    static void da(Cpu c, Insn i) { escape(c, i, 0xDA); }

    static void db(Cpu c, Insn i) { escape(c, i, 0xDB); }

    static void dc(Cpu c, Insn i) { escape(c, i, 0xDC); }

    static void dd(Cpu c, Insn i) { escape(c, i, 0xDD); }

    static void de(Cpu c, Insn i) { escape(c, i, 0xDE); }

    static void df(Cpu c, Insn i) { escape(c, i, 0xDF); }

    /*X:695 What the integer CPU does for an escape: with CR0.EM or CR0.TS set, the FPU
     * is not there (or not this task's) and the answer is #NM before anything else; a
     * waiting instruction meeting an unmasked exception left by an earlier one gets #MF;
     * otherwise the operand's address is worked out, and the whole operand checked
     * against its segment's limit and type (X87 says how wide it is), and the FPU
     * gets the escape byte, the ModRM byte (which the decoder keeps in imm for these rows),
     * the address, the instruction's own address for FNSTENV to report, and whether an
     * operand-size prefix asked for the 16-bit environment layout. */
    private static void escape(Cpu c, Insn i, int opcode) {
        if ((c.cr0 & (Cpu.CR0_EM | Cpu.CR0_TS)) != 0) throw Cpu.fault(Vectors.NM);
        int modrm = i.imm();
        if (c.x87.mathFaultPending() && X87.isWaiting(opcode, modrm)) throw Cpu.fault(Vectors.MF);
        int reg = modrm >> 3 & 7;
        int lin = i.addr() == null ? 0
                : i.lin(c, X87.operandBytes(opcode, reg, i.size() == 2), X87.writesMemory(opcode, reg));
        c.x87.execute(opcode, modrm, lin, i.eip(), i.size() == 2, c.fpuBus);
    }
    /*:*/
}
