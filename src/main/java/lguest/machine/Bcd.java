package lguest.machine;

import static lguest.machine.Cpu.AF;
import static lguest.machine.Cpu.EAX;
import static lguest.machine.Form.row;

import java.util.List;

/**
 * Decimal arithmetic: DAA, DAS (packed BCD), AAA, AAS, AAM, AAD (unpacked BCD), and SALC.
 */
final class Bcd {
    private Bcd() { }

    /** Their rows of the one-byte map. */
    static final List<Form> ROWS = List.of(
        row("27", "DAA", Bcd::daa),
        row("2F", "DAS", Bcd::das),
        row("37", "AAA", Bcd::aaa),
        row("3F", "AAS", Bcd::aas),
        row("D4 ib", "AAM Ib", Bcd::aam),
        row("D5 ib", "AAD Ib", Bcd::aad),
        row("D6", "SALC", Bcd::salc));

    /*X:260 Binary-coded decimal, and why a binary machine bothers. The 8080 came from
     * the calculator business, and the 8086 had to run its programs: a byte holding two
     * decimal digits (0x47 meaning forty-seven) could be added with the ordinary binary
     * ADD, and one instruction afterwards put the result right. That is all the adjusts
     * are: corrections applied after the binary operation, not decimal arithmetic.
     * Adding 0x38 and 0x45 gives 0x7D; a low digit above 9, or a carry out of it (the
     * auxiliary carry AF, which exists for this alone), means the low digit passed ten
     * without noticing, and adding 6 makes it wrap as a decimal digit should: 0x83. The
     * same test on the high digit adds 0x60 and sets CF, the decimal carry into the next
     * byte. DAS does the same after a subtraction, taking away what the borrow skipped.
     *
     * The "ASCII" adjusts work on unpacked BCD, one digit per byte, which is how digits
     * arrive from a keyboard once '0' is subtracted: AAA after an ADD carries into AH,
     * AAS after a SUB borrows from it, AAM after a MUL splits AL into two digits (it is a
     * division by ten in disguise, and its immediate may name any other base, which is
     * why AAM 0 is a divide error), and AAD before a DIV joins two digits into a binary
     * number. The flags the manual calls undefined afterwards are not random on a real
     * chip: it computes them as the arithmetic inside leaves them. DAA's OF is that of its
     * two additions, AAA's and AAS's SF, ZF, PF and OF those of a 16-bit add or subtract
     * of 0x106 (or of nothing), AAM's those of a logical operation on the new AL, AAD's
     * those of its final 8-bit add. Nobody may rely on them, and the random conformance
     * forms mask them out, but the Intel part this was checked on gives exactly these
     * for every input, and the program bcd.c holds us to it. */
    static void daa(Cpu c, Insn i) {
        int al = al(c), cf = c.cf(), af = c.af();
        int out = al;
        boolean lowCarry = (al & 0xF) > 9 || af != 0;
        if (lowCarry) out += 6;
        boolean highCarry = al > 0x99 || cf != 0;
        if (highCarry) out += 0x60;
        c.setReg(1, EAX, out);
        flags(c, out, highCarry, lowCarry, ((al ^ out) & out & 0x80) != 0);
    }

    static void das(Cpu c, Insn i) {
        int al = al(c), cf = c.cf(), af = c.af();
        int out = al;
        boolean lowBorrow = (al & 0xF) > 9 || af != 0;
        boolean borrow = cf != 0;
        if (lowBorrow) {
            borrow |= out < 6;
            out -= 6;
        }
        if (al > 0x99 || cf != 0) {
            out -= 0x60;
            borrow = true;
        }
        c.setReg(1, EAX, out);
        flags(c, out, borrow, lowBorrow, ((al ^ out) & al & 0x80) != 0);
    }

    /** AAA: AX + 0x106 when the low digit overflowed; the flags are that 16-bit add's. */
    static void aaa(Cpu c, Insn i) { asciiAdjust(c, 0); }

    /** AAS: AX - 0x106 (AL - 6, and one borrowed from AH); the flags are that subtraction's. */
    static void aas(Cpu c, Insn i) { asciiAdjust(c, 5); }

    private static void asciiAdjust(Cpu c, int addOrSub) {
        int ax = c.r[EAX];
        boolean adjust = (ax & 0xF) > 9 || c.af() != 0;
        int out = c.alu(addOrSub, ax, adjust ? 0x106 : 0, 0xFFFF);
        c.setReg(2, EAX, out & 0xFF0F);
        c.materialize();
        c.flags = adjust ? c.flags | Cpu.CF | AF : c.flags & ~(Cpu.CF | AF);
    }
    /*:*/

    /** AAM imm8: AH = AL / base, AL = AL mod base; base 0 is a divide error. */
    static void aam(Cpu c, Insn i) {
        int base = i.imm() & 0xFF, al = al(c);
        if (base == 0) throw Cpu.fault(Vectors.DE);
        int lo = al % base;
        c.setReg(2, EAX, (al / base) << 8 | lo);
        c.lazy(Cpu.F_LOGIC, lo, lo, lo, 0xFF);
    }

    /** AAD imm8: AL = AH * base + AL, AH = 0; the flags are those of that final 8-bit add. */
    static void aad(Cpu c, Insn i) {
        int base = i.imm() & 0xFF, ax = c.r[EAX];
        int sum = c.alu(0, ax, ((ax >> 8) & 0xFF) * base, 0xFF);
        c.setReg(2, EAX, sum);
    }

    /** SALC (D6), a byte Intel's opcode map long left blank though every chip runs it: AL = CF ? 0xFF : 0. */
    static void salc(Cpu c, Insn i) {
        c.setReg(1, EAX, c.cf() != 0 ? 0xFF : 0);
    }

    private static int al(Cpu c) { return c.r[EAX] & 0xFF; }

    /** Sets the six status flags: SF, ZF and PF from the 8-bit result, the others as given. */
    private static void flags(Cpu c, int al, boolean cf, boolean af, boolean of) {
        c.eager(al, 0xFF, cf, of);
        c.materialize();
        c.flags = af ? c.flags | AF : c.flags & ~AF;
    }
}
