package lguest.machine;

/**
 * The register file of one i686: the eight general registers, EIP, EFLAGS (kept lazily,
 * see X:200), the segment registers with their hidden descriptor caches, the control,
 * debug and descriptor-table registers, and the current privilege level. Only state and
 * the arithmetic of the flags live here; what the rest of the processor does with them is
 * in {@link Mmu}, {@link Segmentation}, {@link FarTransfer} and {@link Delivery}. The Host
 * sees these registers through {@link Cpu}: the general registers and EIP directly, the
 * others through accessors and through the loads that have side effects (a CR3 load
 * flushes the TLB, a segment load reads a descriptor).
 */
abstract class Registers {
    public static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    public static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
    public static final int CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200,
            DF = 0x400, OF = 0x800, IOPL = 0x3000, NT = 0x4000, RF = 0x10000, AC = 0x40000, ID = 0x200000;
    public static final int CR0_PE = 1, CR0_MP = 2, CR0_EM = 4, CR0_TS = 8, CR0_ET = 0x10, CR0_NE = 0x20,
            CR0_WP = 0x10000, CR0_AM = 0x40000, CR0_PG = 0x80000000;
    public static final int CR4_TSD = 4, CR4_DE = 8;
    /** DR6.BS: the debug exception was a single step. */
    public static final int DR6_BS = 0x4000;

    /** EAX..EDI, plus a ninth slot that is always zero (the "no register" of an address). */
    public final int[] r = new int[9];
    public int eip;
    int cr0 = CR0_PE | CR0_ET, cr2, cr3, cr4;
    int gdtrBase, gdtrLimit = 0xFFFF, idtrBase, idtrLimit = 0xFFFF;
    final int[] dr = {0, 0, 0, 0, 0, 0, 0xFFFF0FF0, 0x400};

    /* Segment registers: visible selectors and their hidden descriptor caches. */
    final int[] segSel = new int[6], segBase = new int[6], segLimit = new int[6], segAttr = new int[6];
    final boolean[] segValid = new boolean[6];
    /** True when an access through this segment must be checked (not a flat, writable, 4 GiB one). */
    final boolean[] segChk = new boolean[6];
    /** DS, ES and SS are all flat with base 0: the common case, tested with one load. */
    boolean flatModel;
    /** CS is a 16-bit code segment (its descriptor's D bit clear, X:125). */
    boolean code16;
    int ldtrSel, ldtrBase, ldtrLimit;
    int trSel, trBase, trLimit;
    boolean trValid, ldtrValid;
    int cpl;

    public int cpl() { return cpl; }
    public int cr0() { return cr0; }
    /** The linear address of the last page fault. */
    public int cr2() { return cr2; }
    public int cr3() { return cr3; }
    public int cr4() { return cr4; }
    public int gdtrBase() { return gdtrBase; }
    public int gdtrLimit() { return gdtrLimit; }
    public int idtrBase() { return idtrBase; }
    public int idtrLimit() { return idtrLimit; }
    public int taskRegister() { return trSel; }
    public int debugRegister(int n) { return dr[n]; }
    public int segmentSelector(int s) { return segSel[s]; }
    public int segmentBase(int s) { return segBase[s]; }
    public int segmentLimit(int s) { return segLimit[s]; }

    /** LGDT: nothing is read from the table until a selector is loaded through it. */
    public void loadGdtr(int base, int limit) { gdtrBase = base; gdtrLimit = limit & 0xFFFF; }

    /** LIDT: the next delivery reads its gate from here. */
    public void loadIdtr(int base, int limit) { idtrBase = base; idtrLimit = limit & 0xFFFF; }

    final int iopl() { return flags >> 12 & 3; }

    // ----------------------------------------------------------------------------------
    //  Registers by size
    // ----------------------------------------------------------------------------------

    final int getReg(int size, int n) {
        if (size == 4) return r[n];
        if (size == 2) return r[n] & 0xFFFF;
        return n < 4 ? r[n] & 0xFF : (r[n - 4] >>> 8) & 0xFF;
    }

    final void setReg(int size, int n, int v) {
        if (size == 4) r[n] = v;
        else if (size == 2) r[n] = (r[n] & 0xFFFF0000) | (v & 0xFFFF);
        else if (n < 4) r[n] = (r[n] & ~0xFF) | (v & 0xFF);
        else r[n - 4] = (r[n - 4] & ~0xFF00) | ((v & 0xFF) << 8);
    }

