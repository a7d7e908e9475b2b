package lguest.machine.fpu;

import java.math.BigInteger;

/**
 * The x87 floating-point unit: eight 80-bit registers used as a stack, the control,
 * status and tag words, and every escape instruction (opcodes D8-DF) of the i686.
 *
 * <p>The integer CPU decodes the ModRM byte and computes the linear address, then calls
 * {@link #execute}. Three things can come back instead of a normal return:
 * <ul>
 * <li>{@link InvalidOpcode}: the encoding is undefined (for example D9 /1, DB /4, or
 *     FISTTP, which is SSE3 and so not on this CPU). The CPU raises #UD. Nothing changed.
 * <li>{@link MathFault}: a waiting instruction found an unmasked exception pending
 *     ({@link #mathFaultPending()}). The CPU raises #MF (vector 16). Nothing changed.
 *     A CPU that checks {@code mathFaultPending()} together with {@link #isWaiting}
 *     before calling never sees this; FWAIT (9B) is decoded by the CPU and should do
 *     exactly that check.
 * <li>whatever {@link FpuBus} throws (a page fault): every read happens, and every write
 *     is attempted, before any FPU state changes, so the instruction can be restarted.
 * </ul>
 * Unmasked exceptions raised by the instruction itself do not throw: they set ES and B in
 * the status word and the fault is delivered at the next waiting x87 instruction, as on
 * the real chip.
 */
public final class X87 {

    /**
     * An undefined x87 encoding; the CPU turns it into #UD. (It is an
     * UnsupportedOperationException, so a CPU that catches that for #UD needs no change.)
     */
    public static final class InvalidOpcode extends UnsupportedOperationException {
        public InvalidOpcode(int opcode, int modrm) {
            super(String.format("undefined x87 instruction %02X %02X", opcode & 0xFF, modrm & 0xFF));
        }
    }

    /** A waiting x87 instruction met a pending unmasked exception; the CPU raises #MF. */
    public static final class MathFault extends RuntimeException {
        public MathFault() { super("x87 floating-point error pending (#MF)"); }
    }

    private static final int IE = Arithmetic.IE, DE = Arithmetic.DE, ZE = Arithmetic.ZE,
            OE = Arithmetic.OE, UE = Arithmetic.UE, PE = Arithmetic.PE, SF = Arithmetic.SF;
    private static final int ES = 0x80, C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000, B = 0x8000;
    private static final int CC = C0 | C1 | C2 | C3;

    /*X:760 The register file is eight 80-bit slots addressed physically 0-7, but no
     * instruction names a physical slot: they name ST(i), "i below the top of stack".
     * TOP lives in bits 11-13 of the status word; a push decrements it, a pop increments
     * it, both modulo 8. The stack is a ring, not a stack in the software sense: pushing a
     * ninth value does not trap by itself, it finds the slot at TOP-1 still holding a
     * value, and that, not a counter, is what a stack overflow is. The tag word records
     * which slots hold something. Architecturally each tag is two bits (valid, zero,
     * special, empty) but the chip only truly remembers "empty or not" and recomputes the
     * rest whenever FNSTENV or FNSAVE writes the tag word out, and so do we. */
    private final long[] sig = new long[8];
    private final int[] signExp = new int[8];
    private final boolean[] empty = new boolean[8];
    private int top;
    /*:*/
    private int control;
    /** Status word without the TOP field. */
    private int status;
    private int lastIp, lastOpcode, lastData;

    private final Arithmetic ar = new Arithmetic();

    /** FNINIT state: control word 0x037F, status 0, every tag empty. */
    public X87() { reset(); }

    public void reset() {
        control = 0x037F;
        status = 0;
        top = 0;
        for (int i = 0; i < 8; i++) empty[i] = true;
        lastIp = lastOpcode = lastData = 0;
    }

    /*X:880 Eight 80-bit registers plus the environment make 108 bytes of state, and an
     * operating system would rather not copy them at every task switch, since most tasks
     * never touch a float. So the i386 gave CR0 a TS ("task switched") bit: the hardware
     * task switch sets it, and while it is set the first x87 instruction raises #NM,
     * device not available (vector 7), before doing anything. Linux sets TS when it
     * switches tasks, and only when the new task really uses the FPU does the #NM handler
     * clear TS with CLTS, save the previous owner's registers with FNSAVE and load the
     * new one's with FRSTOR. That is lazy FPU switching; our CPU checks TS (and EM) before
     * it calls execute, so this class never sees an instruction that should have trapped.
     *
     * A hypervisor inherits the problem twice. The Guest kernel wants to play the same
     * trick, but it runs in ring 1, where CLTS and writes to CR0 are privileged. lguest's
     * answer is the TS hypercall (number 8): the Guest's write_cr0 and clts become a
     * hypercall carrying the one bit it cares about, and the Host remembers it. Before
     * running the Guest, the Host sets the real CR0.TS if the Guest's virtual TS is set;
     * when trap 7 comes back, the Host first makes sure the FPU holds the Guest's state
     * (the Launcher process's, in Linux's eyes), and reflects the trap into the Guest only
     * if the Guest had asked for TS, because then the Guest's own #NM handler is waiting
     * for it. Otherwise the trap was the Host's own business and the Guest never knows.
     * Our Host has it easier: each Guest has an emulated x87 of its own, so there is never
     * anybody else's state to put back, and the Host sets the real TS only when the Guest
     * asked for it, so every #NM that reaches it is the Guest's (H:130). :*/

    /**
     * True when an unmasked exception is pending, so the next waiting x87 instruction
     * (or FWAIT) must raise #MF (vector 16) instead of executing. The non-waiting
     * control forms (FNINIT, FNCLEX, FNSTSW, FNSTCW, FNSTENV, FNSAVE) do not check it.
     */
    public boolean mathFaultPending() { return (status & ES) != 0; }

    public int controlWord() { return control; }
    public int statusWord() { return (status & ~0x3800) | (top << 11); }

    /** The 16-bit tag word as FNSTENV writes it: 2 bits per physical register. */
    public int tagWord() {
        int tw = 0;
        for (int p = 0; p < 8; p++) tw |= tagOf(p) << (2 * p);
        return tw;
    }

    /** ST(i) as an 80-bit value (whatever the slot holds, even when tagged empty). */
    public Ext80 st(int i) { int p = (top + i) & 7; return new Ext80(signExp[p], sig[p]); }
    public boolean isEmpty(int i) { return empty[(top + i) & 7]; }

    /**
     * How many bytes the memory form (escape opcode, ModRM.reg) reads or writes, so that
     * the CPU can check the whole operand against the segment limit before the FPU
     * starts: 2, 4, 8 or 10 for the data formats, the environment's 28 (14 with the
     * operand-size prefix) and the whole state's 108 (94).
     */
    public static int operandBytes(int opcode, int reg, boolean operand16) {
        switch (opcode & 0xFF) {
            case 0xD8: case 0xDA: return 4;
            case 0xDC: return 8;
            case 0xDE: return 2;
            case 0xD9: return reg <= 3 ? 4 : reg == 4 || reg == 6 ? (operand16 ? 14 : 28) : 2;
            case 0xDB: return reg <= 3 ? 4 : 10;
            case 0xDD: return reg <= 3 ? 8 : reg == 4 || reg == 6 ? (operand16 ? 94 : 108) : 2;
            default: return reg <= 3 ? 2 : reg == 4 || reg == 6 ? 10 : 8;
        }
    }

    /** Whether the memory form (escape opcode, ModRM.reg) writes its operand: the stores. */
    public static boolean writesMemory(int opcode, int reg) {
        switch (opcode & 0xFF) {
            case 0xD9: return reg == 2 || reg == 3 || reg == 6 || reg == 7;
            case 0xDB: return reg == 2 || reg == 3 || reg == 7;
            case 0xDD: case 0xDF: return reg == 2 || reg == 3 || reg == 6 || reg == 7;
            default: return false;
        }
    }

    /**
     * Whether this escape instruction waits, that is checks for a pending unmasked
     * exception first. Only FNINIT, FNCLEX, FNSTSW, FNSTCW, FNSTENV and FNSAVE do not
     * (and the 8087 leftovers FNENI, FNDISI, FNSETPM, which do nothing).
     */
    public static boolean isWaiting(int opcode, int modrm) {
        opcode &= 0xFF; modrm &= 0xFF;
        int reg = (modrm >> 3) & 7;
        if (modrm < 0xC0) {
            if (opcode == 0xD9 && (reg == 6 || reg == 7)) return false;
            if (opcode == 0xDD && (reg == 6 || reg == 7)) return false;
            return true;
        }
        if (opcode == 0xDB && modrm >= 0xE0 && modrm <= 0xE4) return false;
        return !(opcode == 0xDF && modrm == 0xE0);
    }

    /** Whether the encoding is a defined x87 instruction on this CPU. */
    public static boolean isDefined(int opcode, int modrm) {
        opcode &= 0xFF; modrm &= 0xFF;
        int reg = (modrm >> 3) & 7;
        if (modrm < 0xC0) {
            switch (opcode) {
                case 0xD9: return reg != 1;
                case 0xDB: return reg != 1 && reg != 4 && reg != 6;
                case 0xDD: return reg != 1 && reg != 5;
                case 0xDF: return reg != 1;
                default: return opcode >= 0xD8 && opcode <= 0xDF;
            }
        }
        switch (opcode) {
            case 0xD8: case 0xDC: return true;
            case 0xD9:
                if (reg <= 1 || reg == 3 || reg >= 6) return true;
                if (reg == 2) return modrm == 0xD0;
                if (reg == 4) return modrm == 0xE0 || modrm == 0xE1 || modrm == 0xE4 || modrm == 0xE5;
                return modrm != 0xEF;
            case 0xDA: return reg <= 3 || modrm == 0xE9;
            case 0xDB: return reg <= 3 || reg == 5 || reg == 6 || (modrm >= 0xE0 && modrm <= 0xE4);
            case 0xDD: return reg != 6 && reg != 7;
            case 0xDE: return reg != 3 || modrm == 0xD9;
            case 0xDF: return reg <= 3 || reg == 5 || reg == 6 || modrm == 0xE0;
            default: return false;
        }
    }

    /**
     * Executes one escape instruction (opcode 0xD8-0xDF). For memory forms, linear is
     * the operand's linear address (segment base plus effective address); for register
     * forms it is ignored. ip is the address of the instruction, kept for FNSTENV.
     */
    public void execute(int opcode, int modrm, int linear, int ip, FpuBus bus) {
        execute(opcode, modrm, linear, ip, false, bus);
    }

    /**
     * As above; {@code operand16} is true when the instruction carried the operand-size
     * prefix (0x66), which only FLDENV, FNSTENV, FRSTOR and FNSAVE notice: they then use
     * the 14-byte environment layout of the 80286 instead of the 28-byte one.
     */
    public void execute(int opcode, int modrm, int linear, int ip, boolean operand16, FpuBus bus) {
        opcode &= 0xFF; modrm &= 0xFF;
        if (!isDefined(opcode, modrm)) throw new InvalidOpcode(opcode, modrm);
        if (mathFaultPending() && isWaiting(opcode, modrm)) throw new MathFault();
        ar.begin(control);
        boolean controlOp;
        if (modrm < 0xC0) controlOp = memoryForm(opcode, (modrm >> 3) & 7, linear, operand16 ? Env.SHORT : Env.LONG, bus);
        else controlOp = registerForm(opcode, modrm, bus);
        if (!controlOp) {
            lastIp = ip;
            lastOpcode = ((opcode & 7) << 8) | modrm;
            if (modrm < 0xC0) lastData = linear;
        }
    }

    // ================================================================== bookkeeping

    private int phys(int i) { return (top + i) & 7; }

    private void set(int i, Ext80 v) {
        int p = phys(i);
        sig[p] = v.significand();
        signExp[p] = v.signExp() & 0xFFFF;
        empty[p] = false;
    }

    private void pop() { empty[top] = true; top = (top + 1) & 7; }

    private void push(Ext80 v) { top = (top - 1) & 7; set(0, v); }

    private int tagOf(int p) {
        if (empty[p]) return 3;
        Ext80 v = new Ext80(signExp[p], sig[p]);
        int e = v.exponentField();
        if (e == 0) return v.significand() == 0 ? 1 : 2;
        if (e == Ext80.MAX_EXP || v.significand() >= 0) return 2;
        return 0;
    }

    /*X:770 After the arithmetic, the exception flags meet the masks. Every flag raised is
     * ORed into the sticky low bits of the status word, where it stays until FNCLEX or
     * FNINIT; a program can compute a whole loop and ask once, at the end, whether
     * anything inexact or invalid happened (that is what C99's fetestexcept does). If a
     * raised flag is unmasked in the control word, ES ("error summary") and its twin B go
     * up too, and the #MF is not raised now but at the next waiting x87 instruction: on
     * the original 8087 the FPU was a separate chip running in parallel with the CPU, and
     * the error could only be noticed when the CPU next synchronized with it. The i686
     * keeps that deferred delivery for compatibility, so an emulator must too. */
    private void raise(int flags) {
        status |= flags & 0x7F;
        if ((flags & ~control & 0x3F) != 0) status |= ES | B;
    }
    /*:*/

    private int unmasked() { return ar.flags & ~control & 0x3F; }

