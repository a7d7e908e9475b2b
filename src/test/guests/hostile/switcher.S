/* Hostile: write the Switcher's code page at 0xFFC00000, after mapping that slot
 * in its own page directory so the Host's fault handler has to look there. */
#include "../common.S"
	.text
main:
	call own_pgdir
	say "hostile: writing the Switcher"
	movl $(PA(pte1) + 7), pgdir + 1023 * 4
	movl $0x100003, pte1
	movl $0xdeadbeef, 0xFFC00000
	say "still alive?"
	movl $0, %eax
	ret
