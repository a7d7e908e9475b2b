package lguest.labs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import lguest.HostPrerequisite;
import lguest.machine.Cpu;
import lguest.machine.Exit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*M:350 Lab alu-flags: the carry that goes in.  (Silicon, easy, about an hour.)
 *
 * The CPU does not compute a flag when an instruction sets it, only when somebody
 * asks (X:200): an ADD writes down its operands and its result, and the carry and
 * overflow flags are worked out later from that record.  The lab takes out that
 * working-out for the four instructions that add and subtract: the carry flag of
 * ADD, ADC, SUB and SBB in cf(), and the overflow flag of every add and subtract
 * (INC and DEC share their formulas) in of().  `make lab alu-flags` leaves
 * methods that throw; write them back.
 *
 * Read X:200 first, and X:205 to see who else reads the record.  The operands
 * fA and fB are already cut to the operand size and fR is the result cut to it
 * too; fSign is the size's sign bit, and fCin is the carry that went *in* to an
 * ADC or SBB.  Hints: ADD carried out when the result came out smaller than an
 * operand, because it wrapped.  With a carry in that is no longer enough:
 * 0xFFFFFFFF + 0 + 1 wraps to 0, which is smaller, but
 * 0xFFFFFFFF + 0xFFFFFFFF + 1 wraps to 0xFFFFFFFF, which is equal.  SBB mirrors it: a borrow in turns
 * "a < b" into "a <= b".  Overflow is a question about signs only, and the
 * carry in does not change the question: 0x80000000 - 0 - 1 is the most
 * negative number minus one, and OF must say so.  Leave AF alone (it is worked
 * out from fA ^ fB ^ fR, which a carry in does not disturb).
 *
 * Graded by running the instructions themselves on the emulated CPU, with
 * paging off, against a model of the arithmetic in plain Java (the SDM's
 * definitions, worked out on wider numbers): corner cases chosen to catch each
 * wrong formula, thousands of random operands at 8, 16 and 32 bits with either
 * carry in, a 96-bit add and subtract done word by word, whose carries are read
 * by conditional jumps, and, last, the same instructions run by the real CPU of
 * the machine you work on (gcc -m32 builds a small program of them), which has
 * the final word. :*/

/** Grader of lab alu-flags (labs/alu-flags.lab): CF and OF of ADD, ADC, SUB and SBB. */
class AluFlagsGrader {
    private static final int FLAGS = Cpu.CF | Cpu.PF | Cpu.AF | Cpu.ZF | Cpu.SF | Cpu.OF;
    private static final int ADD = 0, ADC = 1, SUB = 2, SBB = 3;
    private static final String[] NAMES = {"add", "adc", "sub", "sbb"};
    /** Opcodes of OP r/m, reg (here always OP %ebx,%eax or its 8- and 16-bit forms). */
    private static final int[] OPCODE32 = {0x01, 0x11, 0x29, 0x19};
    private static final int[] OPCODE8 = {0x00, 0x10, 0x28, 0x18};

    /** A machine with paging off and, at fixed addresses, "OP %ebx,%eax; hlt" for each op and size. */
    private final SiliconRig m = new SiliconRig(false);

    private static int at(int op, int bits) {
        return SiliconRig.CODE + op * 0x100 + (bits == 8 ? 0 : bits == 16 ? 0x40 : 0x80);
    }

    AluFlagsGrader() {
        for (int op = 0; op < 4; op++) {
            m.pc = at(op, 8);
            m.code(OPCODE8[op], 0xD8, 0xF4);
            m.pc = at(op, 16);
            m.code(0x66, OPCODE32[op], 0xD8, 0xF4);
            m.pc = at(op, 32);
            m.code(OPCODE32[op], 0xD8, 0xF4);
        }
    }

    /** What the SDM says: the result and the six arithmetic flags, from arithmetic on longs. */
    record Outcome(int result, int flags) {
        @Override
        public String toString() {
            return String.format("result %#x, flags %s", result, flagNames(flags));
        }
    }