    /*X:775 The denormal-operand exception is a "pre-computation" exception: when it is
     * unmasked, the chip notices the denormal before it starts and does not compute at
     * all, so no precision, overflow or underflow flag can follow it. (Masked, DE is only
     * a remark and the computation proceeds with the denormal as it is.) */
    private void denormalAborts() {
        if ((ar.flags & DE) != 0 && (control & DE) == 0) {
            ar.flags &= ~(PE | UE | OE);
            ar.roundedUp = false;
        }
    }
    /*:*/

    /** Sets the condition codes given as bits, leaving the rest as they are. */
    private void setCC(int mask, int value) { status = (status & ~mask) | (value & mask); }

    private int c1(boolean b) { return b ? C1 : 0; }

    private void stackUnderflow() { ar.flags |= IE | SF; ar.roundedUp = false; }

    // ================================================================== register forms

    private boolean registerForm(int opcode, int modrm, FpuBus bus) {
        int reg = (modrm >> 3) & 7, i = modrm & 7;
        switch (opcode) {
            case 0xD8:
                if (reg == 2 || reg == 3) { compare(st(i), isEmpty(i), false, reg == 3 ? 1 : 0, false, bus); return false; }
                arithmetic(reg, 0, st(i), isEmpty(i), false, false);
                return false;
            case 0xDC:
                if (reg == 2 || reg == 3) { compare(st(i), isEmpty(i), false, reg == 3 ? 1 : 0, false, bus); return false; }
                arithmetic(reg, i, st(i), isEmpty(i), false, false);
                return false;
            case 0xDE:
                if (reg == 2) { compare(st(i), isEmpty(i), false, 1, false, bus); return false; }
                if (reg == 3) { compare(st(1), isEmpty(1), false, 2, false, bus); return false; }
                arithmetic(reg, i, st(i), isEmpty(i), true, false);
                return false;
            case 0xD9: return d9Register(modrm, reg, i);
            case 0xDA:
                if (reg <= 3) { fcmov(i, conditionDA(reg, bus)); return false; }
                compare(st(1), isEmpty(1), true, 2, false, bus);
                return false;
            case 0xDB:
                if (reg <= 3) { fcmov(i, !conditionDA(reg, bus)); return false; }
                if (reg == 5 || reg == 6) { compare(st(i), isEmpty(i), reg == 5, 0, true, bus); return false; }
                if (modrm == 0xE2) { status &= ~(0x7F | ES | B); return true; }
                if (modrm == 0xE3) { reset(); return true; }
                return true;                                   // FENI, FDISI, FSETPM: no-ops
            case 0xDD:
                switch (reg) {
                    case 0: empty[phys(i)] = true; return false;
                    case 1: fxch(i); return false;
                    case 2: storeRegister(i, false); return false;
                    case 3: storeRegister(i, true); return false;
                    case 4: compare(st(i), isEmpty(i), true, 0, false, bus); return false;
                    default: compare(st(i), isEmpty(i), true, 1, false, bus); return false;
                }
            default: // 0xDF
                switch (reg) {
                    case 0: empty[phys(i)] = true; pop(); return false;   // FFREEP
                    case 1: fxch(i); return false;
                    case 2: case 3: storeRegister(i, true); return false;
                    case 4: bus.setAX(statusWord()); return true;
                    case 5: compare(st(i), isEmpty(i), true, 1, true, bus); return false;
                    default: compare(st(i), isEmpty(i), false, 1, true, bus); return false;
                }
        }
    }

    private static boolean conditionDA(int reg, FpuBus bus) {
        switch (reg) {
            case 0: return bus.carry();
            case 1: return bus.zero();
            case 2: return bus.carry() || bus.zero();
            default: return bus.parity();
        }
    }

    private boolean d9Register(int modrm, int reg, int i) {
        switch (reg) {
            case 0: {                                          // FLD ST(i)
                boolean e = isEmpty(i);
                Ext80 v = st(i);
                if (e) { stackUnderflow(); v = Ext80.INDEFINITE; }
                pushChecked(v);
                return false;
            }
            case 1: fxch(i); return false;
            case 2: return false;                              // FNOP
            case 3: {
                /*X:765 D9 D8+i is an undocumented twin of FSTP ST(i), and the host chip
                 * shows it is not quite a twin: it copies ST0 with its tag, empty or not,
                 * and pops, without ever signaling a stack underflow. */
                int from = phys(0), to = phys(i);
                sig[to] = sig[from]; signExp[to] = signExp[from]; empty[to] = empty[from];
                pop();
                setCC(C1, 0);
                return false;
                /*:*/
            }
            case 4:
                if (modrm == 0xE4) { ftst(); return false; }
                if (modrm == 0xE5) { fxam(); return false; }
                unary(modrm == 0xE0 ? 0 : 1);
                return false;
            case 5: loadConstant(modrm - 0xE8); return false;
            default:
                switch (modrm) {
                    case 0xF4: fxtract(); return false;
                    case 0xF5: fprem(true); return false;
                    case 0xF6: top = (top - 1) & 7; setCC(C1, 0); return false;
                    case 0xF7: top = (top + 1) & 7; setCC(C1, 0); return false;
                    case 0xF8: fprem(false); return false;
                    case 0xFA: unaryArith(0); return false;
                    case 0xFC: unaryArith(1); return false;
                    case 0xFD: fscale(); return false;
                    default: transcendental(modrm); return false;
                }
        }
    }

    // ================================================================== arithmetic

    /*X:780 The six arithmetic instructions come in many shapes (ST0 op ST(i), ST(i) op
     * ST0, with pop, with a 32/64-bit real or a 16/32-bit integer in memory) but they all
     * reduce to one question: which operand is on the left? Take x = ST0 and y = the other
     * operand. Then the reg field of the ModRM byte says: 0 x+y, 1 x*y, 4 x-y, 5 y-x,
     * 6 x/y, 7 y/x, whatever the destination. That is no accident of our decoding; it is
     * how Intel encoded it, and it is also the root of a famous muddle: the AT&T assembler
     * syntax swapped the names FSUB and FSUBR for the ST(i)-destination forms, so gas
     * writes "fsubrp" for the bytes Intel calls FSUBP. Our conformance tests write the
     * bytes, never the mnemonics, to stay out of that. */
    private Ext80 compute(int reg, Ext80 x, Ext80 y) {
        switch (reg) {
            case 0: return ar.add(x, y);
            case 1: return ar.mul(x, y);
            case 4: return ar.sub(x, y);
            case 5: return ar.sub(y, x);
            case 6: return ar.div(x, y);
            default: return ar.div(y, x);
        }
    }
    /*:*/

