package lguest.machine;

import static lguest.machine.Cpu.EAX;
import static lguest.machine.Cpu.EBP;
import static lguest.machine.Cpu.EDX;
import static lguest.machine.Cpu.ESP;

/** The arithmetic that does not fit in one line: shifts, rotates, multiply, divide, ENTER. */
final class Alu {
    private Alu() { }

    /** The shift group's operations, numbered as ModRM.reg numbers them in C0-D3. */
    static final int ROL = 0, ROR = 1, RCL = 2, RCR = 3, SHL = 4, SHR = 5, SAR = 7;

    /** IMUL with a truncated result (the two- and three-operand forms). */
    static int imul(Cpu c, int a, int b, int sz) {
        if (sz == 4) {
            long p = (long) a * b;
            int res = (int) p;
            c.eager(res, -1, imulFlags(p, res));
            return res;
        }
        int p = (short) a * (short) b;
        boolean over = p != (short) p;
        c.eager(p, 0xFFFF, over, over);
        return p;
    }

    /** CF and OF of a 32-bit IMUL: both set when the product does not fit (the translator's too). */
    static int imulFlags(long p, int res) { return Registers.carryOverflow(p != res, p != res); }

    /*X:210 A rotate changes CF and OF and must leave ZF, SF, PF and AF as they were. Pinning
     * all six down first (materializing EFLAGS) would cost more than the rotate, and
     * SHA-256 is made of rotates between ADDs and XORs. But ZF, SF and PF of the lazy record
     * come from its result, which a rotate does not touch; so it is enough to work out
     * the one remaining flag, AF, and turn the record into an "eager" one that keeps the
     * old result and carries the new CF and OF. */
    static void rotateFlags(Cpu c, boolean cf, boolean of) {
        int bits = (cf ? Cpu.CF : 0) | (of ? Cpu.OF : 0);
        if (c.fOp == Cpu.F_NONE) {
            c.flags = (c.flags & ~(Cpu.CF | Cpu.OF)) | bits;
        } else {
            int af = c.af();
            c.fOp = Cpu.F_EAGER;
            c.fA = bits | af;
        }
    }
    /*:*/

    /*X:220 Shifts and rotates mask their count to five bits, and a masked count of zero
     * changes no flag at all, not even the lazy record: SHL EAX, CL with CL = 32 must leave
     * the flags of the previous instruction readable. Rotates touch only CF and OF (X:210);
     * shifts set everything from the result. OF is defined by the SDM only for one-bit
     * shifts; we compute the one-bit formula for every count, which is one of the
     * "undefined" values a real CPU might produce. */
    static int rol(Cpu c, int v, int count, int sz) {
        int m = Cpu.mask(sz), bits = sz * 8, cnt = count & 31;
        v &= m;
        if (cnt == 0) return v;
        int k = cnt & (bits - 1);
        int res = sz == 4 ? Integer.rotateLeft(v, k) : k == 0 ? v : ((v << k) | (v >>> (bits - k))) & m;
        boolean cf = (res & 1) != 0;
        rotateFlags(c, cf, cf ^ ((res >>> (bits - 1)) & 1) != 0);
        return res;
    }

    static int ror(Cpu c, int v, int count, int sz) {
        int m = Cpu.mask(sz), bits = sz * 8, cnt = count & 31;
        v &= m;
        if (cnt == 0) return v;
        int k = cnt & (bits - 1);
        int res = sz == 4 ? Integer.rotateRight(v, k) : k == 0 ? v : ((v >>> k) | (v << (bits - k))) & m;
        boolean cf = ((res >>> (bits - 1)) & 1) != 0;
        rotateFlags(c, cf, cf ^ ((res >>> (bits - 2)) & 1) != 0);
        return res;
    }

    static int shl(Cpu c, int v, int count, int sz) {
        int m = Cpu.mask(sz), bits = sz * 8, cnt = count & 31;
        v &= m;
        if (cnt == 0) return v;
        int res = (v << cnt) & m;
        c.eager(res, m, shlFlags(v, cnt, bits, res));
        return res;
    }

    static int shr(Cpu c, int v, int count, int sz) {
        int m = Cpu.mask(sz), bits = sz * 8, cnt = count & 31;
        v &= m;
        if (cnt == 0) return v;
        int res = v >>> cnt;
        c.eager(res, m, shrFlags(v, cnt, bits));
        return res;
    }

    static int sar(Cpu c, int v, int count, int sz) {
        int m = Cpu.mask(sz), bits = sz * 8, cnt = count & 31;
        if (cnt == 0) return v & m;
        int sv = (v << (32 - bits)) >> (32 - bits);
        int res = (sv >> cnt) & m;
        c.eager(res, m, sarFlags(sv, cnt));
        return res;
    }

