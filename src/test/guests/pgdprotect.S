/* A page whose page-table entry says USER and WRITABLE, under a directory entry
 * that says neither: the CPU takes the stricter of the two levels, so a ring-3
 * read of it must fault, and so must a ring-1 write (CR0.WP is on).  A Host
 * that built its shadows from the page-table entry alone would let both
 * through.  Prints what happened to each and powers off with 0 only if both
 * faulted. */
#include "common.S"
	.text
main:
	hcall LHCALL_LOAD_GDT, $PA(gdt), $32
	hcall LHCALL_SET_STACK, $0x69, $stack_top, $1
	/* Vector 14 (page fault) and 0x80 (the ring-3 program's "it worked"). */
	movl $pf_entry, %eax
	movl %eax, %ebx
	andl $0xFFFF, %ebx
	andl $0xFFFF0000, %eax
	orl $0x8E00, %eax
	hcall LHCALL_LOAD_IDT_ENTRY, $14, %ebx, %eax
	movl $syscall_entry, %eax
	movl %eax, %ebx
	andl $0xFFFF, %ebx
	andl $0xFFFF0000, %eax
	orl $0xEF00, %eax
	hcall LHCALL_LOAD_IDT_ENTRY, $0x80, %ebx, %eax

	/* Our directory: the first 4 MiB at PAGE_OFFSET, user-accessible (the
	 * ring-3 code below lives there); and at 0x08000000 a directory entry
	 * with PRESENT only, over a table whose one entry is PRESENT, RW, USER. */
	movl $0, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	orl $7, %eax
	movl %eax, pte0(,%ecx,4)
	incl %ecx
	cmpl $1024, %ecx
	jne 1b
	movl $(PA(pte0) + 7), pgdir + (PAGE_OFFSET >> 22) * 4
	movl $(PA(target) + 0x67), pte1
	movl $(PA(pte1) + 1), pgdir + (0x08000000 >> 22) * 4
	hcall LHCALL_NEW_PGTABLE, $PA(pgdir)

	/* Ring 1 first: a write through the read-only directory entry. */
	movl $1, phase
	movl $0x1234, 0x08000000
	say "ring 1 wrote through a read-only directory entry"
	jmp ring3
ring3:
	movl $2, phase
	movw $0x7b, %ax			/* user data, or the read would be a #GP */
	movw %ax, %ds
	movw %ax, %es
	pushl $0x7b
	pushl $user_stack_top
	pushl $0x202
	pushl $0x73
	pushl $user_code
	iret

user_code:
	movl 0x08000000, %eax		/* must fault: the directory entry has no USER */
	int $0x80

syscall_entry:
	movw $0x69, %ax
	movw %ax, %ds
	movw %ax, %es
	say "ring 3 read through a supervisor-only directory entry"
	movl $1, %eax
	jmp power_off

pf_entry:
	movw $0x69, %ax
	movw %ax, %ds
	movw %ax, %es
	cmpl $1, %ss:phase
	jne 2f
	say "ring 1 write faulted"
	addl $4, %esp			/* the error code */
	movl $ring3, (%esp)		/* and resume at ring3 */
	iret
2:	say "ring 3 read faulted"
	movl $0, %eax
	jmp power_off

	.data
phase:	.long 0
	.align 8
gdt:
	.fill 12, 8, 0
	.long 0x0000ffff, 0x00cfbb00	/* 12: kernel code, DPL 1 */
	.long 0x0000ffff, 0x00cfb300	/* 13: kernel data, DPL 1 */
	.long 0x0000ffff, 0x00cffb00	/* 14: user code, DPL 3 */
	.long 0x0000ffff, 0x00cff300	/* 15: user data, DPL 3 */
	.fill 16, 8, 0
	.bss
	.align 4096
target:
	.space 4096
	.space 4096
user_stack_top:
