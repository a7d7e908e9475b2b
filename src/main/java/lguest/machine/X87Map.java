package lguest.machine;

import static lguest.machine.Form.row;

import java.util.List;

/**
 * The x87 escapes D8-DF: which instruction each opcode and ModRM byte is. What they do is
 * {@link lguest.machine.fpu.X87}'s business; every row hands the instruction to it
 * through {@link FpuOps}.
 */
final class X87Map {
    private X87Map() { }

    /*X:690 The eight escape opcodes D8-DF were the 8087's: the 8086 saw an ESC byte,
     * computed the memory operand's address if there was one, and left the rest to the
     * coprocessor listening on the bus. The ModRM byte still carries the whole
     * instruction. With a memory operand (mod 0-2), reg picks one of eight operations and
     * the escape byte says the operand's type: D8 32-bit real, DA 32-bit integer, DC
     * 64-bit real, DE 16-bit integer, and D9, DB, DD, DF the loads, stores and control
     * forms. With mod 3 there is no memory, so the same reg field picks an operation on
     * ST(i), and where that leaves room, whole ModRM bytes name instructions of their
     * own: D9 E8 is FLD1, D9 FE is FSIN. The rows below follow the SDM's opcode map;
     * the few with a digit in their name (FCOM2, FXCH4, FSTP1...) are the undocumented
     * aliases every chip since the 8087 has kept. Here is D8, the pattern for the rest: */
    static final List<Form> ROWS = List.of(
        // D8: arithmetic with a 32-bit real, or between ST(0) and ST(i)
        row("D8 /0 mem", "FADD Md", FpuOps::d8),      row("D8 /0 reg", "FADD ST,STi", FpuOps::d8),
        row("D8 /1 mem", "FMUL Md", FpuOps::d8),      row("D8 /1 reg", "FMUL ST,STi", FpuOps::d8),
        row("D8 /2 mem", "FCOM Md", FpuOps::d8),      row("D8 /2 reg", "FCOM STi", FpuOps::d8),
        row("D8 /3 mem", "FCOMP Md", FpuOps::d8),     row("D8 /3 reg", "FCOMP STi", FpuOps::d8),
        row("D8 /4 mem", "FSUB Md", FpuOps::d8),      row("D8 /4 reg", "FSUB ST,STi", FpuOps::d8),
        row("D8 /5 mem", "FSUBR Md", FpuOps::d8),     row("D8 /5 reg", "FSUBR ST,STi", FpuOps::d8),
        row("D8 /6 mem", "FDIV Md", FpuOps::d8),      row("D8 /6 reg", "FDIV ST,STi", FpuOps::d8),
        row("D8 /7 mem", "FDIVR Md", FpuOps::d8),     row("D8 /7 reg", "FDIVR ST,STi", FpuOps::d8),
        /*:*/
        // D9: loads and stores of 32-bit reals, the environment, constants, functions
        row("D9 /0 mem", "FLD Md", FpuOps::d9),       row("D9 /0 reg", "FLD STi", FpuOps::d9),
                                                      row("D9 /1 reg", "FXCH STi", FpuOps::d9),
        row("D9 /2 mem", "FST Md", FpuOps::d9),       row("D9 D0", "FNOP", FpuOps::d9),
        row("D9 /3 mem", "FSTP Md", FpuOps::d9),      row("D9 /3 reg", "FSTP1 STi", FpuOps::d9),
        row("D9 /4 mem", "FLDENV M", FpuOps::d9),     // 28 bytes, or 14 under 0x66
        row("D9 E0", "FCHS", FpuOps::d9),             row("D9 E1", "FABS", FpuOps::d9),
        row("D9 E4", "FTST", FpuOps::d9),             row("D9 E5", "FXAM", FpuOps::d9),
        row("D9 /5 mem", "FLDCW Mw", FpuOps::d9),
        row("D9 E8", "FLD1", FpuOps::d9),             row("D9 E9", "FLDL2T", FpuOps::d9),
        row("D9 EA", "FLDL2E", FpuOps::d9),           row("D9 EB", "FLDPI", FpuOps::d9),
        row("D9 EC", "FLDLG2", FpuOps::d9),           row("D9 ED", "FLDLN2", FpuOps::d9),
        row("D9 EE", "FLDZ", FpuOps::d9),
        row("D9 /6 mem", "FNSTENV M", FpuOps::d9),    // 28 bytes, or 14 under 0x66
        row("D9 F0", "F2XM1", FpuOps::d9),            row("D9 F1", "FYL2X", FpuOps::d9),
        row("D9 F2", "FPTAN", FpuOps::d9),            row("D9 F3", "FPATAN", FpuOps::d9),
        row("D9 F4", "FXTRACT", FpuOps::d9),          row("D9 F5", "FPREM1", FpuOps::d9),
        row("D9 F6", "FDECSTP", FpuOps::d9),          row("D9 F7", "FINCSTP", FpuOps::d9),
        row("D9 /7 mem", "FNSTCW Mw", FpuOps::d9),
        row("D9 F8", "FPREM", FpuOps::d9),            row("D9 F9", "FYL2XP1", FpuOps::d9),
        row("D9 FA", "FSQRT", FpuOps::d9),            row("D9 FB", "FSINCOS", FpuOps::d9),
        row("D9 FC", "FRNDINT", FpuOps::d9),          row("D9 FD", "FSCALE", FpuOps::d9),
        row("D9 FE", "FSIN", FpuOps::d9),             row("D9 FF", "FCOS", FpuOps::d9),
        // DA: arithmetic with a 32-bit integer; conditional moves on CF, ZF, PF
        row("DA /0 mem", "FIADD Md", FpuOps::da),     row("DA /0 reg", "FCMOVB ST,STi", FpuOps::da),
        row("DA /1 mem", "FIMUL Md", FpuOps::da),     row("DA /1 reg", "FCMOVE ST,STi", FpuOps::da),
        row("DA /2 mem", "FICOM Md", FpuOps::da),     row("DA /2 reg", "FCMOVBE ST,STi", FpuOps::da),
        row("DA /3 mem", "FICOMP Md", FpuOps::da),    row("DA /3 reg", "FCMOVU ST,STi", FpuOps::da),
        row("DA /4 mem", "FISUB Md", FpuOps::da),     row("DA E9", "FUCOMPP", FpuOps::da),
        row("DA /5 mem", "FISUBR Md", FpuOps::da),
        row("DA /6 mem", "FIDIV Md", FpuOps::da),
        row("DA /7 mem", "FIDIVR Md", FpuOps::da),
        // DB: 32-bit integers and 80-bit reals in memory; control; FCOMI
        row("DB /0 mem", "FILD Md", FpuOps::db),      row("DB /0 reg", "FCMOVNB ST,STi", FpuOps::db),
                                                      row("DB /1 reg", "FCMOVNE ST,STi", FpuOps::db),
        row("DB /2 mem", "FIST Md", FpuOps::db),      row("DB /2 reg", "FCMOVNBE ST,STi", FpuOps::db),
        row("DB /3 mem", "FISTP Md", FpuOps::db),     row("DB /3 reg", "FCMOVNU ST,STi", FpuOps::db),
        row("DB E0", "FNENI", FpuOps::db),            row("DB E1", "FNDISI", FpuOps::db),
        row("DB E2", "FNCLEX", FpuOps::db),           row("DB E3", "FNINIT", FpuOps::db),
        row("DB E4", "FNSETPM", FpuOps::db),
        row("DB /5 mem", "FLD M", FpuOps::db),        row("DB /5 reg", "FUCOMI ST,STi", FpuOps::db),  // m80real
                                                      row("DB /6 reg", "FCOMI ST,STi", FpuOps::db),
        row("DB /7 mem", "FSTP M", FpuOps::db),       // m80real
        // DC: arithmetic with a 64-bit real, or into ST(i)
        row("DC /0 mem", "FADD M", FpuOps::dc),       row("DC /0 reg", "FADD STi,ST", FpuOps::dc),    // m64real
        row("DC /1 mem", "FMUL M", FpuOps::dc),       row("DC /1 reg", "FMUL STi,ST", FpuOps::dc),
        row("DC /2 mem", "FCOM M", FpuOps::dc),       row("DC /2 reg", "FCOM2 STi", FpuOps::dc),
        row("DC /3 mem", "FCOMP M", FpuOps::dc),      row("DC /3 reg", "FCOMP3 STi", FpuOps::dc),
        row("DC /4 mem", "FSUB M", FpuOps::dc),       row("DC /4 reg", "FSUBR STi,ST", FpuOps::dc),
        row("DC /5 mem", "FSUBR M", FpuOps::dc),      row("DC /5 reg", "FSUB STi,ST", FpuOps::dc),
        row("DC /6 mem", "FDIV M", FpuOps::dc),       row("DC /6 reg", "FDIVR STi,ST", FpuOps::dc),
        row("DC /7 mem", "FDIVR M", FpuOps::dc),      row("DC /7 reg", "FDIV STi,ST", FpuOps::dc),
        // DD: 64-bit reals in memory, the whole state, the status word; FFREE, FUCOM
        row("DD /0 mem", "FLD M", FpuOps::dd),        row("DD /0 reg", "FFREE STi", FpuOps::dd),      // m64real
                                                      row("DD /1 reg", "FXCH4 STi", FpuOps::dd),
        row("DD /2 mem", "FST M", FpuOps::dd),        row("DD /2 reg", "FST STi", FpuOps::dd),
        row("DD /3 mem", "FSTP M", FpuOps::dd),       row("DD /3 reg", "FSTP STi", FpuOps::dd),
        row("DD /4 mem", "FRSTOR M", FpuOps::dd),     row("DD /4 reg", "FUCOM STi", FpuOps::dd),      // 108 or 94 bytes
                                                      row("DD /5 reg", "FUCOMP STi", FpuOps::dd),
        row("DD /6 mem", "FNSAVE M", FpuOps::dd),     // 108 bytes, or 94 under 0x66
        row("DD /7 mem", "FNSTSW Mw", FpuOps::dd),
        // DE: arithmetic with a 16-bit integer, or into ST(i) and pop
        row("DE /0 mem", "FIADD Mw", FpuOps::de),     row("DE /0 reg", "FADDP STi,ST", FpuOps::de),
        row("DE /1 mem", "FIMUL Mw", FpuOps::de),     row("DE /1 reg", "FMULP STi,ST", FpuOps::de),
        row("DE /2 mem", "FICOM Mw", FpuOps::de),     row("DE /2 reg", "FCOMP5 STi", FpuOps::de),
        row("DE /3 mem", "FICOMP Mw", FpuOps::de),    row("DE D9", "FCOMPP", FpuOps::de),
        row("DE /4 mem", "FISUB Mw", FpuOps::de),     row("DE /4 reg", "FSUBRP STi,ST", FpuOps::de),
        row("DE /5 mem", "FISUBR Mw", FpuOps::de),    row("DE /5 reg", "FSUBP STi,ST", FpuOps::de),
        row("DE /6 mem", "FIDIV Mw", FpuOps::de),     row("DE /6 reg", "FDIVRP STi,ST", FpuOps::de),
        row("DE /7 mem", "FIDIVR Mw", FpuOps::de),    row("DE /7 reg", "FDIVP STi,ST", FpuOps::de),
        // DF: 16- and 64-bit integers, packed BCD; FNSTSW AX; FCOMIP
        row("DF /0 mem", "FILD Mw", FpuOps::df),      row("DF /0 reg", "FFREEP STi", FpuOps::df),
                                                      row("DF /1 reg", "FXCH7 STi", FpuOps::df),
        row("DF /2 mem", "FIST Mw", FpuOps::df),      row("DF /2 reg", "FSTP8 STi", FpuOps::df),
        row("DF /3 mem", "FISTP Mw", FpuOps::df),     row("DF /3 reg", "FSTP9 STi", FpuOps::df),
        row("DF /4 mem", "FBLD M", FpuOps::df),       row("DF E0", "FNSTSW AX", FpuOps::df),          // m80bcd
        row("DF /5 mem", "FILD M", FpuOps::df),       row("DF /5 reg", "FUCOMIP ST,STi", FpuOps::df), // m64int
        row("DF /6 mem", "FBSTP M", FpuOps::df),      row("DF /6 reg", "FCOMIP ST,STi", FpuOps::df),  // m80bcd
        row("DF /7 mem", "FISTP M", FpuOps::df)                                                        // m64int
    );

    static final OpcodeMap MAP = new OpcodeMap("", ROWS);
}
