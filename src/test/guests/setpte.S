/* SET_PTE: a Guest that changes a page-table entry behind the Host's back keeps
 * seeing the old page (the shadow still maps it), until it tells the Host. */
#include "common.S"
	.text
main:
	call own_pgdir
	movl $(PA(pte1) + 7), pgdir + 0x100 * 4
	movl $0x200003, pte1
	movl $0xAAAA, PAGE_OFFSET + 0x200000
	movl $0xBBBB, PAGE_OFFSET + 0x201000
	cmpl $0xAAAA, 0x40000000
	jne bad
	movl $0x201003, pte1
	cmpl $0xAAAA, 0x40000000
	jne bad
	say "stale shadow seen"
	hcall LHCALL_SET_PTE, $PA(pgdir), $0x40000000, $0x201003
	cmpl $0xBBBB, 0x40000000
	jne bad
	say "setpte ok"
	movl $0, %eax
	ret
bad:
	say "setpte bad"
	movl $5, %eax
	ret
