package lguest.machine;

import static org.objectweb.asm.Opcodes.*;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Writes the JVM instructions for one guest instruction, with the guest's registers and
 * lazy flags in the method's local variables (see X:615-X:619).
 */
final class Emitter {
    /*X:615 Registers in locals. A semantics method works on the Cpu object: every
     * register is an element of c.r[], the flag record six fields, and HotSpot must load
     * and store them as memory, in order, because anybody may look at them after any
     * call. A JVM local variable is different: C2 keeps it in a machine register, forgets
     * it the moment it is dead, and stores it nowhere unless somebody can look. So the
     * translated method takes the eight registers and the lazy-flags record as its
     * arguments, which are locals (run() reads them from the Cpu; a translation that
     * links to it passes its own, X:620), works on those, and copies them back (spills)
     * only where somebody else may look: when it leaves for the run loop, when an
     * instruction faults, and before an instruction it calls through its semantics. The
     * emitter writes about thirty kinds of instruction itself, which in the busybox
     * workloads of X:625 are all but one to three instructions in a hundred (MOV, the ALU,
     * INC and DEC, the shifts, PUSH and POP, CALL, RET, the jumps, SETcc, CMOVcc, IMUL,
     * BT): each is the operation of its semantics method written out in bytecode on the
     * locals, and every conformance test runs on both back ends to hold them to each
     * other. Memory goes through the Cpu's read32 and friends (the TLB, X:305), with
     * the effective address computed from the locals. :*/
    static final int THIS = 0, C = 1, LIMIT = 2, EPOCH = 4, EIP = 6, REG = 7,
            FOP = 15, FA = 16, FB = 17, FR = 18, FMASK = 19, FCIN = 20, RET = 21, G = 23, EX = 24,
            T0 = 25, T1 = 26, T2 = 27, T3 = 28, LIN = 29, CIN = 30, SLOT = 31;

    static final String CPU = Translator.CPU, SUPER = Translator.SUPER, ALU = "lguest/machine/Alu";

    /** What the emitter knows of an instruction before writing it. */
    enum Kind {
        ALU, TEST, INC, DEC, NOT, NEG, MOV, MOVZX, MOVSX, LEA, SHIFT, ROTATE, PUSH, POP,
        CALL, CALL_INDIRECT, RET, JMP, JMP_INDIRECT, JCC, SETCC, CMOV, CDQ, CWDE, NOP, XCHG, IMUL, BT
    }

    /** Whether an instruction of this kind ends its block by setting EIP (the local) itself. */
    static boolean transfers(Kind k) {
        return k == Kind.JMP || k == Kind.JCC || k == Kind.CALL || k == Kind.RET || k == Kind.JMP_INDIRECT
                || k == Kind.CALL_INDIRECT;
    }

    private final MethodVisitor mv;
    /** The kind of the last flag record written in this block and its operand mask; -1: not known here. */
    private int known = -1, knownMask;

    Emitter(MethodVisitor mv) {
        this.mv = mv;
    }

    void forget() { known = -1; }

    // ------------------------------------------------------------------------------
    //  Which instructions, and what they do to the flags
    // ------------------------------------------------------------------------------

