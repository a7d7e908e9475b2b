package lguest.machine;

import lguest.machine.fpu.FpuBus;
import lguest.machine.fpu.X87;

/**
 * One emulated i686 processor in 32-bit protected mode. Its architectural state is public
 * (general registers and EIP directly; EFLAGS, the control registers, GDTR, IDTR, TR and
 * the segment registers through accessors and through the loads that have side effects:
 * a CR3 load flushes the TLB, a segment load reads its descriptor); everything else
 * (decoded blocks, the software TLB, lazy flags) is private to the silicon. {@link #run}
 * executes until one of the exits in {@link Exit}.
 *
 * <p>The processor is built from parts a reader can find by name: {@link Registers} (the
 * register file and the lazy flags, which this class extends), {@link Mmu} (the TLB and
 * the page walk), {@link Segmentation} (descriptors, segment loads and protection checks),
 * {@link FarTransfer} (far JMP, CALL, RET, IRET and call gates) and {@link Delivery}
 * (exceptions, interrupts, single-step). The one-line methods below are the names the
 * instructions use; each hands over to the part that does the work.
 */
public final class Cpu extends Registers {
    /*X:195 Where the parts of the processor live. A real i686 is one chip, but a reader
     * looks for one thing at a time, so ours is cut along the lines of the manual. The
     * register file, with the flags kept lazily, is Registers (X:200), and Cpu extends it
     * because every instruction touches it: an ADD must not follow a pointer to find
     * EAX. Memory goes through the Mmu (X:300): the TLB and the page walk. Segmentation
     * (X:400) reads descriptors, loads segment registers and checks every access through
     * a segment that is not flat; FarTransfer (X:420) is the far JMP, CALL, RET and IRET,
     * with the call gates that lead from one ring to another. Delivery (X:500) takes an
     * exception or an interrupt through the IDT, and owns the single-step trap. The loop
     * that runs it all is Execution (X:600), which interprets a block or hands it to the
     * translator (X:611). What is left here is the wiring and the stack. :*/
    final PhysicalMemory mem;
    final Mmu mmu;
    final Segmentation seg;
    final FarTransfer far;
    final Delivery delivery;
    public final X87 x87 = new X87();
    IoBus io = IoBus.EMPTY;

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
    volatile boolean interruptLine;
    /** Set by an instruction that wants the block loop to stop after it (self-modifying code). */
    boolean brk;
    /** The linear address of the memory operand an instruction is updating (see Insn.aForUpdate). */
    int lin;
    Exit pendingExit;
    /** Translated runs nested through links now, and the exit the last one left by (X:620). */
    int depth;
    Translation exitFrom;
    int exitSlot;
    /** Set by an instruction after which no single-step trap is due (see X:520). */
    boolean stepHeld;
    /** Set by an IRET that loaded RF, which the run loop then leaves set (see X:512). */
    boolean rfLoaded;

    public Cpu(PhysicalMemory mem) {
        this.mem = mem;
        this.mmu = new Mmu(this, mem);
        this.seg = new Segmentation(this);
        this.far = new FarTransfer(this, seg);
        this.delivery = new Delivery(this, seg);
        seg.reset();
        setCpl(0);
    }

    public PhysicalMemory memory() { return mem; }

    public void setIoBus(IoBus bus) { this.io = bus; }

    /** Instructions retired since this CPU was made (what RDTSC reads, too). */
    public long retired() { return retired; }

    /** Blocks decoded so far: a measure of how well the block cache is doing. */
    public long blocksDecoded() { return execution.decoded; }

    /** Raises the external interrupt line: run() returns INTERRUPT at the next block boundary. */
    public void raiseInterruptLine() { interruptLine = true; }

    /** Called whenever CS is loaded: links made under the old CS may lead elsewhere now. */
    void csChanged() { newEpoch(); }

    final void setCpl(int n) {
        newEpoch();
        cpl = n;
        selectTlb();
    }

