package lguest.machine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import lguest.machine.fpu.FpuBus;
import lguest.machine.fpu.X87;

/**
 * One emulated i686 processor in 32-bit protected mode. Its architectural state is public
 * (general registers, EIP, EFLAGS through {@link #getEflags}, control registers, GDTR,
 * IDTR, TR and the segment registers); everything else (decoded blocks, the software TLB,
 * lazy flags) is private to the silicon. {@link #run} executes until one of the exits in
 * {@link Exit}.
 */
public final class Cpu {
    public static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    public static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
    public static final int CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200,
            DF = 0x400, OF = 0x800, IOPL = 0x3000, NT = 0x4000, RF = 0x10000, AC = 0x40000, ID = 0x200000;
    public static final int CR0_PE = 1, CR0_MP = 2, CR0_EM = 4, CR0_TS = 8, CR0_ET = 0x10, CR0_NE = 0x20,
            CR0_WP = 0x10000, CR0_AM = 0x40000, CR0_PG = 0x80000000;
    public static final int CR4_TSD = 4, CR4_DE = 8;

    final PhysicalMemory mem;

    /** EAX..EDI, plus a ninth slot that is always zero (the "no register" of an address). */
    public final int[] r = new int[9];
    public int eip;
    public int cr0 = CR0_PE | CR0_ET, cr2, cr3, cr4;
    public int gdtrBase, gdtrLimit = 0xFFFF, idtrBase, idtrLimit = 0xFFFF;
    public final int[] dr = new int[8];
    public final X87 x87 = new X87();
    IoBus io = IoBus.EMPTY;

    /* Segment registers: visible selectors and their hidden descriptor caches. */
    final int[] segSel = new int[6], segBase = new int[6], segLimit = new int[6], segAttr = new int[6];
    final boolean[] segValid = new boolean[6];
    /** True when an access through this segment must be checked (not a flat, writable, 4 GiB one). */
    final boolean[] segChk = new boolean[6];
    /** DS, ES and SS are all flat with base 0: the common case, tested with one load. */
    boolean flatModel;
    int ldtrSel, ldtrBase, ldtrLimit;
    int trSel, trBase, trLimit;
    boolean trValid, ldtrValid;
    int cpl;

    long retired;
    /** Index in its block of the instruction that faulted or stopped the block (see Step, X:150). */
    int pos;
    /**
     * Changes whenever a chained block link might lead somewhere else (see Block). Values
     * come from one counter shared by every CPU, because blocks (and so their links) are
     * shared: a link made by one CPU must never look valid to another.
     */
    long epoch = EPOCHS.incrementAndGet();
    private static final java.util.concurrent.atomic.AtomicLong EPOCHS = new java.util.concurrent.atomic.AtomicLong();

    private void newEpoch() { epoch = EPOCHS.incrementAndGet(); }
    private volatile boolean interruptLine;
    /** Set by an instruction that wants the block loop to stop after it (self-modifying code). */
    boolean brk;
    /** The linear address of the memory operand an instruction is updating (see Insn.aForUpdate). */
    int lin;
    Exit pendingExit;

    public Cpu(PhysicalMemory mem) {
        this.mem = mem;
        flushTlb();
        for (int s = 0; s < 6; s++) setFlatSegment(s, s == CS ? 0x9B : 0x93, 0);
        setCpl(0);
    }

    public PhysicalMemory memory() { return mem; }

    public void setIoBus(IoBus bus) { this.io = bus; }

    /** Instructions retired since this CPU was made (what RDTSC reads, too). */
    public long retired() { return retired; }

    /** Blocks decoded so far: a measure of how well the block cache is doing. */
    public long blocksDecoded() { return decoded; }
    private long decoded;

    public int cpl() { return cpl; }

    /** Raises the external interrupt line: run() returns INTERRUPT at the next block boundary. */
    public void raiseInterruptLine() { interruptLine = true; }

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
     * itself, as they would in a real EFLAGS. */
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
    public int getEflags() {
        if (fOp == F_NONE) return flags;
        return (flags & ~ARITH) | cf() | (pf() ? PF : 0) | af() | (zf() ? ZF : 0) | (sf() ? SF : 0) | (of() ? OF : 0);
    }

