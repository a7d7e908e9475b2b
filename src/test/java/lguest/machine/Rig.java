package lguest.machine;

/**
 * A hand-made protected-mode machine for the system-architecture tests: flat ring 0, 1
 * and 3 segments, a TSS with ring-0 and ring-1 stacks, an identity-mapped 4 MiB with
 * paging and CR0.WP on, and an IDT whose gates all lead into a page marked as host code,
 * so every trap ends run() with its frame on the ring-0 stack for the test to read.
 */
final class Rig {
    static final int GDT = 0x1000, IDT = 0x2000, TSS = 0x3000, PD = 0x4000, PT = 0x5000, HOST = 0x8000,
            ENTRY = 0x7000, RING1_CODE = 0x9000, CODE = 0x10000, DATA = 0x20000, USTACK = 0x30000, KSTACK = 0x40000,
            R1STACK = 0x50000, SMALL = 0x60000;
    static final int KCODE = 0x08, KDATA = 0x10, R1CODE = 0x19, R1DATA = 0x21, UCODE = 0x2B, UDATA = 0x33,
            TSS_SEL = 0x38, SMALL_SEL = 0x43, GSWRAP_SEL = 0x4B, ABSENT_SEL = 0x53;

    final PhysicalMemory mem = new PhysicalMemory();
    final Cpu cpu = new Cpu(mem);
    int pc = CODE;

    Rig() {
        mem.addRegion(0, 4 << 20);
        desc(KCODE, 0, 0xFFFFF, 0x9A, 0xC);
        desc(KDATA, 0, 0xFFFFF, 0x92, 0xC);
        desc(R1CODE, 0, 0xFFFFF, 0xBA, 0xC);
        desc(R1DATA, 0, 0xFFFFF, 0xB2, 0xC);
        desc(UCODE, 0, 0xFFFFF, 0xFA, 0xC);
        desc(UDATA, 0, 0xFFFFF, 0xF2, 0xC);
        desc(TSS_SEL, TSS, 0x68 + 32, 0x89, 0);
        desc(SMALL_SEL, SMALL, 0xFFF, 0xF2, 0x4);
        desc(GSWRAP_SEL, 0x00021000, 0xFFFFF, 0xF2, 0xC);
        desc(ABSENT_SEL, 0, 0xFFFFF, 0x72, 0xC);
        mem.write32(TSS + 4, KSTACK);
        mem.write32(TSS + 8, KDATA);
        mem.write32(TSS + 12, R1STACK);
        mem.write32(TSS + 16, R1DATA);
        mem.write16(TSS + 0x66, 0x68);
        for (int p = 0; p <= 32; p++) mem.write8(TSS + 0x68 + p, 0xFF);
        for (int v = 0; v < 32; v++) gate(v, KCODE, HOST + v * 16, 0, true);
        gate(0x80, KCODE, HOST + 0x800, 3, true);
        gate(0x81, KCODE, HOST + 0x810, 0, true);
        gate(3, KCODE, HOST + 3 * 16, 3, true);
        gate(4, KCODE, HOST + 4 * 16, 3, true);
        mem.markHostCode(HOST >>> 12);
        mem.write32(PD, PT | 7);
        for (int p = 0; p < 1024; p++) mem.write32(PT + 4 * p, (p << 12) | (p >= 0x10 ? 7 : 3));
        cpu.loadGdtr(GDT, 0x57);
        cpu.loadIdtr(IDT, 0x7FF);
        cpu.setCr3(PD);
        cpu.setCr0(cpu.cr0() | Cpu.CR0_PG | Cpu.CR0_WP);
        cpu.loadTaskRegister(TSS_SEL);
        ring(0);
    }

    void desc(int sel, int base, int limit, int access, int flags) {
        int at = GDT + (sel & ~7);
        mem.write32(at, (limit & 0xFFFF) | (base << 16));
        mem.write32(at + 4, ((base >>> 16) & 0xFF) | (access << 8) | (limit & 0xF0000) | (flags << 20) | (base & 0xFF000000));
    }

