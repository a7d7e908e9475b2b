package lguest.host;

import lguest.machine.PhysicalMemory;

/**
 * Shadow page tables: the page tables the CPU really walks, built by the Host from the
 * guest's own, on demand, in host-owned frames.
 */
final class ShadowPageTables {
    /*H:400 The Bit of Despair, as lguest's authors called it.  The Guest has page
     * tables, and the Guest believes the CPU walks them.  It must not: a Guest page
     * table can name any page number, including the Host's, and the Guest can change
     * it at any moment without telling anyone.  So the CPU walks *shadow* tables that
     * the Host builds, entry by entry, from the Guest's, after checking each one.
     * They start empty and are filled when the CPU faults on a hole (demand paging);
     * the Guest tells the Host when it changes an entry (SET_PTE, SET_PMD) or a whole
     * table (NEW_PGTABLE), and those shadows are adjusted or thrown away. :*/
    static final int PRESENT = 1, RW = 2, USER = 4, PWT = 8, ACCESSED = 0x20, DIRTY = 0x40, PSE = 0x80,
            GLOBAL = 0x100, PAGE_TABLE = 0x67;

    private final Guest g;
    private final PhysicalMemory mem;
    /*H:410 Four shadow page directories per Guest, each remembered with the guest
     * CR3 it shadows.  A kernel switches page tables on every process switch, and
     * throwing the whole shadow away each time would make every switch a storm of
     * page faults.  Four is lguest's guess at the working set of a small system.
     * Which four: when a fifth directory is loaded, lguest left it to chance and
     * evicted one at random; this Host keeps count of use and evicts the least
     * recently loaded (H:460).  Whether counting pays is a fair question, and the
     * lab in M:230 answers it with a hit rate. :*/
    private final int[] gcr3 = new int[4], spgdir = new int[4];
    private int pgdidx;

    ShadowPageTables(Guest g, int pgdir) {
        this.g = g;
        this.mem = g.mem;
        spgdir[0] = g.frames.alloc();
        gcr3[0] = pgdir;
    }

    int currentShadow() { return spgdir[pgdidx]; }

    /** The page directory the Guest last named (its CR3, as it believes). */
    int guestPgdir() { return gcr3[pgdidx]; }

    int pgdIndex(int vaddr) { return vaddr >>> 22; }

    /*H:420 The shadow directory entry for an address.  Slot 1023 is the Switcher's
     * and never the Guest's: a Guest that makes the Host look there, by faulting on
     * the Switcher's pages or setting an entry for them, is trying to reach the Host,
     * and dies for it. */
    private int spgdAddr(int idx, int vaddr) {
        int index = pgdIndex(vaddr);
        if (index >= Switcher.SWITCHER_PGD_INDEX) {
            g.kill("attempt to access switcher pages");
            index = 0;
        }
        return spgdir[idx] + index * 4;
    }
    /*:*/

    private int gpgdAddr(int vaddr) { return (gcr3[pgdidx] & 0xFFFFF000) + pgdIndex(vaddr) * 4; }

    private static int gpteAddr(int gpgd, int vaddr) { return (gpgd & 0xFFFFF000) + ((vaddr >>> 12) & 0x3FF) * 4; }

    private void checkGpte(int gpte) {
        if ((gpte & (PWT | PSE)) != 0 || Integer.compareUnsigned(gpte >>> 12, g.pfnLimit) >= 0)
            g.kill("bad page table entry");
    }

    private void checkGpgd(int gpgd) {
        if ((gpgd & 0xFFF & ~PAGE_TABLE) != 0 || Integer.compareUnsigned(gpgd >>> 12, g.pfnLimit) >= 0)
            g.kill("bad page directory entry");
    }

    /*H:430 From a Guest entry to a shadow entry: the same page, since guest physical
     * is our physical, with the GLOBAL bit dropped (a global TLB entry would outlive
     * the Guest's next switch of page tables and leak into another process) and, for
     * the dirty-bit trick, with WRITABLE dropped unless the Guest entry is already
     * DIRTY.  A page that was only ever read thus has a read-only shadow, and the
     * first write faults to the Host, which sets DIRTY in the Guest's entry and only
     * then makes the shadow writable.  That is how the Guest's dirty bits stay true
     * although the CPU never sees the Guest's tables. */
    private int gpteToSpte(int gpte, boolean write) {
        // LAB(shadow-paging) { throw new UnsupportedOperationException("lab shadow-paging: make a shadow entry from a Guest's page-table entry (read H:430, H:400)");
        int pfn = gpte >>> 12;
        if (!mem.isBacked(pfn << 12)) {
            g.kill("failed to get page " + pfn);
            return 0;
        }
        int flags = gpte & 0xFFF & ~GLOBAL;
        if (!write) flags &= ~RW;
        return (pfn << 12) | flags;
        // LAB(shadow-paging) }
    }
    /*:*/

