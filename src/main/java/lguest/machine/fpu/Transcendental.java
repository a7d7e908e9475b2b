package lguest.machine.fpu;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The transcendental instructions (F2XM1, FYL2X, FYL2XP1, FPTAN, FPATAN, FSIN, FCOS,
 * FSINCOS), evaluated in decimal with some sixty significant digits and then rounded
 * once to 64 bits. Not bit-exact with any particular chip; see X:870 for the bound.
 */
final class Transcendental {

    /*X:870 The transcendental instructions are the one place where we do not promise the
     * same bits as the silicon, because the silicon does not promise them either: Intel
     * documents FSIN and friends as accurate to about one unit in the last place within
     * their range, and different generations of chips differ in that last bit. So we
     * compute the exact mathematical function to about 200 bits with BigDecimal series
     * (slow, but these instructions are rare in real programs: awk's sin() and exp(), not
     * inner loops) and round once. The conformance test measures the distance to the
     * host CPU in units of the 64-bit significand and holds us to at most one.
     *
     * One imitation is deliberate. For FSIN, FCOS, FSINCOS and FPTAN the chip reduces the
     * argument modulo pi/2 with a 66-bit approximation of pi, not with pi itself. For a
     * large argument (1e15, say) the reduced angle is then simply a different angle, and
     * the result is famously wrong in most of its digits. A guest that computes sin(1e15)
     * on real hardware gets that wrong answer, so we reduce with the same 66-bit pi. Above
     * 2^63 the chip refuses: C2=1, ST0 unchanged, and the caller must reduce (with FPREM,
     * which uses the same approximation of pi). */
    private static final MathContext MC = new MathContext(64, RoundingMode.HALF_EVEN);
    private static final BigDecimal PI = new BigDecimal(
            "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803");
    private static final BigDecimal LN2 = new BigDecimal(
            "0.69314718055994530941723212145817656807550013436025525412068000949339362196969471560586");
    /** The 66-bit pi of the chip's argument reduction, divided by two: 0x3243F6A8885A308D3 * 2^-65. */
    private static final BigDecimal PI66_HALF = exactBinary(new BigInteger("3243F6A8885A308D3", 16), -65);
    /*:*/

    private final Arithmetic ar;

    Transcendental(Arithmetic ar) { this.ar = ar; }

    boolean outOfRange(Ext80 a) {
        return a.isFiniteNonZero() && a.unbiasedExponent() >= 63;
    }

    // ---------------------------------------------------------------- conversions

    static BigDecimal exactBinary(BigInteger mag, int exp2) {
        if (exp2 >= 0) return new BigDecimal(mag.shiftLeft(exp2));
        return new BigDecimal(mag.multiply(BigInteger.valueOf(5).pow(-exp2)), -exp2);
    }

    static BigDecimal toDecimal(Ext80 a) {
        BigDecimal d = exactBinary(Arithmetic.unsigned(a.normalizedSignificand()), a.unbiasedExponent() - 63);
        return a.negative() ? d.negate() : d;
    }

    /**
     * Rounds an approximation of an irrational result: there is always something below
     * the last digit, so the sticky bit is set even when the digits happen to end.
     */
    private Ext80 fromDecimal(BigDecimal v) { return fromDecimal(v, true); }

    private Ext80 fromDecimal(BigDecimal v, boolean inexact) {
        if (v.signum() == 0) return Ext80.POSITIVE_ZERO;
        boolean neg = v.signum() < 0;
        v = v.abs();
        BigInteger u = v.unscaledValue();
        int s = v.scale();
        long est = u.bitLength() - Math.round(s * 3.321928094887362);
        int k = (int) (140 - est);
        BigInteger num = u, den = BigInteger.ONE;
        if (s >= 0) den = BigInteger.TEN.pow(s); else num = num.multiply(BigInteger.TEN.pow(-s));
        if (k >= 0) num = num.shiftLeft(k); else den = den.shiftLeft(-k);
        BigInteger[] qr = num.divideAndRemainder(den);
        return ar.roundBig(neg, qr[0], -k, inexact || qr[1].signum() != 0, 64);
    }

    // ---------------------------------------------------------------- series

    private static BigDecimal exp(BigDecimal x) {         // |x| <= 1
        return BigDecimal.ONE.add(expm1(x), MC);
    }

    /** e^x - 1 without cancellation for small x. */
    private static BigDecimal expm1(BigDecimal x) {
        BigDecimal sum = BigDecimal.ZERO, term = BigDecimal.ONE;
        for (int n = 1; n < 200; n++) {
            term = term.multiply(x, MC).divide(BigDecimal.valueOf(n), MC);
            sum = sum.add(term, MC);
            if (term.signum() == 0 || term.abs().compareTo(sum.abs().movePointLeft(66)) < 0) break;
        }
        return sum;
    }

    /** 2 atanh(z) = ln((1+z)/(1-z)). */
    private static BigDecimal twoAtanh(BigDecimal z) {
        BigDecimal z2 = z.multiply(z, MC), term = z, sum = z;
        for (int n = 3; n < 2000; n += 2) {
            term = term.multiply(z2, MC);
            BigDecimal t = term.divide(BigDecimal.valueOf(n), MC);
            sum = sum.add(t, MC);
            if (t.signum() == 0 || t.abs().compareTo(sum.abs().movePointLeft(66)) < 0) break;
        }
        return sum.multiply(BigDecimal.valueOf(2));
    }

    /** ln of a positive finite value, with full relative precision near 1. */
    private static BigDecimal ln(Ext80 a) {
        int e = a.unbiasedExponent();
        BigDecimal m = exactBinary(Arithmetic.unsigned(a.normalizedSignificand()), -63);   // [1,2)
        if (m.compareTo(new BigDecimal("1.41421356")) > 0) { m = m.divide(BigDecimal.valueOf(2)); e++; }
        BigDecimal z = m.subtract(BigDecimal.ONE).divide(m.add(BigDecimal.ONE), MC);
        return twoAtanh(z).add(LN2.multiply(BigDecimal.valueOf(e)), MC);
    }

    private static BigDecimal atan(BigDecimal x) {
        boolean invert = x.abs().compareTo(BigDecimal.ONE) > 0;
        if (invert) x = BigDecimal.ONE.divide(x, MC);
        // halve the angle three times: atan(x) = 2 atan(x / (1 + sqrt(1 + x^2)))
        int halvings = 0;
        BigDecimal small = new BigDecimal("0.05");
        while (halvings < 4 && x.abs().compareTo(small) > 0) {
            BigDecimal root = BigDecimal.ONE.add(x.multiply(x, MC), MC).sqrt(MC);
            x = x.divide(BigDecimal.ONE.add(root, MC), MC);
            halvings++;
        }
        BigDecimal x2 = x.multiply(x, MC), term = x, sum = x;
        for (int n = 3; n < 2000; n += 2) {
            term = term.multiply(x2, MC).negate();
            BigDecimal t = term.divide(BigDecimal.valueOf(n), MC);
            sum = sum.add(t, MC);
            if (t.signum() == 0 || t.abs().compareTo(sum.abs().movePointLeft(66)) < 0) break;
        }
        sum = sum.multiply(BigDecimal.valueOf(1L << halvings));
        if (invert) {
            BigDecimal halfPi = PI.divide(BigDecimal.valueOf(2));
            sum = (sum.signum() >= 0 ? halfPi : halfPi.negate()).subtract(sum, MC);
        }
        return sum;
    }

    private static BigDecimal sinSeries(BigDecimal x) {
        BigDecimal x2 = x.multiply(x, MC), term = x, sum = x;
        for (int n = 2; n < 400; n += 2) {
            term = term.multiply(x2, MC).divide(BigDecimal.valueOf((long) n * (n + 1)), MC).negate();
            sum = sum.add(term, MC);
            if (term.signum() == 0 || term.abs().compareTo(sum.abs().movePointLeft(66)) < 0) break;
        }
        return sum;
    }

    /**
     * cos(x) as 1 plus a correction computed to full relative precision, and added
     * exactly: cos of a tiny angle is just below 1, and a directed rounding must see that.
     */
    private static BigDecimal cosSeries(BigDecimal x) {
        BigDecimal x2 = x.multiply(x, MC), term = BigDecimal.ONE, sum = BigDecimal.ZERO;
        for (int n = 1; n < 400; n += 2) {
            term = term.multiply(x2, MC).divide(BigDecimal.valueOf((long) n * (n + 1)), MC).negate();
            sum = sum.add(term, MC);
            if (term.signum() == 0 || term.abs().compareTo(sum.abs().movePointLeft(66)) < 0) break;
        }
        return BigDecimal.ONE.add(sum);
    }

