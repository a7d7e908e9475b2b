/* What a process may use, what it has used, and how nice it is: the limits
 * (getrlimit, setrlimit, prlimit64), the priority (getpriority, setpriority)
 * and the CPU time of a process and of its children (times, wait4's rusage). */
#include "kernel.h"

/*U:370 Limits.  Every process has a soft and a hard limit for each of
 * Linux's sixteen resources; fork() copies them and exec() keeps them.  A
 * process may set a soft limit up to its hard one, and lower the hard one;
 * raising a hard one takes a capability, which root, the only user here,
 * has.  busybox's "ulimit" asks through prlimit64(), which glibc passes
 * straight to the kernel (no fallback: ENOSYS there printed nonsense for
 * "ulimit -n"), and older programs through setrlimit() and ugetrlimit(),
 * whose 32-bit values say infinity with all ones.
 *
 * One limit is enforced: the open files, since a descriptor number is a
 * thing this kernel hands out (fd_install, U:925, gives none at or above the
 * soft limit, and the limit may not exceed the table's 1024 slots, as Linux
 * refuses anything above its nr_open).  The rest are kept and reported, and
 * nothing is measured against them: the stack is always the 8 MiB range that
 * exec() makes (U:050), and there are no core files to limit. */
#define RLIM_NLIMITS 16
#define RLIM64_INFINITY (~0ULL)

/* The first process's limits, as a Linux of today starts its own (so that
 * "ulimit -a" reads as it does natively), except where this kernel has a
 * number of its own: MAX_PROCS - 1 processes besides the idle one (NPROC), and
 * NR_OPEN descriptors. */
void rlimits_init(struct process *p)
{
	static const struct { u8 r; u64 soft, hard; } first[] = {
		{ RLIMIT_STACK, USER_STACK_SIZE, RLIM64_INFINITY }, { 4 /* CORE */, 0, RLIM64_INFINITY },
		{ 6 /* NPROC */, MAX_PROCS - 1, MAX_PROCS - 1 }, { RLIMIT_NOFILE, NR_OPEN, NR_OPEN },
		{ 8 /* MEMLOCK */, 8 << 20, 8 << 20 }, { 11 /* SIGPENDING */, MAX_PROCS - 1, MAX_PROCS - 1 },
		{ 12 /* MSGQUEUE */, 819200, 819200 }, { 13 /* NICE */, 0, 0 }, { 14 /* RTPRIO */, 0, 0 },
	};
	unsigned int r;

	for (r = 0; r < RLIM_NLIMITS; r++)
		p->rlim[r][0] = p->rlim[r][1] = RLIM64_INFINITY;
	for (r = 0; r < sizeof(first) / sizeof(first[0]); r++) {
		p->rlim[first[r].r][0] = first[r].soft;
		p->rlim[first[r].r][1] = first[r].hard;
	}
}

/* fork() hands its limits and niceness to the child. */
void resources_fork(struct process *child)
{
	memcpy(child->rlim, current.rlim, sizeof(child->rlim));
	child->nice = current.nice;
	child->ioprio = current.ioprio;
	child->persona = current.persona;
}

/* The highest descriptor number plus one that p may have open now. */
unsigned int nofile_limit(struct process *p)
{
	u64 n = p->rlim[RLIMIT_NOFILE][0];

	return n < NR_OPEN ? (unsigned int)n : NR_OPEN;
}

/* The process a pid names (0: the caller), unless it has already exited. */
static struct process *process_or_self(u32 pid)
{
	struct process *p = pid ? find_process((s32)pid) : current_proc;

	return p && p->state != P_ZOMBIE ? p : NULL;
}

static long set_limit(struct process *p, unsigned int r, u64 soft, u64 hard)
{
	if (soft > hard)
		return -EINVAL;
	if (r == RLIMIT_NOFILE && hard > NR_OPEN)
		return -EPERM;          /* infinity too: Linux's is above its nr_open */
	p->rlim[r][0] = soft;
	p->rlim[r][1] = hard;
	return 0;
}

