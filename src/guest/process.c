#include "ext2.h"

/*U:200 One program has memory now; busybox's shell wants many at once.  The
 * process table.  Slot 0 is not a process but the kernel's own
 * boot context, the stack main() runs on: run_program() switches from it to
 * the first process, and the first process's exit switches back to it.  Each
 * real process has a slot and a kernel stack of its own: the stack the CPU
 * puts the trap frame on when the process makes a system call or faults, and
 * the stack it sleeps on in the kernel while others run (U:205). */
struct process procs[MAX_PROCS];
struct process *current_proc = &procs[0];
static int next_pid = 1, init_status;
struct process *fpu_owner;

/* Where a trap from ring 3 leaves its frame: the very top of the stack. */
struct trap_frame *task_regs(struct process *p)
{
	return (struct trap_frame *)(p->kstack + KSTACK_PAGES * PAGE_SIZE) - 1;
}

struct process *find_process(int pid)
{
	int i;

	for (i = 1; i < MAX_PROCS; i++)
		if (procs[i].state != P_FREE && procs[i].pid == pid)
			return &procs[i];
	return NULL;
}
/*:*/

/*U:205 A kernel stack is two whole pages, since the Host keeps exactly the
 * pages SET_STACK names mapped for us (G:180), and two pages side by side in
 * the RAM mapping, since that is how the Host reaches them (H:300).  The
 * stacks once sat in the kernel's image, a pair per slot, which made every
 * slot cost 8 KiB whether it was ever used or not; at 32 slots that was a
 * quarter of the kernel's memory, and 32 was too few for a shell that starts
 * a hundred jobs.  So a process's stack is taken from the allocator (U:106)
 * when it is made, and given back with its slot when it is reaped.  There
 * are 103 slots now: the table itself, at some 2 KiB a slot (3 KiB before
 * the ranges moved to a page of their own, U:925), is what limits them,
 * since a Guest of 4 MiB must still hold the kernel and busybox.
 *
 * A new slot gets its stack, an empty page directory (U:180) and a pid, and
 * stays asleep until whoever made it has filled it in.  The registers a
 * program starts with are nearly all zero: the entry point, the stack, the
 * user segments, and interrupts on, since the timer must be able to take the
 * CPU back from it (G:696). */
static int no_slot;     /* why alloc_process() failed: no slot (EAGAIN), or no page (ENOMEM) */

static struct process *alloc_process(void)
{
	int i;

	no_slot = 0;
	for (i = 1; i < MAX_PROCS; i++) {
		if (procs[i].state == P_FREE) {
			struct process *p = &procs[i];

			memset(p, 0, sizeof(*p));
			p->kstack = try_alloc_pair();
			p->pgdir = p->kstack ? pgdir_new() : NULL;
			p->fds = p->pgdir ? try_alloc_page() : NULL;     /* NR_OPEN pointers: U:925 */
			p->mm_vmas = p->fds ? try_alloc_page() : NULL;  /* and its ranges */
			if (!p->mm_vmas) {
				if (p->fds)
					free_page(p->fds);
				if (p->pgdir)
					pgdir_free(p->pgdir);
				if (p->kstack)
					free_pair(p->kstack);
				return NULL;
			}
			p->pgdir_fresh = 1;
			p->pid = next_pid++;
			p->start_ns = monotonic_ns();
			rlimits_init(p);
			nr_forks++;
			p->state = P_SLEEPING;     /* not runnable until it is whole */
			p->in_kernel = 1;
			return p;
		}
	}
	no_slot = 1;
	return NULL;
}

/* A slot given back: the stack, the directory (unless it was a vfork
 * child's borrowed one), the descriptors' page and the ranges' page.  The
 * process is not running, and never will again, so its stack is free too. */
static void free_slot(struct process *p)
{
	if (!p->borrows_mm)
		pgdir_free(p->pgdir);
	free_page(p->fds);
	free_page(p->mm_vmas);
	free_pair(p->kstack);
	p->state = P_FREE;
}

/* A process that has never run starts in ret_from_fork (sched.c) with the
 * trap frame at the top of its kernel stack. */
static void prepare_kernel_stack(struct process *p)
{
	u32 *sp = (u32 *)task_regs(p);

	*--sp = (u32)ret_from_fork;
	*--sp = 0;                      /* %ebp */
	*--sp = 0;                      /* %ebx */
	*--sp = 0;                      /* %esi */
	*--sp = 0;                      /* %edi */
	p->ksp = (unsigned long)sp;
}

static void start_user_regs(struct trap_frame *regs, unsigned long eip, unsigned long esp)
{
	memset(regs, 0, sizeof(*regs));
	regs->eip = eip;
	regs->esp = esp;
	regs->cs = USER_CS;
	regs->ss = regs->ds = regs->es = USER_DS;
	regs->eflags = X86_EFLAGS_IF;
}
/*:*/

/*U:210 Running the first process.  We make it the current process before
 * it exists, so that exec_program() builds its address space in its own
 * page directory, give it the console as descriptors 0, 1 and 2, and switch
 * to it; from then on the kernel's boot context is idle until the process
 * exits, and the whole Unix below it (every fork, every pipe) happens on the
 * processes' own kernel stacks.  When process 1 exits, do_exit() switches
 * back here (U:350), and its status is ours to power off with (G:698).
 *
 * The status is the one a shell would show: the exit code, or 128 plus the
 * signal that killed it. */
int run_program(const struct user_program *prog, char *const argv[])
{
	struct process *init = alloc_process();
	unsigned long entry, sp;

	if (!init)
		panic("no memory for the first process");
	sched_init();
	current_proc = init;
	activate_process(init);
	init->pgid = init->sid = init->pid;
	memcpy(init->comm, prog->name, strlen(prog->name) < 15 ? strlen(prog->name) : 15);
	memcpy(init->exe, argv[0], strlen(argv[0]) < 63 ? strlen(argv[0]) : 63);
	init->ran_since = monotonic_ns();
	if (exec_program(prog, argv, NULL, &entry, &sp) < 0) {
		printk("%s: not a program this kernel can run\n", prog->name);
		vm_release();
		free_slot(init);
		current_proc = &procs[0];
		return 127;
	}
	console_files_init();
	start_user_regs(task_regs(init), entry, sp);
	prepare_kernel_stack(init);
	init->state = P_RUNNABLE;
	switch_to(&procs[0].ksp, init->ksp);
	if (init_status & 0x7F) {
		printk("init: killed by signal %u\n", init_status & 0x7F);
		return 128 + (init_status & 0x7F);
	}
	return (init_status >> 8) & 0xFF;
}
/*:*/

/*G:650 The floating-point unit is the one part of the CPU's state a kernel
 * does not switch at every context switch: most processes never touch it,
 * and saving 108 bytes of x87 state for each of them would be waste.  So the
 * kernel remembers which process's state is in the FPU (fpu_owner), and sets
 * TS, the CPU's "task switched" flag, whenever it runs any other (G:640): the
 * first x87 instruction of that process traps (#NM, vector 7) instead of
 * running.  Only then does the kernel do the work: FNSAVE the owner's state
 * into the owner's struct process, FRSTOR this one's, and make it the owner.
 * A shell that forks a dozen children, none of which computes in floating
 * point, never pays for it at all.
 *
 * On lguest that trap is never a direct one: the Host must see #NM first,
 * since one it caused itself is its own business (H:130), and passes it on
 * only if we had asked for TS.  And TS is in %cr0, out of ring 1's reach, so
 * clearing it is a hypercall (G:180), after which the Host clears the real
 * bit before it runs us again.  Two exits for the first x87 instruction
 * after a switch, none for every one after it.
 *
 * A process that has never used the FPU gets a freshly initialised one.
 * glibc's start-up code assumes the state FNINIT leaves (control word 0x37F:
 * every exception masked, 64-bit precision, rounding to nearest), and does
 * not load it itself unless the auxiliary vector says the control word is
 * something else.  Whatever was in the FPU before, another process's
 * leftovers or, on a real i686 just out of reset, a control word of 0x0040
 * with every exception unmasked (awk's first 1/3 would end in a
 * floating-point exception), is not what a new program may be handed. */
void fpu_first_use(void)
{
	set_ts(0);
	if (fpu_owner == current_proc)
		return;
	if (fpu_owner)
		__asm__ __volatile__("fnsave %0" : "=m"(fpu_owner->fpu));
	if (current.fpu_used) {
		__asm__ __volatile__("frstor %0" : : "m"(current.fpu));
	} else {
		__asm__ __volatile__("fninit");
		current.fpu_used = 1;
	}
	fpu_owner = current_proc;
}
/*:*/

/* fork(): the child's FPU state is a copy of the parent's as it is now. */
static void fpu_fork(struct process *child)
{
	if (fpu_owner == current_proc) {
		__asm__ __volatile__("fnsave %0" : "=m"(current.fpu));
		__asm__ __volatile__("frstor %0" : : "m"(current.fpu));
	}
	memcpy(child->fpu, current.fpu, sizeof(child->fpu));
	child->fpu_used = current.fpu_used;
}

