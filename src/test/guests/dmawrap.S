/* Sends a DMA whose descriptor sits just below 2 GiB, so that the end of the
 * descriptor wraps a 32-bit signed sum: the Launcher must refuse it by name. */
#include "common.S"
	.text
main:
	hcall LHCALL_SEND_DMA, $0, $0x7ffffff0
	say "sent"
	movl $0, %eax
	ret
