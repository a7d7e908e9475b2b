/* udpcat: a megabyte through UDP, for the network tests.  The busybox this
 * project runs has an nc without -u, and the kernel runs only its initrd's
 * program, so this is a stand-in that is its own initrd:
 *
 *	udpcat MYADDR -l PORT             receive until the end, then say how much
 *	udpcat MYADDR -s BYTES ADDR PORT  send that many bytes of a fixed stream
 *
 * Both first give eth0 the address MYADDR/24 (the ioctls ifconfig uses), and
 * both end by printing the byte count and an FNV-1a hash of the bytes, for
 * the test to compare.
 * Each datagram carries a 4-byte sequence number and up to 1024 bytes; the
 * receiver answers every one with its number, and the sender sends the next
 * only when that answer is in (waiting in select()), sending again after
 * 200 ms without one (UDP
 * may lose datagrams, and so may a network with a full receive ring).  An
 * empty datagram ends the file.  Plain system calls, no C library. */
#include "syscall.h"

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

#define SYS_select 142
#define SYS_socket 359
#define SYS_bind 361
#define SYS_sendto 369
#define SYS_recvfrom 371
#define SYS_recvmsg 372
#define SYS_ioctl 54
#define CHUNK 1024

struct sockaddr_in {
	unsigned short family, port;
	unsigned int addr;
	unsigned char zero[8];
};

static unsigned char buf[CHUNK + 4], ack[4];

static unsigned short port_of(const char *s)
{
	unsigned int v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned int)(*s++ - '0');
	return (unsigned short)((v >> 8) | (v << 8));
}

static unsigned int addr_of(const char *s)
{
	unsigned int a = 0, part = 0, shift = 0;

	for (;; s++) {
		if (*s == '.' || !*s) {
			a |= part << shift;
			shift += 8;
			part = 0;
			if (!*s)
				return a;
		} else {
			part = part * 10 + (unsigned int)(*s - '0');
		}
	}
}

static void put32(unsigned char *p, unsigned int v)
{
	p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

static unsigned int get32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (unsigned int)p[3] << 24;
}

static unsigned long long fnv = 0xcbf29ce484222325ULL;
static unsigned int total, rng = 2463534242U;

static void hash(const unsigned char *p, long n)
{
	while (n-- > 0) {
		fnv ^= *p++;
		fnv *= 0x100000001b3ULL;
	}
}

static void report(const char *what)
{
	char line[80], *p = line + sizeof line;
	unsigned long long h = fnv;
	unsigned int n = total, i;

	*--p = '\n';
	for (i = 0; i < 16; i++, h >>= 4)
		*--p = "0123456789abcdef"[h & 15];
	*--p = ' ';
	do {
		*--p = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	*--p = ' ';
	for (i = strlen(what); i > 0; i--)
		*--p = what[i - 1];
	write(1, p, line + sizeof line - p);
}

/* SIOCSIFADDR, SIOCSIFNETMASK, SIOCSIFFLAGS (UP) on eth0 */
static int ifup(int s, unsigned int addr)
{
	unsigned char req[32] = "eth0";

	req[16] = 2;
	put32(req + 20, addr);
	if (sc6(SYS_ioctl, s, 0x8916, (long)req, 0, 0, 0) < 0)
		return -1;
	put32(req + 20, 0x00FFFFFF);
	if (sc6(SYS_ioctl, s, 0x891c, (long)req, 0, 0, 0) < 0)
		return -1;
	req[16] = 1;
	req[17] = 0;
	return sc6(SYS_ioctl, s, 0x8914, (long)req, 0, 0, 0) < 0 ? -1 : 0;
}

static int receive(int s)
{
	unsigned int want = 0;

	for (;;) {
		struct sockaddr_in from;
		/* recvmsg, not recvfrom: the sender's address comes back in msg_name,
		 * which the kernel once filled with the connected peer's, nobody */
		struct { void *base; long len; } iov = { buf, sizeof buf };
		struct { void *name; long namelen; void *iov; long iovlen; void *control;
			 long controllen; long flags; } msg = { &from, sizeof from, &iov, 1, 0, 0, 0 };
		long n = sc6(SYS_recvmsg, s, (long)&msg, 0, 0, 0, 0);
		unsigned int seq;

		if (n < 4)
			continue;
		seq = get32(buf);
		if (seq == want) {
			hash(buf + 4, n - 4);
			total += n - 4;
			want++;
		}
		if (seq < want) {
			put32(ack, seq);
			sc6(SYS_sendto, s, (long)ack, 4, 0, (long)&from, sizeof from);
		}
		if (n == 4 && seq + 1 == want)
			return 0;
	}
}

static int send(int s, struct sockaddr_in *to, unsigned int bytes)
{
	unsigned int seq = 0;

	for (;;) {
		long n = 0, tries;

		while (n < CHUNK && total < bytes) {
			rng ^= rng << 13;
			rng ^= rng >> 17;
			rng ^= rng << 5;
			buf[4 + n++] = (unsigned char)rng;
			total++;
		}
		hash(buf + 4, n);
		put32(buf, seq);
		for (tries = 0;; tries++) {
			unsigned int set[32] = { 0 }, tv[2] = { 0, 200000 };

			if (tries == 50)
				return 1;
			sc6(SYS_sendto, s, (long)buf, n + 4, 0, (long)to, sizeof *to);
			/* select(), where the receiver's side uses none: both get tested */
			for (set[s / 32] = 1U << (s % 32);
			     sc6(SYS_select, s + 1, (long)set, 0, 0, (long)tv, 0) > 0;
			     set[s / 32] = 1U << (s % 32)) {
				if (sc6(SYS_recvfrom, s, (long)ack, 4, 0, 0, 0) == 4 && get32(ack) == seq)
					goto acked;
			}
		}
acked:
		seq++;
		if (n == 0)
			return 0;
	}
}

static unsigned int number(const char *s)
{
	unsigned int v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned int)(*s++ - '0');
	return v;
}

int main_c(int argc, char **argv);
int main_c(int argc, char **argv)
{
	struct sockaddr_in a = { 2, 0, 0, { 0 } };
	int s = sc6(SYS_socket, 2, 2, 0, 0, 0, 0), r;

	if (s < 0 || argc < 4 || ifup(s, addr_of(argv[1])) < 0) {
		write(2, "usage: udpcat MYADDR -l PORT | udpcat MYADDR -s BYTES ADDR PORT\n", 64);
		exit(2);
	}
	if (argv[2][1] == 'l') {
		a.port = port_of(argv[3]);
		if (sc6(SYS_bind, s, (long)&a, sizeof a, 0, 0, 0) < 0)
			exit(1);
		r = receive(s);
		report("received");
		exit(r);
	}
	if (argc != 6)
		exit(2);
	a.addr = addr_of(argv[4]);
	a.port = port_of(argv[5]);
	r = send(s, &a, number(argv[3]));
	report("sent");
	exit(r);
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
