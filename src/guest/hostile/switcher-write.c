#include "hostile.h"

/* The Switcher's pages sit at 0xFFC00000 in every shadow page table, mapped
 * read-only and without the user bit.  We give ourselves a page-table entry
 * there (the Host ignores SET_PMD for that slot, but our table in memory has
 * it) and write through it.  The Host should kill us at the SET_PTE that
 * announces the entry, since that names the Switcher's slot: "attempt to
 * access switcher pages".  A Host that missed it must still refuse the write:
 * the CPU faults on it (CR0.WP makes read-only pages read-only for ring 1
 * too), and the fault lands in the same slot.  A Host that only reflected
 * that fault would see us panic with a page fault at 0xffc00000; one that
 * let the write happen would see "hostile guest survived". */
void kernel_main(void)
{
	hostile_start("write to the Switcher's pages at 0xFFC00000");
	map_page(LGUEST_SWITCHER_ADDR, __pa(alloc_page()),
		 PTE_PRESENT | PTE_RW | PTE_ACCESSED | PTE_DIRTY);
	*(volatile unsigned long *)LGUEST_SWITCHER_ADDR = 0xDEADBEEF;
	hostile_survived("write to the Switcher's pages");
}
