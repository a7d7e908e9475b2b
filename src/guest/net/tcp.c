/* src/guest/net/tcp.c is TCP: the smallest one we could write that is
 * still correct on a network that loses frames. */
#include "net.h"

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TCP_HLEN 20
#define TCP_MSS (ETH_MTU - IP_HLEN - TCP_HLEN)
#define TCP_WINDOW_MAX 8192
#define RTO_MIN     200000000ULL
#define RTO_MAX    4000000000ULL
#define RTO_INITIAL 1000000000ULL
#define TIME_WAIT_NS 4000000000ULL
#define MAX_RETRIES 12

#define SEQ_LT(a, b)  ((s32)((a) - (b)) < 0)
#define SEQ_LEQ(a, b) ((s32)((a) - (b)) <= 0)
#define SEQ_GT(a, b)  ((s32)((a) - (b)) > 0)

/*U:888 TCP, the smallest honest one.  What it must do, no matter how
 * small: deliver every byte, once, in order, or say that it could not.
 * That takes five things, and this file is those five and little else.
 *
 *  - Sequence numbers and acknowledgements: every byte has a number, SYN and
 *    FIN count as one byte each, and the receiver says "I have everything
 *    before N".  What is not acknowledged stays in the send ring.
 *  - Retransmission: one timer per connection, for the oldest byte not yet
 *    acknowledged.  When it fires we go back and send everything from there
 *    again ("go back N"), and the timeout doubles each time, up to 4 s, so a
 *    dead peer is not flooded.  The timeout itself follows the measured
 *    round trip (RFC 6298's smoothed mean plus four deviations, at least
 *    200 ms, as Linux), measured only on segments sent once (Karn's rule: the
 *    acknowledgement of a resent segment could be for either copy).  Three
 *    duplicate acknowledgements in a row mean a segment was lost and later
 *    ones arrived, and we go back at once without waiting for the timer.
 *  - Windows: the receiver says how many more bytes it has room for, and the
 *    sender never sends past that.  Ours is the free space in the receive
 *    ring, at most 8 KiB, which keeps a burst within the eight receive
 *    buffers of the lguest network (D:610).  A zero window is probed with
 *    one byte when the timer fires, in case the update that opens it is
 *    lost.
 *  - The receiver is as simple as it may be: it takes only the segment it
 *    expects next.  Anything else is dropped and answered with an
 *    acknowledgement of what it does have, which is what produces the
 *    duplicate acknowledgements above.  A segment that arrived early is
 *    sent again anyway by go-back-N, so keeping it would save bandwidth, not
 *    correctness.
 *  - The handshakes: SYN, SYN-ACK, ACK to open; FIN each way to close; RST
 *    for "no such connection", which also tells connect() "refused"; and
 *    TIME_WAIT (U:890).
 *
 * What is left out is what makes a TCP fast or polite on the Internet:
 * congestion control (slow start: on a network of a few Guests the only
 * congestion is the receiver, and the window covers that), delayed
 * acknowledgements, Nagle, SACK, window scaling and timestamps. :*/

static struct sock *tcp_lookup(u32 saddr, u16 sport, u32 daddr, u16 dport, int listener)
{
	struct sock *l = NULL;
	int i;

	for (i = 0; i < MAX_SOCKS; i++) {
		struct sock *s = &socks[i];

		if (!s->used || s->type != SOCK_STREAM || s->lport != dport)
			continue;
		if (s->state == TCP_LISTEN) {
			if (!s->laddr || s->laddr == daddr)
				l = s;
			continue;
		}
		if (s->state != TCP_CLOSED && s->raddr == saddr && s->rport == sport
		    && (!s->laddr || s->laddr == daddr))
			return s;
	}
	return listener ? l : NULL;
}

u32 tcp_window(struct sock *s)
{
	u32 room = RING_SIZE - ring_used(&s->rcv);

	return room > TCP_WINDOW_MAX ? TCP_WINDOW_MAX : room;
}

/* One segment: the header, an MSS option on a SYN, payload bytes from the
 * send ring at offset off (from the oldest unacknowledged byte). */
