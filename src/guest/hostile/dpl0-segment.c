#include "hostile.h"

/* A privilege-0 segment.  First the allowed case: our own GDT entry 20 asks
 * for DPL 0, the Host raises it to 1, and loading it works.  Then the rule:
 * load the Host's own data segment, LGUEST_DS (0x58), whose DPL really is 0.
 * From ring 1 the CPU refuses with a general protection fault whose error code
 * is the selector; the Host reflects it and we crash with "trap 13 (general
 * protection), error 0x58". */
static u64 gdt[LGUEST_GDT_ENTRIES] __attribute__((aligned(8)));

void kernel_main(void)
{
	unsigned int sel = (20 << 3) | 1;

	hostile_start("load a privilege-0 segment (LGUEST_DS, 0x58)");
	gdt[LGUEST_KERNEL_CS >> 3] = 0x00cfbb000000ffffULL;
	gdt[LGUEST_KERNEL_DS >> 3] = 0x00cfb3000000ffffULL;
	gdt[LGUEST_USER_CS >> 3] = 0x00cffb000000ffffULL;
	gdt[LGUEST_USER_DS >> 3] = 0x00cff3000000ffffULL;
	gdt[20] = 0x00cf93000000ffffULL;       /* flat data, DPL 0 */
	hcall(LHCALL_LOAD_GDT, __pa(gdt), LGUEST_GDT_ENTRIES, 0);
	__asm__ __volatile__("movl %0, %%fs" : : "r"(sel));
	printk("hostile: our own DPL-0 entry 20 loaded as %#x (the Host raised it to DPL 1)\n", sel);
	__asm__ __volatile__("movl %0, %%fs" : : "r"((unsigned int)LGUEST_HOST_DS));
	hostile_survived("load LGUEST_DS");
}
