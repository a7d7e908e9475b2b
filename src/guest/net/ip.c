/* src/guest/net/ip.c is IPv4 below the transports: packets, the two
 * interfaces, ARP, IP in and out, ICMP, the routing table and the loopback.
 * The transports are udp.c and tcp.c; the system calls are socket.c. */
#include "net.h"

/*U:860 A network stack for a small Unix, and where it runs.  Frames arrive
 * by interrupt (D:630), and the whole stack runs right there in the
 * interrupt handler: Ethernet, ARP, IP, and TCP up to the point where bytes
 * sit in a socket's buffer and a process waiting on it becomes runnable
 * (the scheduler asks it, U:230).  Linux does the same work in a "softirq",
 * an interrupt's second half with interrupts back on, so a flood cannot
 * stall the clock; a teaching kernel with one device on one CPU can afford
 * the first half only.
 *
 * That settles the locking: every function of the stack runs with
 * interrupts off, the system calls included (they turn them off on the way
 * in), and on a single CPU nothing else can then touch the stack's state.
 * It also means the stack can be entered from two places at once only in
 * the sense that a system call may be *waiting* (interrupts on again) while
 * the handler runs; the waiting code looks at the state afresh when it
 * wakes, and so must anything that held a pointer across the wait.  One
 * wait is easy to miss, a copy to or from user memory that waits for a page
 * (U:920): the socket calls fault the user's buffer in before they look at
 * anything, and copy with calls that never wait (U:127).
 *
 * The timers (ARP's retries, TCP's retransmissions and TIME_WAIT) need a
 * clock that ticks whether or not anybody waits on a socket, so the
 * scheduler counts their deadlines among its own when it arms the alarm to
 * halt, and runs them when it looks round or the alarm rings (U:855,
 * U:896). :*/

struct netif netifs[2];
const u8 eth_broadcast[ETH_ALEN] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

/* The interface an index names, as SIOCGIFINDEX numbers them (1 lo, 2 eth0,
 * which there is only with a network device), for packet sockets and
 * rtnetlink. */
struct netif *netif_by_index(int ifindex)
{
	if (ifindex == 2 && lguest_net_present())
		return &netifs[NIF_ETH];
	return ifindex == 1 ? &netifs[NIF_LO] : NULL;
}

/*U:862 Packets come from pages cut in two: a frame is at most 1514 bytes,
 * and a page holds two with their bookkeeping.  Freed packets go on a list
 * and are used again.  There is a ceiling, 256 packets or half a megabyte:
 * a neighbour that floods us with datagrams nobody reads would otherwise
 * eat the RAM, and past the ceiling a frame is simply dropped, as a full
 * card would. */
#define MAX_PKTS 256
static struct pkt *pkt_free_list;
static unsigned int pkts_made;

struct pkt *pkt_alloc(void)
{
	struct pkt *p = pkt_free_list;

	if (!p) {
		u8 *page;

		if (pkts_made + 2 > MAX_PKTS || !(page = try_alloc_page()))
			return NULL;
		p = (struct pkt *)page;
		((struct pkt *)(page + PAGE_SIZE / 2))->next = NULL;
		pkt_free_list = (struct pkt *)(page + PAGE_SIZE / 2);
		pkts_made += 2;
	} else {
		pkt_free_list = p->next;
	}
	p->next = NULL;
	p->len = 0;
	p->l3 = p->data + ETH_HLEN;
	p->l4 = p->l3 + IP_HLEN;
	return p;
}

void pkt_free(struct pkt *p)
{
	if (!p)
		return;
	p->next = pkt_free_list;
	pkt_free_list = p;
}
/*:*/

_Static_assert(sizeof(struct pkt) <= PAGE_SIZE / 2, "two packets to a page");