static void tcp_segment(u32 saddr, u16 sport, u32 daddr, u16 dport, u32 seq, u32 ack,
			u8 flags, u16 wnd, struct sock *s, u32 off, u32 len)
{
	struct pkt *p = pkt_alloc();
	u32 hlen = (flags & TH_SYN) ? TCP_HLEN + 4 : TCP_HLEN;
	u8 *t;
	u16 sum;

	if (!p)
		return;
	t = p->l4;
	memset(t, 0, hlen);
	t[0] = sport >> 8; t[1] = sport & 0xFF;
	t[2] = dport >> 8; t[3] = dport & 0xFF;
	seq = htonl(seq);
	ack = htonl(ack);
	memcpy(t + 4, &seq, 4);
	memcpy(t + 8, &ack, 4);
	t[12] = (hlen / 4) << 4;
	t[13] = flags;
	t[14] = wnd >> 8; t[15] = wnd & 0xFF;
	if (flags & TH_SYN) {
		t[20] = 2; t[21] = 4;          /* MSS */
		t[22] = TCP_MSS >> 8; t[23] = TCP_MSS & 0xFF;
	}
	if (len)
		ring_peek(&s->snd, off, t + hlen, len);
	sum = ip_checksum(t, hlen + len, ip_pseudo_sum(saddr, daddr, IPPROTO_TCP, hlen + len));
	memcpy(t + 16, &sum, 2);
	p->len = ETH_HLEN + IP_HLEN + hlen + len;
	ip_output(p, saddr, daddr, IPPROTO_TCP, 64);
}

static void send_flags(struct sock *s, u32 seq, u8 flags)
{
	tcp_segment(s->laddr, s->lport, s->raddr, s->rport, seq, s->rcv_nxt,
		    flags, (u16)tcp_window(s), s, 0, 0);
}

static void send_ack(struct sock *s)
{
	send_flags(s, s->snd_nxt, TH_ACK);
}

static int rings_alloc(struct sock *s)
{
	int i;

	for (i = 0; i < RING_PAGES; i++) {
		if (!s->rcv.page[i] && !(s->rcv.page[i] = try_alloc_page()))
			return -ENOMEM;
		if (!s->snd.page[i] && !(s->snd.page[i] = try_alloc_page()))
			return -ENOMEM;
	}
	return 0;
}

static void set_closed(struct sock *s, int err)
{
	if (err)
		s->err = err;
	s->state = TCP_CLOSED;
	s->rtx_at = s->timewait_at = 0;
	if (s->parent && !s->accepted) {
		s->parent->pending--;
		s->parent = NULL;
		s->accepted = 1;           /* nobody will: let it be freed */
	}
	sock_release(s);
}

/*U:890 Sending: as much of the send ring as the peer's window allows, in
 * segments of at most one MSS, from snd_nxt on; then the FIN, if the
 * program has closed and every byte is out.  The timer runs whenever
 * something is unacknowledged.  snd_max remembers how far we ever got, so
 * that after going back an acknowledgement up to there is still believed.
 *
 * TIME_WAIT is the last state of whoever closed first: it has acknowledged
 * the peer's FIN, but that acknowledgement may be lost, and the peer will
 * send its FIN again and must be answered, not reset; and a late duplicate of
 * this connection's segments must not be taken for a new connection's on
 * the same ports.  RFC 793 says two maximum segment lifetimes, four minutes;
 * on a network that is a file, nothing lives long, and we wait 4 seconds. */
static int can_send_data(struct sock *s)
{
	return s->state == TCP_ESTABLISHED || s->state == TCP_CLOSE_WAIT || s->state == TCP_FIN_WAIT1
		|| s->state == TCP_CLOSING || s->state == TCP_LAST_ACK;
}

static void tcp_output(struct sock *s, int probe)
{
	u32 data_end, limit, wnd;

	if (!can_send_data(s))
		return;
	data_end = s->snd_una + ring_used(&s->snd);
	wnd = s->snd_wnd ? s->snd_wnd : (u32)probe;
	limit = s->snd_una + wnd;
	while (SEQ_LT(s->snd_nxt, data_end) && SEQ_LT(s->snd_nxt, limit)) {
		u32 n = data_end - s->snd_nxt;

		if (n > TCP_MSS)
			n = TCP_MSS;
		if (n > limit - s->snd_nxt)
			n = limit - s->snd_nxt;
		if (!s->rtt_at && s->snd_nxt == s->snd_max) {
			s->rtt_at = monotonic_ns();
			s->rtt_seq = s->snd_nxt;
		}
		s->snd_nxt += n;
		if (SEQ_GT(s->snd_nxt, s->snd_max))
			s->snd_max = s->snd_nxt;
		tcp_segment(s->laddr, s->lport, s->raddr, s->rport, s->snd_nxt - n, s->rcv_nxt,
			    TH_ACK | TH_PSH, (u16)tcp_window(s), s, s->snd_nxt - n - s->snd_una, n);
	}
	if (s->fin_queued && s->snd_nxt == data_end) {
		s->snd_nxt = data_end + 1;
		if (SEQ_GT(s->snd_nxt, s->snd_max))
			s->snd_max = s->snd_nxt;
		send_flags(s, data_end, TH_FIN | TH_ACK);
	}
	if (!s->rtx_at && (s->snd_una != s->snd_max || (ring_used(&s->snd) && !s->snd_wnd)))
		s->rtx_at = monotonic_ns() + s->rto_ns;
}

long tcp_send(struct sock *s, const u8 *buf, u32 len)
{
	u32 n = ring_put(&s->snd, buf, len);

	tcp_output(s, 0);
	return n;
}
/*:*/

int tcp_connect(struct sock *s)
{
	if (rings_alloc(s))
		return -ENOMEM;
	s->iss = random_u32();
	s->snd_una = s->iss;
	s->snd_nxt = s->snd_max = s->iss + 1;
	s->rto_ns = RTO_INITIAL;
	s->retries = 0;
	s->state = TCP_SYN_SENT;
	send_flags(s, s->iss, TH_SYN);
	s->rtx_at = monotonic_ns() + s->rto_ns;
	return 0;
}

/* The program read: if that opened the window by a useful amount, say so,
 * or a sender that saw a zero window would wait for its probe timer. */
void tcp_read_done(struct sock *s, u32 before)
{
	u32 was = RING_SIZE - before;

	if (s->state != TCP_ESTABLISHED && s->state != TCP_FIN_WAIT1 && s->state != TCP_FIN_WAIT2)
		return;
	if (was < 2 * TCP_MSS && tcp_window(s) >= 2 * TCP_MSS)
		send_ack(s);
}

void tcp_shutdown(struct sock *s)
{
	if (s->state == TCP_ESTABLISHED)
		s->state = TCP_FIN_WAIT1;
	else if (s->state == TCP_CLOSE_WAIT)
		s->state = TCP_LAST_ACK;
	else
		return;
	s->fin_queued = 1;
	tcp_output(s, 0);
}

/*U:891 close() of the last file: a listener resets the connections nobody
 * accepted; a connection with bytes the program never read is reset too
 * (the peer must learn that its data went unread, as Linux tells it); any
 * other connection says FIN after its last byte and lives on, without a
 * file, until the goodbye is done. */
void tcp_close(struct sock *s)
{
	int i;

	switch (s->state) {
	case TCP_LISTEN:
		for (i = 0; i < MAX_SOCKS; i++) {
			struct sock *c = &socks[i];

			if (c->used && c->parent == s && !c->accepted) {
				send_flags(c, c->snd_nxt, TH_RST | TH_ACK);
				set_closed(c, 0);
			}
		}
		set_closed(s, 0);
		return;
	case TCP_SYN_SENT:
		set_closed(s, 0);
		return;
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
		if (ring_used(&s->rcv)) {
			send_flags(s, s->snd_nxt, TH_RST | TH_ACK);
			set_closed(s, 0);
			return;
		}
		tcp_shutdown(s);
		return;
	default:
		return;
	}
}
/*:*/

