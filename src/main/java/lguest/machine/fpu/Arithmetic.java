package lguest.machine.fpu;

import java.math.BigInteger;

/**
 * The x87's numeric core: exact operations on {@link Ext80} values followed by one
 * correct rounding, with the exception flags each step raises collected in {@link #flags}.
 * The instruction layer ({@link X87}) sets the control word, runs an operation, and then
 * decides from the flags and the masks what reaches the registers.
 */
final class Arithmetic {

    static final int IE = 0x01, DE = 0x02, ZE = 0x04, OE = 0x08, UE = 0x10, PE = 0x20, SF = 0x40;

    static final int RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_CHOP = 3;

    /** Where a result is going: its significand width and exponent range. */
    enum Format {
        SINGLE(24, -126, 127), DOUBLE(53, -1022, 1023), EXTENDED(64, -16382, 16383);
        final int precision, emin, emax;
        Format(int precision, int emin, int emax) {
            this.precision = precision; this.emin = emin; this.emax = emax;
        }
    }

    /** Exception flags raised since the last {@link #begin}. */
    int flags;
    /** The rounding increased the magnitude: the value the x87 puts in C1. */
    boolean roundedUp;
    /** The control word in force for the current instruction. */
    int control = 0x037F;

    void begin(int controlWord) { control = controlWord; flags = 0; roundedUp = false; }

    int roundingMode() { return (control >> 10) & 3; }

    /** The significand width the precision-control field asks for (PC=01 is reserved). */
    int precision() {
        switch ((control >> 8) & 3) {
            case 0: return 24;
            case 2: return 53;
            default: return 64;
        }
    }

    boolean masked(int flag) { return (control & flag) != 0; }

    /*X:720 Rounding is where an FPU earns its keep, and the x87's rounding has two knobs.
     * The rounding-control field RC picks one of IEEE's four directions: to nearest (ties
     * to even), down toward minus infinity, up toward plus infinity, or chop toward zero.
     * The precision-control field PC picks where to round: after 24, 53 or 64 bits of
     * significand. PC is how the x87 imitates float and double arithmetic, and it only
     * imitates them: it shortens the significand, but the exponent keeps its full 15-bit
     * range, so a "double" computation under PC=53 never overflows at 1e308 the way a real
     * double does. The difference shows up only when the result is stored.
     *
     * Every operation below first produces its exact result, or enough of it: a leading
     * exponent e and 128 bits of significand hi:lo, with bit 127 being the leading one and
     * any further non-zero bits "jammed" into the lowest bit of lo. Sixty-four guard bits
     * plus that sticky bit are all a correct rounding needs: it only asks whether the
     * discarded part is zero, less than half, exactly half, or more than half. :*/
    Ext80 round(boolean neg, int e, long hi, long lo, int p, Format f) {
        int rc = roundingMode();
        boolean tiny = false;
        if (e < f.emin) {
            /*X:730 A result too small for a normal number is "tiny". IEEE lets a chip
             * decide tininess before or after rounding; Intel decides after, as if the
             * exponent range were unbounded: a value just below 2^emin that rounds up to it
             * is not tiny. Tiny results are denormalized, shifted right until the exponent
             * is the smallest one, and then rounded at the same bit position as always,
             * so a denormal has fewer significant bits: gradual underflow. Underflow (UE)
             * is only reported, when masked, if the denormal also lost bits; an exact tiny
             * result is no news. (The host CPU settles the before-or-after question:
             * (1 + 2^-63) * 2^-16382 times (1 - 2^-63) gives 2^-16382 with PE and no UE.) */
            tiny = e < f.emin - 1 || !carriesOut(neg, hi, lo, 64 - p, rc);
            if (tiny && !masked(UE) && f != Format.EXTENDED) {
                flags |= UE;                    // a store: the handler gets the register
                return Ext80.INDEFINITE;
            }
            if (tiny && !masked(UE) && e + 24576 >= f.emin) {
                /* Unmasked underflow: deliver the exact-width result with the exponent
                 * wrapped by 24576 (3 * 2^13), for the trap handler to inspect. */
                flags |= UE;
                return round(neg, e + 24576, hi, lo, p, f);
            }
            if (tiny && !masked(UE)) {
                flags |= UE | PE;                  // beyond even the rescaled range: zero
                return Ext80.zero(neg);
            }
            int sh = f.emin - e;
            if (sh >= 128) {
                lo = (hi | lo) != 0 ? 1 : 0;
                hi = 0;
            } else if (sh >= 64) {
                long sticky = (lo != 0 || (sh > 64 && (hi << (128 - sh)) != 0)) ? 1 : 0;
                lo = (sh == 64 ? hi : hi >>> (sh - 64)) | sticky;
                hi = 0;
            } else if (sh > 0) {
                long sticky = (lo << (64 - sh)) != 0 ? 1 : 0;
                lo = (lo >>> sh) | (hi << (64 - sh)) | sticky;
                hi = hi >>> sh;
            }
            e = f.emin;
        }
        /*:*/
        int drop = 64 - p;
        long mask = drop == 0 ? 0 : (1L << drop) - 1;
        boolean inexact = (hi & mask) != 0 || lo != 0;
        boolean up = roundUp(neg, hi, lo, drop, rc);
        hi &= ~mask;
        if (up) {
            long before = hi;
            hi += 1L << drop;
            if (Long.compareUnsigned(hi, before) < 0) {     // carried out of bit 63
                hi = Ext80.INTEGER_BIT;
                e++;
            }
        }
        if (e > f.emax) return overflow(neg, e, hi, p, f, inexact, up);
        if (inexact) {
            flags |= PE;
            roundedUp = up;
            if (tiny) flags |= UE;
        }
        return encode(neg, e, hi, f);
    }

    /*X:740 Overflow has the mirror-image response. A masked overflow does not simply
     * produce infinity: it produces whatever infinity rounds to in the current direction.
     * Rounding to nearest, or away from zero, gives infinity; rounding toward zero gives
     * the largest finite number of the destination's precision. That is why a program that
     * chops (as C's cast to int does, by switching RC) never sees an infinity appear from
     * a finite overflow. Unmasked, the result is instead rescaled by 2^-24576 and left for
     * the trap handler, so the handler can still see which number it would have been. */
    private Ext80 overflow(boolean neg, int e, long hi, int p, Format f, boolean inexact, boolean up) {
        if (!masked(OE) && f == Format.EXTENDED && e - 24576 <= f.emax) {
            flags |= OE;
            if (inexact) { flags |= PE; roundedUp = up; }
            return encode(neg, e - 24576, hi, f);
        }
        if (!masked(OE) && f == Format.EXTENDED) {        // beyond even the rescaled range
            flags |= OE | PE;
            roundedUp = true;
            return Ext80.infinity(neg);
        }
        if (!masked(OE) && f != Format.EXTENDED) { flags |= OE; return Ext80.INDEFINITE; }   // a store: nothing written
        flags |= OE | PE;
        int rc = roundingMode();
        boolean toInfinity = rc == RC_NEAREST || (rc == RC_UP && !neg) || (rc == RC_DOWN && neg);
        roundedUp = toInfinity;
        if (toInfinity) return Ext80.infinity(neg);
        long max = p == 64 ? -1L : -(1L << (64 - p));
        return encode(neg, f.emax, max, f);
    }
    /*:*/

    /** Would rounding hi:lo at the given drop width carry out of bit 63? */
    private static boolean carriesOut(boolean neg, long hi, long lo, int drop, int rc) {
        long mask = drop == 0 ? 0 : (1L << drop) - 1;
        if ((hi | mask) != -1L) return false;
        return roundUp(neg, hi, lo, drop, rc);
    }

    private static boolean roundUp(boolean neg, long hi, long lo, int drop, int rc) {
        long mask = drop == 0 ? 0 : (1L << drop) - 1;
        boolean inexact = (hi & mask) != 0 || lo != 0;
        switch (rc) {
            case RC_NEAREST:
                if (drop == 0) {
                    return lo < 0 && ((lo << 1) != 0 || (hi & 1) != 0);
                } else {
                    long half = 1L << (drop - 1);
                    long rem = hi & mask;
                    if ((rem & half) == 0) return false;
                    return (rem & (half - 1)) != 0 || lo != 0 || (hi & (1L << drop)) != 0;
                }
            case RC_DOWN: return neg && inexact;
            case RC_UP: return !neg && inexact;
            default: return false;
        }
    }

    /** Packs an already rounded value, exponent e of bit 63 of sig (or emin for denormals). */
    private static Ext80 encode(boolean neg, int e, long sig, Format f) {
        int s = neg ? 0x8000 : 0;
        if (sig == 0) return new Ext80(s, 0);
        if (sig < 0) return new Ext80(s | (e + Ext80.BIAS), sig);
        // a denormal of the destination format: in the extended format it keeps
        // exponent field 0; narrower formats' denormals are ordinary extended numbers.
        if (f == Format.EXTENDED) return new Ext80(s, sig);
        int lz = Long.numberOfLeadingZeros(sig);
        return new Ext80(s | (e - lz + Ext80.BIAS), sig << lz);
    }

    /** Rounds an extended value to a narrower format (store to m32/m64). */
    Ext80 roundTo(Ext80 v, Format f) {
        return round(v.negative(), v.unbiasedExponent(), v.normalizedSignificand(), 0, f.precision, f);
    }

    // ---------------------------------------------------------------- operand screening

    /*X:750 Before any arithmetic, the operands are screened, in the order the hardware
     * does it. Unsupported encodings and signaling NaNs raise invalid-operation (IE). A
     * NaN operand wins outright: the result is a NaN, quieted. When both are NaNs, a quiet
     * one beats a signaling one, and between two of a kind the larger significand wins
     * (on a tie, the positive one; the host CPU says so, the manual does not). Then come
     * the invalid combinations (infinity minus infinity, zero times infinity, 0/0,
     * infinity/infinity), whose masked answer is the real indefinite, and division by
     * zero. Only operands that survive all that and are denormal raise DE, the
     * denormal-operand exception. Masked, DE is a mere notice, as is everything else
     * here: with the default control word 037F every exception is masked, and the x87
     * quietly substitutes the IEEE-defined answer and sets a sticky flag in the status
     * word. */
    Ext80 screen(Ext80 a, Ext80 b) {
        if (a.isUnsupported() || b.isUnsupported()) { flags |= IE; return Ext80.INDEFINITE; }
        boolean an = a.isNaN(), bn = b.isNaN();
        if (an || bn) {
            if (a.isSignalingNaN() || b.isSignalingNaN()) flags |= IE;
            if (an && bn) return largerNaN(a, b);
            return (an ? a : b).quieted();
        }
        return null;
    }

    static Ext80 largerNaN(Ext80 a, Ext80 b) {
        if (a.isSignalingNaN() != b.isSignalingNaN()) return a.isSignalingNaN() ? b : a;
        long sa = a.significand() | Ext80.QUIET_BIT, sb = b.significand() | Ext80.QUIET_BIT;
        int c = Long.compareUnsigned(sa, sb);
        if (c > 0) return a.quieted();
        if (c < 0) return b.quieted();
        return (a.negative() ? b : a).quieted();
    }

    Ext80 screen(Ext80 a) {
        if (a.isUnsupported()) { flags |= IE; return Ext80.INDEFINITE; }
        if (a.isNaN()) {
            if (a.isSignalingNaN()) flags |= IE;
            return a.quieted();
        }
        return null;
    }
    /*:*/

    private void denormalCheck(Ext80 a, Ext80 b) {
        if (a.isDenormal() || b.isDenormal()) flags |= DE;
    }

    private Ext80 invalid() { flags |= IE; return Ext80.INDEFINITE; }

    // ---------------------------------------------------------------- + - * /

