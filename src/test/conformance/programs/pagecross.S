/* Code that crosses page boundaries: instructions whose bytes straddle two pages, and a
 * straight-line block that runs from one page into the next. Linked with -Wl,-N so the
 * bytes can be patched at run time. */

/* Decoded-block caches keyed by the physical address of a block's first byte have a
 * blind spot: a block, or a single instruction, that starts on one page and ends on the
 * next. A store to the second page must drop the block that began on the first, or the
 * CPU runs the old bytes. Real CPUs snoop by cache line and do not care about pages;
 * these functions are placed so that the patched bytes sit on the far side of a page
 * boundary from the start of the instruction that holds them. */
	.text
	.p2align 12
	.skip	4096 - 6, 0xcc
	/* offsets 4090..4092 are NOPs, the MOV's opcode is at 4093, its immediate at
	 * 4094..4097: two bytes on each page */
	.globl	straddle_const
straddle_const:
	nop
	nop
	nop
	.byte	0xb8
	.globl	straddle_imm
straddle_imm:
	.long	0x11223344
	ret

	.p2align 12
	.skip	4096 - 5, 0xcc
	/* LEA with a SIB byte and a disp32 split 1 + 3 across the boundary, then a block of
	 * straight-line code on the next page */
	.globl	straddle_lea
straddle_lea:
	movl	4(%esp), %ecx
	.byte	0x8d, 0x84, 0x89	/* lea disp32(%ecx,%ecx,4), %eax */
	.globl	straddle_disp
straddle_disp:
	.long	0x01020304
	addl	%ecx, %eax
	roll	$5, %eax
	xorl	$0x5a5a5a5a, %eax
	ret

	.p2align 12
	.skip	4096 - 2, 0xcc
	/* a two-byte jump at the end of one page to the first byte of another */
	.globl	jump_to_page_start
jump_to_page_start:
	jmp	1f
	.p2align 12
1:	movl	$0x600d, %eax
	ret
	.section .note.GNU-stack,"",@progbits