static void rtt_sample(struct sock *s, u64 now)
{
	u64 r = now - s->rtt_at;

	if (!s->srtt) {
		s->srtt = r;
		s->rttvar = r / 2;
	} else {
		u64 d = r > s->srtt ? r - s->srtt : s->srtt - r;

		s->rttvar = (3 * s->rttvar + d) / 4;
		s->srtt = (7 * s->srtt + r) / 8;
	}
	s->rto_ns = s->srtt + 4 * s->rttvar;
	if (s->rto_ns < RTO_MIN)
		s->rto_ns = RTO_MIN;
	if (s->rto_ns > RTO_MAX)
		s->rto_ns = RTO_MAX;
	s->rtt_at = 0;
}

/*U:893 An acknowledgement.  One that acknowledges something new frees
 * those bytes of the send ring, resets the retry count, restarts the
 * timer (or stops it, when all is acknowledged), and may complete our
 * FIN's journey: FIN_WAIT1 becomes FIN_WAIT2, CLOSING becomes TIME_WAIT,
 * LAST_ACK becomes nothing at all.  One that acknowledges nothing new and
 * carries nothing is a duplicate, and the third in a row sends us back. */
static void tcp_ack(struct sock *s, u32 ack, u32 wnd, u32 seglen, u64 now)
{
	if (SEQ_GT(ack, s->snd_una) && SEQ_LEQ(ack, s->snd_max)) {
		u32 acked = ack - s->snd_una, data = ring_used(&s->snd);

		ring_drop(&s->snd, acked < data ? acked : data);
		s->snd_una = ack;
		if (SEQ_LT(s->snd_nxt, ack))
			s->snd_nxt = ack;
		if (s->rtt_at && SEQ_GT(ack, s->rtt_seq))
			rtt_sample(s, now);
		s->retries = 0;
		s->dupacks = 0;
		s->rtx_at = s->snd_una != s->snd_max ? now + s->rto_ns : 0;
		if (s->fin_queued && ack == s->snd_max && acked > data) {
			if (s->state == TCP_FIN_WAIT1) {
				s->state = TCP_FIN_WAIT2;
				if (!s->refs)     /* orphaned: do not wait for ever */
					s->timewait_at = now + 10 * TIME_WAIT_NS;
			} else if (s->state == TCP_CLOSING) {
				s->state = TCP_TIME_WAIT;
				s->timewait_at = now + TIME_WAIT_NS;
			} else if (s->state == TCP_LAST_ACK) {
				s->snd_wnd = wnd;
				set_closed(s, 0);
				return;
			}
		}
	} else if (ack == s->snd_una && !seglen && s->snd_una != s->snd_max && wnd == s->snd_wnd) {
		if (++s->dupacks == 3) {
			s->snd_nxt = s->snd_una;
			s->rtt_at = 0;
		}
	}
	if (SEQ_LEQ(s->snd_una, ack))
		s->snd_wnd = wnd;
}
/*:*/

/*U:895 A segment for a listener: a SYN makes a new connection in
 * SYN_RCVD, linked to the listener until accept() takes it (U:882), unless
 * the backlog is full, in which case the SYN is ignored and the client will
 * try again.  Anything else for a listener earns a reset. */
static void tcp_listen_input(struct sock *l, struct pkt *p, u32 seq, u8 flags, u16 mss)
{
	struct sock *c;
	u8 *t = p->l4;

	if (!(flags & TH_SYN) || (flags & TH_ACK) || l->pending >= l->backlog)
		return;
	if (!(c = sock_new(SOCK_STREAM, IPPROTO_TCP)))
		return;
	c->laddr = p->daddr;
	c->lport = l->lport;
	c->raddr = p->saddr;
	c->rport = (u16)(t[0] << 8 | t[1]);
	c->parent = l;
	if (rings_alloc(c)) {
		c->accepted = 1;
		sock_release(c);
		return;
	}
	l->pending++;
	c->irs = seq;
	c->rcv_nxt = seq + 1;
	c->iss = random_u32();
	c->snd_una = c->iss;
	c->snd_nxt = c->snd_max = c->iss + 1;
	c->rto_ns = RTO_INITIAL;
	c->peer_mss = mss;
	c->snd_wnd = (u32)(t[14] << 8 | t[15]);
	c->state = TCP_SYN_RCVD;
	send_flags(c, c->iss, TH_SYN | TH_ACK);
	c->rtx_at = monotonic_ns() + c->rto_ns;
}
/*:*/

