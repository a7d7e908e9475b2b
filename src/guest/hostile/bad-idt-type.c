#include "hostile.h"

/* An IDT gate of a type the Host does not accept: a present task gate
 * (type 5) for vector 40.  Only interrupt (0xE) and trap (0xF) gates are
 * allowed: "bad IDT type". */
void kernel_main(void)
{
	hostile_start("IDT gate of a bad type (task gate)");
	load_idt_entry(40, (unsigned long)trap_stubs + TRAP_STUB_SIZE * 40, 0x8500);
	hostile_survived("IDT gate of a bad type");
}
