#include "kernel.h"
#include "fs.h"

/*U:220 A context switch is four pushes, a change of %esp and four pops.
 * Every process that is not running is inside the kernel, in switch_to()
 * itself, with its callee-saved registers on its own kernel stack and that
 * stack's pointer in its struct process; switching is saving our %esp,
 * loading the other's, and returning, which returns into whatever call of
 * switch_to() the other process made when it stopped.  Everything else about
 * a process (its user registers, its place in its system call) is already on
 * its kernel stack, put there by the trap that brought it into the kernel.
 *
 * A process that has never run has no such call to return into, so fork()
 * builds one: a kernel stack with the child's trap frame at the top and,
 * below it, four zeroed registers and the address of ret_from_fork.  The
 * first switch to it "returns" there, and ret_from_fork does what the end of
 * a system call does: delivers any signal, pops the trap frame and leaves
 * through lguest_iret (G:530), into user space with %eax = 0. */
__asm__(
	".text\n"
	".globl switch_to\n"
	"switch_to:\n"
	"	pushl %ebp\n"
	"	pushl %ebx\n"
	"	pushl %esi\n"
	"	pushl %edi\n"
	"	movl 20(%esp), %eax\n"
	"	movl 24(%esp), %ecx\n"
	"	movl %esp, (%eax)\n"
	"	movl %ecx, %esp\n"
	"	popl %edi\n"
	"	popl %esi\n"
	"	popl %ebx\n"
	"	popl %ebp\n"
	"	ret\n"
	".globl ret_from_fork\n"
	"ret_from_fork:\n"
	"	pushl %esp\n"
	"	call return_to_user\n"
	"	addl $4, %esp\n"
	"	popl %ebx\n"
	"	popl %ecx\n"
	"	popl %edx\n"
	"	popl %esi\n"
	"	popl %edi\n"
	"	popl %ebp\n"
	"	popl %eax\n"
	"	popl %es\n"
	"	popl %ds\n"
	"	addl $8, %esp\n"
	"	jmp lguest_iret\n");

void return_to_user(struct trap_frame *regs);
void return_to_user(struct trap_frame *regs)
{
	irq_enable();
	do_signal(regs, regs->eax);
	irq_disable();
	current.in_kernel = 0;
}
/*:*/

/*G:640 A context switch, as the Host sees it.  A native i386 kernel that
 * switches processes changes a handful of privileged things: the TSS's stack
 * pointer for the next trap from ring 3, the TLS descriptors in the GDT, %cr3,
 * and TS in %cr0 for the lazy FPU.  Every one of them is the Host's here, so
 * each is a hypercall: SET_STACK for the ring-1 stack (G:180), LOAD_TLS
 * (G:170), TS (G:650) and NEW_PGTABLE, the Guest's "mov to %cr3".  The first
 * three are lazy, queued and sent with the one exit of lazy_mode_leave()
 * (G:210).  The page directory is not: everything after it, down to the next
 * process's first instruction, depends on it.
 *
 * The Host keeps four shadow page directories, each remembered by the
 * address of the Guest's directory it shadows, and, when it needs a fifth,
 * takes the place of the one loaded longest ago (H:460), so switching
 * between a shell and its child rarely costs a rebuilt shadow.  The price is a
 * subtle one: a directory we freed and allocated again at the same address may
 * find an old shadow waiting for it, full of another process's user mappings.
 * So the first time a new directory is loaded we also flush its user half.
 *
 * %gs is the last thing: the user's %gs stays loaded while its process is in
 * the kernel (nothing of ours uses it), so we keep it per process and reload
 * it once the Host has the new TLS descriptors it may name; %fs likewise,
 * after the LDT (G:635), which goes over only when one of the two processes
 * has one. */
extern struct process *fpu_owner;
static int ldt_loaded;             /* entries of the LDT the Host has now */

void activate_process(struct process *p)
{
	lazy_mode_enter();
	set_kernel_stack((unsigned long)p->kstack + KSTACK_PAGES * PAGE_SIZE, KSTACK_PAGES);
	load_tls(p->tls);
	if (p->ldt_count || ldt_loaded) {
		load_ldt(p->ldt, p->ldt_count);
		ldt_loaded = p->ldt_count;
	}
	set_ts(fpu_owner != p);
	lazy_mode_leave();
	kernel_pgdir = p->pgdir;
	hcall(LHCALL_NEW_PGTABLE, __pa(p->pgdir), 0, 0);
	if (p->pgdir_fresh) {
		hcall(LHCALL_FLUSH_TLB, 0, 0, 0);
		p->pgdir_fresh = 0;
	}
	__asm__ __volatile__("movl %0, %%gs" : : "r"(usable_selector(p, p->gs)));
	__asm__ __volatile__("movl %0, %%fs" : : "r"(usable_selector(p, p->fs)));
}
/*:*/