static void send_reset_for(struct pkt *p, u32 seq, u32 ack, u8 flags, u32 seglen)
{
	u8 *t = p->l4;
	u16 sport = (u16)(t[0] << 8 | t[1]), dport = (u16)(t[2] << 8 | t[3]);

	if (flags & TH_RST)
		return;
	if (flags & TH_ACK)
		tcp_segment(p->daddr, dport, p->saddr, sport, ack, 0, TH_RST, 0, NULL, 0, 0);
	else
		tcp_segment(p->daddr, dport, p->saddr, sport, 0, seq + seglen, TH_RST | TH_ACK, 0, NULL, 0, 0);
}

/*U:898 A segment for a connection, in RFC 793's order. */
static void tcp_state_input(struct sock *s, struct pkt *p, const u8 *data, u32 seq, u32 ack,
			    u8 flags, u32 wnd, u32 dlen, u16 mss, u64 now)
{
	(void)p;
	if (flags & TH_RST) {
		if (s->state == TCP_SYN_SENT) {
			if ((flags & TH_ACK) && ack == s->iss + 1)
				set_closed(s, ECONNREFUSED);
		} else if (SEQ_LEQ(s->rcv_nxt, seq) && SEQ_LT(seq, s->rcv_nxt + tcp_window(s) + 1)) {
			set_closed(s, s->state == TCP_TIME_WAIT ? 0 : ECONNRESET);
		}
		return;
	}
	if (s->state == TCP_SYN_SENT) {
		if ((flags & TH_ACK) && ack != s->iss + 1) {
			tcp_segment(s->laddr, s->lport, s->raddr, s->rport, ack, 0, TH_RST, 0, NULL, 0, 0);
			return;
		}
		if ((flags & (TH_SYN | TH_ACK)) != (TH_SYN | TH_ACK))
			return;
		s->irs = seq;
		s->rcv_nxt = seq + 1;
		s->snd_una = ack;
		s->snd_wnd = wnd;
		s->peer_mss = mss;
		s->state = TCP_ESTABLISHED;
		s->rtx_at = 0;
		s->retries = 0;
		send_ack(s);
		tcp_output(s, 0);
		return;
	}
	if (flags & TH_SYN) {
		if (s->state == TCP_SYN_RCVD && seq == s->irs)
			send_flags(s, s->iss, TH_SYN | TH_ACK);   /* our SYN-ACK was lost */
		else
			send_ack(s);
		return;
	}
	if (!(flags & TH_ACK))
		return;
	if (s->state == TCP_SYN_RCVD) {
		if (ack != s->iss + 1) {
			tcp_segment(s->laddr, s->lport, s->raddr, s->rport, ack, 0, TH_RST, 0, NULL, 0, 0);
			return;
		}
		s->state = TCP_ESTABLISHED;
		s->snd_una = ack;
		s->snd_wnd = wnd;
		s->rtx_at = 0;
		s->retries = 0;
	}
	tcp_ack(s, ack, wnd, dlen + !!(flags & TH_FIN), now);
	if (!s->used || s->state == TCP_CLOSED)
		return;
	if (dlen || (flags & TH_FIN)) {
		if (seq == s->rcv_nxt && (s->state == TCP_ESTABLISHED || s->state == TCP_FIN_WAIT1
					  || s->state == TCP_FIN_WAIT2)) {
			u32 n = dlen ? ring_put(&s->rcv, data, dlen) : 0;

			s->rcv_nxt += n;
			if ((flags & TH_FIN) && n == dlen) {
				s->rcv_nxt++;
				if (s->state == TCP_ESTABLISHED) {
					s->state = TCP_CLOSE_WAIT;
				} else if (s->state == TCP_FIN_WAIT1) {
					s->state = TCP_CLOSING;
				} else {
					s->state = TCP_TIME_WAIT;
					s->timewait_at = now + TIME_WAIT_NS;
				}
			}
		} else if (s->state == TCP_TIME_WAIT && (flags & TH_FIN)) {
			s->timewait_at = now + TIME_WAIT_NS;     /* our last ACK was lost */
		}
		send_ack(s);
	}
	tcp_output(s, 0);
}
/*:*/

