/* Hostile: a hypercall from ring 3.  Load a GDT with user segments, set the
 * kernel stack, IRET to ring 3 and try int $0x1F there. */
#include "../common.S"
	.text
main:
	hcall LHCALL_LOAD_GDT, $PA(gdt), $32
	hcall LHCALL_SET_STACK, $0x69, $stack_top, $1
	say "hostile: int 0x1f from ring 3"
	pushl $0x7b
	pushl $user_stack_top
	pushl $0x202
	pushl $0x73
	pushl $user_code
	iret
user_code:
	movl $LHCALL_CRASH, %eax
	int $0x1F
	jmp user_code
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
