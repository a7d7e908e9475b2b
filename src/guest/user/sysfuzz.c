/* sysfuzz: random system calls with random arguments, from ring 3, for the
 * Guest kernel's fuzz test (SyscallFuzzTest).  Run as the first process:
 *
 *	bin/lguest 32m target/guest/kernel --initrd=target/guest/user/sysfuzz.elf \
 *		--block=DISK quiet -- sysfuzz SEED CALLS
 *
 * Process 1 only supervises: it starts workers, one after another, each with
 * a seed of its own and a budget of calls, kills any that runs too long (a
 * random rt_sigsuspend or nanosleep waits forever), and counts the calls they
 * report through a pipe, so that calls made by a worker that a random signal
 * killed still count.  A worker makes its calls from a list of every call the
 * kernel implements (and some random numbers, for ENOSYS) with arguments from
 * a pool of the values that break kernels: 0, -1, huge lengths, the page
 * boundary, kernel addresses, valid buffers, paths, descriptors.  Nothing a
 * worker does may panic the kernel; the worker itself may die of it.
 *
 * The last line is "sysfuzz: seed S: N calls, W workers, K killed, T timed
 * out", and the exit status 0.  (execve() of /proc/self/exe runs the
 * initrd: a worker that execs it becomes a sysfuzz with random arguments,
 * which exits at once; other names are ENOENT, U:342.) */
#include "syscall.h"

#define REPORT_FD 1000          /* the worker's end of the counting pipe */
#define BUDGET 1000             /* calls per worker */
#define TIMEOUT_NS 1000000000ULL

/* The sixth argument goes in %ebp, which gcc will not let us name: it is
 * swapped in from a static (an absolute address, not one relative to the
 * %esp the push has just moved). */
static long sc_nr, sc_f;

static long sc6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;

	sc_nr = nr;
	sc_f = f;
	__asm__ __volatile__("push %%ebp\n\tmovl %[f], %%ebp\n\tmovl %[nr], %%eax\n\tint $0x80\n\tpop %%ebp"
			     : "=a"(ret)
			     : "b"(a), "c"(b), "d"(c), "S"(d), "D"(e), [f] "m"(sc_f), [nr] "m"(sc_nr)
			     : "memory");
	return ret;
}

static unsigned int rng;

static unsigned int rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static unsigned long parse(const char *s)
{
	unsigned long n = 0;

	while (*s >= '0' && *s <= '9')
		n = n * 10 + (*s++ - '0');
	return n;
}

static char *fmt(char *p, unsigned long n)
{
	char tmp[12];
	int i = 0;

	do
		tmp[i++] = '0' + n % 10;
	while (n /= 10);
	while (i)
		*p++ = tmp[--i];
	return p;
}

static char *str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

/* Every call the kernel's table has (syscall.c), except exit and exit_group,
 * which would only end the worker early. */
static const unsigned short calls[] = {
	2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 19, 20, 24, 33, 36, 37, 38, 39, 40, 41,
	42, 45, 47, 49, 50, 54, 57, 60, 63, 64, 65, 66, 76, 78, 83, 85, 91, 92, 93, 94, 114,
	118, 119, 120, 122, 125, 132, 133, 140, 145, 146, 147, 148, 158, 162, 168, 172, 173,
	174, 175, 179, 183, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202,
	205, 207, 212, 220, 221, 224, 243, 258, 265, 267, 270, 295, 296, 298, 300, 301, 302,
	303, 304, 305, 306, 307, 311, 320, 330, 331, 353, 355, 383, 386, 403, 407, 412, 439,
	103, 117, 124, 240, 343, 393, 394, 395, 396, 397, 398, 399, 400, 401, 402, 405, 420,
};

static char scratch[3 * 4096] __attribute__((aligned(4096)));
static const char *const paths[] = {
	"/", ".", "..", "a", "a/b", "a/b/c", "/a/../a/./b", "f", "a/f", "/dev/null", "/dev/tty",
	"/dev/console", "/proc", "/proc/self/exe", "/bin/sh", "", "//", "a/", "f/", "l", "l/x",
	"/nonexistent/x", "lost+found", "z23456789012345678901234567890123456789012345678901234567890",
};

