/*P:100 src/guest/ is the Guest, the one piece of this project that is not
 * Java: a small kernel in C and GNU assembler, built by your gcc (-m32, no libc,
 * no libgcc) into an ELF file the Launcher loads.  It boots on the Host the way
 * lguest's paravirtualized Linux did, then does what a kernel does, in
 * miniature, until it can run Debian's unmodified busybox; with no program to
 * run, it gives a short demonstration instead (main.c), the one `make demo`
 * shows.  Three stories share the folder.
 *
 * Part II, the Guest, is told mostly by four files: head.S, the first
 * instruction after the magic string, the trap stubs and lguest_iret, the
 * return from an interrupt that the Host must never interrupt; lguest.c,
 * everything that crosses to the Host, from LGUEST_INIT to the lazy hypercall
 * ring; mm.c, page tables that are the Guest's to write and the Host's to
 * believe; and traps.c, exceptions, virtual interrupts and the clock.  printk.c
 * is the kernel's voice, and main.c the order in which it all comes to life,
 * with the demonstration at the end; crc32.c is the checksum it prints to
 * prove the disk was read right.  lab.c is one function, the panic a lab's
 * stub calls when Mastery has taken code out of the Guest (M:100).
 *
 * Part III, Drivers, is bus.c, the device page and the two hypercalls every
 * driver stands on, and then console.c and block.c, the console and /dev/lgba,
 * and net/lguest_net.c, the network between Guests (D:600; the rest of net/
 * is the IPv4 stack above it, P:150).
 *
 * The rest belongs to the appendix Unix: process.c and sched.c (processes,
 * signals, the scheduler), resource.c (limits and niceness), itimer.c
 * (alarms), vm.c and exec.c (address spaces, and programs started in them),
 * syscall.c (Linux's system-call table, as much of it as busybox asks for),
 * file.c and select.c (descriptors and pipes, and waiting on many at once),
 * fs.c and ext2.c (names, and the disk format under them), proc.c (/proc and
 * /dev, made from the kernel's tables as they are read), root.c (booting from
 * a disk, U:760), disk.c (a RAM disk for "/" when the Guest has no disk,
 * U:602), cmdline.c (which words of the command line are the kernel's), and
 * the line discipline in console.c, for when a person is typing.  Where those
 * files meet lguest (a context switch, thread-local storage, the FPU, a new
 * process's page tables) the story returns to Part II.
 *
 * BOOT.md, beside them, is the contract with the Launcher and the Host, written
 * down.  The Makefile builds the kernel, the hostile guests and the self-tests;
 * from the top of the tree, `make guest` runs it. :*/
#include "kernel.h"

/*G:020 Every kernel's story starts with its first instruction, and ours is
 * odd before it starts: there is no boot loader and no BIOS.  The Launcher
 * copies our ELF segments into guest memory, then searches the image for the
 * string below and starts us on the byte right after it, already in protected
 * mode with paging on, in ring 1, with all of RAM mapped at PAGE_OFFSET.  So
 * the string must be the first thing in the image (the Launcher takes the
 * first match it finds) and the code must follow it immediately.  lguest did
 * exactly this, and a "GenuineLguest" is still the most honest ELF note ever
 * written.
 *
 * We are handed very little: %esi holds the physical address of the boot
 * parameters (0), and nothing else is promised, not even a stack.  So before
 * any C can run we pick a direction for string instructions, clear the BSS
 * (the Launcher's RAM is zeroed, but a kernel that relies on somebody else's
 * zeroes has a bug waiting for a different Launcher), set up a stack, and pass
 * the boot parameters to lguest_init() as a kernel virtual address. */
	.section .text.head, "ax"
	.ascii LGUEST_MAGIC
	.globl lguest_entry
lguest_entry:
	cld
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	movl $boot_stack_top, %esp
	xorl %ebp, %ebp
	leal LGUEST_PAGE_OFFSET(%esi), %eax
	pushl %eax
	call lguest_init
1:	jmp 1b
/*:*/

/*G:460 Traps and interrupts come in through the IDT as on any i386: the
 * CPU (or, for a reflected trap or a virtual interrupt, the Host, doing just
 * what the CPU would) pushes eip, cs and eflags, plus esp and ss when we were
 * in ring 3, plus an error code for a few exceptions, and jumps to the gate's
 * handler.  We give each of the first 64 vectors a stub of exactly 16 bytes,
 * so the IDT setup in C can find stub N at trap_stubs + 16*N without a table
 * (and checks at boot that the assembler kept to 16).  Vectors that get no
 * error code from the CPU push a 0, so every frame has the same shape; then
 * each stub pushes its vector number and joins the common path.
 *
 * Which vectors have an error code is the CPU's rule, not ours: 8, 10 to 14
 * and 17.  The Host follows the same rule when it delivers a trap to us, so
 * the frame looks the same however it was made. */
	.text
	.p2align 4
	.globl trap_stubs
