/* Hostile: an IDT entry that is neither an interrupt nor a trap gate (type 5, a task gate). */
#include "../common.S"
	.text
main:
	say "hostile: a bad IDT type"
	hcall LHCALL_LOAD_IDT_ENTRY, $32, $0, $0x8500
	say "still alive?"
	movl $0, %eax
	ret
