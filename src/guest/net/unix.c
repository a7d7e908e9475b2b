/* src/guest/net/unix.c: AF_UNIX datagram sockets with names, the kind
 * syslog() speaks to syslogd through /dev/log. */
#include "net.h"

#define AF_UNIX 1

/* The socket bound to a name, if any (U:877). */
static struct sock *unix_bound(const char *name)
{
	int i;

	for (i = 0; i < MAX_SOCKS; i++)
		if (socks[i].used && socks[i].unix_dgram && socks[i].uname[0]
		    && !memcmp(socks[i].uname, name, strlen(name) + 1))
			return &socks[i];
	return NULL;
}

/* A struct sockaddr_un from the program: its path, which may fill all of
 * sun_path without a NUL, into name with one (UNIX_NAME bytes). */
static long get_unix_addr(u32 uaddr, u32 len, char *name)
{
	u8 sa[2 + UNIX_PATH];

	if (len < 3 || len > sizeof sa)
		return -EINVAL;
	if (copy_from_user(sa, uaddr, len))
		return -EFAULT;
	if ((sa[0] | sa[1] << 8) != AF_UNIX)
		return -EAFNOSUPPORT;
	memcpy(name, sa + 2, len - 2);
	name[len - 2] = 0;
	return name[0] ? 0 : -EINVAL;      /* the abstract names (a NUL first) are not here */
}

/* getsockname(), getpeername() and recvfrom()'s sender: the family, and the
 * name with its NUL if there is one (for a name of all 108 bytes, Linux
 * counts the NUL past the end of sun_path as well).  A socket without a
 * name is just its family, except as a sender, where Linux gives no
 * address at all. */
long unix_put_addr(u32 uaddr, u32 ulen, const char *name, int sender)
{
	u8 sa[2 + UNIX_NAME] = { AF_UNIX };
	u32 n = strlen(name);

	memcpy(sa + 2, name, n);
	return put_sockaddr(uaddr, ulen, sa, n ? 2 + n + 1 : sender ? 0 : 2);
}

/*U:877 Unix datagram sockets.  A program that logs calls syslog(), and
 * glibc's syslog() opens socket(AF_UNIX, SOCK_DGRAM), connects it to the
 * name "/dev/log" and sends each message there as one datagram; syslogd is
 * the program that bound that name and reads them.  Nothing of IP is
 * involved: the name is the address (struct sockaddr_un, the family and
 * then up to 108 bytes of path), and a datagram goes straight from the
 * sender's call into the queue of the socket bound to it.
 *
 * On Linux the name is a file, a socket inode made by bind().  Here it is
 * kept in the socket itself, and a name is found by looking through the
 * table of sockets: it is not a file, so `ls` does not show it, unlink()
 * does not remove it, and a relative name means the same whatever the
 * working directory.  It goes when the socket is closed, which is all
 * syslogd needs, since it unlinks the old name before it binds anyway.
 * A datagram waits as a struct pkt, the sender's name at its start and the
 * bytes after, so it may be as long as a network frame less the name:
 * longer ones are EMSGSIZE.  Stream sockets with names are not here (only
 * socketpair()'s, U:526); glibc's syslog() tries a stream only when the
 * datagram connect() fails with EPROTOTYPE. */
long unix_bind(struct sock *s, u32 uaddr, u32 len)
{
	char name[UNIX_NAME];
	long err = get_unix_addr(uaddr, len, name);

	if (err)
		return err;
	if (s->uname[0])
		return -EINVAL;
	if (unix_bound(name))
		return -EADDRINUSE;
	memcpy(s->uname, name, UNIX_NAME);
	return 0;
}

/* connect() names the peer every send() without an address goes to; the
 * name must be bound now, as the file must exist on Linux. */
long unix_connect(struct sock *s, u32 uaddr, u32 len)
{
	char name[UNIX_NAME];
	long err = get_unix_addr(uaddr, len, name);

	if (err)
		return err;
	if (!unix_bound(name))
		return -ENOENT;
	memcpy(s->upeer, name, UNIX_NAME);
	return 0;
}

/* Where a send goes: the name given, or the connected peer's. */
long unix_target(struct sock *s, u32 uaddr, u32 alen, char *name)
{
	if (uaddr)
		return get_unix_addr(uaddr, alen, name);
	if (!s->upeer[0])
		return -ENOTCONN;
	memcpy(name, s->upeer, UNIX_NAME);
	return 0;
}

/* A sender waits while the receiver's queue is full, as on Linux, rather
 * than lose the datagram: a `logger` fed a hundred lines at once would
 * otherwise fill syslogd's queue before syslogd ran once.  The wait ends
 * when there is room, or nobody has the name any more. */
int unix_room(void *name)
{
	struct sock *to = unix_bound(name);

	return !to || to->rq_count < DGRAM_QUEUE;
}

/* One datagram, from buf (in the kernel already), into the queue of the
 * socket bound to name, with the sender's own name in front. */
long unix_deliver(struct sock *s, const char *name, const u8 *buf, u32 len, int connected)
{
	u32 from = strlen(s->uname) + 1;
	struct sock *to = unix_bound(name);
	struct pkt *p;

	if (!to)
		return connected ? -ECONNREFUSED : -ENOENT;
	if (len > sizeof p->data - from)
		return -EMSGSIZE;
	if (!(p = pkt_alloc()))
		return -ENOMEM;
	memcpy(p->data, s->uname, from);
	memcpy(p->data + from, buf, len);
	p->l3 = p->data;
	p->l4 = p->data + from;
	p->len = from + len;
	sock_queue_dgram(to, p);
	return len;
}
/*:*/

/* /proc/net/unix (U:791), in Linux's columns: what would be the socket's
 * kernel address (Linux hides it as zeros too), the references, the
 * protocol, the flags, the type, the state (unconnected 01, connected 03),
 * the inode and the name. */
void unix_text(struct text *t)
{
	int i;

	ADD("Num       RefCount Protocol Flags    Type St Inode Path\n");
	for (i = 0; i < MAX_SOCKS; i++) {
		struct sock *s = &socks[i];

		if (!s->used || !s->unix_dgram)
			continue;
		ADD("%08x: %08X %08X %08X %04X %02X %5u%s%s\n", 0, (u32)s->refs + 1, 0, 0, SOCK_DGRAM,
		    s->upeer[0] ? 3 : 1, sock_ino(s), s->uname[0] ? " " : "", s->uname);
	}
}
