package lguest.machine.fpu;

/**
 * One value in the x87's own format, the 80-bit double-extended real: a sign, a 15-bit
 * biased exponent and a 64-bit significand whose top bit (the "integer bit") is stored,
 * not implied. {@code signExp} holds the sign in bit 15 and the exponent in bits 0-14,
 * exactly as bytes 8-9 of the memory image; {@code significand} is bytes 0-7.
 */
public record Ext80(int signExp, long significand) {

    /*X:700 An x87 register is not a Java double and must never pretend to be one. The
     * double-extended format keeps 64 bits of significand, eleven more than a double, and
     * a 15-bit exponent, so it reaches 2^16383 where a double gives up at 2^1023. glibc's
     * strtod and printf lean on exactly that headroom: they compute a long double and round
     * it once, at the end. Emulate the registers with doubles and every printf("%f") of
     * the guest is subtly wrong in its last digit, in a way nobody can debug.
     *
     * So we keep the bits as the chip does. The sign and the biased exponent share one
     * 16-bit half (the bias is 16383), the significand fills a Java long. Unlike float and
     * double, the leading 1 is stored: a normal number has bit 63 set. That explicit bit
     * opens the door to encodings the IEEE formats cannot even spell, and the 387 and
     * later call them "unsupported": an unnormal (exponent not zero, bit 63 clear), a
     * pseudo-infinity or pseudo-NaN (exponent all ones, bit 63 clear). They are treated as
     * invalid operands. A pseudo-denormal (exponent zero, bit 63 set) is still accepted,
     * read as if its exponent were 1, like the real denormals that share its exponent. :*/

    public static final int BIAS = 16383;
    public static final int MAX_EXP = 0x7FFF;
    public static final long INTEGER_BIT = 0x8000_0000_0000_0000L;
    public static final long QUIET_BIT = 0x4000_0000_0000_0000L;

    /*X:710 The "real indefinite" is the x87's one answer to every question that has none:
     * 0/0, the square root of -1, a pop from an empty register. It is a quiet NaN with
     * the sign set and only the top two significand bits on, FFFF C000000000000000. When
     * a masked invalid-operation exception has nothing better to deliver, this is what
     * lands in the register, and a guest printing it sees "-nan". :*/
    public static final Ext80 INDEFINITE = new Ext80(0xFFFF, 0xC000_0000_0000_0000L);
    public static final Ext80 POSITIVE_ZERO = new Ext80(0, 0);
    public static final Ext80 NEGATIVE_ZERO = new Ext80(0x8000, 0);
    public static final Ext80 ONE = new Ext80(BIAS, INTEGER_BIT);

    public boolean negative() { return (signExp & 0x8000) != 0; }
    public int exponentField() { return signExp & 0x7FFF; }

    public boolean isZero() { return exponentField() == 0 && significand == 0; }
    /** Exponent zero, significand non-zero: a denormal or a pseudo-denormal. */
    public boolean isDenormal() { return exponentField() == 0 && significand != 0; }
    public boolean isInfinity() { return exponentField() == MAX_EXP && significand == INTEGER_BIT; }
    public boolean isNaN() {
        return exponentField() == MAX_EXP && significand < 0 && (significand << 1) != 0;
    }
    public boolean isSignalingNaN() { return isNaN() && (significand & QUIET_BIT) == 0; }
    /** Unnormals, pseudo-infinities and pseudo-NaNs: operands the 387 and later refuse. */
    public boolean isUnsupported() {
        int e = exponentField();
        return e != 0 && significand >= 0;
    }
    /** A finite number that is not zero (denormals included). */
    public boolean isFiniteNonZero() {
        int e = exponentField();
        return e != MAX_EXP && significand != 0 && !(e != 0 && significand >= 0);
    }

    public Ext80 withSign(boolean neg) { return new Ext80(neg ? signExp | 0x8000 : signExp & 0x7FFF, significand); }
    public Ext80 negate() { return new Ext80(signExp ^ 0x8000, significand); }
    public Ext80 abs() { return new Ext80(signExp & 0x7FFF, significand); }
    public Ext80 quieted() { return new Ext80(signExp, significand | QUIET_BIT); }

    /** Unbiased exponent of the leading one bit, for a finite non-zero value. */
    public int unbiasedExponent() {
        int e = exponentField();
        if (e == 0) return 1 - BIAS - Long.numberOfLeadingZeros(significand);
        return e - BIAS;
    }

    /** The significand shifted so that bit 63 is set, for a finite non-zero value. */
    public long normalizedSignificand() {
        return significand << Long.numberOfLeadingZeros(significand);
    }

    public static Ext80 infinity(boolean neg) { return new Ext80(neg ? 0xFFFF : 0x7FFF, INTEGER_BIT); }
    public static Ext80 zero(boolean neg) { return neg ? NEGATIVE_ZERO : POSITIVE_ZERO; }

    /** The exact value of a 64-bit two's complement integer (every one of them fits). */
    public static Ext80 fromLong(long v) {
        if (v == 0) return POSITIVE_ZERO;
        boolean neg = v < 0;
        long mag = neg ? -v : v;           // -2^63 stays 0x8000.., which is its magnitude
        int lz = Long.numberOfLeadingZeros(mag);
        return new Ext80((neg ? 0x8000 : 0) | (BIAS + 63 - lz), mag << lz);
    }

    /** Value from a finite, normalized form: (-1)^neg * sig * 2^(exp - 63). Must fit. */
    static Ext80 of(boolean neg, int exp, long sig) {
        return new Ext80((neg ? 0x8000 : 0) | (exp + BIAS), sig);
    }

    @Override
    public String toString() {
        return String.format("%04X:%016X", signExp & 0xFFFF, significand);
    }
}
