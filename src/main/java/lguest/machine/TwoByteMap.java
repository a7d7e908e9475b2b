package lguest.machine;

import static lguest.machine.Form.ENDS;
import static lguest.machine.Form.LOCK;
import static lguest.machine.Form.row;

import java.util.List;

/** The two-byte opcode map: every instruction whose opcode is 0F and one more byte. */
final class TwoByteMap {
    private TwoByteMap() { }

    /*X:122 When the 8086's one-byte map filled up, the 80286 made 0F (once POP CS, which
     * nobody could sensibly use) an escape to a second map of 256 opcodes, and it is
     * where everything since has gone: the 286's protected-mode system instructions, the
     * 386's bit tests, double shifts, widening moves and conditional jumps with 32-bit
     * displacements, the 486's CMPXCHG, XADD, BSWAP and CPUID, the Pentium's CMPXCHG8B and
     * RDTSC, the Pentium Pro's CMOVcc. Rows follow the same notation as the one-byte map;
     * what is not here raises #UD, and so does UD2, whose whole purpose that is. The first
     * rows are the 286's: the system instructions, and the questions of X:460. */
    static final List<Form> ROWS = List.of(
        // group 6: the local descriptor table, the task register, and two questions
        row("0F 00 /0", "SLDT Ev", SystemOps::sldt),
        row("0F 00 /1", "STR Ev", SystemOps::str),
        row("0F 00 /2", "LLDT Ew", SystemOps::lldt, ENDS),
        row("0F 00 /3", "LTR Ew", SystemOps::ltr, ENDS),
        row("0F 00 /4", "VERR Ew", SelectorQueries::verr),
        row("0F 00 /5", "VERW Ew", SelectorQueries::verw),
        // group 7: the descriptor-table registers, the machine status word, INVLPG
        row("0F 01 /0 mem", "SGDT M", SystemOps::sgdt),
        row("0F 01 /1 mem", "SIDT M", SystemOps::sidt),
        row("0F 01 /2 mem", "LGDT M", SystemOps::lgdt, ENDS),
        row("0F 01 /3 mem", "LIDT M", SystemOps::lidt, ENDS),
        row("0F 01 /4", "SMSW Ev", SystemOps::smsw),
        row("0F 01 /6", "LMSW Ew", SystemOps::lmsw, ENDS),
        row("0F 01 /7 mem", "INVLPG M", SystemOps::invlpg, ENDS),
        row("0F 02 /r", "LAR Gv,Ew", SelectorQueries::lar),
        row("0F 03 /r", "LSL Gv,Ew", SelectorQueries::lsl),
        /*:*/
        row("0F 06", "CLTS", SystemOps::clts, ENDS),
        row("0F 08", "INVD", SystemOps::invalidateCaches),
        row("0F 09", "WBINVD", SystemOps::invalidateCaches),
        row("0F 0B", "UD2", Control::undefined, ENDS),
        row("0F 0D /r", "NOP Ev", TwoByteMap::nothing),
        row("0F 18+r /r", "NOP Ev", TwoByteMap::nothing),
        // control and debug registers: the reg field names the register, mod is ignored
        row("0F 20 /0", "MOV Rd,Cd", SystemOps::readCr, ENDS),
        row("0F 20 /2", "MOV Rd,Cd", SystemOps::readCr, ENDS),
        row("0F 20 /3", "MOV Rd,Cd", SystemOps::readCr, ENDS),
        row("0F 20 /4", "MOV Rd,Cd", SystemOps::readCr, ENDS),
        row("0F 21 /r", "MOV Rd,Dd", SystemOps::readDr, ENDS),
        row("0F 22 /0", "MOV Cd,Rd", SystemOps::writeCr, ENDS),
        row("0F 22 /2", "MOV Cd,Rd", SystemOps::writeCr, ENDS),
        row("0F 22 /3", "MOV Cd,Rd", SystemOps::writeCr, ENDS),
        row("0F 22 /4", "MOV Cd,Rd", SystemOps::writeCr, ENDS),
        row("0F 23 /r", "MOV Dd,Rd", SystemOps::writeDr, ENDS),
        row("0F 30", "WRMSR", SystemOps::noMsrs),
        row("0F 31", "RDTSC", SystemOps::rdtsc),
        row("0F 32", "RDMSR", SystemOps::noMsrs),
        row("0F 33", "RDPMC", SystemOps::noMsrs),
        row("0F A2", "CPUID", SystemOps::cpuid),
        // the sixteen conditions, three ways: move, jump, set
        row("0F 40 /r", "CMOVO Gv,Ev", Conditional::cmov),
        row("0F 41 /r", "CMOVNO Gv,Ev", Conditional::cmov),
        row("0F 42 /r", "CMOVB Gv,Ev", Conditional::cmov),
        row("0F 43 /r", "CMOVAE Gv,Ev", Conditional::cmov),
        row("0F 44 /r", "CMOVE Gv,Ev", Conditional::cmov),
        row("0F 45 /r", "CMOVNE Gv,Ev", Conditional::cmov),
        row("0F 46 /r", "CMOVBE Gv,Ev", Conditional::cmov),
        row("0F 47 /r", "CMOVA Gv,Ev", Conditional::cmov),
        row("0F 48 /r", "CMOVS Gv,Ev", Conditional::cmov),
        row("0F 49 /r", "CMOVNS Gv,Ev", Conditional::cmov),
        row("0F 4A /r", "CMOVP Gv,Ev", Conditional::cmov),
        row("0F 4B /r", "CMOVNP Gv,Ev", Conditional::cmov),
        row("0F 4C /r", "CMOVL Gv,Ev", Conditional::cmov),
        row("0F 4D /r", "CMOVGE Gv,Ev", Conditional::cmov),
        row("0F 4E /r", "CMOVLE Gv,Ev", Conditional::cmov),
        row("0F 4F /r", "CMOVG Gv,Ev", Conditional::cmov),
        row("0F 80 cz", "JO Jz", Control::jcc, ENDS),
        row("0F 81 cz", "JNO Jz", Control::jcc, ENDS),
        row("0F 82 cz", "JB Jz", Control::jcc, ENDS),
        row("0F 83 cz", "JAE Jz", Control::jcc, ENDS),
        row("0F 84 cz", "JE Jz", Control::jcc, ENDS),
        row("0F 85 cz", "JNE Jz", Control::jcc, ENDS),
        row("0F 86 cz", "JBE Jz", Control::jcc, ENDS),
        row("0F 87 cz", "JA Jz", Control::jcc, ENDS),
        row("0F 88 cz", "JS Jz", Control::jcc, ENDS),
        row("0F 89 cz", "JNS Jz", Control::jcc, ENDS),
        row("0F 8A cz", "JP Jz", Control::jcc, ENDS),
        row("0F 8B cz", "JNP Jz", Control::jcc, ENDS),
        row("0F 8C cz", "JL Jz", Control::jcc, ENDS),
        row("0F 8D cz", "JGE Jz", Control::jcc, ENDS),
        row("0F 8E cz", "JLE Jz", Control::jcc, ENDS),
        row("0F 8F cz", "JG Jz", Control::jcc, ENDS),
        row("0F 90 /r", "SETO Eb", Conditional::setcc),
        row("0F 91 /r", "SETNO Eb", Conditional::setcc),
        row("0F 92 /r", "SETB Eb", Conditional::setcc),
        row("0F 93 /r", "SETAE Eb", Conditional::setcc),
        row("0F 94 /r", "SETE Eb", Conditional::setcc),
        row("0F 95 /r", "SETNE Eb", Conditional::setcc),
        row("0F 96 /r", "SETBE Eb", Conditional::setcc),
        row("0F 97 /r", "SETA Eb", Conditional::setcc),
        row("0F 98 /r", "SETS Eb", Conditional::setcc),
        row("0F 99 /r", "SETNS Eb", Conditional::setcc),
        row("0F 9A /r", "SETP Eb", Conditional::setcc),
        row("0F 9B /r", "SETNP Eb", Conditional::setcc),
        row("0F 9C /r", "SETL Eb", Conditional::setcc),
        row("0F 9D /r", "SETGE Eb", Conditional::setcc),
        row("0F 9E /r", "SETLE Eb", Conditional::setcc),
        row("0F 9F /r", "SETG Eb", Conditional::setcc),
        // the segment registers the 386 added, and the stack segment, pushed, popped, loaded
        row("0F A0", "PUSH FS", Stack::push),
        row("0F A1", "POP FS", Stack::popSegment),
        row("0F A8", "PUSH GS", Stack::push),
        row("0F A9", "POP GS", Stack::popSegment),
        row("0F B2 /r", "LSS Gv,Mp", Moves::lss),
        row("0F B4 /r", "LFS Gv,Mp", Moves::lfs),
        row("0F B5 /r", "LGS Gv,Mp", Moves::lgs),
        row("0F AF /r", "IMUL Gv,Ev", Arithmetic::imul),
        // widening moves
        row("0F B6 /r", "MOVZX Gv,Eb", Widening::movzx),
        row("0F B7 /r", "MOVZX Gv,Ew", Widening::movzx),
        row("0F BE /r", "MOVSX Gv,Eb", Widening::movsx),
        row("0F BF /r", "MOVSX Gv,Ew", Widening::movsx),
        // bit tests, double shifts, bit scans
        row("0F A3 /r", "BT Ev,Gv", Bits::bt),
        row("0F AB /r", "BTS Ev,Gv", Bits::bts, LOCK),
        row("0F B3 /r", "BTR Ev,Gv", Bits::btr, LOCK),
        row("0F BB /r", "BTC Ev,Gv", Bits::btc, LOCK),
        row("0F BA /4", "BT Ev,Ib", Bits::bt),
        row("0F BA /5", "BTS Ev,Ib", Bits::bts, LOCK),
        row("0F BA /6", "BTR Ev,Ib", Bits::btr, LOCK),
        row("0F BA /7", "BTC Ev,Ib", Bits::btc, LOCK),
        row("0F A4 /r", "SHLD Ev,Gv,Ib", Bits::shld),
        row("0F A5 /r", "SHLD Ev,Gv,CL", Bits::shld),
        row("0F AC /r", "SHRD Ev,Gv,Ib", Bits::shrd),
        row("0F AD /r", "SHRD Ev,Gv,CL", Bits::shrd),
        row("0F BC /r", "BSF Gv,Ev", Bits::bsf),
        row("0F BD /r", "BSR Gv,Ev", Bits::bsr),
        row("0F C8+r", "BSWAP Zd", Bits::bswap),
        // the atomic read-modify-writes
        row("0F B0 /r", "CMPXCHG Eb,Gb", Exchange::cmpxchg, LOCK),
        row("0F B1 /r", "CMPXCHG Ev,Gv", Exchange::cmpxchg, LOCK),
        row("0F C0 /r", "XADD Eb,Gb", Exchange::xadd, LOCK),
        row("0F C1 /r", "XADD Ev,Gv", Exchange::xadd, LOCK),
        row("0F C7 /1 mem", "CMPXCHG8B M", Exchange::cmpxchg8b, LOCK)
    );

    static final OpcodeMap MAP = new OpcodeMap("0F", ROWS);

    /** The hinting NOPs (0F 1F /0 is the multi-byte NOP compilers pad with): nothing at all. */
    static void nothing(Cpu c, Insn i) { }
}
