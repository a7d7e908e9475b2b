/* Sets its clock event 200,000 times, each four seconds away, then powers off:
 * every one but the last is cancelled by the next, and the Host must forget
 * them at once rather than keep them queued until they would have fired. */
#include "common.S"
	.text
main:
	movl $200000, %esi
1:	hcall LHCALL_SET_CLOCKEVENT, $4000000000
	decl %esi
	jnz 1b
	say "storm over"
	movl $0, %eax
	ret