trap_stubs:
	.set vec, 0
	.rept TRAP_STUB_COUNT
	.p2align 4
	.if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17)
	.else
	pushl $0
	.endif
	pushl $vec
	jmp trap_common
	.set vec, vec + 1
	.endr
	.p2align 4
	.globl trap_stubs_end
trap_stubs_end:
/*:*/

/*G:470 System calls have their own door, vector 0x80.  Its IDT gate is a
 * trap gate with privilege 3, and that combination matters: the Host copies
 * such a gate straight into the real IDT, so "int $0x80" from a user program
 * goes from ring 3 to our ring 1 through the CPU alone, with no visit to the
 * Host.  lguest measured what that is worth: a system call went from about
 * 1750 ns to 270 ns. */
	.globl syscall_entry
syscall_entry:
	pushl $0
	pushl $LGUEST_SYSCALL_VECTOR
	jmp trap_common
/*:*/

/*G:480 The common path saves the registers in the order of struct
 * trap_frame, so C sees the whole trapped state as one structure.  The data
 * segments are saved and replaced, because a trap from ring 3 arrives with
 * the user's selectors loaded.  They are flat too, so nothing would break at
 * once, but "the kernel runs on whatever segments the user left" is a bet a
 * kernel should not make.  The direction flag is cleared because gcc's code
 * assumes it is, and a user program may well have set it.
 *
 * The way out is not a plain iret, but lguest_iret (G:530). */
trap_common:
	pushl %ds
	pushl %es
	pushl %eax
	pushl %ebp
	pushl %edi
	pushl %esi
	pushl %edx
	pushl %ecx
	pushl %ebx
	cld
	movl $LGUEST_KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	pushl %esp
	call trap_dispatch
	addl $4, %esp
	popl %ebx
	popl %ecx
	popl %edx
	popl %esi
	popl %edi
	popl %ebp
	popl %eax
	popl %es
	popl %ds
	addl $8, %esp
	jmp lguest_iret
/*:*/

/*G:520 Halting has a famous race.  The idle loop checks that there is
 * nothing to do, then halts "with interrupts enabled".  If it enables
 * interrupts first and halts second, an interrupt can slip in between: its
 * handler runs, produces the very work we were waiting for, returns, and we
 * halt anyway, asleep with work on the table until some unrelated interrupt
 * wakes us.  Real hardware closes the gap with "sti; hlt" (sti takes effect
 * one instruction late).  We have no sti, but we have something better: the
 * noirq window, the stretch of code between lguest_noirq_start and
 * lguest_noirq_end in which the Host promises never to deliver an interrupt.
 *
 * So safe_halt() is called with virtual interrupts off, loads the HALT call
 * number outside the window and jumps to two instructions inside it: turn the
 * virtual interrupt flag on, make the hypercall.  Nothing can be delivered
 * between the two, and the instruction after the "int" is lguest_noirq_end
 * itself, just outside the window, so the Host is free to deliver the waking
 * interrupt the moment the halt ends.  lguest had the Host turn interrupts on
 * when it woke a halted Guest instead; this way works with either kind of
 * Host. */
	.globl safe_halt
safe_halt:
	movl $LHCALL_HALT, %eax
	jmp halt_in_window
/*:*/

/*G:530 lguest_iret is how every trap, interrupt and system call returns.
 * A native kernel's iret restores eflags, interrupt flag included, in one go.
 * Ours runs in ring 1 with an I/O privilege level of 0, and there the CPU
 * quietly refuses to change IF on iret; besides, our interrupt flag is not
 * IF at all but lguest_data.irq_enabled.  So before the iret we copy the
 * saved IF into irq_enabled ourselves.
 *
 * That store and the iret must not be separated by an interrupt: once
 * irq_enabled says "on", the Host could deliver one right there, on this
 * stack, before our iret, and a steady stream of them would stack frame upon
 * frame.  So the store, the pop and the iret sit inside the noirq window,
 * whose bounds lguest_init() gives to the Host with LGUEST_INIT.
 *
 * The store uses an %ss: override.  By now %ds may hold the user's selector
 * again; that one is flat too, but the stack segment is the only one we know
 * for certain is ours. */
	.globl lguest_iret
lguest_iret:
	pushl %eax
	movl 12(%esp), %eax
	andl $X86_EFLAGS_IF, %eax
	.globl lguest_noirq_start
lguest_noirq_start:
	movl %eax, %ss:lguest_data
	popl %eax
	iret
halt_in_window:
	movl $X86_EFLAGS_IF, %ss:lguest_data
	int $LGUEST_TRAP_ENTRY
	.globl lguest_noirq_end
lguest_noirq_end:
	ret
/*:*/

/* The boot stack: lguest_init() and kernel_main() run on it, and the kernel
 * comes back to it when the first process exits.  Each process has a kernel
 * stack of its own (process.c), and that is the one SET_STACK names. */
	.section .bss
	.p2align 12
boot_stack:
	.skip 8192
boot_stack_top:
