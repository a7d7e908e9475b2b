/* For the direct-traps lab: a Guest that asks for trap gates at 13, 14 and
 * 0x1F, all to a handler that must never run.  The Host keeps all three: page
 * faults on holes in the shadow are its to fill, #GP from port I/O is its to
 * emulate, and 0x1F is the hypercall.  If one of them went straight to the
 * Guest, "stolen" runs, and its ud2 ends the story with trap 6. */
#include "../common.S"

/* gate VECTOR, HANDLER, FLAGS: LOAD_IDT_ENTRY for a gate to HANDLER. */
.macro gate vec, handler, flags
	movl $\handler, %eax
	movl %eax, %ebx
	andl $0xFFFF, %ebx
	andl $0xFFFF0000, %eax
	orl $\flags, %eax
	hcall LHCALL_LOAD_IDT_ENTRY, $\vec, %ebx, %eax
.endm

	.text
main:
	call own_pgdir
	gate 14, stolen, 0x8F00
	gate 13, stolen, 0x8F00
	gate 0x1F, stolen, 0xAF00
	movl $0x1234, PAGE_OFFSET + 0x300000
	movl PAGE_OFFSET + 0x301000, %eax
	movl $5, PAGE_OFFSET + 0x302000
	inb $0x60, %al
	say "the Host kept 13, 14 and 0x1F"
	movl $0, %eax
	ret
stolen:
	ud2