    static String flagNames(int f) {
        StringBuilder b = new StringBuilder();
        String[] n = {"CF", "PF", "AF", "ZF", "SF", "OF"};
        int[] bit = {Cpu.CF, Cpu.PF, Cpu.AF, Cpu.ZF, Cpu.SF, Cpu.OF};
        for (int i = 0; i < n.length; i++) if ((f & bit[i]) != 0) b.append(b.length() > 0 ? " " : "").append(n[i]);
        return b.length() == 0 ? "(none)" : b.toString();
    }

    static Outcome model(int op, int bits, int x, int y, int carryIn) {
        long mask = (1L << bits) - 1, a = x & mask, b = y & mask;
        long cin = op == ADC || op == SBB ? carryIn : 0;
        boolean sub = op == SUB || op == SBB;
        long full = sub ? a - b - cin : a + b + cin;
        long r = full & mask;
        long sa = (a << (64 - bits)) >> (64 - bits), sb = (b << (64 - bits)) >> (64 - bits);
        long signed = sub ? sa - sb - cin : sa + sb + cin;
        boolean cf = sub ? full < 0 : full > mask;
        boolean of = signed < -(1L << (bits - 1)) || signed >= (1L << (bits - 1));
        boolean af = sub ? (a & 0xF) - (b & 0xF) - cin < 0 : (a & 0xF) + (b & 0xF) + cin > 0xF;
        int f = (cf ? Cpu.CF : 0) | (of ? Cpu.OF : 0) | (af ? Cpu.AF : 0) | (r == 0 ? Cpu.ZF : 0)
                | ((r >>> (bits - 1)) != 0 ? Cpu.SF : 0) | ((Long.bitCount(r & 0xFF) & 1) == 0 ? Cpu.PF : 0);
        return new Outcome((int) r, f);
    }

    /** Runs OP %ebx,%eax (or %bx,%ax, %bl,%al) on the emulated CPU with the given carry flag. */
    Outcome emulate(int op, int bits, int x, int y, int carryIn) {
        int garbage = 0x5A5A5A5A;
        long mask = (1L << bits) - 1;
        m.cpu.r[Cpu.EAX] = bits == 32 ? x : (garbage & ~(int) mask) | (x & (int) mask);
        m.cpu.r[Cpu.EBX] = bits == 32 ? y : (~garbage & ~(int) mask) | (y & (int) mask);
        m.cpu.setEflags(0x2 | (carryIn != 0 ? Cpu.CF : 0));
        m.cpu.eip = at(op, bits);
        assertThat(m.cpu.run(10)).as("%s ran to its HLT", NAMES[op]).isEqualTo(Exit.HALT);
        int eax = m.cpu.r[Cpu.EAX];
        if (bits < 32)
            assertThat(eax & ~(int) mask).as("a %d-bit %s leaves the rest of EAX alone", bits, NAMES[op])
                    .isEqualTo(garbage & ~(int) mask);
        return new Outcome(eax & (int) mask, m.cpu.getEflags() & FLAGS);
    }

    private void check(int op, int bits, int x, int y, int carryIn) {
        Outcome want = model(op, bits, x, y, carryIn), got = emulate(op, bits, x, y, carryIn);
        assertThat(got).as("%d-bit %s %#x, %#x with CF=%d in", bits, NAMES[op], x & (int) ((1L << bits) - 1),
                y & (int) ((1L << bits) - 1), carryIn).isEqualTo(want);
    }

    private void random(int op, int bits, long seed, int n) {
        Random rnd = new Random(seed);
        int[] edges = {0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xF, 0x10};
        for (int i = 0; i < n; i++) {
            int x = rnd.nextInt(4) == 0 ? edges[rnd.nextInt(edges.length)] : rnd.nextInt();
            int y = rnd.nextInt(4) == 0 ? edges[rnd.nextInt(edges.length)] : rnd.nextInt();
            if (rnd.nextInt(8) == 0) y = x;
            check(op, bits, x, y, rnd.nextInt(2));
        }
    }

