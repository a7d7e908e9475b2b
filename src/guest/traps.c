/* src/guest/traps.c is where the Guest meets the unexpected: CPU
 * exceptions, the virtual interrupts the Host injects for the timer and the
 * devices, and system calls from the user program.  All of them arrive through
 * head.S's stubs and leave through lguest_iret. */
#include "kernel.h"

static irq_handler_t irq_handlers[NR_IRQS];
static void *irq_args[NR_IRQS];
volatile unsigned long timer_ticks;

static const char *const trap_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault",
	"coprocessor overrun", "invalid TSS", "segment not present",
	"stack fault", "general protection", "page fault", "reserved",
	"x87 error", "alignment check", "machine check", "SIMD error",
};

/*G:450 The IDT, filled in gate by gate.  Exceptions and interrupts get
 * interrupt gates (type 0xE): delivering one turns our virtual interrupt flag
 * off, so a handler is never interrupted.  Three vectors are left out because
 * the Host ignores them anyway: 2 (NMI) and 8 (double fault) are its own
 * business, and 15 is reserved.  The hypercall vector 0x1F is the Host's too.
 *
 * System calls, 0x80, get a trap gate (0xF) with privilege 3: ring 3 may use
 * it, the interrupt flag is left alone, and the Host can install it as a
 * direct trap (G:470).  So do 3 and 4, as on Linux, so that a program's INT3
 * (a debugger's breakpoint) and INTO reach us as those traps, and become
 * SIGTRAP and SIGSEGV (U:440), not as the #GP a privilege-0 gate would
 * answer them with.  Interrupt gates could never be direct: the CPU
 * would clear the real IF, and the real IF is the Host's. */
void trap_init(void)
{
	unsigned int v;

	if (trap_stubs_end - trap_stubs != TRAP_STUB_SIZE * TRAP_STUB_COUNT)
		panic("trap stubs are %ld bytes, expected %d",
		      (long)(trap_stubs_end - trap_stubs), TRAP_STUB_SIZE * TRAP_STUB_COUNT);
	for (v = 0; v < TRAP_STUB_COUNT; v++) {
		if (v == 2 || v == 8 || v == 15 || v == LGUEST_TRAP_ENTRY)
			continue;
		load_idt_entry(v, (unsigned long)trap_stubs + TRAP_STUB_SIZE * v,
			       v == 3 || v == 4 ? 0xEF00 : 0x8E00);
	}
	load_idt_entry(LGUEST_SYSCALL_VECTOR, (unsigned long)syscall_entry, 0xEF00);
}
/*:*/

/*G:500 Virtual interrupts.  IRQ n comes in at vector 32 + n: 0 is the timer,
 * and device number i on the lguest bus is IRQ i + 1.  The Host only delivers
 * an IRQ whose bit is clear in lguest_data.blocked_interrupts, which is our
 * interrupt controller's mask register, so registering a handler unmasks its
 * line.  Only the timer's line starts masked (G:110); an IRQ nobody asked
 * for, say from a device with no driver, is delivered, finds no handler, and
 * is dropped. */
void request_irq(unsigned int irq, irq_handler_t handler, void *arg)
{
	unsigned long flags = irq_save();

	irq_handlers[irq] = handler;
	irq_args[irq] = arg;
	lguest_data.blocked_interrupts &= ~(1U << irq);
	irq_restore(flags);
}
/*:*/

static void timer_interrupt(unsigned int irq, void *arg)
{
	(void)irq;
	(void)arg;
	timer_ticks++;
}

/*G:505 The timer is unmasked only now, when there is a handler for it
 * (lguest_data starts with IRQ 0 blocked).  We keep no tick going: lguest's
 * Linux rearmed the one-shot at every tick, HZ times a second, but at boot
 * there is nothing to schedule, and the alarm is set only by whoever wants
 * to sleep (nsleep() below).  This handler just counts.  Once processes run,
 * the scheduler takes IRQ 0 over with a handler of its own and arms the alarm
 * for time slices; that belongs to the processes' story. */
void time_init(void)
{
	request_irq(0, timer_interrupt, NULL);
}
/*:*/

