/* Ring 3: a user program makes 1000 system calls through a DPL-3 trap gate at
 * 0x80, which the Host installs as a direct trap (none of them leaves the
 * Guest), then spins until the clock interrupts it; the Host must build that
 * interrupt's frame on the kernel stack from SET_STACK, with the user's SS:ESP. */
#include "common.S"
	.text
main:
	hcall LHCALL_LOAD_GDT, $PA(gdt), $32
	hcall LHCALL_SET_STACK, $0x69, $stack_top, $1
	movl $syscall_entry, %eax
	movl %eax, %ebx
	andl $0xFFFF, %ebx
	andl $0xFFFF0000, %eax
	orl $0xEF00, %eax		/* present, DPL 3, trap gate */
	hcall LHCALL_LOAD_IDT_ENTRY, $0x80, %ebx, %eax
	movl $timer_irq, %eax
	movl %eax, %ebx
	andl $0xFFFF, %ebx
	andl $0xFFFF0000, %eax
	orl $0x8E00, %eax
	hcall LHCALL_LOAD_IDT_ENTRY, $32, %ebx, %eax
	movl $0, lguest_data + 4
	movl $0x200, lguest_data
	hcall LHCALL_SET_CLOCKEVENT, $1000000
	pushl $0x7b
	pushl $user_stack_top
	pushl $0x202
	pushl $0x73
	pushl $user_code
	iret

user_code:
	movl $1000, %ecx
1:	movl $20, %eax
	int $0x80
	loop 1b
2:	jmp 2b

/* Entered from ring 3, %ds is whatever the user had: the null selector the
 * CPU left when it returned to ring 3 (our kernel data segment has DPL 1).  So
 * the kernel's own data is reached through %ss, as lguest_iret does. */
syscall_entry:
	incl %ss:syscalls
	iret

timer_irq:
	cmpl $0x73, 4(%esp)
	jne rearm
	cmpl $1000, %ss:syscalls
	jne rearm
	movw $0x69, %ax
	movw %ax, %ds
	movw %ax, %es
	cmpl $0x7b, 16(%esp)
	jne bad
	cmpl $user_stack_top, 12(%esp)
	ja bad
	say "ring 3 interrupted after 1000 direct system calls"
	movl $0, %eax
	jmp power_off
rearm:
	pushal
	hcall LHCALL_SET_CLOCKEVENT, $1000000
	popal
	jmp irq_ret_start
bad:
	movw $0x69, %ax
	movw %ax, %ds
	movw %ax, %es
	say "bad interrupt frame"
	movl $5, %eax
	jmp power_off

	.data
syscalls: .long 0
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