    /* CF and OF of the shifts (packed by Registers.carryOverflow), for a count of 1 to 31 and
     * a value masked to its width, or sign-extended from it for SAR; the translator uses
     * them too (X:619). */
    static int shlFlags(int v, int cnt, int bits, int res) {
        boolean cf = cnt <= bits && ((v >>> (bits - cnt)) & 1) != 0;
        return Registers.carryOverflow(cf, ((res >>> (bits - 1)) & 1) != 0 ^ cf);
    }

    static int shrFlags(int v, int cnt, int bits) {
        return Registers.carryOverflow(((v >>> (cnt - 1)) & 1) != 0, ((v >>> (bits - 1)) & 1) != 0);
    }

    static int sarFlags(int sv, int cnt) { return Registers.carryOverflow(((sv >> (cnt - 1)) & 1) != 0, false); }
    /*:*/

    static int rcl(Cpu c, int v, int count, int sz) {
        int m = Cpu.mask(sz), bits = sz * 8, msb = 1 << (bits - 1), cnt = count & 31;
        v &= m;
        if (cnt == 0) return v;
        int k = cnt % (bits + 1), cf = c.cf(), res = v;
        for (int i = 0; i < k; i++) {
            int out = (res & msb) != 0 ? 1 : 0;
            res = ((res << 1) | cf) & m;
            cf = out;
        }
        rotateFlags(c, cf != 0, ((res & msb) != 0) ^ (cf != 0));
        return res;
    }

    static int rcr(Cpu c, int v, int count, int sz) {
        int m = Cpu.mask(sz), bits = sz * 8, msb = 1 << (bits - 1), cnt = count & 31;
        v &= m;
        if (cnt == 0) return v;
        int k = cnt % (bits + 1), cf = c.cf(), res = v;
        boolean of = ((v & msb) != 0) ^ (cf != 0);
        for (int i = 0; i < k; i++) {
            int out = res & 1;
            res = ((res >>> 1) | (cf << (bits - 1))) & m;
            cf = out;
        }
        rotateFlags(c, cf != 0, of);
        return res;
    }

    /** The shift group by its ModRM.reg number. */
    static int shift(Cpu c, int op, int v, int count, int sz) {
        switch (op) {
            case ROL: return rol(c, v, count, sz);
            case ROR: return ror(c, v, count, sz);
            case RCL: return rcl(c, v, count, sz);
            case RCR: return rcr(c, v, count, sz);
            case SHR: return shr(c, v, count, sz);
            case SAR: return sar(c, v, count, sz);
            default: return shl(c, v, count, sz);
        }
    }

    /*X:225 The double shifts, SHLD and SHRD, shift the destination and fill the bits that
     * leave room from a second register, the source, as if the two were one number. At 32
     * bits the count (mod 32) never passes the width. At 16 bits it can, and the manual
     * says only that the result and flags are then undefined, which is no answer for an
     * emulator that must print what the processor prints. What this Intel host does, found
     * by running every count over random operands natively (the differential program
     * src/test/x86/alu.c keeps them): the shift goes on through the source a second time,
     * as if the number were source:source:destination (SHRD) or
     * destination:source:source (SHLD), 48 bits; CF is clear; SHLD's OF is clear too.
     * QEMU's test-i386, a third-party program written to compare emulators with real
     * processors, prints these cases, and it is where the difference showed. :*/
    static int shiftDouble(Cpu c, boolean left, int dst, int src, int count, int sz) {
        int cnt = count & 31, m = Cpu.mask(sz);
        if (cnt == 0) return dst & m;
        int res;
        boolean cf;
        if (sz == 4) {
            if (left) { res = (dst << cnt) | (src >>> (32 - cnt)); cf = ((dst >>> (32 - cnt)) & 1) != 0; }
            else { res = (dst >>> cnt) | (src << (32 - cnt)); cf = ((dst >>> (cnt - 1)) & 1) != 0; }
        } else {
            long d = dst & 0xFFFF, s = src & 0xFFFF;   // 48 bits: a count past 16 goes on into the source again
            long x = left ? d << 32 | s << 16 | s : s << 32 | s << 16 | d;
            if (left) { res = (int) (x >>> (32 - cnt)) & 0xFFFF; cf = ((x >>> (48 - cnt)) & 1) != 0; }
            else { res = (int) (x >>> cnt) & 0xFFFF; cf = ((x >>> (cnt - 1)) & 1) != 0; }
            if (cnt > 16) cf = false;   // what this Intel host does with a count the SDM leaves undefined
        }
        int sign = (m >>> 1) + 1;
        c.eager(res, m, cf, ((res ^ dst) & sign) != 0);
        return res & m;
    }

