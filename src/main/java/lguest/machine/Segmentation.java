package lguest.machine;

import static lguest.machine.Cpu.fault;
import static lguest.machine.Cpu.gp;
import static lguest.machine.Registers.CS;
import static lguest.machine.Registers.DS;
import static lguest.machine.Registers.ES;
import static lguest.machine.Registers.SS;

/**
 * Segmentation and the protection checks that hang on it: reading descriptors from the
 * GDT and LDT, loading segment registers and their hidden caches, checking each access
 * against a segment's type and limit, loading TR and LDTR, the stacks of the inner rings
 * that the TSS names, and the I/O permission bitmap. Far transfers, which combine all of
 * these, are in {@link FarTransfer}.
 */
final class Segmentation {
    private final Cpu c;

    Segmentation(Cpu c) { this.c = c; }

    /** The state the processor is in when it is handed over: ring 0, every segment flat, CS at selector 0. */
    void reset() {
        for (int s = 0; s < 6; s++) setCache(s, 0, 0, 0xFFFFFFFF, (s == CS ? 0x9B : 0x93) | 0xC000);
    }

    /*X:400 Segment checks. When a segment is not a flat, writable 4 GiB one, every access
     * through it is checked as the SDM says: a null selector in DS, ES, FS or GS faults
     * only when used; code segments are never writable and only readable when their
     * type says so; the offset of the last byte must lie within the limit (for an
     * expand-down stack segment, above it). A failure through SS is #SS, anything else
     * #GP, both with error code 0. Note that the base is added with 32-bit wrap-around:
     * glibc's TLS reaches variables below the thread pointer as %gs:-4, an offset of
     * 0xFFFFFFFC in a segment whose limit is 4 GiB, and the sum must wrap to base-4. */
    void check(int s, int ea, int len, boolean write) {
        int vec = s == SS ? Vectors.SS : Vectors.GP;
        if (!c.segValid[s]) throw fault(vec, 0);
        int type = c.segAttr[s] & 0x1F;
        if ((type & 8) != 0) {
            if (write || (type & 2) == 0) throw fault(vec, 0);
        } else if (write && (type & 2) == 0) throw fault(vec, 0);
        long first = Integer.toUnsignedLong(ea), last = first + len - 1;
        long limit = Integer.toUnsignedLong(c.segLimit[s]);
        if ((type & 0xC) == 4) {
            long top = (c.segAttr[s] & 0x4000) != 0 ? 0xFFFFFFFFL : 0xFFFFL;
            if (first <= limit || last > top) throw fault(vec, 0);
        } else if (last > limit) throw fault(vec, 0);
    }
    /*:*/

    /** The two words of a descriptor named by a selector, or a fault with errVec(selector). */
    long descriptor(int sel, int errVec, int ext) {
        int base, limit;
        if ((sel & 4) != 0) {
            if (!c.ldtrValid) throw fault(errVec, (sel & 0xFFFC) | ext);
            base = c.ldtrBase; limit = c.ldtrLimit;
        } else { base = c.gdtrBase; limit = c.gdtrLimit; }
        if (Integer.compareUnsigned((sel & 0xFFF8) + 7, limit) > 0) throw fault(errVec, (sel & 0xFFFC) | ext);
        int a = base + (sel & 0xFFF8);
        return Integer.toUnsignedLong(c.sysRead(a, 4)) | ((long) c.sysRead(a + 4, 4) << 32);
    }

    static int base(long d) {
        int lo = (int) d, hi = (int) (d >>> 32);
        return (lo >>> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000);
    }

    static int limit(long d) {
        int lo = (int) d, hi = (int) (d >>> 32);
        int lim = (lo & 0xFFFF) | (hi & 0xF0000);
        return (hi & 0x800000) != 0 ? (lim << 12) | 0xFFF : lim;
    }

    /** Access byte in bits 0-7 (type 0-4, DPL 5-6, P 7), flags nibble in bits 12-15. */
    static int attr(long d) { return (int) (d >>> 40) & 0xF0FF; }

    static int dpl(long d) { return attr(d) >> 5 & 3; }

    static boolean present(long d) { return (attr(d) & 0x80) != 0; }

    /** Sets the descriptor's accessed bit in the table, as the processor does on a load. */
    void setAccessed(int sel, long d) {
        if ((d & (1L << 40)) == 0) {
            int base = (sel & 4) != 0 ? c.ldtrBase : c.gdtrBase;
            c.sysWrite(base + (sel & 0xFFF8) + 5, 1, (int) (d >>> 40) | 1);
        }
    }

    /** Marks the descriptor accessed and copies it into a segment register's hidden part. */
    void load(int s, int sel, long d) {
        setAccessed(sel, d);
        setCache(s, sel, base(d), limit(d), attr(d) | 1);
    }

    private void setCache(int s, int selector, int base, int limit, int attr) {
        if (s == CS) c.csChanged();
        c.segSel[s] = selector & 0xFFFF; c.segBase[s] = base; c.segLimit[s] = limit; c.segAttr[s] = attr;
        c.segValid[s] = true;
        if (s == CS) c.code16 = (attr & 0x4000) == 0;
        int type = attr & 0x1F;
        boolean flatData = (type & 0x1A) == 0x12 && (type & 4) == 0 && limit == 0xFFFFFFFF;
        c.segChk[s] = !flatData;
        updateFlatModel();
    }

    /** A null selector in a data segment register: allowed, but every use faults. */
    void loadNull(int s, int sel) {
        c.segSel[s] = sel; c.segValid[s] = false; c.segChk[s] = true; c.segBase[s] = 0; c.segLimit[s] = 0;
        updateFlatModel();
    }

    void updateFlatModel() {
        c.flatModel = !c.segChk[DS] && !c.segChk[ES] && !c.segChk[SS]
                && c.segBase[DS] == 0 && c.segBase[ES] == 0 && c.segBase[SS] == 0;
    }

    /*X:410 Loading a data or stack segment register (MOV, POP, LDS and friends). The rules
     * are the SDM's, and lguest leans on every one of them: a guest kernel in ring 1 must
     * not be able to load a ring-0 segment, so "DPL must be at least max(CPL, RPL)" is what
     * keeps the Host's own descriptors out of its reach. SS is stricter still: its DPL and
     * RPL must both equal CPL, and it must be writable data, because the processor itself
     * will push onto it. This is also how the Host and the tools set a machine up: from
     * ring 0, with real descriptors in a real GDT, never by writing the hidden part. */
    void loadSegment(int s, int sel) {
        sel &= 0xFFFF;
        if (s == CS) throw fault(Vectors.UD);
        if ((sel & 0xFFFC) == 0) {
            if (s == SS) throw gp(0);
            loadNull(s, sel);
            return;
        }
        long d = descriptor(sel, Vectors.GP, 0);
        int attr = attr(d), dpl = attr >> 5 & 3, rpl = sel & 3, type = attr & 0x1F, cpl = c.cpl;
        if (s == SS) {
            if (rpl != cpl || dpl != cpl || (type & 0x1A) != 0x12) throw gp(sel & 0xFFFC);
            if ((attr & 0x80) == 0) throw fault(Vectors.SS, sel & 0xFFFC);
        } else {
            boolean data = (type & 0x18) == 0x10, readableCode = (type & 0x1A) == 0x1A;
            if (!data && !readableCode) throw gp(sel & 0xFFFC);
            boolean conforming = (type & 0x1C) == 0x1C;
            if (!conforming && dpl < Math.max(cpl, rpl)) throw gp(sel & 0xFFFC);
            if ((attr & 0x80) == 0) throw fault(Vectors.NP, sel & 0xFFFC);
        }
        load(s, sel, d);
    }
    /*:*/

    /** A stack for an inner ring, as the TSS names it: its selector, descriptor and ESP. */
    record Stack(int sel, long desc, int esp) {
        int base() { return Segmentation.base(desc); }
    }