    /** Sets every writable EFLAGS bit (VM stays clear: this CPU has no virtual-8086 mode). */
    public void setEflags(int v) {
        flags = (v & 0x257FD5) | 2;
        fOp = F_NONE;
        selectTlb();
    }

    // ----------------------------------------------------------------------------------
    //  Control registers: each load does what the hardware does on that load
    // ----------------------------------------------------------------------------------

    public void setCr0(int v) {
        int old = cr0;
        if ((v & CR0_PG) != 0 && (v & CR0_PE) == 0) throw gp(0);
        cr0 = v | CR0_PE | CR0_ET;
        if (((old ^ cr0) & (CR0_PG | CR0_WP)) != 0) flushTlb();
        selectTlb();
    }

    /** A CR3 load: a new page directory, and every translation of the old one forgotten. */
    public void setCr3(int v) {
        cr3 = v;
        flushTlb();
    }

    public void setCr4(int v) {
        if ((v & ~(CR4_TSD | CR4_DE)) != 0) throw gp(0);
        cr4 = v;
    }

    /** Forgets every translation (what a CR3 load does). */
    public void flushTlb() {
        newEpoch();
        mmu.flush();
    }

    /** Forgets the translation of one linear address (INVLPG). */
    public void invlpg(int lin) {
        newEpoch();
        mmu.invlpg(lin);
    }

    /** Picks the TLB for the current ring and alignment checking (X:320); call after CPL, CR0 or AC change. */
    final void selectTlb() { mmu.select(); }

    // ----------------------------------------------------------------------------------
    //  Memory, through the MMU (X:300)
    // ----------------------------------------------------------------------------------

    /** Little-endian views of a frame's bytes, for the string instructions' bulk paths. */
    static final java.lang.invoke.VarHandle I32 = Mmu.I32, I16 = Mmu.I16;

    /*X:305 The TLB hit, the path nearly every memory access takes, runs here in Cpu
     * rather than in the Mmu: the Mmu puts the current ring's TLB arrays into these
     * fields (select(), X:320) and the instructions read them with no pointer to the Mmu
     * in between. One load more per access does not sound like much, but a guest makes a
     * memory access every other instruction, and that load cost three to ten per cent of
     * the interpreter's speed in bench-cpu. Everything past a hit (the walk, page
     * crossings, writes to pages holding code) is the Mmu's. */
    int[] rTag, wTag;
    byte[][] rData;
    Page[] rPage, wPage;
    /** The privilege of the current ring's accesses: 1 for user (CPL 3), 0 for supervisor. */
    int mode;

    final int read32(int a) {
        int vpn = a >>> 12, i = vpn & Mmu.TLB_MASK, o = a & 0xFFF;
        if (rTag[i] == vpn && o <= 0xFFC) return (int) I32.get(rData[i], o);
        return mmu.readSlow(mode, a, 4);
    }

    final void write32(int a, int v) {
        int vpn = a >>> 12, i = vpn & Mmu.TLB_MASK, o = a & 0xFFF;
        Page p;
        if (wTag[i] == vpn && o <= 0xFFC && (p = wPage[i]).blocks == null) I32.set(p.data, o, v);
        else mmu.writeSlow(mode, a, 4, v);
    }
    /*:*/

    final int read16(int a) {
        int vpn = a >>> 12, i = vpn & Mmu.TLB_MASK, o = a & 0xFFF;
        if (rTag[i] == vpn && o <= 0xFFE) return (short) I16.get(rData[i], o) & 0xFFFF;
        return mmu.readSlow(mode, a, 2);
    }

    final int read8(int a) {
        int vpn = a >>> 12, i = vpn & Mmu.TLB_MASK;
        if (rTag[i] == vpn) return rData[i][a & 0xFFF] & 0xFF;
        return mmu.readSlow(mode, a, 1);
    }

