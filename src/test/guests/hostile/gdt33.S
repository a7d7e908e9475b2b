/* Hostile: LOAD_GDT with 33 entries. */
#include "../common.S"
	.text
main:
	say "hostile: more than 32 GDT entries"
	hcall LHCALL_LOAD_GDT, $PA(pgdir), $33
	say "still alive?"
	movl $0, %eax
	ret
