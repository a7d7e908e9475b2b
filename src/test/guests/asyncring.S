/* The async hypercall ring is emptied on every exit, not only on a hypercall:
 * lguest 2.6.23 ran it at the top of run_guest, whatever had brought the Guest
 * out.  Three exits that are not hypercalls, each after a SET_PTE was queued
 * (and no hypercall made since): a page fault the Host fills, a trap it
 * reflects, and a host interrupt from the clock.  After each, the queued call
 * must be done: its slot free again (0xFF) and the mapping it changed seen.
 * The queued entries are neither accessed nor dirty, so the Host drops the
 * shadow entry and the next touch demand-pages the new one. */
#include "common.S"

/* queue SLOT, PHYS: SET_PTE(pgdir, 0x40000000, PHYS|3) into ring slot SLOT. */
.macro queue slot, phys
	movl $(\phys + 3), pte1
	movl $LHCALL_SET_PTE, lguest_data + 84 + 16 * \slot
	movl $PA(pgdir), lguest_data + 88 + 16 * \slot
	movl $0x40000000, lguest_data + 92 + 16 * \slot
	movl $(\phys + 3), lguest_data + 96 + 16 * \slot
	movb $0, lguest_data + 20 + \slot
.endm

	.text
main:
	call own_pgdir
	movl $(PA(pte1) + 7), pgdir + 0x100 * 4
	movl $0x200003, pte1
	movl $0xAAAA, PAGE_OFFSET + 0x200000
	movl $0xBBBB, PAGE_OFFSET + 0x201000
	movl $0xCCCC, PAGE_OFFSET + 0x202000
	movl $0xDDDD, PAGE_OFFSET + 0x203000
	cmpl $0xAAAA, 0x40000000
	jne bad
	/* The #UD handler for the second exit, an interrupt gate so that the
	 * trap comes out to the Host and is reflected (a trap gate would be a
	 * direct trap, which never leaves the Guest). */
	movl $ud_handler, %eax
	movl %eax, %ebx
	andl $0xFFFF, %ebx
	andl $0xFFFF0000, %eax
	orl $0x8E00, %eax
	hcall LHCALL_LOAD_IDT_ENTRY, $6, %ebx, %eax
	/* The clock for the third, armed now: a hypercall empties the ring,
	 * so none may come between a queue and its check. */
	hcall LHCALL_SET_CLOCKEVENT, $2000000

	/* 1. A page fault the Host fills: a kernel page nobody touched yet. */
	queue 0, 0x201000
	movl PAGE_OFFSET + 0x280000, %eax
	cmpb $0xFF, lguest_data + 20
	jne bad_fault
	cmpl $0xBBBB, 0x40000000
	jne bad_fault

	/* 2. A trap the Host reflects: ud2, caught by our #UD handler. */
	queue 1, 0x202000
	ud2
after_ud2:

	/* 3. A host interrupt: the clock fires while we spin, interrupts off. */
	queue 2, 0x203000
	movl $50000000, %ecx
1:	cmpb $0xFF, lguest_data + 22
	je 2f
	decl %ecx
	jnz 1b
	jmp bad_irq
2:	cmpl $0xDDDD, 0x40000000
	jne bad_irq

	say "page fault drained"
	say "reflected trap drained"
	say "host interrupt drained"
	movl $0, %eax
	ret

ud_handler:
	addl $12, %esp			/* eip, cs, eflags: we do not go back */
	cmpb $0xFF, lguest_data + 21
	jne bad_trap
	cmpl $0xCCCC, 0x40000000
	jne bad_trap
	jmp after_ud2

bad_fault:
	say "page fault left the ring full"
	jmp bad
bad_trap:
	say "reflected trap left the ring full"
	jmp bad
bad_irq:
	say "host interrupt left the ring full"
bad:
	say "asyncring bad"
	movl $5, %eax
	ret