    @Test
    @Points(2)
    @DisplayName("ADC with a carry in: 0xFFFFFFFF + 0 + 1, 0xFFFFFFFF + 0xFFFFFFFF + 1, 0x7FFFFFFF + 0 + 1 and friends")
    void adcCornerCases() {
        int[][] cases = {
            {0xFFFFFFFF, 0, 1}, {0xFFFFFFFF, 0xFFFFFFFF, 1}, {0xFFFFFFFF, 0xFFFFFFFF, 0}, {0x7FFFFFFF, 0, 1},
            {0x7FFFFFFF, 0xFFFFFFFF, 1}, {0x80000000, 0x80000000, 0}, {0x80000000, 0x7FFFFFFF, 1}, {0, 0, 1},
            {0, 0, 0}, {1, 0xFFFFFFFE, 1}, {0x0000000F, 0, 1}, {0x12345678, 0xEDCBA987, 1},
        };
        for (int[] c : cases) check(ADC, 32, c[0], c[1], c[2]);
        random(ADC, 32, 350, 3000);
    }

    @Test
    @Points(2)
    @DisplayName("SBB with a borrow in: 0x80000000 - 0 - 1 overflows, 0 - 0xFFFFFFFF - 1 borrows, and friends")
    void sbbCornerCases() {
        int[][] cases = {
            {0x80000000, 0, 1}, {0, 0xFFFFFFFF, 1}, {0, 0, 1}, {5, 5, 1}, {5, 4, 1}, {5, 5, 0},
            {0x7FFFFFFF, 0xFFFFFFFF, 1}, {0x7FFFFFFF, 0x80000000, 0}, {0xFFFFFFFF, 0xFFFFFFFF, 1},
            {0x80000000, 0x7FFFFFFF, 1}, {0x10, 0, 1}, {0x12345678, 0x12345677, 1},
        };
        for (int[] c : cases) check(SBB, 32, c[0], c[1], c[2]);
        random(SBB, 32, 351, 3000);
    }

    @Test
    @Points(1)
    @DisplayName("ADD and SUB: a carry flag left over from before must not leak in")
    void addAndSubIgnoreTheOldCarry() {
        int[][] cases = {{0xFFFFFFFF, 1, 0}, {0xFFFFFFFF, 0, 1}, {0x7FFFFFFF, 1, 1}, {0, 1, 1}, {0x80000000, 1, 0},
            {5, 5, 1}, {0x80000000, 0x80000000, 1}};
        for (int[] c : cases) {
            check(ADD, 32, c[0], c[1], c[2]);
            check(SUB, 32, c[0], c[1], c[2]);
        }
        random(ADD, 32, 352, 1500);
        random(SUB, 32, 353, 1500);
    }

    @Test
    @Points(2)
    @DisplayName("8- and 16-bit ADD, ADC, SUB and SBB: carry and overflow at the operand's size")
    void smallerOperandSizes() {
        int[][] cases = {{0xFF, 0, 1}, {0xFF, 0xFF, 1}, {0x7F, 0, 1}, {0x80, 0, 1}, {0, 0xFF, 1},
            {0xFFFF, 0, 1}, {0xFFFF, 0xFFFF, 1}, {0x7FFF, 0, 1}, {0x8000, 0, 1}, {0, 0xFFFF, 1}};
        for (int op = 0; op < 4; op++) {
            for (int[] c : cases) {
                check(op, 8, c[0], c[1], c[2]);
                check(op, 16, c[0], c[1], c[2]);
            }
            random(op, 8, 354 + op, 1000);
            random(op, 16, 358 + op, 1000);
        }
    }

