package lguest.machine;

import static lguest.machine.Cpu.fault;
import static lguest.machine.Cpu.gp;
import static lguest.machine.Registers.CS;
import static lguest.machine.Registers.DS;
import static lguest.machine.Registers.ES;
import static lguest.machine.Registers.ESP;
import static lguest.machine.Registers.FS;
import static lguest.machine.Registers.GS;
import static lguest.machine.Registers.IF;
import static lguest.machine.Registers.RF;
import static lguest.machine.Registers.IOPL;
import static lguest.machine.Registers.NT;
import static lguest.machine.Registers.SS;

/**
 * Far JMP, far CALL, far RET and IRET: the transfers that load CS, and so may change the
 * privilege level. A far JMP or CALL names either a code segment or a call gate; the
 * returns go back the way they came, outward only.
 */
final class FarTransfer {
    private final Cpu c;
    private final Segmentation seg;

    FarTransfer(Cpu c, Segmentation seg) {
        this.c = c;
        this.seg = seg;
    }

    private static boolean isCallGate(long d) {
        int type = Segmentation.attr(d) & 0x1F;
        return type == 0x0C || type == 0x04;
    }

    /** Checks a code segment named directly by a far JMP or CALL: no change of ring is possible. */
    private long directTarget(int sel, long d) {
        int attr = Segmentation.attr(d), dpl = attr >> 5 & 3, rpl = sel & 3, type = attr & 0x1F;
        if ((type & 0x18) != 0x18) throw gp(sel & 0xFFFC);
        if ((type & 4) != 0) { if (dpl > c.cpl) throw gp(sel & 0xFFFC); }
        else if (rpl > c.cpl || dpl != c.cpl) throw gp(sel & 0xFFFC);
        if ((attr & 0x80) == 0) throw fault(Vectors.NP, sel & 0xFFFC);
        return d;
    }

    /** The descriptor a far JMP or CALL names: a code segment or a call gate, nothing else here (no task switches). */
    private long named(int sel) {
        if ((sel & 0xFFFC) == 0) throw gp(0);
        long d = seg.descriptor(sel, Vectors.GP, 0);
        if (!isCallGate(d) && (Segmentation.attr(d) & 0x10) == 0) throw gp(sel & 0xFFFC);
        return d;
    }

    void jump(int sel, int off) {
        long d = named(sel);
        if (isCallGate(d)) { jumpThroughGate(sel, d); return; }
        directTarget(sel, d);
        if (Integer.compareUnsigned(off, Segmentation.limit(d)) > 0) throw gp(0);
        seg.load(CS, (sel & ~3) | c.cpl, d);
        c.eip = off;
    }

    void call(int sel, int off, int retEip, int size) {
        long d = named(sel);
        if (isCallGate(d)) { callThroughGate(sel, d, retEip); return; }
        directTarget(sel, d);
        if (Integer.compareUnsigned(off, Segmentation.limit(d)) > 0) throw gp(0);
        pushReturn(size, retEip);
        seg.load(CS, (sel & ~3) | c.cpl, d);
        c.eip = off;
    }

    /** Pushes CS and the return EIP on the current stack, both pages checked before either is written. */
    private void pushReturn(int size, int retEip) {
        int sp = c.r[ESP];
        int a1 = c.stackLinW(sp - size, size), a2 = c.stackLinW(sp - 2 * size, size);
        c.probeWrite(c.cpl == 3 ? 1 : 0, a2, 2 * size);
        c.wr(a1, size, c.segSel[CS]);
        c.wr(a2, size, retEip);
        c.r[ESP] = sp - 2 * size;
    }