/* An argument: a value from the pool that breaks kernels, or any 32 bits. */
static long arg(void)
{
	static const unsigned long pool[] = {
		0, 1, 2, 3, 4, 7, 8, 10, 16, 63, 64, 65, 100, 255, 256, 1023, 1024, 1025, 4095,
		4096, 4097, 65536, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFF9C,
		0xFFFFF000, 0xC0000000, 0xC0100000, 0xBFFFFFFF, 0xBFFFF000, 0x08048000, 0x40000000,
		0x10000000, 0x00001000, 0x0000FFFF, 0xFFFF, 0x8000, 0x80000, 0x800, 0x40, 0x41, 0x241,
	};
	unsigned int r = rnd();

	switch (r % 8) {
	case 0: case 1: case 2:
		return pool[(r >> 3) % (sizeof(pool) / sizeof(pool[0]))];
	case 3:
		return (long)paths[(r >> 3) % (sizeof(paths) / sizeof(paths[0]))];
	case 4:
		return (long)(scratch + ((r >> 3) % 3) * 4096 + (((r >> 6) & 1) ? 0 : 4096 - ((r >> 7) % 64)));
	case 5:
		return (r >> 3) % 24;           /* a small descriptor or signal */
	default:
		return (long)rnd();
	}
}

static void worker(unsigned int seed)
{
	unsigned int i, forked = 0;
	char *p;

	rng = seed ? seed : 1;
	sc6(66, 0, 0, 0, 0, 0, 0);                 /* setsid: out of process 1's group */
	sc6(39, (long)"/w", 0755, 0, 0, 0, 0);     /* a directory of its own on the disk, */
	p = str(scratch, "/w/");
	p = fmt(p, seed % 1000);
	*p = 0;
	sc6(39, (long)scratch, 0755, 0, 0, 0, 0);
	sc6(12, (long)scratch, 0, 0, 0, 0, 0);     /* to work in (if there is a disk) */
	for (i = 0; i < BUDGET; i++) {
		unsigned int r = rnd();
		long nr = r % 16 ? calls[(r >> 4) % (sizeof(calls) / sizeof(calls[0]))] : (long)((r >> 4) % 450);
		long a = arg(), b = arg(), c = arg(), d = arg(), e = arg(), f = arg();

		if (nr == 1 || nr == 252)
			continue;
		/* Process 1 is off limits: kill(1, SIGKILL) would end the run, not
		 * test anything.  So is the counting pipe. */
		if ((nr == 37 || nr == 270) && (a == 1 || b == 1 || a == 0 || a == -1))
			a = b = 0x7FFF0000;
		if (a == REPORT_FD || b == REPORT_FD)
			continue;
		if (sc6(nr, a, b, c, d, e, f) == 0 && (nr == 2 || nr == 120 || nr == 190)) {
			/* In the copy, fork's return was 0: a child that fuzzes on with
			 * what is left of the budget, but never forks again. */
			if (forked++)
				break;
		}
		if (i % 16 == 15)
			sc6(4, REPORT_FD, (long)"+", 1, 0, 0, 0);
	}
	exit(0);
}

static unsigned long long now_ns(void)
{
	unsigned int ts[2] = { 0, 0 };

	sc6(265, 1, (long)ts, 0, 0, 0, 0);         /* clock_gettime(MONOTONIC) */
	return (unsigned long long)ts[0] * 1000000000ULL + ts[1];
}

/* "sysfuzz check x": what the fuzzer found, asked directly.  Each line is
 * "ok" or "FAIL", and the status the number of failures. */
static int failures;

static void expect(const char *what, long got, long want)
{
	char line[120], *p = str(line, got == want ? "ok   " : "FAIL ");

	failures += got != want;
	p = str(p, what);
	p = str(p, got < 0 ? ": -" : ": ");
	p = fmt(p, got < 0 ? -got : got);
	*p++ = '\n';
	write(1, line, p - line);
}

