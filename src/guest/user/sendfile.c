/* sendfile(), run natively and in a Guest, outputs compared (LinuxAbiTest):
 * a copy between two open files inside the kernel (U:532), with the
 * input's own position moving, or an offset of the caller's moving instead;
 * into a pipe; and Linux's errors for a file open the wrong way, a bad
 * descriptor and an offset on a pipe.  No C library: int $0x80 only. */
#include "print.h"

#define SYS_read      3
#define SYS_open      5
#define SYS_close     6
#define SYS_unlink   10
#define SYS_lseek    19
#define SYS_pipe     42
#define SYS_sendfile 187
#define SYS_sendfile64 239

static void line(const char *what, long v)
{
	put(what);
	hex(v);
	put("\n");
}

void _start(void)
{
	static char data[10000], back[10000];
	long in, out, i, off32 = 5000, n;
	unsigned long long off64 = 9990;
	int p[2];

	for (i = 0; i < (long)sizeof(data); i++)
		data[i] = 'a' + i % 26;
	in = syscall3(SYS_open, (long)"/tmp/lguest-sendfile.in", 0101 | 01000, 0644);   /* O_WRONLY|O_CREAT|O_TRUNC */
	write(in, data, sizeof(data));
	syscall3(SYS_close, in, 0, 0);
	in = syscall3(SYS_open, (long)"/tmp/lguest-sendfile.in", 0, 0);
	out = syscall3(SYS_open, (long)"/tmp/lguest-sendfile.out", 0102 | 01000, 0644);  /* O_RDWR|O_CREAT|O_TRUNC */
	line("sendfile64, 7000 bytes:", sys6(SYS_sendfile64, out, in, 0, 7000, 0, 0));
	line("  the input moved to:", syscall3(SYS_lseek, in, 0, 1));
	line("sendfile from 5000, 3000 bytes:", sys6(SYS_sendfile, out, in, (long)&off32, 3000, 0, 0));
	line("  the offset moved to:", off32);
	line("  the input stayed at:", syscall3(SYS_lseek, in, 0, 1));
	line("sendfile64 from 9990, all:", sys6(SYS_sendfile64, out, in, (long)&off64, 100, 0, 0));
	line("  the offset moved to:", (long)off64);
	line("at the end:", sys6(SYS_sendfile64, out, in, 0, 100, 0, 0));
	syscall3(SYS_lseek, out, 0, 0);
	n = syscall3(SYS_read, out, (long)back, sizeof(back));
	for (i = 0; i < n && back[i] == data[i < 7000 ? i : i < 10000 ? i - 2000 : i - 10000 + 9990]; i++)
		;
	line("the output's bytes:", n);
	line("  as expected up to:", i);
	syscall3(SYS_pipe, (long)p, 0, 0);
	off64 = 0;
	line("into a pipe:", sys6(SYS_sendfile64, p[1], in, (long)&off64, 4, 0, 0));
	line("  which reads:", syscall3(SYS_read, p[0], (long)back, 100));
	line("out of a pipe with an offset:", sys6(SYS_sendfile64, out, p[0], (long)&off64, 4, 0, 0));
	line("into a file open only to read:", sys6(SYS_sendfile64, in, in, 0, 4, 0, 0));
	line("a bad descriptor:", sys6(SYS_sendfile64, out, 99, 0, 4, 0, 0));
	syscall3(SYS_unlink, (long)"/tmp/lguest-sendfile.in", 0, 0);
	syscall3(SYS_unlink, (long)"/tmp/lguest-sendfile.out", 0, 0);
	flush();
	exit(0);
}
