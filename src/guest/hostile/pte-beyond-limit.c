#include "hostile.h"

/* A page-table entry pointing past the end of our memory: the last page
 * frame there is, 0xFFFFF.  It is marked accessed and dirty, so SET_PTE makes
 * the Host copy it into its shadows at once, and before it does it checks the
 * frame against our memory limit: "bad page table entry".  If the Host only
 * checked on a fault, the read after it makes one. */
void kernel_main(void)
{
	unsigned long va = LGUEST_PAGE_OFFSET + 0x3F000000UL;

	hostile_start("page-table entry beyond the memory limit");
	map_page(va, 0xFFFFF000UL, PTE_PRESENT | PTE_RW | PTE_ACCESSED | PTE_DIRTY);
	(void)*(volatile unsigned long *)va;
	hostile_survived("page-table entry beyond the memory limit");
}
