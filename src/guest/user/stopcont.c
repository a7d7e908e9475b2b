/* Stopping and continuing (U:402), run natively and in a Guest, outputs
 * compared (LinuxAbiTest): a child stopped by SIGSTOP and by its own
 * SIGTSTP, what wait4() says with WUNTRACED and WCONTINUED, the SIGCHLDs
 * its parent gets (none for a stop with SA_NOCLDSTOP), a stopped child
 * that SIGKILL still kills, and one that SIGCONT lets finish; a sleep that
 * a stop interrupts goes on to its deadline, and one that a handler
 * interrupts ends with EINTR and the time left (U:265).  The program
 * starts a session of its own first, so that whether its process group is
 * orphaned (then SIGTSTP does not stop) is the same wherever it runs: it
 * is, and a child that moves to a group of its own is not.  Last, a group
 * that becomes orphaned while stopped is hung up (U:403).  No C library:
 * int $0x80 only. */
#include "print.h"
#include "sigaction.h"

#define SYS_fork       2
#define SYS_read       3
#define SYS_close      6
#define SYS_kill      37
#define SYS_getpid    20
#define SYS_setpgid   57
#define SYS_setsid    66
#define SYS_wait4    114
#define SYS_nanosleep 162
#define SYS_rt_sigaction 174
#define SYS_setitimer 104
#define SYS_clock_gettime 265
#define SIGALRM 14
#define SIGKILL  9
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define WUNTRACED  2
#define WCONTINUED 8
#define SA_NOCLDSTOP 1

static volatile long chld;

static void on_chld(int sig)
{
	(void)sig;
	chld++;
}

static void catch_chld(unsigned long flags)
{
	struct kaction a = { (void *)on_chld, flags | SA_SIGINFO | SA_RESTART | SA_RESTORER, restore_rt,
			     { 0, 0 } };

	/* rt_sigaction(SIGCHLD, &a, NULL, sizeof(sigset_t)) */
	__asm__ __volatile__("int $0x80" : : "a"(SYS_rt_sigaction), "b"(SIGCHLD), "c"(&a), "d"(0), "S"(8)
			     : "memory");
}

static void nap(long ms)
{
	long ts[2] = { ms / 1000, ms % 1000 * 1000000 };

	while (syscall3(SYS_nanosleep, (long)ts, (long)ts, 0) < 0)
		;
}

/* A child that naps and exits 5; with self_stop it sends itself SIGTSTP
 * first, from its own process group if own_group. */
static unsigned long ms_now(void)
{
	long ts[2];

	syscall3(SYS_clock_gettime, 1, (long)ts, 0);      /* CLOCK_MONOTONIC */
	return ts[0] * 1000 + ts[1] / 1000000;
}

/* A child that sleeps a second in one nanosleep() and exits 1 if the call
 * returned 0, plus 2 if it took 950 to 1600 ms. */
static long sleeper(void)
{
	long pid = syscall3(SYS_fork, 0, 0, 0);

	if (pid == 0) {
		long ts[2] = { 1, 0 };
		unsigned long t0 = ms_now(), r = syscall3(SYS_nanosleep, (long)ts, 0, 0), ms = ms_now() - t0;

		exit((r == 0) + 2 * (ms >= 950 && ms <= 1600));
	}
	return pid;
}

static long child(int self_stop, int own_group)
{
	long pid = syscall3(SYS_fork, 0, 0, 0);

	if (pid == 0) {
		if (own_group)
			syscall3(SYS_setpgid, 0, 0, 0);
		if (self_stop)
			syscall3(SYS_kill, syscall3(SYS_getpid, 0, 0, 0), SIGTSTP, 0);
		nap(1000);     /* long enough that the parent's steps, and a JIT's pauses, fit inside */
		exit(5);
	}
	return pid;
}

/* What wait4() said, and how many SIGCHLDs came since the last time,
 * counted 50 ms later; or, with count 0, not counted, where the time a
 * SIGCHLD comes is each kernel's own (Linux has a continued child send its
 * SIGCHLD when it next runs, ours sends it with the SIGCONT). */
static void waited(const char *what, long pid, long options, int count)
{
	long status = 0, r = sys6(SYS_wait4, pid, (long)&status, options, 0, 0, 0);

	nap(50);
	put(what);
	hex(r == pid);
	hex(status);
	if (count)
		hex(chld);
	put("\n");
	chld = 0;
}

/* A group left orphaned with a stopped member is hung up and continued
 * (U:403).  A child H starts a session of its own (so that whoever the
 * orphan's new parent is, here process 1, natively the host's init, it is
 * no link), and its child P makes C, which moves to a group of its own and
 * stops; when P ends, C's group has nobody left in the session outside it.
 * C's SIGHUP handler says so through a pipe and ends C.  Or, if nothing
 * comes within two seconds, this says that and kills C. */
static void on_hup(int sig)
{
	(void)sig;
	write(20, "C got SIGHUP\n", 13);
	exit(0);
}