static void fpu_drop(void)
{
	if (fpu_owner == current_proc) {
		fpu_owner = NULL;
		set_ts(1);
	}
	current.fpu_used = 0;
}

#define CLONE_VM             0x00000100
#define CLONE_VFORK          0x00004000
#define CLONE_THREAD         0x00010000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_SETTID   0x01000000

/*U:300 fork(), as busybox's glibc asks for it: clone() with SIGCHLD as the
 * signal to send the parent at the child's exit, and CLONE_CHILD_SETTID
 * asking for the child's pid in its own memory (glibc keeps it in its thread
 * control block).  The child is a copy: the same memory (copied, U:320), the
 * same open files (shared, U:505), the same signal dispositions, mask, TLS
 * descriptors and LDT (G:635), the same user registers, except that its
 * system call returns 0 where the parent's returns the child's pid.  Its kernel stack is
 * new, and holds only a copy of the parent's trap frame and the way into it
 * (U:220).  vfork() is another thing, U:310.  Threads (CLONE_VM without
 * CLONE_VFORK, a second flow of control in the same memory for good) are
 * beyond this kernel. */
/* The vfork child has exec'd or exited (or, reaped by nobody else, gone). */
static int vfork_done(void *arg)
{
	struct process *child = arg;

	return !child->vfork_parent || child->state == P_ZOMBIE || child->state == P_FREE;
}

static long do_fork(u32 flags, u32 newsp, u32 ptid, u32 ctid)
{
	struct process *child;
	struct trap_frame *regs;

	if ((flags & CLONE_THREAD) || ((flags & CLONE_VM) && !(flags & CLONE_VFORK)))
		return -EINVAL;
	child = alloc_process();
	if (!child)
		return no_slot ? -EAGAIN : -ENOMEM;   /* as Linux: a limit, or memory */
	child->ppid = current.pid;
	child->pgid = current.pgid;
	child->sid = current.sid;
	memcpy(child->tls, current.tls, sizeof(child->tls));
	memcpy(child->ldt, current.ldt, sizeof(child->ldt));
	child->ldt_count = current.ldt_count;
	__asm__ __volatile__("movl %%gs, %0; movl %%fs, %1" : "=r"(child->gs), "=r"(child->fs));
	memcpy(child->comm, current.comm, sizeof(child->comm));
	resources_fork(child);                     /* its limits and niceness (U:370) */
	memcpy(child->exe, current.exe, sizeof(child->exe));
	child->arg_start = current.arg_start;      /* its memory is a copy: so are its argv */
	child->arg_end = current.arg_end;
	memcpy(child->sigaction, current.sigaction, sizeof(child->sigaction));
	child->sigmask = current.sigmask;
	child->sas_sp = current.sas_sp;            /* and its signal stack (U:406) */
	child->sas_size = current.sas_size;
	child->sas_flags = current.sas_flags;
	fpu_fork(child);
	if (flags & CLONE_VFORK)
		vm_borrow(child);
	else if (vm_fork(child) < 0) {
		struct process *me = current_proc;

		current_proc = child;
		kernel_pgdir = child->pgdir;
		vm_release();
		current_proc = me;
		kernel_pgdir = me->pgdir;
		free_slot(child);
		return -ENOMEM;
	}
	files_fork(child);
	regs = task_regs(child);
	*regs = *task_regs(current_proc);
	regs->eax = 0;
	if (newsp)
		regs->esp = newsp;
	prepare_kernel_stack(child);
	if (flags & CLONE_PARENT_SETTID)
		copy_to_user(ptid, &child->pid, 4);
	if (flags & CLONE_CHILD_SETTID) {
		struct process *me = current_proc;

		current_proc = child;       /* its memory, not ours */
		kernel_pgdir = child->pgdir;
		copy_to_user(ctid, &child->pid, 4);
		current_proc = me;
		kernel_pgdir = me->pgdir;
	}
	child->state = P_RUNNABLE;
	if (flags & CLONE_VFORK) {
		child->vfork_parent = current.pid;
		wait_event_killable(vfork_done, child);   /* the two must never run at once (U:310) */
	}
	return child->pid;
}
/*:*/

/*U:310 vfork() is fork() for a child that will only exec (or give up and
 * _exit), and Unix made it cheap by not copying anything: the child runs
 * on its parent's memory itself, on the parent's stack even, while the
 * parent waits, and gives the memory back by exec'ing, which makes it a
 * new address space, or by exiting.  glibc's vfork() and posix_spawn() (how
 * awk's system() starts a shell) ask for it with CLONE_VFORK, and programs
 * count on the sharing: busybox's wget tries to exec "openssl s_client",
 * and a child that could not sets a variable its parent then reads, to try
 * ssl_client instead.  With a copy, as this kernel once gave, the parent
 * never heard, and `wget https://...` failed with "error getting
 * response".
 *
 * So the child gets the parent's page directory and a copy of its list of
 * ranges (vm_borrow(), U:320), and is marked as borrowing: exec gives it a
 * directory of its own before it loads the new program, where another
 * process would empty its own, and exit or reaping frees nothing of the
 * parent's.  Should the parent die while it waits (a SIGKILL does not wait
 * for the child), the memory becomes the child's, which is the last one
 * using it, as on Linux, where it is counted.  Only one process at a time
 * runs on it, so nothing else needs to know it is shared. */
/* A living child that borrows our memory, or NULL. */
static struct process *borrower(void)
{
	int i;

	for (i = 1; i < MAX_PROCS; i++)
		if (procs[i].state != P_FREE && procs[i].state != P_ZOMBIE && procs[i].borrows_mm
		    && procs[i].pgdir == current.pgdir && &procs[i] != current_proc)
			return &procs[i];
	return NULL;
}

/* The end of our hold on our memory, at exec or exit: give it back if it
 * is borrowed, leave it to a borrower, or free it. */
static void memory_release(void)
{
	struct process *b = current.borrows_mm ? NULL : borrower();

	if (current.borrows_mm || b) {
		vm_forget();
		if (b)
			b->borrows_mm = 0;        /* it is the owner now, and we a borrower */
		current.borrows_mm = 1;
		return;
	}
	vm_release();
}
/*:*/

long sys_clone(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return do_fork(a, b, c, e);
}

long sys_fork(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return do_fork(SIGCHLD, 0, 0, 0);
}

long sys_vfork(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return do_fork(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0);
}

#define AT_FDCWD (-100)

/*U:340 execve() replaces the program a process runs, and keeps the process:
 * its pid, its parent, its open files (except those marked close-on-exec),
 * its signal mask, and the signals it ignores; a signal it caught goes back
 * to its default action, since the handler was in the memory that is about
 * to go.  Its TLS descriptors go too, and the FPU starts over.
 *
 * The arguments and the environment are copied into the kernel first, since
 * the memory they are in is about to be replaced, into one static buffer for
 * every process.  execve() can sleep (a copy from user memory may wait for
 * the OOM killer's victim, U:920), and a second execve() meanwhile would
 * write over the first one's arguments, so the buffer has an owner: one
 * execve() at a time, and the others wait their turn (U:346).  It holds
 * 32 KiB in at most MAX_ARGS (1,024) arguments and MAX_ENV (256) variables:
 * a quarter of what Linux gave them until 2.6.23, and enough for "ls *" in a
 * directory of a thousand names, which is what a shell script will ask of
 * it.  (It was 32 arguments, and "cat *.txt" failed in a directory of 40.)
 * More is E2BIG, "Argument list too long", as on Linux; the limits are not
 * Linux's because every byte of this buffer is taken from the smallest
 * Guest's memory too. */
static char exec_strings[MAX_ARG_BYTES];
static char *exec_argv[MAX_ARGS + 1], *exec_envp[MAX_ENV + 1];

static long copy_strings(u32 uvec, char **vec, unsigned int max, char **space, char *end)
{
	unsigned int n = 0;
	u32 p;
	long len;

	for (;; n++) {
		if (!uvec) {
			vec[0] = NULL;
			return 0;
		}
		if (copy_from_user(&p, uvec + 4 * n, 4))
			return -EFAULT;
		if (!p)
			break;
		if (n == max)
			return -E2BIG;
		len = strncpy_from_user(*space, p, end - *space);
		if (len < 0)
			return len == -ENAMETOOLONG ? -E2BIG : len;
		vec[n] = *space;
		*space += len + 1;
	}
	vec[n] = NULL;
	return 0;
}

/*:*/