/*:*/

/*U:371 The calls.  prlimit64(pid, resource, new, old) reaches any process (0
 * is the caller) and reads old before it sets new, as the call promises; the
 * 32-bit pair reads a value too big for 32 bits as infinity. */
long sys_prlimit64(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	struct process *p = process_or_self(a);
	u64 v[2];

	if (b >= RLIM_NLIMITS)
		return -EINVAL;
	if (!p)
		return -ESRCH;
	if (d && copy_to_user(d, p->rlim[b], sizeof(p->rlim[b])))
		return -EFAULT;
	if (!c)
		return 0;
	if (copy_from_user(v, c, sizeof(v)))
		return -EFAULT;
	return set_limit(p, b, v[0], v[1]);
}

static u32 narrow(u64 v)
{
	return v >= RLIM_INFINITY ? RLIM_INFINITY : (u32)v;
}

static u64 widen(u32 v)
{
	return v == RLIM_INFINITY ? RLIM64_INFINITY : v;
}

long sys_getrlimit(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	u32 v[2];

	if (a >= RLIM_NLIMITS)
		return -EINVAL;
	v[0] = narrow(current.rlim[a][0]);
	v[1] = narrow(current.rlim[a][1]);
	return copy_to_user(b, v, sizeof(v)) ? -EFAULT : 0;
}

long sys_setrlimit(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	u32 v[2];

	if (a >= RLIM_NLIMITS)
		return -EINVAL;
	if (copy_from_user(v, b, sizeof(v)))
		return -EFAULT;
	return set_limit(current_proc, a, widen(v[0]), widen(v[1]));
}
/*:*/

/*U:372 Niceness.  A process's nice value, -20 to 19, says how much of the CPU
 * it would like to leave to others; fork() passes it on.  Our scheduler takes
 * its turns in order (U:230) and does not look at it, but busybox's renice
 * works, and /proc shows the value, which is all a program can see of it
 * anyway.  The system call's answer is 20 minus the value, so that it is
 * never negative, and glibc turns it back.  "Which" is a process (0), a
 * process group (1) or a user (2), and 0 means the caller's own; every
 * process is root's, so a user is everybody. */
#define PRIO_PROCESS 0
#define PRIO_PGRP    1
#define PRIO_USER    2

static int prio_matches(struct process *p, u32 which, u32 who)
{
	if (p->state == P_FREE || p->state == P_ZOMBIE)
		return 0;
	if (which == PRIO_PROCESS)
		return p->pid == (who ? (int)who : current.pid);
	if (which == PRIO_PGRP)
		return p->pgid == (who ? (int)who : current.pgid);
	return who == 0;        /* PRIO_USER: uid 0 is all there is */
}

long sys_getpriority(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	int i, best = -1;

	if (a > PRIO_USER)
		return -EINVAL;
	for (i = 1; i < MAX_PROCS; i++)
		if (prio_matches(&procs[i], a, b) && 20 - procs[i].nice > best)
			best = 20 - procs[i].nice;
	return best < 0 ? -ESRCH : best;
}

long sys_setpriority(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	int i, nice = (s32)c, found = 0;

	if (a > PRIO_USER)
		return -EINVAL;
	nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
	for (i = 1; i < MAX_PROCS; i++)
		if (prio_matches(&procs[i], a, b)) {
			procs[i].nice = nice;
			found = 1;
		}
	return found ? 0 : -ESRCH;
}
/*:*/

/*U:373 The other ways of asking to be treated differently, answered for the
 * machine there is.  A process may run on the CPUs of its affinity mask, and
 * there is one CPU: sched_getaffinity() says so (one 32-bit word, whose size
 * is the call's answer, as Linux's is), and sched_setaffinity() takes any
 * mask that has CPU 0 in it and refuses one that leaves nowhere to run
 * (EINVAL).  The I/O priority, a class in the top three of sixteen bits and
 * a level below, is kept like the niceness and inherited at fork, and, like
 * it, changes nothing here: the disk does one request at a time, in the
 * order they come (D:410).  0 is "none", what Linux reports for a process
 * that never set one.  The personality (linux32's question) and unshare()
 * are the same kind of request, answered below. */
long sys_sched_getaffinity(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	u32 mask = 1;

	if (!process_or_self(a))
		return -ESRCH;
	if (b < sizeof(mask) || (b & 3))
		return -EINVAL;
	return copy_to_user(c, &mask, sizeof(mask)) ? -EFAULT : (long)sizeof(mask);
}

long sys_sched_setaffinity(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	u32 mask = 0;

	if (!process_or_self(a))
		return -ESRCH;
	if (b && copy_from_user(&mask, c, b < 4 ? b : 4))
		return -EFAULT;
	return mask & 1 ? 0 : -EINVAL;
}

/* personality(): Linux's own (0) and PER_LINUX32 (8), which linux32 asks
 * for and which changes nothing on an i686; 0xffffffff only asks. */
long sys_personality(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	u32 old = current.persona;

	if (a != 0xFFFFFFFFu && (a & 0xFF) != 0 && (a & 0xFF) != 8)
		return -EINVAL;
	if (a != 0xFFFFFFFFu)
		current.persona = a;
	return old;
}

/* unshare(): what a process here shares with nobody (its files, its
 * directories, its semaphore undo list) it may "unshare" for free; a new
 * namespace is more than this kernel has (EINVAL, as a Linux built
 * without them says). */
long sys_unshare(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return a & ~(0x400u | 0x200u | 0x40000u) ? -EINVAL : 0;   /* CLONE_FILES, _FS, _SYSVSEM */
}

#define IOPRIO_WHO_PROCESS 1

long sys_ioprio_get(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	struct process *p = process_or_self(b);

	if (a != IOPRIO_WHO_PROCESS)
		return -EINVAL;         /* a group or a user: nobody here asks */
	return p ? p->ioprio : -ESRCH;
}

long sys_ioprio_set(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	struct process *p = process_or_self(b);
	u32 class = c >> 13, level = c & 0x1FFF;

	if (a != IOPRIO_WHO_PROCESS || class > 3 || ((class == 1 || class == 2) && level > 7))
		return -EINVAL;
	if (!p)
		return -ESRCH;
	p->ioprio = c;
	return 0;
}
/*:*/

/*U:374 CPU time.  The scheduler counts each process's time on the CPU as it
 * switches (U:225).  It does not tell the time spent in the kernel on a
 * process's behalf from the process's own, so all of it is reported as user
 * time and system time is always zero, here, in wait4's rusage and in /proc.
 * A parent that reaps a child adds the child's time, and what the child had
 * gathered from its own children, to its "children's time": that is what
 * times() reports beside its own, and what the shell's "times" and busybox's
 * "time" print.  times() returns the clock ticks since boot, in the 1/100 s
 * that AT_CLKTCK announces (U:050). */
long sys_times(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	u32 tms[4] = { ns_to_ticks(cpu_ns_of(current_proc)), 0, ns_to_ticks(current.child_ns), 0 };

	if (a && copy_to_user(a, tms, sizeof(tms)))
		return -EFAULT;
	return ns_to_ticks(monotonic_ns() - boot_ns);
}

/* wait4's struct rusage: utime and stime as timevals, the rest zero. */
long put_rusage(u32 uaddr, u64 ns)
{
	u32 ru[18], ticks = ns_to_ticks(ns);

	memset(ru, 0, sizeof(ru));
	ru[0] = ticks / 100;
	ru[1] = ticks % 100 * 10000;
	return copy_to_user(uaddr, ru, sizeof(ru)) ? -EFAULT : 0;
}
/*:*/
