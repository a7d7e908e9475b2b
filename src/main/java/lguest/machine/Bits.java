package lguest.machine;

import static lguest.machine.Cpu.ECX;

/** BT, BTS, BTR, BTC; BSF, BSR; BSWAP; SHLD, SHRD. */
final class Bits {
    private Bits() { }

    /** What BT* does to the bit it tested: nothing, set, reset, complement. */
    private static final int TEST = 0, SET = 1, RESET = 2, COMPLEMENT = 3;

    static void bt(Cpu c, Insn i) { bitOp(c, i, TEST); }

    static void bts(Cpu c, Insn i) { bitOp(c, i, SET); }

    static void btr(Cpu c, Insn i) { bitOp(c, i, RESET); }

    static void btc(Cpu c, Insn i) { bitOp(c, i, COMPLEMENT); }

    /*X:240 The bit tests address a bit string, not a word. With an immediate offset
     * they stay inside the operand (the offset is taken modulo its width), but with the
     * offset in a register and the operand in memory the offset is a signed number that
     * may reach far outside it: BT [m], EAX with EAX = 1000 tests a bit 125 bytes further
     * on. The CPU reads the operand-sized word that holds the bit, so the address moves by
     * whole words; only then does the offset's remainder pick the bit. CF gets the bit's
     * old value, and BTS, BTR and BTC write the word back changed. */
    private static void bitOp(Cpu c, Insn i, int kind) {
        int sz = i.size(), bits = sz * 8;
        boolean immediate = Operand.kind(i.form().b()) == Operand.I;
        int off = immediate ? i.imm() : sz == 4 ? c.r[i.reg()] : (short) c.r[i.reg()];
        int bit = off & (bits - 1);
        if (i.addr() == null) {
            int v = c.getReg(sz, i.rm());
            c.setCF((v >>> bit & 1) != 0);
            if (kind != TEST) c.setReg(sz, i.rm(), changed(v, bit, kind));
            return;
        }
        int l;
        if (immediate) {
            l = i.lin(c, sz, kind != TEST);
        } else {
            Addr a = i.addr();
            int ea = (a.ea(c) + (off >> (sz == 4 ? 5 : 4)) * sz) & a.mask();
            if (c.segChk[a.seg()]) c.segCheck(a.seg(), ea, sz, kind != TEST);
            l = c.segBase[a.seg()] + ea;
        }
        int v = kind != TEST ? c.rdW(l, sz) : c.rd(l, sz);
        c.setCF((v >>> bit & 1) != 0);
        if (kind != TEST) c.wr(l, sz, changed(v, bit, kind));
    }
    /*:*/

    private static int changed(int v, int bit, int kind) {
        return kind == SET ? v | 1 << bit : kind == RESET ? v & ~(1 << bit) : v ^ 1 << bit;
    }

    /**
     * BSF, BSR: the index of the lowest or highest set bit. A zero source sets ZF and
     * leaves the destination alone, as Intel's parts do. The SDM defines only ZF; the
     * others come out as Intel's parts leave them, as a logical operation on the index
     * would (CF, OF, SF, AF clear, PF from the index, and from 0 for a zero source).
     */
    static void bsf(Cpu c, Insn i) { scan(c, i, true); }

    static void bsr(Cpu c, Insn i) { scan(c, i, false); }

    private static void scan(Cpu c, Insn i, boolean forward) {
        int v = i.b(c);
        int n = v == 0 ? 0 : forward ? Integer.numberOfTrailingZeros(v) : 31 - Integer.numberOfLeadingZeros(v);
        if (v != 0) i.setA(c, n);
        c.materialize();
        c.flags = (c.flags & ~Cpu.ARITH) | (v == 0 ? Cpu.ZF : 0) | ((Integer.bitCount(n) & 1) == 0 ? Cpu.PF : 0);
    }

    /**
     * BSWAP r32. Under 0x66 the SDM calls the result undefined; Intel's and AMD's parts
     * alike clear the low word and leave the high one (valgrind's bswapw test prints
     * 0x12340000 for 0x12345678, natively and here), so that is what this one does.
     */
    static void bswap(Cpu c, Insn i) {
        int v = c.r[i.reg()];
        c.r[i.reg()] = i.size() == 2 ? v & 0xFFFF0000 : Integer.reverseBytes(v);
    }

    /**
     * SHLD, SHRD: count in the immediate or in CL. The SDM defines OF for a count of 1
     * only (did the sign change?); Intel's parts answer the same question about the last
     * one-bit step of a longer shift, and set AF, so we do too. The exceptions found: a
     * 16-bit SHLD by exactly 16, whose OF is its CF, and by more than 16, whose OF is
     * clear. (A 16-bit count past 16 is undefined too; Alu.shiftDouble says what it does.)
     */
    static void shld(Cpu c, Insn i) { shiftDouble(c, i, true); }

    static void shrd(Cpu c, Insn i) { shiftDouble(c, i, false); }

    private static void shiftDouble(Cpu c, Insn i, boolean left) {
        int n = (Operand.kind(i.form().c()) == Operand.I ? i.imm() : c.r[ECX]) & 31, sz = i.size();
        int dst = i.aForUpdate(c), src = i.b(c);
        int before = n > 1 ? Alu.shiftDouble(c, left, dst, src, n - 1, sz) : dst;   // one step short
        int res = Alu.shiftDouble(c, left, dst, src, n, sz);
        i.putA(c, res);
        if (n == 0) return;
        c.materialize();
        boolean signChanged = left && sz == 2 && n >= 16 ? n == 16 && c.cf() != 0
                : ((before ^ res) & (Cpu.mask(sz) >>> 1) + 1) != 0;
        c.flags = (c.flags & ~Cpu.OF) | Cpu.AF | (signChanged ? Cpu.OF : 0);
    }
}
