/*P:350 src/test/guests/ holds the Host's own test guests: each a few dozen
 * instructions of GNU assembler that boots the way a 2.6.23 kernel does (the
 * magic string, LGUEST_INIT) and then does exactly one thing, good or bad, so that
 * a test can say which rule of the Host it exercised.  They share this file: the
 * entry point, hypercall and console helpers, and "power off".  Nothing here is a
 * kernel; it is a lab rat with a very short life. :*/
#include "../../guest/include/lguest.h"

#define PAGE_OFFSET 0xC0000000
#define PA(x) ((x) - PAGE_OFFSET)

/* hcall NUM, EDX, EBX, ECX: a synchronous hypercall, result in %eax. */
.macro hcall num, a=$0, b=$0, c=$0
	movl \a, %edx
	movl \b, %ebx
	movl \c, %ecx
	movl $\num, %eax
	int $0x1F
.endm

/* say "text": print a line on the console. */
.macro say text
	.section .rodata
9001:	.ascii "\text\n"
9002:
	.text
	movl $9001b, %esi
	movl $(9002b - 9001b), %ecx
	call print
.endm

	.text
	.ascii "GenuineLguest"
	.globl start
start:
	movl $stack_top, %esp
#ifndef NO_INIT
	/* Every async ring slot starts free (0xFF), or the Host would run 64
	 * zero-filled "calls" on the first hypercall. */
	movl $(lguest_data + 20), %edi
	movl $64, %ecx
	movb $0xFF, %al
	rep stosb
	movl $irq_ret_start, lguest_data + 1120
	movl $irq_ret_end, lguest_data + 1124
	hcall LHCALL_LGUEST_INIT, $PA(lguest_data)
#endif
	call main
	/* main returns: power off with the status in %eax. */
	jmp power_off

/* print: %esi = string (virtual), %ecx = length (< 256).  Copies it into one
 * page-aligned buffer so that the DMA has a single piece that crosses no page. */
print:
	pushl %edi
	movl $outbuf, %edi
	pushl %ecx
	cld
	rep movsb
	popl %ecx
	movl $0, outdma
	movl $PA(outbuf), outdma + 4
	movw %cx, outdma + 68
	movw $0, outdma + 70
	hcall LHCALL_SEND_DMA, $0, $PA(outdma)
	popl %edi
	ret

/* own_pgdir: a page directory of our own, mapping physical 0-4 MB at
 * PAGE_OFFSET with entries that are present and writable but neither accessed
 * nor dirty, so a test can watch the Host set those bits.  pte1 is a spare page
 * table for the tests to hang elsewhere. */
own_pgdir:
	movl $0, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	orl $3, %eax
	movl %eax, pte0(,%ecx,4)
	incl %ecx
	cmpl $1024, %ecx
	jne 1b
	movl $(PA(pte0) + 7), pgdir + (PAGE_OFFSET >> 22) * 4
	hcall LHCALL_NEW_PGTABLE, $PA(pgdir)
	ret

/* power_off: %eax = status; "Power down" or "Power down N". */
power_off:
	testl %eax, %eax
	jz 1f
	addl $'0', %eax
	movb $' ', crashmsg + 10
	movb %al, crashmsg + 11
	movb $0, crashmsg + 12
1:	hcall LHCALL_CRASH, $PA(crashmsg)
	jmp .

/* The return from an interrupt, lguest style: switch the Guest's interrupt
 * flag back on, then IRET, all inside the noirq window.  Through %ss, since
 * after an interrupt from ring 3 %ds may hold anything the user left there. */
	.globl irq_ret_start, irq_ret_end
irq_ret_start:
	movl $0x200, %ss:lguest_data
	iret
irq_ret_end:

	.data
crashmsg:
	.asciz "Power down\0\0\0"

	.bss
	.align 4096
lguest_data:
	.space 4096
outbuf:
	.space 4096
outdma:
	.space 128
	.align 4096
pgdir:
	.space 4096
pte0:
	.space 4096
pte1:
	.space 4096
	.align 16
stack:
	.space 8192
stack_top:
