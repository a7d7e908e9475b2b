package lguest.machine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The memory-management unit of one {@link Cpu}: linear addresses in, physical frames out.
 * A software TLB answers most accesses in a few instructions; a miss walks the two-level
 * page tables in emulated memory (X:300, X:310). Everything it knows about the processor
 * (CR0, CR3, CPL, EFLAGS.AC) it reads from the CPU's registers; what it remembers (the
 * TLB) is forgotten only when the architecture says so.
 */
final class Mmu {
    private final Cpu cpu;
    private final PhysicalMemory mem;

    Mmu(Cpu cpu, PhysicalMemory mem) {
        this.cpu = cpu;
        this.mem = mem;
        flush();
    }

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
    /*:*/

    static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    /** Makes sure every page of [a, a+size) may be written, faulting now if not. */
    void probeWrite(int mode, int a, int size) {
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
            if (p.blocks != null) cpu.brk = true;
            p.put8(phys & 0xFFF, v >>> (8 * k));
        }
    }

    /*X:310 The page walk, for a TLB miss. Two levels: the directory entry picked by the
     * top ten bits, then the table entry picked by the next ten. Each must be present; a
     * user access needs the U/S bit in both; a write needs R/W in both when it comes from
     * user mode, and from supervisor mode too once CR0.WP is set (which is what lets a
     * kernel, or lguest's Switcher, protect pages from itself). A failed walk sets CR2 to
     * the faulting linear address and builds the error code the handler will read: bit 0
     * "the page was present" (so this was a protection fault), bit 1 "it was a write", bit
     * 2 "it came from user mode". A successful walk sets the accessed bits, and the dirty
     * bit for a write, in the very bytes of the page tables, as the hardware does. */
    int translate(int mode, int lin, boolean write) {
        int cr0 = cpu.cr0;
        if ((cr0 & Cpu.CR0_PG) == 0) return fill(mode, lin, lin, write);
        // LAB(page-walk) { throw new UnsupportedOperationException("lab page-walk: walk the page directory and table, check P, U/S, R/W and WP, set A and D (read X:300, X:305, X:310)");
        boolean user = mode == 1;
        int pdeAddr = (cpu.cr3 & 0xFFFFF000) | ((lin >>> 22) << 2);
        int pde = physRead32(pdeAddr);
        int err = (write ? 2 : 0) | (user ? 4 : 0);
        if ((pde & 1) == 0) throw pageFault(lin, err);
        int pteAddr = (pde & 0xFFFFF000) | (((lin >>> 12) & 0x3FF) << 2);
        int pte = physRead32(pteAddr);
        if ((pte & 1) == 0) throw pageFault(lin, err);
        int both = pde & pte;
        if (user && (both & 4) == 0) throw pageFault(lin, err | 1);
        if (write && (both & 2) == 0 && (user || (cr0 & Cpu.CR0_WP) != 0)) throw pageFault(lin, err | 1);
        if ((pde & 0x20) == 0) physWrite32(pdeAddr, pde | 0x20);
        int newPte = pte | 0x20 | (write ? 0x40 : 0);
        if (newPte != pte) physWrite32(pteAddr, newPte);
        return fill(mode, lin, (pte & 0xFFFFF000) | (lin & 0xFFF), write);
        // LAB(page-walk) }
    }
    /*:*/

    private CpuFault pageFault(int lin, int err) {
        cpu.cr2 = lin;
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
        if (p.dropCode()) cpu.brk = true;
        if (p.data != null) I32.set(p.data, phys & 0xFFC, v); else p.buffer.putInt(phys & 0xFFC, v);
    }

    /** Forgets every translation (what a CR3 load does). */
    void flush() {
        for (int m = 0; m < 2; m++) { Arrays.fill(rTagM[m], -1); Arrays.fill(wTagM[m], -1); }
    }

    /** Forgets the translation of one linear address (INVLPG). */
    void invlpg(int lin) {
        int vpn = lin >>> 12, i = vpn & TLB_MASK;
        for (int m = 0; m < 2; m++) {
            if (rTagM[m][i] == vpn) rTagM[m][i] = -1;
            if (wTagM[m][i] == vpn) wTagM[m][i] = -1;
        }
    }

    /*X:320 Alignment checking (#AC) costs the fast path nothing. It is on only when CR0.AM,
     * EFLAGS.AC and CPL 3 all say so, which is rare; then the CPU simply looks up its
     * translations in a TLB that never hits, so every access goes through the slow path,
     * and the slow path is where the alignment is checked. Whatever changes one of the
     * three (CR0 loads, POPF, IRET, any change of ring) calls this again. */
    private final int[] missTag = new int[TLB_SIZE];
    private boolean alignCheck;

    void select() {
        Cpu c = cpu;
        int m = c.cpl == 3 ? 1 : 0;
        c.mode = m;
        alignCheck = (c.cr0 & Cpu.CR0_AM) != 0 && (c.flags & Cpu.AC) != 0 && m == 1;
        if (alignCheck) { Arrays.fill(missTag, -1); c.rTag = missTag; c.wTag = missTag; }
        else { c.rTag = rTagM[m]; c.wTag = wTagM[m]; }
        c.rData = rDataM[m]; c.rPage = rPageM[m]; c.wPage = wPageM[m];
    }

    private void checkAlignment(int mode, int a, int size) {
        if (alignCheck && mode == 1 && (a & (size - 1)) != 0) throw new CpuFault(Vectors.AC, 0, true);
    }
    /*:*/
}
