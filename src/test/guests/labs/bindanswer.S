/* For the hypercalls lab: BIND_DMA is the one call with an answer, in %eax.
 * Bind a buffer (1), ask for an interrupt line that does not exist (0), unbind
 * (1).  A Host that forgets to answer leaves the call's number, 12, in %eax. */
#include "../common.S"
	.text
main:
	movl $PA(inbuf), indma + 4
	movw $256, indma + 68
	hcall LHCALL_BIND_DMA, $0, $PA(indma), $((1 << 8) | 1)
	cmpl $1, %eax
	jne bad
	hcall LHCALL_BIND_DMA, $0, $PA(indma), $((1 << 8) | 40)
	cmpl $0, %eax
	jne bad
	hcall LHCALL_BIND_DMA, $0, $PA(indma), $((1 << 8) | 0)
	cmpl $1, %eax
	jne bad
	say "bind answers ok"
	movl $0, %eax
	ret
bad:
	say "bind answers wrong"
	movl $5, %eax
	ret
	.bss
	.align 4096
inbuf:	.space 4096
indma:	.space 100