    final void write16(int a, int v) {
        int vpn = a >>> 12, i = vpn & Mmu.TLB_MASK, o = a & 0xFFF;
        Page p;
        if (wTag[i] == vpn && o <= 0xFFE && (p = wPage[i]).blocks == null) I16.set(p.data, o, (short) v);
        else mmu.writeSlow(mode, a, 2, v);
    }

    final void write8(int a, int v) {
        int vpn = a >>> 12, i = vpn & Mmu.TLB_MASK;
        Page p;
        if (wTag[i] == vpn && (p = wPage[i]).blocks == null) p.data[a & 0xFFF] = (byte) v;
        else mmu.writeSlow(mode, a, 1, v);
    }

    final int rd(int a, int size) {
        return size == 4 ? read32(a) : size == 2 ? read16(a) : read8(a);
    }

    final void wr(int a, int size, int v) {
        if (size == 4) write32(a, v); else if (size == 2) write16(a, v); else write8(a, v);
    }

    /** Reads for a read-modify-write: translated as a write, so a read-only page faults before anything changes. */
    final int rdW(int a, int size) {
        int vpn = a >>> 12, i = vpn & Mmu.TLB_MASK;
        if (wTag[i] != vpn || ((a + size - 1) >>> 12) != vpn) probeWrite(mode, a, size);
        return rd(a, size);
    }

    /** Makes sure every page of [a, a+size) may be written, faulting now if not. */
    final void probeWrite(int mode, int a, int size) { mmu.probeWrite(mode, a, size); }

    /** Supervisor-mode accesses the processor makes by itself: descriptor tables, TSS, ring-0 stacks. */
    final int sysRead(int a, int size) { return mmu.readSlow(0, a, size); }

    final void sysWrite(int a, int size, int v) { mmu.writeSlow(0, a, size, v); }

    /** The page holding an instruction byte (translated as a read), or null for a hole. */
    final Page fetchPage(int lin) {
        int vpn = lin >>> 12, i = vpn & Mmu.TLB_MASK;
        if (rTag[i] == vpn) return rPage[i];
        return mem.frame(mmu.translate(mode, lin, false));
    }

    /** The frame behind a linear address for a bulk string copy, or null if it has no array. */
    final Page pageFor(int lin, boolean write) {
        int vpn = lin >>> 12, i = vpn & Mmu.TLB_MASK;
        if (write ? wTag[i] == vpn : rTag[i] == vpn) return write ? wPage[i] : rPage[i];
        Page p = mem.frame(mmu.translate(mode, lin, write));
        return p != null && p.data != null ? p : null;
    }

    /** One byte of code at a linear address (used by the decoder). */
    final int fetch8(int lin) {
        Page p = fetchPage(lin);
        return p == null ? 0xFF : p.get8(lin & 0xFFF);
    }

    // ----------------------------------------------------------------------------------
    //  The stack
    // ----------------------------------------------------------------------------------

    final int stackLin(int sp, int len) {
        if (segChk[SS]) segCheck(SS, sp, len, false);
        return segBase[SS] + sp;
    }

    final int stackLinW(int sp, int len) {
        if (segChk[SS]) segCheck(SS, sp, len, true);
        return segBase[SS] + sp;
    }

    final void push32(int v) {
        int sp = r[ESP] - 4;
        write32(stackLinW(sp, 4), v);
        r[ESP] = sp;
    }

