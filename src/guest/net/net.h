/*P:150 src/guest/net/ is the Guest's network: lguest_net.c, the driver for
 * 2.6.23's shared page of slots (the Drivers part, D:600 on), and beneath
 * busybox's ping, nc, httpd and wget a small IPv4 stack, told in the Unix
 * appendix from U:860: ip.c (packets, interfaces, ARP, IP, ICMP, routes,
 * the loopback), packet.c (the frames themselves, for udhcpc), udp.c,
 * tcp.c (the smallest TCP that survives a lossy network), and socket.c,
 * the system calls and the ioctls of ifconfig and route.  net.h is what
 * they share.  Everything here runs with interrupts off: that is the
 * stack's only lock (U:860). :*/
#ifndef GUEST_NET_H
#define GUEST_NET_H

#include "kernel.h"
#include "file.h"

#define ETH_ALEN   6
#define ETH_HLEN   14
#define ETH_MTU    1500
#define ETH_FRAME  (ETH_HLEN + ETH_MTU)
#define ETH_P_IP   0x0800
#define ETH_P_ARP  0x0806

#define IPPROTO_IP   0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP  6
#define IPPROTO_UDP  17
#define IPPROTO_RAW  255
#define IP_HLEN      20

#define EADDRINUSE    98
#define EADDRNOTAVAIL 99
#define ENETUNREACH  101
#define ECONNABORTED 103
#define ECONNRESET   104
#define EISCONN      106
#define ENOTCONN     107
#define ECONNREFUSED 111
#define EHOSTUNREACH 113
#define EALREADY     114
#define EINPROGRESS  115
#define EDESTADDRREQ  89
#define EMSGSIZE      90
#define EPROTOTYPE    91
#define ENOPROTOOPT   92
#define ENETDOWN     100

/* Copying frames and stream bytes: the kernel's memcpy goes a byte at a
 * time, and a megabyte through TCP is copied four or five times on each
 * side, so the network's own copies go four bytes at a time (rep movsl). */
static inline void net_copy(void *d, const void *s, u32 n)
{
	u32 words = n / 4, rest = n % 4;

	__asm__ __volatile__("rep movsl\n\tmovl %3, %%ecx\n\trep movsb"
			     : "+D"(d), "+S"(s), "+c"(words)
			     : "r"(rest)
			     : "memory");
}

/* Network byte order, for a little-endian CPU. */
static inline u16 htons(u16 x) { return (u16)((x << 8) | (x >> 8)); }
#define ntohs htons
static inline u32 htonl(u32 x) { return __builtin_bswap32(x); }
#define ntohl htonl

/* A packet: room for one frame, and where in it the layers found their
 * headers.  Packets come from a small pool of pages (U:862). */
struct pkt {
	struct pkt *next;
	u32 len;                  /* bytes from data[0] */
	u8 *l3, *l4;              /* the IP header, the transport header */
	u32 saddr, daddr;         /* from the IP header, network order */
	u8 data[ETH_FRAME + 2];
};
struct pkt *pkt_alloc(void);
void pkt_free(struct pkt *p);

/* An interface: eth0 (the lguest network) or lo.  Addresses are kept in
 * network order, as they travel and as ioctl() hands them over. */
#define IFF_UP        0x1
#define IFF_BROADCAST 0x2
#define IFF_LOOPBACK  0x8
#define IFF_RUNNING   0x40
#define IFF_MULTICAST 0x1000
struct netif {
	char name[16];
	u8 mac[ETH_ALEN];
	u32 addr, mask, bcast;
	u32 flags, mtu;
	u32 rx_packets, tx_packets, rx_bytes, tx_bytes, rx_dropped, tx_dropped;
	/* sends one Ethernet frame; lo has none (U:866) */
	int (*xmit)(struct netif *nif, const u8 *frame, u32 len);
};
extern struct netif netifs[2];
extern const u8 eth_broadcast[ETH_ALEN];
struct netif *netif_by_index(int ifindex);
#define NIF_LO  0
#define NIF_ETH 1

/* lguest_net.c: the driver gives frames to eth_input() */
void eth_input(struct netif *nif, const u8 *frame, u32 len);
int lguest_net_present(void);

/* ip.c */
u16 ip_checksum(const void *data, u32 len, u32 sum);
u32 ip_pseudo_sum(u32 saddr, u32 daddr, u8 proto, u32 len);
int ip_output(struct pkt *p, u32 saddr, u32 daddr, u8 proto, u8 ttl); /* frees p */
struct netif *ip_route(u32 daddr, u32 *nexthop);
int ip_is_local(u32 addr);
u32 ip_source_for(u32 daddr);
int route_ioctl(u32 cmd, u32 arg);
int route_change(int add, u32 dst, u32 mask, u32 gw, int nif);
int route_get(int i, u32 *dst, u32 *mask, u32 *gw, int *nif, int *kernel);
int mask_len(u32 mask);
int arp_get(int i, u32 *ip, u8 *mac, int *done);
void net_timers(u64 now);
u64 net_next_deadline(void);
void net_poll(void);
void icmp_send_unreach(struct pkt *orig, u8 code);
void route_text(struct text *t);       /* /proc/net/route (U:791) */
void arp_text(struct text *t);         /* /proc/net/arp */

/* The transport layers' part of a packet: payload follows l4 + hdr bytes. */
#define PKT_PAYLOAD(p, hdr) ((p)->l4 + (hdr))

/* socket.c: a socket, as the three kinds need it */
#define SOCK_STREAM 1
#define SOCK_DGRAM  2
#define SOCK_RAW    3
#define SOCK_NONBLOCK 04000
#define SOCK_CLOEXEC  02000000

enum tcp_state {
	TCP_CLOSED, TCP_LISTEN, TCP_SYN_SENT, TCP_SYN_RCVD, TCP_ESTABLISHED,
	TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_CLOSING, TCP_TIME_WAIT, TCP_CLOSE_WAIT,
	TCP_LAST_ACK
};

/* A ring of bytes over pages that need not be contiguous. */
#define RING_PAGES 4
#define RING_SIZE  (RING_PAGES * PAGE_SIZE)
struct ring {
	u8 *page[RING_PAGES];
	u32 head, tail;           /* free-running: bytes = head - tail */
};
u32 ring_used(const struct ring *r);
u32 ring_put(struct ring *r, const u8 *src, u32 n);
void ring_peek(const struct ring *r, u32 off, u8 *dst, u32 n);
void ring_drop(struct ring *r, u32 n);

#define MAX_SOCKS 64
#define UNIX_PATH 108            /* sun_path's size: a name of that many bytes needs no NUL */
#define UNIX_NAME (UNIX_PATH + 1) /* a name as the kernel keeps it, with its NUL */
#define DGRAM_QUEUE 32           /* datagrams a socket holds unread */
struct sock {
	int used;
	int type, protocol;
	int refs;                 /* open files plus the protocol's own hold */
	u32 laddr, raddr;         /* network order */
	u16 lport, rport;         /* host order */
	int err;                  /* pending error, reported once */
	int reuse, broadcast, nodelay, shut_rd, shut_wr;
	/* a packet socket (U:875): the Ethernet type it hears, the interface it is bound to */
	int packet, ifindex;
	u16 ethertype;
	/* a Unix datagram socket (U:877): its name, and the name it is connected to */
	int unix_dgram;
	char uname[UNIX_NAME], upeer[UNIX_NAME];
	/* an rtnetlink socket (U:900), and the port (a pid) bind() gave it */
	int netlink;
	u32 nl_pid;
	/* datagrams (UDP, raw ICMP) */
	struct pkt *rq_head, *rq_tail;
	u32 rq_count;
	/* TCP */
	enum tcp_state state;
	struct ring rcv, snd;
	u32 snd_una, snd_nxt, snd_wnd, iss, snd_max;
	u32 rcv_nxt, irs;
	int fin_queued;           /* close() or shutdown(): send FIN after the data */
	u64 rto_ns, rtx_at, timewait_at, rtt_at;
	u32 rtt_seq;
	u64 srtt, rttvar;
	int retries, dupacks;
	struct sock *parent;      /* a listener's child until accept() */
	int backlog, pending;     /* a listener: how many may wait, how many do */
	int accepted;
	u16 peer_mss;
};
extern struct sock socks[MAX_SOCKS];
struct sock *sock_new(int type, int protocol);
void sock_release(struct sock *s);
void sock_queue_dgram(struct sock *s, struct pkt *p);
u16 port_ephemeral(int type);
u32 sock_ino(const struct sock *s);    /* its inode number, for fstat and /proc */
void sock_text(struct text *t, int type);   /* /proc/net/tcp, udp, raw (U:791) */

/* udp.c and raw (ip.c) input */
void udp_input(struct pkt *p);
void raw_input(struct pkt *p);
long udp_sendto(struct sock *s, const u8 *buf, u32 len, u32 daddr, u16 dport);
long raw_sendto(struct sock *s, const u8 *buf, u32 len, u32 daddr);

/* unix.c: AF_UNIX datagrams with names (U:877) */
long unix_bind(struct sock *s, u32 uaddr, u32 len);
long unix_connect(struct sock *s, u32 uaddr, u32 len);
long unix_target(struct sock *s, u32 uaddr, u32 alen, char *name);
int unix_room(void *name);
long unix_deliver(struct sock *s, const char *name, const u8 *buf, u32 len, int connected);
long unix_put_addr(u32 uaddr, u32 ulen, const char *name, int sender);
void unix_text(struct text *t);     /* /proc/net/unix (U:791) */
int put_sockaddr(u32 uaddr, u32 ulen, const u8 *sa, u32 size);

/* netlink.c: rtnetlink, for ip (U:900) */
long netlink_input(struct sock *s, const u8 *buf, u32 len);

/* packet.c: AF_PACKET (U:875) */
long packet_bind(struct sock *s, u32 uaddr, u32 len);
long packet_sendto(struct sock *s, const u8 *buf, u32 len, const u8 *sockaddr_ll);
void packet_input(struct netif *nif, const u8 *frame, u32 len);
u8 *packet_data(struct sock *s, struct pkt *p);
void packet_address(struct pkt *p, u8 *sockaddr_ll);

/* tcp.c */
void tcp_input(struct pkt *p);
int tcp_connect(struct sock *s);
long tcp_send(struct sock *s, const u8 *buf, u32 len);
void tcp_read_done(struct sock *s, u32 before);
void tcp_close(struct sock *s);
void tcp_shutdown(struct sock *s);
void tcp_timer(struct sock *s, u64 now);
u64 tcp_deadline(struct sock *s);
u32 tcp_window(struct sock *s);

#endif
