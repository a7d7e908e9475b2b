/* Hostile: hypercall 11, unused in 2.6.23. */
#include "../common.S"
	.text
main:
	say "hostile: hypercall 11"
	hcall 11
	say "still alive?"
	movl $0, %eax
	ret