static void __attribute__((noreturn)) checks(void)
{
	int status, pid = sc6(2, 0, 0, 0, 0, 0, 0);

	if (pid == 0) {
		sc6(66, 0, 0, 0, 0, 0, 0);          /* setsid: a session of its own */
		/* tgkill's thread group must be the thread's own (here: itself) */
		expect("tgkill(2, 1, 0) is ESRCH", sc6(270, 2, 1, 0, 0, 0, 0), -3);
		/* and no process joins a group of another session */
		pid = sc6(2, 0, 0, 0, 0, 0, 0);
		if (pid == 0) {
			expect("setpgid(0, 1) from another session is EPERM", sc6(57, 0, 1, 0, 0, 0, 0), -1);
			exit(failures);
		}
		sc6(114, pid, (long)&status, 0, 0, 0, 0);
		exit(failures + (status >> 8));
	}
	sc6(114, pid, (long)&status, 0, 0, 0, 0);
	exit(status >> 8);
}

void main_c(long argc, char **argv);
void main_c(long argc, char **argv)
{
	unsigned long seed, total, workers = 0, killed = 0, timedout = 0, reported = 0;
	int pipefd[2], status, pid;
	char line[160], *p, buf[256];

	if (argc != 3 || argv[0][0] != 's')
		exit(0);                           /* an exec'd worker: done */
	if (argv[1][0] == 'c')
		checks();
	seed = parse(argv[1]);
	total = parse(argv[2]);
	if (sc6(331, (long)pipefd, 04000, 0, 0, 0, 0) < 0)   /* pipe2(O_NONBLOCK) */
		exit(2);
	while (reported * 16 < total) {
		unsigned long long start = now_ns();
		long n;

		pid = sc6(2, 0, 0, 0, 0, 0, 0);
		if (pid == 0) {
			sc6(63, pipefd[1], REPORT_FD, 0, 0, 0, 0);
			sc6(6, pipefd[0], 0, 0, 0, 0, 0);
			sc6(6, pipefd[1], 0, 0, 0, 0, 0);
			n = sc6(5, (long)"/dev/null", 2, 0, 0, 0, 0);
			if (n >= 0) {
				sc6(63, n, 0, 0, 0, 0, 0);
				sc6(63, n, 1, 0, 0, 0, 0);
				sc6(63, n, 2, 0, 0, 0, 0);
			}
			worker(seed * 2654435761U + workers * 40503U + 1);
		}
		if (pid < 0) {
			sc6(162, (long)(unsigned int[]){ 0, 10000000 }, 0, 0, 0, 0, 0);
			continue;
		}
		workers++;
		/* Wait for the worker and everything it forked, draining the pipe. */
		for (;;) {
			int w = sc6(114, -1, (long)&status, 1, 0, 0, 0);   /* WNOHANG */

			while ((n = sc6(3, pipefd[0], (long)buf, sizeof(buf), 0, 0, 0)) > 0)
				reported += n;
			if (w > 0) {
				if ((status & 0x7F) && (status & 0x7F) != 0x7F)
					killed++;
				continue;
			}
			if (w < 0)
				break;                     /* ECHILD: all gone */
			if (now_ns() - start > TIMEOUT_NS) {
				sc6(37, -1, 9, 0, 0, 0, 0);    /* everybody but process 1 */
				timedout++;
				start = now_ns();
			}
			sc6(162, (long)(unsigned int[]){ 0, 2000000 }, 0, 0, 0, 0, 0);
		}
	}
	p = str(line, "sysfuzz: seed ");
	p = fmt(p, seed);
	p = str(p, ": ");
	p = fmt(p, reported * 16);
	p = str(p, " calls, ");
	p = fmt(p, workers);
	p = str(p, " workers, ");
	p = fmt(p, killed);
	p = str(p, " killed, ");
	p = fmt(p, timedout);
	p = str(p, " timed out\n");
	write(1, line, p - line);
	exit(0);
}

__asm__(".globl _start\n"
	"_start:\n"
	"	movl (%esp), %eax\n"
	"	leal 4(%esp), %edx\n"
	"	andl $-16, %esp\n"
	"	pushl %edx\n"
	"	pushl %eax\n"
	"	call main_c\n"
	"	hlt\n");