    static int mask(int size) { return size == 4 ? -1 : size == 2 ? 0xFFFF : 0xFF; }

    // ----------------------------------------------------------------------------------
    //  Flags
    // ----------------------------------------------------------------------------------

    /*X:200 Lazy flags. Nine instructions in ten that set the arithmetic flags are
     * followed by one that overwrites them before anybody looks; computing six flags for
     * each ADD would be the interpreter's single biggest cost. So an arithmetic
     * instruction only writes down what it did (which operation, its operands, its
     * result, and the operand size), and a flag is worked out when something finally asks:
     * a Jcc, a SETcc, PUSHF, an interrupt saving EFLAGS. CF of an ADD is "the result came
     * out smaller than an operand", OF of a SUB is "the operands had different signs and
     * the result took the sign of the subtrahend", and ZF, SF and PF come from the result
     * for every operation alike. When fOp is F_NONE the six bits live in the flags word
     * itself, as they would in a real EFLAGS. The record lives in the register file
     * beside EAX rather than in an object of its own, for the reason X:195 gives: every
     * ADD writes it. */
    static final int F_NONE = 0, F_ADD = 1, F_ADC = 2, F_SUB = 3, F_SBB = 4, F_LOGIC = 5, F_INC = 6,
            F_DEC = 7, F_EAGER = 8;
    static final int ARITH = CF | PF | AF | ZF | SF | OF;
    int flags = 2;
    int fOp, fA, fB, fR, fMask = -1, fSign = 0x80000000, fCin;

    final void lazy(int op, int a, int b, int res, int mask) {
        fOp = op; fA = a; fB = b; fR = res & mask; fMask = mask; fSign = (mask >>> 1) + 1;
    }

    final int cf() {
        switch (fOp) {
            case F_NONE: return flags & CF;
            // LAB(alu-flags) { case F_ADD: case F_ADC: case F_SUB: case F_SBB: throw new UnsupportedOperationException("lab alu-flags: work out CF of ADD, ADC, SUB and SBB from the lazy record (read X:200)");
            case F_ADD: return Integer.compareUnsigned(fR, fA) < 0 ? 1 : 0;
            case F_ADC: return (fCin != 0 ? Integer.compareUnsigned(fR, fA) <= 0 : Integer.compareUnsigned(fR, fA) < 0) ? 1 : 0;
            case F_SUB: return Integer.compareUnsigned(fA, fB) < 0 ? 1 : 0;
            case F_SBB: return (fCin != 0 ? Integer.compareUnsigned(fA, fB) <= 0 : Integer.compareUnsigned(fA, fB) < 0) ? 1 : 0;
            // LAB(alu-flags) }
            case F_INC: case F_DEC: return fCin;
            case F_EAGER: return fA & CF;
            default: return 0;
        }
    }

    final boolean of() {
        switch (fOp) {
            case F_NONE: return (flags & OF) != 0;
            // LAB(alu-flags) { case F_ADD: case F_ADC: case F_INC: case F_SUB: case F_SBB: case F_DEC: throw new UnsupportedOperationException("lab alu-flags: work out OF of the adds and subtracts from the lazy record (read X:200)");
            case F_ADD: case F_ADC: case F_INC: return ((fA ^ fR) & (fB ^ fR) & fSign) != 0;
            case F_SUB: case F_SBB: case F_DEC: return ((fA ^ fB) & (fA ^ fR) & fSign) != 0;
            // LAB(alu-flags) }
            case F_EAGER: return (fA & OF) != 0;
            default: return false;
        }
    }
    /*:*/

    final boolean zf() { return fOp == F_NONE ? (flags & ZF) != 0 : fR == 0; }

    final boolean sf() { return fOp == F_NONE ? (flags & SF) != 0 : (fR & fSign) != 0; }

    final boolean pf() {
        return fOp == F_NONE ? (flags & PF) != 0 : (Integer.bitCount(fR & 0xFF) & 1) == 0;
    }

    final int af() {
        switch (fOp) {
            case F_NONE: return flags & AF;
            case F_LOGIC: return 0;
            case F_EAGER: return fA & AF;
            default: return (fA ^ fB ^ fR) & AF;
        }
    }