/*U:342 Which program?  Every program this kernel can run is busybox: one
 * image in memory, the initrd's or the one it read from its root disk
 * (U:762), with the applet chosen by argv[0].  So what execve() must find
 * out is only whether the name it is given means busybox.
 * "/proc/self/exe", which ash execs for every applet it does not run itself,
 * always does.  A file on the disk does if it is a copy of the image (a link
 * to it, typically), or, if it is a script starting with "#!", the
 * interpreter it names may (U:344).  Without a root to boot from, a name
 * "/bin/NAME", "/sbin/NAME", "/usr/bin/NAME", "/usr/sbin/NAME" or a bare
 * "NAME" means busybox anyway, whether the disk has no file there or a
 * regular file that is something else, since that is what a disk-less
 * system's PATH search tries, but only if NAME is one of busybox's
 * applets: wget execs "openssl" and, when that fails, its own ssl_client,
 * and a busybox that answered "openssl: applet not found" was not a
 * failed exec.  Only a regular file runs: a directory, a FIFO
 * or a device is EACCES, as on Linux, and the look that tells opens it
 * without waiting (a FIFO opened to read its first line once waited for a
 * writer that never came).  Anything else is ENOENT, or ENOEXEC for a file
 * we cannot run (ash then reads it as a shell script itself). */
static int starts_with(const char *s, const char *prefix)
{
	return !memcmp(s, prefix, strlen(prefix));
}

/* busybox keeps its applets' names in one sorted table, "[", "[[", "acpid",
 * ..., each ending in a NUL and the last in two: found once in the image,
 * it says whether a name is an applet.  An image without it is not a
 * busybox and has no applets: a program of its own that execs "echo" gets
 * ENOENT, as it would from a Linux without /bin/echo, and only
 * /proc/self/exe runs it again.  (Taking every name to be its own made
 * valgrind's nocwd, which execs echo after making 680 directories, make
 * them again and again in each new copy of itself until the inodes ran
 * out.) */
static int image_has_applet(const char *name)
{
	static const char *table;
	static int looked;
	const char *img = __va(initrd_start), *t;
	unsigned long i, n = strlen(name);

	if (!looked) {
		looked = 1;
		for (i = 0; i + 6 < initrd_size && !table; i++)
			if (!memcmp(img + i, "\0[\0[[\0", 6))
				table = img + i + 1;
	}
	if (!table)
		return 0;
	for (t = table; *t && t < img + initrd_size; t += strlen(t) + 1)
		if (strlen(t) == n && !memcmp(t, name, n))
			return 1;
	return 0;
}

static int is_applet_path(const char *path)
{
	static const char *const dirs[] = { "/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/" };
	unsigned int i;
	const char *s;

	for (i = 0; i < 4; i++)
		if (starts_with(path, dirs[i]) && path[strlen(dirs[i])])
			path += strlen(dirs[i]);
	for (s = path; *s; s++)
		if (*s == '/')
			return 0;
	return *path != 0 && image_has_applet(path);
}

/* What the file at path is: 1 busybox, 2 a "#!" script (its first line in
 * line[]), or a negative errno. */
static long exec_probe(const char *path, char *line, unsigned long size)
{
	struct file *f;
	struct kstat st;
	long n;

	if (strlen(path) == 14 && !memcmp(path, "/proc/self/exe", 14))
		return 1;
	f = fs_open_path(AT_FDCWD, path, O_NONBLOCK, 0);   /* a FIFO must not wait for a writer */
	if (IS_ERR(f))
		return PTR_ERR(f) == -ENOENT && !root_booted && is_applet_path(path) ? 1 : PTR_ERR(f);
	if (!f->ops->stat || f->ops->stat(f, &st) < 0 || !S_ISREG(st.mode) || !f->ops->read)
		n = -EACCES;       /* only a regular file runs, as on Linux */
	else
		n = f->ops->read(f, line, size - 1);
	file_put(f);
	if (n < 0)
		return n;
	line[n] = 0;
	if (n >= 2 && line[0] == '#' && line[1] == '!')
		return 2;
	if ((u64)st.size == initrd_size && (unsigned long)n <= initrd_size
	    && !memcmp(line, __va(initrd_start), n))
		return 1;
	return !root_booted && is_applet_path(path) ? 1 : -ENOEXEC;
}

/*:*/

/*U:344 A script starting with "#!" names its interpreter on that line, with
 * at most one argument, and Linux runs the interpreter instead, with the
 * script's name after that argument and the script's own arguments after
 * that.  So "#!/bin/sh -e" in a file run as "./build x" becomes
 * "/bin/sh -e ./build x", and the kernel, not the shell, made it so. */
/* "#!interpreter [one argument]": argv becomes interpreter, the argument if
 * there is one, the script's path, and the old argv from argv[1] on. */
static char *save_string(const char *s, char **space)
{
	unsigned long n = strlen(s) + 1;
	char *p = *space;

	if (p + n > exec_strings + sizeof(exec_strings))
		return NULL;
	memcpy(p, s, n);
	*space += n;
	return p;
}

static long shebang(char *line, char *path, char **space)
{
	char *interp, *arg = NULL, *p;
	unsigned int argc, extra, i;

	for (p = line + 2; *p && *p != '\n'; p++)
		;
	*p = 0;
	for (interp = line + 2; *interp == ' ' || *interp == '\t'; interp++)
		;
	for (p = interp; *p && *p != ' ' && *p != '\t'; p++)
		;
	if (*p) {
		*p++ = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p)
			arg = p;
		for (p = arg ? arg + strlen(arg) : p; p > line && (p[-1] == ' ' || p[-1] == '\t'); )
			*--p = 0;
	}
	if (!*interp)
		return -ENOEXEC;
	/* line[] is about to be reused: the strings go where the others are */
	extra = arg ? 2 : 1;
	interp = save_string(interp, space);
	arg = arg ? save_string(arg, space) : NULL;
	path = save_string(path, space);
	if (!interp || !path || (extra == 2 && !arg))
		return -E2BIG;
	for (argc = 0; exec_argv[argc]; argc++)
		;
	if (argc + extra > MAX_ARGS)
		return -E2BIG;
	for (i = argc + extra; i > extra; i--)    /* argv[1..] up, over argv[0] */
		exec_argv[i] = exec_argv[i - extra];
	if (!argc)
		exec_argv[extra + 1] = NULL;
	exec_argv[0] = interp;
	if (arg)
		exec_argv[1] = arg;
	exec_argv[extra] = path;
	return 0;
}

/*:*/

/*U:346 execve() itself, in the order that keeps a failure harmless: find
 * out what the name means, copy the arguments in, unwrap a script, check the
 * image; until there, an error returns to the old program as if nothing had
 * happened.  Then the point of no return, after which a failure can only end
 * the process (SIGSEGV, as Linux does when a new program cannot be set up):
 * the old address space, the close-on-exec files, the caught signals and the
 * TLS go, and the new program is loaded (U:060) and started as the first one
 * was (U:210).  A vfork child's parent stops waiting here (U:310).
 *
 * All of it runs as the owner of exec's buffers (U:340): a process that finds
 * them taken sleeps until they are free, and the owner gives them up however
 * it leaves, even when past the point of no return it can only die. */
static long do_execve(u32 a, u32 b, u32 c);
#define EXEC_LOST 1              /* not an errno: the old program is gone, and so is the new */
static int exec_owner;           /* the pid using exec's buffers, or 0 */

static int exec_buffers_free(void *unused)
{
	(void)unused;
	return !exec_owner;
}

long sys_execve(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	long err = wait_event(exec_buffers_free, NULL);

	if (err)
		return err;
	exec_owner = current.pid;
	err = do_execve(a, b, c);
	exec_owner = 0;
	if (err == EXEC_LOST)
		do_exit(SIGSEGV);
	return err;
}
/*:*/

