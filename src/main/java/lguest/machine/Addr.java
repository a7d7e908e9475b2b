package lguest.machine;

/**
 * A decoded memory operand: segment, base, index, scale (as a shift) and displacement,
 * for either address size. Register number 8 is the CPU's always-zero r[8], which stands
 * for "no base" or "no index". With the 0x67 prefix the offset is 16 bits wide: the sum
 * wraps at 64 KiB (mask 0xFFFF), which is what BX+SI+disp does on a real part.
 */
record Addr(int seg, int base, int index, int shift, int disp, int mask, boolean plain) {

    static final int NONE = 8;

    /** A memory operand of the given address size (4, or 2 under 0x67). */
    static Addr of(int seg, int base, int index, int shift, int disp, int asize) {
        boolean plain = seg == Cpu.DS || seg == Cpu.ES || seg == Cpu.SS;
        return new Addr(seg, base, index, shift, asize == 2 ? disp & 0xFFFF : disp, asize == 2 ? 0xFFFF : -1, plain);
    }

    /** The effective address (the offset within the segment). */
    int ea(Cpu c) {
        int[] r = c.r;
        return (r[base] + (r[index] << shift) + disp) & mask;
    }

    /** The linear address, after the segment checks for an access of len bytes (write: a write). */
    int lin(Cpu c, int len, boolean write) {
        return linear(c, ea(c), seg, plain, len, write);
    }

    /** The same for an effective address already computed (the translator computes it from its locals). */
    static int linear(Cpu c, int ea, int seg, boolean plain, int len, boolean write) {
        if (plain && c.flatModel) return ea;
        if (c.segChk[seg]) c.segCheck(seg, ea, len, write);
        return c.segBase[seg] + ea;
    }
}
