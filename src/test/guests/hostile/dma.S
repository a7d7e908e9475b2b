/* Hostile: SEND_DMA to a key far outside the Guest's memory. */
#include "../common.S"
	.text
main:
	say "hostile: DMA outside memory"
	hcall LHCALL_SEND_DMA, $0x7FFFF000, $PA(outdma)
	say "still alive?"
	movl $0, %eax
	ret
