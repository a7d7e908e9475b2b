/* Maps the --sharenet page and keeps writing to it: SharedNetworkFileTest
 * truncates the file underneath, and this Guest (only this one) must die. */
#include "common.S"
#define DEVS 0xD0000000
	.text
main:
	call own_pgdir
	movl PAGE_OFFSET + 0x2D8, %eax
	movl %eax, %ebx
	orl $3, %ebx
	movl %ebx, pte1
	addl $0x2000, %ebx
	movl %ebx, pte1 + 8
	movl $(PA(pte1) + 7), pgdir + (DEVS >> 22) * 4
	hcall LHCALL_FLUSH_TLB, $1
1:	incl DEVS + 0x2000 + 64
	jmp 1b