    /** {sin, cos} of a finite argument, reduced modulo the chip's pi/2. */
    private static BigDecimal[] sinCos(Ext80 a) {
        BigDecimal x = toDecimal(a);
        BigDecimal q = x.divide(PI66_HALF, 0, RoundingMode.HALF_EVEN);
        // exact, then cut to 64 digits: a tiny argument's exact decimal has thousands
        BigDecimal r = x.subtract(q.multiply(PI66_HALF)).round(MC);
        int quadrant = q.toBigInteger().intValue() & 3;
        BigDecimal s = r.signum() == 0 ? BigDecimal.ZERO : sinSeries(r), c = cosSeries(r);
        switch (quadrant) {
            case 0: return new BigDecimal[] {s, c};
            case 1: return new BigDecimal[] {c, s.negate()};
            case 2: return new BigDecimal[] {s.negate(), c.negate()};
            default: return new BigDecimal[] {c.negate(), s};
        }
    }

    // ---------------------------------------------------------------- instructions

    private Ext80 invalid() { ar.flags |= Arithmetic.IE; return Ext80.INDEFINITE; }

    private void denormal(Ext80... xs) {
        for (Ext80 x : xs) if (x.isDenormal()) ar.flags |= Arithmetic.DE;
    }

    Ext80 f2xm1(Ext80 a) {
        Ext80 n = ar.screen(a);
        if (n != null) return n;
        if (a.isZero()) return a;
        if (a.isInfinity()) return a.negative() ? Ext80.ONE.negate() : a;
        denormal(a);
        if (a.exponentField() == Ext80.BIAS && a.significand() == Ext80.INTEGER_BIT) {
            return a.negative() ? new Ext80(0x8000 | (Ext80.BIAS - 1), Ext80.INTEGER_BIT) : a;   // -1/2, 1
        }
        if (a.unbiasedExponent() >= 0) return outsideDomain2xm1(a);
        return fromDecimal(expm1(toDecimal(a).round(MC).multiply(LN2, MC)));
    }

    /**
     * F2XM1 is defined for -1 &lt;= x &lt;= 1 only. Outside, the host chip leaves ST0 as
     * it was and reports a precision exception, and so do we (which also spares us
     * evaluating 2^16000).
     */
    private Ext80 outsideDomain2xm1(Ext80 a) {
        ar.flags |= Arithmetic.PE;
        return a;
    }

    Ext80 sin(Ext80 a) {
        Ext80 n = ar.screen(a);
        if (n != null) return n;
        if (a.isInfinity()) return invalid();
        if (a.isZero()) return a;
        denormal(a);
        return fromDecimal(sinCos(a)[0]);
    }

    Ext80 cos(Ext80 a) {
        Ext80 n = ar.screen(a);
        if (n != null) return n;
        if (a.isInfinity()) return invalid();
        if (a.isZero()) return Ext80.ONE;
        denormal(a);
        return fromDecimal(sinCos(a)[1]);
    }

    /**
     * What FSINCOS and FPTAN give for a NaN, an infinity or a zero (the pair for ST0 and the
     * value pushed), or null when the argument is a number they must compute with.
     */
    private Ext80[] specialPair(Ext80 a) {
        Ext80 n = ar.screen(a);
        if (n != null) return new Ext80[] {n, n};
        if (a.isInfinity()) { Ext80 i = invalid(); return new Ext80[] {i, i}; }
        if (a.isZero()) return new Ext80[] {a, Ext80.ONE};
        denormal(a);
        return null;
    }

    /** {sin, cos}: sin replaces ST0, cos is pushed. */
    Ext80[] sincos(Ext80 a) {
        Ext80[] special = specialPair(a);
        if (special != null) return special;
        BigDecimal[] sc = sinCos(a);
        Ext80 c = fromDecimal(sc[1]);
        int f = ar.flags; boolean up = ar.roundedUp;
        Ext80 s = fromDecimal(sc[0]);
        ar.flags |= f; ar.roundedUp |= up;
        return new Ext80[] {s, c};
    }

