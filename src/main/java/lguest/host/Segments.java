package lguest.host;

import static lguest.host.Abi.*;

import lguest.machine.PhysicalMemory;

/**
 * The guest's GDT: LOAD_GDT, LOAD_TLS, the entries the guest may not touch, and the copy
 * the CPU uses in the Switcher's read-only page.
 */
final class Segments {
    private final Guest g;
    /** The Host's record of the guest's GDT: low and high words of 32 descriptors. */
    final int[] lo = new int[GDT_ENTRIES], hi = new int[GDT_ENTRIES];
    /** And of its LDT (H:520): ldtCount entries in use. */
    final int[] ldtLo = new int[LDT_ENTRIES], ldtHi = new int[LDT_ENTRIES];
    int ldtCount;

    Segments(Guest g) {
        this.g = g;
    }

    /*H:500 Segments, the part of the i386 everybody wishes away and nobody can.
     * The Guest may write any GDT entry except those that belong to the Host: 10 and
     * 11, the Switcher's own ring-0 code and data; 16, the TSS, which tells the CPU
     * where ring 0's stack is (the register page, S:070); 31, the double-fault TSS;
     * and 17, the descriptor of the Guest's LDT, which is ours (H:520).  Those are
     * simply skipped when the Guest's table is copied in, so a Guest that writes them
     * writes nothing.
     *
     * For the rest, lguest 2.6.23 made only two fix-ups and checked nothing else.
     * A descriptor with DPL 0 becomes DPL 1: ring 0 is the Host's, and a Guest
     * kernel that could load a ring-0 segment could run ring-0 code.  And the
     * accessed bit is set in advance, because the CPU sets it when it loads a
     * segment, and the table it would write is in a read-only page.  A bogus
     * descriptor is not rejected here; the CPU rejects it when the Switcher loads it,
     * inside the Switcher, and that is a death of its own ("unhandled trap 256"). */
    /** Whether GDT entry num is the Host's (the Guest's writes skip it; a snapshot may not name it, M:673). */
    static boolean ignoredGdt(int num) {
        // LAB(gdt-rules) { throw new UnsupportedOperationException("lab gdt-rules: say which GDT entries are the Host's (read H:500, S:100)");
        return num == GDT_ENTRY_TSS || num == GDT_ENTRY_LGUEST_CS || num == GDT_ENTRY_LGUEST_DS
                || num == GDT_ENTRY_DOUBLEFAULT_TSS || num == GDT_ENTRY_LDT;
        // LAB(gdt-rules) }
    }

    void fixupGdtTable(int start, int end) {
        // LAB(gdt-rules) { throw new UnsupportedOperationException("lab gdt-rules: fix up the Guest's descriptors (read H:500, X:410)");
        for (int i = start; i < end; i++) {
            if (ignoredGdt(i)) continue;
            if ((hi[i] & 0x6000) == 0) hi[i] |= GUEST_PL << 13;
            hi[i] |= 0x100;
        }
        // LAB(gdt-rules) }
    }
    /*:*/

    /*H:510 LOAD_GDT: the Guest hands over the physical address and the number of
     * entries.  More than 32 is a broken rule (the table is a fixed 32 entries in the
     * Switcher's page, and a longer one would run into the TSS), so that kills it. */
    void loadGuestGdt(int table, int num) {
        // LAB(gdt-rules) { throw new UnsupportedOperationException("lab gdt-rules: LOAD_GDT, check and copy in the Guest's table (read H:510, H:100)");
        if (Integer.compareUnsigned(num, GDT_ENTRIES) > 0) {
            g.kill("too many gdt entries " + num);
            return;
        }
        byte[] b = g.read(table, num * 8);
        for (int i = 0; i < num; i++) {
            lo[i] = word(b, i * 8);
            hi[i] = word(b, i * 8 + 4);
        }
        fixupGdtTable(0, GDT_ENTRIES);
        g.changed |= Switcher.CHANGED_GDT;
        // LAB(gdt-rules) }
    }

    /* LOAD_TLS: the three thread-local-storage entries, changed on every context
     * switch between processes, so they get their own cheap call. */
    void guestLoadTls(int gtls) {
        // LAB(gdt-rules) { throw new UnsupportedOperationException("lab gdt-rules: LOAD_TLS, the three TLS entries (read H:510)");
        byte[] b = g.read(gtls, GDT_ENTRY_TLS_ENTRIES * 8);
        for (int i = 0; i < GDT_ENTRY_TLS_ENTRIES; i++) {
            lo[GDT_ENTRY_TLS_MIN + i] = word(b, i * 8);
            hi[GDT_ENTRY_TLS_MIN + i] = word(b, i * 8 + 4);
        }
        fixupGdtTable(GDT_ENTRY_TLS_MIN, GDT_ENTRY_TLS_MIN + GDT_ENTRY_TLS_ENTRIES);
        g.changed |= Switcher.CHANGED_GDT_TLS;
        // LAB(gdt-rules) }
    }
    /*:*/

