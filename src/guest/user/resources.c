/* Limits, niceness, CPU time and futexes, run natively and in a Guest,
 * outputs compared (LinuxAbiTest): getrlimit/setrlimit/prlimit64 (U:370),
 * getpriority/setpriority (U:372), the CPU affinity and I/O priority
 * (U:373), times() and wait4's rusage (U:374),
 * futex() (U:266) and an address space of many ranges (U:925) must answer
 * as Linux does.  Only what is the same on any
 * Linux is printed: return values and errors, limits this program set itself,
 * and relations ("at least 20 ms") rather than times.  (Its busy wait once
 * spun on clock_gettime(), and never ended in a Guest whose clock stood still
 * while a lone process computed, G:694.)  No libc, so the same
 * binary runs on both. */
#include "print.h"

static long sys5(long nr, long a, long b, long c, long d, long e)
{
	return sys6(nr, a, b, c, d, e, 0);
}

#define NR_times        43
#define NR_dup2         63
#define NR_setrlimit    75
#define NR_getpriority  96
#define NR_setpriority  97
#define NR_wait4       114
#define NR_ugetrlimit  191
#define NR_fcntl64     221
#define NR_futex       240
#define NR_clock_gettime 265
#define NR_prlimit64   340
#define NR_fork          2
#define NR_sched_setaffinity 241
#define NR_sched_getaffinity 242
#define NR_ioprio_set  289
#define NR_ioprio_get  290
#define NR_dup          41

#define RLIMIT_NOFILE 7
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE 128

static void line(const char *what, long v)
{
	put(what);
	hex(v);
	put("\n");
}

static long long now_ns(void)
{
	long ts[2];

	syscall3(NR_clock_gettime, 1, (long)ts, 0);
	return ts[0] * 1000000000LL + ts[1];
}

/* Compute until this process has had 30 ms of CPU: counted in its own
 * ticks, not on the clock, so that a busy machine cannot make it less. */
static void spin(void)
{
	unsigned long tms[4];

	do
		syscall3(NR_times, (long)tms, 0, 0);
	while (tms[0] + tms[1] < 3);
}

static void limits(void)
{
	unsigned long long lim[2] = { 50, 60 }, old[2];
	unsigned long small[2];
	long fd, last = -1;

	line("prlimit64 set nofile 50/60:", sys5(NR_prlimit64, 0, RLIMIT_NOFILE, (long)lim, 0, 0));
	line("prlimit64 read back:", sys5(NR_prlimit64, 0, RLIMIT_NOFILE, 0, (long)old, 0));
	line("  soft:", (long)old[0]);
	line("  hard:", (long)old[1]);
	line("ugetrlimit:", syscall3(NR_ugetrlimit, RLIMIT_NOFILE, (long)small, 0));
	line("  soft:", small[0]);
	line("  hard:", small[1]);
	small[0] = 40;
	line("setrlimit 40/60:", syscall3(NR_setrlimit, RLIMIT_NOFILE, (long)small, 0));
	sys5(NR_prlimit64, 0, RLIMIT_NOFILE, 0, (long)old, 0);
	line("  soft now:", (long)old[0]);
	small[0] = 70;
	line("setrlimit soft above hard:", syscall3(NR_setrlimit, RLIMIT_NOFILE, (long)small, 0));
	line("prlimit64 resource 16:", sys5(NR_prlimit64, 0, 16, 0, (long)old, 0));
	line("prlimit64 no such pid:", sys5(NR_prlimit64, 0x3ffffff0, RLIMIT_NOFILE, 0, (long)old, 0));
	line("dup2 to 45:", syscall3(NR_dup2, 0, 45, 0));
	line("F_DUPFD from 45:", syscall3(NR_fcntl64, 0, 0, 45));
	while ((fd = syscall3(NR_dup, 1, 0, 0)) >= 0)
		last = fd;
	line("dup until it fails:", fd);
	line("  the last descriptor:", last);
}

static void niceness(void)
{
	line("setpriority 7:", syscall3(NR_setpriority, 0, 0, 7));
	line("getpriority (20 - nice):", syscall3(NR_getpriority, 0, 0, 0));
	line("setpriority 99 (clamped):", syscall3(NR_setpriority, 0, 0, 99));
	line("getpriority:", syscall3(NR_getpriority, 0, 0, 0));
	line("getpriority no such pid:", syscall3(NR_getpriority, 0, 0x3ffffff0, 0));
	line("getpriority which 5:", syscall3(NR_getpriority, 5, 0, 0));
}