/*U:897 In: check the segment (length, header length, checksum), find its
 * connection, and do what its state says.  The order inside a connection
 * follows RFC 793's "segment arrives": reset first, then the SYN of a
 * handshake, then the acknowledgement, then the data, then the FIN.  A
 * segment for no connection at all is answered with RST, which is how a
 * connect() to a port nobody listens on learns "refused" at once. */
void tcp_input(struct pkt *p)
{
	u8 *t = p->l4, flags;
	u32 len = p->len - (t - p->data), hlen, seq, ack, seglen, dlen, wnd;
	u16 sport, dport, mss = TCP_MSS;
	struct sock *s;
	u64 now = monotonic_ns();

	if (len < TCP_HLEN || (hlen = (t[12] >> 4) * 4) < TCP_HLEN || hlen > len
	    || ip_checksum(t, len, ip_pseudo_sum(p->saddr, p->daddr, IPPROTO_TCP, len)) != 0)
		goto drop;
	sport = (u16)(t[0] << 8 | t[1]);
	dport = (u16)(t[2] << 8 | t[3]);
	memcpy(&seq, t + 4, 4);
	memcpy(&ack, t + 8, 4);
	seq = ntohl(seq);
	ack = ntohl(ack);
	flags = t[13];
	wnd = (u32)(t[14] << 8 | t[15]);
	dlen = len - hlen;
	seglen = dlen + !!(flags & TH_SYN) + !!(flags & TH_FIN);
	if (hlen >= 24 && t[20] == 2 && t[21] == 4)
		mss = (u16)(t[22] << 8 | t[23]);
	if (p->daddr == 0xFFFFFFFF)
		goto drop;
	s = tcp_lookup(p->saddr, sport, p->daddr, dport, 1);
	if (!s) {
		send_reset_for(p, seq, ack, flags, seglen);
		goto drop;
	}
	if (s->state == TCP_LISTEN) {
		if (flags & TH_RST)
			goto drop;
		if (flags & TH_ACK)
			send_reset_for(p, seq, ack, flags, seglen);
		else
			tcp_listen_input(s, p, seq, flags, mss);
		goto drop;
	}
	tcp_state_input(s, p, t + hlen, seq, ack, flags, wnd, dlen, mss, now);
drop:
	pkt_free(p);
}
/*:*/

/*U:899 The timers (U:896 runs them): TIME_WAIT's end, and retransmission,
 * which resends the SYN of a handshake or goes back to the oldest byte not
 * acknowledged, with the timeout doubled.  Twelve tries in a row without an
 * acknowledgement (six for a handshake) and the connection is declared dead
 * (ETIMEDOUT).  A zero window is different: the peer is alive and only
 * slow, so its probes never count as tries. */
void tcp_timer(struct sock *s, u64 now)
{
	if (s->timewait_at && now >= s->timewait_at) {
		set_closed(s, 0);
		return;
	}
	if (!s->rtx_at || now < s->rtx_at)
		return;
	s->rtx_at = 0;
	if (!s->snd_wnd && s->state != TCP_SYN_SENT && s->state != TCP_SYN_RCVD)
		s->retries = 0;
	if (++s->retries > ((s->state == TCP_SYN_SENT || s->state == TCP_SYN_RCVD) ? 6 : MAX_RETRIES)) {
		set_closed(s, ETIMEDOUT);
		return;
	}
	s->rto_ns = s->rto_ns * 2 > RTO_MAX ? RTO_MAX : s->rto_ns * 2;
	s->rtt_at = 0;
	if (s->state == TCP_SYN_SENT || s->state == TCP_SYN_RCVD) {
		send_flags(s, s->iss, s->state == TCP_SYN_SENT ? TH_SYN : TH_SYN | TH_ACK);
		s->rtx_at = now + s->rto_ns;
		return;
	}
	s->snd_nxt = s->snd_una;
	s->dupacks = 0;
	tcp_output(s, 1);
}

u64 tcp_deadline(struct sock *s)
{
	if (s->rtx_at && (!s->timewait_at || s->rtx_at < s->timewait_at))
		return s->rtx_at;
	return s->timewait_at;
}
/*:*/
