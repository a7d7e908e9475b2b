/* Hostile: load LGUEST_DS (0x58), the Host's ring-0 data segment, from ring 1. */
#include "../common.S"
	.text
main:
	say "hostile: loading a DPL-0 segment"
	movw $0x58, %ax
	movw %ax, %ds
	say "still alive?"
	movl $0, %eax
	ret
