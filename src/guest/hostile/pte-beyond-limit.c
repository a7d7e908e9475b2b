#include "hostile.h"

/* A page-table entry pointing past the end of our memory: the last page
 * frame there is, 0xFFFFF.  It is marked accessed and dirty, so a Host that
 * copies such an entry into its shadows at SET_PTE must check the frame
 * against our memory limit first.  Ours has no shadow page table for that
 * 4 MiB yet (the table is new), so it only drops the entry; the read after
 * it faults, and demand paging makes the check: "bad page table entry". */
void kernel_main(void)
{
	unsigned long va = LGUEST_PAGE_OFFSET + 0x3F000000UL;

	hostile_start("page-table entry beyond the memory limit");
	map_page(va, 0xFFFFF000UL, PTE_PRESENT | PTE_RW | PTE_ACCESSED | PTE_DIRTY);
	(void)*(volatile unsigned long *)va;
	hostile_survived("page-table entry beyond the memory limit");
}
