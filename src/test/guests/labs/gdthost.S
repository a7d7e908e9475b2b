/* For the gdt-rules lab: a GDT that claims the Host's entries.  Entries 10 and
 * 11 (the Switcher's ring-0 code and data), 16 (the TSS) and 31 (the double-
 * fault TSS) are ring-1 data segments in our table, and so is everything else
 * but our kernel code.  The Host must copy none of those four: the next trip
 * through the Switcher needs them as they were.  Then we try to load the
 * Host's data segment, 0x58, with RPL 1: still DPL 0, it must give us #GP. */
#include "../common.S"
	.text
main:
	movl $gp_handler, %eax
	movl %eax, %ebx
	andl $0xFFFF, %ebx
	andl $0xFFFF0000, %eax
	orl $0x8E00, %eax
	hcall LHCALL_LOAD_IDT_ENTRY, $13, %ebx, %eax
	hcall LHCALL_LOAD_GDT, $PA(gdt), $32
	say "the Switcher still works"
	movw $0x59, %ax
	movw %ax, %ds
	say "loaded the Host's data segment!"
	movl $5, %eax
	ret
gp_handler:
	movw $0x69, %ax
	movw %ax, %ds
	cmpl $0x58, (%esp)
	jne 1f
	say "the Host's data segment is still ring 0"
	movl $0, %eax
	jmp power_off
1:	say "#GP, but not for selector 0x58"
	movl $6, %eax
	jmp power_off
	.data
	.align 8
gdt:
	.rept 12
	.long 0x0000ffff, 0x00cfb300
	.endr
	.long 0x0000ffff, 0x00cfbb00	/* 12: kernel code, DPL 1 */
	.rept 19
	.long 0x0000ffff, 0x00cfb300
	.endr
