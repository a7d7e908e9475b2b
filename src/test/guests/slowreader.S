/* A slow reader of the console: offer one 256-byte buffer at key 0, then
 * ignore the console's interrupt and sleep half a second before printing
 * what the buffer holds.  Input that arrives meanwhile in a second piece must
 * wait for the buffer to be free again, not overwrite the first. */
#include "common.S"
	.text
main:
	movl $timer_irq, %eax
	movl %eax, %ebx
	andl $0xFFFF, %ebx
	andl $0xFFFF0000, %eax
	orl $0x8E00, %eax
	hcall LHCALL_LOAD_IDT_ENTRY, $32, %ebx, %eax
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
	hcall LHCALL_SET_CLOCKEVENT, $500000000
1:	movl $0, lguest_data		/* look with interrupts off, halt with them off (see netpeer.S) */
	cmpl $0, ticks
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
timer_irq:
	incl ticks
	jmp irq_ret_start
console_irq:
	jmp irq_ret_start
	.data
ticks:	.long 0
	.bss
	.align 4096
inbuf:	.space 4096
indma:	.space 100