/*U:863 The Internet checksum (RFC 1071) is the ones' complement of the
 * ones' complement sum of the data's 16-bit words, and a sum in ones'
 * complement does not care which byte of a word it calls high: added up as
 * little-endian words it comes out byte-swapped, and so does everything
 * added to it, so the result is right as it lies in memory.  That lets us
 * add four bytes at a time as the CPU loads them, carrying the overflow back
 * in (the "end-around carry"), which is most of the speed of a TCP that
 * checks every segment.  The pseudo-header of the transports is summed the
 * same way: the addresses as they lie, the protocol and the length in
 * network order.  The answer is in the byte order of the packet. */
u16 ip_checksum(const void *data, u32 len, u32 sum)
{
	const u8 *b = data;

	while (len >= 4) {
		u32 w;

		memcpy(&w, b, 4);
		sum += w;
		if (sum < w)
			sum++;
		b += 4;
		len -= 4;
	}
	if (len >= 2) {
		u32 w = (u32)b[0] | (u32)b[1] << 8;

		sum += w;
		if (sum < w)
			sum++;
		b += 2;
		len -= 2;
	}
	if (len) {
		sum += b[0];
		if (sum < b[0])
			sum++;
	}
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (u16)~sum;
}

u32 ip_pseudo_sum(u32 saddr, u32 daddr, u8 proto, u32 len)
{
	return (saddr & 0xFFFF) + (saddr >> 16) + (daddr & 0xFFFF) + (daddr >> 16)
		+ htons(proto) + htons((u16)len);
}
/*:*/

/*U:864 The routing table is the smallest that `route add` can talk to:
 * each interface that is up reaches its own subnet directly, and up to
 * eight routes added by hand (a host, a network, or the default, 0/0) go
 * through a gateway or straight out of an interface.  The longest mask
 * wins, as in every router.  There is no forwarding: a packet for somebody
 * else that reaches us is dropped, since a Guest is a host, not a router. */
struct route {
	u32 dst, mask, gw;
	int nif;
	int used;
};
static struct route routes[8];

int mask_len(u32 mask)
{
	int n = 0;

	for (mask = ntohl(mask); mask & 0x80000000; mask <<= 1)
		n++;
	return n;
}

struct netif *ip_route(u32 daddr, u32 *nexthop)
{
	struct netif *best = NULL;
	int i, best_len = -1;

	*nexthop = daddr;
	if ((ntohl(daddr) >> 24) == 127 || ip_is_local(daddr))
		return (netifs[NIF_LO].flags & IFF_UP) ? &netifs[NIF_LO] : NULL;
	if (daddr == 0xFFFFFFFF)
		return (netifs[NIF_ETH].flags & IFF_UP) ? &netifs[NIF_ETH] : NULL;
	for (i = 0; i < 2; i++) {
		struct netif *n = &netifs[i];

		if ((n->flags & IFF_UP) && n->addr && ((daddr ^ n->addr) & n->mask) == 0
		    && mask_len(n->mask) > best_len) {
			best = n;
			best_len = mask_len(n->mask);
		}
	}
	for (i = 0; i < 8; i++) {
		struct route *r = &routes[i];

		if (r->used && ((daddr ^ r->dst) & r->mask) == 0 && mask_len(r->mask) > best_len
		    && (netifs[r->nif].flags & IFF_UP)) {
			best = &netifs[r->nif];
			best_len = mask_len(r->mask);
			*nexthop = r->gw ? r->gw : daddr;
		}
	}
	return best;
}
/*:*/

int ip_is_local(u32 addr)
{
	return addr && ((netifs[NIF_ETH].addr == addr && (netifs[NIF_ETH].flags & IFF_UP))
			|| netifs[NIF_LO].addr == addr);
}

u32 ip_source_for(u32 daddr)
{
	u32 nh;
	struct netif *n = ip_route(daddr, &nh);

	if (!n)
		return 0;
	if (n == &netifs[NIF_LO])
		return (ntohl(daddr) >> 24) == 127 ? daddr : daddr;
	return n->addr;
}

/* Adds or deletes a route of the table: by hand through the SIOCADDRT and
 * SIOCDELRT ioctls below (route), or through rtnetlink (ip, U:900).  A
 * gateway must be reachable directly, and its interface is the route's;
 * without one the route goes out of nif. */