static void start_slice(void);

/*U:225 Switching to another process is then three steps: put the old one's
 * %gs aside, tell the Host about the new one (G:640), and start its time
 * slice (G:694); then switch_to() changes stacks, and we are the other
 * process, returning from its own last call of switch_process().  On the
 * way, the time each has had on the CPU is counted, for /proc (U:782). */
u64 boot_ns, idle_ns, dead_cpu_ns;
unsigned long nr_forks, nr_switches;

/* The CPU time a process has had, counted at every switch (for /proc). */
u64 cpu_ns_of(struct process *p)
{
	return p->cpu_ns + (p == current_proc && p->ran_since ? monotonic_ns() - p->ran_since : 0);
}

static void switch_process(struct process *next)
{
	struct process *prev = current_proc;
	u64 now;

	if (next == prev)
		return;
	now = monotonic_ns();
	if (prev->ran_since)
		prev->cpu_ns += now - prev->ran_since;
	next->ran_since = now;
	nr_switches++;
	calc_load();
	__asm__ __volatile__("movl %%gs, %0; movl %%fs, %1" : "=r"(prev->gs), "=r"(prev->fs));
	current_proc = next;
	activate_process(next);
	start_slice();
	switch_to(&prev->ksp, next->ksp);
}
/*:*/

/*G:690 The time, for a kernel without a clock chip.  The Host writes the
 * wall-clock time into lguest_data whenever it delivers an interrupt, and
 * in lguest that was all the time there was: the time as of the last
 * interrupt, at most a time slice old while a process runs, since the
 * slice's alarm (G:694) is an interrupt too.  Our Host also writes it at
 * every hypercall (H:235), so the time *now* costs one call, the cheapest:
 * FLUSH_ASYNC, which with nothing queued does nothing else.  fresh_ns() makes
 * it, and so every deadline starts from now, and clock_gettime() and
 * gettimeofday() tell the time to the nanosecond (they told it to the
 * slice: ping measured every round trip as 0.000 ms).  A kernel that only
 * needs a rough time, the scheduler's accounting, a TCP timer, reads what
 * is there.  (The seconds are read again after the nanoseconds, in case the
 * Host wrote between the two reads.)
 *
 * Nor may a sleep spin: the Host would run our loop for the whole delay on
 * its own CPU.  When nobody can run, the scheduler (U:230) sets the one-shot
 * clock event (SET_CLOCKEVENT, G:400) for the earliest deadline and halts,
 * and the Host puts the whole Guest to sleep until the alarm's interrupt,
 * without one instruction of ours in between.  The delay is 32 bits of
 * nanoseconds, so a long sleep is cut into seconds. */
/* The Host's clock as of its last write, both halves from the same write. */
void host_clock(u32 *sec, u32 *nsec)
{
	do {
		*sec = READ_ONCE(lguest_data.time.seconds);
		*nsec = READ_ONCE(lguest_data.time.nanoseconds);
	} while (*sec != READ_ONCE(lguest_data.time.seconds));
}

u64 monotonic_ns(void)
{
	u32 s, ns;

	host_clock(&s, &ns);
	return (u64)s * 1000000000ULL + ns;
}

/* The time now: one hypercall, and the Host has written it (H:235). */
u64 fresh_ns(void)
{
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	return monotonic_ns();
}

void host_clock_now(u32 *sec, u32 *nsec)
{
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	host_clock(sec, nsec);
}
/*:*/

/*U:232 Whose question is it?  A question is asked by the scheduler, that
 * is, by whichever process happens to be calling schedule(), but it must be
 * answered as the sleeper would answer it: "has a child of mine exited?"
 * means the sleeper's children, and poll()'s "is one of these descriptors
 * ready?" reads the list from the sleeper's memory and looks the numbers up
 * in the sleeper's table of open files.  Asked as the caller, the first
 * question found no child of the caller's and slept on for ever (busybox's
 * `time`, waiting for its command under a shell, hung that way), and the
 * second read somebody else's memory.  So, for the length of the question,
 * the kernel is the sleeper: current and the page directory that
 * copy_from_user() walks are its own, as fork() does for the child. */
static int ask(struct process *p)
{
	struct process *me = current_proc;
	unsigned long *pgdir = kernel_pgdir;
	int yes;

	current_proc = p;
	kernel_pgdir = p->pgdir;
	yes = p->wait_cond(p->wait_arg);
	current_proc = me;
	kernel_pgdir = pgdir;
	return yes;
}
/*:*/

/*U:230 The scheduler is a loop over the process table.  A process that
 * sleeps leaves behind the question it is waiting on, as a function and its
 * argument ("is there something in this pipe?", "has a child of mine
 * exited?"), and a deadline if it has one; the scheduler asks each sleeper
 * its question and runs the first process, after the current one in table
 * order, that is runnable or whose answer is now yes, or that has a signal to
 * take.  This is the oldest Unix scheduler there is, sleep and wakeup
 * without the wakeup: nobody has to remember to wake anybody, so nobody can
 * forget to, and with a few dozen processes the asking is cheap.
 *
 * If nobody can run, the CPU halts until an interrupt, with the alarm set
 * for the earliest deadline (G:690).  The questions are asked with
 * interrupts off, and safe_halt() turns them on in the same breath as it
 * halts (G:520), so an interrupt that answers a question cannot slip in
 * between the asking and the halt.
 *
 * The scheduler is called by a process that waits or exits, and by the end
 * of a time slice: a process that computes is not asked whether it is done,
 * its 10 ms simply run out, and that is the clock's business (G:694). */
static int can_run(struct process *p, u64 now)
{
	if (p->state == P_RUNNABLE)
		return 1;
	if (p->state != P_SLEEPING)
		return 0;
	if (p->sigpending & ~p->sigmask & p->wake_signals)
		return 1;
	if (p->wait_cond && ask(p))
		return 1;
	return p->wake_ns && now >= p->wake_ns;
}

void schedule(void)
{
	unsigned long flags = irq_save();
	int start = current_proc - procs, i;

	for (;;) {
		u64 now, next_wake = 0;

		irq_disable();
		now = monotonic_ns();
		timers_run(now);           /* alarms and the network's (U:855) */
		next_wake = timers_next();
		for (i = 1; i <= MAX_PROCS; i++) {
			struct process *p = &procs[(start + i) % MAX_PROCS];

			if (can_run(p, now)) {
				p->state = P_RUNNABLE;
				switch_process(p);
				irq_restore(flags);
				return;
			}
			if (p->state == P_SLEEPING && p->wake_ns && (!next_wake || p->wake_ns < next_wake))
				next_wake = p->wake_ns;
		}
		if (next_wake) {
			u64 delta = next_wake > now ? next_wake - now : 1;

			set_clockevent(delta > 1000000000ULL ? 1000000000UL : (unsigned long)delta);
		}
		safe_halt();
		idle_ns += monotonic_ns() - now;
	}
}
/*:*/

/*G:694 A process that never waits would keep the CPU for ever: "yes >
 * /dev/null &", and the shell that started it would never run again to kill
 * it.  So a process gets a time slice, 10 ms on the one-shot alarm, and when
 * the alarm has rung, its next system call ends in the scheduler instead of
 * straight back in user space.  That is preemption at the kernel's door,
 * which is the safe place: a process there holds nothing of the kernel's.
 * (The scheduler also gets to ask its sleepers their questions then, so a
 * sleep whose deadline passes while another process computes ends at most a
 * slice late.)  A loop that makes no system calls at all is the next
 * section's.
 *
 * The alarm is set even when nobody else is there to want the CPU, for two
 * reasons.  A process that forks will not be switched in again before its
 * children want the CPU: set only "if somebody is there", it let a shell
 * that had started alone keep the CPU from its own fork bomb until it
 * waited.  And the alarm is also the clock (G:690): a process that waits for
 * clock_gettime() to pass a deadline, in a loop of system calls that never
 * leave the Guest, read the same time for ever, and an alarm() it had set,
 * which the ticks run, never rang.  An interrupt a hundred times a second
 * while something computes is what a Linux that is not tickless pays too; a
 * Guest with nothing to run still sleeps through to its next deadline. */
static unsigned long slice_tick;

static void start_slice(void)
{
	slice_tick = timer_ticks;
	set_clockevent(10000000);
}

void maybe_preempt(void)
{
	if (timer_ticks == slice_tick)
		return;
	schedule();
	if (timer_ticks != slice_tick)       /* nobody else ran: a new slice */
		start_slice();
}
/*:*/

/*G:696 And a loop that makes no system calls at all ("while :; do :;
 * done &" in a shell) is caught by the alarm itself.  The timer's interrupt
 * handler is ours from the first process on (it still counts the ticks, as
 * the one in traps.c did), and when the interrupt came while a process ran
 * its own code in ring 3, that is as good a moment as a system call's end.
 * "Its own code" is what in_kernel says: set on every way into the kernel
 * that can be interrupted (a system call, a fault that delivers a signal or
 * ends in do_exit, and a page fault waiting for memory), cleared on the way
 * out.  An interrupt that finds the kernel busy on the process's behalf
 * leaves it alone; the system call's end will do.
 *
 * The flag is cleared with interrupts off, and they stay off until
 * lguest_iret turns them on in the same breath as it returns to ring 3
 * (G:530): an interrupt between the two would find "not in the kernel"
 * while the way out is half done, with the trap frame half popped and the
 * interrupt's own frame pushed over the popped half, and a signal delivered
 * into that frame would return the kernel to nowhere.  (It did: "trap 14 at
 * eip 0x7b", a user data selector taken for an address.)
 *
 * The way in has the same kind of window: "int $0x80" comes through a trap
 * gate, which leaves interrupts on (G:620), so the timer can strike after
 * the CPU has pushed the system call's frame and before do_syscall() has set
 * in_kernel.  So "interrupted in ring 3" is also checked on the frame: the
 * frame at the top of the kernel stack must be this very interrupt's, with
 * the timer's vector and a ring-3 %cs.  In the window that slot holds the
 * nested interrupt's %cs instead (or 0x80), and the vector is wiped when a
 * tick from ring 3 is done, so an old 32 is never mistaken for a new one.
 * A signal sent to the process while it was switched out is delivered here
 * too, or "kill %1" could never stop such a loop. */
static void timer_tick(unsigned int irq, void *arg)
{
	struct trap_frame *top;

	(void)irq;
	(void)arg;
	timer_ticks++;
	timers_run(monotonic_ns());
	if (current_proc == &procs[0] || current.in_kernel)
		return;
	top = task_regs(current_proc);
	if (top->vector != FIRST_EXTERNAL_VECTOR || (top->cs & 3) != 3)
		return;                    /* not this interrupt's frame: see above */
	current.in_kernel = 1;
	maybe_preempt();
	if (signal_pending())              /* a kill that came meanwhile */
		signal_interrupted_user();
	top->vector = 0;
	current.in_kernel = 0;
}

void sched_init(void)
{
	request_irq(0, timer_tick, NULL);
	start_slice();                     /* the first process's: it arrives by no switch */
}
/*:*/

/*U:240 Waiting, for a process: put the question and the deadline where the
 * scheduler will ask them, and let it run somebody else.  A signal ends the
 * wait early with -ERESTARTSYS, Linux's own private errno for "interrupted,
 * but restart me if the handler asked for SA_RESTART"; do_signal() turns it
 * into that restart or into the -EINTR the program sees.
 *
 * Which signals may end it is the sleeper's to say (wake_signals, which the
 * scheduler reads too, U:230).  A system call's wait ends for any of them.
 * The kernel's own wait for memory (U:920) ends only for SIGKILL: the
 * program asked for nothing it could be told had failed, so a SIGCHLD from
 * the very child the OOM killer ended must not end it, as it once did, which
 * turned a shell's signal frame that could not yet be written into a
 * SIGSEGV.  (Linux calls such a sleep TASK_KILLABLE.) */
static long wait_signalled(int (*cond)(void *), void *arg, u64 deadline, u64 signals)
{
	long ret = 0;

	for (;;) {
		irq_disable();
		if (cond(arg))
			break;
		if (current.sigpending & ~current.sigmask & signals) {
			ret = -ERESTARTSYS;
			break;
		}
		if (deadline && monotonic_ns() >= deadline) {
			ret = -EAGAIN;
			break;
		}
		current.wait_cond = cond;
		current.wait_arg = arg;
		current.wake_ns = deadline;
		current.wake_signals = signals;
		current.state = P_SLEEPING;
		schedule();
	}
	current.wait_cond = NULL;
	current.wake_ns = 0;
	current.state = P_RUNNABLE;
	irq_enable();
	return ret;
}

long wait_event_until(int (*cond)(void *), void *arg, u64 deadline)
{
	return wait_signalled(cond, arg, deadline, ~0ULL);
}

long wait_event(int (*cond)(void *), void *arg)
{
	return wait_event_until(cond, arg, 0);
}

/* The same, ended early only by SIGKILL: a vfork parent's wait (U:310). */
long wait_event_killable(int (*cond)(void *), void *arg)
{
	return wait_signalled(cond, arg, 0, SIGBIT(SIGKILL));
}

static int never(void *unused)
{
	(void)unused;
	return 0;
}

/* Until a deadline on the monotonic clock: 0, or -ERESTARTSYS if a signal
 * came first. */
long sleep_until_ns(u64 deadline)
{
	long ret = wait_event_until(never, NULL, deadline);

	return ret == -EAGAIN ? 0 : ret;
}

/* Sleep for ns nanoseconds: 0, or -ERESTARTSYS if a signal came first. */
long sleep_ns(u64 ns)
{
	return ns ? sleep_until_ns(fresh_ns() + ns) : 0;
}

/* The same, ended early only by SIGKILL (-ERESTARTSYS then). */
long sleep_killable_ns(u64 ns)
{
	long ret = wait_signalled(never, NULL, fresh_ns() + ns, SIGBIT(SIGKILL));

	return ret == -EAGAIN ? 0 : ret;
}
/*:*/
