/* Hostile: a hypercall before LGUEST_INIT (it cannot print: no console before init). */
#define NO_INIT
#include "../common.S"
	.text
main:
	hcall LHCALL_SEND_DMA, $0, $PA(outdma)
	movl $0, %eax
	ret
