/* For the direct-traps lab: a system call through an interrupt gate.  Going
 * straight to the Guest through an interrupt gate would clear the real
 * interrupt flag, which only the Host may do, so the Host must not make it
 * direct.  Vector 0x80 then keeps the Host's own gate, which ring 3 may not
 * use: int $0x80 is a #GP with error code 0x402 (IDT entry 0x80), which the
 * Host hands to our #GP handler.  If the gate went direct, the call arrives
 * at syscall_entry instead, with the real interrupts off. */
#include "../common.S"
	.text
main:
	hcall LHCALL_LOAD_GDT, $PA(gdt), $32
	hcall LHCALL_SET_STACK, $0x69, $stack_top, $1
	movl $syscall_entry, %eax
	movl %eax, %ebx
	andl $0xFFFF, %ebx
	andl $0xFFFF0000, %eax
	orl $0xEE00, %eax		/* present, DPL 3, interrupt gate */
	hcall LHCALL_LOAD_IDT_ENTRY, $0x80, %ebx, %eax
	movl $gp_handler, %eax
	movl %eax, %ebx
	andl $0xFFFF, %ebx
	andl $0xFFFF0000, %eax
	orl $0x8E00, %eax
	hcall LHCALL_LOAD_IDT_ENTRY, $13, %ebx, %eax
	pushl $0x7b
	pushl $user_stack_top
	pushl $0x202
	pushl $0x73
	pushl $user_code
	iret
user_code:
	movl $20, %eax
	int $0x80
	jmp user_code
syscall_entry:
	movw $0x69, %ax
	movw %ax, %ds
	movw %ax, %es
	say "the interrupt gate went direct"
	movl $5, %eax
	jmp power_off
gp_handler:
	movw $0x69, %ax
	movw %ax, %ds
	movw %ax, %es
	cmpl $0x402, (%esp)
	jne 1f
	say "int $0x80 from ring 3 is a #GP: the gate stayed the Host's"
	movl $0, %eax
	jmp power_off
1:	say "a #GP, but not for IDT entry 0x80"
	movl $6, %eax
	jmp power_off
	.data
	.align 8
gdt:
	.fill 12, 8, 0
	.long 0x0000ffff, 0x00cfbb00	/* 12: kernel code, DPL 1 */
	.long 0x0000ffff, 0x00cfb300	/* 13: kernel data, DPL 1 */
	.long 0x0000ffff, 0x00cffb00	/* 14: user code, DPL 3 */
	.long 0x0000ffff, 0x00cff300	/* 15: user data, DPL 3 */
	.fill 16, 8, 0
	.bss
	.align 16
	.space 4096
user_stack_top:
