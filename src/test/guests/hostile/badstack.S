/* Hostile: SET_STACK naming a stack page the Guest never mapped. */
#include "../common.S"
	.text
main:
	say "hostile: a bad stack page"
	hcall LHCALL_SET_STACK, $0x69, $0x40001000, $1
	say "still alive?"
	movl $0, %eax
	ret
