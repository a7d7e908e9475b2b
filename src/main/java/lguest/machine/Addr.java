package lguest.machine;

/** A decoded memory operand: segment, base, index, scale and displacement. */
final class Addr {
    final int seg, base, index, shift, disp;
    /** Through DS, ES or SS, which are all flat in a flat-model system. */
    final boolean plain;

    Addr(int seg, int base, int index, int shift, int disp) {
        this.seg = seg; this.base = base; this.index = index; this.shift = shift; this.disp = disp;
        this.plain = seg == Cpu.DS || seg == Cpu.ES || seg == Cpu.SS;
    }

    /** The effective address (the offset within the segment). */
    int ea(Cpu c) {
        int[] r = c.r;
        return r[base] + (r[index] << shift) + disp;
    }

    /** The linear address, after the segment checks for an access of len bytes (W: a write). */
    int lin(Cpu c, int len, boolean write) {
        int ea = ea(c);
        if (plain && c.flatModel) return ea;
        if (c.segChk[seg]) c.segCheck(seg, ea, len, write);
        return c.segBase[seg] + ea;
    }
}
