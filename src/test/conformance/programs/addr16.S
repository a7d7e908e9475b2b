/* The address-size prefix 0x67 on memory operands: every 16-bit ModRM form, the string
 * instructions that walk SI and DI and count in CX, XLAT, and the moffs forms. Linked
 * with -Wl,--section-start=.low=0x4000, so that 48 KiB below the 64 KiB line are mapped:
 * a 16-bit address in a flat segment can reach nothing else.
 *
 * Each stub loads EAX..EDI (not ESP) and EFLAGS from g_in, runs its instruction, and
 * stores them to g_out. The table forms16 describes the stubs to the driver (addr16.c):
 * the stub, its name, and for memory forms the mod, rm and displacement from which the
 * driver works out register values that put the operand inside the low window. */

	.section .low, "aw", @nobits
	.globl	low
low:	.space	0xc000

	.data
	.globl	forms16
forms16:

	.text

/* BEGIN starts a stub and its table entry; the instruction follows, then END.
 * KIND: 0 a ModRM memory form, 1 a string instruction, 2 XLAT (BX + AL), 3 a bit
 * string ([BX] plus EAX bits) */
.macro BEGIN name, kind, mod, rm, disp, df
	.pushsection .rodata
9:	.asciz	"\name"
	.popsection
	.pushsection .data
	.long	8f, 9b, \kind | (\mod << 8) | (\rm << 16) | (\df << 24), \disp
	.popsection
	.p2align 4
8:	pushl	%ebx
	pushl	%esi
	pushl	%edi
	pushl	%ebp
	pushl	g_in+32
	popfl
	movl	g_in+0, %eax
	movl	g_in+4, %ecx
	movl	g_in+8, %edx
	movl	g_in+12, %ebx
	movl	g_in+20, %ebp
	movl	g_in+24, %esi
	movl	g_in+28, %edi
.endm

.macro END
	pushfl
	popl	g_out+32
	cld
	movl	%eax, g_out+0
	movl	%ecx, g_out+4
	movl	%edx, g_out+8
	movl	%ebx, g_out+12
	movl	%ebp, g_out+20
	movl	%esi, g_out+24
	movl	%edi, g_out+28
	popl	%ebp
	popl	%edi
	popl	%esi
	popl	%ebx
	ret
.endm

/* A 16-bit ModRM operand written out by hand (gas would shorten a disp16 it can) */
.macro M16 op, reg, mod, rm, disp
	.byte	0x67, \op
	M16R	\reg, \mod, \rm, \disp
.endm
.macro M16R reg, mod, rm, disp
	.byte	(\mod << 6) | (\reg << 3) | \rm
	.if \mod == 1
	.byte	(\disp) & 0xff
	.elseif \mod == 2 || (\mod == 0 && \rm == 6)
	.word	(\disp) & 0xffff
	.endif
.endm

/* Every operation on one addressing form */
.macro FORM mod, rm, disp
	BEGIN	"mov r32,m [67 8B] mod \mod rm \rm disp \disp", 0, \mod, \rm, \disp, 0
	M16	0x8b, 0, \mod, \rm, \disp
	END
	BEGIN	"add m32,r32 [67 01] mod \mod rm \rm disp \disp", 0, \mod, \rm, \disp, 0
	M16	0x01, 1, \mod, \rm, \disp
	END
	BEGIN	"inc m16 [66 67 FF /0] mod \mod rm \rm disp \disp", 0, \mod, \rm, \disp, 0
	.byte	0x66
	M16	0xff, 0, \mod, \rm, \disp
	END
	BEGIN	"movzx r32,m8 [67 0F B6] mod \mod rm \rm disp \disp", 0, \mod, \rm, \disp, 0
	.byte	0x67, 0x0f, 0xb6
	M16R	2, \mod, \rm, \disp
	END
	BEGIN	"push m32; pop edx [67 FF /6] mod \mod rm \rm disp \disp", 0, \mod, \rm, \disp, 0
	M16	0xff, 6, \mod, \rm, \disp
	popl	%edx
	END
	BEGIN	"fild m64; fistp [67 DF /5] mod \mod rm \rm disp \disp", 0, \mod, \rm, \disp, 0
	M16	0xdf, 5, \mod, \rm, \disp
	fistpll	g_x87
	END
.endm

	FORM	0, 0, 0
	FORM	0, 1, 0
	FORM	0, 2, 0
	FORM	0, 3, 0
	FORM	0, 4, 0
	FORM	0, 5, 0
	FORM	0, 6, 0x8010
	FORM	0, 7, 0
	.irp rm, 0, 1, 2, 3, 4, 5, 6, 7
	FORM	1, \rm, -13
	FORM	1, \rm, 0x7f
	FORM	2, \rm, 0x7ff0
	FORM	2, \rm, 0xc123
	.endr

	/* a segment override on a BP form, whose default segment is SS */
	BEGIN	"mov r32,m with DS override [3E 67 8B] mod 1 rm 6", 0, 1, 6, 4, 0
	.byte	0x3e
	M16	0x8b, 0, 1, 6, 4
	END
	/* the moffs forms take a 16-bit offset under 0x67 */
	BEGIN	"mov eax,moffs16 [67 A1]", 0, 0, 6, 0x9abc, 0
	.byte	0x67, 0xa1
	.word	0x9abc
	END
	BEGIN	"mov moffs16,ax [66 67 A3]", 0, 0, 6, 0x9ab0, 0
	.byte	0x66, 0x67, 0xa3
	.word	0x9ab0
	END
	BEGIN	"xlat [67 D7] (BX + AL)", 2, 0, 0, 0, 0
	.byte	0x67, 0xd7
	END
	/* a bit string: BX plus EAX/32 doublewords, the sum wrapping at 64 KiB too */
	BEGIN	"bt m32,r32 [67 0F A3] [bx] + eax/8", 3, 0, 7, 0, 0
	.byte	0x67, 0x0f, 0xa3, 0x07
	END
	BEGIN	"bts m32,r32 [67 0F AB] [bx] + eax/8", 3, 0, 7, 0, 0
	.byte	0x67, 0x0f, 0xab, 0x07
	END
	BEGIN	"btr m32,r32 [67 0F B3] [bx] + eax/8", 3, 0, 7, 0, 0
	.byte	0x67, 0x0f, 0xb3, 0x07
	END
	BEGIN	"btc m32,r32 [67 0F BB] [bx] + eax/8", 3, 0, 7, 0, 0
	.byte	0x67, 0x0f, 0xbb, 0x07
	END

/* The string instructions, with and without REP, in both directions */
.macro S1 name, df, bytes:vararg
	BEGIN	"\name", 1, 0, 0, 0, \df
	.byte	\bytes
	END
.endm
.macro STR name, op
	S1	"\name [67 \op]", 0, 0x67, 0x\op
	S1	"\name [67 \op] DF=1", 1, 0x67, 0x\op
	S1	"rep \name [67 F3 \op]", 0, 0x67, 0xf3, 0x\op
	S1	"rep \name [67 F3 \op] DF=1", 1, 0x67, 0xf3, 0x\op
.endm
.macro STRCC name, op
	STR	\name, \op
	S1	"repne \name [67 F2 \op]", 0, 0x67, 0xf2, 0x\op
	S1	"repne \name [67 F2 \op] DF=1", 1, 0x67, 0xf2, 0x\op
.endm
	STR	movsb, A4
	STR	movsl, A5
	STR	stosb, AA
	STR	stosl, AB
	STR	lodsb, AC
	STRCC	cmpsb, A6
	STRCC	cmpsl, A7
	STRCC	scasb, AE
	STRCC	scasl, AF
	S1	"rep movsw [66 67 F3 A5]", 0, 0x66, 0x67, 0xf3, 0xa5
	S1	"rep stosw [67 66 F3 AB] DF=1", 1, 0x67, 0x66, 0xf3, 0xab
	S1	"rep movsb with ES override on the source [67 26 F3 A4]", 0, 0x67, 0x26, 0xf3, 0xa4

	.data
	.globl	forms16_end
forms16_end:
	.section .note.GNU-stack,"",@progbits
