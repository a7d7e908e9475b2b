/*M:510 The runtime every conformance program stands on is as small as a C runtime can be:
 * an entry point (this file), one system-call gate (syscall.S) and a buffered hex printer
 * (rt.c). No libc, because x86run only knows exit, write, brk and exit_group, and because
 * every instruction a libc would add is an instruction whose behaviour we would have to
 * trust before we could trust the comparison.
 *
 * Linux starts a static ELF with nothing in the registers worth reading (a dynamic loader
 * would leave an atexit pointer in EDX; there is none here) and with ESP pointing at argc,
 * then the argv pointers, a NULL, the envp pointers, a NULL and the auxiliary vector.
 * x86run promises the same picture, so _start hands that one pointer to C and never
 * returns: there is no return address to pop.
 *
 * What the programs print goes through one buffer in rt.c, and nothing in it may
 * depend on where the stack or the break happens to lie, only on the computation:
 * the two runs are compared byte for byte, and nothing makes them place those alike. */
	.text
	.globl	_start
_start:
	xorl	%ebp, %ebp		/* end of the frame-pointer chain, for debuggers */
	movl	%esp, %eax
	andl	$-16, %esp		/* the i386 ABI wants 16-byte alignment at calls */
	subl	$12, %esp
	pushl	%eax
	call	rt_main			/* rt_main(uint32_t *initial_sp) */
	movl	%eax, %ebx
	movl	$252, %eax		/* exit_group */
	int	$0x80
	hlt				/* not reached; a fault here would be loud */
/*:*/
	.section .note.GNU-stack,"",@progbits