    /*X:430 Call gates. A segment descriptor cannot lead to a more privileged ring: a far
     * CALL straight to a ring-0 code segment from ring 3 is #GP, whatever its offset. A
     * call gate is the sanctioned door: a descriptor in the GDT or LDT that names a code
     * segment *and* the one offset in it where callers may enter, so that the caller
     * chooses the gate but not the address (the offset in the CALL instruction is
     * ignored). The gate's DPL says who may use it: CPL and the selector's RPL must both
     * be numerically no greater. The target segment's DPL says which ring the callee runs
     * in, and it may not be numerically greater than CPL: a gate leads inward or
     * sideways, never out. A JMP may use a gate too, but only sideways, since a jump
     * leaves nothing to return through. A 16-bit gate (type 4) makes everything it pushes
     * 16 bits wide and keeps only the low half of its offset; a 32-bit gate (type 12) is
     * the kind a 32-bit system uses, when it uses call gates at all (Linux uses INT 0x80
     * instead, through a trap gate in the IDT). */
    private record Gate(int codeSel, long code, int offset, int size, int params) { }

    private Gate openGate(int sel, long d) {
        int dpl = Segmentation.dpl(d);
        if (dpl < c.cpl || dpl < (sel & 3)) throw gp(sel & 0xFFFC);
        if (!Segmentation.present(d)) throw fault(Vectors.NP, sel & 0xFFFC);
        int lo = (int) d, hi = (int) (d >>> 32), codeSel = lo >>> 16;
        boolean wide = (Segmentation.attr(d) & 0x1F) == 0x0C;
        int offset = (lo & 0xFFFF) | (wide ? hi & 0xFFFF0000 : 0);
        if ((codeSel & 0xFFFC) == 0) throw gp(0);
        long code = seg.descriptor(codeSel, Vectors.GP, 0);
        int attr = Segmentation.attr(code);
        if ((attr & 0x18) != 0x18 || (attr >> 5 & 3) > c.cpl) throw gp(codeSel & 0xFFFC);
        return new Gate(codeSel, code, offset, wide ? 4 : 2, hi & 0x1F);
    }

    private void jumpThroughGate(int sel, long d) {
        Gate g = openGate(sel, d);
        boolean conforming = (Segmentation.attr(g.code) & 4) != 0;
        if (!conforming && Segmentation.dpl(g.code) != c.cpl) throw gp(g.codeSel & 0xFFFC);
        if (!Segmentation.present(g.code)) throw fault(Vectors.NP, g.codeSel & 0xFFFC);
        checkLimit(g);
        seg.load(CS, (g.codeSel & ~3) | c.cpl, g.code);
        c.eip = g.offset;
    }
    /*:*/

    /*X:435 A call through a gate into an inner ring switches stacks, because the inner
     * ring must never run on a stack its caller controls. The new SS:ESP comes from the
     * TSS (X:415); onto it go the caller's SS and ESP, then the gate's parameter count of
     * words copied from the top of the caller's stack (so a ring-3 caller can pass
     * arguments without the callee ever touching ring 3's stack), then CS and EIP. The
     * matching far RET with an immediate (RET n) releases the parameters from both stacks
     * on the way out (X:420). Everything that can fault (the gate, the code segment, the
     * TSS's stack, the parameters, the pushes) is done before CS, CPL, SS or ESP change. */
    private void callThroughGate(int sel, long d, int retEip) {
        Gate g = openGate(sel, d);
        if (!Segmentation.present(g.code)) throw fault(Vectors.NP, g.codeSel & 0xFFFC);
        int dpl = Segmentation.dpl(g.code), size = g.size;
        boolean conforming = (Segmentation.attr(g.code) & 4) != 0;
        if (conforming || dpl == c.cpl) {
            checkLimit(g);
            pushReturn(size, retEip);
            seg.load(CS, (g.codeSel & ~3) | c.cpl, g.code);
        } else {
            Segmentation.Stack st = seg.innerStack(dpl, 0);
            checkLimit(g);
            int n = g.params, oldEsp = c.r[ESP];
            int[] frame = new int[n + 4];
            frame[0] = retEip;
            frame[1] = c.segSel[CS];
            for (int k = 0; k < n; k++) frame[2 + k] = c.rd(c.stackLin(oldEsp + k * size, size), size);
            frame[n + 2] = oldEsp;
            frame[n + 3] = c.segSel[SS];
            int sp = seg.pushOnto(st, size, frame);
            seg.enterRing(g.codeSel, g.code, dpl, st, sp);
        }
        c.eip = size == 2 ? g.offset & 0xFFFF : g.offset;
    }
    /*:*/

    private static void checkLimit(Gate g) {
        if (Integer.compareUnsigned(g.offset, Segmentation.limit(g.code)) > 0) throw gp(0);
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
    void ret(int size, boolean iret, int extraPop) {
        if (iret && (c.flags & NT) != 0) throw gp(0);
        int sp = c.r[ESP];
        int newEip = c.rd(c.stackLin(sp, size), size);
        int sel = c.rd(c.stackLin(sp + size, size), size) & 0xFFFF;
        int newFlags = iret ? c.rd(c.stackLin(sp + 2 * size, size), size) : 0;
        int popped = (iret ? 3 : 2) * size, rpl = sel & 3;
        long d = returnTarget(sel);
        if (Integer.compareUnsigned(newEip, Segmentation.limit(d)) > 0) throw gp(0);
        int oldCpl = c.cpl;
        if (rpl > c.cpl) {
            int newEsp = c.rd(c.stackLin(sp + popped + extraPop, size), size);
            int ssSel = c.rd(c.stackLin(sp + popped + extraPop + size, size), size) & 0xFFFF;
            long sd = outerStack(ssSel, rpl);
            seg.load(CS, sel, d);
            c.setCpl(rpl);
            seg.load(SS, ssSel, sd);
            c.r[ESP] = newEsp + extraPop;
            nullInaccessibleSegments(rpl);
        } else {
            seg.load(CS, sel, d);
            c.r[ESP] = sp + popped + extraPop;
        }
        c.eip = newEip;
        if (iret) restoreFlags(newFlags, oldCpl, size);
        c.selectTlb();
    }
    /*:*/

    private long returnTarget(int sel) {
        if ((sel & 0xFFFC) == 0) throw gp(0);
        long d = seg.descriptor(sel, Vectors.GP, 0);
        int attr = Segmentation.attr(d), dpl = attr >> 5 & 3, rpl = sel & 3, type = attr & 0x1F;
        if ((type & 0x18) != 0x18 || rpl < c.cpl) throw gp(sel & 0xFFFC);
        if ((type & 4) != 0 ? dpl > rpl : dpl != rpl) throw gp(sel & 0xFFFC);
        if ((attr & 0x80) == 0) throw fault(Vectors.NP, sel & 0xFFFC);
        return d;
    }

    private long outerStack(int ssSel, int rpl) {
        if ((ssSel & 0xFFFC) == 0 || (ssSel & 3) != rpl) throw gp(ssSel & 0xFFFC);
        long sd = seg.descriptor(ssSel, Vectors.GP, 0);
        int sa = Segmentation.attr(sd);
        if ((sa & 0x1A) != 0x12 || (sa >> 5 & 3) != rpl) throw gp(ssSel & 0xFFFC);
        if ((sa & 0x80) == 0) throw fault(Vectors.SS, ssSel & 0xFFFC);
        return sd;
    }

    private void nullInaccessibleSegments(int rpl) {
        for (int s : new int[] {ES, DS, FS, GS}) {
            int t = c.segAttr[s] & 0x1F;
            boolean conformingCode = (t & 0x1C) == 0x1C;
            if (c.segValid[s] && !conformingCode && (c.segAttr[s] >> 5 & 3) < rpl) seg.loadNull(s, 0);
        }
    }

    private void restoreFlags(int newFlags, int oldCpl, int size) {
        int changeable = 0x257FD5 & ~(IOPL | IF);
        if (oldCpl == 0) changeable |= IOPL;
        if (oldCpl <= c.iopl()) changeable |= IF;
        if (size == 2) changeable &= 0xFFFF;
        c.materialize();
        c.flags = (c.flags & ~changeable) | (newFlags & changeable) | 2;
        c.rfLoaded = (newFlags & changeable & RF) != 0;
    }
}