    /*H:520 LOAD_LDT, which lguest 2.6.23 did not have: its Guests had no local
     * descriptor table, and a program that asked for one (modify_ldt: Wine, 16-bit
     * code, QEMU's test-i386) got ENOSYS.  The LDT is a second table of segments, one
     * per process, named by selectors with bit 2 set; the CPU finds it through an LDT
     * descriptor in the GDT, loaded with LLDT.  Like the GDT it is a privilege, so the
     * Guest hands it over and the Host keeps the copy the CPU reads, in the
     * Switcher's read-only page after the TSS, described by GDT entry 17, which is the
     * Host's like the TSS's (H:500); the Switcher loads LDTR on its way in when the
     * table changed (S:080).  The rules are the GDT's, and one more: only code and
     * data segments (a system descriptor, a call gate above all, could lead a ring-3
     * far call into ring 1, which is the Guest kernel's business to allow, not a
     * program's), so anything else, or more than 16 entries, kills the Guest.  A
     * table of no entries means "no LDT": a null LDTR. */
    void loadGuestLdt(int table, int num) {
        if (Integer.compareUnsigned(num, LDT_ENTRIES) > 0) {
            g.kill("too many ldt entries " + num);
            return;
        }
        byte[] b = g.read(table, num * 8);
        int[] l = new int[num], h = new int[num];
        for (int i = 0; i < num; i++) {
            l[i] = word(b, i * 8);
            h[i] = word(b, i * 8 + 4);
        }
        setLdt(l, h, num);
    }

    /** Checks and keeps an LDT of n entries (LOAD_LDT, or a snapshot's). */
    void setLdt(int[] l, int[] h, int n) {
        for (int i = 0; i < n; i++) {
            boolean empty = l[i] == 0 && h[i] == 0;
            if (!empty && (h[i] & 0x1000) == 0) {
                g.kill("bad ldt entry " + i + ": not a code or data segment");
                return;
            }
            ldtLo[i] = l[i];
            ldtHi[i] = empty ? 0 : ((h[i] & 0x6000) == 0 ? h[i] | GUEST_PL << 13 : h[i]) | 0x100;
        }
        ldtCount = n;
        g.changed |= Switcher.CHANGED_LDT;
    }

    /** Writes the LDT at ldt (physical; ldtVirt as the CPU sees it) and its descriptor into the GDT at gdt. */
    void copyLdt(int ldt, int ldtVirt, int gdt) {
        for (int i = 0; i < ldtCount; i++) {
            g.mem.write32(ldt + i * 8, ldtLo[i]);
            g.mem.write32(ldt + i * 8 + 4, ldtHi[i]);
        }
        int limit = ldtCount * 8 - 1;
        g.mem.write32(gdt + GDT_ENTRY_LDT * 8, ldtCount == 0 ? 0 : (limit & 0xFFFF) | (ldtVirt << 16));
        g.mem.write32(gdt + GDT_ENTRY_LDT * 8 + 4, ldtCount == 0 ? 0
                : 0x00008200 | (ldtVirt & 0xFF000000) | ((ldtVirt >>> 16) & 0xFF));
    }
    /*:*/

    /** Before the guest loads a table of its own: flat kernel code and data with DPL 1. */
    void setupGuestGdt() {
        lo[GDT_ENTRY_KERNEL_CS] = 0x0000FFFF;
        hi[GDT_ENTRY_KERNEL_CS] = 0x00CF9B00 | (GUEST_PL << 13);
        lo[GDT_ENTRY_KERNEL_DS] = 0x0000FFFF;
        hi[GDT_ENTRY_KERNEL_DS] = 0x00CF9300 | (GUEST_PL << 13);
    }

    void copyGdt(int dst) {
        for (int i = 0; i < GDT_ENTRIES; i++) {
            if (ignoredGdt(i)) continue;
            g.mem.write32(dst + i * 8, lo[i]);
            g.mem.write32(dst + i * 8 + 4, hi[i]);
        }
    }

    void copyGdtTls(int dst) {
        for (int i = GDT_ENTRY_TLS_MIN; i < GDT_ENTRY_TLS_MIN + GDT_ENTRY_TLS_ENTRIES; i++) {
            g.mem.write32(dst + i * 8, lo[i]);
            g.mem.write32(dst + i * 8 + 4, hi[i]);
        }
    }

    /*S:100 The Host's entries in the Guest's GDT: LGUEST_CS and LGUEST_DS, flat
     * ring-0 code and data for the Switcher (with the accessed bit already set, as
     * the table is read-only), and the TSS descriptor, type 9 "available 32-bit
     * TSS", pointing at the TSS in the same read-only page. */
    static void setupDefaultGdtEntries(PhysicalMemory mem, int gdt, int tssVirt) {
        mem.write32(gdt + GDT_ENTRY_LGUEST_CS * 8, 0x0000FFFF);
        mem.write32(gdt + GDT_ENTRY_LGUEST_CS * 8 + 4, 0x00CF9B00);
        mem.write32(gdt + GDT_ENTRY_LGUEST_DS * 8, 0x0000FFFF);
        mem.write32(gdt + GDT_ENTRY_LGUEST_DS * 8 + 4, 0x00CF9300);
        mem.write32(gdt + GDT_ENTRY_TSS * 8, 0x00000067 | (tssVirt << 16));
        mem.write32(gdt + GDT_ENTRY_TSS * 8 + 4, 0x00008900 | (tssVirt & 0xFF000000) | ((tssVirt >>> 16) & 0xFF));
    }
    /*:*/

    static int word(byte[] b, int o) {
        return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8 | (b[o + 2] & 0xFF) << 16 | (b[o + 3] & 0xFF) << 24;
    }
}
