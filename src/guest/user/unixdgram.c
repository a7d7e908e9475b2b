/* AF_UNIX datagram sockets with names (U:877), run natively and in a Guest,
 * outputs compared (LinuxAbiTest): bind(), sendto() a name, FIONREAD,
 * recvfrom() with the sender's name (or none), connect() and send(),
 * getsockname() and getpeername(), the errors for a name taken, a name
 * nobody has, no peer and a peer gone, a sender that finds the queue
 * full, and a name of all of sun_path's 108 bytes.  Only what
 * Linux and the Guest share is printed: how many datagrams fit before the
 * queue is full is each kernel's own.  No C library: int $0x80 only. */
#include "print.h"

#define SYS_close       6
#define SYS_ioctl      54
#define SYS_unlink     10
#define SYS_socket    359
#define SYS_bind      361
#define SYS_connect   362
#define SYS_getsockname 367
#define SYS_getpeername 368
#define SYS_sendto    369
#define SYS_recvfrom  371
#define SYS_sendmsg   370
#define MSG_DONTWAIT 0x40

struct sun { unsigned short family; char path[108]; };

static long line(const char *what, long v)
{
	put(what);
	hex(v);
	put("\n");
	return v;
}

static long named(struct sun *a, const char *path)
{
	unsigned long n = strlen(path);

	a->family = 1;
	for (unsigned long i = 0; i <= n; i++)
		a->path[i] = path[i];
	return 2 + n + 1;
}

static long unix_socket(void)
{
	return sys6(SYS_socket, 1, 2, 0, 0, 0, 0);     /* AF_UNIX, SOCK_DGRAM */
}

void _start(void)
{
	struct sun a, b, from;
	long la = named(&a, "/tmp/unixdgram-a"), lb = named(&b, "/tmp/unixdgram-b"), n, k;
	long s = unix_socket(), c = unix_socket(), d = unix_socket(), fromlen = sizeof from;
	char buf[16];

	syscall3(SYS_unlink, (long)a.path, 0, 0);
	syscall3(SYS_unlink, (long)b.path, 0, 0);
	line("bind:", sys6(SYS_bind, s, (long)&a, la, 0, 0, 0));
	line("bind the same name again:", sys6(SYS_bind, c, (long)&a, la, 0, 0, 0));
	line("bind another:", sys6(SYS_bind, c, (long)&b, lb, 0, 0, 0));
	line("sendto:", sys6(SYS_sendto, c, (long)"hi", 2, 0, (long)&a, la));
	n = 0;
	syscall3(SYS_ioctl, s, 0x541B, (long)&n);       /* FIONREAD: the next datagram's size */
	line("FIONREAD:", n);
	n = line("recvfrom:", sys6(SYS_recvfrom, s, (long)buf, sizeof buf, 0, (long)&from, (long)&fromlen));
	line(n == 2 && buf[0] == 'h' && from.path[14] == '-' && from.path[15] == 'b'
	     ? "  from unixdgram-b, name length" : "  wrong", fromlen);
	line("send, not connected:", sys6(SYS_sendto, d, (long)"x", 1, 0, 0, 0));
	named(&from, "/tmp/unixdgram-none");
	line("sendto a name nobody has:", sys6(SYS_sendto, d, (long)"x", 1, 0, (long)&from, la + 3));
	line("connect:", sys6(SYS_connect, d, (long)&a, la, 0, 0, 0));
	line("send:", sys6(SYS_sendto, d, (long)"yo", 2, 0, 0, 0));
	fromlen = sizeof from;
	line("recvfrom an unnamed sender:", sys6(SYS_recvfrom, s, (long)buf, sizeof buf, 0, (long)&from, (long)&fromlen));
	line("  its name's length:", fromlen);
	fromlen = sizeof from;
	line("getsockname:", sys6(SYS_getsockname, s, (long)&from, (long)&fromlen, 0, 0, 0));
	line(from.path[15] == 'a' ? "  unixdgram-a, length" : "  wrong", fromlen);
	fromlen = sizeof from;
	line("getpeername:", sys6(SYS_getpeername, d, (long)&from, (long)&fromlen, 0, 0, 0));
	line(from.path[15] == 'a' ? "  unixdgram-a, length" : "  wrong", fromlen);
	for (k = 0; k < 10000 && (n = sys6(SYS_sendto, d, (long)"z", 1, MSG_DONTWAIT, 0, 0)) == 1; k++)
		;
	line(k > 0 && k < 10000 ? "a full queue, without waiting:" : "never full:", n);
	syscall3(SYS_close, s, 0, 0);
	line("send to a peer gone:", sys6(SYS_sendto, d, (long)"x", 1, 0, 0, 0));
	syscall3(SYS_unlink, (long)a.path, 0, 0);
	syscall3(SYS_unlink, (long)b.path, 0, 0);

	/* a name of the whole 108 bytes, with no NUL after it (Linux allows it) */
	{
		static const char whole[] = "/tmp/nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn";
		long e = unix_socket(), k;

		syscall3(SYS_unlink, (long)whole, 0, 0);
		a.family = 1;
		for (k = 0; k < 108; k++)
			a.path[k] = whole[k];
		line("bind a name of 108 bytes:", sys6(SYS_bind, e, (long)&a, sizeof a, 0, 0, 0));
		syscall3(SYS_close, c, 0, 0);    /* the name goes with the socket (U:877), not with unlink() */
		syscall3(SYS_unlink, (long)b.path, 0, 0);
		sys6(SYS_bind, c = unix_socket(), (long)&b, lb, 0, 0, 0);
		line("  and connect it:", sys6(SYS_connect, e, (long)&b, lb, 0, 0, 0));
		line("  send:", sys6(SYS_sendto, e, (long)"z", 1, 0, 0, 0));
		fromlen = sizeof from + 4;
		line("  received from:", sys6(SYS_recvfrom, c, (long)buf, sizeof buf, 0, (long)&from, (long)&fromlen));
		line(from.path[107] == 'n' ? "  all of it, length" : "  wrong", fromlen);
		syscall3(SYS_close, c, 0, 0);
		syscall3(SYS_unlink, (long)b.path, 0, 0);
		fromlen = sizeof from + 4;
		line("getsockname:", sys6(SYS_getsockname, e, (long)&from, (long)&fromlen, 0, 0, 0));
		line(from.path[107] == 'n' ? "  all of it, length" : "  wrong", fromlen);
		syscall3(SYS_close, e, 0, 0);
		syscall3(SYS_unlink, (long)whole, 0, 0);
	}

	/* and, beside these, a sendmsg() to rtnetlink whose two pieces' lengths
	 * add up past 4 GiB: refused (the Guest once added them as 32 bits) */
	{
		unsigned long iov[4] = { (unsigned long)buf, 16, (unsigned long)buf, 0xFFFFFFF8UL };
		unsigned long msg[7] = { 0, 0, (unsigned long)iov, 2, 0, 0, 0 };
		long nl = sys6(SYS_socket, 16, 3, 0, 0, 0, 0);       /* AF_NETLINK, SOCK_RAW, NETLINK_ROUTE */

		line("rtnetlink, pieces past 4 GiB:", sys6(SYS_sendmsg, nl, (long)msg, 0, 0, 0, 0));
		syscall3(SYS_close, nl, 0, 0);
	}
	flush();
	exit(0);
}