    /** How this emitter writes i, or null: i is called through its semantics. */
    static Kind kind(Insn i) {
        Form f = i.form();
        if (i.rep() != 0) return null;
        String m = f.mnemonic();
        int a = Operand.kind(f.a()), b = Operand.kind(f.b());
        switch (m) {
            case "ADD": case "OR": case "ADC": case "SBB": case "AND": case "SUB": case "XOR": case "CMP":
                return operands(i, f.a(), f.b()) ? Kind.ALU : null;
            case "TEST": return operands(i, f.a(), f.b()) ? Kind.TEST : null;
            case "INC": return operands(i, f.a(), 0) ? Kind.INC : null;
            case "DEC": return operands(i, f.a(), 0) ? Kind.DEC : null;
            case "NOT": return operands(i, f.a(), 0) ? Kind.NOT : null;
            case "NEG": return operands(i, f.a(), 0) ? Kind.NEG : null;
            case "MOV": return operands(i, f.a(), f.b()) ? Kind.MOV : null;
            case "MOVZX": return operands(i, f.a(), f.b()) ? Kind.MOVZX : null;
            case "MOVSX": return operands(i, f.a(), f.b()) ? Kind.MOVSX : null;
            case "LEA": return Kind.LEA;
            case "SHL": case "SAL": case "SHR": case "SAR":
                return shiftCount(i) > 0 || (b == Operand.REG && i.addr() == null) ? Kind.SHIFT : null;
            case "ROL": case "ROR":
                return i.size() == 4 && i.addr() == null && shiftCount(i) > 0 ? Kind.ROTATE : null;
            case "PUSH": return i.size() == 4 && operands(i, f.a(), 0) ? Kind.PUSH : null;
            case "POP": return i.size() == 4 && (a == Operand.Z) ? Kind.POP : null;
            case "CALL": return i.size() != 4 ? null : a == Operand.J ? Kind.CALL
                    : operands(i, f.a(), 0) ? Kind.CALL_INDIRECT : null;
            case "RET": return i.size() == 4 ? Kind.RET : null;
            case "JMP": return a == Operand.J ? Kind.JMP : operands(i, f.a(), 0) && i.size() == 4 ? Kind.JMP_INDIRECT : null;
            case "CDQ": case "CWD": return i.size() == 4 ? Kind.CDQ : null;
            case "CWDE": case "CBW": return i.size() == 4 ? Kind.CWDE : null;
            case "NOP": return Kind.NOP;
            case "XCHG": return i.addr() == null && operands(i, f.a(), f.b()) ? Kind.XCHG : null;
            case "BT": return i.size() == 4 && (i.addr() == null || b == Operand.I) ? Kind.BT : null;
            case "IMUL": return f.b() != 0 && i.size() == 4 && operands(i, f.a(), f.b()) ? Kind.IMUL : null;
            default:
                if (f.cc() >= 0 && m.startsWith("J") && a == Operand.J) return Kind.JCC;
                if (f.cc() >= 0 && m.startsWith("SET") && operands(i, f.a(), 0)) return Kind.SETCC;
                if (f.cc() >= 0 && m.startsWith("CMOV") && operands(i, f.a(), f.b())) return Kind.CMOV;
                return null;
        }
    }

    /** Whether i, called through its semantics, can change no integer register and no flag (the x87's arithmetic and loads and stores). */
    static boolean leavesRegisters(Insn i) {
        String m = i.form().mnemonic();
        return X87_FORMS.contains(i.form()) && !m.equals("FNSTSW") && !m.startsWith("FCOMI") && !m.startsWith("FUCOMI");
    }

    private static final java.util.Set<Form> X87_FORMS = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    static { X87_FORMS.addAll(X87Map.ROWS); }

    /** An upper bound on the bytecode instruction i costs (Translator.estimate). */
    static int estimate(Insn i) {
        Kind k = kind(i);
        if (k == null) return 230;
        return mayFault(i, k) ? 80 : 40;
    }

    /** Whether both operands are registers, memory or constants (not segments, control registers, ...). */
    private static boolean operands(Insn i, int a, int b) {
        return (a == 0 || Place.of(i, a) != null) && (b == 0 || Place.of(i, b) != null);
    }

    /** A shift's count if it is a constant (an immediate or 1), else -1. */
    private static int shiftCount(Insn i) {
        int k = Operand.kind(i.form().b());
        if (k == Operand.I) return i.imm() & 31;
        if (k == Operand.ONE) return 1;
        return -1;
    }

    /** Whether i reads the arithmetic flags (given whether anyone reads them after it). */
    static boolean readsFlags(Insn i, Kind k, boolean liveAfter) {
        if (k == null) return true;
        switch (k) {
            case ALU: return i.form().mnemonic().equals("ADC") || i.form().mnemonic().equals("SBB");
            case INC: case DEC: case JCC: case SETCC: case CMOV: case BT: return true;
            case SHIFT: return shiftCount(i) <= 0;   // a count of zero leaves the flags as they were
            case ROTATE: return liveAfter;          // written here only when nobody looks (else called)
            default: return false;
        }
    }

    /** Whether i replaces the whole flag record (what it leaves owes nothing to what was there). */
    static boolean writesFlags(Insn i, Kind k) {
        if (k == null) return false;
        switch (k) {
            case ALU: case TEST: case INC: case DEC: case NEG: case IMUL: case BT: return true;
            case SHIFT: return shiftCount(i) > 0;
            default: return false;
        }
    }