    /*X:415 The stacks of the inner rings. Whenever control moves inward (an interrupt or a
     * call gate into a more privileged ring) the processor does not trust the caller's
     * stack: it takes SS:ESP for the new ring from the TSS (ESP0 at +4 and SS0 at +8,
     * ESP1 at +12, ...), and checks that stack segment as strictly as MOV SS would, with
     * the difference that a bad one is the TSS's fault (#TS) rather than the caller's.
     * lguest's Host keeps SS1:ESP1 pointing at the Guest kernel's stack, which is how a
     * trap from a Guest process lands on it. */
    Stack innerStack(int dpl, int ext) {
        int slot = 4 + dpl * 8;
        if (!c.trValid || Integer.compareUnsigned(slot + 5, c.trLimit) > 0) throw fault(Vectors.TS, (c.trSel & 0xFFFC) + ext);
        int esp = c.sysRead(c.trBase + slot, 4), ssSel = c.sysRead(c.trBase + slot + 4, 2);
        if ((ssSel & 0xFFFC) == 0) throw fault(Vectors.TS, ext);
        if ((ssSel & 3) != dpl) throw fault(Vectors.TS, (ssSel & 0xFFFC) + ext);
        long sd = descriptor(ssSel, Vectors.TS, ext);
        int sa = attr(sd);
        if ((sa & 0x1A) != 0x12 || (sa >> 5 & 3) != dpl) throw fault(Vectors.TS, (ssSel & 0xFFFC) + ext);
        if ((sa & 0x80) == 0) throw fault(Vectors.SS, (ssSel & 0xFFFC) + ext);
        if ((sa & 4) == 0 && Integer.compareUnsigned(esp - 1, limit(sd)) > 0) throw fault(Vectors.SS, (ssSel & 0xFFFC) + ext);
        return new Stack(ssSel, sd, esp);
    }

    /** Writes a frame (lowest address first) below the stack's ESP; returns the ESP it leaves. */
    int pushOnto(Stack st, int size, int[] frame) {
        int sp = st.esp() - size * frame.length;
        for (int k = 0; k < frame.length; k++) c.sysWrite(st.base() + sp + size * k, size, frame[k]);
        return sp;
    }

    /** Commits a move inward: CS for ring dpl, the CPL itself, then the ring's stack. */
    void enterRing(int codeSel, long code, int dpl, Stack st, int sp) {
        load(CS, (codeSel & ~3) | dpl, code);
        c.setCpl(dpl);
        load(SS, st.sel(), st.desc());
        c.r[Registers.ESP] = sp;
    }
    /*:*/

    /** LTR: loads the task register from an available 32-bit TSS descriptor and marks it busy. */
    void loadTaskRegister(int sel) {
        if ((sel & 0xFFFC) == 0) throw gp(0);
        if ((sel & 4) != 0) throw gp(sel & 0xFFFC);
        long d = descriptor(sel, Vectors.GP, 0);
        int attr = attr(d);
        if ((attr & 0x1F) != 0x09) throw gp(sel & 0xFFFC);
        if ((attr & 0x80) == 0) throw fault(Vectors.NP, sel & 0xFFFC);
        c.sysWrite(c.gdtrBase + (sel & 0xFFF8) + 5, 1, (attr & 0xFF) | 2);
        c.trSel = sel & 0xFFFF; c.trBase = base(d); c.trLimit = limit(d); c.trValid = true;
    }

    /** LLDT: a null selector leaves no LDT; otherwise an LDT descriptor from the GDT. */
    void loadLdt(int sel) {
        if ((sel & 0xFFFC) == 0) { c.ldtrValid = false; c.ldtrSel = sel & 0xFFFF; return; }
        if ((sel & 4) != 0) throw gp(sel & 0xFFFC);
        long d = descriptor(sel, Vectors.GP, 0);
        int attr = attr(d);
        if ((attr & 0x1F) != 0x02) throw gp(sel & 0xFFFC);
        if ((attr & 0x80) == 0) throw fault(Vectors.NP, sel & 0xFFFC);
        c.ldtrSel = sel & 0xFFFF; c.ldtrBase = base(d); c.ldtrLimit = limit(d); c.ldtrValid = true;
    }

    /*X:450 I/O permission. IN and OUT are allowed outright when CPL <= IOPL. Otherwise the
     * processor consults the I/O permission bitmap at the end of the TSS (its offset is the
     * 16-bit word at TSS+0x66): one bit per port, and every bit covering the ports touched
     * must be clear. A bitmap that runs past the TSS limit counts as all ones, which is how
     * lguest's Host denies a guest every port with one short TSS. */
    void checkIo(int port, int size) {
        if (c.cpl <= c.iopl()) return;
        if (!c.trValid || Integer.compareUnsigned(c.trLimit, 0x67) < 0) throw gp(0);
        int mapBase = c.sysRead(c.trBase + 0x66, 2);
        int at = mapBase + (port >>> 3);
        if (Integer.compareUnsigned(at + 1, c.trLimit) > 0) throw gp(0);
        int bits = c.sysRead(c.trBase + at, 2) >>> (port & 7);
        if ((bits & ((1 << size) - 1)) != 0) throw gp(0);
    }
    /*:*/
}