    /** ST(dst) = ST0 op y; yDenormal marks a memory real that was denormal in its format. */
    private void arithmetic(int reg, int dst, Ext80 y, boolean yEmpty, boolean popAfter, boolean yDenormal) {
        Ext80 r;
        if (isEmpty(0) || yEmpty) {
            stackUnderflow();
            r = Ext80.INDEFINITE;
        } else {
            Ext80 x = st(0);
            r = compute(reg, x, y);
            if (yDenormal && !x.isNaN() && !x.isUnsupported() && (ar.flags & (IE | ZE)) == 0) ar.flags |= DE;
        }
        denormalAborts();
        int um = unmasked();
        if ((um & (IE | DE | ZE)) == 0) {
            set(dst, r);
            if (popAfter) pop();
        }
        setCC(C1, c1(ar.roundedUp && (um & (IE | DE | ZE)) == 0));
        raise(ar.flags);
    }

    private void unaryArith(int which) {                      // FSQRT, FRNDINT
        Ext80 r;
        if (isEmpty(0)) { stackUnderflow(); r = Ext80.INDEFINITE; }
        else r = which == 0 ? ar.sqrt(st(0)) : ar.roundToInteger(st(0));
        commitST0(r);
    }

    /** Writes a result to ST0 unless an unmasked pre-computation exception forbids it. */
    private void commitST0(Ext80 r) {
        denormalAborts();
        int um = unmasked();
        boolean deliver = (um & (IE | DE | ZE)) == 0;
        if (deliver) set(0, r);
        setCC(C1, c1(ar.roundedUp && deliver));
        raise(ar.flags);
    }

    private void unary(int which) {                           // FCHS, FABS
        if (isEmpty(0)) {
            stackUnderflow();
            if (unmasked() == 0) set(0, Ext80.INDEFINITE);
        } else {
            Ext80 v = st(0);
            set(0, which == 0 ? v.negate() : v.abs());
        }
        setCC(C1, 0);
        raise(ar.flags);
    }

    private void fxch(int i) {
        boolean e0 = isEmpty(0), ei = isEmpty(i);
        Ext80 a = e0 ? Ext80.INDEFINITE : st(0), b = ei ? Ext80.INDEFINITE : st(i);
        if (e0 || ei) {
            stackUnderflow();
            if (unmasked() != 0) { setCC(C1, 0); raise(ar.flags); return; }
        }
        set(0, b);
        set(i, a);
        setCC(C1, 0);
        raise(ar.flags);
    }

    private void fcmov(int i, boolean cond) {
        if (isEmpty(i) || isEmpty(0)) {
            stackUnderflow();
            if (unmasked() == 0) set(0, Ext80.INDEFINITE);      // whatever the condition
            setCC(C1, 0);
            raise(ar.flags);
            return;
        }
        if (cond) set(0, st(i));
        setCC(C1, 0);
    }

    /** FST/FSTP ST(i): a plain copy of the bits, no rounding and no exceptions. */
    private void storeRegister(int i, boolean popAfter) {
        Ext80 v = st(0);
        if (isEmpty(0)) {
            stackUnderflow();
            if (unmasked() != 0) { setCC(C1, 0); raise(ar.flags); return; }
            v = Ext80.INDEFINITE;
        }
        set(i, v);
        if (popAfter) pop();
        setCC(C1, 0);
        raise(ar.flags);
    }

    /** Pushes v, or reports a stack overflow when the slot below the top is in use. */
    private void pushChecked(Ext80 v) {
        if (!empty[(top - 1) & 7]) {
            ar.flags = IE | SF;                                // the overflow is all that is reported
            if (unmasked() == 0) push(Ext80.INDEFINITE);
            setCC(C1, C1);
            raise(ar.flags);
            return;
        }
        if ((unmasked() & IE) == 0) push(v);                 // a denormal still loads
        setCC(C1, 0);
        raise(ar.flags);
    }

    // ================================================================== constants

    /*X:790 The constants FLDPI, FLDL2E and friends are not stored as 64-bit values in the
     * chip's ROM but with more bits, and they are rounded on the way out according to RC
     * (but not PC). So FLDPI under round-up and under round-down yields two different
     * numbers bracketing pi, which is what an interval-arithmetic library wants. Intel
     * speaks of 66 bits, but the host CPU's FLDLG2 under round-to-nearest shows more: the
     * 66-bit log10(2) ends in binary 10, a tie that would round to even (down), and the
     * chip rounds up, as the true value demands. So we keep 128 bits and a sticky bit
     * (the constants are irrational, there is always something further down) and round
     * them with the same rounder as every result. */
    private static final BigInteger[] CONSTANT_128 = new BigInteger[7];
    private static final int[] CONSTANT_EXP = new int[7];
    static {
        // log2(10), log2(e), pi, log10(2), ln(2) truncated to 128 bits, leading one at bit 127
        String[] hex = {
            "D49A784BCD1B8AFE492BF6FF4DAFDB4C", "B8AA3B295C17F0BBBE87FED0691D3E88",
            "C90FDAA22168C234C4C6628B80DC1CD1", "9A209A84FBCFF7988F8959AC0B7C9178",
            "B17217F7D1CF79ABC9E3B39803F2F6AF",
        };
        int[] exps = {1, 0, 1, -2, -1};
        for (int k = 0; k < 5; k++) {
            CONSTANT_128[k + 1] = new BigInteger(hex[k], 16);
            CONSTANT_EXP[k + 1] = exps[k];
        }
    }

    private void loadConstant(int k) {                        // 0 FLD1 .. 6 FLDZ
        Ext80 v;
        if (k == 0) v = Ext80.ONE;
        else if (k == 6) v = Ext80.POSITIVE_ZERO;
        else {
            int saved = ar.flags;
            v = ar.roundBig(false, CONSTANT_128[k], CONSTANT_EXP[k] - 127, true, 64);
            ar.flags = saved;                                 // constants raise no PE
            ar.roundedUp = false;
        }
        pushChecked(v);
    }
    /*:*/

    // ================================================================== compares

    /** Unordered, less, equal, greater: C3 C2 C0 patterns and ZF PF CF patterns. */
    private static final int[] CC_OF = {C3 | C2 | C0, C0, C3, 0};

    /**
     * Compares ST0 with y. quiet: FUCOM semantics (only SNaN raises IE). pops: 0, 1 or 2.
     * eflags: FCOMI, result in ZF PF CF instead of C3 C2 C0.
     */
    private void compare(Ext80 y, boolean yEmpty, boolean quiet, int pops, boolean eflags, FpuBus bus) {
        compare(y, yEmpty, quiet, pops, eflags, bus, false);
    }