    /** Whether i may fault (so the flags must be exact before it, for the handler to spill). */
    static boolean mayFault(Insn i, Kind k) {
        if (k == null) return true;
        switch (k) {
            case PUSH: case POP: case CALL: case CALL_INDIRECT: case RET: return true;
            case LEA: case JCC: case JMP: case NOP: case CDQ: case CWDE: return false;
            default: return i.addr() != null;
        }
    }

    // ------------------------------------------------------------------------------
    //  Operands
    // ------------------------------------------------------------------------------

    /** Where an operand lives: a register (number, width), memory (address, width) or a constant. */
    record Place(Addr addr, int reg, int width, int imm, boolean constant) {
        static Place of(Insn i, int op) {
            int w = Operand.width(op, i.size());
            switch (Operand.kind(op)) {
                case Operand.E: case Operand.M: case Operand.O: case Operand.R:
                    return i.addr() != null ? new Place(i.addr(), -1, w, 0, false) : new Place(null, i.rm(), w, 0, false);
                case Operand.G: case Operand.Z: return new Place(null, i.reg(), w, 0, false);
                case Operand.REG: return new Place(null, Operand.number(op), w, 0, false);
                case Operand.I: case Operand.J: case Operand.A: return new Place(null, -1, w, i.imm(), true);
                case Operand.ONE: return new Place(null, -1, w, 1, true);
                default: return null;
            }
        }

        boolean memory() { return addr != null; }
    }

    /** Pushes a register's value at a width (8-bit numbers 4-7 are AH, CH, DH, BH). */
    void loadReg(int n, int w) {
        if (w == 4) { mv.visitVarInsn(ILOAD, REG + n); return; }
        if (w == 2) { mv.visitVarInsn(ILOAD, REG + n); push(0xFFFF); mv.visitInsn(IAND); return; }
        if (n < 4) { mv.visitVarInsn(ILOAD, REG + n); push(0xFF); mv.visitInsn(IAND); return; }
        mv.visitVarInsn(ILOAD, REG + n - 4);
        push(8);
        mv.visitInsn(IUSHR);
        push(0xFF);
        mv.visitInsn(IAND);
    }

    /** Stores the value on the stack into a register at a width, keeping the rest of it. */
    void storeReg(int n, int w) {
        if (w == 4) { mv.visitVarInsn(ISTORE, REG + n); return; }
        int keep = w == 2 ? 0xFFFF0000 : n < 4 ? ~0xFF : ~0xFF00, whole = w == 1 && n >= 4 ? n - 4 : n;
        push(w == 2 ? 0xFFFF : 0xFF);
        mv.visitInsn(IAND);
        if (w == 1 && n >= 4) { push(8); mv.visitInsn(ISHL); }
        mv.visitVarInsn(ILOAD, REG + whole);
        push(keep);
        mv.visitInsn(IAND);
        mv.visitInsn(IOR);
        mv.visitVarInsn(ISTORE, REG + whole);
    }

    /** Pushes an effective address, as Addr.ea computes it. */
    void ea(Addr a) {
        boolean any = false;
        if (a.base() != Addr.NONE) { mv.visitVarInsn(ILOAD, REG + a.base()); any = true; }
        if (a.index() != Addr.NONE) {
            mv.visitVarInsn(ILOAD, REG + a.index());
            if (a.shift() != 0) { push(a.shift()); mv.visitInsn(ISHL); }
            if (any) mv.visitInsn(IADD);
            any = true;
        }
        if (!any) push(a.disp());
        else if (a.disp() != 0) { push(a.disp()); mv.visitInsn(IADD); }
        if (a.mask() != -1) { push(a.mask()); mv.visitInsn(IAND); }
    }

    /** Pushes the linear address of a memory operand, as Addr.lin makes it. */
    private void linear(Addr a, int len, boolean write) {
        ea(a);
        Label done = new Label();
        if (a.plain()) {   // Addr.linear's first line, where C2 sees it whatever its inlining budget says
            mv.visitVarInsn(ISTORE, LIN);
            mv.visitVarInsn(ILOAD, LIN);
            mv.visitVarInsn(ALOAD, C);
            mv.visitFieldInsn(GETFIELD, CPU, "flatModel", "Z");
            mv.visitJumpInsn(IFNE, done);
            mv.visitInsn(POP);
            mv.visitVarInsn(ILOAD, LIN);
        }
        mv.visitVarInsn(ALOAD, C);
        mv.visitInsn(SWAP);
        push(a.seg());
        push(a.plain() ? 1 : 0);
        push(len);
        push(write ? 1 : 0);
        mv.visitMethodInsn(INVOKESTATIC, "lguest/machine/Addr", "linear", "(L" + CPU + ";IIZIZ)I", false);
        mv.visitLabel(done);
    }

