#include "hostile.h"

/* LOAD_LDT with a call gate in it (H:520): a gate in a table ring 3 can
 * name would let a program's far call choose where ring 1 starts.  Only
 * code and data segments may be in an LDT: "bad ldt entry". */
static u64 ldt[2] __attribute__((aligned(8)));

void kernel_main(void)
{
	hostile_start("LOAD_LDT with a call gate");
	/* a present 32-bit call gate, DPL 3, to LGUEST_KERNEL_CS:0xC0100000 */
	ldt[1] = 0xC010EC0000000000ULL | ((u64)LGUEST_KERNEL_CS << 16);
	hcall(LHCALL_LOAD_LDT, __pa(ldt), 2, 0);
	hostile_survived("LOAD_LDT with a call gate");
}
