/* src/guest/net/socket.c is the network's system calls: sockets as files,
 * socketcall() and the direct calls, the options, and the ioctls that
 * ifconfig and route speak. */
#include "net.h"

#define POLLIN   0x001
#define POLLOUT  0x004
#define POLLERR  0x008
#define POLLHUP  0x010
#define AF_INET  2
#define AF_UNIX  1
#define AF_PACKET 17
#define AF_NETLINK 16
#define MSG_PEEK     0x2
#define MSG_DONTWAIT 0x40
#define MSG_NOSIGNAL 0x4000
#define S_IFSOCK 0140000

struct sock socks[MAX_SOCKS];
static u8 bounce[ETH_FRAME];   /* used only between two points with no wait (U:127) */

/*U:878 A socket is a file (U:500's struct file with operations of its
 * own), so read(), write(), close(), dup() and poll() work on it as on a
 * pipe, and only the calls that are about addresses need to know it is a
 * socket.  Behind the file is a struct sock from a table of 64: its kind,
 * its two addresses, and either a queue of datagrams or the state of a TCP
 * connection.  A TCP socket outlives its file: close() starts the goodbye
 * (FIN), and the connection must still answer its peer, resend, and sit out
 * TIME_WAIT after nobody holds it any more, so the sock is freed only when
 * both the files and the protocol have let go.
 *
 * The lo interface is up from the start, with 127.0.0.1: a Unix where
 * `wget http://127.0.0.1/` fails until somebody runs `ifconfig lo up` is
 * true to Linux, but true to nothing anybody wants. */
static void net_setup(void)
{
	struct netif *lo = &netifs[NIF_LO], *eth = &netifs[NIF_ETH];

	if (lo->name[0])
		return;
	memcpy(lo->name, "lo", 3);
	lo->addr = htonl(0x7F000001);
	lo->mask = htonl(0xFF000000);
	lo->flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
	lo->mtu = 65536;
	memcpy(eth->name, "eth0", 5);
	eth->flags = IFF_BROADCAST | IFF_MULTICAST;
	eth->mtu = ETH_MTU;
}

struct sock *sock_new(int type, int protocol)
{
	int i;

	net_setup();
	for (i = 0; i < MAX_SOCKS; i++) {
		struct sock *s = &socks[i];

		if (s->used)
			continue;
		memset(s, 0, sizeof *s);
		s->used = 1;
		s->type = type;
		s->protocol = protocol;
		return s;
	}
	return NULL;
}

/* Frees the sock when neither a file nor the protocol holds it. */
void sock_release(struct sock *s)
{
	int i;

	if (s->refs > 0 || (s->type == SOCK_STREAM && s->state != TCP_CLOSED))
		return;
	if (s->parent && !s->accepted)
		return;
	while (s->rq_head) {
		struct pkt *p = s->rq_head;

		s->rq_head = p->next;
		pkt_free(p);
	}
	for (i = 0; i < RING_PAGES; i++) {
		if (s->rcv.page[i])
			free_page(s->rcv.page[i]);
		if (s->snd.page[i])
			free_page(s->snd.page[i]);
	}
	s->used = 0;
}
/*:*/

void sock_queue_dgram(struct sock *s, struct pkt *p)
{
	if (s->rq_count >= DGRAM_QUEUE) {   /* nobody reads: drop, as Linux does past SO_RCVBUF */
		pkt_free(p);
		return;
	}
	p->next = NULL;
	if (s->rq_tail)
		s->rq_tail->next = p;
	else
		s->rq_head = p;
	s->rq_tail = p;
	s->rq_count++;
}

u16 port_ephemeral(int type)
{
	static u16 next = 49152;
	int tries, i;

	for (tries = 0; tries < 16384; tries++) {
		u16 port = next++;

		if (next == 0)
			next = 49152;
		for (i = 0; i < MAX_SOCKS; i++)
			if (socks[i].used && socks[i].type == type && socks[i].lport == port)
				break;
		if (i == MAX_SOCKS)
			return port;
	}
	return 0;
}

/* The byte rings of a TCP connection (RING_SIZE each way). */
u32 ring_used(const struct ring *r)
{
	return r->head - r->tail;
}

u32 ring_put(struct ring *r, const u8 *src, u32 n)
{
	u32 room = RING_SIZE - ring_used(r), done = 0;

	if (n > room)
		n = room;
	while (done < n) {
		u32 at = (r->head + done) % RING_SIZE, off = at % PAGE_SIZE;
		u32 k = PAGE_SIZE - off < n - done ? PAGE_SIZE - off : n - done;

		net_copy(r->page[at / PAGE_SIZE] + off, src + done, k);
		done += k;
	}
	r->head += n;
	return n;
}

void ring_peek(const struct ring *r, u32 from, u8 *dst, u32 n)
{
	u32 done = 0;

	while (done < n) {
		u32 at = (r->tail + from + done) % RING_SIZE, off = at % PAGE_SIZE;
		u32 k = PAGE_SIZE - off < n - done ? PAGE_SIZE - off : n - done;

		net_copy(dst + done, r->page[at / PAGE_SIZE] + off, k);
		done += k;
	}
}

void ring_drop(struct ring *r, u32 n)
{
	r->tail += n;
}

/* Addresses: struct sockaddr_in is a family, a port and an address, all
 * but the family in network order. */
static int get_addr(u32 uaddr, u32 len, u32 *addr, u16 *port)
{
	u8 sa[8];

	if (len < 8 || copy_from_user(sa, uaddr, 8))
		return -EFAULT;
	if ((sa[0] | sa[1] << 8) != AF_INET)
		return -EAFNOSUPPORT;
	*port = (u16)(sa[2] << 8 | sa[3]);
	memcpy(addr, sa + 4, 4);
	return 0;
}

/* An address of size bytes to the user, as much as *ulen has room for,
 * and its true size into *ulen (nothing if uaddr is NULL). */
int put_sockaddr(u32 uaddr, u32 ulen, const u8 *sa, u32 size)
{
	u32 len;

	if (!uaddr)
		return 0;
	if (!ulen || copy_from_user(&len, ulen, 4))
		return -EFAULT;
	if (copy_to_user(uaddr, sa, len < size ? len : size) || copy_to_user(ulen, &size, 4))
		return -EFAULT;
	return 0;
}

static int put_addr(u32 uaddr, u32 ulen, u32 addr, u16 port)
{
	u8 sa[16] = { AF_INET, 0, port >> 8, port & 0xFF };

	memcpy(sa + 4, &addr, 4);
	return put_sockaddr(uaddr, ulen, sa, sizeof sa);
}

