/* Hostile: a page-table entry naming a page far beyond the Guest's memory. */
#include "../common.S"
	.text
main:
	call own_pgdir
	say "hostile: a PTE beyond the memory limit"
	movl $(PA(pte1) + 7), pgdir + 0x100 * 4
	movl $0xFFFFF007, pte1
	movl 0x40000000, %eax
	say "still alive?"
	movl $0, %eax
	ret