/*U:347 The work itself, with the buffers held, in the order U:346 gives. */
static long do_execve(u32 a, u32 b, u32 c)
{
	static char path[256], line[128];
	char *space = exec_strings;
	struct user_program prog = { NULL, __va(initrd_start), initrd_size };
	unsigned long entry, sp, *fresh = NULL;
	long err, kind;
	const char *exe = path;
	int i;

	err = strncpy_from_user(path, a, sizeof(path));
	if (err < 0)
		return err;
	kind = exec_probe(path, line, sizeof(line));
	if (kind < 0)
		return kind;
	err = copy_strings(b, exec_argv, MAX_ARGS, &space, exec_strings + sizeof(exec_strings));
	if (!err)
		err = copy_strings(c, exec_envp, MAX_ENV, &space, exec_strings + sizeof(exec_strings));
	if (err)
		return err;
	if (kind == 2) {
		err = shebang(line, path, &space);
		exe = exec_argv[0];
		if (err)
			return err;
		kind = exec_probe(exec_argv[0], line, sizeof(line));
		if (kind != 1)
			return kind < 0 ? kind : -ENOEXEC;
	}
	if (!initrd_size || exec_check(&prog) < 0)
		return -ENOEXEC;
	if (!exec_argv[0]) {
		exec_argv[0] = path;
		exec_argv[1] = NULL;
	}
	prog.name = exec_argv[0];

	if ((current.borrows_mm || borrower()) && !(fresh = pgdir_new()))
		return -ENOMEM;
	/* The point of no return: the old program is gone. */
	memory_release();
	if (fresh) {                     /* a vfork child: memory of its own (U:310) */
		current.pgdir = fresh;
		current.pgdir_fresh = 1;
		current.borrows_mm = 0;
		activate_process(current_proc);
	}
	files_exec();
	for (i = 0; i < NSIG; i++)
		if (current.sigaction[i][0] != SIG_IGN)
			memset(current.sigaction[i], 0, sizeof(current.sigaction[i]));
	current.sas_sp = current.sas_size = current.sas_flags = 0;   /* no signal stack (U:406) */
	memset(current.tls, 0, sizeof(current.tls));
	load_tls(current.tls);
	current.gs = 0;
	if (current.ldt_count) {         /* a new program starts without an LDT */
		memset(current.ldt, 0, sizeof(current.ldt));
		current.ldt_count = 0;
		load_ldt(current.ldt, 0);
	}
	current.fs = 0;
	__asm__ __volatile__("movl %0, %%fs" : : "r"(0));
	fpu_drop();
	if (memcmp(exe, "/proc/self/exe", 15)) {      /* that one is the same file */
		memset(current.exe, 0, sizeof(current.exe));
		memcpy(current.exe, exe, strlen(exe) < 63 ? strlen(exe) : 63);
	}
	memset(current.comm, 0, sizeof(current.comm));
	memcpy(current.comm, prog.name, strlen(prog.name) < 15 ? strlen(prog.name) : 15);
	if (exec_program(&prog, exec_argv, exec_envp, &entry, &sp) < 0)
		return EXEC_LOST;
	start_user_regs(task_regs(current_proc), entry, sp);
	current.vfork_parent = 0;
	return 0;
}
/*:*/

/*U:350 The end of a process.  It closes its files (which may be the last
 * writer of a pipe somebody is reading: that reader now sees end of file),
 * gives back its memory, hands its children to process 1, as Unix always
 * has (hanging up any group that this leaves orphaned with a stopped member,
 * U:403), and becomes a zombie: a process that is nothing any more but a pid
 * and an exit status, kept until its parent asks for them with wait4().
 * Its parent gets SIGCHLD.  Its kernel stack is still under our feet, which
 * is one reason the zombie's slot is freed by the parent, not by itself.
 *
 * Process 1 is special: when it ends, the kernel has nothing more to do,
 * and goes back to the boot context to turn the machine off with its
 * status. */
static void orphan_groups(const u8 *mine);

void do_exit(int code)
{
	struct process *parent;
	u8 mine[MAX_PROCS];
	int i;

	files_close_all();
	sem_exit();             /* its SEM_UNDO adjustments (U:191) */
	memory_release();
	if (fpu_owner == current_proc)
		fpu_owner = NULL;
	memset(mine, 0, sizeof(mine));
	for (i = 1; i < MAX_PROCS; i++)
		if (procs[i].state != P_FREE && procs[i].ppid == current.pid) {
			procs[i].ppid = 1;
			mine[i] = 1;
		}
	current.exit_code = code;
	current.state = P_ZOMBIE;
	if (current.pid == 1) {
		struct process *me = current_proc;

		init_status = code;
		current_proc = &procs[0];
		switch_to(&me->ksp, procs[0].ksp);
	}
	orphan_groups(mine);    /* groups left with nobody to continue them (U:403) */
	parent = find_process(current.ppid);
	if (parent)
		send_signal(parent, SIGCHLD);
	schedule();
	panic("a zombie was scheduled");
}

long sys_exit(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	do_exit((a & 0xFF) << 8);
}
/*:*/

/*U:355 wait4(pid, &status, options, &rusage): which child, as in Unix, is
 * one particular pid, -1 for any, 0 for any in the caller's process group,
 * and -pgid for any in that group.  If one of them is a zombie, its status
 * goes to the caller in Linux's encoding (the exit code in the second byte,
 * or the signal that killed it in the first), and the zombie is finally
 * gone.  If none is, WNOHANG returns 0 at once; otherwise the parent sleeps
 * until one becomes one, and a caller with no such children at all gets
 * ECHILD rather than an eternity.  WUNTRACED and WCONTINUED ask to hear of
 * a child stopped or continued as well (U:402), once each. */
#define WNOHANG    1
#define WUNTRACED  2
#define WCONTINUED 8

struct wait_request {
	int pid, options;
	struct process *found;
};

static int child_matches(struct process *p, int pid)
{
	if (p->state == P_FREE || p->ppid != current.pid || p == current_proc)
		return 0;
	if (pid > 0)
		return p->pid == pid;
	if (pid == -1)
		return 1;
	return p->pgid == (pid == 0 ? current.pgid : -pid);
}

/* 1 if there is something to report: a zombie (in ->found), or no child. */
static int child_exited(void *arg)
{
	struct wait_request *w = arg;
	int i, children = 0;

	w->found = NULL;
	for (i = 1; i < MAX_PROCS; i++) {
		if (!child_matches(&procs[i], w->pid))
			continue;
		children++;
		if (procs[i].state == P_ZOMBIE
		    || ((w->options & WUNTRACED) && (procs[i].report & REPORT_STOP))
		    || ((w->options & WCONTINUED) && (procs[i].report & REPORT_CONT))) {
			w->found = &procs[i];
			return 1;
		}
	}
	return !children;
}

long sys_wait4(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	struct wait_request w = { (s32)a, (int)c, NULL };
	long err;
	int pid;
	u32 status;

	if (!child_exited(&w) && (c & WNOHANG))
		return 0;
	err = wait_event(child_exited, &w);
	if (err)
		return err;
	if (!w.found)
		return -ECHILD;
	if (w.found->state != P_ZOMBIE) {          /* stopped (signal << 8 | 0x7f) or continued */
		status = w.found->report & REPORT_STOP ? (u32)w.found->stop_sig << 8 | 0x7f : 0xffff;
		if (b && copy_to_user(b, &status, 4))
			return -EFAULT;
		w.found->report = 0;
		return w.found->pid;
	}
	if (b && copy_to_user(b, &w.found->exit_code, 4))
		return -EFAULT;
	if (d && put_rusage(d, w.found->cpu_ns + w.found->child_ns))
		return -EFAULT;
	pid = w.found->pid;
	dead_cpu_ns += w.found->cpu_ns;
	current.child_ns += w.found->cpu_ns + w.found->child_ns;   /* U:374 */
	free_slot(w.found);
	return pid;
}

long sys_waitpid(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return sys_wait4(a, b, c, 0, 0, 0);
}
/*:*/

/*U:360 Who am I, and with whom: the pid, the parent's pid, the process
 * group (a pipeline's processes share one, so a terminal's ^C can reach them
 * all) and the session.  A shell without job control, which is what ash is
 * without a terminal, uses little of it, but asks.  Two rules keep groups
 * inside sessions: setpgid() may move only the caller or a child of its
 * own, and never a session leader; setsid() makes the caller the leader of a
 * new session and group, unless it is a group's leader already (which is
 * why a shell forks before it calls it).
 * (set_tid_address() is here too: without threads, a thread id is a pid.) */
long sys_getpid(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return current.pid;
}

long sys_set_tid_address(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return current.pid;
}

long sys_getppid(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return current.ppid;
}

long sys_getpgrp(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return current.pgid;
}

long sys_getpgid(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	struct process *p = a ? find_process(a) : current_proc;

	return p ? p->pgid : -ESRCH;
}

long sys_getsid(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	struct process *p = a ? find_process(a) : current_proc;

	return p ? p->sid : -ESRCH;
}

long sys_setpgid(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	struct process *p = a ? find_process(a) : current_proc;

	if ((s32)b < 0)
		return -EINVAL;
	if (!p || (p != current_proc && p->ppid != current.pid))
		return -ESRCH;
	if (p->pid == p->sid || p->sid != current.sid)
		return -EPERM;
	if (b && (int)b != p->pid) {
		/* Only into a group that exists in the caller's session. */
		int i;

		for (i = 1; i < MAX_PROCS; i++)
			if (procs[i].state != P_FREE && procs[i].pgid == (int)b && procs[i].sid == current.sid)
				break;
		if (i == MAX_PROCS)
			return -EPERM;
	}
	p->pgid = b ? (int)b : p->pid;
	return 0;
}

long sys_setsid(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	int i;

	for (i = 1; i < MAX_PROCS; i++)
		if (procs[i].state != P_FREE && procs[i].pgid == current.pid)
			return -EPERM;
	current.sid = current.pgid = current.pid;
	return current.pid;
}
/*:*/

#define SA_SIGINFO   0x00000004
#define SA_RESTORER  0x04000000
#define SA_RESTART   0x10000000
#define SA_NODEFER   0x40000000
#define SA_RESETHAND 0x80000000
#define SIG_DFL 0
#define DEFAULT_IGNORED (SIGBIT(SIGCHLD) | SIGBIT(SIGCONT) | SIGBIT(23) | SIGBIT(28))
#define STOP_SIGNALS (SIGBIT(SIGSTOP) | SIGBIT(20) | SIGBIT(21) | SIGBIT(22))   /* and TSTP, TTIN, TTOU */
#define SA_NOCLDSTOP 0x00000001
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))