    private void compare(Ext80 y, boolean yEmpty, boolean quiet, int pops, boolean eflags, FpuBus bus,
                         boolean yDenormal) {
        int result;
        if (isEmpty(0) || yEmpty) {
            stackUnderflow();
            result = 0;
        } else {
            Ext80 x = st(0);
            result = order(x, y, quiet);
            if (yDenormal && result != 0) ar.flags |= DE;
        }
        // the condition codes are written even when the exception is unmasked; only the
        // pops wait for a clean result, so the handler still finds both operands
        int cc = CC_OF[result];
        if (eflags) {
            bus.setCompareFlags((cc & C3) != 0, (cc & C2) != 0, (cc & C0) != 0);
            setCC(C1, 0);
        } else {
            setCC(CC, cc);
        }
        if ((unmasked() & (IE | DE)) == 0) for (int k = 0; k < pops; k++) pop();
        raise(ar.flags);
    }

    /** 0 unordered, 1 x less than y, 2 equal, 3 greater; sets IE and DE as needed. */
    private int order(Ext80 x, Ext80 y, boolean quiet) {
        if (x.isUnsupported() || y.isUnsupported()) { ar.flags |= IE; return 0; }
        if (x.isNaN() || y.isNaN()) {
            if (!quiet || x.isSignalingNaN() || y.isSignalingNaN()) ar.flags |= IE;
            return 0;
        }
        if (x.isDenormal() || y.isDenormal()) ar.flags |= DE;
        int c = compareValues(x, y);
        return c < 0 ? 1 : c == 0 ? 2 : 3;
    }

    /** Total order of two non-NaN values (zeros equal regardless of sign). */
    static int compareValues(Ext80 x, Ext80 y) {
        if (x.isZero() && y.isZero()) return 0;
        if (x.negative() != y.negative()) return x.negative() ? -1 : 1;
        int mag;
        if (x.isZero()) mag = -1;
        else if (y.isZero()) mag = 1;
        else if (x.isInfinity() || y.isInfinity()) mag = x.isInfinity() ? (y.isInfinity() ? 0 : 1) : -1;
        else {
            int ex = x.unbiasedExponent(), ey = y.unbiasedExponent();
            mag = ex != ey ? Integer.compare(ex, ey)
                    : Long.compareUnsigned(x.normalizedSignificand(), y.normalizedSignificand());
        }
        return x.negative() ? -mag : mag;
    }

    private void ftst() {
        compare(Ext80.POSITIVE_ZERO, false, false, 0, false, null);
    }

    /*X:800 FXAM is the x87's fpclassify(): it never raises anything, it works even on an
     * empty register, and it answers in C3 C2 C0 with the class and in C1 with the sign.
     * glibc's isinf, isnan and signbit for long double are built on it. */
    private void fxam() {
        int c;
        Ext80 v = st(0);
        if (isEmpty(0)) c = C3 | C0;
        else if (v.isUnsupported()) c = 0;
        else if (v.isNaN()) c = C0;
        else if (v.isInfinity()) c = C2 | C0;
        else if (v.isZero()) c = C3;
        else if (v.isDenormal()) c = C3 | C2;
        else c = C2;
        setCC(CC, c | c1(v.negative()));
    }
    /*:*/

    // ================================================================== FPREM, FSCALE, FXTRACT

    /*X:810 FPREM and FPREM1 compute an exact remainder, which is always representable,
     * but the long division behind it can take as many steps as the exponents differ:
     * up to 32767 of them. Rather than stall the pipeline that long, the hardware does at
     * most one slice of the work per execution, reports "not finished" in C2, and lets
     * the program loop (glibc's fmodl does exactly that: fprem; fnstsw; sahf; jp 1b).
     * When the exponent difference is below 64 it finishes and hands out the low three
     * quotient bits in C0 C3 C1, which is what sin/cos reduction code uses to find the
     * octant. FPREM truncates the quotient (C's fmod); FPREM1 rounds it to nearest (IEEE
     * remainder). */
    private void fprem(boolean ieee) {
        if (isEmpty(0) || isEmpty(1)) {
            stackUnderflow();
            commitST0(Ext80.INDEFINITE);
            setCC(C0 | C2 | C3, 0);
            return;
        }
        Ext80 a = st(0), b = st(1);
        Ext80 r = ar.screen(a, b);
        int q = 0;
        boolean partial = false;
        if (r == null) {
            if (a.isInfinity() || b.isZero()) { ar.flags |= IE; r = Ext80.INDEFINITE; }
            else {
                if (a.isDenormal() || b.isDenormal()) ar.flags |= DE;
                if (a.isZero()) r = a;
                else if (b.isInfinity()) {
                    // passed through without rounding (no underflow), but a pseudo-denormal
                    // still comes out with its exponent field corrected to 1
                    r = a.isDenormal() && a.significand() < 0 ? new Ext80(a.signExp() | 1, a.significand()) : a;
                }
                else {
                    int ea = a.unbiasedExponent(), eb = b.unbiasedExponent();
                    int d = ea - eb;
                    if (d >= 64) {
                        // one slice: reduce by a multiple of b * 2^(d-n), quotient truncated
                        partial = true;
                        int n = 32 + (d & 31);      // Intel: "between 32 and 63"; the host: this
                        r = remainder(a, b, d - n);
                    } else if (d < -1 || (!ieee && d < 0)) {
                        r = canonical(a);
                    } else {
                        long[] qq = new long[1];
                        r = remainderWithQuotient(a, b, ieee, qq);
                        q = (int) qq[0];
                    }
                }
            }
        }
        int cc = partial ? C2 : ((q & 1) != 0 ? C1 : 0) | ((q & 2) != 0 ? C3 : 0) | ((q & 4) != 0 ? C0 : 0);
        denormalAborts();
        int um = unmasked();
        if ((um & (IE | DE)) == 0) {
            set(0, r);
            setCC(CC, cc);
        } else setCC(C1, 0);
        raise(ar.flags);
    }
    /*:*/

    /**
     * The dividend itself as FPREM's result: re-encoded like any result (a pseudo-denormal
     * gets exponent field 1, a tiny value meets an unmasked underflow).
     */
    private Ext80 canonical(Ext80 a) {
        return exact(a.negative(), Arithmetic.unsigned(a.normalizedSignificand()), a.unbiasedExponent() - 63);
    }

    /** a - b*Q*2^s where Q = trunc(a / (b*2^s)), for the partial FPREM step. */
    private Ext80 remainder(Ext80 a, Ext80 b, int s) {
        int ea = a.unbiasedExponent(), eb = b.unbiasedExponent() + s;
        BigInteger ia = Arithmetic.unsigned(a.normalizedSignificand()).shiftLeft(ea - eb);
        BigInteger ib = Arithmetic.unsigned(b.normalizedSignificand());
        BigInteger rem = ia.mod(ib);
        return exact(a.negative(), rem, eb - 63);
    }

    private Ext80 remainderWithQuotient(Ext80 a, Ext80 b, boolean ieee, long[] qOut) {
        int ea = a.unbiasedExponent(), eb = b.unbiasedExponent();
        int m = Math.min(ea, eb);
        BigInteger ia = Arithmetic.unsigned(a.normalizedSignificand()).shiftLeft(ea - m);
        BigInteger ib = Arithmetic.unsigned(b.normalizedSignificand()).shiftLeft(eb - m);
        BigInteger[] qr = ia.divideAndRemainder(ib);
        BigInteger q = qr[0], rem = qr[1];
        boolean neg = a.negative();
        if (ieee) {
            int c = rem.shiftLeft(1).compareTo(ib);
            if (c > 0 || (c == 0 && q.testBit(0))) {
                q = q.add(BigInteger.ONE);
                rem = ib.subtract(rem);
                neg = !neg;
            }
        }
        qOut[0] = q.longValue() & 7;
        if (rem.signum() == 0) return Ext80.zero(a.negative());
        return exact(neg, rem, m - 63);
    }

    /** An exactly representable value (-1)^neg * mag * 2^exp2 as an extended real. */
    private Ext80 exact(boolean neg, BigInteger mag, int exp2) {
        if (mag.signum() == 0) return Ext80.zero(neg);
        int saved = ar.flags;
        Ext80 r = ar.roundBig(neg, mag, exp2, false, 64);
        ar.flags = saved | (ar.flags & UE & ~control);
        return r;
    }

    private void fscale() {
        if (isEmpty(0) || isEmpty(1)) { stackUnderflow(); commitST0(Ext80.INDEFINITE); return; }
        Ext80 a = st(0), b = st(1);
        Ext80 r = ar.screen(a, b);
        if (r == null) {
            if (b.isInfinity()) {
                if (a.isDenormal()) ar.flags |= DE;
                if (!b.negative()) {
                    r = a.isZero() ? invalid() : Ext80.infinity(a.negative());
                } else {
                    r = a.isInfinity() ? invalid() : Ext80.zero(a.negative());
                }
            } else {
                if (a.isDenormal() || b.isDenormal()) ar.flags |= DE;
                if (a.isInfinity() || a.isZero()) r = a;
                else {
                    int n;
                    if (b.isZero()) n = 0;
                    else {
                        int eb = b.unbiasedExponent();
                        if (eb >= 30) n = 1 << 30;
                        else if (eb < 0) n = 0;
                        else n = (int) (b.normalizedSignificand() >>> (63 - eb));
                        if (b.negative()) n = -n;
                    }
                    r = ar.round(a.negative(), a.unbiasedExponent() + n, a.normalizedSignificand(), 0, 64,
                            Arithmetic.Format.EXTENDED);
                }
            }
        }
        commitST0(r);
    }

    private Ext80 invalid() { ar.flags |= IE; return Ext80.INDEFINITE; }

    private void fxtract() {
        if (isEmpty(0)) {
            stackUnderflow();
            if (unmasked() == 0) { set(0, Ext80.INDEFINITE); pushChecked(Ext80.INDEFINITE); }
            else { setCC(C1, 0); raise(ar.flags); }
            return;
        }
        if (!empty[(top - 1) & 7]) {
            ar.flags = IE | SF;
            if (unmasked() == 0) { set(0, Ext80.INDEFINITE); push(Ext80.INDEFINITE); }
            setCC(C1, C1);
            raise(ar.flags);
            return;
        }
        Ext80 a = st(0), exp, frac;
        Ext80 n = ar.screen(a);
        if (n != null) { exp = n; frac = n; }
        else if (a.isZero()) {
            ar.flags |= ZE;
            exp = Ext80.infinity(true);
            frac = a;
        } else if (a.isInfinity()) {
            exp = Ext80.infinity(false);
            frac = a;
        } else {
            if (a.isDenormal()) ar.flags |= DE;
            exp = Ext80.fromLong(a.unbiasedExponent());
            frac = new Ext80((a.negative() ? 0x8000 : 0) | Ext80.BIAS, a.normalizedSignificand());
        }
        if ((unmasked() & (IE | DE | ZE)) != 0) { setCC(C1, 0); raise(ar.flags); return; }
        set(0, exp);
        push(frac);
        setCC(C1, 0);
        raise(ar.flags);
    }

    // ================================================================== transcendentals

    private void transcendental(int modrm) {
        Transcendental t = new Transcendental(ar);
        switch (modrm) {
            case 0xF0: case 0xFE: case 0xFF: {                // F2XM1, FSIN, FCOS
                if (isEmpty(0)) { stackUnderflow(); commitST0(Ext80.INDEFINITE); setCC(C2, 0); return; }
                Ext80 a = st(0);
                if (modrm != 0xF0 && t.outOfRange(a)) { setCC(C2 | C1, C2); return; }
                Ext80 r = modrm == 0xF0 ? t.f2xm1(a) : modrm == 0xFE ? t.sin(a) : t.cos(a);
                commitST0(r);
                setCC(C2, 0);
                return;
            }
            case 0xF1: case 0xF3: case 0xF9: {                // FYL2X, FPATAN, FYL2XP1
                Ext80 r;
                if (isEmpty(0) || isEmpty(1)) { stackUnderflow(); r = Ext80.INDEFINITE; }
                else {
                    Ext80 x = st(0), y = st(1);
                    r = modrm == 0xF1 ? t.yl2x(x, y) : modrm == 0xF9 ? t.yl2xp1(x, y) : t.atan2(y, x);
                }
                denormalAborts();
                int um = unmasked();
                boolean deliver = (um & (IE | DE | ZE)) == 0;
                if (deliver) { set(1, r); pop(); }
                setCC(C1, c1(ar.roundedUp && deliver));
                raise(ar.flags);
                return;
            }
            default: {                                        // FPTAN, FSINCOS
                boolean tan = modrm == 0xF2;
                if (isEmpty(0)) {
                    stackUnderflow();
                    if (unmasked() == 0) { set(0, Ext80.INDEFINITE); pushChecked(Ext80.INDEFINITE); }
                    else { setCC(C1, 0); raise(ar.flags); }
                    setCC(C2, 0);
                    return;
                }
                Ext80 a = st(0);
                if (!empty[(top - 1) & 7]) {
                    ar.flags |= IE | SF;
                    if (unmasked() == 0) { set(0, Ext80.INDEFINITE); push(Ext80.INDEFINITE); }
                    setCC(C1 | C2, C1);
                    raise(ar.flags);
                    return;
                }
                if (t.outOfRange(a)) { setCC(C2 | C1, C2); return; }
                Ext80[] r = tan ? t.tan(a) : t.sincos(a);     // {value for ST1, value pushed}
                denormalAborts();
                int um = unmasked();
                boolean deliver = (um & (IE | DE | ZE)) == 0;
                if (deliver) { set(0, r[0]); push(r[1]); }
                setCC(C1 | C2, c1(ar.roundedUp && deliver));
                raise(ar.flags);
            }
        }
    }