    Ext80 add(Ext80 a, Ext80 b) {
        Ext80 r = screen(a, b);
        if (r != null) return r;
        if (a.isInfinity() || b.isInfinity()) {
            if (a.isInfinity() && b.isInfinity() && a.negative() != b.negative()) return invalid();
            denormalCheck(a, b);
            return a.isInfinity() ? a : b;
        }
        denormalCheck(a, b);
        if (a.isZero() && b.isZero()) {
            if (a.negative() == b.negative()) return a;
            return Ext80.zero(roundingMode() == RC_DOWN);
        }
        int p = precision();
        if (a.isZero()) return roundExt(b, p);
        if (b.isZero()) return roundExt(a, p);
        int ea = a.unbiasedExponent(), eb = b.unbiasedExponent();
        long sa = a.normalizedSignificand(), sb = b.normalizedSignificand();
        boolean na = a.negative(), nb = b.negative();
        if (ea < eb || (ea == eb && Long.compareUnsigned(sa, sb) < 0)) {
            int te = ea; ea = eb; eb = te;
            long ts = sa; sa = sb; sb = ts;
            boolean tn = na; na = nb; nb = tn;
        }
        // now |a| >= |b|; align b to a with a sticky bit
        int d = ea - eb;
        long bhi, blo;
        if (d == 0) { bhi = sb; blo = 0; }
        else if (d < 64) { bhi = sb >>> d; blo = sb << (64 - d); }
        else if (d == 64) { bhi = 0; blo = sb; }
        else if (d < 128) { bhi = 0; blo = (sb >>> (d - 64)) | ((sb << (128 - d)) != 0 ? 1 : 0); }
        else { bhi = 0; blo = 1; }
        long hi, lo;
        int e = ea;
        if (na == nb) {
            lo = blo;
            hi = sa + bhi;
            if (Long.compareUnsigned(hi, sa) < 0) {          // carry: shift right one
                long sticky = lo & 1;
                lo = (lo >>> 1) | (hi << 63) | sticky;
                hi = (hi >>> 1) | Ext80.INTEGER_BIT;
                e++;
            }
        } else {
            lo = -blo;
            hi = sa - bhi - (blo != 0 ? 1 : 0);
            if (hi == 0 && lo == 0) return Ext80.zero(roundingMode() == RC_DOWN);
            int lz = hi != 0 ? Long.numberOfLeadingZeros(hi) : 64 + Long.numberOfLeadingZeros(lo);
            if (lz >= 64) { hi = lo << (lz - 64); lo = 0; }
            else if (lz > 0) { hi = (hi << lz) | (lo >>> (64 - lz)); lo <<= lz; }
            e -= lz;
        }
        return round(na, e, hi, lo, p, Format.EXTENDED);
    }

    /** A finite value rounded to the current precision (x + 0 still rounds). */
    private Ext80 roundExt(Ext80 a, int p) {
        return round(a.negative(), a.unbiasedExponent(), a.normalizedSignificand(), 0, p, Format.EXTENDED);
    }

    Ext80 sub(Ext80 a, Ext80 b) {
        if (b.isNaN() || b.isUnsupported()) return add(a, b);
        return add(a, b.negate());
    }

    Ext80 mul(Ext80 a, Ext80 b) {
        Ext80 r = screen(a, b);
        if (r != null) return r;
        boolean neg = a.negative() != b.negative();
        if (a.isInfinity() || b.isInfinity()) {
            if (a.isZero() || b.isZero()) return invalid();
            denormalCheck(a, b);
            return Ext80.infinity(neg);
        }
        denormalCheck(a, b);
        if (a.isZero() || b.isZero()) return Ext80.zero(neg);
        long sa = a.normalizedSignificand(), sb = b.normalizedSignificand();
        long hi = unsignedMultiplyHigh(sa, sb), lo = sa * sb;
        int e = a.unbiasedExponent() + b.unbiasedExponent();
        if (hi < 0) e++;
        else { hi = (hi << 1) | (lo >>> 63); lo <<= 1; }
        return round(neg, e, hi, lo, precision(), Format.EXTENDED);
    }

    static long unsignedMultiplyHigh(long x, long y) {
        return Math.multiplyHigh(x, y) + ((x >> 63) & y) + ((y >> 63) & x);
    }