    final int pop32() {
        int sp = r[ESP];
        int v = read32(stackLin(sp, 4));
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

    // ----------------------------------------------------------------------------------
    //  Segments, far transfers and delivery: the names instructions (and the Host) use
    // ----------------------------------------------------------------------------------

    static CpuFault gp(int err) { return new CpuFault(Vectors.GP, err, true); }

    static CpuFault fault(int vec, int err) { return new CpuFault(vec, err, true); }

    static CpuFault fault(int vec) { return new CpuFault(vec, 0, false); }

    final void segCheck(int s, int ea, int len, boolean write) { seg.check(s, ea, len, write); }

    /**
     * MOV, POP or LDS to a data or stack segment register, with every check of the SDM
     * (X:410). The Host and the tools use it too, from ring 0, to load SS and the data
     * segments from descriptors in their GDT. A load of SS holds off the single-step trap
     * for one instruction (X:520); the SDM says so for MOV and POP only, so LSS, which
     * comes here as well, must clear stepHeld after the load to be exact.
     */
    public void loadSegment(int s, int sel) {
        seg.loadSegment(s, sel);
        if (s == SS) stepHeld = true;
    }

    /**
     * A far JMP to sel:off, with the checks of the current privilege level: to a code
     * segment, or through a call gate (X:430). It is also how the Host puts the CPU at its
     * entry point in a ring-0 code segment of its GDT, as lguest's far call into the
     * Switcher did.
     */
    public void farJump(int sel, int off) { far.jump(sel, off); }

    final void farCall(int sel, int off, int retEip, int size) { far.call(sel, off, retEip, size); }

    final void farReturn(int size, boolean iret, int extraPop) { far.ret(size, iret, extraPop); }

    /** LTR: loads the task register from an available 32-bit TSS descriptor and marks it busy. */
    public void loadTaskRegister(int sel) { seg.loadTaskRegister(sel); }

    /** LLDT: a null selector leaves no LDT; otherwise an LDT descriptor from the GDT. */
    public void loadLdt(int sel) { seg.loadLdt(sel); }

    final void checkIo(int port, int size) { seg.checkIo(port, size); }

    /** The two words of the descriptor a selector names (for LAR, LSL, VERR, VERW), or the fault. */
    final long descriptor(int sel, int errVec, int ext) { return seg.descriptor(sel, errVec, ext); }

    static int descBase(long d) { return Segmentation.base(d); }

    static int descLimit(long d) { return Segmentation.limit(d); }

    static int descAttr(long d) { return Segmentation.attr(d); }

    final void deliver(int vec, int err, boolean hasErr, boolean soft, int retEip, int ext) {
        delivery.deliver(vec, err, hasErr, soft, retEip, ext);
    }

    final void raise(CpuFault f, int faultEip) { delivery.raise(f, faultEip); }

    /** INT n, INT3, INTO: a software interrupt, with the gate's DPL checked against CPL. */
    final void softInt(int vec, int nextEip) { delivery.deliver(vec, 0, false, true, nextEip, 0); }

    /** Delivers an external (hardware) interrupt now, as if the line of this vector fired. */
    public void deliverInterrupt(int vector) { delivery.external(vector); }

    // ----------------------------------------------------------------------------------
    //  The run loop (see Execution)
    // ----------------------------------------------------------------------------------

    /** The run loop and block cache of this CPU (interpreter and translator). */
    final Execution execution = new Execution(this);

    /**
     * Runs until an exit. A positive budget bounds the instructions retired plus the
     * exceptions delivered in this call (so even a fault that repeats forever returns);
     * zero or less means no bound.
     */
    public Exit run(long budget) {
        return execution.run(budget);
    }

    // ----------------------------------------------------------------------------------
    //  CPUID and the x87 bus
    // ----------------------------------------------------------------------------------

    /*X:640 CPUID tells software what it may use, and software believes it: glibc picks its
     * string functions by these bits, so advertising SSE2 without implementing it would
     * send busybox straight into instructions we cannot run. We say: family 6, an x87
     * (FPU), a time-stamp counter (TSC, which counts retired instructions here), CMPXCHG8B
     * (CX8) and CMOV. Nothing else, and only leaf 1 beyond the vendor leaf. The same
     * belief is why a program compared with the host may rightly print something else:
     * QEMU's float_madds test gets its fmaf() from glibc's FMA code on this machine's
     * processor and from the x87 code here, and the two propagate a different NaN (with
     * the host's FMA and SSE hidden from glibc, GLIBC_TUNABLES=glibc.cpu.hwcaps=-FMA,...,
     * they print the same); and its fp-exceptions test uses FISTTP, an SSE3 instruction,
     * which an i686 answers with #UD. */
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