    private static String sized(String stem, int w) { return stem + (w * 8); }

    /** Pushes an operand's value at its width. forUpdate: a memory operand is checked for writing too (LIN keeps its address). */
    void load(Place p, boolean forUpdate) {
        if (p.constant()) { push(p.imm()); return; }
        if (!p.memory()) { loadReg(p.reg(), p.width()); return; }
        if (forUpdate) {
            linear(p.addr(), p.width(), true);
            mv.visitVarInsn(ISTORE, LIN);
            mv.visitVarInsn(ALOAD, C);
            mv.visitVarInsn(ILOAD, LIN);
            push(p.width());
            mv.visitMethodInsn(INVOKEVIRTUAL, CPU, "rdW", "(II)I", false);
            return;
        }
        mv.visitVarInsn(ALOAD, C);
        linear(p.addr(), p.width(), false);
        mv.visitMethodInsn(INVOKEVIRTUAL, CPU, sized("read", p.width()), "(I)I", false);
    }

    /** Stores the value on the stack into a place; again: at the address load(p, true) kept in LIN. */
    void store(Place p, boolean again) {
        if (!p.memory()) { storeReg(p.reg(), p.width()); return; }
        mv.visitVarInsn(ISTORE, T3);
        if (again) {
            mv.visitVarInsn(ALOAD, C);
            mv.visitVarInsn(ILOAD, LIN);
        } else {
            mv.visitVarInsn(ALOAD, C);
            linear(p.addr(), p.width(), true);
        }
        mv.visitVarInsn(ILOAD, T3);
        mv.visitMethodInsn(INVOKEVIRTUAL, CPU, sized("write", p.width()), "(II)V", false);
    }

    // ------------------------------------------------------------------------------
    //  The flag record
    // ------------------------------------------------------------------------------

    private void record(int op, int a, int b, int r, int mask) {
        push(op);
        mv.visitVarInsn(ISTORE, FOP);
        if (a >= 0) { mv.visitVarInsn(ILOAD, a); mv.visitVarInsn(ISTORE, FA); }
        if (b >= 0) { mv.visitVarInsn(ILOAD, b); mv.visitVarInsn(ISTORE, FB); }
        mv.visitVarInsn(ILOAD, r);
        mv.visitVarInsn(ISTORE, FR);
        push(mask);
        mv.visitVarInsn(ISTORE, FMASK);
        known = op;
        knownMask = mask;
    }

    private void pushRecord() {
        mv.visitVarInsn(ILOAD, FOP);
        mv.visitVarInsn(ILOAD, FA);
        mv.visitVarInsn(ILOAD, FB);
        mv.visitVarInsn(ILOAD, FR);
        mv.visitVarInsn(ILOAD, FMASK);
        mv.visitVarInsn(ILOAD, FCIN);
    }

    /** Pushes CF (0 or 1) of the record in the locals. */
    void carry() {
        switch (known) {
            case Cpu.F_ADD: compareUnsigned(FR, FA); push(31); mv.visitInsn(IUSHR); return;
            case Cpu.F_SUB: compareUnsigned(FA, FB); push(31); mv.visitInsn(IUSHR); return;
            case Cpu.F_LOGIC: push(0); return;
            case Cpu.F_INC: case Cpu.F_DEC: mv.visitVarInsn(ILOAD, FCIN); return;
            case Cpu.F_EAGER: mv.visitVarInsn(ILOAD, FA); push(1); mv.visitInsn(IAND); return;
            default:
                mv.visitVarInsn(ALOAD, C);
                pushRecord();
                mv.visitMethodInsn(INVOKESTATIC, SUPER, "cf", "(L" + CPU + ";IIIIII)I", false);
        }
    }

