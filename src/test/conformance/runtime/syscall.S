/* The one system-call gate of the conformance runtime: int $0x80, the i386 way. */
	.text
	/* long rt_syscall3(long nr, long a, long b, long c): EAX is the number, EBX ECX EDX
	 * the arguments, EAX the result (a negative errno on failure). EBX is callee-saved in
	 * the C ABI, so it is saved around the trap. */
	.globl	rt_syscall3
rt_syscall3:
	pushl	%ebx
	movl	8(%esp), %eax
	movl	12(%esp), %ebx
	movl	16(%esp), %ecx
	movl	20(%esp), %edx
	int	$0x80
	popl	%ebx
	ret
	.section .note.GNU-stack,"",@progbits
