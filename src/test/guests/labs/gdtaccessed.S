/* For the gdt-rules lab: a descriptor whose accessed bit is clear.  Loading it
 * makes the CPU set that bit in the GDT, and the GDT the CPU uses sits in the
 * Switcher's read-only page, unless the Host set the bit in advance. */
#include "../common.S"
	.text
main:
	hcall LHCALL_LOAD_GDT, $PA(gdt), $32
	movw $0xA9, %ax			/* entry 21, RPL 1 */
	movw %ax, %gs
	cmpl $0xACCE55ED, %gs:marker
	jne bad
	say "a never-accessed segment loads"
	movl $0, %eax
	ret
bad:
	say "%gs does not see our memory"
	movl $5, %eax
	ret
	.data
marker:	.long 0xACCE55ED
	.align 8
gdt:
	.fill 12, 8, 0
	.long 0x0000ffff, 0x00cfbb00	/* 12: kernel code, DPL 1 */
	.long 0x0000ffff, 0x00cfb300	/* 13: kernel data, DPL 1 */
	.fill 7, 8, 0
	.long 0x0000ffff, 0x00cfb200	/* 21: data, DPL 1, not accessed */
	.fill 10, 8, 0