    /**
     * A call gate in the GDT at selector sel (the GDT limit grows to hold it): into codeSel
     * at off, usable from rings numerically at or below dpl, copying params words; a 32-bit
     * gate (type 12) when wide, else a 16-bit one (type 4).
     */
    void callGate(int sel, int codeSel, int off, int dpl, int params, boolean wide) {
        int at = GDT + (sel & ~7);
        mem.write32(at, (codeSel << 16) | (off & 0xFFFF));
        mem.write32(at + 4, (off & 0xFFFF0000) | 0x8000 | (dpl << 13) | ((wide ? 0xC : 0x4) << 8) | params);
        cpu.loadGdtr(GDT, Math.max(cpu.gdtrLimit(), (sel | 7)));
    }

    /** An interrupt gate (or a trap gate, when interruptGate is false). */
    void gate(int vec, int sel, int handler, int dpl, boolean interruptGate) {
        mem.write32(IDT + vec * 8, (sel << 16) | (handler & 0xFFFF));
        mem.write32(IDT + vec * 8 + 4, (handler & 0xFFFF0000) | 0x8000 | (dpl << 13) | (interruptGate ? 0xE00 : 0xF00));
    }

    /**
     * Puts the CPU at CODE in the given ring, with that ring's flat segments and stack, the
     * way system software gets there: an interrupt back to ring 0 if need be, then segment
     * loads from the GDT, and for an outer ring a far return (LRET) executed at ENTRY.
     */
    void ring(int n) {
        if (cpu.cpl() != 0) cpu.deliverInterrupt(0x81);
        int cs = n == 0 ? KCODE : n == 1 ? R1CODE : UCODE, ds = n == 0 ? KDATA : n == 1 ? R1DATA : UDATA;
        int esp = n == 0 ? KSTACK - 0x100 : n == 1 ? R1STACK - 0x100 : USTACK;
        cpu.farJump(KCODE, ENTRY);
        cpu.loadSegment(Cpu.SS, KDATA);
        for (int s : new int[] {Cpu.DS, Cpu.ES, Cpu.FS, Cpu.GS}) cpu.loadSegment(s, ds);
        if (n == 0) {
            cpu.r[Cpu.ESP] = esp;
            cpu.farJump(KCODE, CODE);
        } else {
            int frame = KSTACK - 0x200;
            mem.write32(frame, CODE);
            mem.write32(frame + 4, cs);
            mem.write32(frame + 8, esp);
            mem.write32(frame + 12, ds);
            mem.write8(ENTRY, 0xCB);                                  // lret
            cpu.r[Cpu.ESP] = frame;
            if (cpu.run(1) != Exit.BUDGET || cpu.cpl() != n) throw new IllegalStateException("LRET to ring " + n + " failed");
        }
        pc = CODE;
    }

    /** Appends machine code at the assembly point. */
    Rig code(int... bytes) {
        for (int b : bytes) mem.write8(pc++, b);
        return this;
    }

    Rig code32(int v) {
        mem.write32(pc, v);
        pc += 4;
        return this;
    }

    /** Runs to the next exit and says which trap (if any) brought it there. */
    Trap run() {
        Exit e = cpu.run(100_000);
        return new Trap(e, this);
    }

    static boolean hasErrorCode(int v) {
        return v == 8 || (v >= 10 && v <= 14) || v == 17;
    }

    /** What a trap left: the vector (from the handler address), and the frame the CPU pushed. */
    static final class Trap {
        final Exit exit;
        final int vector, error, eip, cs, eflags, esp, ss;

        Trap(Exit exit, Rig rig) {
            this.exit = exit;
            Cpu c = rig.cpu;
            int off = c.eip - HOST;
            this.vector = exit == Exit.HOST_CODE ? (off >= 0x800 ? 0x80 + (off - 0x800) / 16 : off / 16) : -1;
            int sp = c.r[Cpu.ESP];
            boolean ec = exit == Exit.HOST_CODE && vector < 32 && hasErrorCode(vector);
            this.error = ec ? rig.mem.read32(sp) : -1;
            if (ec) sp += 4;
            this.eip = rig.mem.read32(sp);
            this.cs = rig.mem.read32(sp + 4) & 0xFFFF;
            this.eflags = rig.mem.read32(sp + 8);
            boolean outer = (cs & 3) != 0;
            this.esp = outer ? rig.mem.read32(sp + 12) : -1;
            this.ss = outer ? rig.mem.read32(sp + 16) & 0xFFFF : -1;
        }
    }
}
