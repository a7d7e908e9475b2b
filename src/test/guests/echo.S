/* Console input: offer one 256-byte buffer at key 0 with the console's
 * interrupt (1, vector 33), sleep until the Launcher has filled it, and print
 * what arrived. */
#include "common.S"
	.text
main:
	movl $console_irq, %eax
	movl %eax, %ebx
	andl $0xFFFF, %ebx
	andl $0xFFFF0000, %eax
	orl $0x8E00, %eax
	hcall LHCALL_LOAD_IDT_ENTRY, $33, %ebx, %eax
	movl $PA(inbuf), indma + 4
	movw $256, indma + 68
	hcall LHCALL_BIND_DMA, $0, $PA(indma), $((1 << 8) | 1)
	movl $0, lguest_data + 4
	movl $0x200, lguest_data
1:	movl $0, lguest_data		/* look with interrupts off, halt with them off (see netpeer.S) */
	cmpl $0, got
	jne 2f
	hcall LHCALL_HALT
	jmp 1b
2:	movl $0x200, lguest_data
	say "got:"
	movl $inbuf, %esi
	movl indma, %ecx
	call print
	movl $0, %eax
	ret
console_irq:
	movl $1, got
	jmp irq_ret_start
	.data
got:	.long 0
	.bss
	.align 4096
inbuf:	.space 4096
indma:	.space 100