/* One try: what came through the pipe within two seconds, into b. */
static long orphan_try(char *b, unsigned long size)
{
	int fds[2];
	long c = 0, pfd[2], got = 0;

	syscall3(42, (long)fds, 0, 0);                 /* pipe */
	syscall3(63, fds[1], 20, 0);                   /* dup2: the children write to fd 20, */
							/* clear of whatever the caller left open */
	if (syscall3(SYS_fork, 0, 0, 0) == 0) {        /* H */
		syscall3(SYS_setsid, 0, 0, 0);
		if (syscall3(SYS_fork, 0, 0, 0) == 0) {    /* P */
			long status;

			c = syscall3(SYS_fork, 0, 0, 0);
			if (c == 0) {                          /* C */
				struct kaction a = { (void *)on_hup, SA_RESTORER, restore_old, { 0, 0 } };

				syscall3(SYS_setpgid, 0, 0, 0);
				sys6(SYS_rt_sigaction, 1, (long)&a, 0, 8, 0, 0);
				c = syscall3(SYS_getpid, 0, 0, 0);
				write(20, &c, 4);
				syscall3(SYS_kill, c, SIGSTOP, 0);
				write(20, "C went on without SIGHUP\n", 25);
				exit(0);
			}
			sys6(SYS_wait4, c, (long)&status, WUNTRACED, 0, 0, 0);
			exit(0);
		}
		sys6(SYS_wait4, -1, 0, 0, 0, 0, 0);
		exit(0);
	}
	syscall3(SYS_close, 20, 0, 0);
	syscall3(SYS_close, fds[1], 0, 0);
	syscall3(SYS_read, fds[0], (long)&c, 4);
	pfd[0] = fds[0];
	pfd[1] = 1;                                    /* POLLIN */
	if (syscall3(168, (long)pfd, 1, 2000) > 0)    /* poll */
		got = syscall3(SYS_read, fds[0], (long)b, size - 1);
	syscall3(SYS_kill, c, SIGKILL, 0);             /* if it is still there */
	syscall3(SYS_close, fds[0], 0, 0);
	b[got > 0 ? got : 0] = 0;
	return got > 0;
}

/* Natively, on this project's machine, about one run in ten left C stopped
 * for the two seconds (never in a Guest; the cause was not found), which
 * made the comparison fail: so up to three tries, and the last answer. */
static void orphans(void)
{
	char b[64];
	int tries = 0, came;

	do
		came = orphan_try(b, sizeof(b));
	while (!came && ++tries < 3);
	if (!came)
		put("nothing came: C is still stopped\n");
	put("an orphaned group, stopped: ");
	put(b);
}

void _start(void)
{
	long p;

	syscall3(SYS_setsid, 0, 0, 0);
	catch_chld(0);
	p = child(0, 0);
	nap(20);
	syscall3(SYS_kill, p, SIGSTOP, 0);
	waited("SIGSTOP, WUNTRACED:", p, WUNTRACED, 1);
	syscall3(SYS_kill, p, SIGCONT, 0);
	waited("SIGCONT, WCONTINUED:", p, WCONTINUED, 0);
	waited("then it exits:", p, 0, 0);

	p = child(1, 0);
	waited("its own SIGTSTP in an orphaned group:", p, WUNTRACED, 1);
	p = child(1, 1);
	waited("its own SIGTSTP in a group of its own:", p, WUNTRACED, 1);
	syscall3(SYS_kill, p, SIGKILL, 0);
	waited("SIGKILL while stopped:", p, 0, 1);

	catch_chld(SA_NOCLDSTOP);
	p = child(0, 0);
	nap(20);
	syscall3(SYS_kill, p, SIGSTOP, 0);
	waited("with SA_NOCLDSTOP:", p, WUNTRACED, 1);
	syscall3(SYS_kill, p, SIGCONT, 0);
	waited("and exits:", p, 0, 1);

	p = sleeper();
	nap(100);
	syscall3(SYS_kill, p, SIGSTOP, 0);
	nap(200);
	syscall3(SYS_kill, p, SIGCONT, 0);
	waited("a sleep stopped and continued (0x300 if it slept on):", p, 0, 0);

	{       /* SIGALRM's handler 200 ms into a sleep of a second: EINTR, and what was left
		 * (some 800 ms, or all of it if the alarm came as the sleep began) */
		struct kaction a = { (void *)on_chld, SA_SIGINFO | SA_RESTART | SA_RESTORER, restore_rt,
				     { 0, 0 } };
		long it[4] = { 0, 0, 0, 200000 }, ts[2] = { 1, 0 }, rem[2] = { 0, 0 }, r;

		__asm__ __volatile__("int $0x80" : : "a"(SYS_rt_sigaction), "b"(SIGALRM), "c"(&a), "d"(0),
				     "S"(8) : "memory");
		syscall3(SYS_setitimer, 0, (long)it, 0);    /* ITIMER_REAL */
		r = syscall3(SYS_nanosleep, (long)ts, (long)rem, 0);
		put("a sleep a handler cut short:");
		hex(r);
		hex((rem[0] == 0 && rem[1] > 0) || (rem[0] == 1 && rem[1] == 0));   /* some, not more */
		put("\n");
	}
	flush();
	orphans();
	flush();
	exit(0);
}
