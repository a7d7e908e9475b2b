/* For the lru-eviction lab: which shadow page directories did the Host keep?
 * NDIRS page directories, each mapping the kernel as usual and one user page
 * at 0x40000000 through a page table of its own, which can point at either of
 * two pages (each holding its own physical address).  The guest loads them in
 * the order its command line gives, one character each ('0'-'9' are 0-9,
 * 'A'-'Z' are 10-35; the Launcher leaves the line at physical 4096), and
 * after each load reads
 * 0x40000000, then points its entry at the other page without telling the
 * Host.  A shadow kept from last time still shows the old page: a hit, 'H'.
 * A shadow thrown away and rebuilt shows the new one: a miss, 'M'.  One line,
 * "pgdirs: " and a letter per load, tells the grader what the Host did. */
#include "../common.S"
#define NDIRS 36
	.text
main:
	call own_pgdir
	xorl %ecx, %ecx
1:	movl %ecx, %ebx
	shll $14, %ebx
	addl $dirs, %ebx		/* the directory, its table, its two pages */
	movl $(PA(pte0) + 7), (PAGE_OFFSET >> 22) * 4(%ebx)
	leal 0x1000 - PAGE_OFFSET + 7(%ebx), %eax
	movl %eax, 0x100 * 4(%ebx)	/* 0x40000000: through the table */
	leal 0x2000 - PAGE_OFFSET(%ebx), %eax
	movl %eax, 0x2000(%ebx)
	orl $7, %eax
	movl %eax, 0x1000(%ebx)		/* which points at the first page */
	leal 0x3000 - PAGE_OFFSET(%ebx), %eax
	movl %eax, 0x3000(%ebx)
	incl %ecx
	cmpl $NDIRS, %ecx
	jne 1b

	xorl %esi, %esi
2:	cmpl $1000, %esi
	je 5f
	movzbl PAGE_OFFSET + 4096(%esi), %ecx
	subl $'0', %ecx
	jb 5f				/* the end of the line, or a space */
	cmpl $10, %ecx
	jb 6f
	subl $('A' - '0' - 10), %ecx
	cmpl $10, %ecx
	jb 5f
	cmpl $NDIRS, %ecx
	jae 5f
6:
	movl %ecx, %ebx
	shll $14, %ebx
	addl $dirs, %ebx
	leal -PAGE_OFFSET(%ebx), %edx
	pushl %ebx
	pushl %ecx
	hcall LHCALL_NEW_PGTABLE, %edx
	popl %ecx
	popl %ebx
	movl 0x40000000, %eax		/* the page this shadow shows */
	movb $0x4D, result(%esi)
	cmpl %eax, last(,%ecx,4)
	jne 3f
	movb $0x48, result(%esi)
3:	movl %eax, last(,%ecx,4)
	leal 0x2000 - PAGE_OFFSET(%ebx), %edx
	cmpl %eax, %edx
	jne 4f
	addl $0x1000, %edx		/* it showed the first page: now the second */
4:	orl $7, %edx
	movl %edx, 0x1000(%ebx)
	incl %esi
	jmp 2b
5:	movb $10, result(%esi)
	leal 9(%esi), %ecx
	movl $line, %esi
	call print
	movl $0, %eax
	ret

	.data
line:	.ascii "pgdirs: "
result:	.space 1024
	.align 4
last:	.space NDIRS * 4
	.bss
	.align 4096
dirs:	.space NDIRS * 0x4000