int route_change(int add, u32 dst, u32 mask, u32 gw, int nif)
{
	int i;

	if (gw && (ntohl(gw) >> 24) == 127)
		nif = NIF_LO;
	for (i = 0; i < 8; i++) {
		struct route *r = &routes[i];

		if (!add) {
			if (r->used && r->dst == (dst & mask) && r->mask == mask) {
				r->used = 0;
				return 0;
			}
		} else if (!r->used) {
			if (gw) {
				u32 nh;
				struct netif *n = ip_route(gw, &nh);

				if (!n || nh != gw)
					return -ENETUNREACH;
				nif = n - netifs;
			}
			r->dst = dst & mask;
			r->mask = mask;
			r->gw = gw;
			r->nif = nif;
			r->used = 1;
			return 0;
		}
	}
	return add ? -ENOMEM : -ESRCH;
}

/* Route i of the table as /proc/net/route and rtnetlink list it: first
 * eth0's own subnet while it is up with an address (*kernel set: the kernel
 * made that one), then those added by hand.  0 if there is one, -ENOENT
 * for an empty place, -ERANGE past the last. */
int route_get(int i, u32 *dst, u32 *mask, u32 *gw, int *nif, int *kernel)
{
	struct netif *eth = &netifs[NIF_ETH];
	struct route *r;

	if (i > 8)
		return -ERANGE;
	*kernel = i == 0;
	if (i == 0) {
		if (!(eth->flags & IFF_UP) || !eth->addr)
			return -ENOENT;
		*dst = eth->addr & eth->mask;
		*mask = eth->mask;
		*gw = 0;
		*nif = NIF_ETH;
		return 0;
	}
	r = &routes[i - 1];
	if (!r->used)
		return -ENOENT;
	*dst = r->dst;
	*mask = r->mask;
	*gw = r->gw;
	*nif = r->nif;
	return 0;
}

/* SIOCADDRT and SIOCDELRT, with Linux's struct rtentry: the destination,
 * gateway and mask addresses at 8, 24 and 40, the flags at 52, the device
 * name's pointer at 68. */
#define RTF_GATEWAY 2
#define RTF_HOST    4
int route_ioctl(u32 cmd, u32 arg)
{
	u8 rt[72];
	u32 dst, gw, mask;
	u16 flags;

	if (copy_from_user(rt, arg, sizeof rt))
		return -EFAULT;
	memcpy(&dst, rt + 8, 4);
	memcpy(&gw, rt + 24, 4);
	memcpy(&mask, rt + 40, 4);
	memcpy(&flags, rt + 52, 2);
	if (flags & RTF_HOST)
		mask = 0xFFFFFFFF;
	if (!(flags & RTF_GATEWAY))
		gw = 0;
	return route_change(cmd == 0x890B, dst, mask, gw, NIF_ETH);
}

static int eth_send(struct netif *nif, struct pkt *p, const u8 *dst, u16 type)
{
	int err;

	memcpy(p->data, dst, ETH_ALEN);
	memcpy(p->data + ETH_ALEN, nif->mac, ETH_ALEN);
	p->data[12] = type >> 8;
	p->data[13] = type & 0xFF;
	if (p->len < 60) {                 /* Ethernet's minimum frame */
		memset(p->data + p->len, 0, 60 - p->len);
		p->len = 60;
	}
	err = nif->xmit ? nif->xmit(nif, p->data, p->len) : -ENODEV;
	if (err) {
		nif->tx_dropped++;
	} else {
		nif->tx_packets++;
		nif->tx_bytes += p->len;
	}
	pkt_free(p);
	return err;
}

