/* Page faults: two the Host fills without the Guest noticing (and which leave
 * the accessed and dirty bits in the Guest's own page table, as a CPU would), and
 * one that is the Guest's own, reflected to its handler with cr2 in lguest_data. */
#include "common.S"
	.text
main:
	call own_pgdir
	movl $0x12345678, PAGE_OFFSET + 0x300000
	movl pte0 + 0x300 * 4, %eax
	andl $0x60, %eax
	cmpl $0x60, %eax
	jne bad
	movl PAGE_OFFSET + 0x301000, %eax
	movl pte0 + 0x301 * 4, %eax
	andl $0x60, %eax
	cmpl $0x20, %eax
	jne bad
	say "pf filled ok"
	movl $pf_handler, %eax
	movl %eax, %ebx
	andl $0xFFFF, %ebx
	andl $0xFFFF0000, %eax
	orl $0x8E00, %eax
	hcall LHCALL_LOAD_IDT_ENTRY, $14, %ebx, %eax
	movl 0x40000000, %eax
bad:
	say "pf bad"
	movl $5, %eax
	ret
pf_handler:
	cmpl $0x40000000, lguest_data + 8
	jne bad
	say "reflected ok"
	movl $0, %eax
	jmp power_off
