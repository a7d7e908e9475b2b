/* src/guest/selftest/filetest.c runs the Guest's file.c, descriptors
 * and pipes, as an ordinary 32-bit Linux program.  Its "user space" is its
 * own memory, its one process a struct process of its own, and its
 * scheduler a stub that never lets anybody wait: a call that would sleep
 * comes back with -ERESTARTSYS instead, which is exactly what a test wants
 * to see.  It checks the rules shells depend on: the lowest free descriptor,
 * close-on-exec, dup2 over an open descriptor, a pipe's end of file when its
 * last writer closes (and not before), SIGPIPE and EPIPE with no reader, a
 * full pipe, poll's answers, and that the last close gives the page back. */
#include "file.h"

static long sys(long nr, long a, long b, long c)
{
	long ret;

	__asm__ __volatile__("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

static int failures, sigpipes, pages_out, console_bytes;

struct lguest_data lguest_data;
int quiet;
unsigned long hcall(unsigned long call, unsigned long a1, unsigned long a2, unsigned long a3)
{
	if (call == LHCALL_CRASH)
		sys(1, 3, 0, 0);
	return 0;
}

void irq_disable(void)
{
}

void console_write(const char *s, unsigned long n)
{
	sys(4, 2, (long)s, n);
}

static struct process me, child;
static struct file *me_fds[NR_OPEN], *child_fds[NR_OPEN];   /* a page each in the kernel */
struct process *current_proc = &me;

int console_ready(void) { return 0; }
int console_eof(void) { return 1; }
int console_read(char *buf, unsigned long len) { return 0; }
int console_is_tty(void) { return 0; }   /* the tty has its own test, ttytest */
int tty_readable(void) { return 0; }
long tty_read(char *buf, u32 len, int nonblock) { return -ENXIO; }
long tty_write(const char *buf, u32 len) { return -ENXIO; }
long tty_ioctl(u32 cmd, u32 arg) { return -ENXIO; }
const struct file_ops rtc_ops;            /* /dev/rtc is rtc.c's (U:263), not tested here */

/* Nobody waits here: if the condition does not hold now, it never will. */
long wait_event_until(int (*cond)(void *), void *arg, u64 deadline)
{
	return cond(arg) ? 0 : deadline ? -EAGAIN : -ERESTARTSYS;
}

long wait_event(int (*cond)(void *), void *arg)
{
	return wait_event_until(cond, arg, 0);
}

u64 fresh_ns(void) { return 1; }

/* resource.c's answer for a process that never lowered its limit (U:370). */
unsigned int nofile_limit(struct process *p) { return NR_OPEN; }

int send_signal(struct process *p, int sig)
{
	if (p == current_proc && sig == SIGPIPE)
		sigpipes++;
	return 0;
}

void *user_page(unsigned long addr, int write) { return (void *)addr; }

int copy_to_user(unsigned long uaddr, const void *kbuf, unsigned long len)
{
	memcpy((void *)uaddr, kbuf, len);
	return 0;
}

int copy_from_user(void *kbuf, unsigned long uaddr, unsigned long len)
{
	memcpy(kbuf, (void *)uaddr, len);
	return 0;
}

static u8 pages[8][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static u8 page_used[8];
void *try_alloc_page(void)
{
	int i;

	for (i = 0; i < 8; i++)
		if (!page_used[i]) {
			page_used[i] = 1;
			pages_out++;
			return pages[i];
		}
	return NULL;
}

void free_page(void *p)
{
	page_used[((u8 *)p - pages[0]) / PAGE_SIZE] = 0;
	pages_out--;
}

static void check(int ok, const char *what)
{
	if (!ok) {
		printk("filetest: FAILED: %s\n", what);
		failures++;
	}
}

#define CALL(name, a, b, c) sys_##name((u32)(a), (u32)(b), (u32)(c), 0, 0, 0)

static void test(void)
{
	static char big[5000], buf[5000];
	int fds[2], i, fd;
	u32 pfd[2];

	console_files_init();
	check(fd_file(0) && fd_file(0) == fd_file(2), "0, 1 and 2 are one open console");
	check(CALL(write, 1, "", 0) == 0, "a write of nothing");

	check(CALL(pipe2, fds, 0, 0) == 0 && fds[0] == 3 && fds[1] == 4, "pipe2 gives the lowest two");
	check(CALL(write, fds[1], "hello", 5) == 5, "write into a pipe");
	pfd[0] = fds[0];
	pfd[1] = 1;                             /* POLLIN */
	check(CALL(poll, pfd, 1, 0) == 1 && (pfd[1] >> 16) == 1, "poll: a pipe with bytes is readable");
	check(CALL(read, fds[0], buf, 100) == 5 && !memcmp(buf, "hello", 5), "read returns what is there");
	check(CALL(read, fds[0], buf, 100) == -ERESTARTSYS, "an empty pipe with a writer waits");
	check(CALL(poll, pfd, 1, 0) == 0, "poll: an empty pipe is not readable");

	/* fork: the child's copy of the writer keeps the pipe open */
	files_fork(&child);
	check(CALL(close, fds[1], 0, 0) == 0, "close the writer");
	check(CALL(read, fds[0], buf, 100) == -ERESTARTSYS, "a child still holds a writer: no EOF");
	current_proc = &child;
	files_close_all();
	current_proc = &me;
	check(CALL(read, fds[0], buf, 100) == 0, "the last writer gone: end of file");
	check(CALL(poll, pfd, 1, 0) == 1 && ((pfd[1] >> 16) & 0x10), "poll: POLLHUP without writers");
	check(CALL(close, fds[0], 0, 0) == 0 && pages_out == 0, "the last close frees the pipe's page");
	check(CALL(close, fds[0], 0, 0) == -EBADF, "closing twice is EBADF");

	check(CALL(pipe, fds, 0, 0) == 0, "pipe");
	for (i = 0; i < (int)sizeof(big); i++)
		big[i] = 'a' + i % 26;
	check(CALL(write, fds[1], big, sizeof(big)) == PAGE_SIZE, "a full pipe takes a page, then waits");
	check(CALL(read, fds[0], buf, sizeof(buf)) == PAGE_SIZE && !memcmp(buf, big, PAGE_SIZE),
	      "and gives back the same page of bytes");
	check(CALL(close, fds[0], 0, 0) == 0, "close the reader");
	check(CALL(write, fds[1], "x", 1) == -EPIPE && sigpipes == 1, "no reader: SIGPIPE and EPIPE");

	/* dup2 over an open descriptor, F_DUPFD_CLOEXEC, exec */
	check(CALL(dup2, fds[1], 1, 0) == 1 && fd_file(1) == fd_file(fds[1]), "dup2 onto stdout");
	check(fd_file(0) != fd_file(1), "dup2 replaced only its target");
	fd = CALL(fcntl64, 1, 1030, 10);
	check(fd == 10 && CALL(fcntl64, 10, 1, 0) == 1, "F_DUPFD_CLOEXEC from 10");
	check(CALL(fcntl64, 1, 1, 0) == 0, "the original is not close-on-exec");
	check(CALL(dup3, 1, 1, 0) == -EINVAL && CALL(dup2, 1, 1, 0) == 1, "dup3 and dup2 onto themselves");
	files_exec();
	check(!fd_file(10) && fd_file(1), "exec closes only the close-on-exec ones");
	check(CALL(llseek, 0, 0, 0) == -ESPIPE, "no seeking on the console");
	for (fd = 0; fd < NR_OPEN && fd_install(fd_file(0), 0, 0) >= 0; fd++)
		file_get(fd_file(0));
	check(fd_install(fd_file(0), 0, 0) == -EMFILE, "64 descriptors and no more");
	files_close_all();
	check(pages_out == 0, "every page back");
	(void)console_bytes;
}

void __attribute__((used)) filetest_main(void)
{
	me.fds = me_fds;
	child.fds = child_fds;
	test();
	printk("%s", failures ? "filetest: FAILED\n" : "filetest: all passed\n");
	sys(1, failures ? 1 : 0, 0, 0);
}

__asm__(".globl _start\n_start:\n\tcall filetest_main\n");