    // ================================================================== memory forms

    private boolean memoryForm(int opcode, int reg, int a, Env env, FpuBus bus) {
        switch (opcode) {
            case 0xD8: return memArith(reg, Formats.fromSingle(bus.read32(a)), Formats.singleDenormal(bus.read32(a)), bus);
            case 0xDC: {
                long bits = read64(bus, a);
                return memArith(reg, Formats.fromDouble(bits), Formats.doubleDenormal(bits), bus);
            }
            case 0xDA: return memArith(reg, Ext80.fromLong(bus.read32(a)), false, bus);
            case 0xDE: return memArith(reg, Ext80.fromLong((short) bus.read16(a)), false, bus);
            case 0xD9:
                switch (reg) {
                    case 0: loadReal(Formats.fromSingle(bus.read32(a)), Formats.singleDenormal(bus.read32(a))); return false;
                    case 2: case 3: storeReal(Arithmetic.Format.SINGLE, a, reg == 3, bus); return false;
                    case 4: fldenv(a, env, bus); return true;
                    case 5: fldcw(bus.read16(a)); return true;
                    case 6: fnstenv(a, env, bus); control |= 0x3F; return true;
                    default: bus.write16(a, control); return true;
                }
            case 0xDD:
                switch (reg) {
                    case 0: { long bits = read64(bus, a); loadReal(Formats.fromDouble(bits), Formats.doubleDenormal(bits)); return false; }
                    case 2: case 3: storeReal(Arithmetic.Format.DOUBLE, a, reg == 3, bus); return false;
                    case 4: frstor(a, env, bus); return true;
                    case 6: fnsave(a, env, bus); return true;
                    default: bus.write16(a, statusWord()); return true;
                }
            case 0xDB:
                switch (reg) {
                    case 0: loadInteger(bus.read32(a)); return false;
                    case 2: case 3: storeInteger(a, 32, reg == 3, bus); return false;
                    case 5: {
                        Ext80 v = read80(bus, a);
                        pushChecked(v);
                        return false;
                    }
                    default: storeExtended(a, bus); return false;
                }
            default: // 0xDF
                switch (reg) {
                    case 0: loadInteger((short) bus.read16(a)); return false;
                    case 2: case 3: storeInteger(a, 16, reg == 3, bus); return false;
                    case 4: pushChecked(Formats.fromBcd(read80(bus, a))); return false;
                    case 5: loadInteger(read64(bus, a)); return false;
                    case 6: storeBcd(a, bus); return false;
                    default: storeInteger(a, 64, true, bus); return false;
                }
        }
    }

    private boolean memArith(int reg, Ext80 y, boolean yDenormal, FpuBus bus) {
        if (reg == 2 || reg == 3) compare(y, false, false, reg == 3 ? 1 : 0, false, bus, yDenormal);
        else arithmetic(reg, 0, y, false, false, yDenormal);
        return false;
    }

    private void loadInteger(long v) { pushChecked(Ext80.fromLong(v)); }

    /** FLD m32/m64: a signaling NaN is quieted (IE), a denormal is flagged (DE). */
    private void loadReal(Ext80 v, boolean denormal) {
        if (v.isSignalingNaN()) { ar.flags |= IE; v = v.quieted(); }
        if (denormal) ar.flags |= DE;
        pushChecked(v);
    }

    private static long read64(FpuBus bus, int a) {
        return (bus.read32(a) & 0xFFFF_FFFFL) | ((long) bus.read32(a + 4) << 32);
    }

    private static Ext80 read80(FpuBus bus, int a) {
        long s = read64(bus, a);
        return new Ext80(bus.read16(a + 8) & 0xFFFF, s);
    }

    private static void write64(FpuBus bus, int a, long v) {
        bus.write32(a, (int) v);
        bus.write32(a + 4, (int) (v >>> 32));
    }

    private static void write80(FpuBus bus, int a, Ext80 v) {
        write64(bus, a, v.significand());
        bus.write16(a + 8, v.signExp());
    }

    /*X:820 A store is where an instruction's exceptions become precise in a second sense:
     * the page the value goes to may not be writable, and the CPU's page-fault handler
     * must be able to fix it and restart the instruction. So a store computes the value,
     * performs the memory writes, and only then pops the stack and posts the flags. A
     * fault thrown from the bus on the way leaves TOP, the tags and the status word as
     * they were, and the restarted FSTP pops once, not twice. */
    private void storeReal(Arithmetic.Format f, int a, boolean popAfter, FpuBus bus) {
        long bits;
        if (isEmpty(0)) {
            stackUnderflow();
            bits = f == Arithmetic.Format.SINGLE ? 0xFFC0_0000L : 0xFFF8_0000_0000_0000L;
        } else {
            Ext80 v = st(0);
            Ext80 r;
            if (v.isUnsupported()) { ar.flags |= IE; r = Ext80.INDEFINITE; }
            else if (v.isNaN()) { if (v.isSignalingNaN()) ar.flags |= IE; r = v.quieted(); }
            else if (v.isInfinity() || v.isZero()) r = v;
            else r = ar.roundTo(v, f);                        // no DE: stores do not raise it
            bits = f == Arithmetic.Format.SINGLE ? Formats.toSingle(r) & 0xFFFF_FFFFL : Formats.toDouble(r);
        }
        int um = unmasked();
        boolean deliver = (um & (IE | DE | OE | UE)) == 0;
        if (deliver) {
            if (f == Arithmetic.Format.SINGLE) bus.write32(a, (int) bits);
            else write64(bus, a, bits);
            if (popAfter) pop();
        }
        setCC(C1, c1(ar.roundedUp && deliver));
        raise(ar.flags);
    }
    /*:*/

    private void storeExtended(int a, FpuBus bus) {           // FSTP m80: the bits as they are
        Ext80 v = st(0);
        if (isEmpty(0)) { stackUnderflow(); v = Ext80.INDEFINITE; }
        if (unmasked() == 0) { write80(bus, a, v); pop(); }
        setCC(C1, 0);
        raise(ar.flags);
    }

