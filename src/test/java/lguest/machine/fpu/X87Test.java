package lguest.machine.fpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The parts of X87's contract that the host-comparison tests cannot reach. */
class X87Test {

    static final int DATA = 0x100, ENV = 0x400, PAGE = 0x1000;

    final X87 x = new X87();
    final FakeBus bus = new FakeBus(0x3000);

    void exec(int opcode, int modrm) { x.execute(opcode, modrm, 0, 0x4000, bus); }
    void exec(int opcode, int reg, int linear) { x.execute(opcode, (reg << 3) | 5, linear, 0x4000, bus); }

    /** FLD1, FLDPI, FLDZ, FLDL2E: a stack with some variety in it. */
    void loadSome() {
        exec(0xD9, 0xE8); exec(0xD9, 0xEB); exec(0xD9, 0xEE); exec(0xD9, 0xEA);
    }

    @Test
    void aFaultingStoreLeavesTheFpuAsItWas() {
        loadSome();
        int sw = x.statusWord(), tw = x.tagWord();
        Ext80 st0 = x.st(0);
        // FSTP m80 whose last two bytes fall on a "read-only page"
        bus.faultFrom = PAGE;
        assertThatThrownBy(() -> exec(0xDB, 7, PAGE - 8)).isInstanceOf(FakeBus.Fault.class);
        assertThat(x.statusWord()).isEqualTo(sw);
        assertThat(x.tagWord()).isEqualTo(tw);
        assertThat(x.st(0)).isEqualTo(st0);
        // the page is fixed, the instruction restarted: it pops exactly once
        bus.faultFrom = Integer.MAX_VALUE;
        exec(0xDB, 7, PAGE - 8);
        assertThat(X87ConformanceTest.ext(bus.get(PAGE - 8, 10), 0)).isEqualTo(st0);
        assertThat((x.statusWord() >> 11) & 7).isEqualTo(((sw >> 11) + 1) & 7);
    }

    @Test
    void aFaultingIntegerStoreDoesNotPopOrSetFlags() {
        loadSome();
        int sw = x.statusWord();
        bus.faultFrom = PAGE;
        assertThatThrownBy(() -> exec(0xDF, 7, PAGE - 4)).isInstanceOf(FakeBus.Fault.class);   // FISTP m64
        assertThat(x.statusWord()).isEqualTo(sw);
    }

    @Test
    void undefinedEncodingsThrowInvalidOpcodeAndChangeNothing() {
        loadSome();
        int sw = x.statusWord(), tw = x.tagWord();
        int[][] undefined = {{0xD9, 0x08}, {0xDB, 0x20}, {0xDB, 0x30}, {0xDD, 0x28}, {0xD9, 0xD1},
                             {0xD9, 0xE2}, {0xD9, 0xEF}, {0xDA, 0xE8}, {0xDE, 0xD8}, {0xDF, 0xE1}, {0xDF, 0xF8},
                             {0xDB, 0x08}, {0xDD, 0x08}, {0xDF, 0x08}};               // FISTTP is SSE3
        for (int[] u : undefined) {
            assertThat(X87.isDefined(u[0], u[1])).as("%02X %02X", u[0], u[1]).isFalse();
            assertThatThrownBy(() -> x.execute(u[0], u[1], DATA, 0, bus))
                    .isInstanceOf(X87.InvalidOpcode.class).isInstanceOf(UnsupportedOperationException.class);
        }
        assertThat(x.statusWord()).isEqualTo(sw);
        assertThat(x.tagWord()).isEqualTo(tw);
    }

    @Test
    void anUnmaskedZeroDivideIsDeliveredAtTheNextWaitingInstruction() {
        bus.write16(DATA, 0x037B);                                   // ZM clear
        exec(0xD9, 5, DATA);                                         // FLDCW
        exec(0xD9, 0xE8); exec(0xD9, 0xEE);                          // 1, 0
        exec(0xDE, 0xF9);                                            // FDIVP: 1/0
        assertThat(x.mathFaultPending()).isTrue();
        assertThat(x.statusWord() & 0x8084).isEqualTo(0x8084);       // B, ES, ZE
        int sw = x.statusWord();
        assertThat(X87.isWaiting(0xD8, 0xC1)).isTrue();
        assertThatThrownBy(() -> exec(0xD8, 0xC1)).isInstanceOf(X87.MathFault.class);
        assertThat(x.statusWord()).isEqualTo(sw);
        // the non-waiting forms still run: FNSTSW AX, then FNCLEX clears the error
        assertThat(X87.isWaiting(0xDF, 0xE0)).isFalse();
        exec(0xDF, 0xE0);
        assertThat(bus.ax).isEqualTo(sw);
        exec(0xDB, 0xE2);
        assertThat(x.mathFaultPending()).isFalse();
        exec(0xD8, 0xC0);                                            // and the FPU works again
    }

    @Test
    void loadingAControlWordThatUnmasksAStickyFlagArmsTheFault() {
        exec(0xD9, 0xE8); exec(0xD9, 0xEE);
        exec(0xDE, 0xF9);                                            // masked: ZE is only a flag
        assertThat(x.mathFaultPending()).isFalse();
        bus.write16(DATA, 0x037B);
        exec(0xD9, 5, DATA);
        assertThat(x.mathFaultPending()).isTrue();
        // FLDCW waits too, so masking it again takes an FNCLEX first, as in a #MF handler
        assertThatThrownBy(() -> exec(0xD9, 5, DATA)).isInstanceOf(X87.MathFault.class);
        exec(0xDB, 0xE2);
        assertThat(x.mathFaultPending()).isFalse();
        bus.write16(DATA, 0x037F);
        exec(0xD9, 5, DATA);
        assertThat(x.statusWord() & 0x3F).isZero();
    }

    @Test
    void fnsaveThenFrstorRestoresEveryRegisterAndWord() {
        loadSome();
        bus.write16(DATA, 0x0A7F);
        exec(0xD9, 5, DATA);                                         // RC up, PC 53
        exec(0xD8, 0xF1);                                            // something inexact
        exec(0xDD, 6, ENV);                                          // FNSAVE: stores, then FNINIT
        byte[] image = bus.get(ENV, 108);
        assertThat(x.controlWord()).isEqualTo(0x037F);
        assertThat(x.tagWord()).isEqualTo(0xFFFF);
        exec(0xDD, 4, ENV);                                          // FRSTOR
        exec(0xDD, 6, ENV + 0x200);                                  // and save again
        assertThat(bus.get(ENV + 0x200, 108)).isEqualTo(image);
    }

    @Test
    void fnstenvWritesTheEnvironmentAndMasksEverything() {
        bus.write16(DATA, 0x0360);
        exec(0xD9, 5, DATA);
        exec(0xD9, 0xEE);                                            // FLDZ: tag "zero"
        exec(0xD9, 0xE8);                                            // FLD1: tag "valid"
        exec(0xD9, 6, ENV);                                          // FNSTENV
        assertThat(bus.read16(ENV)).isEqualTo(0x0360);
        assertThat((bus.read16(ENV + 4) >> 11) & 7).isEqualTo(6);
        assertThat(bus.read16(ENV + 8)).isEqualTo(0x4FFF);           // ST0=phys 6 valid, ST1=phys 7 zero
        assertThat(bus.read32(ENV + 12)).isEqualTo(0x4000);          // the last instruction's address
        assertThat(bus.read32(ENV + 16) >>> 16).isEqualTo(0x1E8);     // and its opcode: D9 E8
        assertThat(x.controlWord() & 0x3F).isEqualTo(0x3F);
        bus.write16(ENV + 8, 0xFFFF);                                // FLDENV with everything empty
        exec(0xD9, 4, ENV);
        assertThat(x.isEmpty(0)).isTrue();
        assertThat(x.controlWord()).isEqualTo(0x0360);
    }

    @Test
    void theFastSquareRootAgreesWithBigIntegerSquareRoots() {
        java.util.Random rnd = new java.util.Random(42);
        for (int i = 0; i < 20000; i++) {
            long sig = switch (i % 4) {
                case 0 -> -1L - rnd.nextInt(3);                             // all ones and nearby
                case 1 -> Long.MIN_VALUE | (1L << rnd.nextInt(63));
                default -> rnd.nextLong() | Long.MIN_VALUE;
            };
            int exp = 1 + rnd.nextInt(0x7FFE);
            int cw = 0x037F | (rnd.nextInt(4) << 10);
            Ext80 a = new Ext80(exp, sig);
            Arithmetic fast = new Arithmetic(), slow = new Arithmetic();
            fast.begin(cw);
            slow.begin(cw);
            Ext80 got = fast.sqrt(a);
            // the same root from BigInteger: radicand with ~256 bits, remainder as sticky
            int e = a.unbiasedExponent() - 63;
            int k = 192 + ((e - 192) & 1);
            java.math.BigInteger n = Arithmetic.unsigned(sig).shiftLeft(k), root = n.sqrt();
            Ext80 want = slow.roundBig(false, root, (e - k) / 2, !root.multiply(root).equals(n), 64);
            assertThat(got).as("sqrt %s under %04x", a, cw).isEqualTo(want);
            assertThat(fast.flags).isEqualTo(slow.flags);
            assertThat(fast.roundedUp).isEqualTo(slow.roundedUp);
        }
    }

    @Test
    void theFastDivisionAgreesWithBigIntegerDivision() {
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 20000; i++) {
            long sa = i % 5 == 0 ? -1L - rnd.nextInt(3) : rnd.nextLong() | Long.MIN_VALUE;
            long sb = i % 7 == 0 ? Long.MIN_VALUE | rnd.nextInt(5) : i % 11 == 0 ? sa : rnd.nextLong() | Long.MIN_VALUE;
            int cw = 0x007F | (rnd.nextInt(4) << 10) | (new int[] {0, 2, 3}[rnd.nextInt(3)] << 8);
            Ext80 a = new Ext80(0x3FFF + rnd.nextInt(200) - 100, sa), b = new Ext80(0x3FFF + rnd.nextInt(200) - 100, sb);
            Arithmetic fast = new Arithmetic(), slow = new Arithmetic();
            fast.begin(cw);
            slow.begin(cw);
            Ext80 got = fast.div(a, b);
            java.math.BigInteger[] qr = Arithmetic.unsigned(sa).shiftLeft(128).divideAndRemainder(Arithmetic.unsigned(sb));
            Ext80 want = slow.roundBig(false, qr[0], a.unbiasedExponent() - b.unbiasedExponent() - 128,
                    qr[1].signum() != 0, slow.precision());
            assertThat(got).as("%s / %s under %04x", a, b, cw).isEqualTo(want);
            assertThat(fast.flags).isEqualTo(slow.flags);
            assertThat(fast.roundedUp).isEqualTo(slow.roundedUp);
        }
    }

    @Test
    void theStackWrapsAndAnOverflowLoadsTheIndefinite() {
        for (int i = 0; i < 8; i++) exec(0xD9, 0xE8);
        assertThat(x.statusWord() & 0x41).isZero();
        exec(0xD9, 0xE8);                                            // the ninth push
        assertThat(x.statusWord() & 0x241).isEqualTo(0x241);         // C1, SF, IE
        assertThat(x.st(0)).isEqualTo(Ext80.INDEFINITE);
    }
}