/*G:510 Waiting.  To wait for something an interrupt handler will do, check
 * for it with interrupts off, and if it has not happened, halt in a way that
 * cannot miss the interrupt (safe_halt(), next).  The Host wakes us by
 * delivering the interrupt; we come back with interrupts on and check again.
 * The block driver waits for the disk this way.
 *
 * A sleep is one alarm and such a wait for the tick it brings.  msleep()
 * stops at 4 seconds because SET_CLOCKEVENT takes its nanoseconds in 32 bits,
 * which run out at 4.29. */
void wait_until(int (*done)(void *), void *arg)
{
	for (;;) {
		irq_disable();
		if (done(arg)) {
			irq_enable();
			return;
		}
		safe_halt();
	}
}

static int ticks_reached(void *target)
{
	return (long)(timer_ticks - *(unsigned long *)target) >= 0;
}

void nsleep(unsigned long ns)
{
	unsigned long target = timer_ticks + 1;

	set_clockevent(ns ? ns : 1);
	wait_until(ticks_reached, &target);
}

void msleep(unsigned long ms)
{
	nsleep((ms > 4000 ? 4000 : ms) * 1000000UL);
}
/*:*/

/*G:490 Every trap comes here with its frame.  Interrupts go to their
 * handler; system calls to the process code.  The floating-point "device not
 * available" trap happens only because the kernel set TS when it switched to
 * a process that does not own the FPU; fpu_first_use() clears TS and hands
 * the FPU over (lazy FPU switching, with the processes).  A page fault from
 * the program may be one vm.c is waiting for, a page it promised and has not
 * made yet, or one there is no page for (U:920).
 *
 * Anything else is a fault.  From ring 3 it becomes a signal (U:440): the
 * program's handler runs, or the process ends.  From the kernel it is a
 * bug, and the only honest reaction is to stop with a message saying where.
 * A page fault's address is in lguest_data, put there by the Host; the CPU's
 * %cr2 is out of our reach. */
void trap_dispatch(struct trap_frame *regs)
{
	unsigned int v = regs->vector;

	if (v >= FIRST_EXTERNAL_VECTOR && v < FIRST_EXTERNAL_VECTOR + NR_IRQS) {
		unsigned int irq = v - FIRST_EXTERNAL_VECTOR;

		if (irq_handlers[irq])
			irq_handlers[irq](irq, irq_args[irq]);
		return;
	}
	if (v == LGUEST_SYSCALL_VECTOR) {
		do_syscall(regs);
		return;
	}
	if (v == 7) {
		fpu_first_use();
		return;
	}
	if (v == 14 && (regs->cs & 3) == 3) {
		int err = vm_fault(read_cr2(), regs->errcode & 2);

		if (err == 0)
			return;            /* mapped */
		if (err == -ENOMEM && !(current.sigpending & SIGBIT(SIGKILL)) && oom_kill()) {
			current.in_kernel = 1;   /* a tick for the victim (U:920), then fault again */
			irq_enable();
			sleep_killable_ns(10000000);
			irq_disable();
			current.in_kernel = 0;
			return;
		}
		if (err == -ENOMEM) {
			current.in_kernel = 1;
			irq_enable();
			do_exit(SIGKILL);
		}
	}
	if ((regs->cs & 3) == 3) {
		user_fault(regs, v < 32 ? trap_names[v] : "unknown trap");
		return;            /* into the program's handler (U:440) */
	}
	panic("trap %u (%s), error %#x, at eip %#x, cr2 %#lx", v,
	      v < 32 && trap_names[v] ? trap_names[v] : "unknown", regs->errcode,
	      regs->eip, v == 14 ? read_cr2() : 0UL);
}
/*:*/

/*G:590 Take stock.  The Guest is a kernel now, alone with its Host: it
 * has introduced itself, handed over its segments and its gates, learned to
 * turn interrupts off without touching IF, to come back from a trap without
 * being interrupted halfway, to sleep on a one-shot alarm and to wait without
 * missing its wake-up.  Not one of those needed ring 0, and each cost at most
 * a hypercall.  What it has not done is run a single program, and a kernel
 * that runs no programs is an elaborate way to print a banner.  Programs need
 * processes, and processes are where a kernel reaches for ring 0 most often. :*/
