/* src/guest/net/packet.c: packet sockets, AF_PACKET, the Ethernet frames
 * themselves for a program that must speak before it has an address. */
#include "net.h"

#define ETH_P_ALL 0x0003
#define AF_PACKET 17

/*U:875 Packet sockets.  DHCP has a problem no other protocol here has:
 * the client asks for its address before it has one.  Its DISCOVER must
 * go out from 0.0.0.0 to 255.255.255.255, and many servers send the OFFER
 * to the very address they offer, which the interface does not hold yet,
 * so IP would drop it (U:870).  So busybox's udhcpc goes beneath IP: it
 * opens a packet socket, socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP)),
 * writes the IP and UDP headers itself, and names the destination by its
 * MAC address, in a struct sockaddr_ll (family, protocol, interface index,
 * hardware type, packet type, address length, then the address).  The
 * kernel only adds the Ethernet header: the destination from that
 * address, the source our own MAC, the type the socket's protocol (a
 * SOCK_RAW packet socket writes that header too).  arping, which asks who
 * has an address, is a packet socket for ARP's type in the same way. */
/* bind(): the protocol, if given, replaces the socket's; the interface
 * limits what it hears and where it sends. */
long packet_bind(struct sock *s, u32 uaddr, u32 len)
{
	u8 ll[20];
	u16 proto;
	int ifindex;

	if (len < 12 || copy_from_user(ll, uaddr, len < 20 ? len : 20))
		return len < 12 ? -EINVAL : -EFAULT;
	if ((ll[0] | ll[1] << 8) != AF_PACKET)
		return -EINVAL;
	proto = (u16)(ll[2] << 8 | ll[3]);
	memcpy(&ifindex, ll + 4, 4);
	if (ifindex && !netif_by_index(ifindex))
		return -ENODEV;
	if (proto)
		s->ethertype = proto;
	s->ifindex = ifindex;
	return 0;
}

/* sendto(): one frame out of the interface the address (or the bind)
 * names, to the MAC address it gives. */
long packet_sendto(struct sock *s, const u8 *buf, u32 len, const u8 *ll)
{
	static u8 frame[ETH_FRAME];   /* interrupts are off: one frame at a time (U:860) */
	struct netif *n;
	int ifindex;
	u16 proto = (u16)(ll[2] << 8 | ll[3]);

	memcpy(&ifindex, ll + 4, 4);
	if (!ifindex)
		ifindex = s->ifindex;
	if (!(n = netif_by_index(ifindex)) || !n->xmit)
		return ifindex ? -ENXIO : -EDESTADDRREQ;
	if (!(n->flags & IFF_UP))
		return -ENETDOWN;
	if (s->type == SOCK_RAW) {
		if (len < ETH_HLEN || len > ETH_FRAME)
			return -EMSGSIZE;
		memcpy(frame, buf, len);
	} else {
		if (len > n->mtu || ll[11] != ETH_ALEN)
			return ll[11] != ETH_ALEN ? -EINVAL : -EMSGSIZE;
		memcpy(frame, ll + 12, ETH_ALEN);
		memcpy(frame + ETH_ALEN, n->mac, ETH_ALEN);
		if (!proto)
			proto = s->ethertype;
		frame[12] = proto >> 8;
		frame[13] = proto & 0xFF;
		memcpy(frame + ETH_HLEN, buf, len);
		len += ETH_HLEN;
	}
	n->tx_packets++;
	n->tx_bytes += len;
	n->xmit(n, frame, len);
	return s->type == SOCK_RAW ? (long)len : (long)len - ETH_HLEN;
}

/*:*/

/*U:876 Going in, every frame the interface accepts is offered to each
 * packet socket before ARP and IP see it (U:866, U:870), and a socket
 * bound to its type (or to ETH_P_ALL, every type) gets a copy: without the
 * Ethernet header for SOCK_DGRAM, with it for SOCK_RAW, and the sender's
 * MAC as the address recvfrom() returns, with the kind of frame it was
 * (to us, to everybody, to a group, to somebody else), which arping
 * checks.  IP goes on with the frame as if nobody had looked, so a DHCP
 * reply reaches udhcpc and is then dropped by IP, as on Linux.  Nothing is
 * filtered but the type and the interface: the BPF programs Linux lets a
 * program attach are not here, and udhcpc checks every packet itself.  And
 * a socket hears only what comes in: Linux also shows an ETH_P_ALL socket
 * the frames its own host sends, which is what tcpdump needs, and we do
 * not. */
void packet_input(struct netif *nif, const u8 *frame, u32 len)
{
	u16 type = (u16)(frame[12] << 8 | frame[13]);
	int i;

	for (i = 0; i < MAX_SOCKS; i++) {
		struct sock *s = &socks[i];
		struct pkt *p;

		if (!s->used || !s->packet || (s->ethertype != type && s->ethertype != ETH_P_ALL)
		    || (s->ifindex && netif_by_index(s->ifindex) != nif) || !(p = pkt_alloc()))
			continue;
		net_copy(p->data, frame, len);
		p->len = len;
		p->l3 = p->data + ETH_HLEN;
		sock_queue_dgram(s, p);
	}
}

/* Where a packet socket's datagram starts, and who sent it: the address
 * recvfrom() fills in, a struct sockaddr_ll. */
u8 *packet_data(struct sock *s, struct pkt *p)
{
	return s->type == SOCK_RAW ? p->data : p->l3;
}

void packet_address(struct pkt *p, u8 *ll)
{
	int ifindex = 2;

	memset(ll, 0, 20);
	ll[0] = AF_PACKET;
	ll[2] = p->data[12];
	ll[3] = p->data[13];
	memcpy(ll + 4, &ifindex, 4);
	ll[8] = 1;                                      /* sll_hatype: ARPHRD_ETHER */
	ll[10] = !memcmp(p->data, eth_broadcast, ETH_ALEN) ? 1     /* PACKET_BROADCAST */
		: (p->data[0] & 1) ? 2                          /* PACKET_MULTICAST */
		: !memcmp(p->data, netifs[NIF_ETH].mac, ETH_ALEN) ? 0 : 3;   /* HOST, OTHERHOST */
	ll[11] = ETH_ALEN;
	memcpy(ll + 12, p->data + ETH_ALEN, ETH_ALEN);
}
/*:*/
