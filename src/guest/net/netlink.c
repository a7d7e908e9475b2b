/* src/guest/net/netlink.c: rtnetlink, the socket busybox's `ip` asks and
 * tells the kernel about interfaces, addresses and routes through. */
#include "net.h"

#define NLMSG_ERROR  2
#define NLMSG_DONE   3
#define NLM_F_MULTI  0x2
#define NLM_F_ACK    0x4
#define NLM_F_DUMP   0x300
#define RTM_NEWLINK  16
#define RTM_GETLINK  18
#define RTM_NEWADDR  20
#define RTM_DELADDR  21
#define RTM_GETADDR  22
#define RTM_NEWROUTE 24
#define RTM_DELROUTE 25
#define RTM_GETROUTE 26
#define RTM_NEWNEIGH 28
#define RTM_GETNEIGH 30
#define AF_INET      2
#define IFF_LOWER_UP 0x10000

struct nlmsghdr {
	u32 len;
	u16 type, flags;
	u32 seq, pid;
};

/* One reply at a time, built here and queued whole: interrupts are off for
 * the whole of a request (U:860), so one buffer serves every socket. */
static u8 out[256];
static u32 used, port;     /* the reply's length so far, and the socket's port it goes to */

static void begin(const struct nlmsghdr *req, u16 type, u16 flags, const void *fixed, u32 n)
{
	struct nlmsghdr h = { 0, type, flags, req->seq, port };

	memcpy(out, &h, sizeof h);
	memcpy(out + sizeof h, fixed, n);
	used = sizeof h + n;
}

static void attr(u16 type, const void *data, u32 n)
{
	u16 rta[2] = { (u16)(4 + n), type };

	memcpy(out + used, rta, 4);
	memcpy(out + used + 4, data, n);
	memset(out + used + 4 + n, 0, (4 - n % 4) % 4);
	used += (4 + n + 3) & ~3U;
}

static void attr32(u16 type, u32 v)
{
	attr(type, &v, 4);
}

static void send_up(struct sock *s)
{
	struct pkt *p = pkt_alloc();

	memcpy(out, &used, 4);
	if (!p)
		return;                   /* as a full socket buffer would: the reply is lost */
	memcpy(p->data, out, used);
	p->l3 = p->l4 = p->data;
	p->len = used;
	sock_queue_dgram(s, p);
}

/* NLMSG_ERROR: the error (0 is the acknowledgement), the request's header. */
static void answer(struct sock *s, const struct nlmsghdr *req, long err)
{
	u32 e = (u32)err;

	begin(req, NLMSG_ERROR, 0, &e, 4);
	memcpy(out + used, req, sizeof *req);
	used += sizeof *req;
	send_up(s);
}

/*U:900 rtnetlink.  ifconfig and route speak ioctls (U:887); busybox's
 * `ip` speaks messages, through socket(AF_NETLINK, SOCK_RAW,
 * NETLINK_ROUTE).  A request is a struct nlmsghdr (its length, its type,
 * flags, a sequence number and the sender's port, the pid) and then the
 * type's own header and attributes, each a length, a type and the value
 * padded to four bytes.  The kernel's answers come back on the same socket
 * as datagrams: a dump (NLM_F_DUMP: "tell me every link") is one message
 * per object marked NLM_F_MULTI and a last NLMSG_DONE, and a change is
 * answered with an NLMSG_ERROR whose error is 0 when it worked, which is
 * what `ip` waits for.  Each answer carries the request's sequence number
 * and the socket's port, the number bind() gave it (its pid), which `ip`
 * checks against what getsockname() told it.
 *
 * The kinds `ip addr`, `ip link`, `ip route`, `ip neigh` and their add
 * and del need: links (lo and eth0, with the numbers SIOCGIFINDEX gives),
 * addresses (an interface has one, so adding a second replaces the first,
 * where Linux would keep both), routes (eth0's own subnet, as Linux lists
 * the routes it made itself, and the table route edits, U:864) and
 * neighbours, the ARP table.  `ip link set up` is the ioctl SIOCSIFFLAGS,
 * not a message. */
