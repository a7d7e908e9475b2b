/* The small chores of a paravirtualised kernel, one after another: port I/O
 * (emulated by the Host: reads float to all ones), the TS bit and the #NM it
 * causes, a TLS segment loaded with LOAD_TLS, and a page-table update queued on
 * the asynchronous hypercall ring instead of made at once. */
#include "common.S"
	.text
main:
	/* Port I/O: in from the kernel is emulated as all ones, out is ignored. */
	movl $0x12345600, %eax
	inb $0x60, %al
	cmpl $0x123456FF, %eax
	jne bad
	movw $0x3F8, %dx
	outb %al, (%dx)
	xorl %eax, %eax
	inl (%dx), %eax
	cmpl $0xFFFFFFFF, %eax
	jne bad
	say "port io ok"

	/* TS: ask for it, touch the FPU, take #NM in our handler, clear it there. */
	movl $nm_handler, %eax
	movl %eax, %ebx
	andl $0xFFFF, %ebx
	andl $0xFFFF0000, %eax
	orl $0x8E00, %eax
	hcall LHCALL_LOAD_IDT_ENTRY, $7, %ebx, %eax
	hcall LHCALL_TS, $8
	fninit
	cmpl $1, nm_count
	jne bad
	say "ts ok"

	/* LOAD_TLS: entry 6 with base tls_area, then %gs = 0x31 (entry 6, RPL 1). */
	movl $tls_area, %eax
	movl %eax, %ebx
	shll $16, %ebx
	orl $0xFFFF, %ebx
	movl %ebx, tls_desc
	movl %eax, %ebx
	shrl $16, %ebx
	andl $0xFF, %ebx
	andl $0xFF000000, %eax
	orl %ebx, %eax
	orl $0x00CF9200, %eax		/* data, DPL 0: the Host raises it to 1 */
	movl %eax, tls_desc + 4
	hcall LHCALL_LOAD_TLS, $PA(tls_desc)
	movw $0x31, %ax
	movw %ax, %gs
	cmpl $0x7715, %gs:4
	jne bad
	say "tls ok"

	/* The async ring: queue SET_PTE in slot 0, then any hypercall runs it. */
	call own_pgdir
	movl $(PA(pte1) + 7), pgdir + 0x100 * 4
	movl $0x200003, pte1
	movl $0xAAAA, PAGE_OFFSET + 0x200000
	movl $0xBBBB, PAGE_OFFSET + 0x201000
	cmpl $0xAAAA, 0x40000000
	jne bad
	movl $0x201003, pte1
	movl $LHCALL_SET_PTE, lguest_data + 84
	movl $PA(pgdir), lguest_data + 88
	movl $0x40000000, lguest_data + 92
	movl $0x201003, lguest_data + 96
	movb $0, lguest_data + 20
	cmpl $0xAAAA, 0x40000000
	jne bad
	hcall LHCALL_FLUSH_ASYNC
	cmpb $0xFF, lguest_data + 20
	jne bad
	cmpl $0xBBBB, 0x40000000
	jne bad
	say "async ok"
	movl $0, %eax
	ret
bad:
	say "chores bad"
	movl $5, %eax
	ret
nm_handler:
	incl nm_count
	pushl %eax
	pushl %ebx
	pushl %ecx
	pushl %edx
	hcall LHCALL_TS, $0
	popl %edx
	popl %ecx
	popl %ebx
	popl %eax
	jmp irq_ret_start
	.data
nm_count: .long 0
	.align 8
tls_desc: .long 0, 0, 0, 0, 0, 0
tls_area: .long 0, 0x7715