    private void compareUnsigned(int x, int y) {
        mv.visitVarInsn(ILOAD, x);
        mv.visitVarInsn(ILOAD, y);
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "compareUnsigned", "(II)I", false);
    }

    /** Pushes 1 if condition cc (0-15, as in Jcc) holds, else 0. */
    void condition(int cc) {
        int k = known, m = knownMask;
        boolean record = k != -1 && k != Cpu.F_NONE;
        if (record && (cc == 4 || cc == 5)) { mv.visitVarInsn(ILOAD, FR); bool(cc == 4 ? IFEQ : IFNE); return; }
        if (record && (cc == 8 || cc == 9)) {
            mv.visitVarInsn(ILOAD, FR);
            push((m >>> 1) + 1);
            mv.visitInsn(IAND);
            bool(cc == 8 ? IFNE : IFEQ);
            return;
        }
        if (k == Cpu.F_SUB && cc >= 2 && cc <= 7) {
            compareUnsigned(FA, FB);
            bool(cc == 2 ? IFLT : cc == 3 ? IFGE : cc == 6 ? IFLE : IFGT);
            return;
        }
        if (k == Cpu.F_SUB && cc >= 12) {
            signed(FA, m);
            signed(FB, m);
            bool(cc == 12 ? IF_ICMPLT : cc == 13 ? IF_ICMPGE : cc == 14 ? IF_ICMPLE : IF_ICMPGT);
            return;
        }
        if (k == Cpu.F_LOGIC && cc != 10 && cc != 11) {
            if (cc <= 3) { push(cc & 1); return; }                  // OF and CF are clear
            if (cc == 6 || cc == 7) { mv.visitVarInsn(ILOAD, FR); bool(cc == 6 ? IFEQ : IFNE); return; }
            signed(FR, m);                                           // SF (OF clear), ZF
            bool(cc == 12 ? IFLT : cc == 13 ? IFGE : cc == 14 ? IFLE : IFGT);
            return;
        }
        mv.visitVarInsn(ALOAD, C);
        push(cc);
        pushRecord();
        mv.visitMethodInsn(INVOKESTATIC, SUPER, "cond", "(L" + CPU + ";IIIIIII)Z", false);
    }

    /** Pushes a local, sign-extended from the width of a mask. */
    private void signed(int local, int mask) {
        mv.visitVarInsn(ILOAD, local);
        if (mask == 0xFF) mv.visitInsn(I2B);
        else if (mask == 0xFFFF) mv.visitInsn(I2S);
    }

    /** Consumes what a conditional jump opcode compares and pushes 1 if it would jump, else 0. */
    private void bool(int jump) {
        Label yes = new Label(), done = new Label();
        mv.visitJumpInsn(jump, yes);
        push(0);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(yes);
        push(1);
        mv.visitLabel(done);
    }

    // ------------------------------------------------------------------------------
    //  The instructions
    // ------------------------------------------------------------------------------

    /**
     * Writes instruction i of kind k. flags: whether its flag record can be seen. Returns
     * whether it wrote guest memory (so the caller checks brk after it). A control transfer
     * leaves the next EIP in the local EIP.
     */
    boolean emit(Insn i, Kind k, boolean flags) {
        switch (k) {
            case ALU: return alu(i, flags);
            case TEST: return test(i, flags);
            case INC: case DEC: return incDec(i, k == Kind.INC, flags);
            case NOT: case NEG: return notNeg(i, k == Kind.NEG, flags);
            case SHIFT: return shift(i, flags);
            case ROTATE: return rotate(i);
            case IMUL: return imul(i, flags);
            case BT: return bt(i);
            case MOV: case MOVZX: case MOVSX: case LEA: case XCHG: case CDQ: case CWDE: case NOP: return move(i, k);
            case PUSH: case POP: return stack(i, k);
            case SETCC: case CMOV: return conditional(i, k);
            default: transfer(i, k); return k == Kind.CALL || k == Kind.CALL_INDIRECT;
        }
    }

    private boolean test(Insn i, boolean flags) {
        int m = i.mask();
        load(Place.of(i, i.form().a()), false);
        load(Place.of(i, i.form().b()), false);
        mv.visitInsn(IAND);
        mask(m);
        mv.visitVarInsn(ISTORE, T2);
        if (flags) record(Cpu.F_LOGIC, -1, -1, T2, m);
        return false;
    }

    /** NOT, and NEG, which is SUB from zero as far as the flags go. */
    private boolean notNeg(Insn i, boolean neg, boolean flags) {
        int m = i.mask();
        Place a = Place.of(i, i.form().a());
        load(a, true);
        mv.visitVarInsn(ISTORE, T1);
        mv.visitVarInsn(ILOAD, T1);
        if (neg) mv.visitInsn(INEG); else { push(~0); mv.visitInsn(IXOR); }
        mask(m);
        mv.visitVarInsn(ISTORE, T2);
        mv.visitVarInsn(ILOAD, T2);
        store(a, true);
        if (neg && flags) { push(0); mv.visitVarInsn(ISTORE, T0); record(Cpu.F_SUB, T0, T1, T2, m); }
        return a.memory();
    }

    /** ROL, ROR of a 32-bit register whose flags nobody sees (X:616). */
    private boolean rotate(Insn i) {
        mv.visitVarInsn(ILOAD, REG + i.rm());
        push(shiftCount(i));
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer",
                i.form().mnemonic().equals("ROL") ? "rotateLeft" : "rotateRight", "(II)I", false);
        mv.visitVarInsn(ISTORE, REG + i.rm());
        return false;
    }

    /**
     * Bits.bt for a register, or memory with an immediate offset (which stays inside the
     * operand): CF is the bit, the other flags keep what the record says, so the record is
     * worked out into the Cpu's flags and the locals say "look there".
     */
    private boolean bt(Insn i) {
        Place a = Place.of(i, i.form().a()), b = Place.of(i, i.form().b());
        load(a, false);
        if (b.constant()) push(b.imm() & 31); else load(b, false);
        mv.visitInsn(IUSHR);
        push(1);
        mv.visitInsn(IAND);
        mv.visitVarInsn(ISTORE, T1);
        mv.visitVarInsn(ALOAD, C);
        pushRecord();
        mv.visitVarInsn(ILOAD, T1);
        mv.visitMethodInsn(INVOKESTATIC, SUPER, "carry", "(L" + CPU + ";IIIIIII)V", false);
        push(Cpu.F_NONE);
        mv.visitVarInsn(ISTORE, FOP);
        known = Cpu.F_NONE;
        return false;
    }

    /** The moves: MOV, MOVZX, MOVSX, LEA, XCHG of registers, CDQ, CWDE, NOP. */
    private boolean move(Insn i, Kind k) {
        Form f = i.form();
        switch (k) {
            case LEA:
                ea(i.addr());
                storeReg(i.reg(), i.size());
                return false;
            case XCHG: {
                Place a = Place.of(i, f.a()), b = Place.of(i, f.b());
                load(a, false);
                mv.visitVarInsn(ISTORE, T0);
                load(b, false);
                store(a, false);
                mv.visitVarInsn(ILOAD, T0);
                store(b, false);
                return false;
            }
            case CDQ: case CWDE:
                mv.visitVarInsn(ILOAD, REG + Cpu.EAX);
                if (k == Kind.CDQ) { push(31); mv.visitInsn(ISHR); } else mv.visitInsn(I2S);
                mv.visitVarInsn(ISTORE, REG + (k == Kind.CDQ ? Cpu.EDX : Cpu.EAX));
                return false;
            case NOP: return false;
            default: {
                Place a = Place.of(i, f.a()), b = Place.of(i, f.b());
                load(b, false);
                if (k == Kind.MOVSX) mv.visitInsn(b.width() == 1 ? I2B : I2S);
                store(a, false);
                return a.memory();
            }
        }
    }

    private boolean stack(Insn i, Kind k) {
        if (k == Kind.PUSH) {
            load(Place.of(i, i.form().a()), false);
            push32();
            return true;
        }
        pop32();
        mv.visitVarInsn(ISTORE, REG + i.reg());
        return false;
    }

    /** SETcc and CMOVcc: CMOV reads its source (and may fault) whether or not it moves it. */
    private boolean conditional(Insn i, Kind k) {
        Form f = i.form();
        Place a = Place.of(i, f.a());
        if (k == Kind.SETCC) {
            condition(f.cc());
            store(a, false);
            return a.memory();
        }
        Label skip = new Label();
        load(Place.of(i, f.b()), false);
        mv.visitVarInsn(ISTORE, T1);
        condition(f.cc());
        mv.visitJumpInsn(IFEQ, skip);
        mv.visitVarInsn(ILOAD, T1);
        store(a, false);
        mv.visitLabel(skip);
        return false;
    }

    /** The transfers: each leaves the next EIP in the local EIP. */
    private void transfer(Insn i, Kind k) {
        Form f = i.form();
        switch (k) {
            case CALL: case CALL_INDIRECT:
                if (k == Kind.CALL) push(i.imm()); else load(Place.of(i, f.a()), false);
                mv.visitVarInsn(ISTORE, T2);
                push(i.next());
                push32();
                mv.visitVarInsn(ILOAD, T2);
                break;
            case RET:
                pop32();
                if ((i.imm() & 0xFFFF) != 0) mv.visitIincInsn(REG + Cpu.ESP, i.imm() & 0xFFFF);
                break;
            case JMP: push(i.imm()); break;
            case JMP_INDIRECT: load(Place.of(i, f.a()), false); break;
            default: {
                Label taken = new Label(), done = new Label();
                condition(f.cc());
                mv.visitJumpInsn(IFNE, taken);
                push(i.next());
                mv.visitJumpInsn(GOTO, done);
                mv.visitLabel(taken);
                push(i.imm());
                mv.visitLabel(done);
            }
        }
        mv.visitVarInsn(ISTORE, EIP);
    }

    private boolean alu(Insn i, boolean flags) {
        String m = i.form().mnemonic();
        int mask = i.mask();
        boolean writes = !m.equals("CMP"), carry = m.equals("ADC") || m.equals("SBB");
        Place a = Place.of(i, i.form().a()), b = Place.of(i, i.form().b());
        load(a, writes);
        mv.visitVarInsn(ISTORE, T0);
        if (b.constant()) push(b.imm() & mask); else load(b, false);
        mv.visitVarInsn(ISTORE, T1);
        if (carry) { carry(); mv.visitVarInsn(ISTORE, CIN); }
        mv.visitVarInsn(ILOAD, T0);
        mv.visitVarInsn(ILOAD, T1);
        int op;
        switch (m) {
            case "ADD": mv.visitInsn(IADD); op = Cpu.F_ADD; break;
            case "ADC": mv.visitInsn(IADD); mv.visitVarInsn(ILOAD, CIN); mv.visitInsn(IADD); op = Cpu.F_ADC; break;
            case "SUB": case "CMP": mv.visitInsn(ISUB); op = Cpu.F_SUB; break;
            case "SBB": mv.visitInsn(ISUB); mv.visitVarInsn(ILOAD, CIN); mv.visitInsn(ISUB); op = Cpu.F_SBB; break;
            case "AND": mv.visitInsn(IAND); op = Cpu.F_LOGIC; break;
            case "OR": mv.visitInsn(IOR); op = Cpu.F_LOGIC; break;
            default: mv.visitInsn(IXOR); op = Cpu.F_LOGIC; break;
        }
        mask(mask);
        mv.visitVarInsn(ISTORE, T2);
        if (writes) { mv.visitVarInsn(ILOAD, T2); store(a, true); }
        if (flags) {
            boolean logic = op == Cpu.F_LOGIC;
            record(op, logic ? -1 : T0, logic ? -1 : T1, T2, mask);
            if (carry) { mv.visitVarInsn(ILOAD, CIN); mv.visitVarInsn(ISTORE, FCIN); }
        }
        return writes && a.memory();
    }

    private boolean incDec(Insn i, boolean inc, boolean flags) {
        int mask = i.mask();
        Place a = Place.of(i, i.form().a());
        load(a, true);
        mv.visitVarInsn(ISTORE, T0);
        if (flags) { carry(); mv.visitVarInsn(ISTORE, CIN); }
        mv.visitVarInsn(ILOAD, T0);
        push(inc ? 1 : -1);
        mv.visitInsn(IADD);
        mask(mask);
        mv.visitVarInsn(ISTORE, T2);
        mv.visitVarInsn(ILOAD, T2);
        store(a, true);
        if (flags) {
            push(1);
            mv.visitVarInsn(ISTORE, T1);
            record(inc ? Cpu.F_INC : Cpu.F_DEC, T0, T1, T2, mask);
            mv.visitVarInsn(ILOAD, CIN);
            mv.visitVarInsn(ISTORE, FCIN);
        }
        return a.memory();
    }

    /** SHL, SHR, SAR: Alu's shifts, with the count known (an immediate or 1) or in CL. */
    private boolean shift(Insn i, boolean flags) {
        String m = i.form().mnemonic();
        int mask = i.mask(), bits = i.size() * 8, count = shiftCount(i);
        Place a = Place.of(i, i.form().a());
        Label skip = new Label();
        if (count == 0) return false;   // no change at all: not even the flags
        if (count < 0) {
            loadReg(Cpu.ECX, 1);
            push(31);
            mv.visitInsn(IAND);
            mv.visitInsn(DUP);
            mv.visitVarInsn(ISTORE, T1);
            mv.visitJumpInsn(IFEQ, skip);
        } else {
            push(count);
            mv.visitVarInsn(ISTORE, T1);
        }
        load(a, true);
        if (m.equals("SAR")) { push(32 - bits); mv.visitInsn(ISHL); push(32 - bits); mv.visitInsn(ISHR); }
        mv.visitVarInsn(ISTORE, T0);
        mv.visitVarInsn(ILOAD, T0);
        mv.visitVarInsn(ILOAD, T1);
        mv.visitInsn(m.equals("SHR") ? IUSHR : m.equals("SAR") ? ISHR : ISHL);
        mask(mask);
        mv.visitVarInsn(ISTORE, T2);
        mv.visitVarInsn(ILOAD, T2);
        store(a, true);
        if (flags) {
            mv.visitVarInsn(ILOAD, T0);
            mv.visitVarInsn(ILOAD, T1);
            if (m.equals("SAR")) {
                mv.visitMethodInsn(INVOKESTATIC, ALU, "sarFlags", "(II)I", false);
            } else if (m.equals("SHR")) {
                push(bits);
                mv.visitMethodInsn(INVOKESTATIC, ALU, "shrFlags", "(III)I", false);
            } else {
                push(bits);
                mv.visitVarInsn(ILOAD, T2);
                mv.visitMethodInsn(INVOKESTATIC, ALU, "shlFlags", "(IIII)I", false);
            }
            mv.visitVarInsn(ISTORE, T3);
            record(Cpu.F_EAGER, T3, -1, T2, mask);
        }
        mv.visitLabel(skip);
        if (count < 0) known = -1;   // the record may or may not have changed
        return a.memory();
    }

    private boolean imul(Insn i, boolean flags) {
        Form f = i.form();
        Place dst = Place.of(i, f.a()), src = Place.of(i, f.b());
        load(src, false);
        mv.visitInsn(I2L);
        if (Operand.kind(f.c()) == Operand.I) push(i.imm()); else load(dst, false);
        mv.visitInsn(I2L);
        mv.visitInsn(LMUL);
        mv.visitInsn(DUP2);
        mv.visitInsn(L2I);
        mv.visitInsn(DUP);
        mv.visitVarInsn(ISTORE, T2);
        storeReg(dst.reg(), 4);
        if (flags) {
            mv.visitVarInsn(ILOAD, T2);
            mv.visitMethodInsn(INVOKESTATIC, ALU, "imulFlags", "(JI)I", false);
            mv.visitVarInsn(ISTORE, T3);
            record(Cpu.F_EAGER, T3, -1, T2, -1);
        } else {
            mv.visitInsn(POP2);
        }
        return false;
    }

    /** Pushes the value on the stack onto the guest stack (32 bits, ESP - 4). */
    private void push32() {
        mv.visitVarInsn(ISTORE, T3);
        mv.visitVarInsn(ALOAD, C);
        mv.visitVarInsn(ALOAD, C);
        mv.visitVarInsn(ILOAD, REG + Cpu.ESP);
        push(4);
        mv.visitInsn(ISUB);
        push(4);
        mv.visitMethodInsn(INVOKEVIRTUAL, CPU, "stackLinW", "(II)I", false);
        mv.visitVarInsn(ILOAD, T3);
        mv.visitMethodInsn(INVOKEVIRTUAL, CPU, "write32", "(II)V", false);
        mv.visitIincInsn(REG + Cpu.ESP, -4);
    }

    /** Pops 32 bits from the guest stack onto the JVM stack. */
    private void pop32() {
        mv.visitVarInsn(ALOAD, C);
        mv.visitVarInsn(ALOAD, C);
        mv.visitVarInsn(ILOAD, REG + Cpu.ESP);
        push(4);
        mv.visitMethodInsn(INVOKEVIRTUAL, CPU, "stackLin", "(II)I", false);
        mv.visitMethodInsn(INVOKEVIRTUAL, CPU, "read32", "(I)I", false);
        mv.visitIincInsn(REG + Cpu.ESP, 4);
    }

    private void mask(int m) {
        if (m != -1) { push(m); mv.visitInsn(IAND); }
    }

    void push(int v) {
        if (v >= -1 && v <= 5) mv.visitInsn(ICONST_0 + v);
        else if (v == (byte) v) mv.visitIntInsn(BIPUSH, v);
        else if (v == (short) v) mv.visitIntInsn(SIPUSH, v);
        else mv.visitLdcInsn(v);
    }
}
