/* F3 0F BC on a zero source: BSF leaves ZF=1 (and, on every CPU that exists, the
 * destination unchanged); TZCNT writes the operand width and sets CF. Prints the
 * destination and the flags, so the test can tell which one it ran on. */
	.text
	.globl	main
main:
	pushl	%ebx
	movl	$0x12345678, %ebx
	xorl	%ecx, %ecx
	movl	$0x12345678, %ecx
	xorl	%edx, %edx
	.byte	0xf3, 0x0f, 0xbc, 0xda	/* rep bsf %edx, %ebx  (tzcnt %edx, %ebx) */
	pushfl
	popl	%eax
	movl	%ebx, tz_dest
	movl	%eax, tz_flags
	movl	$8, %edx
	.byte	0xf3, 0x0f, 0xbc, 0xca	/* rep bsf %edx, %ecx: nonzero source */
	pushfl
	popl	%eax
	movl	%ecx, tz_dest8
	movl	%eax, tz_flags8
	call	report
	popl	%ebx
	ret
	.section .note.GNU-stack,"",@progbits