    /*X:830 Integer stores cannot overflow to infinity, so their masked answer to every
     * impossible request (NaN, infinity, a value outside the integer's range after rounding)
     * is the "integer indefinite", the most negative integer: 8000h, 80000000h, and so on.
     * C code that casts 1e10 to int on an i686 gets -2147483648 for exactly this reason.
     * Note that the rounding uses RC, not truncation; the C cast only truncates because
     * gcc's code saves the control word, sets RC to chop, stores, and restores it (the
     * fnstcw/fldcw pairs all over busybox). */
    private void storeInteger(int a, int bitsWide, boolean popAfter, FpuBus bus) {
        long out;
        long indefinite = 1L << (bitsWide - 1);
        if (isEmpty(0)) { stackUnderflow(); out = indefinite; }
        else {
            Ext80 v = st(0);
            if (v.isNaN() || v.isUnsupported() || v.isInfinity()) { ar.flags |= IE; out = indefinite; }
            else {
                Arithmetic.Integral i = ar.toIntegral(v);
                long limit = bitsWide == 64 ? Long.MIN_VALUE : 1L << (bitsWide - 1);
                boolean neg = v.negative();
                long m = i.magnitude();
                boolean fits = !i.huge() && (neg ? Long.compareUnsigned(m, limit) <= 0
                        : Long.compareUnsigned(m, limit) < 0);
                if (!fits) { ar.flags |= IE; out = indefinite; }
                else {
                    out = neg ? -m : m;
                    if (i.inexact()) { ar.flags |= PE; ar.roundedUp = i.up(); }
                }
            }
        }
        int um = unmasked();
        boolean deliver = (um & (IE | DE)) == 0;
        if (deliver) {
            if (bitsWide == 16) bus.write16(a, (int) out);
            else if (bitsWide == 32) bus.write32(a, (int) out);
            else write64(bus, a, out);
            if (popAfter) pop();
        }
        setCC(C1, c1(ar.roundedUp && deliver));
        raise(ar.flags);
    }
    /*:*/

    private void storeBcd(int a, FpuBus bus) {
        Ext80 out;
        if (isEmpty(0)) { stackUnderflow(); out = Formats.BCD_INDEFINITE; }
        else {
            Ext80 v = st(0);
            if (v.isNaN() || v.isUnsupported() || v.isInfinity()) { ar.flags |= IE; out = Formats.BCD_INDEFINITE; }
            else {
                Arithmetic.Integral i = ar.toIntegral(v);
                if (i.huge() || Long.compareUnsigned(i.magnitude(), 999_999_999_999_999_999L) > 0) {
                    ar.flags |= IE;
                    out = Formats.BCD_INDEFINITE;
                } else {
                    out = Formats.toBcd(v.negative(), i.magnitude());
                    if (i.inexact()) { ar.flags |= PE; ar.roundedUp = i.up(); }
                }
            }
        }
        int um = unmasked();
        boolean deliver = (um & (IE | DE)) == 0;
        if (deliver) { write80(bus, a, out); pop(); }
        setCC(C1, c1(ar.roundedUp && deliver));
        raise(ar.flags);
    }

    // ================================================================== environment

    private void fldcw(int cw) {
        control = (cw & 0x1F3F) | 0x0040;
        if ((status & ~control & 0x3F) != 0) status |= ES | B;
        else status &= ~(ES | B);
    }

    /*X:840 FNSTENV and FNSAVE write the FPU's environment: the control, status and tag
     * words, then where the last non-control instruction was (its address and opcode) and
     * the last data address it touched. FNSAVE adds the eight registers in stack order
     * (ST0 first, not physical order) and then reinitializes the FPU, which is what an
     * operating system wants at a task switch. We have no selectors here, so the CS and
     * DS slots hold 0; an OS only saves and restores them.
     *
     * The layout comes in two sizes, and the operand-size prefix picks one. The 32-bit
     * one gives each word a 32-bit slot (28 bytes). The 80286 had only 16-bit offsets, so
     * its layout packs the same words into 14 bytes, keeps the low 16 bits of the two
     * addresses and has no room for the opcode; a 32-bit CPU still writes it when an
     * instruction carries 0x66, because 16-bit code that saved FPU state must go on
     * finding it where it put it. Nothing else in the x87 minds the prefix. */
    enum Env {
        LONG(4, 28), SHORT(2, 14);

        /** The distance between the words of the layout, and its size before the registers. */
        final int slot, size;

        Env(int slot, int size) { this.slot = slot; this.size = size; }
    }

    private void fnstenv(int a, Env env, FpuBus bus) {
        if (env == Env.SHORT) {
            int[] words = {control, statusWord(), tagWord(), lastIp, 0, lastData, 0};
            for (int k = 0; k < words.length; k++) bus.write16(a + 2 * k, words[k]);
            return;
        }
        bus.write32(a, control | 0xFFFF_0000);
        bus.write32(a + 4, statusWord() | 0xFFFF_0000);
        bus.write32(a + 8, tagWord() | 0xFFFF_0000);
        bus.write32(a + 12, lastIp);
        bus.write32(a + 16, lastOpcode << 16);
        bus.write32(a + 20, lastData);
        bus.write32(a + 24, 0xFFFF_0000);
    }

    private void fnsave(int a, Env env, FpuBus bus) {
        fnstenv(a, env, bus);
        for (int i = 0; i < 8; i++) write80(bus, a + env.size + 10 * i, st(i));
        reset();
    }

    private void fldenv(int a, Env env, FpuBus bus) {
        loadEnvironment(a, env, bus);
    }

    private void frstor(int a, Env env, FpuBus bus) {
        Ext80[] regs = new Ext80[8];
        for (int i = 0; i < 8; i++) regs[i] = read80(bus, a + env.size + 10 * i);
        loadEnvironment(a, env, bus);
        for (int i = 0; i < 8; i++) {
            int p = phys(i);
            sig[p] = regs[i].significand();
            signExp[p] = regs[i].signExp();
        }
    }

    /** Reads an environment (every read before any change) and loads it. */
    private void loadEnvironment(int a, Env env, FpuBus bus) {
        int cw = bus.read16(a), sw = bus.read16(a + env.slot), tw = bus.read16(a + 2 * env.slot);
        int ip, op, dp;
        if (env == Env.SHORT) {
            ip = bus.read16(a + 6);
            op = lastOpcode;
            dp = bus.read16(a + 10);
        } else {
            ip = bus.read32(a + 12);
            op = (bus.read32(a + 16) >>> 16) & 0x7FF;
            dp = bus.read32(a + 20);
        }
        loadEnvironment(cw, sw, tw, ip, op, dp);
    }

    private void loadEnvironment(int cw, int sw, int tw, int ip, int op, int dp) {
        control = (cw & 0x1F3F) | 0x0040;
        top = (sw >> 11) & 7;
        status = sw & ~0x3800 & 0xFFFF;
        if ((status & ~control & 0x3F) != 0) status |= ES | B;
        else status &= ~(ES | B);
        for (int p = 0; p < 8; p++) empty[p] = ((tw >> (2 * p)) & 3) == 3;
        lastIp = ip;
        lastOpcode = op;
        lastData = dp;
    }
    /*:*/
}
