/* For the gdt-rules lab: a careless but honest GDT.  Every descriptor in it
 * says DPL 0, as a kernel written for bare metal would, and none has its
 * accessed bit set: kernel code and data (12, 13), which the Switcher loads on
 * the way back in, and a data segment at 20, which we load into %fs ourselves.
 * The Host's fix-ups make them all the guest's own (DPL 1), already accessed. */
#include "../common.S"
	.text
main:
	hcall LHCALL_LOAD_GDT, $PA(gdt), $32
	say "kernel segments with DPL 0 survived a trip through the Host"
	movw $0xA1, %ax			/* entry 20, RPL 1 */
	movw %ax, %fs
	cmpl $0x6D7, %fs:marker
	jne bad
	say "a DPL-0 data segment loads in ring 1"
	movl $0, %eax
	ret
bad:
	say "%fs does not see our memory"
	movl $5, %eax
	ret
	.data
marker:	.long 0x6D7
	.align 8
gdt:
	.fill 12, 8, 0
	.long 0x0000ffff, 0x00cf9a00	/* 12: kernel code, DPL 0, not accessed */
	.long 0x0000ffff, 0x00cf9200	/* 13: kernel data, DPL 0, not accessed */
	.fill 6, 8, 0
	.long 0x0000ffff, 0x00cf9200	/* 20: data, DPL 0, not accessed */
	.fill 11, 8, 0
