/*P:130 src/guest/process.c is the Guest's one user process: it loads a
 * static i386 ELF program, the demonstration's built into the kernel image
 * or a real one from the initrd, enters ring 3, and takes it back when the
 * program exits or faults.  Its system calls are in syscall.c, its address
 * space in vm.c.  It is a long way from fork() and exec(), but every crossing
 * between ring 3 and ring 1 that a full kernel makes, this one makes too. :*/
#include "kernel.h"

struct process current;

/*G:620 The process's kernel stack: where the CPU puts the trap frame when
 * the program makes a system call or faults.  It is separate from the boot
 * stack the kernel itself runs on, because the kernel is in the middle of
 * run_program() on that one while the program runs, and a trap arriving at the
 * top of it would trample run_program()'s frame.  Two whole pages, since the
 * Host keeps exactly the pages SET_STACK names mapped for us. */
static u8 process_stack[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
/*:*/

/*G:630 Running it.  What a kernel does at a context switch into a process,
 * we do once: tell the Host where the process's kernel stack is (SET_STACK),
 * load its thread-local-storage entries (LOAD_TLS) and set TS so that its
 * first floating-point instruction traps (see fpu_first_use() below).
 * Those three are lazy hypercalls, queued in the ring and run by the Host in
 * one go when we leave lazy mode, which is exactly how lguest's Guest got a
 * context switch for the price of one exit.
 *
 * enter_user() returns when the program calls exit(), with its status. */
int run_program(const struct user_program *prog, char *const argv[])
{
	unsigned long entry, sp, flags;
	int status;

	memset(&current, 0, sizeof(current));
	if (exec_program(prog, argv, &entry, &sp) < 0) {
		printk("%s: not a program this kernel can run\n", prog->name);
		vm_release();
		return 127;
	}
	lazy_mode_enter();
	set_kernel_stack((unsigned long)process_stack + sizeof(process_stack), 2);
	load_tls(current.tls);
	set_ts(1);
	lazy_mode_leave();

	flags = irq_save();
	status = enter_user(entry, sp);
	irq_restore(flags);
	vm_release();
	return status;
}
/*:*/

/*G:795 The floating-point unit is the one part of the CPU's state a kernel
 * does not switch at every context switch: most processes never touch it,
 * and saving 108 bytes of x87 state for each of them would be waste.  So the
 * kernel sets TS, the CPU's "task switched" flag, and the first x87
 * instruction of the process traps (#NM, vector 7) instead of running.  Only
 * then does the kernel do the work; with a single process there is nothing
 * to save, but there is something to do once: give the process a freshly
 * initialised FPU.  glibc's start-up code assumes the state FNINIT leaves
 * (control word 0x37F: every exception masked, 64-bit precision, rounding
 * to nearest), and does not load it itself unless the kernel's auxiliary
 * vector says the control word is something else.  Whatever was in the FPU
 * before, the last process's leftovers or, on a real i686 just out of
 * reset, a control word of 0x0040 with every exception unmasked (awk's first
 * 1/3 would end in a floating-point exception), is not what a new program
 * may be handed.
 *
 * TS is in %cr0, out of ring 1's reach, so clearing it is a hypercall; the
 * Host clears the real bit before it runs us again. */
void fpu_first_use(void)
{
	set_ts(0);
	if (!current.fpu_used) {
		__asm__ __volatile__("fninit");
		current.fpu_used = 1;
	}
}
/*:*/

/*G:650 A fault in ring 3 is the program's problem, not the kernel's: we say
 * what happened and end the process with the status a shell would show for
 * the signal Linux would have sent (128 + SIGSEGV for a protection or page
 * fault, and so on).  A page fault reaches this point only when vm_fault()
 * found nothing it may map: an address outside every range, or a write to a
 * read-only page. */
void user_fault(struct trap_frame *regs, const char *what)
{
	int sig = SIGSEGV;

	if (regs->vector == 0 || regs->vector == 16)
		sig = SIGFPE;
	else if (regs->vector == 6)
		sig = SIGILL;
	else if (regs->vector == 3)
		sig = SIGTRAP;
	printk("user: trap %u (%s), error %#x, at eip %#x", regs->vector,
	       what ? what : "unknown", regs->errcode, regs->eip);
	if (regs->vector == 14)
		printk(", cr2 %#lx", read_cr2());
	printk("\n");
	leave_user(128 + sig);
}
/*:*/
