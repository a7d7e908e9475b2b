/* An entry point that photographs the registers before anything touches them. */
/* Linux starts an i386 ELF with EAX..EBP all zero (ELF_PLAT_INIT), EFLAGS holding only
 * IF, and the stack laid out as argc, argv[], NULL, envp[], NULL, then the auxiliary vector
 * of (type, value) pairs ending in AT_NULL. A static glibc program leans on that vector
 * before main: AT_PHDR to find its TLS template, AT_PAGESZ, AT_RANDOM for the stack
 * protector's canary. So this program has its own _start, which saves every register and
 * the flags first and hands the picture to C. */
	.text
	.globl	_start
_start:
	pushfl
	pushal
	movl	%esp, %eax
	andl	$-16, %esp
	subl	$12, %esp
	pushl	%eax
	call	initial_report
	hlt
	.section .note.GNU-stack,"",@progbits