static void link_msg(struct sock *s, const struct nlmsghdr *req, int index)
{
	struct netif *n = netif_by_index(index);
	int lo = n == &netifs[NIF_LO];
	u32 ifi[4] = { (lo ? 772u : 1u) << 16, (u32)index,
		       n->flags | (n->flags & IFF_RUNNING ? IFF_LOWER_UP : 0), 0 };
	u8 state = lo ? 0 : n->flags & IFF_RUNNING ? 6 : 2;    /* UNKNOWN, UP, DOWN */
	static const u8 none[ETH_ALEN];

	begin(req, RTM_NEWLINK, NLM_F_MULTI, ifi, sizeof ifi);
	attr(3, n->name, strlen(n->name) + 1);           /* IFLA_IFNAME */
	attr32(13, 1000);                                 /* IFLA_TXQLEN */
	attr(16, &state, 1);                              /* IFLA_OPERSTATE */
	attr32(4, n->mtu);                                /* IFLA_MTU */
	attr(6, lo ? "noqueue" : "pfifo_fast", lo ? 8 : 11);   /* IFLA_QDISC */
	attr(1, n->mac, ETH_ALEN);                        /* IFLA_ADDRESS */
	attr(2, lo ? none : eth_broadcast, ETH_ALEN);     /* IFLA_BROADCAST */
	send_up(s);
}

static void addr_msg(struct sock *s, const struct nlmsghdr *req, int index)
{
	struct netif *n = netif_by_index(index);
	int lo = n == &netifs[NIF_LO];
	u8 ifa[8] = { AF_INET, (u8)mask_len(n->mask), 0x80, lo ? 254 : 0 };   /* PERMANENT; host or global scope */

	memcpy(ifa + 4, &index, 4);
	begin(req, RTM_NEWADDR, NLM_F_MULTI, ifa, sizeof ifa);
	attr(1, &n->addr, 4);                             /* IFA_ADDRESS */
	attr(2, &n->addr, 4);                             /* IFA_LOCAL */
	if (n->bcast && !lo)
		attr(4, &n->bcast, 4);                    /* IFA_BROADCAST */
	attr(3, n->name, strlen(n->name) + 1);            /* IFA_LABEL */
	send_up(s);
}

/*:*/

/*U:902 A route, as `ip route` reads it: the destination as address and
 * prefix length, the main table, who made it (the kernel, for a subnet an
 * address brought, or "boot", for one added by hand), its scope (the link
 * itself, or the world through a gateway), and where it goes out.  A dump
 * is every object of its kind, each marked as one of many, and then the
 * end. */
static void route_msg(struct sock *s, const struct nlmsghdr *req, u32 dst, u32 mask, u32 gw, int nif,
		      int kernel)
{
	/* family, dst_len, src_len, tos, table main, protocol (kernel or boot),
	 * scope (link, or universe through a gateway), unicast */
	u8 rtm[12] = { AF_INET, (u8)mask_len(mask), 0, 0, 254, kernel ? 2 : 3, gw ? 0 : 253, 1 };

	begin(req, RTM_NEWROUTE, NLM_F_MULTI, rtm, sizeof rtm);
	attr32(15, 254);                                  /* RTA_TABLE */
	if (rtm[1])
		attr(1, &dst, 4);                         /* RTA_DST */
	if (gw)
		attr(5, &gw, 4);                          /* RTA_GATEWAY */
	else if (netifs[nif].addr)
		attr(7, &netifs[nif].addr, 4);            /* RTA_PREFSRC */
	attr32(4, (u32)nif + 1);                          /* RTA_OIF */
	send_up(s);
}

/* A neighbour: an ARP entry, reachable if answered, incomplete if asked. */
static void neigh_msg(struct sock *s, const struct nlmsghdr *req, u32 ip, const u8 *mac, int done)
{
	u32 ndm[3] = { AF_INET, 2, done ? 0x02 : 0x01 };   /* family, eth0, NUD_REACHABLE or NUD_INCOMPLETE */

	begin(req, RTM_NEWNEIGH, NLM_F_MULTI, ndm, sizeof ndm);
	attr(1, &ip, 4);                                  /* NDA_DST */
	if (done)
		attr(2, mac, ETH_ALEN);                   /* NDA_LLADDR */
	send_up(s);
}

static void dump(struct sock *s, const struct nlmsghdr *req)
{
	u32 dst, mask, gw, zero = 0;
	int i, nif, kernel, done, r;
	u8 mac[ETH_ALEN];

	for (i = 1; i <= 2; i++) {
		struct netif *n = netif_by_index(i);

		if (n && req->type == RTM_GETLINK)
			link_msg(s, req, i);
		else if (n && req->type == RTM_GETADDR && n->addr)
			addr_msg(s, req, i);
	}
	for (i = 0; req->type == RTM_GETROUTE && (r = route_get(i, &dst, &mask, &gw, &nif, &kernel)) != -ERANGE; i++)
		if (!r)
			route_msg(s, req, dst, mask, gw, nif, kernel);
	for (i = 0; req->type == RTM_GETNEIGH && (r = arp_get(i, &dst, mac, &done)) != -ERANGE; i++)
		if (!r)
			neigh_msg(s, req, dst, mac, done);
	begin(req, NLMSG_DONE, NLM_F_MULTI, &zero, 4);
	send_up(s);
}
/*:*/

/*U:904 A change: an address added or taken away, a route added or deleted.
 * The attributes are found by type, wherever they are in the message; the
 * answer is the error, or 0. */
static const u8 *find_attr(const u8 *m, u32 len, u32 fixed, u16 type, u32 size)
{
	u32 at = sizeof(struct nlmsghdr) + fixed;

	while (at + 4 <= len) {
		u16 rta[2];

		memcpy(rta, m + at, 4);
		if (rta[0] < 4 || at + rta[0] > len)
			return NULL;
		if (rta[1] == type && rta[0] >= 4 + size)
			return m + at + 4;
		at += (rta[0] + 3) & ~3U;
	}
	return NULL;
}

static u32 prefix_mask(u8 plen)
{
	return plen ? htonl(0xFFFFFFFFu << (32 - plen)) : 0;
}

static long change(const u8 *m, u32 len, u16 type)
{
	const u8 *a;
	u32 index, addr = 0, gw = 0, dst = 0, oif = 2;
	struct netif *n;
	int addresses = type == RTM_NEWADDR || type == RTM_DELADDR;

	if (len < (addresses ? 24u : 28u) || m[17] > 32)   /* the header, ifaddrmsg or rtmsg; the prefix */
		return -EINVAL;
	if (addresses) {
		memcpy(&index, m + 20, 4);
		if (!(n = netif_by_index(index)))
			return -ENODEV;
		if ((a = find_attr(m, len, 8, 2, 4)) || (a = find_attr(m, len, 8, 1, 4)))   /* IFA_LOCAL, IFA_ADDRESS */
			memcpy(&addr, a, 4);
		if (type == RTM_DELADDR) {
			if (!n->addr || (addr && addr != n->addr))
				return -EADDRNOTAVAIL;
			n->addr = n->mask = n->bcast = 0;
			return 0;
		}
		if (!addr || addr == n->addr)
			return addr ? -EEXIST : -EINVAL;
		n->addr = addr;
		n->mask = prefix_mask(m[17]);
		n->bcast = 0;                                /* none unless asked for, as on Linux */
		if ((a = find_attr(m, len, 8, 4, 4)))       /* IFA_BROADCAST */
			memcpy(&n->bcast, a, 4);
		return 0;
	}
	if ((a = find_attr(m, len, 12, 1, 4)))             /* RTA_DST */
		memcpy(&dst, a, 4);
	if ((a = find_attr(m, len, 12, 5, 4)))             /* RTA_GATEWAY */
		memcpy(&gw, a, 4);
	if ((a = find_attr(m, len, 12, 4, 4)))             /* RTA_OIF */
		memcpy(&oif, a, 4);
	if (!netif_by_index(oif))
		return -ENODEV;
	return route_change(type == RTM_NEWROUTE, dst, prefix_mask(m[17]), gw, oif - 1);
}
/*:*/

/*U:906 What a program sends: each message in turn, dumps answered in
 * full, changes with their error or, if asked, their acknowledgement. */
long netlink_input(struct sock *s, const u8 *buf, u32 len)
{
	u32 at = 0;

	port = s->nl_pid;
	while (at + sizeof(struct nlmsghdr) <= len) {
		struct nlmsghdr h;
		long err;

		memcpy(&h, buf + at, sizeof h);
		if (h.len < sizeof h || at + h.len > len)
			return -EINVAL;
		if ((h.flags & NLM_F_DUMP) == NLM_F_DUMP
		    && (h.type == RTM_GETLINK || h.type == RTM_GETADDR || h.type == RTM_GETROUTE
			|| h.type == RTM_GETNEIGH)) {
			dump(s, &h);
		} else {
			err = h.type == RTM_NEWADDR || h.type == RTM_DELADDR || h.type == RTM_NEWROUTE
				|| h.type == RTM_DELROUTE ? change(buf + at, h.len, h.type) : -EOPNOTSUPP;
			if (err || (h.flags & NLM_F_ACK))
				answer(s, &h, err);
		}
		at += (h.len + 3) & ~3U;
	}
	return len;
}
/*:*/
