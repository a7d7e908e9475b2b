/* For the shadow-paging lab, hostile: a page-table entry with the large-page
 * bit, which lguest does not do. */
#include "../common.S"
	.text
main:
	call own_pgdir
	say "hostile: a large page"
	movl $(PA(pte1) + 7), pgdir + 0x100 * 4
	movl $0x200087, pte1
	movl 0x40000000, %eax
	say "still alive?"
	movl $0, %eax
	ret