/* CPU affinity and I/O priority (U:373): only what any machine answers alike. */
static void affinity(void)
{
	unsigned long mask[32] = { 0 };

	line("sched_setaffinity to no CPU:", syscall3(NR_sched_setaffinity, 0, 4, (long)mask));
	mask[0] = 1;
	line("sched_setaffinity to CPU 0:", syscall3(NR_sched_setaffinity, 0, 4, (long)mask));
	mask[0] = 0;
	line("sched_getaffinity answers its size:", syscall3(NR_sched_getaffinity, 0, sizeof(mask), (long)mask) > 0);
	line("  and the mask is CPU 0:", mask[0]);
	line("ioprio_get, never set:", syscall3(NR_ioprio_get, 1, 0, 0));
	line("ioprio_set best-effort 3:", syscall3(NR_ioprio_set, 1, 0, 2 << 13 | 3));
	line("ioprio_get:", syscall3(NR_ioprio_get, 1, 0, 0));
	line("ioprio_set class 5:", syscall3(NR_ioprio_set, 1, 0, 5 << 13));
}

static void cpu_time(void)
{
	unsigned long tms[4], ru[18];
	long pid, status;

	spin();
	syscall3(NR_times, (long)tms, 0, 0);
	line("own time at least 20 ms:", tms[0] + tms[1] >= 2);
	line("children's time before:", tms[2] + tms[3]);
	pid = syscall3(NR_fork, 0, 0, 0);
	if (pid == 0) {
		spin();
		exit(0);
	}
	sys5(NR_wait4, pid, (long)&status, 0, (long)ru, 0);
	line("rusage of the child at least 20 ms:", (ru[0] + ru[2]) * 1000000 + ru[1] + ru[3] >= 20000);
	syscall3(NR_times, (long)tms, 0, 0);
	line("children's time after at least 20 ms:", tms[2] + tms[3] >= 2);
}

static void futexes(void)
{
	static int word = 5;
	long ts[2] = { 0, 20000000 };
	long long t0;

	line("FUTEX_WAKE:", sys6(NR_futex, (long)&word, FUTEX_WAKE | FUTEX_PRIVATE, 1, 0, 0, 0));
	line("FUTEX_WAKE shared:", sys6(NR_futex, (long)&word, FUTEX_WAKE, 10, 0, 0, 0));
	line("FUTEX_WAIT, word changed:", sys6(NR_futex, (long)&word, FUTEX_WAIT | FUTEX_PRIVATE, 6, 0, 0, 0));
	t0 = now_ns();
	line("FUTEX_WAIT 20 ms:", sys6(NR_futex, (long)&word, FUTEX_WAIT | FUTEX_PRIVATE, 5, (long)ts, 0, 0));
	line("  waited 20 ms:", now_ns() - t0 >= 20000000);
	t0 = now_ns();
	syscall3(NR_clock_gettime, 1, (long)ts, 0);   /* the deadline: 10 ms from now */
	ts[1] += 10000000;
	if (ts[1] >= 1000000000) {
		ts[1] -= 1000000000;
		ts[0]++;
	}
	line("FUTEX_WAIT_BITSET to a deadline:",
	     sys6(NR_futex, (long)&word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE, 5, (long)ts, 0, -1));
	line("  reached it:", now_ns() - t0 >= 10000000);
	line("FUTEX_WAKE_BITSET, no bits:", sys6(NR_futex, (long)&word, FUTEX_WAKE_BITSET, 1, 0, 0, 0));
	line("FUTEX_WAIT unaligned:", sys6(NR_futex, (long)&word + 1, FUTEX_WAIT, 5, 0, 0, 0));
	line("FUTEX_WAKE unaligned:", sys6(NR_futex, (long)&word + 2, FUTEX_WAKE, 1, 0, 0, 0));
	line("FUTEX_WAIT bad address:", sys6(NR_futex, 16, FUTEX_WAIT, 5, 0, 0, 0));
	line("futex op 99:", sys6(NR_futex, (long)&word, 99, 0, 0, 0, 0));
}

/* Ranges of an address space (U:925): a mapping with every other page unmapped
 * is 150 ranges, each of them still there, and a new mapping still fits. */
static void ranges(void)
{
	unsigned long p = sys6(192, 0, 300 * 4096, 3, 0x22, -1, 0), i, q;   /* mmap2 RW, private anonymous */
	long bad = 0;

	for (i = 1; i < 300; i += 2)
		bad |= sys6(91, p + i * 4096, 4096, 0, 0, 0, 0);     /* munmap */
	for (i = 0; i < 300; i += 2)
		*(volatile char *)(p + i * 4096) = 1;
	line("unmapping every other page of 300:", bad);
	q = sys6(192, 0, 8 * 4096, 3, 0x22, -1, 0);
	line("  a mapping after them:", q > -4096UL);
	*(volatile char *)q = 1;
}

__asm__(".text\n.globl _start\n_start:\n\tcall start\n");

void start(void)
{
	limits();
	flush();
	niceness();
	affinity();
	flush();
	cpu_time();
	flush();
	futexes();
	flush();
	ranges();
	flush();
	exit(0);
}