static void stop_or_continue(struct process *p, int sig);

/*U:400 Signals.  Sending one sets a bit in the target's pending set, and
 * that is all: the target notices when it next returns to user space (and
 * a target asleep in the kernel is woken by the scheduler, U:230, to notice
 * it sooner).  A signal whose action is "ignore" is dropped at once, unless
 * it is blocked (the program may yet change its mind); SIGCHLD, SIGCONT,
 * SIGURG and SIGWINCH are ignored by default.  The stop signals stop, and
 * SIGCONT continues (U:402).
 *
 * kill() finds its targets as wait4() finds children: a pid, a process
 * group (0 for the caller's, -pgid for another), or -1 for everybody but
 * process 1 and the caller, which is how init ends the world on its way
 * down. */
static int sig_ignored(struct process *p, int sig)
{
	u32 handler = p->sigaction[sig - 1][0];

	if (sig == SIGKILL)
		return 0;
	return handler == SIG_IGN || (handler == SIG_DFL && (DEFAULT_IGNORED & SIGBIT(sig)));
}

int send_signal(struct process *p, int sig)
{
	if (p->state == P_FREE || p->state == P_ZOMBIE)
		return 0;
	stop_or_continue(p, sig);
	if (sig_ignored(p, sig) && !(p->sigmask & SIGBIT(sig)))
		return 0;
	p->sigpending |= SIGBIT(sig);
	return 0;
}

int signal_pending(void)
{
	return (current.sigpending & ~current.sigmask) != 0;
}

/* kill(pid, sig): a process, a process group (0 for the caller's, -pgid),
 * or, for -1, everybody but process 1 and the caller. */
static long kill_matching(int pid, int sig)
{
	int i, found = 0;

	for (i = 1; i < MAX_PROCS; i++) {
		struct process *p = &procs[i];

		if (p->state == P_FREE || p->state == P_ZOMBIE)
			continue;
		if (pid > 0 ? p->pid != pid
		    : pid == 0 ? p->pgid != current.pgid
		    : pid == -1 ? (p->pid == 1 || p == current_proc)
		    : p->pgid != -pid)
			continue;
		found++;
		/* Process 1 gets only the signals it has a handler for or
		 * blocks, to take them by waiting (U:768). */
		if (sig && !(p->pid == 1 && p->sigaction[sig - 1][0] == SIG_DFL
			     && !(p->sigmask & SIGBIT(sig))))
			send_signal(p, sig);
	}
	return found ? 0 : -ESRCH;
}

long sys_kill(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	if (b > NSIG)
		return -EINVAL;
	return kill_matching((s32)a, b);
}

long sys_tgkill(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	if (c > NSIG)
		return -EINVAL;
	if ((s32)b <= 0 || (s32)a <= 0)
		return -EINVAL;
	if (a != b)
		return -ESRCH;          /* every process is its own only thread */
	return kill_matching((s32)b, c);
}
/*:*/

/*U:402 Stopping and continuing.  SIGSTOP (and SIGTSTP, SIGTTIN and SIGTTOU,
 * which a program may catch) stops a process: it is taken like any signal,
 * on the way back to user space (U:425), and there it goes to sleep until
 * SIGCONT or SIGKILL comes.  Its parent hears of it through SIGCHLD, unless
 * it asked not to (SA_NOCLDSTOP), and through wait4() with WUNTRACED, once;
 * of the continue likewise, with WCONTINUED.  SIGCONT acts the moment it is
 * sent, whatever the target does with it after: it wakes a stopped process
 * and takes back any stop still pending, as a stop signal takes back a
 * pending SIGCONT.  Process 1 is not stopped by a signal it has no handler
 * for, as it is not killed by one (U:768).  And SIGTSTP, SIGTTIN and
 * SIGTTOU do not stop a process whose group is orphaned, POSIX's word for a
 * group none of whose members has a parent in another group of the same
 * session: nobody is left who would continue it.  A system call the stop
 * interrupted goes on when the process continues: one that waits for
 * something starts again, and a sleep sleeps what was left of it (U:265).
 * There is no terminal job control behind it: ash
 * without a terminal stops and continues jobs with kill, as a script does. */
static void tell_parent(struct process *p, int report)
{
	struct process *parent = find_process(p->ppid);

	p->report = report;
	if (parent && !(parent->sigaction[SIGCHLD - 1][1] & SA_NOCLDSTOP))
		send_signal(parent, SIGCHLD);
}

static void stop_or_continue(struct process *p, int sig)
{
	if (sig == SIGCONT) {
		p->sigpending &= ~STOP_SIGNALS;
		if (p->stop_sig) {
			p->stop_sig = 0;
			tell_parent(p, REPORT_CONT);
		}
	} else if (STOP_SIGNALS & SIGBIT(sig)) {
		p->sigpending &= ~SIGBIT(SIGCONT);
	}
}

static int pgrp_orphaned(int pgid, int sid)
{
	int i;

	for (i = 1; i < MAX_PROCS; i++) {
		struct process *p = &procs[i], *parent;

		if (p->state == P_FREE || p->state == P_ZOMBIE || p->pgid != pgid)
			continue;
		parent = find_process(p->ppid);
		if (parent && parent->pgid != pgid && parent->sid == sid)
			return 0;
	}
	return 1;
}

static int continued(void *arg)
{
	return !((struct process *)arg)->stop_sig;
}

static void do_stop(int sig)
{
	current.stop_sig = sig;
	tell_parent(current_proc, REPORT_STOP);
	wait_event_killable(continued, current_proc);
}

/*:*/

/*U:403 And the other side of that rule.  When a group becomes orphaned
 * with a stopped member in it, nobody is left to continue it, so POSIX has
 * the kernel do it: the whole group gets SIGHUP, then SIGCONT.  A shell that
 * ends with stopped jobs leaves them to this; by default the hangup ends
 * them, and a program that catches SIGHUP is continued to handle it.
 * Linux looks when a process ends, and so does do_exit(): at its own
 * group, if its parent was the group's last link into another group of the
 * session, and at its children's groups, if it was theirs.  Linux does not
 * count process 1 as a link; this kernel counts it like any parent, which
 * can only spare a group, never hang one up that Linux would not. */
static int group_stopped(int pgid)
{
	int i;

	for (i = 1; i < MAX_PROCS; i++)
		if (procs[i].state != P_FREE && procs[i].state != P_ZOMBIE
		    && procs[i].pgid == pgid && procs[i].stop_sig)
			return 1;
	return 0;
}

/* p's group, now that link (p's parent, or a process that was p's parent)
 * is gone or going: hang it up if it is orphaned and has a stopped member. */
static void hup_if_orphaned(struct process *p, struct process *link)
{
	if (!link || link->pgid == p->pgid || link->sid != p->sid
	    || !pgrp_orphaned(p->pgid, p->sid) || !group_stopped(p->pgid))
		return;
	kill_matching(-p->pgid, SIGHUP);
	kill_matching(-p->pgid, SIGCONT);
}

/* From do_exit(), for the current process, a zombie now, whose children
 * (mine[i] set) have just gone to process 1. */
static void orphan_groups(const u8 *mine)
{
	int i;

	hup_if_orphaned(current_proc, find_process(current.ppid));
	for (i = 1; i < MAX_PROCS; i++)
		if (mine[i])
			hup_if_orphaned(&procs[i], current_proc);
}

/*:*/

/*U:405 A disposition is glibc's struct kernel_sigaction as it comes:
 * handler, flags, restorer and a two-word mask, five words kept as they
 * are and read only by the delivery below.  Ignoring a signal drops one
 * that is pending, as POSIX asks; SIGKILL and SIGSTOP can be neither caught
 * nor blocked, whatever a program asks for.  Both calls insist on a sigset of
 * 8 bytes, the kernel's size (glibc's own sigset_t is 128, and it knows to
 * pass 8). */
long sys_rt_sigaction(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	if (a == 0 || a > NSIG || d != 8)
		return -EINVAL;
	if (b && (a == SIGKILL || a == SIGSTOP))
		return -EINVAL;
	if (c && copy_to_user(c, current.sigaction[a - 1], sizeof(current.sigaction[0])))
		return -EFAULT;
	if (b && copy_from_user(current.sigaction[a - 1], b, sizeof(current.sigaction[0])))
		return -EFAULT;
	if (b && sig_ignored(current_proc, a))
		current.sigpending &= ~SIGBIT(a);
	return 0;
}

long sys_rt_sigprocmask(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	u64 set;

	if (d != 8)
		return -EINVAL;
	if (b && copy_from_user(&set, b, 8))
		return -EFAULT;
	if (c && copy_to_user(c, &current.sigmask, 8))
		return -EFAULT;
	if (!b)
		return 0;
	if (a == SIG_BLOCK)
		current.sigmask |= set;
	else if (a == SIG_UNBLOCK)
		current.sigmask &= ~set;
	else if (a == SIG_SETMASK)
		current.sigmask = set;
	else
		return -EINVAL;
	current.sigmask &= ~UNBLOCKABLE;
	return 0;
}

/*:*/

/*U:406 sigaltstack(): a second stack for handlers, so that a program whose
 * own stack has overflowed can still catch the SIGSEGV that says so (on its
 * stack there is no room left for the frame).  A handler installed with
 * SA_ONSTACK gets its frame at the top of this one (U:422), unless the
 * process is on it already, where the frame goes below the one it is in.
 * The kernel keeps only the three words, as they were set (a handler's
 * ucontext gets them so), and no stack (SS_DISABLE) is a size of 0, as in
 * Linux; "on it" is worked out each time from %esp, never stored, so a
 * longjmp() out of a handler leaves nothing stale.  Linux's rules and
 * errors: a stack cannot be changed while on it (EPERM), one smaller than
 * MINSIGSTKSZ is ENOMEM, and SS_AUTODISARM hands the stack over to the
 * handler, cleared for as long as it runs and back at its sigreturn.  Fork
 * copies it, exec clears it. */
#define SA_ONSTACK    0x08000000
#define SS_ONSTACK    1
#define SS_DISABLE    2
#define SS_AUTODISARM 0x80000000U
#define MINSIGSTKSZ   2048

struct stack_t { u32 ss_sp, ss_flags, ss_size; };

/* Is sp inside the signal stack (which grows down from sas_sp + sas_size)? */
static int in_sigstack(u32 sp)
{
	return sp > current.sas_sp && sp - current.sas_sp <= current.sas_size;
}

/* Linux's on_sig_stack(): while SS_AUTODISARM is set, never "on it". */
static int on_sigstack(u32 sp)
{
	return !(current.sas_flags & SS_AUTODISARM) && in_sigstack(sp);
}

static u32 sigstack_flags(u32 sp)
{
	return !current.sas_size ? SS_DISABLE : on_sigstack(sp) ? SS_ONSTACK : 0;
}

static void sigstack_now(struct stack_t *st, u32 sp)
{
	st->ss_sp = current.sas_sp;
	st->ss_size = current.sas_size;
	st->ss_flags = sigstack_flags(sp) | (current.sas_flags & SS_AUTODISARM);
}

static long set_sigstack(const struct stack_t *st, u32 sp)
{
	u32 mode = st->ss_flags & ~SS_AUTODISARM;

	if (on_sigstack(sp))
		return -EPERM;
	if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
		return -EINVAL;
	if (mode != SS_DISABLE && st->ss_size < MINSIGSTKSZ)
		return -ENOMEM;
	current.sas_sp = mode == SS_DISABLE ? 0 : st->ss_sp;
	current.sas_size = mode == SS_DISABLE ? 0 : st->ss_size;
	current.sas_flags = st->ss_flags;
	return 0;
}

long sys_sigaltstack(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	u32 sp = task_regs(current_proc)->esp;
	struct stack_t st, old;
	long err = 0;

	if (a && copy_from_user(&st, a, sizeof(st)))
		return -EFAULT;
	sigstack_now(&old, sp);
	if (a)
		err = set_sigstack(&st, sp);
	if (!err && b && copy_to_user(b, &old, sizeof(old)))
		return -EFAULT;
	return err;
}

/*:*/

/*U:410 rt_sigsuspend(mask): wait for a signal with this mask in place, and
 * put the old one back only after the handler has run (do_signal saves the
 * old one in the frame, and sigreturn restores it): ash's "wait" depends on
 * the SIGCHLD it unblocks here reaching its handler, not the old mask. */
static int never_true(void *unused)
{
	(void)unused;
	return 0;
}

long sys_rt_sigsuspend(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	u64 set;

	if (b != 8)
		return -EINVAL;
	if (copy_from_user(&set, a, 8))
		return -EFAULT;
	current.saved_sigmask = current.sigmask;
	current.restore_sigmask = 1;
	current.sigmask = set & ~UNBLOCKABLE;
	wait_event(never_true, NULL);
	return -EINTR;
}

/* pause(), the old system call 29, is the same wait with the mask as it is:
 * glibc's pause() uses rt_sigsuspend, but a program of its own may not. */
long sys_pause(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	wait_event(never_true, NULL);
	return -EINTR;
}
/*:*/

/*U:768 rt_sigtimedwait(set, info, timeout): take a signal without a
 * handler, by waiting for it.  busybox's init lives on it: it blocks every
 * signal it cares about (SIGCHLD, and those halt, reboot and poweroff send
 * it) and then asks, in a loop, which one has come, so that nothing it does
 * is ever interrupted by a handler.  A blocked signal stays pending (U:400),
 * and this call takes the lowest one of the set off the pending bits, as
 * delivery would, but without delivering it.  A zero timeout asks without
 * waiting (EAGAIN: none); a signal outside the set that is not blocked ends
 * the wait with EINTR, as it would any other.
 *
 * Process 1 is the one process a signal cannot simply kill: kill() gives it
 * only those it has a handler for, or blocks to take by waiting (Linux's
 * rule, so that a stray "kill -9 1" does not turn the machine off), and a
 * signal it blocked and later unblocks without a handler is dropped at
 * delivery (U:425), as busybox init's shutdown does with the SIGTERM that
 * asked for it.  The kernel's own SIGKILL, the OOM killer's, is another
 * matter (U:920). */
struct sigwait {
	struct process *p;
	u64 set;
};

static int sigwait_ready(void *arg)
{
	struct sigwait *w = arg;

	return (w->p->sigpending & w->set) != 0;
}

static long sigtimedwait(u32 a, u32 b, u32 c, u32 d, int time64)
{
	struct sigwait w = { current_proc, 0 };
	u32 ts[4], info[32];
	long err = 0;
	int sig;

	if (d != 8)
		return -EINVAL;
	if (copy_from_user(&w.set, a, 8) || (c && copy_from_user(ts, c, time64 ? 16 : 8)))
		return -EFAULT;
	if (c && time64) {          /* 64-bit seconds: beyond 2^32 s is forever enough */
		ts[0] = ts[1] ? 0xFFFFFFFF : ts[0];
		ts[1] = ts[2];
	}
	w.set &= ~UNBLOCKABLE;
	if (c && ts[1] >= 1000000000)
		return -EINVAL;
	if (!sigwait_ready(&w)) {
		if (c && !ts[0] && !ts[1])
			return -EAGAIN;
		err = c ? wait_event_until(sigwait_ready, &w, fresh_ns() + ts[0] * 1000000000ULL + ts[1])
			: wait_event(sigwait_ready, &w);
		if (err == -ERESTARTSYS)
			return -EINTR;
		if (err)
			return err;
	}
	for (sig = 1; !(current.sigpending & w.set & SIGBIT(sig)); sig++)
		;
	current.sigpending &= ~SIGBIT(sig);
	memset(info, 0, sizeof(info));
	info[0] = sig;
	return b && copy_to_user(b, info, sizeof(info)) ? -EFAULT : sig;
}

long sys_rt_sigtimedwait(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return sigtimedwait(a, b, c, d, 0);
}

long sys_rt_sigtimedwait_time64(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return sigtimedwait(a, b, c, d, 1);
}
/*:*/

/*U:420 Delivering a signal to a handler means making the process call a
 * function it did not call.  On the way back to user space, with its saved
 * registers in the trap frame, we build a signal frame on its user stack: at
 * the bottom the address the handler will return to, then the signal's
 * number (the handler's argument), then the interrupted registers and the
 * signal mask to restore.  The trap frame is changed to start the handler on
 * that stack, with the trap flag and the direction flag clear, as a handler
 * may assume (and the resume flag, which a fault's frame has set, X:512).
 * When the handler returns, it returns to glibc's restorer (SA_RESTORER),
 * which is "pop %eax; mov $119, %eax; int $0x80":
 * sigreturn(), which finds the frame 8 bytes below the stack pointer it
 * arrives with, and puts every register back as it was.  The interrupted
 * program never knows.  (A handler installed without a restorer returns into
 * the same three instructions, written into the frame itself: the i686 has
 * no no-execute bit to object.)
 *
 * The frame is laid out exactly as Linux lays it out on i386, because
 * programs read it: a handler installed with SA_SIGINFO gets a siginfo
 * (which signal, why: si_code, and for a fault the address it concerns) and
 * a ucontext whose uc_mcontext holds every register, the trap number and
 * error code included; debuggers, language runtimes and CPU test programs
 * (QEMU's test-i386 prints them) look there.  What a handler changes in it,
 * sigreturn puts back (U:430).  One thing Linux saves is left out: the x87
 * state (fpstate is null), so a handler that computes in floating point
 * must leave the FPU as it found it; busybox's handlers never touch it. */
struct sigcontext {                   /* <asm/sigcontext.h>, i386 */
	u32 gs, fs, es, ds;
	u32 edi, esi, ebp, esp, ebx, edx, ecx, eax;
	u32 trapno, err, eip, cs, eflags, esp_at_signal, ss;
	u32 fpstate, oldmask, cr2;
};
struct ucontext {
	u32 uc_flags, uc_link;
	struct stack_t stack;             /* the signal stack, as it was (U:406) */
	struct sigcontext mcontext;
	u32 sigmask[2];
};
struct siginfo {
	int si_signo, si_errno, si_code;
	u32 si_addr;
	u32 rest[28];                 /* 128 bytes in all */
};
struct sigframe {                     /* sigreturn finds it at %esp - 8 */
	u32 pretcode, sig;
	struct sigcontext sc;
	u32 extramask;                /* the upper half of the mask */
	u8 retcode[8];
};
struct rt_sigframe {                  /* rt_sigreturn finds it at %esp - 4 */
	u32 pretcode, sig, pinfo, puc;
	struct siginfo info;
	struct ucontext uc;
	u8 retcode[8];
};

static u32 read_seg(int fs)
{
	u32 v;

	if (fs)
		__asm__ __volatile__("movl %%fs, %0" : "=r"(v));
	else
		__asm__ __volatile__("movl %%gs, %0" : "=r"(v));
	return v & 0xFFFF;
}

static void save_context(struct sigcontext *sc, const struct trap_frame *regs, u64 mask, u32 cr2)
{
	sc->gs = read_seg(0);
	sc->fs = read_seg(1);
	sc->es = regs->es & 0xFFFF;
	sc->ds = regs->ds & 0xFFFF;
	sc->edi = regs->edi;
	sc->esi = regs->esi;
	sc->ebp = regs->ebp;
	sc->esp = regs->esp;
	sc->ebx = regs->ebx;
	sc->edx = regs->edx;
	sc->ecx = regs->ecx;
	sc->eax = regs->eax;
	sc->trapno = regs->vector;
	sc->err = regs->errcode;
	sc->eip = regs->eip;
	sc->cs = regs->cs & 0xFFFF;
	sc->eflags = regs->eflags;
	sc->esp_at_signal = regs->esp;
	sc->ss = regs->ss & 0xFFFF;
	sc->oldmask = (u32)mask;
	sc->cr2 = cr2;
}

/*:*/

/*U:421 First, what becomes of a frame that cannot be written (U:422): it
 * is a SIGSEGV, as on Linux, which the program may still catch with a
 * handler of its own, on another stack, unless it was the SIGSEGV's own
 * frame that failed, or the program blocks or ignores it, and then the
 * process ends.  Unless the copy failed because the OOM killer chose this
 * very process while the copy waited for a page (U:920): then it dies of
 * the SIGKILL it was sent.  -1: a SIGSEGV is pending instead of the
 * handler. */
static int force_sigsegv(int sig)
{
	u32 handler = current.sigaction[SIGSEGV - 1][0];

	if (current.sigpending & SIGBIT(SIGKILL))
		do_exit(SIGKILL);
	if (sig == SIGSEGV || handler == SIG_DFL || handler == SIG_IGN
	    || (current.sigmask & SIGBIT(SIGSEGV)))
		do_exit(SIGSEGV);
	current.sigpending |= SIGBIT(SIGSEGV);
	return -1;
}

/*:*/

/*U:422 Building the frame is then filling in that layout and copying it out:
 * for SA_SIGINFO, the siginfo and the ucontext, with pointers to them as the
 * handler's second and third arguments (on the stack, and in %edx and %ecx
 * for a handler compiled with regparm); without it, the sigcontext straight
 * after the signal number, which is what an old-style handler takes as its
 * argument.  The frame goes below the program's %esp, or at the top of the
 * signal stack for an SA_ONSTACK handler (U:406), aligned as Linux aligns
 * it, so that (%esp + 4) is a multiple of 16 when the handler starts; one
 * that would run off the bottom of the signal stack is not written at all.
 * Returns 0 when the handler is ready to run, or, when the frame could not
 * be written, what force_sigsegv() (U:421) returns. */
static int setup_frame(int sig, struct trap_frame *regs, int code, u32 addr)
{
	u32 *act = current.sigaction[sig - 1];
	int rt = (act[1] & SA_SIGINFO) != 0;
	union {
		struct sigframe f;
		struct rt_sigframe rt;
	} frame;
	unsigned long size = rt ? sizeof(struct rt_sigframe) : sizeof(struct sigframe);
	u32 top = regs->esp;
	int on_stack = on_sigstack(top);
	unsigned long sp, rc;
	u8 *retcode = rt ? frame.rt.retcode : frame.f.retcode;
	u64 mask = current.restore_sigmask ? current.saved_sigmask : current.sigmask;
	u32 cr2 = regs->vector == 14 ? addr : 0;

	if ((act[1] & SA_ONSTACK) && sigstack_flags(top) == 0) {
		top = current.sas_sp + current.sas_size;
		on_stack = 1;
	}
	sp = ((top - size + 4) & ~15UL) - 4;
	rc = sp + (retcode - (u8 *)&frame);
	if (on_stack && !in_sigstack(sp))
		return force_sigsegv(sig);
	memset(&frame, 0, sizeof(frame));
	if (rt) {
		frame.rt.sig = sig;
		frame.rt.pinfo = sp + __builtin_offsetof(struct rt_sigframe, info);
		frame.rt.puc = sp + __builtin_offsetof(struct rt_sigframe, uc);
		frame.rt.info.si_signo = sig;
		frame.rt.info.si_code = code;
		frame.rt.info.si_addr = addr;
		frame.rt.uc.stack.ss_sp = current.sas_sp;   /* as it was set: Linux's save_altstack */
		frame.rt.uc.stack.ss_size = current.sas_size;
		frame.rt.uc.stack.ss_flags = current.sas_size ? current.sas_flags : current.sas_flags | SS_DISABLE;
		save_context(&frame.rt.uc.mcontext, regs, mask, cr2);
		frame.rt.uc.sigmask[0] = (u32)mask;
		frame.rt.uc.sigmask[1] = (u32)(mask >> 32);
	} else {
		frame.f.sig = sig;
		save_context(&frame.f.sc, regs, mask, cr2);
		frame.f.extramask = (u32)(mask >> 32);
	}
	/* pop %eax; mov $119, %eax; int $0x80 (rt: the same without the pop) */
	retcode[0] = 0x58;
	retcode[1] = 0xB8;
	retcode[2] = rt ? 173 : 119;
	retcode[6] = 0xCD;
	retcode[7] = 0x80;
	frame.f.pretcode = (act[1] & SA_RESTORER) ? act[2] : rc + (rt ? 1 : 0);
	if (copy_to_user(sp, &frame, size))
		return force_sigsegv(sig);   /* the mask to restore stays for the SIGSEGV's frame */
	current.restore_sigmask = 0;
	if (current.sas_flags & SS_AUTODISARM)
		current.sas_sp = current.sas_size = current.sas_flags = 0;   /* the handler's now (U:406) */
	regs->esp = sp;
	regs->eip = act[0];
	regs->eax = sig;
	regs->edx = rt ? frame.rt.pinfo : 0;
	regs->ecx = rt ? frame.rt.puc : 0;
	regs->cs = USER_CS;
	regs->ss = regs->ds = regs->es = USER_DS;
	regs->eflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_RF);
	current.sigmask |= ((u64)act[4] << 32 | act[3]) | ((act[1] & SA_NODEFER) ? 0 : SIGBIT(sig));
	current.sigmask &= ~UNBLOCKABLE;
	if (act[1] & SA_RESETHAND)
		act[0] = SIG_DFL;
	return 0;
}

/*:*/

/*U:425 Which signal, and what becomes of the system call it interrupted.
 * The lowest-numbered deliverable signal goes first, and one at a time: a
 * handler's frame is built over the trap frame, and the next signal waits
 * for the next return to user space (after the handler's sigreturn, at the
 * latest).  A system call that was waiting when the signal came returned
 * -ERESTARTSYS (U:240); with SA_RESTART it is made again after the handler
 * (%eax gets the call's number back and %eip goes back over the 2-byte
 * "int $0x80"), otherwise it fails with EINTR.  A signal with no handler
 * ends the process, stops it (U:402) or is ignored, and an interrupted call
 * is then simply restarted; an interrupted sleep goes on to its deadline
 * instead (ERESTART_RESTARTBLOCK, U:265). */
