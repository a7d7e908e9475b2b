/* SET_PMD and FLUSH_TLB: a Guest that changes its tables without telling the
 * Host keeps seeing the old mapping through the shadow, until SET_PMD (for a
 * replaced page table), FLUSH_TLB 0 (the user half) or FLUSH_TLB 1 (the kernel
 * half too) makes the Host drop what it had. */
#include "common.S"
	.text
main:
	call own_pgdir
	movl $0x1111, PAGE_OFFSET + 0x200000
	movl $0x2222, PAGE_OFFSET + 0x201000
	movl $0x3333, PAGE_OFFSET + 0x202000
	movl $0x4444, PAGE_OFFSET + 0x300000
	movl $0x5555, PAGE_OFFSET + 0x301000
	/* 0x40000000 -> 0x200000 through pte1 */
	movl $(PA(pte1) + 7), pgdir + 0x100 * 4
	movl $0x200007, pte1
	cmpl $0x1111, 0x40000000
	jne bad
	/* a new page table, pte2, mapping it to 0x201000: unseen until SET_PMD */
	movl $0x201007, pte2
	movl $(PA(pte2) + 7), pgdir + 0x100 * 4
	cmpl $0x1111, 0x40000000
	jne bad
	hcall LHCALL_SET_PMD, $PA(pgdir), $0x100
	cmpl $0x2222, 0x40000000
	jne bad
	say "set_pmd ok"
	/* a user entry changed: unseen until FLUSH_TLB 0 */
	movl $0x202007, pte2
	cmpl $0x2222, 0x40000000
	jne bad
	hcall LHCALL_FLUSH_TLB, $0
	cmpl $0x3333, 0x40000000
	jne bad
	say "flush user ok"
	/* a kernel entry changed: FLUSH_TLB 0 is not enough, FLUSH_TLB 1 is */
	cmpl $0x4444, PAGE_OFFSET + 0x300000
	jne bad
	movl $0x301003, pte0 + 0x300 * 4
	hcall LHCALL_FLUSH_TLB, $0
	cmpl $0x4444, PAGE_OFFSET + 0x300000
	jne bad
	hcall LHCALL_FLUSH_TLB, $1
	cmpl $0x5555, PAGE_OFFSET + 0x300000
	jne bad
	say "flush all ok"
	movl $0, %eax
	ret
bad:
	say "flush bad"
	movl $5, %eax
	ret
	.bss
	.align 4096
pte2:	.space 4096