static void arp_send(struct netif *nif, u16 op, u32 tip, const u8 *tmac)
{
	struct pkt *p = pkt_alloc();
	u8 *a;

	if (!p)
		return;
	a = p->data + ETH_HLEN;
	a[0] = 0; a[1] = 1;                /* Ethernet */
	a[2] = 0x08; a[3] = 0x00;          /* IPv4 */
	a[4] = ETH_ALEN; a[5] = 4;
	a[6] = 0; a[7] = op;
	memcpy(a + 8, nif->mac, ETH_ALEN);
	memcpy(a + 14, &nif->addr, 4);
	memcpy(a + 18, op == 1 ? (const u8 *)"\0\0\0\0\0\0" : tmac, ETH_ALEN);
	memcpy(a + 24, &tip, 4);
	p->len = ETH_HLEN + 28;
	eth_send(nif, p, op == 1 ? eth_broadcast : tmac, ETH_P_ARP);
}

/*U:866 ARP: who has this address?  The answer is a MAC address, and a
 * packet that must wait for it waits in the table entry, one per address
 * (a newer one replaces it: IP may lose packets, and TCP will send again).
 * A request goes out at most once a second, three times, before the waiting
 * packet is given up.  Entries are learned from every request and reply
 * that names us, and forgotten after a minute, so a Guest that comes back
 * in a dead one's slot, with another address, is found again. */
#define ARP_ENTRIES 16
struct arp_entry {
	u32 ip;
	u8 mac[ETH_ALEN];
	int valid, tries;
	u64 expires, next_try;
	struct pkt *waiting;
};
static struct arp_entry arp_table[ARP_ENTRIES];
static struct arp_entry *arp_find(u32 ip, int make)
{
	struct arp_entry *e, *victim = &arp_table[0];

	for (e = arp_table; e < arp_table + ARP_ENTRIES; e++) {
		if (e->ip == ip && (e->valid || e->waiting || e->tries))
			return e;
		if (!e->valid && !e->waiting && !e->tries)
			victim = e;
		else if (victim->valid && e->valid && e->expires < victim->expires)
			victim = e;
	}
	if (!make)
		return NULL;
	pkt_free(victim->waiting);
	memset(victim, 0, sizeof *victim);
	victim->ip = ip;
	return victim;
}

static void arp_learn(u32 ip, const u8 *mac, int make)
{
	struct arp_entry *e = arp_find(ip, make);
	struct pkt *p;

	if (!e)
		return;
	memcpy(e->mac, mac, ETH_ALEN);
	e->valid = 1;
	e->tries = 0;
	e->expires = monotonic_ns() + 60000000000ULL;
	p = e->waiting;
	e->waiting = NULL;
	if (p)
		eth_send(&netifs[NIF_ETH], p, mac, ETH_P_IP);
}

static void arp_input(struct netif *nif, const u8 *a, u32 len)
{
	u32 sip, tip;
	u16 op;

	if (len < 28 || a[0] != 0 || a[1] != 1 || a[2] != 8 || a[3] != 0 || a[4] != 6 || a[5] != 4)
		return;
	op = (u16)(a[6] << 8 | a[7]);
	memcpy(&sip, a + 14, 4);
	memcpy(&tip, a + 24, 4);
	if (!nif->addr || (a[8] & 1))
		return;
	arp_learn(sip, a + 8, tip == nif->addr);
	if (op == 1 && tip == nif->addr)
		arp_send(nif, 2, sip, a + 8);
}

/*:*/

/*U:867 Sending through ARP: a broadcast needs no answer, a known address
 * goes at once, and an unknown one parks the packet and asks (at most once
 * a second, U:866's rule), and the timer asks again or gives up. */
static int arp_output(struct netif *nif, struct pkt *p, u32 nexthop)
{
	struct arp_entry *e;
	u64 now = monotonic_ns();

	if (nexthop == 0xFFFFFFFF || nexthop == nif->bcast)
		return eth_send(nif, p, eth_broadcast, ETH_P_IP);
	e = arp_find(nexthop, 1);
	if (e->valid && now < e->expires)
		return eth_send(nif, p, e->mac, ETH_P_IP);
	e->valid = 0;
	pkt_free(e->waiting);
	e->waiting = p;
	if (now >= e->next_try) {
		e->tries++;
		e->next_try = now + 1000000000ULL;
		arp_send(nif, 1, nexthop, NULL);
	}
	return 0;
}

