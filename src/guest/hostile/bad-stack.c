#include "hostile.h"

/* SET_STACK naming pages that are not mapped: 0x40000000 is a user address
 * we never map.  The Host must be able to fault those pages in as writable
 * before it accepts them (a trap that found no stack would double fault):
 * "bad stack page". */
void kernel_main(void)
{
	hostile_start("SET_STACK with unmapped stack pages");
	hcall(LHCALL_SET_STACK, LGUEST_KERNEL_DS, 0x40000000UL + 2 * 4096, 2);
	hostile_survived("SET_STACK with unmapped stack pages");
}
