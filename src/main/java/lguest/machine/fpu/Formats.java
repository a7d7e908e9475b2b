package lguest.machine.fpu;

/**
 * The memory formats the x87 converts to and from: IEEE single and double, and packed
 * BCD. Conversions into the extended format are exact; conversions out of it expect a
 * value the rounder has already made representable.
 */
final class Formats {
    private Formats() { }

    /*X:850 Loading a float or a double never rounds: every single and every double is
     * exactly an extended real, even their denormals, which become ordinary normalized
     * numbers in the wider exponent range. Two things still happen on the way in. A
     * signaling NaN is quieted with IE raised, and a denormal raises DE, because the
     * architecture wants a program to be able to notice that it fed the FPU an operand
     * that had already lost precision. The NaN payload keeps its position relative to the
     * top of the significand, which is why the quiet bit of every format lands on bit 62. :*/

    static Ext80 fromSingle(int bits) {
        boolean neg = bits < 0;
        int exp = (bits >>> 23) & 0xFF;
        long mant = bits & 0x7F_FFFFL;
        int s = neg ? 0x8000 : 0;
        if (exp == 0xFF) return new Ext80(s | 0x7FFF, Ext80.INTEGER_BIT | (mant << 40));
        if (exp == 0) {
            if (mant == 0) return Ext80.zero(neg);
            int lz = Long.numberOfLeadingZeros(mant);
            return Ext80.of(neg, (63 - lz) - 149, mant << lz);
        }
        return new Ext80(s | (exp - 127 + Ext80.BIAS), Ext80.INTEGER_BIT | (mant << 40));
    }

    static boolean singleDenormal(int bits) { return (bits & 0x7F80_0000) == 0 && (bits & 0x7F_FFFF) != 0; }

    static Ext80 fromDouble(long bits) {
        boolean neg = bits < 0;
        int exp = (int) ((bits >>> 52) & 0x7FF);
        long mant = bits & 0xF_FFFF_FFFF_FFFFL;
        int s = neg ? 0x8000 : 0;
        if (exp == 0x7FF) return new Ext80(s | 0x7FFF, Ext80.INTEGER_BIT | (mant << 11));
        if (exp == 0) {
            if (mant == 0) return Ext80.zero(neg);
            int lz = Long.numberOfLeadingZeros(mant);
            return Ext80.of(neg, (63 - lz) - 1074, mant << lz);
        }
        return new Ext80(s | (exp - 1023 + Ext80.BIAS), Ext80.INTEGER_BIT | (mant << 11));
    }

    static boolean doubleDenormal(long bits) {
        return (bits & 0x7FF0_0000_0000_0000L) == 0 && (bits & 0xF_FFFF_FFFF_FFFFL) != 0;
    }

    /** Encodes a NaN, infinity, zero, or a value already rounded to single. */
    static int toSingle(Ext80 r) {
        int s = r.negative() ? 0x8000_0000 : 0;
        if (r.exponentField() == Ext80.MAX_EXP) {
            return s | 0x7F80_0000 | (int) ((r.significand() >>> 40) & 0x7F_FFFF);
        }
        if (r.isZero()) return s;
        int e = r.unbiasedExponent();
        long sig = r.normalizedSignificand();
        if (e >= -126) return s | ((e + 127) << 23) | (int) ((sig >>> 40) & 0x7F_FFFF);
        return s | (int) (sig >>> (40 + (-126 - e)));
    }

    static long toDouble(Ext80 r) {
        long s = r.negative() ? Long.MIN_VALUE : 0;
        if (r.exponentField() == Ext80.MAX_EXP) {
            return s | 0x7FF0_0000_0000_0000L | ((r.significand() >>> 11) & 0xF_FFFF_FFFF_FFFFL);
        }
        if (r.isZero()) return s;
        int e = r.unbiasedExponent();
        long sig = r.normalizedSignificand();
        if (e >= -1022) return s | ((long) (e + 1023) << 52) | ((sig >>> 11) & 0xF_FFFF_FFFF_FFFFL);
        return s | (sig >>> (11 + (-1022 - e)));
    }

    /*X:860 Packed BCD is a fossil from the days of COBOL on the 8087: eighteen decimal
     * digits, two per byte, in the low nine bytes, and a sign bit at the top of the tenth.
     * Converting to it is the one x87 operation that divides by ten, and glibc never uses
     * it; we carry it because a CPU that claims to be an i686 must. A digit above 9 is
     * undefined on the real chip; we simply let it count for its binary value. */
    static final Ext80 BCD_INDEFINITE = new Ext80(0xFFFF, 0xC000_0000_0000_0000L);

    static Ext80 fromBcd(Ext80 raw) {
        long digits = raw.significand();
        int top = raw.signExp() & 0xFF;
        long v = (top >> 4) * 10 + (top & 15);
        for (int k = 7; k >= 0; k--) {
            int b = (int) (digits >>> (8 * k)) & 0xFF;
            v = v * 100 + (b >> 4) * 10 + (b & 15);
        }
        boolean neg = (raw.signExp() & 0x8000) != 0;
        return Ext80.fromLong(v).withSign(neg);
    }

    static Ext80 toBcd(boolean neg, long v) {
        long packed = 0;
        for (int k = 0; k < 16; k++) { packed |= (v % 10) << (4 * k); v /= 10; }
        int top = (int) ((v % 10) | ((v / 10) % 10) << 4);
        return new Ext80((neg ? 0x8000 : 0) | top, packed);
    }
    /*:*/
}
