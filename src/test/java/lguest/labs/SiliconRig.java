package lguest.labs;

import lguest.machine.Cpu;
import lguest.machine.Exit;
import lguest.machine.PhysicalMemory;

/**
 * A bare emulated machine for the Silicon labs' graders, built only from what the machine
 * offers to anyone (the public face of {@link Cpu} and {@link PhysicalMemory}): flat ring-0
 * and ring-3 segments, a TSS with a ring-0 stack, an identity map of the first 4 MiB (the
 * first 64 KiB supervisor-only, the rest user-accessible, all writable) and an IDT whose
 * gates lead into a page marked as host code, so that every trap ends {@code run} with its
 * frame on the ring-0 stack. With {@code paging} false the same machine runs with CR0.PG
 * off, for graders that must not depend on the page walk.
 */
final class SiliconRig {
    static final int GDT = 0x1000, IDT = 0x2000, TSS = 0x3000, PD = 0x4000, PT = 0x5000, PT2 = 0x6000, ENTRY = 0x7000,
            HOST = 0x8000, CODE = 0x10000, DATA = 0x20000, USTACK = 0x30000, KSTACK = 0x40000;
    static final int KCODE = 0x08, KDATA = 0x10, UCODE = 0x1B, UDATA = 0x23, TSS_SEL = 0x28;
    static final int PF = 14;

    final PhysicalMemory mem = new PhysicalMemory();
    final Cpu cpu = new Cpu(mem);
    int pc = CODE;

    SiliconRig(boolean paging) {
        mem.addRegion(0, 4 << 20);
        desc(KCODE, 0, 0xFFFFF, 0x9A, 0xC);
        desc(KDATA, 0, 0xFFFFF, 0x92, 0xC);
        desc(UCODE, 0, 0xFFFFF, 0xFA, 0xC);
        desc(UDATA, 0, 0xFFFFF, 0xF2, 0xC);
        desc(TSS_SEL, TSS, 0x67, 0x89, 0);
        mem.write32(TSS + 4, KSTACK);
        mem.write32(TSS + 8, KDATA);
        mem.write16(TSS + 0x66, 0x68);
        for (int v = 0; v < 256; v++) {
            int handler = HOST + v * 16;
            mem.write32(IDT + v * 8, (KCODE << 16) | (handler & 0xFFFF));
            mem.write32(IDT + v * 8 + 4, (handler & 0xFFFF0000) | 0x8E00 | (v == 0x80 ? 3 << 13 : 0));
        }
        mem.markHostCode(HOST >>> 12);
        mem.write32(PD, PT | 7);
        for (int p = 0; p < 1024; p++) mem.write32(PT + 4 * p, (p << 12) | (p >= 0x10 ? 7 : 3));
        cpu.loadGdtr(GDT, 0x2F);
        cpu.loadIdtr(IDT, 0x7FF);
        cpu.setCr3(PD);
        if (paging) cpu.setCr0(cpu.cr0() | Cpu.CR0_PG | Cpu.CR0_WP);
        cpu.loadTaskRegister(TSS_SEL);
        ring(0);
    }

    private void desc(int sel, int base, int limit, int access, int flags) {
        int at = GDT + (sel & ~7);
        mem.write32(at, (limit & 0xFFFF) | (base << 16));
        mem.write32(at + 4, ((base >>> 16) & 0xFF) | (access << 8) | (limit & 0xF0000) | (flags << 20)
                | (base & 0xFF000000));
    }

    /**
     * Puts the CPU at CODE in ring 0 or ring 3, with that ring's flat segments and a stack,
     * the way system software gets there: an interrupt back to ring 0 if need be, segment
     * loads from the GDT, and for ring 3 a far return (LRET) executed at ENTRY.
     */
    SiliconRig ring(int n) {
        if (cpu.cpl() != 0) cpu.deliverInterrupt(0x81);
        int ds = n == 0 ? KDATA : UDATA;
        cpu.farJump(KCODE, ENTRY);
        cpu.loadSegment(Cpu.SS, KDATA);
        for (int s : new int[] {Cpu.DS, Cpu.ES, Cpu.FS, Cpu.GS}) cpu.loadSegment(s, ds);
        if (n == 0) {
            cpu.r[Cpu.ESP] = KSTACK - 0x100;
            cpu.farJump(KCODE, CODE);
        } else {
            int frame = KSTACK - 0x200;
            int[] words = {CODE, UCODE, USTACK, UDATA};
            for (int k = 0; k < 4; k++) mem.write32(frame + 4 * k, words[k]);
            mem.write8(ENTRY, 0xCB);                                  // lret
            cpu.r[Cpu.ESP] = frame;
            if (cpu.run(1) != Exit.BUDGET || cpu.cpl() != 3) throw new IllegalStateException("LRET to ring 3 failed");
        }
        pc = CODE;
        return this;
    }

    /** Appends machine code at the assembly point. */
    SiliconRig code(int... bytes) {
        for (int b : bytes) mem.write8(pc++, b);
        return this;
    }

    SiliconRig code32(int v) {
        mem.write32(pc, v);
        pc += 4;
        return this;
    }

    /** The page-table entry that maps linear address lin in the first 4 MiB. */
    static int pte(int lin) {
        return PT + 4 * (lin >>> 12);
    }

    /** What a trap left: its vector (from the stub it reached), error code and faulting EIP. */
    record Trap(Exit exit, int vector, int error, int eip) {
        @Override
        public String toString() {
            return exit == Exit.HOST_CODE ? String.format("trap %d, error code %d, at eip %#x", vector, error, eip)
                    : "no trap but " + exit;
        }
    }

    /** Runs to the next exit (a bounded number of instructions) and says which trap brought it there. */
    Trap run() {
        Exit e = cpu.run(100_000);
        if (e != Exit.HOST_CODE) return new Trap(e, -1, -1, -1);
        int vector = (cpu.eip - HOST) / 16;
        int sp = cpu.r[Cpu.ESP];
        boolean ec = vector == 8 || (vector >= 10 && vector <= 14) || vector == 17;
        int error = ec ? mem.read32(sp) : -1;
        return new Trap(e, vector, error, mem.read32(ec ? sp + 4 : sp));
    }
}