/* A packet socket's address, struct sockaddr_ll (U:875). */
static int put_ll_addr(u32 uaddr, u32 ulen, struct pkt *p)
{
	u8 ll[20];

	packet_address(p, ll);
	return put_sockaddr(uaddr, ulen, ll, sizeof ll);
}

/* An rtnetlink address, struct sockaddr_nl: the family, a pad, the port
 * (the kernel's is 0) and the groups (U:900). */
static int put_nl_addr(u32 uaddr, u32 ulen, u32 port)
{
	u32 nl[3] = { AF_NETLINK, port, 0 };

	return put_sockaddr(uaddr, ulen, (u8 *)nl, sizeof nl);
}

/* Where a datagram's bytes for the program start: past the UDP header,
 * at the IP header for raw IP, for a packet socket where U:875 says, and
 * for a Unix one past the sender's name (U:877). */
static u8 *dgram_data(struct sock *s, struct pkt *p)
{
	if (s->unix_dgram || s->netlink)
		return p->l4;
	return s->packet ? packet_data(s, p) : s->type == SOCK_RAW ? p->l3 : p->l4 + 8;
}

static const struct file_ops sock_ops;

/* Waiting, for a socket: first let the loopback deliver what we sent
 * (U:868), or we could wait for an answer still sitting in its queue. */
static long sock_wait(int (*cond)(void *), void *arg)
{
	long err;

	net_poll();
	err = wait_event(cond, arg);
	irq_disable();
	return err;
}

static struct sock *fd_sock(int fd, long *err)
{
	struct file *f = fd_file(fd);

	*err = -EBADF;
	if (!f)
		return NULL;
	*err = -ENOTSOCK;
	if (f->ops != &sock_ops)
		return NULL;
	return f->priv;
}