    /*H:440 demand_page, the Host's answer to a page fault.  Walk the Guest's tables
     * for the faulting address.  If the Guest has no mapping, or a mapping that does
     * not allow this access (a write to a read-only page, a user access to a kernel
     * page), the fault is the Guest's own and goes back to it.  Otherwise the fault
     * was ours, because the shadow was missing or read-only for the dirty-bit trick:
     * check the Guest's entries (a page beyond pfn_limit, or a large page, is a
     * broken rule), set ACCESSED and maybe DIRTY in the Guest's entry as the CPU
     * would have, and write the shadow.  The Guest never knows the fault happened. */
    boolean demandPage(int vaddr, int errcode) {
        // LAB(shadow-paging) { throw new UnsupportedOperationException("lab shadow-paging: fill the shadow from the Guest's tables, or leave the fault to the Guest (read H:440, H:420, H:130)");
        int gpgd = g.read32(gpgdAddr(vaddr));
        if ((gpgd & PRESENT) == 0) return false;
        /* Not lguest: the CPU obeys the stricter of the two levels, so a directory
         * entry without WRITABLE or USER forbids what its table's entries allow. */
        if ((errcode & 2) != 0 && (gpgd & RW) == 0) return false;
        if ((errcode & 4) != 0 && (gpgd & USER) == 0) return false;
        int spgd = spgdAddr(pgdidx, vaddr);
        if (g.isDead()) return false;
        int spgdVal = mem.read32(spgd);
        if ((spgdVal & PRESENT) == 0) {
            checkGpgd(gpgd);
            if (g.isDead()) return false;
            int ptepage = g.frames.alloc();
            if (ptepage == 0) {
                g.kill("out of memory allocating pte page");
                return false;
            }
            spgdVal = ptepage | (gpgd & PAGE_TABLE);
            mem.write32(spgd, spgdVal);
        }
        int gptePtr = gpteAddr(gpgd, vaddr);
        int gpte = g.read32(gptePtr);
        if ((gpte & PRESENT) == 0) return false;
        if ((errcode & 2) != 0 && (gpte & RW) == 0) return false;
        if ((errcode & 4) != 0 && (gpte & USER) == 0) return false;
        checkGpte(gpte);
        if (g.isDead()) return false;
        gpte |= ACCESSED;
        if ((errcode & 2) != 0) gpte |= DIRTY;
        int spte = (spgdVal & 0xFFFFF000) + ((vaddr >>> 12) & 0x3FF) * 4;
        mem.write32(spte, gpteToSpte(gpte, (gpte & DIRTY) != 0));
        g.write32(gptePtr, gpte);
        return !g.isDead();
        // LAB(shadow-paging) }
    }
    /*:*/

    /** True when the current shadow maps vaddr present and writable. */
    private boolean pageWritable(int vaddr) {
        int spgd = mem.read32(spgdir[pgdidx] + pgdIndex(vaddr) * 4);
        if ((spgd & (PRESENT | RW)) != (PRESENT | RW)) return false;
        int spte = mem.read32((spgd & 0xFFFFF000) + ((vaddr >>> 12) & 0x3FF) * 4);
        return (spte & (PRESENT | RW)) == (PRESENT | RW);
    }

    /*H:450 Pinning the stack.  When the Guest's ring-3 code traps directly into its
     * kernel, the CPU pushes the frame onto the kernel stack named in the TSS.  If
     * that page were missing from the shadow tables, the push would fault while the
     * CPU is already delivering a trap, and on a real host that double fault is the
     * Host's problem, not the Guest's.  So the Host makes sure the stack pages are in
     * every fresh shadow, present and writable, faulting them in as writes; a Guest
     * whose stack cannot be mapped that way dies.  (lguest counted the pages down
     * from ESP1 itself; we count from ESP1-1, the highest byte of the stack, which is
     * the page the first push really lands in.) */
    void pinStackPages() {
        for (int i = 0; i < g.stackPages; i++) {
            int vaddr = g.esp1 - 1 - i * 4096;
            if (!pageWritable(vaddr) && !demandPage(vaddr, 2)) {
                g.kill(String.format("bad stack page %#x", g.esp1));
                return;
            }
        }
    }

    /* SET_STACK: where ring 3's traps land.  The segment must have RPL 1 (the Guest
     * kernel's) and at most two pages are pinned. */
    void guestSetStack(int seg, int esp, int pages) {
        if ((seg & 3) != Abi.GUEST_PL) { g.kill("bad stack segment " + seg); return; }
        if (Integer.compareUnsigned(pages, 2) > 0) { g.kill("bad stack pages " + pages); return; }
        g.ss1 = seg;
        g.esp1 = esp;
        g.stackPages = pages;
        pinStackPages();
    }
    /*:*/

    private void releasePgd(int spgdAddr) {
        int spgd = mem.read32(spgdAddr);
        if ((spgd & PRESENT) != 0) {
            g.frames.release(spgd & 0xFFFFF000);
            mem.write32(spgdAddr, 0);
        }
    }

    private int findPgdir(int pgtable) {
        for (int i = 0; i < spgdir.length; i++)
            if (spgdir[i] != 0 && gcr3[i] == pgtable) return i;
        return spgdir.length;
    }

