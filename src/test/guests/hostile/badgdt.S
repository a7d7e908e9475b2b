/*P:360 src/test/guests/hostile/ is the rogues' gallery: one guest per rule of
 * the Host, each doing exactly the one thing lguest forbids (write the
 * Switcher, load a ring-0 segment, name a page beyond its memory, ...) after
 * printing which rule it is about to break (all but beforeinit, which has no
 * console yet).  The Host's tests run each of them beside a well-behaved guest
 * and expect two things: lguest's reason for the death, and a neighbour that
 * never noticed.  These are the gallery's assembler wing, a few instructions
 * each; src/guest/hostile is its C wing, the real kernel's boot with one rule
 * broken at the end. :*/
/* Hostile: a segment register that holds a selector whose descriptor the Guest
 * then replaces with a not-present one.  The Host does not check descriptors
 * (2.6.23 had no desc_ok); the CPU does, when the Switcher reloads %fs on the way
 * back in, so the fault happens inside the Switcher: "unhandled trap 256". */
#include "../common.S"
	.text
main:
	say "hostile: a bogus GDT entry in use"
	hcall LHCALL_LOAD_GDT, $PA(gdt), $32
	movw $0xA1, %ax			/* entry 20, RPL 1 */
	movw %ax, %fs
	movl $0x00cfb300 & ~0x8000, gdt + 20 * 8 + 4	/* no longer present */
	hcall LHCALL_LOAD_GDT, $PA(gdt), $32
	say "still alive?"
	movl $0, %eax
	ret
	.data
	.align 8
gdt:
	.fill 12, 8, 0
	.long 0x0000ffff, 0x00cfbb00	/* 12: kernel code, DPL 1 */
	.long 0x0000ffff, 0x00cfb300	/* 13: kernel data, DPL 1 */
	.fill 6, 8, 0
	.long 0x0000ffff, 0x00cfb300	/* 20: data, DPL 1 */
	.fill 11, 8, 0