void do_signal(struct trap_frame *regs, long ret)
{
	for (;;) {
		u64 pending = current.sigpending & ~current.sigmask;
		int sig;
		u32 *act;

		if (!pending)
			break;
		for (sig = 1; !(pending & SIGBIT(sig)); sig++)
			;
		current.sigpending &= ~SIGBIT(sig);
		act = current.sigaction[sig - 1];
		if (sig_ignored(current_proc, sig))
			continue;
		if (act[0] == SIG_DFL && current.pid == 1 && sig != SIGKILL)
			continue;       /* only the OOM killer's SIGKILL ends process 1 (U:768) */
		if (act[0] == SIG_DFL && (STOP_SIGNALS & SIGBIT(sig))) {
			if (sig == SIGSTOP || !pgrp_orphaned(current.pgid, current.sid))
				do_stop(sig);   /* U:402 */
			continue;
		}
		if (act[0] == SIG_DFL)
			do_exit(sig);
		if (ret == -ERESTARTSYS)
			regs->eax = (act[1] & SA_RESTART) ? current.syscall_nr : (u32)-EINTR;
		if (ret == -ERESTARTSYS && (act[1] & SA_RESTART))
			regs->eip -= 2;
		if (ret == -ERESTART_RESTARTBLOCK)
			regs->eax = (u32)-EINTR;      /* a sleep a handler cut short (U:265) */
		if (setup_frame(sig, regs, 0, 0) == 0)    /* si_code SI_USER */
			return;
		ret = 0;                         /* a SIGSEGV instead (U:421): the call is settled */
	}
	if (ret == -ERESTARTSYS) {
		regs->eax = current.syscall_nr;
		regs->eip -= 2;
	}
	if (ret == -ERESTART_RESTARTBLOCK) {   /* no handler ran: sleep on (U:265) */
		regs->eax = 0;                  /* restart_syscall() */
		regs->eip -= 2;
	}
	if (current.restore_sigmask) {
		current.restore_sigmask = 0;
		current.sigmask = current.saved_sigmask;
	}
}

/* From the timer's interrupt, with the trap frame of ring 3 on top of the
 * kernel stack (sched.c): there is no system call to restart. */
void signal_interrupted_user(void)
{
	irq_enable();
	do_signal(task_regs(current_proc), 0);
	irq_disable();
}

/*:*/

/*U:430 sigreturn() trusts nothing in the frame it finds, since the program
 * could have written anything there (and may mean to: a handler that skips
 * the faulting instruction moves uc_mcontext's %eip).  Only what ring 3
 * could set anyway, or what is harmless, comes back from it: the general
 * registers, %eip and %esp, the arithmetic flags with DF, TF and AC, and RF
 * as i386 Linux restores it (a debugger's handler sets it to step over a
 * breakpoint; the CPU clears it after one instruction, X:512).  %cs and %ss
 * stay the user's, and IF stays on, or a forged frame would be a way into
 * ring 1, or a way to turn off the clock.  The mask comes back too, which
 * is how rt_sigsuspend's (U:410) is undone, and rt_sigreturn puts back the
 * signal stack the frame says it had, under sigaltstack()'s own rules (U:406:
 * SS_AUTODISARM's stack returns this way).  (sigreturn finds its frame 8 bytes
 * below %esp, rt_sigreturn 4.) */
static long restore_context(unsigned long uctx, unsigned long umask_hi)
{
	struct trap_frame *regs = task_regs(current_proc);
	struct sigcontext sc;
	u32 hi, flags_user = 0x50DD5;   /* AC RF OF DF TF SF ZF AF PF CF */

	if (copy_from_user(&sc, uctx, sizeof(sc)) || copy_from_user(&hi, umask_hi, sizeof(hi)))
		do_exit(SIGSEGV);
	regs->ebx = sc.ebx;
	regs->ecx = sc.ecx;
	regs->edx = sc.edx;
	regs->esi = sc.esi;
	regs->edi = sc.edi;
	regs->ebp = sc.ebp;
	regs->eax = sc.eax;
	regs->eip = sc.eip;
	regs->esp = sc.esp;
	regs->eflags = (regs->eflags & ~flags_user) | (sc.eflags & flags_user) | X86_EFLAGS_IF;
	current.sigmask = ((u64)hi << 32 | sc.oldmask) & ~UNBLOCKABLE;
	return regs->eax;
}

long sys_sigreturn(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	unsigned long frame = task_regs(current_proc)->esp - 8;

	return restore_context(frame + __builtin_offsetof(struct sigframe, sc),
			       frame + __builtin_offsetof(struct sigframe, extramask));
}

long sys_rt_sigreturn(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	unsigned long frame = task_regs(current_proc)->esp - 4;
	struct stack_t st;
	long ret = restore_context(frame + __builtin_offsetof(struct rt_sigframe, uc.mcontext),
				   frame + __builtin_offsetof(struct rt_sigframe, uc.sigmask[1]));

	if (copy_from_user(&st, frame + __builtin_offsetof(struct rt_sigframe, uc.stack), sizeof(st)))
		do_exit(SIGSEGV);
	set_sigstack(&st, task_regs(current_proc)->esp);   /* refused, as in Linux, without a word */
	return ret;
}
/*:*/

/*U:440 A fault in ring 3 is the program's problem, not the kernel's.  It
 * becomes the signal Linux would send, with Linux's si_code and address: a
 * divide error is SIGFPE (FPE_INTDIV, at the instruction), so is an x87
 * exception the program unmasked (#MF, with the si_code of the first unmasked
 * exception in its status word, FPE_FLTDIV for a division by zero), an
 * invalid opcode SIGILL (ILL_ILLOPN), a single step SIGTRAP (TRAP_TRACE), a breakpoint
 * SIGTRAP, a page fault SIGSEGV at the address it concerns (SEGV_MAPERR for
 * nothing there, SEGV_ACCERR for a protection fault), a missing or broken
 * segment SIGBUS, and the rest, #GP above all, SIGSEGV "from the kernel"
 * (SI_KERNEL, no address).  If the program has a handler for it, and has not
 * blocked it, the handler runs now, with the trap number and error code in
 * its ucontext (U:420); a handler that returns without mending the cause
 * faults again, as on Linux.  Otherwise we say what happened and end the
 * process as that signal ends it, and a shell shows status 128 + the signal:
 * a fault that is blocked or ignored cannot be put off, since the program
 * could not go on past it.  A page fault reaches this point only when
 * vm_fault() found nothing it may map: an address outside every range, or a
 * write to a read-only page (U:120). */
#define SI_KERNEL   0x80
#define FPE_INTDIV  1
#define FPE_FLTDIV  3
#define FPE_FLTOVF  4
#define FPE_FLTUND  5
#define FPE_FLTRES  6
#define FPE_FLTINV  7
#define ILL_ILLOPN  2
#define TRAP_TRACE  2
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN  1

/* Which unmasked x87 exception a #MF reports, as Linux works it out from the
 * status and control words: the program's FPU is loaded (it just used it). */
static int x87_code(void)
{
	u16 sw, cw, err;

	__asm__ __volatile__("fnstsw %0; fnstcw %1" : "=m"(sw), "=m"(cw));
	err = sw & ~cw;
	if (err & 0x01)                 /* invalid operation */
		return FPE_FLTINV;
	if (err & 0x04)                 /* zero divide */
		return FPE_FLTDIV;
	if (err & 0x08)                 /* overflow */
		return FPE_FLTOVF;
	if (err & 0x12)                 /* underflow, or a denormal operand */
		return FPE_FLTUND;
	if (err & 0x20)                 /* precision */
		return FPE_FLTRES;
	return 0;
}

void user_fault(struct trap_frame *regs, const char *what)
{
	int sig = SIGSEGV, code = SI_KERNEL;
	u32 addr = 0, *act;

	switch (regs->vector) {
	case 0: sig = SIGFPE; code = FPE_INTDIV; addr = regs->eip; break;
	case 1: sig = SIGTRAP; code = TRAP_TRACE; addr = regs->eip; break;
	case 3: sig = SIGTRAP; break;
	case 6: sig = SIGILL; code = ILL_ILLOPN; addr = regs->eip; break;
	case 11: case 12: sig = SIGBUS; break;
	case 14: code = (regs->errcode & 1) ? SEGV_ACCERR : SEGV_MAPERR; addr = read_cr2(); break;
	case 16: sig = SIGFPE; code = x87_code(); addr = regs->eip; break;
	case 19: sig = SIGFPE; code = 0; addr = regs->eip; break;
	case 17: sig = SIGBUS; code = BUS_ADRALN; break;
	}
	act = current.sigaction[sig - 1];
	if (act[0] != SIG_DFL && act[0] != SIG_IGN && !(current.sigmask & SIGBIT(sig))) {
		current.in_kernel = 1;         /* as a system call is, while it writes the frame */
		irq_enable();
		if (setup_frame(sig, regs, code, addr))
			do_signal(regs, 0);    /* the SIGSEGV that took its place (U:421) */
		irq_disable();
		current.in_kernel = 0;
		return;
	}
	printk("user: trap %u (%s), error %#x, at eip %#x", regs->vector,
	       what ? what : "unknown", regs->errcode, regs->eip);
	if (regs->vector == 14)
		printk(", cr2 %#lx", read_cr2());
	printk("\n");
	current.in_kernel = 1;
	irq_enable();
	do_exit(sig);
}
/*:*/
