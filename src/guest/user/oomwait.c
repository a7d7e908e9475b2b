/* A process that waits for memory must not be woken by the wrong signal
 * (U:240, U:920); run as the first process of a small Guest by
 * HostileUserTest, not natively, since it needs a machine whose memory runs out.
 *
 * A child takes every free page but one and sleeps.  The parent, which
 * catches SIGCHLD, then reads 64 KiB from /dev/zero into pages it has never
 * touched: the kernel, copying them out, finds no page, and the OOM killer
 * ends the child, whose death sends the parent SIGCHLD while the kernel waits
 * for the child's pages.  That signal used to end the wait, and with it the
 * copy: read() failed with EFAULT, and a signal frame that could not be
 * written the same way killed a shell with SIGSEGV.  Now the read gets all
 * its bytes, and the handler runs after it. */
#include "print.h"

#define NR_read     3
#define NR_open     5
#define NR_pipe    42
#define NR_fork     2
#define NR_pause   29
#define NR_wait4  114
#define NR_sysinfo 116
#define NR_rt_sigaction 174
#define NR_mmap2  192
#define SIGCHLD    17
#define PAGE     4096

static volatile int chld;

static void on_chld(int sig)
{
	(void)sig;
	chld++;
}

/* Anonymous, private, never touched: no page behind it until it is used. */
static char *fresh(unsigned long len)
{
	return (char *)sys6(NR_mmap2, 0, len, 3, 0x22, -1, 0);
}

static unsigned long free_bytes(void)
{
	unsigned long si[16];

	syscall3(NR_sysinfo, (long)si, 0, 0);
	return si[5];
}

__asm__(".text\n.globl _start\n_start:\n\tcall start\n");

void start(void)
{
	unsigned long action[4] = { (unsigned long)on_chld, 0, 0, 0 };
	int fds[2], zero, status = 0;
	char *mine = fresh(16 * PAGE), c = 0;
	long child, n;

	/* rt_sigaction(SIGCHLD, &action, NULL, sizeof(sigset_t)): no restorer,
	 * so the kernel's own return code on the stack serves (U:422) */
	sys6(NR_rt_sigaction, SIGCHLD, (long)action, 0, 8, 0, 0);
	zero = syscall3(NR_open, (long)"/dev/zero", 0, 0);
	syscall3(NR_pipe, (long)fds, 0, 0);
	child = syscall3(NR_fork, 0, 0, 0);
	if (child == 0) {
		char *hog = fresh(256 << 20);
		unsigned long i;

		for (i = 0; free_bytes() > PAGE; i++)
			hog[i * PAGE] = 1;     /* a page, and at a 4 MiB line a table too */
		write(fds[1], "!", 1);
		for (;;)
			syscall3(NR_pause, 0, 0, 0);
	}
	syscall3(NR_read, fds[0], (long)&c, 1);
	n = syscall3(NR_read, zero, (long)mine, 16 * PAGE);
	sys6(NR_wait4, child, (long)&status, 0, 0, 0, 0);
	put("child ready"); hex(c);
	put(" read"); hex(n);
	put(" child status"); hex(status);
	put(" SIGCHLD caught"); hex(chld);
	put("\n");
	flush();
	exit(0);
}