static void arp_timers(u64 now)
{
	struct arp_entry *e;

	for (e = arp_table; e < arp_table + ARP_ENTRIES; e++) {
		if (!e->waiting || now < e->next_try)
			continue;
		if (e->tries >= 3) {
			pkt_free(e->waiting);
			e->waiting = NULL;
			e->tries = 0;
			continue;
		}
		e->tries++;
		e->next_try = now + 1000000000ULL;
		arp_send(&netifs[NIF_ETH], 1, e->ip, NULL);
	}
}
/*:*/

/*U:868 Out.  The transports build their packets with room in front for
 * the IP header and the Ethernet header, so going down a layer is writing
 * in front, never copying.  A packet for one of our own addresses goes to
 * the loopback, which is a queue: delivering it at once would run the
 * receiving side inside the sending side (a TCP answering itself would
 * recurse, and would find its own state half updated), so the queue is
 * emptied at the outermost places only: the end of a system call or an
 * interrupt, and before anybody sleeps (U:884).  We never fragment: the transports keep within the MTU, and the
 * header says "don't fragment" to anybody on the way. */
static struct pkt *lo_head, *lo_tail;
static int lo_busy;
static u16 ip_ident;

static void ip_input(struct netif *nif, struct pkt *p);

static int ip_transmit(struct pkt *p, struct netif *nif, u32 nexthop);

int ip_output(struct pkt *p, u32 saddr, u32 daddr, u8 proto, u8 ttl)
{
	u8 *ip = p->l3;
	u32 nexthop, tot = p->len - ETH_HLEN;
	struct netif *nif = ip_route(daddr, &nexthop);

	if (!nif) {
		pkt_free(p);
		return -ENETUNREACH;
	}
	ip[0] = 0x45;
	ip[1] = 0;
	ip[2] = tot >> 8; ip[3] = tot & 0xFF;
	ip_ident++;
	ip[4] = ip_ident >> 8; ip[5] = ip_ident & 0xFF;
	ip[6] = 0x40; ip[7] = 0;           /* DF */
	ip[8] = ttl;
	ip[9] = proto;
	ip[10] = ip[11] = 0;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &daddr, 4);
	memcpy(ip + 10, &(u16){ ip_checksum(ip, IP_HLEN, 0) }, 2);
	return ip_transmit(p, nif, nexthop);
}

/* A packet whose IP header is written, to the interface its route chose. */
static int ip_transmit(struct pkt *p, struct netif *nif, u32 nexthop)
{
	u32 tot = p->len - ETH_HLEN;

	if (nif == &netifs[NIF_LO]) {
		nif->tx_packets++;
		nif->tx_bytes += tot;
		p->next = NULL;
		if (lo_tail)
			lo_tail->next = p;
		else
			lo_head = p;
		lo_tail = p;
		return 0;
	}
	return arp_output(nif, p, nexthop);
}

void net_poll(void)
{
	struct pkt *p;

	if (lo_busy)
		return;
	lo_busy = 1;
	while ((p = lo_head)) {
		lo_head = p->next;
		if (!lo_head)
			lo_tail = NULL;
		netifs[NIF_LO].rx_packets++;
		netifs[NIF_LO].rx_bytes += p->len - ETH_HLEN;
		ip_input(&netifs[NIF_LO], p);
	}
	lo_busy = 0;
}
/*:*/

/*U:870 In.  Everything in a frame is checked before it is believed: the
 * frame comes from another Guest, or from whatever scribbled in the shared
 * file, and nothing it says may make us read past it.  An IP header must be
 * version 4, at least 20 bytes, with a total length inside the frame and a
 * checksum that adds up; fragments are dropped (we never send any, and
 * neither does anybody else on a network of one MTU), and so is a packet
 * for an address that is not ours.  What is left goes to its protocol. */
void eth_input(struct netif *nif, const u8 *frame, u32 len)
{
	struct pkt *p;
	u16 type;

	if (!(nif->flags & IFF_UP) || len < ETH_HLEN) {
		nif->rx_dropped++;
		return;
	}
	type = (u16)(frame[12] << 8 | frame[13]);
	nif->rx_packets++;
	nif->rx_bytes += len;
	packet_input(nif, frame, len);      /* udhcpc's packet sockets first (U:875) */
	if (type == ETH_P_ARP) {
		arp_input(nif, frame + ETH_HLEN, len - ETH_HLEN);
		return;
	}
	if (type != ETH_P_IP || !(p = pkt_alloc())) {
		nif->rx_dropped++;
		return;
	}
	net_copy(p->data, frame, len);
	p->len = len;
	ip_input(nif, p);
}

static void icmp_input(struct pkt *p);

static void ip_input(struct netif *nif, struct pkt *p)
{
	u8 *ip = p->data + ETH_HLEN;
	u32 ihl, tot;

	p->l3 = ip;
	if (p->len < ETH_HLEN + IP_HLEN || (ip[0] >> 4) != 4)
		goto drop;
	ihl = (ip[0] & 15) * 4;
	tot = (u32)ip[2] << 8 | ip[3];
	if (ihl < IP_HLEN || tot < ihl || tot > p->len - ETH_HLEN || ip_checksum(ip, ihl, 0) != 0)
		goto drop;
	if ((ip[6] & 0x3F) || ip[7])        /* MF or an offset: a fragment */
		goto drop;
	memcpy(&p->saddr, ip + 12, 4);
	memcpy(&p->daddr, ip + 16, 4);
	if (!ip_is_local(p->daddr) && p->daddr != 0xFFFFFFFF && p->daddr != nif->bcast
	    && !(nif == &netifs[NIF_LO] && (ntohl(p->daddr) >> 24) == 127))
		goto drop;
	p->len = ETH_HLEN + tot;
	p->l4 = ip + ihl;
	switch (ip[9]) {
	case IPPROTO_ICMP:
		raw_input(p);
		icmp_input(p);
		return;
	case IPPROTO_UDP:
		udp_input(p);
		return;
	case IPPROTO_TCP:
		tcp_input(p);
		return;
	}
drop:
	nif->rx_dropped++;
	pkt_free(p);
}
/*:*/

/*U:872 ICMP, of which we speak two words.  An echo request ("ping") is
 * answered with an echo reply carrying the same identifier, sequence and
 * data: the same packet with the addresses swapped, the type changed and
 * the checksum done again.  Requests sent to a broadcast address are
 * ignored, as Linux ignores them by default (a broadcast ping answered by
 * every host at once was a classic way to flood somebody).  And a datagram
 * for a UDP port nobody has bound earns its sender a "port unreachable",
 * which is how a Linux on the other end learns that nobody listens (our
 * own UDP sockets take no notice of such news: nothing of busybox's asks
 * for it).  Everything
 * else, echo replies included, is for the raw sockets, which raw_input()
 * has already been shown. */
static void icmp_input(struct pkt *p)
{
	u32 len = p->len - (p->l4 - p->data);
	struct pkt *r;

	if (len < 8 || ip_checksum(p->l4, len, 0) != 0 || p->l4[0] != 8
	    || !ip_is_local(p->daddr) || !(r = pkt_alloc())) {
		pkt_free(p);
		return;
	}
	memcpy(r->l4, p->l4, len);
	r->len = (r->l4 - r->data) + len;
	r->l4[0] = 0;                      /* echo reply */
	r->l4[2] = r->l4[3] = 0;
	memcpy(r->l4 + 2, &(u16){ ip_checksum(r->l4, len, 0) }, 2);
	ip_output(r, p->daddr, p->saddr, IPPROTO_ICMP, 64);
	pkt_free(p);
}

void icmp_send_unreach(struct pkt *orig, u8 code)
{
	struct pkt *r;
	u32 ihl = orig->l4 - orig->l3, n = ihl + 8;

	if (orig->daddr == 0xFFFFFFFF || !ip_is_local(orig->daddr) || !(r = pkt_alloc()))
		return;
	memset(r->l4, 0, 8);
	r->l4[0] = 3;
	r->l4[1] = code;
	memcpy(r->l4 + 8, orig->l3, n);
	r->len = (r->l4 - r->data) + 8 + n;
	memcpy(r->l4 + 2, &(u16){ ip_checksum(r->l4, 8 + n, 0) }, 2);
	ip_output(r, orig->daddr, orig->saddr, IPPROTO_ICMP, 64);
}
/*:*/

/*U:874 Raw sockets, which is what busybox's ping opens (as root it may):
 * it writes whole ICMP messages, checksum and all, and reads whole IP
 * packets, header and all, and picks out its own replies by the identifier.
 * So a raw socket for ICMP gets a copy of every ICMP packet that arrives,
 * and what it sends goes out with an IP header in front and nothing else
 * done to it.  A raw socket for IPPROTO_RAW is the other way round: its
 * program writes the IP header too, and hears nothing (no packet carries
 * protocol 255); the kernel fills in only what Linux fills in, the total
 * length, the checksum, an identification and a source address left zero.
 * udhcpc opens one for its ioctls and never sends on it (U:875). */
void raw_input(struct pkt *p)
{
	int i;

	for (i = 0; i < MAX_SOCKS; i++) {
		struct sock *s = &socks[i];
		struct pkt *c;

		if (!s->used || s->type != SOCK_RAW || s->packet || s->netlink || s->protocol != p->l3[9])
			continue;
		if (s->raddr && s->raddr != p->saddr)
			continue;
		if (!(c = pkt_alloc()))
			return;
		memcpy(c->data, p->data, p->len);
		c->len = p->len;
		c->l3 = c->data + ETH_HLEN;
		c->l4 = c->l3 + (p->l4 - p->l3);
		c->saddr = p->saddr;
		c->daddr = p->daddr;
		sock_queue_dgram(s, c);
	}
}

static long raw_header_included(const u8 *buf, u32 len)
{
	struct pkt *p;
	struct netif *nif;
	u32 daddr, saddr, nexthop;
	u8 *ip;

	if (len < IP_HLEN || len > ETH_MTU || (buf[0] >> 4) != 4 || (buf[0] & 15) * 4U > len)
		return len > ETH_MTU ? -EMSGSIZE : -EINVAL;
	memcpy(&daddr, buf + 16, 4);
	memcpy(&saddr, buf + 12, 4);
	if (!(nif = ip_route(daddr, &nexthop)) || (!saddr && !(saddr = ip_source_for(daddr))))
		return -ENETUNREACH;
	if (!(p = pkt_alloc()))
		return -ENOMEM;
	ip = p->l3;
	memcpy(ip, buf, len);
	p->len = ETH_HLEN + len;
	ip[2] = len >> 8; ip[3] = len & 0xFF;
	if (!ip[4] && !ip[5]) {
		ip_ident++;
		ip[4] = ip_ident >> 8; ip[5] = ip_ident & 0xFF;
	}
	memcpy(ip + 12, &saddr, 4);
	ip[10] = ip[11] = 0;
	memcpy(ip + 10, &(u16){ ip_checksum(ip, (buf[0] & 15) * 4, 0) }, 2);
	ip_transmit(p, nif, nexthop);
	return len;
}

long raw_sendto(struct sock *s, const u8 *buf, u32 len, u32 daddr)
{
	struct pkt *p;
	u32 src;

	if (s->protocol == IPPROTO_RAW)
		return raw_header_included(buf, len);
	if (len > ETH_MTU - IP_HLEN)
		return -EMSGSIZE;
	if (!(src = s->laddr ? s->laddr : ip_source_for(daddr)))
		return -ENETUNREACH;
	if (!(p = pkt_alloc()))
		return -ENOMEM;
	memcpy(p->l4, buf, len);
	p->len = ETH_HLEN + IP_HLEN + len;
	ip_output(p, src, daddr, s->protocol, 64);
	return len;
}
/*:*/

/*U:896 The stack's clock: every timer it has is a deadline in a socket or
 * an ARP entry, and the earliest one is what the scheduler arms the alarm
 * for when it halts.  Whoever comes by after a deadline runs it: the
 * alarm's tick, or the scheduler's next look round. */
void net_timers(u64 now)
{
	int i;

	arp_timers(now);
	for (i = 0; i < MAX_SOCKS; i++)
		if (socks[i].used && socks[i].type == SOCK_STREAM)
			tcp_timer(&socks[i], now);
	net_poll();
}

u64 net_next_deadline(void)
{
	u64 d = 0;
	int i;

	for (i = 0; i < ARP_ENTRIES; i++)
		if (arp_table[i].waiting && (!d || arp_table[i].next_try < d))
			d = arp_table[i].next_try;
	for (i = 0; i < MAX_SOCKS; i++) {
		u64 t;

		if (socks[i].used && socks[i].type == SOCK_STREAM && (t = tcp_deadline(&socks[i]))
		    && (!d || t < d))
			d = t;
	}
	return d;
}
/*:*/

/* /proc/net/route and /proc/net/arp (U:791): the two tables above as
 * Linux prints them.  A route's line is tab-separated and padded with
 * spaces to 127 columns; an interface's own subnet is a route too, as it
 * is in Linux's table, and the loopback's 127/8, which Linux keeps in a
 * table of its own, is not shown.  Addresses are printed as the 32-bit
 * number their four bytes make in memory, network order read backwards:
 * 10.0.2.0 is 0002000A. */
#define RTF_UP 1
static void route_line(struct text *t, const char *dev, u32 dst, u32 gw, u32 mask)
{
	char line[128];
	u32 flags = RTF_UP | (gw ? RTF_GATEWAY : 0) | (mask == 0xFFFFFFFF ? RTF_HOST : 0);

	snprintf(line, sizeof line, "%s\t%08X\t%08X\t%04X\t0\t0\t0\t%08X\t0\t0\t0",
		 dev, dst, gw, flags, mask);
	ADD("%-127s\n", line);
}

void route_text(struct text *t)
{
	u32 dst, mask, gw;
	int i, nif, kernel, r;

	ADD("%-127s\n", "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT");
	for (i = 0; (r = route_get(i, &dst, &mask, &gw, &nif, &kernel)) != -ERANGE; i++)
		if (!r)
			route_line(t, netifs[nif].name, dst, gw, mask);
}

/* ARP entry i, for /proc/net/arp and rtnetlink's neighbours (U:900): 0
 * and its address, its MAC and whether it is answered (an entry still
 * asking counts too), -ENOENT for an empty one, -ERANGE past the last. */
int arp_get(int i, u32 *ip, u8 *mac, int *done)
{
	struct arp_entry *e;

	if (i >= ARP_ENTRIES)
		return -ERANGE;
	e = &arp_table[i];
	*done = e->valid && monotonic_ns() < e->expires;
	if (!*done && !e->waiting && !e->tries)
		return -ENOENT;
	*ip = e->ip;
	memcpy(mac, e->mac, ETH_ALEN);
	return 0;
}

/* An entry that has an answer is complete (flags 0x2, ATF_COM); one still
 * asking has flags 0 and a MAC address of zeros, as Linux shows it. */
void arp_text(struct text *t)
{
	u32 a;
	u8 m[ETH_ALEN];
	int i, done, r;

	ADD("IP address       HW type     Flags       HW address            Mask     Device\n");
	for (i = 0; (r = arp_get(i, &a, m, &done)) != -ERANGE; i++) {
		char ip[16];

		if (r)
			continue;
		if (!done)
			memset(m, 0, ETH_ALEN);
		snprintf(ip, sizeof ip, "%u.%u.%u.%u", a & 0xFF, (a >> 8) & 0xFF, (a >> 16) & 0xFF, a >> 24);
		ADD("%-16s 0x%-10x0x%-10x%02x:%02x:%02x:%02x:%02x:%02x     %-8s %s\n", ip, 1, done ? 2 : 0,
		    m[0], m[1], m[2], m[3], m[4], m[5], "*", netifs[NIF_ETH].name);
	}
}