    private void flushUserMappings(int idx) {
        for (int i = 0; i < pgdIndex(g.pageOffset); i++) releasePgd(spgdir[idx] + i * 4);
    }

    /*H:460 NEW_PGTABLE, the Guest's "mov %eax,%cr3".  If one of the four shadows
     * already belongs to that page directory, switch to it: its kernel half is as
     * good as ever and its user half is the process's own.  Otherwise take an empty
     * slot, or else the one whose CR3 was loaded longest ago, throw away its user
     * half, and tag it with the new CR3.  lguest took a random one: cheap, and
     * no order of loads can defeat it.  Least-recently-used has such an order:
     * more processes than slots taking turns in a ring, where each is evicted
     * just before it is needed again.  Which choice wins depends on the workload;
     * --stats prints the hit rate, and M:230 has the figures.  A brand-new shadow
     * has no stack pages mapped, so the stack is pinned again. */
    // LAB(lru-eviction) {
    private final long[] lastLoaded = new long[4];
    private long loads;
    // LAB(lru-eviction) }

    void guestNewPagetable(int pgtable) {
        int idx = findPgdir(pgtable);
        boolean repin = false;
        g.stats.pgdirLookups++;
        if (idx != spgdir.length) g.stats.pgdirHits++;
        if (idx == spgdir.length) {
            // LAB(lru-eviction) { idx = java.util.concurrent.ThreadLocalRandom.current().nextInt(spgdir.length);
            idx = 0;
            for (int i = 0; i < spgdir.length; i++) {
                if (spgdir[i] == 0) { idx = i; break; }
                if (lastLoaded[i] < lastLoaded[idx]) idx = i;
            }
            // LAB(lru-eviction) }
            if (spgdir[idx] == 0) {
                spgdir[idx] = g.frames.alloc();
                if (spgdir[idx] == 0) { g.kill("no more pgd's available"); return; }
                repin = true;
            }
            gcr3[idx] = pgtable;
            flushUserMappings(idx);
        }
        pgdidx = idx;
        // LAB(lru-eviction) {
        lastLoaded[idx] = ++loads;
        // LAB(lru-eviction) }
        if (repin) pinStackPages();
    }
    /*:*/

    /*H:470 SET_PTE: the Guest changed one entry of one page table.  A kernel address
     * is the same in every address space, so all four shadows are updated; a user
     * address only in the shadow of the page directory it names, if we have one.  An
     * entry the CPU has used (ACCESSED or DIRTY) is copied at once, since the Guest is
     * likely to use it again soon; anything else is just dropped from the shadow and
     * left to demand paging. */
    void guestSetPte(int cr3, int vaddr, int gpte) {
        if (Integer.compareUnsigned(vaddr, g.pageOffset) >= 0) {
            for (int i = 0; i < spgdir.length; i++) if (spgdir[i] != 0) doSetPte(i, vaddr, gpte);
        } else {
            int idx = findPgdir(cr3);
            if (idx != spgdir.length) doSetPte(idx, vaddr, gpte);
        }
    }

    private void doSetPte(int idx, int vaddr, int gpte) {
        int spgdAddr = spgdAddr(idx, vaddr);
        if (g.isDead()) return;
        int spgd = mem.read32(spgdAddr);
        if ((spgd & PRESENT) == 0) return;
        int spte = (spgd & 0xFFFFF000) + ((vaddr >>> 12) & 0x3FF) * 4;
        if ((gpte & (DIRTY | ACCESSED)) != 0) {
            checkGpte(gpte);
            if (g.isDead()) return;
            mem.write32(spte, gpteToSpte(gpte, (gpte & DIRTY) != 0));
        } else {
            mem.write32(spte, 0);
        }
    }
    /*:*/

    /*H:480 SET_PMD: a whole page table was replaced or freed; its shadow goes.  The
     * Switcher's slot is silently left alone.  FLUSH_TLB has two strengths: 0 drops
     * the user half of the current shadow (a process changed its mappings), anything
     * else drops everything in every shadow but the Switcher's slot (the kernel's
     * own mappings changed, which is rare and expensive), and the stack is pinned
     * again afterwards. */
    void guestSetPmd(int cr3, int idx) {
        if (Integer.compareUnsigned(idx, Switcher.SWITCHER_PGD_INDEX) >= 0) return;
        int p = findPgdir(cr3);
        if (p < spgdir.length) releasePgd(spgdir[p] + idx * 4);
    }

    void flushUser() {
        flushUserMappings(pgdidx);
    }

    void clearAll() {
        releaseAllTables();
        pinStackPages();
    }
    /*:*/

    private void releaseAllTables() {
        for (int i = 0; i < spgdir.length; i++) {
            if (spgdir[i] == 0) continue;
            for (int j = 0; j < Switcher.SWITCHER_PGD_INDEX; j++) releasePgd(spgdir[i] + j * 4);
        }
    }

    void releaseAll() {
        releaseAllTables();
        for (int i = 0; i < spgdir.length; i++) {
            if (spgdir[i] != 0) g.frames.release(spgdir[i]);
            spgdir[i] = 0;
        }
    }
}
