package lguest.machine;

import static lguest.machine.Cpu.EAX;
import static lguest.machine.Cpu.EDX;

/**
 * The system instructions of the two-byte map: the descriptor-table and task registers
 * (groups 6 and 7), control and debug registers, CLTS, the cache and MSR instructions,
 * RDTSC and CPUID.
 */
final class SystemOps {
    private SystemOps() { }

    /** Ring 0 only: the rule of every instruction here that changes the machine. */
    static void privileged(Cpu c) {
        if (c.cpl != 0) throw Cpu.gp(0);
    }

    /**
     * Stores a 16-bit system value to operand a: a memory operand takes 16 bits whatever
     * the operand size, a register takes the operand size, zero-extended (SLDT, STR, SMSW).
     */
    private static void storeSelector(Cpu c, Insn i, int v) {
        if (i.addr() != null) c.wr(i.lin(c, 2, true), 2, v);
        else c.setReg(i.size(), i.rm(), v);
    }

    static void sldt(Cpu c, Insn i) { storeSelector(c, i, c.ldtrSel); }

    static void str(Cpu c, Insn i) { storeSelector(c, i, c.trSel); }

    static void smsw(Cpu c, Insn i) { storeSelector(c, i, c.cr0); }

    static void lldt(Cpu c, Insn i) {
        privileged(c);
        c.loadLdt(i.a(c));
    }

    static void ltr(Cpu c, Insn i) {
        privileged(c);
        c.loadTaskRegister(i.a(c));
    }

    /** LMSW: the low four bits of CR0, except that PE can be set but never cleared. */
    static void lmsw(Cpu c, Insn i) {
        privileged(c);
        int v = i.a(c);
        c.setCr0((c.cr0 & ~0xE) | (v & 0xF) | (c.cr0 & 1));
    }

    /** SGDT, SIDT: a 16-bit limit and a 32-bit base, six bytes, written only once both fit. */
    static void sgdt(Cpu c, Insn i) { storeTable(c, i, c.gdtrLimit, c.gdtrBase); }

    static void sidt(Cpu c, Insn i) { storeTable(c, i, c.idtrLimit, c.idtrBase); }

    private static void storeTable(Cpu c, Insn i, int limit, int base) {
        int l = i.lin(c, 6, true);
        c.probeWrite(c.cpl == 3 ? 1 : 0, l, 6);
        c.write16(l, limit);
        c.write32(l + 2, base);
    }

    /** LGDT, LIDT: with a 16-bit operand size only 24 bits of the base are loaded. */
    static void lgdt(Cpu c, Insn i) {
        int[] t = loadTable(c, i);
        c.gdtrLimit = t[0];
        c.gdtrBase = t[1];
    }

    static void lidt(Cpu c, Insn i) {
        int[] t = loadTable(c, i);
        c.idtrLimit = t[0];
        c.idtrBase = t[1];
    }

    private static int[] loadTable(Cpu c, Insn i) {
        privileged(c);
        int l = i.lin(c, 6, false);
        int limit = c.read16(l), base = c.read32(l + 2);
        return new int[] {limit, i.size() == 2 ? base & 0xFFFFFF : base};
    }

    static void invlpg(Cpu c, Insn i) {
        privileged(c);
        c.invlpg(c.segBase[i.addr().seg()] + i.addr().ea(c));
    }

    static void clts(Cpu c, Insn i) {
        privileged(c);
        c.cr0 &= ~Cpu.CR0_TS;
    }

    /** INVD, WBINVD: there are no caches to write back or throw away. */
    static void invalidateCaches(Cpu c, Insn i) { privileged(c); }

    /** MOV r32, CRn (the reg field names CR0, CR2, CR3 or CR4; the others are #UD). */
    static void readCr(Cpu c, Insn i) {
        privileged(c);
        int n = i.reg();
        c.r[i.rm()] = n == 0 ? c.cr0 : n == 2 ? c.cr2 : n == 3 ? c.cr3 : c.cr4;
    }

    /** MOV CRn, r32: through the setters, which flush what the new value makes stale. */
    static void writeCr(Cpu c, Insn i) {
        privileged(c);
        int v = c.r[i.rm()];
        switch (i.reg()) {
            case 0 -> c.setCr0(v);
            case 2 -> c.cr2 = v;
            case 3 -> c.setCr3(v);
            default -> c.setCr4(v);
        }
    }

    static void readDr(Cpu c, Insn i) {
        privileged(c);
        c.r[i.rm()] = c.dr[i.reg()];
    }

    static void writeDr(Cpu c, Insn i) {
        privileged(c);
        c.dr[i.reg()] = c.r[i.rm()];
    }

    /** WRMSR, RDMSR, RDPMC: this CPU has no model-specific registers to offer. */
    static void noMsrs(Cpu c, Insn i) { throw Cpu.gp(0); }

    /** RDTSC: the retired-instruction count stands in for the cycle counter. */
    static void rdtsc(Cpu c, Insn i) {
        if ((c.cr4 & Cpu.CR4_TSD) != 0 && c.cpl != 0) throw Cpu.gp(0);
        long t = c.retired;
        c.r[EAX] = (int) t;
        c.r[EDX] = (int) (t >>> 32);
    }

    static void cpuid(Cpu c, Insn i) { c.cpuid(); }
}