    Ext80 div(Ext80 a, Ext80 b) {
        Ext80 r = screen(a, b);
        if (r != null) return r;
        boolean neg = a.negative() != b.negative();
        if (a.isInfinity()) {
            if (b.isInfinity()) return invalid();
            denormalCheck(a, b);
            return Ext80.infinity(neg);
        }
        if (b.isInfinity()) { denormalCheck(a, b); return Ext80.zero(neg); }
        if (b.isZero()) {
            if (a.isZero()) return invalid();
            flags |= ZE;                       // and no DE, even for a denormal dividend
            return Ext80.infinity(neg);
        }
        denormalCheck(a, b);
        if (a.isZero()) return Ext80.zero(neg);
        /* Like the square root, in longs: N = sa * 2^63 or sa * 2^64, whichever makes the
         * quotient Q = floor(N / sb) exactly 64 bits; a double's quotient, one correction
         * from the exact 128-bit residual, and exact checks of Q*sb against N. What the
         * remainder tells about the rest is exact too: twice the remainder against sb
         * says below, at or above the half. */
        long sa = a.normalizedSignificand(), sb = b.normalizedSignificand();
        boolean big = Long.compareUnsigned(sa, sb) >= 0;
        long nhi = big ? sa >>> 1 : sa, nlo = big ? sa << 63 : 0;
        double db = unsignedToDouble(sb);
        double approx = (unsignedToDouble(nhi) * 0x1p64 + unsignedToDouble(nlo)) / db;
        long q = approx >= 0x1p63 ? (long) Math.min(approx - 0x1p63, 0x1p63 - 1024) + Long.MIN_VALUE : Long.MIN_VALUE;
        long plo = q * sb, phi = unsignedMultiplyHigh(q, sb);
        long elo = nlo - plo, ehi = nhi - phi - (Long.compareUnsigned(nlo, plo) < 0 ? 1 : 0);
        long step = Math.round((ehi * 0x1p64 + unsignedToDouble(elo)) / db), stepped = q + step;
        if (step > 0 && Long.compareUnsigned(stepped, q) < 0) stepped = -1L;
        q = stepped;
        while (productExceeds(q, sb, nhi, nlo)) q--;
        while (q != -1L && !productExceeds(q + 1, sb, nhi, nlo)) q++;
        long rem = nlo - q * sb;                               // < sb: the high words cancel
        int half = Long.compareUnsigned(rem, sb - rem);        // rem against sb/2, exactly
        long lo = half > 0 ? Long.MIN_VALUE | 1 : half == 0 ? Long.MIN_VALUE : rem != 0 ? 1 : 0;
        int e = a.unbiasedExponent() - b.unbiasedExponent() - (big ? 0 : 1);
        return round(neg, e, q, lo, precision(), Format.EXTENDED);
    }

    /** c*d > N, all unsigned, N = nhi:nlo. */
    private static boolean productExceeds(long c, long d, long nhi, long nlo) {
        long hi = unsignedMultiplyHigh(c, d);
        int cmp = Long.compareUnsigned(hi, nhi);
        return cmp > 0 || (cmp == 0 && Long.compareUnsigned(c * d, nlo) > 0);
    }

    Ext80 sqrt(Ext80 a) {
        Ext80 nan = screen(a);
        if (nan != null) return nan;
        if (a.isZero()) return a;
        if (a.negative()) return invalid();
        if (a.isInfinity()) return a;
        if (a.isDenormal()) flags |= DE;
        /*X:745 Square root and division could be left to BigInteger, and were at first:
         * exact, simple, and some microseconds per instruction. But glibc's sqrtl is a
         * bare FSQRT and every awk division an FDIV, so both are done in longs instead,
         * about 50 ns each; div, above, follows the same plan as this. Write the operand
         * as N * 2^E with E even and N a 128-bit integer of 127 or 128 bits; its root
         * R = floor(sqrt(N)) then has exactly 64 bits, and the result is R * 2^(E/2). A
         * double's square root gives R to within about 2^12; one Newton step on the exact
         * 128-bit error N - r*r brings it within one, and squaring candidates exactly
         * settles the rest. Then R is exact, and the rest of the root is known from the
         * remainder N - R*R: it is more than half an ulp exactly when the remainder
         * exceeds R (a square root of an integer is never exactly halfway), and inexact
         * whenever the remainder is not zero. */
        long sig = a.normalizedSignificand();
        int e2 = a.unbiasedExponent() - 63;                   // value = sig * 2^e2
        long nhi, nlo;
        int big;
        if (((e2 - 64) & 1) == 0) { nhi = sig; nlo = 0; big = e2 - 64; }
        else { nhi = sig >>> 1; nlo = sig << 63; big = e2 - 63; }
        double approx = Math.sqrt(Math.scalb((double) (nhi >>> 1), 65));
        long r = approx >= 0x1p63 ? (long) (approx - 0x1p63) + Long.MIN_VALUE : (long) approx;
        // one Newton step on the exact 128-bit error N - r*r, then at most a step or two
        long elo = nlo - r * r;
        long ehi = nhi - unsignedMultiplyHigh(r, r) - (Long.compareUnsigned(nlo, r * r) < 0 ? 1 : 0);
        double error = ehi * 0x1p64 + unsignedToDouble(elo);
        long step = Math.round(error / (2 * unsignedToDouble(r))), stepped = r + step;
        if (step > 0 && Long.compareUnsigned(stepped, r) < 0) stepped = -1L;   // R < 2^64: no wrap
        r = stepped;
        while (squareExceeds(r, nhi, nlo)) r--;
        while (r != -1L && !squareExceeds(r + 1, nhi, nlo)) r++;
        long sqlo = r * r, sqhi = unsignedMultiplyHigh(r, r);
        long remlo = nlo - sqlo;
        long remhi = nhi - sqhi - (Long.compareUnsigned(nlo, sqlo) < 0 ? 1 : 0);
        boolean half = remhi != 0 || Long.compareUnsigned(remlo, r) > 0;
        long lo = half ? Long.MIN_VALUE | 1 : ((remhi | remlo) != 0 ? 1 : 0);
        return round(false, 63 + big / 2, r, lo, precision(), Format.EXTENDED);
    }
    /*:*/

