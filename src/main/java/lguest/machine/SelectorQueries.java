package lguest.machine;

import static lguest.machine.Form.row;

import java.util.List;

/**
 * LAR, LSL, VERR and VERW, which ask about a selector without loading it, and ARPL,
 * which lowers a selector's privilege to a caller's.
 */
final class SelectorQueries {
    private SelectorQueries() { }

    /** ARPL's row of the one-byte map (LAR, LSL, VERR and VERW are in {@link TwoByteMap}). */
    static final List<Form> ROWS = List.of(row("63 /r", "ARPL Ew,Gw", SelectorQueries::arpl));

    /*X:460 The protected-mode questions. A segment register load that breaks a rule is a
     * fault, and a fault is a blunt way to find out whether a selector is any good. So the
     * 80286 added four instructions that ask instead of trying, and answer in ZF, at any
     * privilege level: VERR and VERW (could I read, could I write through this selector?),
     * LAR (what are its access rights: type, DPL, present, granularity?) and LSL (what is
     * its limit, in bytes, already scaled by G?). An operating system hands selectors to
     * less privileged code; a kernel receiving one back in a system call asks these
     * questions before it trusts it, and a debugger asks them to print a segment.
     *
     * The rules are those of a data-segment load, minus the fault. A null selector, one
     * past the end of its table, or one into an LDT when there is none, gets ZF = 0 and
     * leaves the destination alone. So does a descriptor the caller could not load: a
     * DPL numerically below CPL or below the selector's RPL, unless it is conforming
     * code, which anybody may use. LAR also answers for the system descriptors that have
     * access rights worth reporting (TSSs, LDTs, call and task gates) and LSL for the ones
     * that have a limit (TSSs and LDTs); interrupt and trap gates are nobody's business.
     * ARPL belongs with them: a kernel given a selector by a caller raises the selector's
     * RPL to the caller's (ARPL with the caller's CS as source), so that whatever the
     * selector is later used for, the processor checks it against the caller's privilege,
     * not the kernel's. It sets ZF when it had to raise the RPL. */
    static void lar(Cpu c, Insn i) {
        long d = accessible(c, i.b(c), LAR_TYPES);
        if (d != 0) i.setA(c, (int) (d >>> 32) & 0x00FFFF00);
    }

    static void lsl(Cpu c, Insn i) {
        long d = accessible(c, i.b(c), LSL_TYPES);
        if (d != 0) i.setA(c, Cpu.descLimit(d));
    }

    static void verr(Cpu c, Insn i) {
        long d = accessible(c, i.a(c), 0);
        int type = Cpu.descAttr(d) & 0x1F;
        answer(c, d != 0 && (type & 0x18) != 0 && ((type & 8) == 0 || (type & 2) != 0));
    }

    static void verw(Cpu c, Insn i) {
        long d = accessible(c, i.a(c), 0);
        int type = Cpu.descAttr(d) & 0x1F;
        answer(c, d != 0 && (type & 0x1A) == 0x12);
    }

    static void arpl(Cpu c, Insn i) {
        int dst = i.aForUpdate(c), rpl = i.b(c) & 3;
        boolean raise = (dst & 3) < rpl;
        i.putA(c, raise ? (dst & ~3) | rpl : dst);
        answer(c, raise);
    }
    /*:*/

    /** The system descriptor types LAR reports: TSSs (both sizes, available or busy), LDT, call and task gates. */
    private static final int LAR_TYPES = 1 << 1 | 1 << 2 | 1 << 3 | 1 << 4 | 1 << 5 | 1 << 9 | 1 << 11 | 1 << 12;
    /** ... and LSL: the ones with a limit, TSSs and LDTs. */
    private static final int LSL_TYPES = 1 << 1 | 1 << 2 | 1 << 3 | 1 << 9 | 1 << 11;
    /** What {@link Cpu#descriptor} throws here instead of a fault: nothing is raised. */
    private static final int NO_SUCH = -1;

    /**
     * The descriptor the selector names if the caller may see it (a code or data segment,
     * or a system descriptor whose type is in systemTypes), else 0; sets ZF to say which.
     */
    private static long accessible(Cpu c, int sel, int systemTypes) {
        sel &= 0xFFFF;
        long d = 0;
        if ((sel & 0xFFFC) != 0) {
            try {
                d = c.descriptor(sel, NO_SUCH, 0);
            } catch (CpuFault f) {
                if (f.vector != NO_SUCH) throw f;
            }
        }
        int attr = Cpu.descAttr(d), type = attr & 0x1F, dpl = attr >> 5 & 3;
        boolean segment = (type & 0x10) != 0, conformingCode = (type & 0x1C) == 0x1C;
        boolean ok = d != 0 && (segment || (systemTypes >> type & 1) != 0)
                && (conformingCode || (dpl >= c.cpl && dpl >= (sel & 3)));
        answer(c, ok);
        return ok ? d : 0;
    }

    /** ZF alone, the others as they were. */
    private static void answer(Cpu c, boolean yes) {
        c.materialize();
        c.flags = yes ? c.flags | Cpu.ZF : c.flags & ~Cpu.ZF;
    }
}
