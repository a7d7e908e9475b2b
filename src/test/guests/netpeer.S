/* Two of these on one --sharenet file talk through the Host alone: each binds a
 * buffer at the key of its own slot, sends "hello from slot N" to the other
 * slot's key until it is taken, then waits for the other's message.
 *
 * Each wait turns the virtual interrupt flag off before it looks, and halts with
 * it off: a halted Guest is woken by any pending interrupt with its interrupts
 * turned back on (Traps.maybeDoInterrupt).  With the flag on, the one-shot timer
 * could fire and be taken between SET_CLOCKEVENT and HALT, and the HALT then
 * slept for good, nothing left to wake it: the test JVM's watchdog caught exactly
 * that in GuestsTest, and it is the race a real kernel's safe_halt avoids (G:520). */
#include "common.S"
#define DEVS 0xD0000000
	.text
main:
	call own_pgdir
	movl PAGE_OFFSET + 0x2D8, %eax
	movl %eax, %ebx
	orl $3, %ebx
	movl %ebx, pte1
	addl $0x2000, %eax
	movl %eax, netphys
	movl $(PA(pte1) + 7), pgdir + (DEVS >> 22) * 4
	movzwl DEVS + 12 + 2, %eax
	andl $0xFF, %eax
	movl %eax, slot
	addb %al, msg_digit
	movl netphys, %ebx
	leal (%ebx,%eax,4), %ecx
	movl %ecx, mykey
	xorl $1, %eax
	leal (%ebx,%eax,4), %ecx
	movl %ecx, peerkey
	/* handlers: the timer (32) and the net device (irq 2 = vector 34) */
	movl $just_return, %eax
	movl %eax, %ebx
	andl $0xFFFF, %ebx
	andl $0xFFFF0000, %eax
	orl $0x8E00, %eax
	pushl %eax
	pushl %ebx
	hcall LHCALL_LOAD_IDT_ENTRY, $32, %ebx, %eax
	popl %ebx
	popl %eax
	hcall LHCALL_LOAD_IDT_ENTRY, $34, %ebx, %eax
	movl $PA(rxbuf), rxdma + 4
	movw $256, rxdma + 68
	hcall LHCALL_BIND_DMA, mykey, $PA(rxdma), $((1 << 8) | 2)
	cmpl $1, %eax
	jne bad
	movl $0, lguest_data + 4
	movl $0x200, lguest_data
	/* copy the message into a page-aligned buffer */
	movl $msg, %esi
	movl $txbuf, %edi
	movl $(msg_end - msg), %ecx
	rep movsb
2:	movl $0, lguest_data		/* interrupts off until the halt */
	movl $0, txdma
	movl $PA(txbuf), txdma + 4
	movw $(msg_end - msg), txdma + 68
	hcall LHCALL_SEND_DMA, peerkey, $PA(txdma)
	cmpl $0, txdma
	jne 3f
	hcall LHCALL_SET_CLOCKEVENT, $1000000
	hcall LHCALL_HALT
	jmp 2b
3:	movl $0, lguest_data
	cmpl $0, rxdma
	jne 4f
	hcall LHCALL_SET_CLOCKEVENT, $1000000
	hcall LHCALL_HALT
	jmp 3b
4:	movl $0x200, lguest_data
	movl $rxbuf, %esi
	movl rxdma, %ecx
	call print
	movl $0, %eax
	ret
bad:
	say "netpeer bad"
	movl $5, %eax
	ret
just_return:
	jmp irq_ret_start
	.data
msg:	.ascii "hello from slot "
msg_digit: .ascii "0\n"
msg_end:
	.bss
	.align 4096
rxbuf:	.space 2048
txbuf:	.space 2048
netphys: .long 0
slot:	.long 0
mykey:	.long 0
peerkey: .long 0
	.align 4
rxdma:	.space 100
	.align 4
txdma:	.space 100