static int sock_file(struct sock *s, u32 flags)
{
	struct file *f = file_new(&sock_ops, s, O_RDWR | ((flags & SOCK_NONBLOCK) ? O_NONBLOCK : 0));
	int fd;

	if (!f)
		return -ENFILE;
	s->refs++;
	fd = fd_install(f, 0, (flags & SOCK_CLOEXEC) != 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

/*U:880 socket(): AF_INET, and the three kinds busybox uses: streams
 * (TCP), datagrams (UDP) and raw ICMP (ping), with raw IP whose header the
 * program writes itself (IPPROTO_RAW); AF_PACKET, for udhcpc (U:875);
 * AF_UNIX datagrams, for syslog (U:877); and AF_NETLINK, for ip (U:900).
 * Anything else is refused the way Linux refuses it, so a program can tell
 * "no such family" from "no such protocol": AF_UNIX streams too, though
 * socketpair() makes AF_UNIX stream pairs, which have no names, out of
 * pipes (U:526). */
static long do_socket(u32 family, u32 type, u32 protocol)
{
	u32 kind = type & 0xF;
	int packet = family == AF_PACKET && (kind == SOCK_DGRAM || kind == SOCK_RAW);
	int netlink = family == AF_NETLINK && (kind == SOCK_DGRAM || kind == SOCK_RAW);
	int unix_dgram = family == AF_UNIX && kind == SOCK_DGRAM;
	struct sock *s;
	int fd;

	if (netlink && protocol != 0)             /* NETLINK_ROUTE only */
		return -EPROTONOSUPPORT;
	if (!packet && !netlink && !unix_dgram) {
		if (family != AF_INET)
			return family == AF_PACKET || family == AF_UNIX ? -ESOCKTNOSUPPORT : -EAFNOSUPPORT;
		if (kind == SOCK_STREAM && (protocol == 0 || protocol == IPPROTO_TCP))
			protocol = IPPROTO_TCP;
		else if (kind == SOCK_DGRAM && (protocol == 0 || protocol == IPPROTO_UDP))
			protocol = IPPROTO_UDP;
		else if (kind != SOCK_RAW || (protocol != IPPROTO_ICMP && protocol != IPPROTO_RAW))
			return kind > SOCK_RAW ? -EINVAL : -EPROTONOSUPPORT;
	}
	if (!(s = sock_new(kind, family == AF_INET ? protocol : 0)))
		return -ENFILE;
	s->packet = packet;
	s->netlink = netlink;
	s->unix_dgram = unix_dgram;
	if (packet)
		s->ethertype = ntohs((u16)protocol);
	fd = sock_file(s, type);
	if (fd < 0) {
		s->refs = 0;
		sock_release(s);
	}
	return fd;
}

static int port_taken(struct sock *me, u32 addr, u16 port)
{
	int i;

	for (i = 0; i < MAX_SOCKS; i++) {
		struct sock *s = &socks[i];

		if (s == me || !s->used || s->type != me->type || s->lport != port)
			continue;
		if (s->laddr && addr && s->laddr != addr)
			continue;
		if (me->reuse && s->type == SOCK_STREAM && s->state != TCP_LISTEN)
			continue;
		return 1;
	}
	return 0;
}

static long do_bind(struct sock *s, u32 uaddr, u32 len)
{
	u32 addr;
	u16 port;
	int err = get_addr(uaddr, len, &addr, &port);

	if (err)
		return err;
	if (s->lport)
		return -EINVAL;
	if (addr && addr != 0xFFFFFFFF && !ip_is_local(addr) && (ntohl(addr) >> 24) != 127)
		return -EADDRNOTAVAIL;
	if (port && port_taken(s, addr, port))
		return -EADDRINUSE;
	s->laddr = addr == 0xFFFFFFFF ? 0 : addr;
	s->lport = port ? port : port_ephemeral(s->type);
	return 0;
}
/*:*/

static int connected_or_failed(void *arg)
{
	struct sock *s = arg;

	return s->state != TCP_SYN_SENT && s->state != TCP_SYN_RCVD;
}

static long do_connect(struct sock *s, struct file *f, u32 uaddr, u32 len)
{
	u32 addr;
	u16 port;
	long err = get_addr(uaddr, len, &addr, &port);

	if (err)
		return err;
	if (s->type != SOCK_STREAM) {
		s->raddr = addr;
		s->rport = port;
		if (!s->laddr && !(s->laddr = ip_source_for(addr)))
			return -ENETUNREACH;
		if (s->type == SOCK_DGRAM && !s->lport)
			s->lport = port_ephemeral(SOCK_DGRAM);
		return 0;
	}
	if (s->state == TCP_SYN_SENT)
		return -EALREADY;
	if (s->state != TCP_CLOSED)
		return -EISCONN;
	if (!s->laddr && !(s->laddr = ip_source_for(addr)))
		return -ENETUNREACH;
	if (!s->lport && !(s->lport = port_ephemeral(SOCK_STREAM)))
		return -EADDRNOTAVAIL;
	s->raddr = addr;
	s->rport = port;
	if ((err = tcp_connect(s)))
		return err;
	if (f->flags & O_NONBLOCK)
		return -EINPROGRESS;
	err = sock_wait(connected_or_failed, s);
	if (err)
		return err == -ERESTARTSYS ? -EINTR : err;
	if (s->state == TCP_ESTABLISHED || s->state == TCP_CLOSE_WAIT)
		return 0;
	err = s->err ? -s->err : -ECONNREFUSED;
	s->err = 0;
	return err;
}

static long do_listen(struct sock *s, u32 backlog)
{
	if (s->type != SOCK_STREAM)
		return -EOPNOTSUPP;
	if (s->state != TCP_CLOSED && s->state != TCP_LISTEN)
		return -EINVAL;
	if (!s->lport) {
		if (!(s->lport = port_ephemeral(SOCK_STREAM)))
			return -EADDRINUSE;
	}
	s->state = TCP_LISTEN;
	s->backlog = backlog < 1 ? 1 : backlog > 16 ? 16 : (int)backlog;
	return 0;
}

/*U:882 accept() takes a connection the listener's handshakes have
 * completed (tcp.c made a sock for each SYN and linked it to the listener,
 * U:895) and gives it a file.  Until then such a sock belongs to nobody but
 * the listener, and dies with it. */
static struct sock *ready_child(struct sock *l)
{
	int i;

	for (i = 0; i < MAX_SOCKS; i++) {
		struct sock *c = &socks[i];

		if (c->used && c->parent == l && !c->accepted && c->state != TCP_SYN_RCVD)
			return c;
	}
	return NULL;
}

static int child_ready(void *arg)
{
	struct sock *l = arg;

	return ready_child(l) != NULL || l->state != TCP_LISTEN;
}

static long do_accept(struct sock *s, struct file *f, u32 uaddr, u32 ulen, u32 flags)
{
	struct sock *c;
	long err;
	int fd;

	if (s->type != SOCK_STREAM || s->state != TCP_LISTEN)
		return -EINVAL;
	while (!(c = ready_child(s))) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		err = sock_wait(child_ready, s);
		if (err)
			return err;
		if (s->state != TCP_LISTEN)
			return -EINVAL;
	}
	fd = sock_file(c, flags);
	if (fd < 0)
		return fd;
	c->accepted = 1;
	c->parent = NULL;
	s->pending--;
	put_addr(uaddr, ulen, c->raddr, c->rport);
	return fd;
}
/*:*/

/* A buffer is a user address, or (for read() and write(), which file.c
 * hands us page by page as kernel pointers, U:530) a kernel one. */
static int copy_out(u32 dst, int kern, const void *src, u32 n)
{
	if (kern) {
		net_copy((void *)dst, src, n);
		return 0;
	}
	return copy_to_user_now(dst, src, n);
}

static int copy_in(void *dst, u32 src, int kern, u32 n)
{
	if (kern) {
		net_copy(dst, (const void *)src, n);
		return 0;
	}
	return copy_from_user_now(dst, src, n);
}

/* Before a receive or a send looks at anything: the user's buffer (as much
 * of it as one call can move) and the address it may be given, faulted in
 * while waiting is still harmless (U:127); the wait turns interrupts on. */
static void sock_prefault(u32 ubuf, u32 len, int write, u32 uaddr, u32 ulen, int kern)
{
	if (kern)
		return;
	user_prefault(ubuf, len < RING_SIZE ? len : RING_SIZE, write);
	if (uaddr && ulen) {
		user_prefault(uaddr, 16, 1);
		user_prefault(ulen, 4, 1);
	}
	irq_disable();
}

static u32 sock_poll(struct file *f);

static int sock_readable(void *arg)
{
	struct file *f = arg;

	return (sock_poll(f) & (POLLIN | POLLERR | POLLHUP)) != 0;
}

static int stream_eof(struct sock *s)
{
	return s->shut_rd || (s->state != TCP_ESTABLISHED && s->state != TCP_FIN_WAIT1
			      && s->state != TCP_FIN_WAIT2 && s->state != TCP_SYN_SENT
			      && s->state != TCP_SYN_RCVD);
}

/*U:884 Reading.  A datagram socket hands over one datagram per call (the
 * rest of a datagram too long for the buffer is lost, as the call's
 * contract says), with the sender's address; a raw socket hands over the
 * IP header too.  A stream hands over whatever bytes have arrived, at most
 * what was asked, and 0 once the peer has said FIN and every byte before it
 * has been read.  Whoever finds nothing waits, unless the file is
 * non-blocking: the question it sleeps on is simply "would poll() now say
 * POLLIN?". */
static long sock_recv(struct file *f, u32 ubuf, u32 len, u32 flags, u32 uaddr, u32 ulen, int kern)
{
	struct sock *s = f->priv;
	long err;

	sock_prefault(ubuf, len, 1, uaddr, ulen, kern);
	for (;;) {
		if (s->err && !(s->type == SOCK_STREAM && ring_used(&s->rcv))) {
			err = -s->err;
			s->err = 0;
			return err;
		}
		if (s->type != SOCK_STREAM && s->rq_head)
			break;
		if (s->type == SOCK_STREAM && s->state == TCP_LISTEN)
			return -ENOTCONN;
		if (s->type == SOCK_STREAM && (ring_used(&s->rcv) || stream_eof(s)))
			break;
		if (s->type == SOCK_STREAM && s->state == TCP_CLOSED)
			return -ENOTCONN;
		if ((f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT))
			return -EAGAIN;
		err = sock_wait(sock_readable, f);
		if (err)
			return err;
	}
	if (s->type != SOCK_STREAM) {
		struct pkt *p = s->rq_head;
		u8 *from = dgram_data(s, p);
		u32 n = p->len - (from - p->data);
		u16 sport = s->type == SOCK_RAW ? 0 : (u16)(p->l4[0] << 8 | p->l4[1]);

		if (n > len)
			n = len;
		if (copy_out(ubuf, kern, from, n)
		    || (s->packet ? put_ll_addr(uaddr, ulen, p) : s->unix_dgram ? unix_put_addr(uaddr, ulen, (char *)p->data, 1)
			: s->netlink ? put_nl_addr(uaddr, ulen, 0) : put_addr(uaddr, ulen, p->saddr, sport)))
			return -EFAULT;
		if (!(flags & MSG_PEEK)) {
			s->rq_head = p->next;
			if (!s->rq_head)
				s->rq_tail = NULL;
			s->rq_count--;
			pkt_free(p);
		}
		return n;
	} else {
		u32 before = ring_used(&s->rcv), done = 0;

		while (done < len && done < before) {
			u32 k = before - done < sizeof bounce ? before - done : sizeof bounce;

			if (k > len - done)
				k = len - done;
			ring_peek(&s->rcv, done, bounce, k);
			if (copy_out(ubuf + done, kern, bounce, k))
				return done ? (long)done : -EFAULT;
			done += k;
		}
		if (!(flags & MSG_PEEK)) {
			ring_drop(&s->rcv, done);
			tcp_read_done(s, before);
		}
		if (put_addr(uaddr, ulen, s->raddr, s->rport))
			return -EFAULT;
		return done;
	}
}
/*:*/

static int sock_writable(void *arg)
{
	struct file *f = arg;

	return (sock_poll(f) & (POLLOUT | POLLERR | POLLHUP)) != 0;
}

/*U:886 Writing.  A datagram goes out at once, whole or not at all.  A
 * stream's bytes go into the send ring, and TCP sends them when the peer's
 * window lets it (U:890); a writer that finds the ring full waits for
 * acknowledgements to empty it.  Writing to a connection that is gone is
 * EPIPE and SIGPIPE, as for a pipe with no reader, unless MSG_NOSIGNAL. */
static long unix_send(struct file *f, u32 ubuf, u32 len, u32 flags, u32 uaddr, u32 alen, int kern);
static long netlink_send(struct file *f, u32 ubuf, u32 len, int kern);

static long sock_send(struct file *f, u32 ubuf, u32 len, u32 flags, u32 daddr, u16 dport, int addressed,
		      int kern)
{
	struct sock *s = f->priv;
	u32 done = 0;
	long err;

	if (s->unix_dgram)
		return unix_send(f, ubuf, len, flags, 0, 0, kern);   /* write(), send(): to the peer */
	if (s->netlink)
		return netlink_send(f, ubuf, len, kern);
	sock_prefault(ubuf, len, 0, 0, 0, kern);
	if (s->type != SOCK_STREAM) {
		if (len > sizeof bounce)
			return -EMSGSIZE;
		if (!addressed) {
			if (!s->raddr)
				return -EDESTADDRREQ;
			daddr = s->raddr;
			dport = s->rport;
		}
		if (copy_in(bounce, ubuf, kern, len))
			return -EFAULT;
		return s->type == SOCK_RAW ? raw_sendto(s, bounce, len, daddr)
			: udp_sendto(s, bounce, len, daddr, dport);
	}
	while (done < len) {
		if (s->err) {
			err = -s->err;
			s->err = 0;
			return done ? (long)done : err;
		}
		if (s->shut_wr || (s->state != TCP_ESTABLISHED && s->state != TCP_CLOSE_WAIT)) {
			if (s->state == TCP_SYN_SENT || s->state == TCP_SYN_RCVD)
				goto wait;
			if (done)
				return done;
			if (!(flags & MSG_NOSIGNAL))
				send_signal(current_proc, SIGPIPE);
			return -EPIPE;
		}
		if (ring_used(&s->snd) < RING_SIZE) {
			u32 k = len - done < sizeof bounce ? len - done : sizeof bounce;

			if (k > RING_SIZE - ring_used(&s->snd))
				k = RING_SIZE - ring_used(&s->snd);
			if (copy_in(bounce, ubuf + done, kern, k))
				return done ? (long)done : -EFAULT;
			tcp_send(s, bounce, k);
			done += k;
			continue;
		}
wait:
		if ((f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT))
			return done ? (long)done : -EAGAIN;
		err = sock_wait(sock_writable, f);
		if (err)
			return done ? (long)done : err;
	}
	return done;
}
/*:*/

/*U:879 What poll() sees of a socket (U:550 asks each kind of file). */
static u32 sock_poll(struct file *f)
{
	struct sock *s = f->priv;
	u32 ev = 0;

	if (s->err)
		ev |= POLLERR;
	if (s->type != SOCK_STREAM)
		return ev | (s->rq_head ? POLLIN : 0) | POLLOUT;
	switch (s->state) {
	case TCP_LISTEN:
		return ev | (ready_child(s) ? POLLIN : 0);
	case TCP_SYN_SENT:
	case TCP_SYN_RCVD:
		return ev;
	case TCP_CLOSED:
		return ev | POLLIN | POLLHUP;
	default:
		break;
	}
	if (ring_used(&s->rcv) || stream_eof(s))
		ev |= POLLIN;
	if ((s->state == TCP_ESTABLISHED || s->state == TCP_CLOSE_WAIT) && !s->shut_wr
	    && ring_used(&s->snd) < RING_SIZE)
		ev |= POLLOUT;
	if (s->state == TCP_TIME_WAIT || s->state == TCP_LAST_ACK || s->state == TCP_CLOSING)
		ev |= POLLHUP;
	return ev;
}
/*:*/

static long sock_read(struct file *f, char *buf, u32 len)
{
	unsigned long fl = irq_save();
	long r = sock_recv(f, (u32)buf, len, 0, 0, 0, 1);

	net_poll();
	irq_restore(fl);
	return r;
}

static long sock_write(struct file *f, const char *buf, u32 len)
{
	unsigned long fl = irq_save();
	long r = sock_send(f, (u32)buf, len, 0, 0, 0, 0, 1);

	net_poll();
	irq_restore(fl);
	return r;
}

static void sock_file_release(struct file *f)
{
	struct sock *s = f->priv;
	unsigned long fl = irq_save();

	s->refs--;
	if (s->refs == 0) {
		if (s->type == SOCK_STREAM)
			tcp_close(s);
		sock_release(s);
	}
	net_poll();
	irq_restore(fl);
}

/* A socket's inode number: what fstat() says, what /proc/PID/fd/N's link
 * names ("socket:[N]") and what /proc/net's tables end with, so that
 * netstat -p can tell whose a connection is (U:791). */
u32 sock_ino(const struct sock *s)
{
	return 0x20000 + (u32)(s - socks);
}

static long sock_stat(struct file *f, struct kstat *st)
{
	memset(st, 0, sizeof *st);
	st->ino = sock_ino(f->priv);
	st->mode = S_IFSOCK | 0777;
	st->nlink = 1;
	st->blksize = 4096;
	return 0;
}

static long sock_ioctl(struct file *f, u32 cmd, u32 arg);

static const struct file_ops sock_ops = {
	.read = sock_read,
	.write = sock_write,
	.stat = sock_stat,
	.ioctl = sock_ioctl,
	.release = sock_file_release,
	.poll = sock_poll,
};

#define SIOCGIFCONF    0x8912
#define SIOCGIFFLAGS   0x8913
#define SIOCSIFFLAGS   0x8914
#define SIOCGIFADDR    0x8915
#define SIOCSIFADDR    0x8916
#define SIOCGIFBRDADDR 0x8919
#define SIOCSIFBRDADDR 0x891a
#define SIOCGIFNETMASK 0x891b
#define SIOCSIFNETMASK 0x891c
#define SIOCGIFMETRIC  0x891d
#define SIOCGIFMTU     0x8921
#define SIOCSIFMTU     0x8922
#define SIOCGIFHWADDR  0x8927
#define SIOCGIFINDEX   0x8933
#define SIOCGIFTXQLEN  0x8942
#define SIOCGIFMAP     0x8970
#define SIOCGIFDSTADDR 0x8917

static struct netif *netif_named(const char *name)
{
	int i;

	for (i = 0; i < 2; i++) {
		struct netif *n = &netifs[i];

		if (n->name[0] && !memcmp(n->name, name, strlen(n->name) + 1)
		    && (i == NIF_LO || lguest_net_present()))
			return n;
	}
	return NULL;
}

static u32 class_mask(u32 addr)
{
	u32 a = ntohl(addr);

	return htonl(a < 0x80000000 ? 0xFF000000 : a < 0xC0000000 ? 0xFFFF0000 : 0xFFFFFF00);
}

static long ifconf(u32 arg)
{
	u32 ic[2], n = 0;
	int i;

	if (copy_from_user(ic, arg, 8))
		return -EFAULT;
	for (i = 0; i < 2; i++) {
		u8 req[32] = { 0 };
		struct netif *nif = &netifs[i];

		if (!nif->name[0] || (i == NIF_ETH && !lguest_net_present()))
			continue;
		if (ic[1]) {
			if (n + 32 > ic[0])
				break;
			memcpy(req, nif->name, strlen(nif->name));
			req[16] = AF_INET;
			memcpy(req + 20, &nif->addr, 4);
			if (copy_to_user(ic[1] + n, req, 32))
				return -EFAULT;
		}
		n += 32;
	}
	return copy_to_user(arg, &n, 4) ? -EFAULT : 0;
}

/*U:887 The ioctls of ifconfig and route.  An interface is named in a
 * struct ifreq (sixteen bytes of name, then a sockaddr or a number); we
 * have two, lo and eth0, the second only when the Launcher gave us a
 * network.  Setting an address sets the class's netmask and the broadcast
 * address with it, as Linux does when nobody says otherwise; bringing eth0
 * up is a flag, since the driver has been ready since it was probed. */
static long netif_ioctl(u32 cmd, u32 arg)
{
	u8 req[32];
	struct netif *n;
	u32 v;

	if (copy_from_user(req, arg, 32))
		return -EFAULT;
	req[15] = 0;
	if (!(n = netif_named((char *)req)))
		return -ENODEV;
	memcpy(&v, req + 20, 4);
	switch (cmd) {
	case SIOCGIFFLAGS:
		memcpy(req + 16, &(u16){ (u16)n->flags }, 2);
		break;
	case SIOCSIFFLAGS:
		n->flags = (req[16] | req[17] << 8) & (IFF_UP | IFF_BROADCAST | IFF_MULTICAST | IFF_LOOPBACK);
		if (n->flags & IFF_UP)
			n->flags |= IFF_RUNNING;
		return 0;
	case SIOCSIFADDR:
		n->addr = v;
		n->mask = class_mask(v);
		n->bcast = v | ~n->mask;
		return 0;
	case SIOCSIFNETMASK:
		n->mask = v;
		n->bcast = n->addr | ~v;
		return 0;
	case SIOCSIFBRDADDR:
		n->bcast = v;
		return 0;
	case SIOCSIFMTU:
		return v >= 68 && v <= ETH_MTU ? (n->mtu = v, 0) : -EINVAL;
	case SIOCGIFADDR:
	case SIOCGIFNETMASK:
	case SIOCGIFBRDADDR:
	case SIOCGIFDSTADDR:
		if (!n->addr && cmd == SIOCGIFADDR)
			return -EADDRNOTAVAIL;
		memset(req + 16, 0, 16);
		req[16] = AF_INET;
		v = cmd == SIOCGIFADDR ? n->addr : cmd == SIOCGIFNETMASK ? n->mask
			: cmd == SIOCGIFBRDADDR ? n->bcast : 0;
		memcpy(req + 20, &v, 4);
		break;
	case SIOCGIFHWADDR:
		memset(req + 16, 0, 16);
		req[16] = n == &netifs[NIF_LO] ? 0x04 : 1;   /* ARPHRD_LOOPBACK 772, ARPHRD_ETHER 1 */
		req[17] = n == &netifs[NIF_LO] ? 0x03 : 0;
		memcpy(req + 18, n->mac, ETH_ALEN);
		break;
	case SIOCGIFMTU:
		memcpy(req + 16, &n->mtu, 4);
		break;
	case SIOCGIFINDEX:
		memcpy(req + 16, &(u32){ (u32)(n - netifs) + 1 }, 4);
		break;
	case SIOCGIFMETRIC:
		memset(req + 16, 0, 4);
		break;
	case SIOCGIFTXQLEN:
		memcpy(req + 16, &(u32){ 1000 }, 4);
		break;
	case SIOCGIFMAP:
		memset(req + 16, 0, 16);
		break;
	default:
		return -EINVAL;
	}
	return copy_to_user(arg, req, 32) ? -EFAULT : 0;
}

/*:*/

static long sock_ioctl(struct file *f, u32 cmd, u32 arg)
{
	struct sock *s = f->priv;
	unsigned long fl = irq_save();
	long r;

	switch (cmd) {
	case 0x541B:                       /* FIONREAD */
		r = s->type == SOCK_STREAM ? (long)ring_used(&s->rcv)
			: s->rq_head ? (long)(s->rq_head->len - (dgram_data(s, s->rq_head) - s->rq_head->data)) : 0;
		r = copy_to_user(arg, &r, 4) ? -EFAULT : 0;
		break;
	case 0x5421:                       /* FIONBIO */
		if (copy_from_user(&r, arg, 4)) {
			r = -EFAULT;
			break;
		}
		f->flags = r ? (f->flags | O_NONBLOCK) : (f->flags & ~O_NONBLOCK);
		r = 0;
		break;
	case SIOCGIFCONF:
		r = ifconf(arg);
		break;
	case 0x890B:                       /* SIOCADDRT */
	case 0x890C:                       /* SIOCDELRT */
		r = route_ioctl(cmd, arg);
		break;
	default:
		r = (cmd & 0xFF00) == 0x8900 ? netif_ioctl(cmd, arg) : -ENOTTY;
		break;
	}
	irq_restore(fl);
	return r;
}

/*U:883 Options.  Programs set many and depend on few: SO_REUSEADDR (a
 * server restarted within TIME_WAIT must be able to bind its port again),
 * SO_BROADCAST (without it a datagram to 255.255.255.255 is refused), and
 * SO_ERROR, which a non-blocking connect() is answered through, and
 * SO_BINDTODEVICE, which udhcpc insists on.  The others are accepted and
 * change nothing, which is also what Linux does with most of them on a
 * network this small. */
#define SOL_SOCKET 1

/* SO_BINDTODEVICE, which udhcpc insists on: the name must be an interface
 * we have (or empty, to undo it).  With one interface besides lo it
 * changes nothing for an AF_INET socket, and a packet socket hears and
 * sends on it alone, as bind() would have it (U:875). */
static long bind_to_device(struct sock *s, u32 uname, u32 len)
{
	char name[16] = { 0 };
	struct netif *n;

	if (copy_from_user(name, uname, len < 15 ? len : 15))
		return -EFAULT;
	if (!name[0])
		return 0;
	if (!(n = netif_named(name)))
		return -ENODEV;
	if (s->packet)
		s->ifindex = (int)(n - netifs) + 1;
	return 0;
}

static long do_setsockopt(struct sock *s, u32 level, u32 name, u32 uval, u32 len)
{
	u32 v = 0;

	if (len >= 4 && copy_from_user(&v, uval, 4))
		return -EFAULT;
	if (level == SOL_SOCKET) {
		switch (name) {
		case 2: s->reuse = v != 0; return 0;
		case 6: s->broadcast = v != 0; return 0;
		case 25: return bind_to_device(s, uval, len);
		case 5: case 7: case 8: case 9: case 10: case 13: case 15: case 20: case 21:
			return 0;
		}
		return -ENOPROTOOPT;
	}
	if (level == IPPROTO_TCP && s->type == SOCK_STREAM) {
		if (name == 1)
			s->nodelay = v != 0;
		return 0;
	}
	if (level == IPPROTO_IP)
		return 0;
	return -ENOPROTOOPT;
}

static long do_getsockopt(struct sock *s, u32 level, u32 name, u32 uval, u32 ulen)
{
	u32 v, len;

	if (copy_from_user(&len, ulen, 4))
		return -EFAULT;
	if (level != SOL_SOCKET)
		return level == IPPROTO_TCP || level == IPPROTO_IP ? (v = 0, copy_to_user(uval, &v, len < 4 ? len : 4) ? -EFAULT : 0) : -ENOPROTOOPT;
	switch (name) {
	case 2: v = s->reuse; break;
	case 3: v = s->type; break;
	case 4: v = s->err; s->err = 0; break;
	case 6: v = s->broadcast; break;
	case 7: case 8: v = RING_SIZE; break;
	default: v = 0; break;
	}
	if (len > 4)
		len = 4;
	if (copy_to_user(uval, &v, len) || copy_to_user(ulen, &len, 4))
		return -EFAULT;
	return 0;
}
/*:*/

/* What a program sends, in n pieces (an iovec's, or a buffer alone), into
 * the bounce buffer: every piece is faulted in before the first is copied,
 * since nothing may wait while the buffer is in use (U:127).  Its length,
 * or EMSGSIZE for more than a frame, the sum taken in 64 bits so that no
 * piece's length can wrap it. */
static long gather(u32 (*iov)[2], u32 n, int kern)
{
	u64 total = 0;
	u32 i, len;

	for (i = 0; i < n; i++)
		total += iov[i][1];
	if (total > sizeof bounce)
		return -EMSGSIZE;
	for (i = 0; i < n; i++)
		sock_prefault(iov[i][0], iov[i][1], 0, 0, 0, kern);
	for (i = 0, len = 0; i < n; len += iov[i++][1])
		if (copy_in(bounce + len, iov[i][0], kern, iov[i][1]))
			return -EFAULT;
	return len;
}

/* A packet socket's send (U:875): its destination a struct sockaddr_ll, or,
 * for SOCK_RAW, the frame's own header and the interface bound to. */
static long packet_send(struct sock *s, u32 ubuf, u32 len, u32 uaddr, u32 alen)
{
	u8 ll[20] = { 0 };
	long n;

	if (uaddr && (alen < 12 || copy_from_user(ll, uaddr, alen < 20 ? alen : 20)))
		return alen < 12 ? -EINVAL : -EFAULT;
	if (uaddr && (ll[0] | ll[1] << 8) != AF_PACKET)
		return -EINVAL;
	if (!uaddr && s->type != SOCK_RAW)
		return -EDESTADDRREQ;
	n = gather(&(u32 [2]){ ubuf, len }, 1, 0);
	return n < 0 ? n : packet_sendto(s, bounce, len, ll);
}

/* The calls on which a packet socket differs from the others: its
 * addresses are struct sockaddr_ll, and it has no connection, so
 * connect(), listen(), accept(), getpeername() and shutdown() are
 * EOPNOTSUPP, as on Linux.  Receiving, the options, sendmsg() and recvmsg()
 * are every socket's: for those, -ENOSYS says "not mine". */
static long packet_call(struct sock *s, u32 call, u32 *a)
{
	u8 ll[20] = { AF_PACKET, 0, s->ethertype >> 8, s->ethertype & 0xFF, (u8)s->ifindex };

	switch (call) {
	case 2:  return packet_bind(s, a[1], a[2]);
	case 6:
		ll[8] = 1;                            /* ARPHRD_ETHER */
		ll[11] = ETH_ALEN;
		if (s->ifindex)
			memcpy(ll + 12, netifs[s->ifindex - 1].mac, ETH_ALEN);
		return put_sockaddr(a[1], a[2], ll, sizeof ll);
	case 9:  return packet_send(s, a[1], a[2], 0, 0);
	case 11: return packet_send(s, a[1], a[2], a[4], a[5]);
	case 3: case 4: case 5: case 7: case 13: case 18:
		return -EOPNOTSUPP;
	}
	return -ENOSYS;
}

/* A Unix datagram's send (U:877): wait for room in the receiver's queue
 * first, since the bounce buffer may not be held across a wait. */
static long unix_send(struct file *f, u32 ubuf, u32 len, u32 flags, u32 uaddr, u32 alen, int kern)
{
	struct sock *s = f->priv;
	char name[UNIX_NAME];
	long err = unix_target(s, uaddr, alen, name);

	if (err)
		return err;
	if (len > sizeof bounce)
		return -EMSGSIZE;
	sock_prefault(ubuf, len, 0, 0, 0, kern);
	while (!unix_room(name)) {
		if ((f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT))
			return -EAGAIN;
		if ((err = sock_wait(unix_room, name)))
			return err;
	}
	if (copy_in(bounce, ubuf, kern, len))
		return -EFAULT;
	return unix_deliver(s, name, bounce, len, !uaddr);
}

/* The calls on which a Unix datagram socket differs: its addresses are
 * names, and it neither listens nor accepts. */
static long unix_call(struct sock *s, struct file *f, u32 call, u32 *a)
{
	switch (call) {
	case 2:  return unix_bind(s, a[1], a[2]);
	case 3:  return unix_connect(s, a[1], a[2]);
	case 6:  return unix_put_addr(a[1], a[2], s->uname, 0);
	case 7:  return s->upeer[0] ? unix_put_addr(a[1], a[2], s->upeer, 0) : -ENOTCONN;
	case 11: return unix_send(f, a[1], a[2], a[3], a[4], a[5], 0);
	case 4: case 5: case 18:
		return -EOPNOTSUPP;
	}
	return -ENOSYS;
}

/* A request to rtnetlink (U:900), answered before the call returns. */
static long netlink_send(struct file *f, u32 ubuf, u32 len, int kern)
{
	long n = gather(&(u32 [2]){ ubuf, len }, 1, kern);

	return n < 0 ? n : netlink_input(f->priv, bounce, n);
}

/* sendmsg() to rtnetlink may come in pieces: ip sends a dump request's
 * header and body as two.  A piece whose length is negative as a ssize_t
 * is EINVAL, as Linux says. */
static long netlink_sendmsg(struct file *f, const u32 *m)
{
	u32 iov[8][2], i;
	long n;

	if (m[3] > 8 || copy_from_user(iov, m[2], m[3] * 8))
		return m[3] > 8 ? -EMSGSIZE : -EFAULT;
	for (i = 0; i < m[3]; i++)
		if ((s32)iov[i][1] < 0)
			return -EINVAL;
	n = gather(iov, m[3], 0);
	return n < 0 ? n : netlink_input(f->priv, bounce, n);
}

/* bind() gives an rtnetlink socket its port: the one asked for, or the
 * process's pid, as Linux gives a process's first. */
static long netlink_bind(struct sock *s, u32 uaddr, u32 len)
{
	u32 nl[3];

	if (len < sizeof nl || copy_from_user(nl, uaddr, sizeof nl))
		return len < sizeof nl ? -EINVAL : -EFAULT;
	if ((nl[0] & 0xFFFF) != AF_NETLINK)
		return -EINVAL;
	s->nl_pid = nl[1] ? nl[1] : (u32)current.pid;
	return 0;
}

static long netlink_call(struct sock *s, struct file *f, u32 call, u32 *a)
{
	switch (call) {
	case 2:  return netlink_bind(s, a[1], a[2]);
	case 3:  return 0;                        /* connect(): to the kernel, which it is already */
	case 6:  return put_nl_addr(a[1], a[2], s->nl_pid);
	case 7:  return put_nl_addr(a[1], a[2], 0);
	case 11: return netlink_send(f, a[1], a[2], 0);
	case 4: case 5: case 18:
		return -EOPNOTSUPP;
	}
	return -ENOSYS;
}

/* sendmsg and recvmsg, for the one-buffer case programs use: msghdr is
 * {name, namelen, iov, iovlen, control, controllen, flags}. */
static long do_msg(struct file *f, u32 umsg, u32 flags, int sending)
{
	u32 m[7], iov[2];
	u32 daddr = 0;
	u16 dport = 0;
	long r;

	if (copy_from_user(m, umsg, 28))
		return -EFAULT;
	if (sending && ((struct sock *)f->priv)->netlink)
		return netlink_sendmsg(f, m);
	if (m[3] < 1 || copy_from_user(iov, m[2], 8))
		return m[3] < 1 ? 0 : -EFAULT;
	if (sending) {
		if (((struct sock *)f->priv)->packet)
			return packet_send(f->priv, iov[0], iov[1], m[0], m[1]);
		if (((struct sock *)f->priv)->unix_dgram)
			return unix_send(f, iov[0], iov[1], flags, m[0], m[1], 0);
		if (m[0] && (r = get_addr(m[0], m[1], &daddr, &dport)))
			return r;
		return sock_send(f, iov[0], iov[1], flags, daddr, dport, m[0] != 0, 0);
	}
	/* the sender's address goes where msg_name points, its length into msg_namelen */
	r = sock_recv(f, iov[0], iov[1], flags, m[0], m[0] ? umsg + 4 : 0, 0);
	if (r >= 0)
		copy_to_user(umsg + 20, &(u32){ 0 }, 4);
	return r;
}

/*U:881 The calls themselves.  i386 Linux had one system call for all of
 * them, socketcall(call, args), with the arguments in an array in user
 * memory, and from 4.3 on a system call each; glibc uses whichever the
 * kernel has, and the busybox we run uses the direct ones.  Both roads lead
 * here. */
static long socket_call(u32 call, u32 *a)
{
	struct file *f;
	struct sock *s;
	long err = 0;

	if (call == 1)
		return do_socket(a[0], a[1], a[2]);
	if (call == 8)
		return unix_socketpair(a[0], a[1], a[2], a[3]);   /* two pipes (U:526) */
	if (!(s = fd_sock(a[0], &err)))
		return err == -ENOTSOCK && call == 13 ? pair_shutdown(fd_file(a[0]), a[1]) : err;
	f = fd_file(a[0]);
	if (s->packet && (err = packet_call(s, call, a)) != -ENOSYS)
		return err;
	if (s->unix_dgram && (err = unix_call(s, f, call, a)) != -ENOSYS)
		return err;
	if (s->netlink && (err = netlink_call(s, f, call, a)) != -ENOSYS)
		return err;
	switch (call) {
	case 2:  return do_bind(s, a[1], a[2]);
	case 3:  return do_connect(s, f, a[1], a[2]);
	case 4:  return do_listen(s, a[1]);
	case 5:  return do_accept(s, f, a[1], a[2], 0);
	case 18: return do_accept(s, f, a[1], a[2], a[3]);
	case 6:  return put_addr(a[1], a[2], s->laddr ? s->laddr : ip_source_for(s->raddr), s->lport);
	case 7:
		if (!s->raddr || (s->type == SOCK_STREAM && s->state != TCP_ESTABLISHED
				  && s->state != TCP_CLOSE_WAIT))
			return -ENOTCONN;
		return put_addr(a[1], a[2], s->raddr, s->rport);
	case 9:  return sock_send(f, a[1], a[2], a[3], 0, 0, 0, 0);
	case 10: return sock_recv(f, a[1], a[2], a[3], 0, 0, 0);
	case 11: {
		u32 daddr = 0;
		u16 dport = 0;

		if (a[4] && (err = get_addr(a[4], a[5], &daddr, &dport)))
			return err;
		return sock_send(f, a[1], a[2], a[3], daddr, dport, a[4] != 0 && s->type != SOCK_STREAM, 0);
	}
	case 12: return sock_recv(f, a[1], a[2], a[3], a[4], a[5], 0);
	case 13:
		if (s->type == SOCK_STREAM && s->state != TCP_ESTABLISHED && s->state != TCP_CLOSE_WAIT
		    && s->state != TCP_FIN_WAIT1 && s->state != TCP_FIN_WAIT2)
			return -ENOTCONN;
		if (a[1] != 1)
			s->shut_rd = 1;
		if (a[1] != 0 && s->type == SOCK_STREAM && !s->shut_wr) {
			s->shut_wr = 1;
			tcp_shutdown(s);
		}
		return 0;
	case 14: return do_setsockopt(s, a[1], a[2], a[3], a[4]);
	case 15: return do_getsockopt(s, a[1], a[2], a[3], a[4]);
	case 16: return do_msg(f, a[1], a[2], 1);
	case 17: return do_msg(f, a[1], a[2], 0);
	}
	return -EINVAL;
}

/*:*/

/* /proc/net/tcp, udp and raw (U:791), one line a socket as Linux lists
 * them: a TCP socket once it listens or connects, a UDP socket once it has
 * a port, every raw one (whose "port" is its protocol).  The state is
 * Linux's number for it (a datagram socket is CLOSE, 07, or ESTABLISHED,
 * 01, once connected), the queues are the bytes waiting each way (for a
 * listener, rx_queue is the connections waiting for accept()), and
 * each line stops after the inode: the columns Linux prints past it are its
 * own internals, and nobody parses them. */
static const u8 linux_tcp_state[] = {
	[TCP_CLOSED] = 0x07, [TCP_LISTEN] = 0x0A, [TCP_SYN_SENT] = 0x02, [TCP_SYN_RCVD] = 0x03,
	[TCP_ESTABLISHED] = 0x01, [TCP_FIN_WAIT1] = 0x04, [TCP_FIN_WAIT2] = 0x05,
	[TCP_CLOSING] = 0x0B, [TCP_TIME_WAIT] = 0x06, [TCP_CLOSE_WAIT] = 0x08, [TCP_LAST_ACK] = 0x09,
};

void sock_text(struct text *t, int type)
{
	int i, n = 0;

	ADD("%s  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
	    "   uid  timeout inode\n", type == SOCK_DGRAM ? " " : "");
	for (i = 0; i < MAX_SOCKS; i++) {
		struct sock *s = &socks[i];
		u32 st, txq = 0, rxq = 0;
		struct pkt *p;

		if (!s->used || s->type != type || s->packet || s->netlink || s->unix_dgram
		    || (type == SOCK_STREAM && s->state == TCP_CLOSED)
		    || (type == SOCK_DGRAM && !s->lport))
			continue;
		if (type != SOCK_STREAM) {
			st = s->raddr ? 0x01 : 0x07;
			for (p = s->rq_head; p; p = p->next)   /* what recvfrom() would hand over */
				rxq += p->len - (dgram_data(s, p) - p->data);
		} else if (s->state == TCP_LISTEN) {
			st = 0x0A;
			rxq = s->pending;
		} else {
			st = linux_tcp_state[s->state];
			txq = ring_used(&s->snd);
			rxq = ring_used(&s->rcv);
		}
		ADD(type == SOCK_DGRAM ? "%5d: " : "%4d: ", n++);
		ADD("%08X:%04X %08X:%04X %02X %08X:%08X 00:00000000 00000000 %5u %8d %u\n",
		    s->laddr, type == SOCK_RAW ? (u32)s->protocol : s->lport, s->raddr,
		    type == SOCK_RAW ? 0 : s->rport, st, txq, rxq, 0, 0, sock_ino(s));
	}
}

static const u8 socketcall_args[19] = { 0, 3, 3, 3, 2, 3, 3, 3, 4, 4, 4, 6, 6, 2, 5, 5, 3, 3, 4 };

static long socket_entry(u32 call, u32 *a)
{
	unsigned long fl = irq_save();
	long r = socket_call(call, a);

	net_poll();
	irq_restore(fl);
	return r == -ERESTARTSYS && (call == 3) ? -EINTR : r;
}

long sys_socketcall(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	u32 args[6] = { 0 };

	(void)c; (void)d; (void)e; (void)f;
	if (a < 1 || a > 18)
		return -EINVAL;
	if (copy_from_user(args, b, socketcall_args[a] * 4))
		return -EFAULT;
	return socket_entry(a, args);
}

/* The direct calls, 359 to 373, in socketcall's order but for accept, which
 * has only accept4 (364). */
#define DIRECT(name, call) \
	long sys_##name(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f) \
	{ u32 args[6] = { a, b, c, d, e, f }; return socket_entry(call, args); }
DIRECT(socket, 1) DIRECT(socketpair, 8) DIRECT(bind, 2) DIRECT(connect, 3)
DIRECT(listen, 4) DIRECT(accept4, 18) DIRECT(getsockopt, 15) DIRECT(setsockopt, 14)
DIRECT(getsockname, 6) DIRECT(getpeername, 7) DIRECT(sendto, 11) DIRECT(sendmsg, 16)
DIRECT(recvfrom, 12) DIRECT(recvmsg, 17) DIRECT(shutdown, 13)