    static void mul(Cpu c, int v, int sz) {
        if (sz == 1) {
            int p = (c.r[EAX] & 0xFF) * (v & 0xFF);
            c.setReg(2, EAX, p);
            boolean hi = (p & 0xFF00) != 0;
            c.eager(p, 0xFF, hi, hi);
        } else if (sz == 2) {
            int p = (c.r[EAX] & 0xFFFF) * (v & 0xFFFF);
            c.setReg(2, EAX, p);
            c.setReg(2, EDX, p >>> 16);
            boolean hi = (p >>> 16) != 0;
            c.eager(p, 0xFFFF, hi, hi);
        } else {
            long p = Integer.toUnsignedLong(c.r[EAX]) * Integer.toUnsignedLong(v);
            c.r[EAX] = (int) p;
            c.r[EDX] = (int) (p >>> 32);
            boolean hi = c.r[EDX] != 0;
            c.eager((int) p, -1, hi, hi);
        }
    }

    static void imul1(Cpu c, int v, int sz) {
        if (sz == 1) {
            int p = (byte) c.r[EAX] * (byte) v;
            c.setReg(2, EAX, p);
            boolean o = p != (byte) p;
            c.eager(p, 0xFF, o, o);
        } else if (sz == 2) {
            int p = (short) c.r[EAX] * (short) v;
            c.setReg(2, EAX, p);
            c.setReg(2, EDX, p >> 16);
            boolean o = p != (short) p;
            c.eager(p, 0xFFFF, o, o);
        } else {
            long p = (long) c.r[EAX] * v;
            c.r[EAX] = (int) p;
            c.r[EDX] = (int) (p >>> 32);
            boolean o = p != (int) p;
            c.eager((int) p, -1, o, o);
        }
    }

    /*X:230 Division is the one arithmetic instruction that faults: by zero, and also when
     * the quotient does not fit the destination (EDX:EAX / 1 with EDX nonzero). Both are
     * #DE, reported at the DIV itself with nothing changed, so a handler could fix the
     * operands and retry. */
    static void div(Cpu c, int v, int sz) {
        if (sz == 1) {
            int n = c.r[EAX] & 0xFFFF, d = v & 0xFF;
            if (d == 0 || n / d > 0xFF) throw Cpu.fault(Vectors.DE);
            c.setReg(2, EAX, (n / d) | (n % d) << 8);
        } else if (sz == 2) {
            long n = ((long) (c.r[EDX] & 0xFFFF) << 16) | (c.r[EAX] & 0xFFFF);
            int d = v & 0xFFFF;
            if (d == 0 || n / d > 0xFFFF) throw Cpu.fault(Vectors.DE);
            c.setReg(2, EAX, (int) (n / d));
            c.setReg(2, EDX, (int) (n % d));
        } else {
            long n = ((long) c.r[EDX] << 32) | Integer.toUnsignedLong(c.r[EAX]);
            long d = Integer.toUnsignedLong(v);
            if (d == 0) throw Cpu.fault(Vectors.DE);
            long q = Long.divideUnsigned(n, d);
            if (Long.compareUnsigned(q, 0xFFFFFFFFL) > 0) throw Cpu.fault(Vectors.DE);
            c.r[EAX] = (int) q;
            c.r[EDX] = (int) Long.remainderUnsigned(n, d);
        }
    }
    /*:*/

    static void idiv(Cpu c, int v, int sz) {
        if (sz == 1) {
            int n = (short) c.r[EAX], d = (byte) v;
            if (d == 0) throw Cpu.fault(Vectors.DE);
            int q = n / d;
            if (q != (byte) q) throw Cpu.fault(Vectors.DE);
            c.setReg(2, EAX, (q & 0xFF) | (n % d) << 8);
        } else if (sz == 2) {
            int n = (c.r[EDX] << 16) | (c.r[EAX] & 0xFFFF), d = (short) v;
            if (d == 0) throw Cpu.fault(Vectors.DE);
            int q = n / d;
            if (q != (short) q) throw Cpu.fault(Vectors.DE);
            c.setReg(2, EAX, q);
            c.setReg(2, EDX, n % d);
        } else {
            long n = ((long) c.r[EDX] << 32) | Integer.toUnsignedLong(c.r[EAX]);
            if (v == 0 || (n == Long.MIN_VALUE && v == -1)) throw Cpu.fault(Vectors.DE);
            long q = n / v;
            if (q != (int) q) throw Cpu.fault(Vectors.DE);
            c.r[EAX] = (int) q;
            c.r[EDX] = (int) (n % v);
        }
    }

    static void enter(Cpu c, int size, int level, int sz) {
        int sp0 = c.r[ESP], bp0 = c.r[EBP];
        try {
            c.push(sz, bp0);
            int frame = c.r[ESP];
            int bp = bp0;
            for (int i = 1; i < level; i++) {
                bp -= sz;
                c.push(sz, c.rd(c.stackLin(bp, sz), sz));
            }
            if (level > 0) c.push(sz, frame);
            c.setReg(sz, EBP, frame);
            c.r[ESP] -= size;
        } catch (CpuFault f) {
            c.r[ESP] = sp0;
            c.r[EBP] = bp0;
            throw f;
        }
    }
}
