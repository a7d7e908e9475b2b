/* The hypercall and DMA fuzzer's bones (its brain is fuzz.c): the boot code of
 * every test guest, a landing stub for each of the 64 vectors the Host keeps, a
 * return for interrupts, a table of "int $n" for every n, and the ring-3 code
 * that the fuzzer drops into now and then.  Whatever goes wrong, a trap lands
 * in fault_entry, which throws the stack away and carries on fuzzing: the
 * fuzzer is meant to die only of what the Host decides. */
#include "common.S"
	.globl lguest_data, trap_stubs, irq_entry, int_table, stack_top, power_off
	.globl last_trap, irq_count, irq_budget, user_code, user_code_end, user_stack_top, enter_user

	.text
/*M:815 A fuzzer that gets back up.  Most of what it does traps: a port it may
 * not touch, a page that is not there, a selector the dice made up, an IRET
 * into a ring-3 segment that no longer exists.  If each of those were fatal
 * the fuzzer would die of its own clumsiness long before the Host had a
 * chance to be wrong, so the trap vectors it installs point here, and
 * fault_entry throws the stack away, reloads its segments and carries on with
 * the next round (fuzz_trap in fuzz.c).  Only the Host can stop it for good.
 * Interrupts return as lguest's do, through the noirq window; but a handler
 * the dice put on the wrong vector can return into the same fault for ever,
 * so returns are rationed per round, and an interrupt that caught the fuzzer
 * in ring 3 ends that trip. */
/* Vector i lands at trap_stubs + 32 * i: note it, and start over. */
	.balign 32
trap_stubs:
	.set i, 0
	.rept 64
	movl $i, %ss:last_trap
	jmp fault_entry
	.balign 32
	.set i, i + 1
	.endr

fault_entry:
	movl $0x69, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl $stack_top, %esp
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	cld
	call fuzz_trap			/* never returns */
	jmp .

/* An interrupt: count it and return the lguest way (common.S), unless this
 * round's returns are spent or it came from ring 3. */
irq_entry:
	incl %ss:irq_count
	decl %ss:irq_budget
	js fault_entry
	testl $3, 4(%esp)
	jnz fault_entry
	jmp irq_ret_start
/*:*/

/* int_table + 4 * n: "int $n; ret". */
	.balign 4
int_table:
	.set n, 0
	.rept 256
	.balign 4
	int $n
	ret
	.set n, n + 1
	.endr

/* enter_user(eip, ebx): an IRET to ring 3 at eip with the user segments and
 * the user stack; the user code comes back (if at all) through a trap. */
enter_user:
	movl 4(%esp), %ecx
	movl 8(%esp), %ebx
	movl $0x7b, %eax
	movl %eax, %ds
	movl %eax, %es
	pushl $0x7b
	pushl $user_stack_top
	pushl $0x202
	pushl $0x73
	pushl %ecx
	iret

/* Ring 3's repertoire: each entry is 16 bytes apart; the fuzzer picks one. */
	.balign 16
user_code:
	int $0x80			/* 0: a system call, straight back */
	jmp user_code
	.balign 16
	movl $100000, %ecx		/* 1: spin until an interrupt, then call */
1:	loop 1b
	int $0x80
	.balign 16
	movl (%ebx), %eax		/* 2: read what %ebx names */
	int $0x80
	.balign 16
	movl (%ebx), %eax		/* 3: write back what is there */
	movl %eax, (%ebx)
	int $0x80
	.balign 16
	int $0x1F			/* 4: a hypercall from ring 3 */
	int $0x80
	.balign 16
	cli				/* 5: a privileged instruction */
	int $0x80
	.balign 16
	inb $0x60, %al			/* 6: a port */
	int $0x80
	.balign 16
	int3				/* 7: a breakpoint */
	int $0x80
	.balign 16
user_code_end:

	.data
last_trap:	.long 0
irq_count:	.long 0
irq_budget:	.long 0

	.bss
	.align 4096
	.space 8192
user_stack_top:
