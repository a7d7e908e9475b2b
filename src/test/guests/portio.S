/* Port I/O from the kernel, which the Host emulates (H:350): every IN reads
 * "nothing there", all ones, in exactly the bytes the instruction names, and
 * leaves the rest of %eax alone; OUT does nothing; both are skipped over.
 * Powers off with 0, or with the number of the first check that failed. */
#include "common.S"
	.text
main:
	movl $0x12345678, %eax
	inb $0x60, %al                  /* one byte: only %al */
	cmpl $0x123456FF, %eax
	jne 1f
	movl $0x12345678, %eax
	movw $0x1F0, %dx
	inw %dx, %ax                    /* 0x66 0xED: only %ax */
	cmpl $0x1234FFFF, %eax
	jne 2f
	movl $0x12345678, %eax
	inw $0x71, %ax                  /* 0x66 0xE5 */
	cmpl $0x1234FFFF, %eax
	jne 3f
	movl $0x12345678, %eax
	inl %dx, %eax                   /* all of %eax */
	cmpl $0xFFFFFFFF, %eax
	jne 4f
	movl $0x12345678, %eax
	outb %al, $0x80                 /* does nothing, and is skipped */
	outw %ax, %dx
	cmpl $0x12345678, %eax
	jne 5f
	say "port io ok"
	movl $0, %eax
	ret
1:	movl $1, %eax
	ret
2:	movl $2, %eax
	ret
3:	movl $3, %eax
	ret
4:	movl $4, %eax
	ret
5:	movl $5, %eax
	ret
