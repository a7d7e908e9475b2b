/* src/guest/net/udp.c is UDP: ports, a checksum, and datagrams in a queue. */
#include "net.h"

/*U:873 UDP is IP with ports and a checksum, and nothing else: no
 * connection, no order, no second try.  A datagram in is matched to the
 * socket bound to its port (and, if that socket is connected, to its peer),
 * and queued whole; a datagram with no taker earns a "port unreachable".
 * The checksum covers a pseudo-header of the two addresses, so a datagram
 * delivered to the wrong host fails it; 0 means the sender did not bother,
 * which UDP over IPv4 allows. */
void udp_input(struct pkt *p)
{
	u8 *u = p->l4;
	u32 avail = p->len - (u - p->data), ulen;
	u16 sport, dport, sum;
	int i;

	if (avail < 8)
		goto drop;
	ulen = (u32)u[4] << 8 | u[5];
	if (ulen < 8 || ulen > avail)
		goto drop;
	memcpy(&sum, u + 6, 2);
	if (sum && ip_checksum(u, ulen, ip_pseudo_sum(p->saddr, p->daddr, IPPROTO_UDP, ulen)) != 0)
		goto drop;
	p->len = (u - p->data) + ulen;
	sport = (u16)(u[0] << 8 | u[1]);
	dport = (u16)(u[2] << 8 | u[3]);
	for (i = 0; i < MAX_SOCKS; i++) {
		struct sock *s = &socks[i];

		if (!s->used || s->type != SOCK_DGRAM || s->packet || s->unix_dgram || !dport || s->lport != dport)
			continue;
		if (s->laddr && s->laddr != p->daddr && p->daddr != 0xFFFFFFFF)
			continue;
		if (s->raddr && (s->raddr != p->saddr || s->rport != sport))
			continue;
		sock_queue_dgram(s, p);
		return;
	}
	icmp_send_unreach(p, 3);
drop:
	pkt_free(p);
}

long udp_sendto(struct sock *s, const u8 *buf, u32 len, u32 daddr, u16 dport)
{
	struct pkt *p;
	u32 src, ulen = 8 + len;
	u16 sum;
	u8 *u;

	if (len > ETH_MTU - IP_HLEN - 8)
		return -EMSGSIZE;
	if (daddr == 0xFFFFFFFF && !s->broadcast)
		return -EACCES;
	if (!(src = s->laddr ? s->laddr : ip_source_for(daddr)))
		return -ENETUNREACH;
	if (!s->lport)
		s->lport = port_ephemeral(SOCK_DGRAM);
	if (!(p = pkt_alloc()))
		return -ENOMEM;
	u = p->l4;
	u[0] = s->lport >> 8; u[1] = s->lport & 0xFF;
	u[2] = dport >> 8; u[3] = dport & 0xFF;
	u[4] = ulen >> 8; u[5] = ulen & 0xFF;
	u[6] = u[7] = 0;
	memcpy(u + 8, buf, len);
	sum = ip_checksum(u, ulen, ip_pseudo_sum(src, daddr, IPPROTO_UDP, ulen));
	if (!sum)
		sum = 0xFFFF;
	memcpy(u + 6, &sum, 2);
	p->len = ETH_HLEN + IP_HLEN + ulen;
	ip_output(p, src, daddr, IPPROTO_UDP, 64);
	return len;
}
/*:*/