    /** {tan, 1.0}: tan replaces ST0, 1.0 is pushed. */
    Ext80[] tan(Ext80 a) {
        Ext80[] special = specialPair(a);
        if (special != null) return special;
        BigDecimal[] sc = sinCos(a);
        return new Ext80[] {fromDecimal(sc[0].divide(sc[1], MC)), Ext80.ONE};
    }

    /** FPATAN: arctan(y / x) in the quadrant of (x, y). */
    Ext80 atan2(Ext80 y, Ext80 x) {
        Ext80 n = ar.screen(y, x);
        if (n != null) return n;
        denormal(x, y);
        boolean ny = y.negative();
        BigDecimal r;
        if (y.isZero()) {
            if (!x.negative()) return y;
            r = PI;
        } else if (x.isInfinity() && y.isInfinity()) {
            r = PI.divide(BigDecimal.valueOf(4));
            if (x.negative()) r = r.multiply(BigDecimal.valueOf(3));
        } else if (y.isInfinity() || x.isZero()) {
            r = PI.divide(BigDecimal.valueOf(2));
        } else if (x.isInfinity()) {
            if (!x.negative()) return Ext80.zero(ny);
            r = PI;
        } else {
            BigDecimal xd = toDecimal(x).round(MC), yd = toDecimal(y).round(MC).abs();
            r = atan(yd.divide(xd.abs(), MC));
            if (x.negative()) r = PI.subtract(r, MC);
        }
        return fromDecimal(ny ? r.negate() : r);
    }

    /** FYL2X: y * log2(x). */
    Ext80 yl2x(Ext80 x, Ext80 y) {
        Ext80 n = ar.screen(x, y);
        if (n != null) return n;
        if (x.negative() && !x.isZero()) return invalid();
        if (x.isZero()) {                        // zero-divide or invalid, never DE
            if (y.isZero()) return invalid();
            if (!y.isInfinity()) ar.flags |= Arithmetic.ZE;
            return Ext80.infinity(!y.negative());
        }
        denormal(x, y);
        if (x.isInfinity()) {
            if (y.isZero()) return invalid();
            return Ext80.infinity(y.negative());
        }
        boolean one = x.exponentField() == Ext80.BIAS && x.significand() == Ext80.INTEGER_BIT;
        if (one) {
            if (y.isInfinity()) return invalid();
            return Ext80.zero(y.negative());
        }
        boolean logNeg = x.unbiasedExponent() < 0;
        if (y.isInfinity()) return Ext80.infinity(y.negative() != logNeg);
        if (y.isZero()) return Ext80.zero(y.negative() != logNeg);
        if (x.normalizedSignificand() == Ext80.INTEGER_BIT) {         // a power of two: exact log
            return fromDecimal(toDecimal(y).multiply(BigDecimal.valueOf(x.unbiasedExponent())), false);
        }
        BigDecimal l = ln(x).divide(LN2, MC);
        return fromDecimal(l.multiply(toDecimal(y).round(MC), MC));
    }

    /** FYL2XP1: y * log2(x + 1), for small x. */
    Ext80 yl2xp1(Ext80 x, Ext80 y) {
        Ext80 n = ar.screen(x, y);
        if (n != null) return n;
        if (x.isInfinity() && (x.negative() || y.isZero())) return invalid();
        denormal(x, y);
        if (x.isInfinity()) {
            return Ext80.infinity(y.negative());
        }
        if (x.isZero()) {
            if (y.isInfinity()) return invalid();
            return Ext80.zero(x.negative() != y.negative());
        }
        BigDecimal xd = toDecimal(x).round(MC);
        if (xd.compareTo(BigDecimal.ONE.negate()) <= 0) return invalid();
        if (y.isInfinity()) return Ext80.infinity(y.negative() != x.negative());
        if (y.isZero()) return Ext80.zero(y.negative() != x.negative());
        BigDecimal l = twoAtanh(xd.divide(xd.add(BigDecimal.valueOf(2)), MC)).divide(LN2, MC);
        return fromDecimal(l.multiply(toDecimal(y).round(MC), MC));
    }
}
