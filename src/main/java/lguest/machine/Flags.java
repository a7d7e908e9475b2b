package lguest.machine;

import static lguest.machine.Cpu.EAX;

/** The instructions whose business is EFLAGS: CLC, STC, CMC, CLD, STD, CLI, STI, PUSHF, POPF, LAHF, SAHF. */
final class Flags {
    private Flags() { }

    static void clc(Cpu c, Insn i) { c.setCF(false); }

    static void stc(Cpu c, Insn i) { c.setCF(true); }

    static void cmc(Cpu c, Insn i) { c.setCF(c.cf() == 0); }

    static void cld(Cpu c, Insn i) { c.flags &= ~Cpu.DF; }

    static void std(Cpu c, Insn i) { c.flags |= Cpu.DF; }

    /** CLI and STI are for code trusted with interrupts: CPL <= IOPL. */
    static void cli(Cpu c, Insn i) {
        if (c.cpl > c.iopl()) throw Cpu.gp(0);
        c.flags &= ~Cpu.IF;
    }

    static void sti(Cpu c, Insn i) {
        if (c.cpl > c.iopl()) throw Cpu.gp(0);
        c.flags |= Cpu.IF;
    }

    /** PUSHF: RF and VM read as clear in the pushed image. */
    static void pushf(Cpu c, Insn i) { c.push(i.size(), c.getEflags() & ~(Cpu.RF | 0x20000)); }

    /*X:180 POPF changes only what the current privilege allows: IOPL only at CPL 0, IF
     * only when CPL <= IOPL, and never VM or RF (only IRET loads RF, X:512); a bit it
     * may not change is kept, silently, which is how a guest kernel deprivileged to
     * ring 1 can believe it disabled interrupts when it did not, the very problem
     * lguest's paravirtualization removes. */
    static void popf(Cpu c, Insn i) {
        int sz = i.size(), v = c.pop(sz);
        int changeable = 0x257FD5 & ~(Cpu.IOPL | Cpu.IF | Cpu.RF);
        if (c.cpl == 0) changeable |= Cpu.IOPL;
        if (c.cpl <= c.iopl()) changeable |= Cpu.IF;
        if (sz == 2) changeable &= 0xFFFF;
        c.materialize();
        c.flags = (c.flags & ~changeable) | (v & changeable) | 2;
        c.selectTlb();
    }
    /*:*/

    static void sahf(Cpu c, Insn i) {
        c.materialize();
        c.flags = (c.flags & ~0xD5) | ((c.r[EAX] >> 8) & 0xD5);
    }

    static void lahf(Cpu c, Insn i) { c.setReg(1, 4, (c.getEflags() & 0xD5) | 2); }
}
