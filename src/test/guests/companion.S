/* The well-behaved neighbour: it computes for a while, printing as it goes, and
 * powers off cleanly.  Tests run it beside a hostile guest in the same Host. */
#include "common.S"
	.text
main:
	movl $20, %edi
2:	movl $200000, %ecx
	xorl %eax, %eax
1:	addl %ecx, %eax
	roll $3, %eax
	loop 1b
	pushl %edi
	say "companion working"
	popl %edi
	decl %edi
	jnz 2b
	say "companion done"
	movl $0, %eax
	ret
