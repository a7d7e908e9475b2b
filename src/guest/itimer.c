/* src/guest/itimer.c: alarm() and setitimer(ITIMER_REAL), and the one list
 * of deadlines the scheduler asks about besides its sleepers': these alarms
 * and the network's timers. */
#include "kernel.h"
#include "net/net.h"

#define SIGALRM 14

/*U:855 An alarm is a deadline that ends in SIGALRM.  busybox's ping lives
 * by them: it sends a request, sets an alarm for a second later, and sits
 * in recvfrom() until a reply or the alarm comes, and the alarm's handler
 * sends the next request.  A process has one, ITIMER_REAL, which alarm()
 * and setitimer() both set (an interval, if given, re-arms it when it
 * fires).  It is kept beside the process table, by slot and with the pid,
 * so a process that exits takes its alarm with it: the next process in the
 * slot has another pid.  An alarm survives exec(), as POSIX wants, and a
 * child of fork() starts without one, since it has another pid too.
 *
 * Nobody has to be awake for an alarm to fire: the scheduler arms the Host's
 * clock for the earliest deadline there is (U:230), and runs timers_run()
 * whenever it looks round or the clock ticks. */
static struct {
	int pid;
	u64 at, interval;
} alarms[MAX_PROCS];

void timers_run(u64 now)
{
	int i;

	for (i = 0; i < MAX_PROCS; i++) {
		struct process *p = &procs[i];

		if (!alarms[i].at || now < alarms[i].at)
			continue;
		if (p->pid != alarms[i].pid || (p->state != P_RUNNABLE && p->state != P_SLEEPING)) {
			alarms[i].at = 0;
			continue;
		}
		alarms[i].at = alarms[i].interval ? now + alarms[i].interval : 0;
		send_signal(p, SIGALRM);
	}
	net_timers(now);
}

u64 timers_next(void)
{
	u64 d = net_next_deadline();
	int i;

	for (i = 0; i < MAX_PROCS; i++)
		if (alarms[i].at && (!d || alarms[i].at < d))
			d = alarms[i].at;
	return d;
}

/*:*/

/* Nanoseconds into seconds and the rest, without libgcc's 64-bit division:
 * long division, a bit at a time. */
u32 split_ns(u64 ns, u32 *rest)
{
	u64 q = 0, r = 0;
	int i;

	for (i = 63; i >= 0; i--) {
		r = (r << 1) | ((ns >> i) & 1);
		if (r >= 1000000000ULL) {
			r -= 1000000000ULL;
			q |= 1ULL << i;
		}
	}
	*rest = (u32)r;
	return (u32)q;
}

/* Sets the current process's alarm; returns what was left of the old one. */
static u64 set_alarm(u64 value, u64 interval)
{
	int i = current_proc - procs;
	u64 now = monotonic_ns(), left = 0;

	if (alarms[i].pid == current.pid && alarms[i].at > now)
		left = alarms[i].at - now;
	alarms[i].pid = current.pid;
	alarms[i].at = value ? now + value : 0;
	alarms[i].interval = value ? interval : 0;
	return left;
}

long sys_alarm(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	u64 left = set_alarm((u64)a * 1000000000ULL, 0);

	u32 rest, sec = split_ns(left, &rest);

	return (long)sec + (rest != 0);
}

/* struct itimerval: interval then value, each {seconds, microseconds}. */
static u64 tv_ns(const u32 *tv)
{
	return (u64)tv[0] * 1000000000ULL + (u64)tv[1] * 1000;
}

static void ns_tv(u64 ns, u32 *tv)
{
	u32 rest;

	tv[0] = split_ns(ns, &rest);
	tv[1] = rest / 1000;
}

static long get_itimer(u32 uold)
{
	int i = current_proc - procs;
	u32 it[4] = { 0 };
	u64 now = monotonic_ns();

	if (alarms[i].pid == current.pid && alarms[i].at > now) {
		ns_tv(alarms[i].interval, it);
		ns_tv(alarms[i].at - now, it + 2);
	}
	return copy_to_user(uold, it, sizeof it) ? -EFAULT : 0;
}

long sys_setitimer(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	u32 it[4];

	if (a != 0)                      /* only ITIMER_REAL */
		return -EINVAL;
	if (copy_from_user(it, b, sizeof it))
		return -EFAULT;
	if (it[1] >= 1000000 || it[3] >= 1000000)
		return -EINVAL;
	if (c && get_itimer(c))
		return -EFAULT;
	set_alarm(tv_ns(it + 2), tv_ns(it));
	return 0;
}

long sys_getitimer(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return a != 0 ? -EINVAL : get_itimer(b);
}
