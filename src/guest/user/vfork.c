/* vfork() and socketpair(), run natively and in a Guest, outputs compared
 * (LinuxAbiTest).  A vfork child runs on its parent's memory until it
 * execs or exits (U:310): what it writes there, its parent reads, which is
 * how busybox's wget learns that "openssl" could not be exec'd.  A
 * socketpair is two connected stream sockets (U:526): bytes go both ways,
 * a peer's close is end of file, shutdown() closes one direction, and a
 * write after SHUT_WR is EPIPE; F_SETOWN names the owner F_GETOWN tells.
 * And a name that is no file does not run this program again (U:342).  No
 * C library: int $0x80 only. */
#include "print.h"

#define SYS_waitpid    7
#define SYS_execve    11
#define SYS_read       3
#define SYS_close      6
#define SYS_fork       2
#define SYS_vfork    190
#define SYS_rt_sigaction 174
#define SYS_socketpair 360
#define SYS_shutdown 373

static volatile long flag, child;
static const char nowhere[] = "/nonexistent/program";
static const char *const argv[] = { nowhere, 0 };

static void line(const char *what, long v)
{
	put(what);
	hex(v);
	put("\n");
}

void _start(void)
{
	long status = 0, n;
	int sv[2];
	char b[8];
	unsigned long ign[4] = { 1, 0, 0, 0 };   /* SIG_IGN */

	/* the child sets flag before and after an exec that fails, and exits 7 */
	__asm__ __volatile__("int $0x80" : "=a"(child) : "a"(SYS_vfork) : "memory");
	if (child == 0) {
		flag = 1;
		syscall3(SYS_execve, (long)nowhere, (long)argv, 0);
		flag = 2;
		exit(7);
	}
	syscall3(SYS_waitpid, child, (long)&status, 0);
	line("vfork: the parent reads what its child wrote:", flag);
	line("vfork: the child's exit status:", (status >> 8) & 0xFF);

	line("socketpair:", sys6(SYS_socketpair, 1, 1, 0, (long)sv, 0, 0));
	write(sv[0], "ping", 4);
	n = syscall3(SYS_read, sv[1], (long)b, sizeof b);
	line(n == 4 && b[0] == 'p' && b[1] == 'i' ? "one way: ping" : "one way: wrong", n);
	if (syscall3(SYS_fork, 0, 0, 0) == 0) {
		syscall3(SYS_close, sv[0], 0, 0);
		write(sv[1], "pong", 4);
		exit(0);
	}
	syscall3(SYS_close, sv[1], 0, 0);
	line("shutdown(SHUT_WR):", syscall3(SYS_shutdown, sv[0], 1, 0));
	n = syscall3(SYS_read, sv[0], (long)b, sizeof b);
	line(n == 4 && b[0] == 'p' && b[1] == 'o' ? "the other way: pong" : "the other way: wrong", n);
	line("then end of file:", syscall3(SYS_read, sv[0], (long)b, sizeof b));
	sys6(SYS_rt_sigaction, 13, (long)ign, 0, 8, 0, 0);
	line("a write after SHUT_WR:", write(sv[0], "x", 1));
	syscall3(SYS_waitpid, -1, (long)&status, 0);
	n = syscall3(20, 0, 0, 0);   /* getpid */
	line("F_SETOWN:", syscall3(221, sv[0], 8, n));
	line("F_GETOWN is the pid:", syscall3(221, sv[0], 9, 0) == n);
	line("socketpair(AF_INET):", sys6(SYS_socketpair, 2, 1, 0, (long)sv, 0, 0));
	/* a bare name that is no file: ENOENT, in a Guest whose initrd is this program too (U:342) */
	line("execve of a name that is no file:", syscall3(SYS_execve, (long)"no-such-program", (long)argv, 0));
	flush();
	exit(0);
}
