#include "hostile.h"

/* LOAD_GDT with 33 entries, one more than the GDT the Host keeps for us:
 * "too many gdt entries".  The table really has 33 entries, so a Host that
 * copied them all would overrun its own. */
static u64 gdt[LGUEST_GDT_ENTRIES + 1] __attribute__((aligned(8)));

void kernel_main(void)
{
	hostile_start("LOAD_GDT with 33 entries");
	gdt[LGUEST_KERNEL_CS >> 3] = 0x00cfbb000000ffffULL;
	gdt[LGUEST_KERNEL_DS >> 3] = 0x00cfb3000000ffffULL;
	gdt[LGUEST_GDT_ENTRIES] = 0x00cfb3000000ffffULL;
	hcall(LHCALL_LOAD_GDT, __pa(gdt), LGUEST_GDT_ENTRIES + 1, 0);
	hostile_survived("LOAD_GDT with 33 entries");
}