    @Test
    @Points(2)
    @DisplayName("96-bit arithmetic word by word (ADD, ADC, ADC and SUB, SBB, SBB), read back by JC and JO")
    void wideArithmeticAndTheJumpsThatReadIt() {
        /* mov 0x20000,%eax; add 0x20010,%eax; mov %eax,0x20020 (and the same for words 1 and 2 with adc),
           then JNC and JNO record the carry out and the overflow in %cl and %ch; likewise sub, sbb, sbb
           into 0x20030, with the borrow and the overflow in %dl and %dh. */
        List<Integer> p = new ArrayList<>();
        for (int half = 0; half < 2; half++) {
            int first = half == 0 ? 0x03 : 0x2B, next = half == 0 ? 0x13 : 0x1B, out = half == 0 ? 0x20020 : 0x20030;
            for (int w = 0; w < 3; w++) {
                emit(p, 0xA1); emit32(p, 0x20000 + 4 * w);                                // mov a[w],%eax
                emit(p, w == 0 ? first : next, 0x05); emit32(p, 0x20010 + 4 * w);         // add/adc or sub/sbb b[w],%eax
                emit(p, 0xA3); emit32(p, out + 4 * w);                                    // mov %eax,out[w]
            }
            /* MOV changes no flag, so the second jump still reads the arithmetic's flags. */
            emit(p, 0x73, 0x02, half == 0 ? 0xB1 : 0xB2, 0x01);                         // jnc +2; mov $1,%cl (%dl)
            emit(p, 0x71, 0x02, half == 0 ? 0xB5 : 0xB6, 0x01);                         // jno +2; mov $1,%ch (%dh)
        }
        emit(p, 0xF4);
        m.pc = SiliconRig.CODE + 0x1000;
        for (int b : p) m.code(b);
        Random rnd = new Random(356);
        BigInteger two96 = BigInteger.ONE.shiftLeft(96), half96 = BigInteger.ONE.shiftLeft(95);
        for (int i = 0; i < 400; i++) {
            int[] a = new int[3], b = new int[3];
            for (int w = 0; w < 3; w++) {
                a[w] = rnd.nextInt(3) == 0 ? (rnd.nextBoolean() ? -1 : 0) : rnd.nextInt();
                b[w] = rnd.nextInt(3) == 0 ? (rnd.nextBoolean() ? -1 : 0) : rnd.nextInt();
            }
            if (i % 7 == 0) b = a.clone();
            if (i % 11 == 0) a[2] = 0x7FFFFFFF;
            for (int w = 0; w < 3; w++) {
                m.mem.write32(0x20000 + 4 * w, a[w]);
                m.mem.write32(0x20010 + 4 * w, b[w]);
            }
            m.cpu.r[Cpu.ECX] = 0;
            m.cpu.r[Cpu.EDX] = 0;
            m.cpu.setEflags(0x2 | (i % 2 == 0 ? Cpu.CF : 0));
            m.cpu.eip = SiliconRig.CODE + 0x1000;
            assertThat(m.cpu.run(100)).isEqualTo(Exit.HALT);
            BigInteger ua = wide(a), ub = wide(b);
            BigInteger sum = ua.add(ub), diff = ua.subtract(ub);
            BigInteger sa = ua.testBit(95) ? ua.subtract(two96) : ua, sb = ub.testBit(95) ? ub.subtract(two96) : ub;
            int want = (sum.compareTo(two96) >= 0 ? 1 : 0)
                    | (sa.add(sb).compareTo(half96) >= 0 || sa.add(sb).compareTo(half96.negate()) < 0 ? 2 : 0)
                    | (diff.signum() < 0 ? 4 : 0)
                    | (sa.subtract(sb).compareTo(half96) >= 0 || sa.subtract(sb).compareTo(half96.negate()) < 0 ? 8 : 0);
            String what = String.format("a = %s, b = %s", ua.toString(16), ub.toString(16));
            assertThat(wide(read3(0x20020)).toString(16)).as("a + b, " + what).isEqualTo(sum.mod(two96).toString(16));
            assertThat(wide(read3(0x20030)).toString(16)).as("a - b, " + what).isEqualTo(diff.mod(two96).toString(16));
            int got = (m.cpu.r[Cpu.ECX] & 1) | ((m.cpu.r[Cpu.ECX] >> 7) & 2) | ((m.cpu.r[Cpu.EDX] & 1) << 2)
                    | ((m.cpu.r[Cpu.EDX] >> 5) & 8);
            assertThat(got).as("carry of a + b (1), its overflow (2), borrow of a - b (4), its overflow (8), "
                    + what).isEqualTo(want);
        }
    }

    @Test
    @Points(1)
    @DisplayName("The emulated CPU agrees with this machine's real one on 2,400 random ADD, ADC, SUB and SBB cases")
    void agreesWithTheRealCpu(@TempDir Path tmp) throws Exception {
        /* One freestanding i386 program, straight-line: per case, load the operands, set or
           clear CF, do the operation, and store EAX and the flags PUSHF saw; then write(2)
           them all to standard output. Built by gcc, run by this machine's own CPU. */
        String[] size = {"b", "w", "l"};
        String[][] regs = {{"%bl", "%al"}, {"%bx", "%ax"}, {"%ebx", "%eax"}};
        int[] widths = {8, 16, 32};
        Random rnd = new Random(357);
        List<int[]> cases = new ArrayList<>();
        StringBuilder asm = new StringBuilder("\t.globl _start\n\t.text\n_start:\n\tmovl $buf, %edi\n");
        for (int op = 0; op < 4; op++) {
            for (int s = 0; s < 3; s++) {
                for (int i = 0; i < 200; i++) {
                    int x = rnd.nextInt(4) == 0 ? (rnd.nextBoolean() ? -1 : 0x7FFFFFFF + rnd.nextInt(3)) : rnd.nextInt();
                    int y = rnd.nextInt(5) == 0 ? x : rnd.nextInt(4) == 0 ? rnd.nextInt(3) - 1 : rnd.nextInt();
                    int cin = rnd.nextInt(2);
                    cases.add(new int[] {op, widths[s], x, y, cin});
                    asm.append(String.format("\tmovl $%d, %%eax%n\tmovl $%d, %%ebx%n\t%s%n\t%s%s %s, %s%n"
                            + "\tpushfl%n\tpopl %%ecx%n\tmovl %%eax, (%%edi)%n\tmovl %%ecx, 4(%%edi)%n\taddl $8, %%edi%n",
                            x, y, cin != 0 ? "stc" : "clc", NAMES[op], size[s], regs[s][0], regs[s][1]));
                }
            }
        }
        int bytes = cases.size() * 8;
        asm.append("\tmovl $4, %eax\n\tmovl $1, %ebx\n\tmovl $buf, %ecx\n\tmovl $" + bytes + ", %edx\n\tint $0x80\n")
                .append("\tmovl $1, %eax\n\txorl %ebx, %ebx\n\tint $0x80\n")
                .append("\t.bss\nbuf:\t.space " + bytes + "\n");
        Path src = tmp.resolve("adcsbb.S"), exe = tmp.resolve("adcsbb");
        Files.writeString(src, asm.toString());
        byte[] out;
        try {
            Process gcc = new ProcessBuilder("gcc", "-m32", "-nostdlib", "-static", "-no-pie", "-fno-pic", "-o",
                    exe.toString(), src.toString()).redirectErrorStream(true).start();
            String log = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            HostPrerequisite.require(gcc.waitFor() == 0, "gcc cannot build 32-bit code here: " + log);
            Process run = new ProcessBuilder(exe.toString()).redirectErrorStream(false).start();
            out = run.getInputStream().readAllBytes();
            HostPrerequisite.require(run.waitFor() == 0 && out.length == bytes, "this machine cannot run i386 programs");
        } catch (IOException e) {
            HostPrerequisite.require(false, "no gcc, or no way to run an i386 program: " + e.getMessage());
            return;
        }
        ByteBuffer real = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        for (int[] c : cases) {
            int op = c[0], bits = c[1], x = c[2], y = c[3], cin = c[4];
            int mask = (int) ((1L << bits) - 1);
            Outcome want = new Outcome(real.getInt() & mask, real.getInt() & FLAGS), got = emulate(op, bits, x, y, cin);
            assertThat(got).as("%d-bit %s %#x, %#x with CF=%d in: the real CPU says %s", bits, NAMES[op], x & mask,
                    y & mask, cin, want).isEqualTo(want);
        }
    }

    private int[] read3(int at) {
        return new int[] {m.mem.read32(at), m.mem.read32(at + 4), m.mem.read32(at + 8)};
    }

    private static BigInteger wide(int[] w) {
        BigInteger v = BigInteger.ZERO;
        for (int i = 2; i >= 0; i--) v = v.shiftLeft(32).or(BigInteger.valueOf(Integer.toUnsignedLong(w[i])));
        return v;
    }

    private static void emit(List<Integer> p, int... bytes) {
        for (int b : bytes) p.add(b);
    }

    private static void emit32(List<Integer> p, int v) {
        for (int i = 0; i < 4; i++) p.add((v >>> (8 * i)) & 0xFF);
    }
}