    /** Sets every writable EFLAGS bit (VM stays clear: this CPU has no virtual-8086 mode). */
    public void setEflags(int v) {
        flags = (v & 0x257FD5) | 2;
        fOp = F_NONE;
        selectTlb();
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
            if (op == F_SUB) {
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
    final void eager(int res, int m, boolean cf, boolean of) {
        fOp = F_EAGER; fA = (cf ? CF : 0) | (of ? OF : 0); fR = res & m; fMask = m; fSign = (m >>> 1) + 1;
    }

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
    //  The software TLB and paging
    // ----------------------------------------------------------------------------------

    /*X:300 Address translation. A linear address is split into a page number and an
     * offset; the page number indexes a small direct-mapped array (the software TLB) whose
     * entry, when its tag matches, hands over the frame's byte array at once. Separate
     * arrays serve reads and writes, and supervisor and user code, because the answer to
     * "may I?" differs: a user read of a supervisor page must fault even when the kernel
     * just used the same translation. A write entry is only made by a walk that was itself
     * for a write, so it exists only once the PTE's dirty bit has been set, exactly the
     * moment a real TLB would cache a dirty translation.
     *
     * The entries are not checked against the page tables again. That is not laziness:
     * it is the architecture. A real TLB keeps a translation after the PTE under it has
     * changed, until the OS executes INVLPG for that page or reloads CR3, and a
     * hypervisor's shadow-page-table code is correct only if it issues those flushes at
     * the right moments. An emulator that re-walked on every access would hide exactly the
     * bugs a student should learn to see. */
    static final int TLB_BITS = 10, TLB_SIZE = 1 << TLB_BITS, TLB_MASK = TLB_SIZE - 1;
    private final int[][] rTagM = {new int[TLB_SIZE], new int[TLB_SIZE]};
    private final byte[][][] rDataM = {new byte[TLB_SIZE][], new byte[TLB_SIZE][]};
    private final Page[][] rPageM = {new Page[TLB_SIZE], new Page[TLB_SIZE]};
    private final int[][] wTagM = {new int[TLB_SIZE], new int[TLB_SIZE]};
    private final Page[][] wPageM = {new Page[TLB_SIZE], new Page[TLB_SIZE]};
    int[] rTag, wTag;
    byte[][] rData;
    Page[] rPage, wPage;
    static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    final int read32(int a) {
        int vpn = a >>> 12, i = vpn & TLB_MASK, o = a & 0xFFF;
        if (rTag[i] == vpn && o <= 0xFFC) return (int) I32.get(rData[i], o);
        return readSlow(cpl == 3 ? 1 : 0, a, 4);
    }
    /*:*/

    final int read16(int a) {
        int vpn = a >>> 12, i = vpn & TLB_MASK, o = a & 0xFFF;
        if (rTag[i] == vpn && o <= 0xFFE) return (short) I16.get(rData[i], o) & 0xFFFF;
        return readSlow(cpl == 3 ? 1 : 0, a, 2);
    }

    final int read8(int a) {
        int vpn = a >>> 12, i = vpn & TLB_MASK;
        if (rTag[i] == vpn) return rData[i][a & 0xFFF] & 0xFF;
        return readSlow(cpl == 3 ? 1 : 0, a, 1);
    }

    final void write32(int a, int v) {
        int vpn = a >>> 12, i = vpn & TLB_MASK, o = a & 0xFFF;
        Page p;
        if (wTag[i] == vpn && o <= 0xFFC && (p = wPage[i]).blocks == null) I32.set(p.data, o, v);
        else writeSlow(cpl == 3 ? 1 : 0, a, 4, v);
    }

    final void write16(int a, int v) {
        int vpn = a >>> 12, i = vpn & TLB_MASK, o = a & 0xFFF;
        Page p;
        if (wTag[i] == vpn && o <= 0xFFE && (p = wPage[i]).blocks == null) I16.set(p.data, o, (short) v);
        else writeSlow(cpl == 3 ? 1 : 0, a, 2, v);
    }

    final void write8(int a, int v) {
        int vpn = a >>> 12, i = vpn & TLB_MASK;
        Page p;
        if (wTag[i] == vpn && (p = wPage[i]).blocks == null) p.data[a & 0xFFF] = (byte) v;
        else writeSlow(cpl == 3 ? 1 : 0, a, 1, v);
    }

    final int rd(int a, int size) {
        return size == 4 ? read32(a) : size == 2 ? read16(a) : read8(a);
    }

    final void wr(int a, int size, int v) {
        if (size == 4) write32(a, v); else if (size == 2) write16(a, v); else write8(a, v);
    }

    /** Reads for a read-modify-write: translated as a write, so a read-only page faults before anything changes. */
    final int rdW(int a, int size) {
        int vpn = a >>> 12, i = vpn & TLB_MASK;
        if (wTag[i] != vpn || ((a + size - 1) >>> 12) != vpn) probeWrite(cpl == 3 ? 1 : 0, a, size);
        return rd(a, size);
    }

    /** Makes sure every page of [a, a+size) may be written, faulting now if not. */
    final void probeWrite(int mode, int a, int size) {
        translate(mode, a, true);
        if (((a + size - 1) >>> 12) != (a >>> 12)) translate(mode, a + size - 1, true);
    }

    int readSlow(int mode, int a, int size) {
        checkAlignment(mode, a, size);
        if (((a + size - 1) >>> 12) != (a >>> 12) || size == 1) {
            int v = 0;
            for (int k = 0; k < size; k++) v |= byteAt(mode, a + k) << (8 * k);
            return v;
        }
        int phys = translate(mode, a, false);
        Page p = mem.frame(phys);
        if (p == null) return size == 4 ? -1 : (1 << (8 * size)) - 1;
        int o = phys & 0xFFF;
        if (p.data != null) return size == 4 ? (int) I32.get(p.data, o) : (short) I16.get(p.data, o) & 0xFFFF;
        return size == 4 ? p.buffer.getInt(o) : p.buffer.getShort(o) & 0xFFFF;
    }

    private int byteAt(int mode, int a) {
        int phys = translate(mode, a, false);
        Page p = mem.frame(phys);
        return p == null ? 0xFF : p.get8(phys & 0xFFF);
    }

    void writeSlow(int mode, int a, int size, int v) {
        checkAlignment(mode, a, size);
        probeWrite(mode, a, size);
        for (int k = 0; k < size; k++) {
            int phys = translate(mode, a + k, true);
            Page p = mem.frame(phys);
            if (p == null) continue;
            if (p.blocks != null) brk = true;
            p.put8(phys & 0xFFF, v >>> (8 * k));
        }
    }

    /** Supervisor-mode accesses the processor makes by itself: descriptor tables, TSS, ring-0 stacks. */
    final int sysRead(int a, int size) { return readSlowTlb(0, a, size); }

    final void sysWrite(int a, int size, int v) { writeSlow(0, a, size, v); }

    private int readSlowTlb(int mode, int a, int size) { return readSlow(mode, a, size); }

    /*X:310 The page walk, for a TLB miss. Two levels: the directory entry picked by the
     * top ten bits, then the table entry picked by the next ten. Each must be present; a
     * user access needs the U/S bit in both; a write needs R/W in both when it comes from
     * user mode, and from supervisor mode too once CR0.WP is set (which is what lets a
     * kernel, or lguest's Switcher, protect pages from itself). A failed walk sets CR2 to
     * the faulting linear address and builds the error code the handler will read: bit 0
     * "the page was present" (so this was a protection fault), bit 1 "it was a write", bit
     * 2 "it came from user mode". A successful walk sets the accessed bits, and the dirty
     * bit for a write, in the very bytes of the page tables, as the hardware does. */
    final int translate(int mode, int lin, boolean write) {
        if ((cr0 & CR0_PG) == 0) return fill(mode, lin, lin, write);
        // LAB(page-walk) { throw new UnsupportedOperationException("lab page-walk: walk the page directory and table, check P, U/S, R/W and WP, set A and D (read X:300, X:310)");
        boolean user = mode == 1;
        int pdeAddr = (cr3 & 0xFFFFF000) | ((lin >>> 22) << 2);
        int pde = physRead32(pdeAddr);
        int err = (write ? 2 : 0) | (user ? 4 : 0);
        if ((pde & 1) == 0) throw pageFault(lin, err);
        int pteAddr = (pde & 0xFFFFF000) | (((lin >>> 12) & 0x3FF) << 2);
        int pte = physRead32(pteAddr);
        if ((pte & 1) == 0) throw pageFault(lin, err);
        int both = pde & pte;
        if (user && (both & 4) == 0) throw pageFault(lin, err | 1);
        if (write && (both & 2) == 0 && (user || (cr0 & CR0_WP) != 0)) throw pageFault(lin, err | 1);
        if ((pde & 0x20) == 0) physWrite32(pdeAddr, pde | 0x20);
        int newPte = pte | 0x20 | (write ? 0x40 : 0);
        if (newPte != pte) physWrite32(pteAddr, newPte);
        return fill(mode, lin, (pte & 0xFFFFF000) | (lin & 0xFFF), write);
        // LAB(page-walk) }
    }
    /*:*/

    private CpuFault pageFault(int lin, int err) {
        cr2 = lin;
        return new CpuFault(Vectors.PF, err, true);
    }

    private int fill(int mode, int lin, int phys, boolean write) {
        Page p = mem.frame(phys);
        if (p != null && p.data != null) {
            int vpn = lin >>> 12, i = vpn & TLB_MASK;
            rTagM[mode][i] = vpn; rDataM[mode][i] = p.data; rPageM[mode][i] = p;
            if (write) { wTagM[mode][i] = vpn; wPageM[mode][i] = p; }
        }
        return phys;
    }

    private int physRead32(int phys) {
        Page p = mem.frame(phys);
        if (p == null) return -1;
        return p.data != null ? (int) I32.get(p.data, phys & 0xFFC) : p.buffer.getInt(phys & 0xFFC);
    }

    private void physWrite32(int phys, int v) {
        Page p = mem.frame(phys);
        if (p == null) return;
        if (p.dropCode()) brk = true;
        if (p.data != null) I32.set(p.data, phys & 0xFFC, v); else p.buffer.putInt(phys & 0xFFC, v);
    }

    /** Forgets every translation (what a CR3 load does). */
    public void flushTlb() {
        newEpoch();
        for (int m = 0; m < 2; m++) { Arrays.fill(rTagM[m], -1); Arrays.fill(wTagM[m], -1); }
    }

    /** Forgets the translation of one linear address (INVLPG). */
    public void invlpg(int lin) {
        newEpoch();
        int vpn = lin >>> 12, i = vpn & TLB_MASK;
        for (int m = 0; m < 2; m++) {
            if (rTagM[m][i] == vpn) rTagM[m][i] = -1;
            if (wTagM[m][i] == vpn) wTagM[m][i] = -1;
        }
    }

    final void setCpl(int n) {
        newEpoch();
        cpl = n;
        selectTlb();
    }

    /*X:320 Alignment checking (#AC) costs the fast path nothing. It is on only when CR0.AM,
     * EFLAGS.AC and CPL 3 all say so, which is rare; then the CPU simply looks up its
     * translations in a TLB that never hits, so every access goes through the slow path,
     * and the slow path is where the alignment is checked. Whatever changes one of the
     * three (CR0 loads, POPF, IRET, any change of ring) calls this again. */
    private final int[] missTag = new int[TLB_SIZE];
    boolean alignCheck;

    final void selectTlb() {
        int m = cpl == 3 ? 1 : 0;
        alignCheck = (cr0 & CR0_AM) != 0 && (flags & AC) != 0 && cpl == 3;
        if (alignCheck) { Arrays.fill(missTag, -1); rTag = missTag; wTag = missTag; }
        else { rTag = rTagM[m]; wTag = wTagM[m]; }
        rData = rDataM[m]; rPage = rPageM[m]; wPage = wPageM[m];
    }

    private void checkAlignment(int mode, int a, int size) {
        if (alignCheck && mode == 1 && (a & (size - 1)) != 0) throw new CpuFault(Vectors.AC, 0, true);
    }
    /*:*/

    /** The page holding an instruction byte (translated as a read), or null for a hole. */
    final Page fetchPage(int lin) {
        int vpn = lin >>> 12, i = vpn & TLB_MASK;
        if (rTag[i] == vpn) return rPage[i];
        return mem.frame(translate(cpl == 3 ? 1 : 0, lin, false));
    }

    /** The frame behind a linear address for a bulk string copy, or null if it has no array. */
    final Page pageFor(int lin, boolean write) {
        int vpn = lin >>> 12, i = vpn & TLB_MASK;
        if (write ? wTag[i] == vpn : rTag[i] == vpn) return write ? wPage[i] : rPage[i];
        Page p = mem.frame(translate(cpl == 3 ? 1 : 0, lin, write));
        return p != null && p.data != null ? p : null;
    }

    /** One byte of code at a linear address (used by the decoder). */
    final int fetch8(int lin) {
        Page p = fetchPage(lin);
        return p == null ? 0xFF : p.get8(lin & 0xFFF);
    }

    public void setCr0(int v) {
        int old = cr0;
        if ((v & CR0_PG) != 0 && (v & CR0_PE) == 0) throw gp(0);
        cr0 = v | CR0_PE | CR0_ET;
        if (((old ^ cr0) & (CR0_PG | CR0_WP)) != 0) flushTlb();
        selectTlb();
    }

    public void setCr3(int v) {
        cr3 = v;
        flushTlb();
    }

    public void setCr4(int v) {
        if ((v & ~(CR4_TSD | CR4_DE)) != 0) throw gp(0);
        cr4 = v;
    }

    // ----------------------------------------------------------------------------------
    //  Segments
    // ----------------------------------------------------------------------------------

    static CpuFault gp(int err) { return new CpuFault(Vectors.GP, err, true); }

    static CpuFault fault(int vec, int err) { return new CpuFault(vec, err, true); }

    static CpuFault fault(int vec) { return new CpuFault(vec, 0, false); }

    /** Loads a segment register's hidden part directly (for setting a machine up, as firmware would). */
    public void setFlatSegment(int s, int accessByte, int selector) {
        setSegmentCache(s, selector, 0, 0xFFFFFFFF, accessByte | 0xC000);
        if (s == CS) setCpl(accessByte >> 5 & 3);
    }

    /** Loads a segment register's hidden part with an explicit base and limit (byte-granular limit). */
    public void setSegmentCache(int s, int selector, int base, int limit, int attr) {
        if (s == CS) newEpoch();
        segSel[s] = selector & 0xFFFF; segBase[s] = base; segLimit[s] = limit; segAttr[s] = attr;
        segValid[s] = true;
        int type = attr & 0x1F;
        boolean flatData = (type & 0x1A) == 0x12 && (type & 4) == 0 && limit == 0xFFFFFFFF;
        segChk[s] = !flatData;
        updateFlatModel();
    }

    final void updateFlatModel() {
        flatModel = !segChk[DS] && !segChk[ES] && !segChk[SS] && segBase[DS] == 0 && segBase[ES] == 0 && segBase[SS] == 0;
    }

    public int segmentSelector(int s) { return segSel[s]; }

    public int segmentBase(int s) { return segBase[s]; }

    public int segmentLimit(int s) { return segLimit[s]; }

    /*X:400 Segment checks. When a segment is not a flat, writable 4 GiB one, every access
     * through it is checked as the SDM says: a null selector in DS, ES, FS or GS faults
     * only when used; code segments are never writable and only readable when their
     * type says so; the offset of the last byte must lie within the limit (for an
     * expand-down stack segment, above it). A failure through SS is #SS, anything else
     * #GP, both with error code 0. Note that the base is added with 32-bit wrap-around:
     * glibc's TLS reaches variables below the thread pointer as %gs:-4, an offset of
     * 0xFFFFFFFC in a segment whose limit is 4 GiB, and the sum must wrap to base-4. */
    void segCheck(int s, int ea, int len, boolean write) {
        int vec = s == SS ? Vectors.SS : Vectors.GP;
        if (!segValid[s]) throw fault(vec, 0);
        int type = segAttr[s] & 0x1F;
        if ((type & 8) != 0) {
            if (write || (type & 2) == 0) throw fault(vec, 0);
        } else if (write && (type & 2) == 0) throw fault(vec, 0);
        long first = Integer.toUnsignedLong(ea), last = first + len - 1;
        long limit = Integer.toUnsignedLong(segLimit[s]);
        if ((type & 0xC) == 4) {
            long top = (segAttr[s] & 0x4000) != 0 ? 0xFFFFFFFFL : 0xFFFFL;
            if (first <= limit || last > top) throw fault(vec, 0);
        } else if (last > limit) throw fault(vec, 0);
    }
    /*:*/

    /** The two words of a descriptor named by a selector, or a fault with errVec(selector). */
    long descriptor(int sel, int errVec, int ext) {
        int base, limit;
        if ((sel & 4) != 0) {
            if (!ldtrValid) throw fault(errVec, (sel & 0xFFFC) | ext);
            base = ldtrBase; limit = ldtrLimit;
        } else { base = gdtrBase; limit = gdtrLimit; }
        if (Integer.compareUnsigned((sel & 0xFFF8) + 7, limit) > 0) throw fault(errVec, (sel & 0xFFFC) | ext);
        int a = base + (sel & 0xFFF8);
        return Integer.toUnsignedLong(sysRead(a, 4)) | ((long) sysRead(a + 4, 4) << 32);
    }

    static int descBase(long d) {
        int lo = (int) d, hi = (int) (d >>> 32);
        return (lo >>> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000);
    }

    static int descLimit(long d) {
        int lo = (int) d, hi = (int) (d >>> 32);
        int lim = (lo & 0xFFFF) | (hi & 0xF0000);
        return (hi & 0x800000) != 0 ? (lim << 12) | 0xFFF : lim;
    }

    /** Access byte in bits 0-7 (type 0-4, DPL 5-6, P 7), flags nibble in bits 12-15. */
    static int descAttr(long d) { return (int) (d >>> 40) & 0xF0FF; }

    private void setAccessed(int sel, long d) {
        if ((d & (1L << 40)) == 0) {
            int base = (sel & 4) != 0 ? ldtrBase : gdtrBase;
            int a = base + (sel & 0xFFF8) + 5;
            sysWrite(a, 1, (int) (d >>> 40) | 1);
        }
    }

    private void loadCache(int s, int sel, long d) {
        setSegmentCache(s, sel, descBase(d), descLimit(d), descAttr(d) | 1);
    }

    /*X:410 Loading a data or stack segment register (MOV, POP, LDS and friends). The rules
     * are the SDM's, and lguest leans on every one of them: a guest kernel in ring 1 must
     * not be able to load a ring-0 segment, so "DPL must be at least max(CPL, RPL)" is what
     * keeps the Host's own descriptors out of its reach. SS is stricter still: its DPL and
     * RPL must both equal CPL, and it must be writable data, because the processor itself
     * will push onto it. */
    public void loadSegment(int s, int sel) {
        sel &= 0xFFFF;
        if (s == CS) throw fault(Vectors.UD);
        if ((sel & 0xFFFC) == 0) {
            if (s == SS) throw gp(0);
            segSel[s] = sel; segValid[s] = false; segChk[s] = true; segBase[s] = 0; segLimit[s] = 0;
            updateFlatModel();
            return;
        }
        long d = descriptor(sel, Vectors.GP, 0);
        int attr = descAttr(d), dpl = attr >> 5 & 3, rpl = sel & 3, type = attr & 0x1F;
        if (s == SS) {
            if (rpl != cpl || dpl != cpl || (type & 0x1A) != 0x12) throw gp(sel & 0xFFFC);
            if ((attr & 0x80) == 0) throw fault(Vectors.SS, sel & 0xFFFC);
        } else {
            boolean data = (type & 0x18) == 0x10, readableCode = (type & 0x1A) == 0x1A;
            if (!data && !readableCode) throw gp(sel & 0xFFFC);
            boolean conforming = (type & 0x1C) == 0x1C;
            if (!conforming && dpl < Math.max(cpl, rpl)) throw gp(sel & 0xFFFC);
            if ((attr & 0x80) == 0) throw fault(Vectors.NP, sel & 0xFFFC);
        }
        setAccessed(sel, d);
        loadCache(s, sel, d);
    }
    /*:*/

    /** Checks and loads a code segment for a far JMP or CALL (no call gates: those raise #GP). */
    private long checkFarTarget(int sel) {
        if ((sel & 0xFFFC) == 0) throw gp(0);
        long d = descriptor(sel, Vectors.GP, 0);
        int attr = descAttr(d), dpl = attr >> 5 & 3, rpl = sel & 3, type = attr & 0x1F;
        if ((type & 0x18) != 0x18) throw gp(sel & 0xFFFC);
        if ((type & 4) != 0) { if (dpl > cpl) throw gp(sel & 0xFFFC); }
        else if (rpl > cpl || dpl != cpl) throw gp(sel & 0xFFFC);
        if ((attr & 0x80) == 0) throw fault(Vectors.NP, sel & 0xFFFC);
        return d;
    }

    void farJump(int sel, int off) {
        long d = checkFarTarget(sel);
        if (Integer.compareUnsigned(off, descLimit(d)) > 0) throw gp(0);
        setAccessed(sel, d);
        loadCache(CS, (sel & ~3) | cpl, d);
        eip = off;
    }

    void farCall(int sel, int off, int retEip, int size) {
        long d = checkFarTarget(sel);
        if (Integer.compareUnsigned(off, descLimit(d)) > 0) throw gp(0);
        int sp = r[ESP];
        int a1 = stackLin(sp - size, size), a2 = stackLin(sp - 2 * size, size);
        probeWrite(cpl == 3 ? 1 : 0, a2, 2 * size);
        wr(a1, size, segSel[CS]);
        wr(a2, size, retEip);
        r[ESP] = sp - 2 * size;
        setAccessed(sel, d);
        loadCache(CS, (sel & ~3) | cpl, d);
        eip = off;
    }

    /*X:420 Far return and IRET. Both pop a CS whose RPL says which ring we are going back
     * to. Going to the same ring is a jump with a stack pop; going outward (to a larger
     * ring number, never inward) also pops the outer ring's ESP and SS, which the
     * processor pushed when it came in. On the way out, any data segment register the
     * outer ring may not hold (a DPL below the new CPL) is nulled, so that user code cannot
     * keep using a kernel segment loaded before the interrupt. IRET also restores EFLAGS,
     * but only as far as the *old* CPL was allowed to change it: IOPL only from ring 0, IF
     * only when CPL <= IOPL. That is how a ring-1 guest kernel's IRET is prevented from
     * enabling interrupts for real. */
    void farReturn(int size, boolean iret, int extraPop) {
        if (iret && (flags & NT) != 0) throw gp(0);
        int sp = r[ESP];
        int newEip = rd(stackLin(sp, size), size);
        int sel = rd(stackLin(sp + size, size), size) & 0xFFFF;
        int newFlags = iret ? rd(stackLin(sp + 2 * size, size), size) : 0;
        int popped = (iret ? 3 : 2) * size;
        if ((sel & 0xFFFC) == 0) throw gp(0);
        long d = descriptor(sel, Vectors.GP, 0);
        int attr = descAttr(d), dpl = attr >> 5 & 3, rpl = sel & 3, type = attr & 0x1F;
        if ((type & 0x18) != 0x18 || rpl < cpl) throw gp(sel & 0xFFFC);
        if ((type & 4) != 0 ? dpl > rpl : dpl != rpl) throw gp(sel & 0xFFFC);
        if ((attr & 0x80) == 0) throw fault(Vectors.NP, sel & 0xFFFC);
        if (Integer.compareUnsigned(newEip, descLimit(d)) > 0) throw gp(0);
        int oldCpl = cpl;
        if (rpl > cpl) {
            int newEsp = rd(stackLin(sp + popped + extraPop, size), size);
            int ssSel = rd(stackLin(sp + popped + extraPop + size, size), size) & 0xFFFF;
            if ((ssSel & 0xFFFC) == 0 || (ssSel & 3) != rpl) throw gp(ssSel & 0xFFFC);
            long sd = descriptor(ssSel, Vectors.GP, 0);
            int sa = descAttr(sd);
            if ((sa & 0x1A) != 0x12 || (sa >> 5 & 3) != rpl) throw gp(ssSel & 0xFFFC);
            if ((sa & 0x80) == 0) throw fault(Vectors.SS, ssSel & 0xFFFC);
            setAccessed(sel, d);
            loadCache(CS, sel, d);
            setCpl(rpl);
            setAccessed(ssSel, sd);
            loadCache(SS, ssSel, sd);
            r[ESP] = newEsp + extraPop;
            for (int s : new int[] {ES, DS, FS, GS}) {
                int t = segAttr[s] & 0x1F;
                boolean conformingCode = (t & 0x1C) == 0x1C;
                if (segValid[s] && !conformingCode && (segAttr[s] >> 5 & 3) < rpl) {
                    segValid[s] = false; segSel[s] = 0; segChk[s] = true;
                }
            }
            updateFlatModel();
        } else {
            setAccessed(sel, d);
            loadCache(CS, sel, d);
            r[ESP] = sp + popped + extraPop;
        }
        eip = newEip;
        if (iret) {
            int changeable = 0x257FD5 & ~(IOPL | IF);
            if (oldCpl == 0) changeable |= IOPL;
            if (oldCpl <= iopl()) changeable |= IF;
            if (size == 2) changeable &= 0xFFFF;
            materialize();
            flags = (flags & ~changeable) | (newFlags & changeable) | 2;
        }
        selectTlb();
    }
    /*:*/

    final int iopl() { return flags >> 12 & 3; }

    final int stackLin(int sp, int len) {
        if (segChk[SS]) segCheck(SS, sp, len, false);
        return segBase[SS] + sp;
    }

    final void push32(int v) {
        int sp = r[ESP] - 4;
        int a = segChk[SS] ? stackLinW(sp, 4) : segBase[SS] + sp;
        write32(a, v);
        r[ESP] = sp;
    }

    final int pop32() {
        int sp = r[ESP];
        int v = read32(segChk[SS] ? stackLin(sp, 4) : segBase[SS] + sp);
        r[ESP] = sp + 4;
        return v;
    }

    final void push(int size, int v) {
        if (size == 4) { push32(v); return; }
        int sp = r[ESP] - 2;
        write16(stackLinW(sp, 2), v);
        r[ESP] = sp;
    }

    final int pop(int size) {
        if (size == 4) return pop32();
        int sp = r[ESP];
        int v = read16(stackLin(sp, 2));
        r[ESP] = sp + 2;
        return v;
    }

    final int stackLinW(int sp, int len) {
        if (segChk[SS]) segCheck(SS, sp, len, true);
        return segBase[SS] + sp;
    }

    // ----------------------------------------------------------------------------------
    //  System registers
    // ----------------------------------------------------------------------------------

    /** LTR: loads the task register from an available 32-bit TSS descriptor and marks it busy. */
    public void loadTaskRegister(int sel) {
        if ((sel & 0xFFFC) == 0) throw gp(0);
        if ((sel & 4) != 0) throw gp(sel & 0xFFFC);
        long d = descriptor(sel, Vectors.GP, 0);
        int attr = descAttr(d);
        if ((attr & 0x1F) != 0x09) throw gp(sel & 0xFFFC);
        if ((attr & 0x80) == 0) throw fault(Vectors.NP, sel & 0xFFFC);
        sysWrite(gdtrBase + (sel & 0xFFF8) + 5, 1, (attr & 0xFF) | 2);
        trSel = sel & 0xFFFF; trBase = descBase(d); trLimit = descLimit(d); trValid = true;
    }

    /** LLDT: a null selector leaves no LDT; otherwise an LDT descriptor from the GDT. */
    public void loadLdt(int sel) {
        if ((sel & 0xFFFC) == 0) { ldtrValid = false; ldtrSel = sel & 0xFFFF; return; }
        if ((sel & 4) != 0) throw gp(sel & 0xFFFC);
        long d = descriptor(sel, Vectors.GP, 0);
        int attr = descAttr(d);
        if ((attr & 0x1F) != 0x02) throw gp(sel & 0xFFFC);
        if ((attr & 0x80) == 0) throw fault(Vectors.NP, sel & 0xFFFC);
        ldtrSel = sel & 0xFFFF; ldtrBase = descBase(d); ldtrLimit = descLimit(d); ldtrValid = true;
    }

    public int taskRegister() { return trSel; }

    /*X:450 I/O permission. IN and OUT are allowed outright when CPL <= IOPL. Otherwise the
     * processor consults the I/O permission bitmap at the end of the TSS (its offset is the
     * 16-bit word at TSS+0x66): one bit per port, and every bit covering the ports touched
     * must be clear. A bitmap that runs past the TSS limit counts as all ones, which is how
     * lguest's Host denies a guest every port with one short TSS. */
    void checkIo(int port, int size) {
        if (cpl <= iopl()) return;
        if (!trValid || Integer.compareUnsigned(trLimit, 0x67) < 0) throw gp(0);
        int mapBase = sysRead(trBase + 0x66, 2);
        int at = mapBase + (port >>> 3);
        if (Integer.compareUnsigned(at + 1, trLimit) > 0) throw gp(0);
        int bits = sysRead(trBase + at, 2) >>> (port & 7);
        if ((bits & ((1 << size) - 1)) != 0) throw gp(0);
    }
    /*:*/

    // ----------------------------------------------------------------------------------
    //  Interrupts and exceptions
    // ----------------------------------------------------------------------------------

    /*X:500 How a trap travels. The vector indexes the IDT (8 bytes a gate); the gate must
     * be a 32-bit interrupt or trap gate and present. For INT n, INT3 and INTO, the gate's
     * DPL must be at least CPL: that single check is how an OS decides which vectors user
     * code may call (0x80 yes, 14 no), and why INT 14 from ring 3 yields #GP with the
     * error code 14*8+2 (bit 1: "this selector index is an IDT entry") rather than a fake
     * page fault. The gate names a code segment; if its DPL is below CPL, the processor
     * changes stacks: it reads SS:ESP for the new ring from the TSS (esp0 at +4, esp1 at
     * +12, ...), checks that stack segment, and pushes the *old* SS and ESP there before
     * EFLAGS, CS and EIP (and the error code, for the vectors that have one). Everything is
     * pushed first and committed after, so if a push faults the old state is intact and
     * the fault can itself be delivered: the double-fault rules below decide whether that
     * is allowed. An interrupt gate also clears IF; a trap gate leaves it alone. */
    void deliver(int vec, int err, boolean hasErr, boolean soft, int retEip, int ext) {
        if (Integer.compareUnsigned(vec * 8 + 7, idtrLimit) > 0) throw gp(vec * 8 + 2 + ext);
        int lo = sysRead(idtrBase + vec * 8, 4), hi = sysRead(idtrBase + vec * 8 + 4, 4);
        int type = hi >> 8 & 0x1F, gdpl = hi >> 13 & 3;
        if (type != 0x0E && type != 0x0F) throw gp(vec * 8 + 2 + ext);
        if (soft && gdpl < cpl) throw gp(vec * 8 + 2);
        if ((hi & 0x8000) == 0) throw fault(Vectors.NP, vec * 8 + 2 + ext);
        int sel = lo >>> 16, off = (lo & 0xFFFF) | (hi & 0xFFFF0000);
        if ((sel & 0xFFFC) == 0) throw gp(ext);
        long d = descriptor(sel, Vectors.GP, ext);
        int attr = descAttr(d), dpl = attr >> 5 & 3, ctype = attr & 0x1F;
        if ((ctype & 0x18) != 0x18 || dpl > cpl) throw gp((sel & 0xFFFC) + ext);
        if ((attr & 0x80) == 0) throw fault(Vectors.NP, (sel & 0xFFFC) + ext);
        if (Integer.compareUnsigned(off, descLimit(d)) > 0) throw gp(ext);
        int eflags = getEflags();
        boolean conforming = (ctype & 4) != 0;
        if (!conforming && dpl < cpl) {
            int slot = 4 + dpl * 8;
            if (!trValid || Integer.compareUnsigned(slot + 5, trLimit) > 0) throw fault(Vectors.TS, (trSel & 0xFFFC) + ext);
            int newEsp = sysRead(trBase + slot, 4), ssSel = sysRead(trBase + slot + 4, 2);
            if ((ssSel & 0xFFFC) == 0) throw fault(Vectors.TS, ext);
            if ((ssSel & 3) != dpl) throw fault(Vectors.TS, (ssSel & 0xFFFC) + ext);
            long sd = descriptor(ssSel, Vectors.TS, ext);
            int sa = descAttr(sd);
            if ((sa & 0x1A) != 0x12 || (sa >> 5 & 3) != dpl) throw fault(Vectors.TS, (ssSel & 0xFFFC) + ext);
            if ((sa & 0x80) == 0) throw fault(Vectors.SS, (ssSel & 0xFFFC) + ext);
            int ssBase = descBase(sd);
            int n = hasErr ? 6 : 5, sp = newEsp - 4 * n;
            long lim = Integer.toUnsignedLong(descLimit(sd));
            if ((sa & 4) == 0 && Integer.toUnsignedLong(newEsp - 1) > lim) throw fault(Vectors.SS, (ssSel & 0xFFFC) + ext);
            int[] frame = hasErr ? new int[] {err, retEip, segSel[CS], eflags, r[ESP], segSel[SS]}
                                 : new int[] {retEip, segSel[CS], eflags, r[ESP], segSel[SS]};
            for (int k = 0; k < n; k++) sysWrite(ssBase + sp + 4 * k, 4, frame[k]);
            setAccessed(sel, d);
            loadCache(CS, (sel & ~3) | dpl, d);
            setCpl(dpl);
            setAccessed(ssSel, sd);
            loadCache(SS, ssSel, sd);
            r[ESP] = sp;
        } else {
            int n = hasErr ? 4 : 3, sp = r[ESP] - 4 * n;
            int a = stackLinW(sp, 4 * n);
            int mode = cpl == 3 ? 1 : 0;
            int[] frame = hasErr ? new int[] {err, retEip, segSel[CS], eflags} : new int[] {retEip, segSel[CS], eflags};
            for (int k = 0; k < n; k++) writeSlow(mode, a + 4 * k, 4, frame[k]);
            setAccessed(sel, d);
            loadCache(CS, (sel & ~3) | cpl, d);
            r[ESP] = sp;
        }
        eip = off;
        materialize();
        flags &= ~(TF | NT | RF);
        if (type == 0x0E) flags &= ~IF;
    }
    /*:*/

    /*X:510 Faults during delivery. If delivering one exception raises another, the SDM
     * sorts them into benign, contributory (#DE, #TS, #NP, #SS, #GP) and page faults. Two
     * contributory ones, or a page fault followed by either kind, become a double fault
     * (vector 8, error code 0); anything else is simply delivered in turn. A fault while
     * delivering the double fault is the end: the processor shuts down (the "triple
     * fault" that reboots a PC), and run() reports SHUTDOWN. */
    private static boolean contributory(int v) { return v == 0 || (v >= 10 && v <= 13); }

    void raise(CpuFault f, int faultEip) {
        int vec = f.vector, err = f.errorCode;
        boolean hasErr = f.hasErrorCode;
        int first = -1;
        for (int attempt = 0; ; attempt++) {
            try {
                deliver(vec, err, hasErr, false, faultEip, 1);
                return;
            } catch (CpuFault g) {
                if (vec == Vectors.DF) { pendingExit = Exit.SHUTDOWN; return; }
                boolean df = (contributory(vec) || vec == Vectors.PF) && (contributory(g.vector)
                        || (g.vector == Vectors.PF && vec == Vectors.PF));
                if (vec == Vectors.PF && contributory(g.vector)) df = true;
                if (df) { vec = Vectors.DF; err = 0; hasErr = true; }
                else { vec = g.vector; err = g.errorCode; hasErr = g.hasErrorCode; }
                if (attempt > 8) { pendingExit = Exit.SHUTDOWN; return; }
            }
        }
    }
    /*:*/

    /** INT n, INT3, INTO: a software interrupt, with the gate's DPL checked against CPL. */
    final void softInt(int vec, int nextEip) {
        deliver(vec, 0, false, true, nextEip, 0);
    }

    /** Delivers an external (hardware) interrupt now, as if the line of this vector fired. */
    public void deliverInterrupt(int vector) {
        try {
            deliver(vector, 0, false, false, eip, 1);
        } catch (CpuFault f) {
            raise(f, eip);
        }
    }

    // ----------------------------------------------------------------------------------
    //  The run loop
    // ----------------------------------------------------------------------------------

    /*X:600 The loop. Find the block that starts at CS:EIP (the fetch TLB gives the frame,
     * the frame's array gives the block already decoded from there), check that the frame
     * is not host code, then call each instruction in turn. No per-instruction counting,
     * tracing or EIP bookkeeping: before the block runs, EIP is set to where it falls
     * through, and the one instruction that may jump (always the last) overwrites it. If
     * an instruction throws a fault, its index in the block says both how many were
     * retired and where EIP must point for a restart, so the count stays exact for free. */
    /**
     * Runs until an exit. A positive budget bounds the instructions retired plus the
     * exceptions delivered in this call (so even a fault that repeats forever returns);
     * zero or less means no bound.
     */
    public Exit run(long budget) {
        long stop = budget <= 0 ? Long.MAX_VALUE : retired + budget;
        pendingExit = null;
        Block prev = null;
        long delivered = 0;   // exceptions delivered: they spend budget too, so a fault loop still ends
        while (true) {
            if (interruptLine) { interruptLine = false; return Exit.INTERRUPT; }
            if (retired + delivered >= stop) return Exit.BUDGET;
            Block b = null;
            boolean fall = false;
            if (prev != null) {
                fall = eip == prev.endEip;
                b = fall ? prev.fallThrough : prev.taken;
                if (b != null && (b.startEip != eip || !b.valid
                        || (fall ? prev.fallThroughEpoch : prev.takenEpoch) != epoch)) b = null;
            }
            if (b == null) {
                try {
                    b = lookup();
                } catch (CpuFault f) {
                    raise(f, eip);
                    delivered++;
                    if (pendingExit != null) return pendingExit;
                    prev = null;
                    continue;
                }
                if (b == null) return Exit.HOST_CODE;
                if (prev != null && b.cacheable) {
                    if (fall) { prev.fallThrough = b; prev.fallThroughEpoch = epoch; }
                    else { prev.taken = b; prev.takenEpoch = epoch; }
                }
            }
            /*:*/
            /*X:605 Running a block.  The first step runs the whole block (each
             * step calls the next, see X:145); a `brk` from an instruction that changed
             * the rules (a segment load, a write to code, an exit) stops the block
             * early with EIP set just past that instruction.  Near the end of a
             * budget only as many run as the budget allows, so the count stops
             * exactly where asked.  A fault anywhere rewinds EIP to the faulting
             * instruction, retires the ones before it, and is delivered as the
             * hardware would. */
            Insn[] insns = b.insns;
            int n = insns.length;
            long left = stop - retired - delivered;
            boolean whole = left >= n;
            if (!whole) n = (int) left;
            eip = b.eips[n];
            prev = whole && b.cacheable ? b : null;
            int i = 0;
            pos = 0;
            try {
                if (whole) {
                    b.first.run(this);
                    i = n;
                    if (brk) {
                        brk = false;
                        i = pos + 1;
                        if (i < insns.length) eip = b.eips[i];
                        prev = null;
                    }
                } else {
                    for (; i < n; i++) {
                        pos = i;
                        Insn in = insns[i];
                        in.form().op().exec(this, in);
                        if (brk) {
                            brk = false;
                            i++;
                            if (i < insns.length) eip = b.eips[i];
                            break;
                        }
                    }
                }
                retired += i;
            } catch (CpuFault f) {
                i = pos;
                retired += i;
                eip = b.eips[i];
                brk = false;
                prev = null;
                raise(f, eip);
                delivered++;
            }
            if (pendingExit != null) return pendingExit;
        }
    }
    /*:*/

    private Block lookup() {
        if (Integer.compareUnsigned(eip, segLimit[CS]) > 0) throw gp(0);
        int lin = segBase[CS] + eip;
        Page p = fetchPage(lin);
        if (p == null) { decoded++; return Decoder.decode(this, eip, false); }
        if (p.hostCode) return null;
        Block[] bs = p.blocks;
        int off = lin & 0xFFF;
        if (bs != null) {
            Block b = bs[off];
            if (b != null && b.startEip == eip && (b.tail == null || b.tailStillReads(this, lin))) return b;
        }
        decoded++;
        Block b = Decoder.decode(this, eip, true);
        if ((b.endEip - eip <= 4096 - off && b.cacheable) || b.tail != null) {
            bs = p.blocks;
            if (bs == null) p.blocks = bs = new Block[4096];
            bs[off] = b;
        }
        return b;
    }

    // ----------------------------------------------------------------------------------
    //  CPUID and the x87 bus
    // ----------------------------------------------------------------------------------

    /*X:620 CPUID tells software what it may use, and software believes it: glibc picks its
     * string functions by these bits, so advertising SSE2 without implementing it would
     * send busybox straight into instructions we cannot run. We say: family 6, an x87
     * (FPU), a time-stamp counter (TSC, which counts retired instructions here), CMPXCHG8B
     * (CX8) and CMOV. Nothing else, and only leaf 1 beyond the vendor leaf. */
    final void cpuid() {
        int leaf = r[EAX];
        int a = 0, b = 0, c = 0, d = 0;
        if (leaf == 0) {
            a = 1;
            b = 0x696c6953; d = 0x516e6f63; c = 0x74736575;   // "SiliconQuest"
        } else if (leaf == 1) {
            a = 0x610;
            d = 1 | 0x10 | 0x100 | 0x8000;
        } else if (leaf == 0x80000000) {
            a = 0x80000000;
        }
        r[EAX] = a; r[EBX] = b; r[ECX] = c; r[EDX] = d;
    }
    /*:*/

    final FpuBus fpuBus = new FpuBus() {
        @Override public int read8(int linear) { return Cpu.this.read8(linear); }
        @Override public int read16(int linear) { return Cpu.this.read16(linear); }
        @Override public int read32(int linear) { return Cpu.this.read32(linear); }
        @Override public void write8(int linear, int value) { Cpu.this.write8(linear, value); }
        @Override public void write16(int linear, int value) { Cpu.this.write16(linear, value); }
        @Override public void write32(int linear, int value) { Cpu.this.write32(linear, value); }
        @Override public boolean carry() { return cf() != 0; }
        @Override public boolean parity() { return pf(); }
        @Override public boolean zero() { return zf(); }
        @Override public void setCompareFlags(boolean z, boolean p, boolean c) {
            materialize();
            flags = (flags & ~ARITH) | (z ? ZF : 0) | (p ? PF : 0) | (c ? CF : 0);
        }
        @Override public void setAX(int value) { setReg(2, EAX, value); }
    };
}