    /** EFLAGS as PUSHF would see it. */
    public final int getEflags() {
        if (fOp == F_NONE) return flags;
        return (flags & ~ARITH) | cf() | (pf() ? PF : 0) | af() | (zf() ? ZF : 0) | (sf() ? SF : 0) | (of() ? OF : 0);
    }

    final void materialize() {
        if (fOp != F_NONE) { flags = getEflags(); fOp = F_NONE; }
    }

    /** Sets CF alone, leaving the others as they are (BT, rotates, CLC/STC/CMC). */
    final void setCF(boolean v) {
        materialize();
        flags = v ? flags | CF : flags & ~CF;
    }

    /*X:205 Jcc asks the lazy record directly. JE and JNE (half of all conditional jumps)
     * only need "was the result zero", which every lazy kind keeps in fR. After a CMP
     * (recorded as a SUB) the unsigned and signed orderings are just comparisons of the two
     * operands, so JB, JBE, JL and JLE never compute a single flag; the unsigned ones work
     * at every operand size because the recorded operands are already masked to it. */
    final boolean cond(int cc) {
        int op = fOp;
        if (op != F_NONE) {
            switch (cc) {
                case 4: return fR == 0;
                case 5: return fR != 0;
                case 8: return (fR & fSign) != 0;
                case 9: return (fR & fSign) == 0;
                default: break;
            }
            if (op == F_SUB) return subCond(cc);
        }
        return slowCond(cc >> 1) ^ ((cc & 1) != 0);
    }

    /** A condition after CMP or SUB, from the operands themselves. */
    private boolean subCond(int cc) {
        switch (cc) {
            case 2: return Integer.compareUnsigned(fA, fB) < 0;
            case 3: return Integer.compareUnsigned(fA, fB) >= 0;
            case 6: return Integer.compareUnsigned(fA, fB) <= 0;
            case 7: return Integer.compareUnsigned(fA, fB) > 0;
            default: break;
        }
        if (fMask == -1) {
            switch (cc) {
                case 12: return fA < fB;
                case 13: return fA >= fB;
                case 14: return fA <= fB;
                case 15: return fA > fB;
                default: break;
            }
        }
        return slowCond(cc >> 1) ^ ((cc & 1) != 0);
    }
    /*:*/

    private boolean slowCond(int c) {
        switch (c) {
            case 0: return of();
            case 1: return cf() != 0;
            case 2: return zf();
            case 3: return cf() != 0 || zf();
            case 4: return sf();
            case 5: return pf();
            case 6: return sf() != of();
            default: return zf() || sf() != of();
        }
    }

    /** The eight ALU operations of opcodes 00-3F and group 1, at any operand size (mask). */
    final int alu(int op, int a, int b, int m) {
        a &= m; b &= m;
        int res, cin;
        switch (op) {
            case 0: res = a + b; lazy(F_ADD, a, b, res, m); return res & m;
            case 1: res = a | b; lazy(F_LOGIC, a, b, res, m); return res;
            case 2: cin = cf(); res = a + b + cin; lazy(F_ADC, a, b, res, m); fCin = cin; return res & m;
            case 3: cin = cf(); res = a - b - cin; lazy(F_SBB, a, b, res, m); fCin = cin; return res & m;
            case 4: res = a & b; lazy(F_LOGIC, a, b, res, m); return res;
            case 6: res = a ^ b; lazy(F_LOGIC, a, b, res, m); return res;
            default: res = a - b; lazy(F_SUB, a, b, res, m); return res & m;
        }
    }

    final int inc(int a, int m) {
        int cin = cf();
        a &= m;
        lazy(F_INC, a, 1, a + 1, m);
        fCin = cin;
        return fR;
    }

    final int dec(int a, int m) {
        int cin = cf();
        a &= m;
        lazy(F_DEC, a, 1, a - 1, m);
        fCin = cin;
        return fR;
    }

    /** Flags computed on the spot: CF, OF and AF given, ZF, SF, PF from the result. */
    final void eager(int res, int m, boolean cf, boolean of) { eager(res, m, carryOverflow(cf, of)); }

    /** The same, with CF and OF packed as carryOverflow packs them (the eager record's fA). */
    final void eager(int res, int m, int cfOf) {
        fOp = F_EAGER; fA = cfOf; fR = res & m; fMask = m; fSign = (m >>> 1) + 1;
    }

    static int carryOverflow(boolean cf, boolean of) { return (cf ? CF : 0) | (of ? OF : 0); }
}