    private static double unsignedToDouble(long v) {
        return v >= 0 ? (double) v : (double) (v >>> 1) * 2.0;
    }

    /** c*c > N, all unsigned, N = nhi:nlo. */
    private static boolean squareExceeds(long c, long nhi, long nlo) {
        long hi = unsignedMultiplyHigh(c, c);
        int cmp = Long.compareUnsigned(hi, nhi);
        return cmp > 0 || (cmp == 0 && Long.compareUnsigned(c * c, nlo) > 0);
    }

    static BigInteger unsigned(long v) {
        BigInteger b = BigInteger.valueOf(v & Long.MAX_VALUE);
        return v < 0 ? b.setBit(63) : b;
    }

    /** Rounds (-1)^neg * (mag + sticky) * 2^exp2 to the extended format at precision p. */
    Ext80 roundBig(boolean neg, BigInteger mag, int exp2, boolean sticky, int p) {
        return roundBig(neg, mag, exp2, sticky, p, Format.EXTENDED);
    }

    Ext80 roundBig(boolean neg, BigInteger mag, int exp2, boolean sticky, int p, Format f) {
        int bl = mag.bitLength();
        if (bl == 0) return Ext80.zero(neg);
        int shift = bl - 128;
        BigInteger m;
        if (shift > 0) {
            if (mag.getLowestSetBit() < shift) sticky = true;
            m = mag.shiftRight(shift);
        } else {
            m = mag.shiftLeft(-shift);
        }
        long lo = m.longValue(), hi = m.shiftRight(64).longValue();
        if (sticky) lo |= 1;
        return round(neg, exp2 + bl - 1, hi, lo, p, f);
    }

    // ---------------------------------------------------------------- integers

    /** Result of rounding a value to an integer: magnitude, inexactness, direction. */
    record Integral(long magnitude, boolean huge, boolean inexact, boolean up) { }

    /** Rounds a finite value to an integer under RC; huge means at least 2^64. */
    Integral toIntegral(Ext80 a) {
        if (a.isZero()) return new Integral(0, false, false, false);
        int e = a.unbiasedExponent();
        long sig = a.normalizedSignificand();
        if (e >= 64) return new Integral(0, true, false, false);
        if (e == 63) return new Integral(sig, false, false, false);
        long ip, frac;
        if (e >= 0) {
            int sh = 63 - e;
            ip = sig >>> sh;
            frac = sig << (64 - sh);
        } else {
            ip = 0;
            int sh = -1 - e;                     // frac has its half bit at bit 63
            frac = sh == 0 ? sig : sh >= 64 ? 1 : (sig >>> sh) | ((sig << (64 - sh)) != 0 ? 1 : 0);
        }
        boolean inexact = frac != 0, neg = a.negative(), up;
        switch (roundingMode()) {
            case RC_NEAREST:
                up = frac < 0 && ((frac << 1) != 0 || (ip & 1) != 0); break;
            case RC_DOWN: up = neg && inexact; break;
            case RC_UP: up = !neg && inexact; break;
            default: up = false;
        }
        if (up) ip++;
        return new Integral(ip, ip == 0 && up, inexact, up);
    }

    /** FRNDINT's arithmetic: the value rounded to an integer, as an extended real. */
    Ext80 roundToInteger(Ext80 a) {
        Ext80 r = screen(a);
        if (r != null) return r;
        if (a.isInfinity() || a.isZero()) return a;
        if (a.isDenormal()) flags |= DE;
        if (a.unbiasedExponent() >= 63) return a;
        Integral i = toIntegral(a);
        if (i.inexact()) { flags |= PE; roundedUp = i.up(); }
        if (i.magnitude() == 0) return Ext80.zero(a.negative());
        Ext80 v = Ext80.fromLong(i.magnitude());
        if (i.magnitude() < 0) v = new Ext80(Ext80.BIAS + 63, i.magnitude());
        return v.withSign(a.negative());
    }
}
