/* For the shadow-paging lab, hostile: a page-directory entry naming a page
 * table far beyond the Guest's memory. */
#include "../common.S"
	.text
main:
	call own_pgdir
	say "hostile: a page table beyond the memory limit"
	movl $0x7FFFF007, pgdir + 0x100 * 4
	movl 0x40000000, %eax
	say "still alive?"
	movl $0, %eax
	ret
