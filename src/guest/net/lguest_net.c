/* src/guest/net/lguest_net.c is the network driver: lguest 2.6.23's
 * lguest_net.c, with Linux's network device layer taken out.  A shared page
 * of slots, one per Guest on the network, each holding a MAC address; eight
 * receive buffers bound at our slot's key; a frame out is a SEND_DMA to the
 * key of every slot it is for. */
#include "net.h"

#define NET_SLOTS   16          /* as many as the Launcher hands out */
#define NET_BUFFERS 8           /* lguest's own number */
#define NET_NOCSUM  0x4000

struct lguest_net_slot {
	u8 mac[ETH_ALEN];
};

static struct {
	volatile struct lguest_net_slot *peer;  /* the shared page */
	unsigned long page_pa;
	unsigned int me, irq;
	struct lguest_dma rx[NET_BUFFERS];
	u8 *rxbuf[NET_BUFFERS];
	u8 *txbuf;
	unsigned int rx_next;                   /* the buffer the Host fills next */
	struct lguest_dma tx;
	int present;
} lgnet;

/*D:600 And yet there is a third device, and it is the one that makes a
 * Guest more than a computer in a box: the network.  Its 2.6.23 design is
 * charming in how little there is of it.  There is no switch, no Launcher
 * in the middle and no network card to emulate, only a page that every Guest
 * on the network maps: a row of slots, one per Guest, each holding that
 * Guest's MAC address.  A Guest receives by binding buffers at a key that
 * names its own slot (the page's address plus four times the slot number,
 * since a key must be four-byte aligned and slots are six bytes wide), and
 * sends by SEND_DMA to the key of the slot it wants.  The Host does the
 * rest (H:640): it sees that the key lies in memory shared between Guests,
 * finds who bound buffers there, and copies.
 *
 * Our slot comes in the descriptor's features, below the NOCSUM bit (which
 * told Linux the Host would not corrupt a frame, so checksums need not be
 * checked; our stack checks them anyway, U:870, because the file may be
 * written by anybody).  The MAC address is ours to invent: lguest made it
 * 02:00 (locally administered, not multicast) and the Guest's id.  A Guest
 * id is unique within one Host, and ours can be on a network with Guests of
 * other Hosts (L:510), so we put the slot there instead, which is unique on
 * the network by construction. */
static u32 slot_key(unsigned int slot)
{
	return lgnet.page_pa + 4 * slot;
}
/*:*/

static void net_interrupt(unsigned int irq, void *arg);
static int lguest_net_xmit(struct netif *nif, const u8 *frame, u32 len);

/*D:610 Probing.  The eight receive buffers are 1514 bytes each (an
 * Ethernet header and the 1500-byte MTU), two to a page so that none crosses
 * a page boundary (a DMA piece must not, H:630).  They are bound before our
 * MAC address goes into our slot: a peer only sends to a slot with an
 * address in it, and a frame sent before we had buffers would be lost.
 * Until then we are on the network but deaf, which is no worse than being
 * unplugged. */
static int lguest_net_probe(struct lguest_device *dev)
{
	unsigned int i, slot = dev->desc->features & ~(NET_NOCSUM | LGUEST_DEVICE_F_RANDOMNESS);
	struct netif *nif = &netifs[NIF_ETH];

	if (lgnet.present || slot >= NET_SLOTS)
		return -1;
	lgnet.peer = lguest_map_pages(dev->desc->pfn, 1);
	if (!lgnet.peer)
		return -1;
	lgnet.page_pa = (unsigned long)dev->desc->pfn << PAGE_SHIFT;
	lgnet.me = slot;
	lgnet.irq = dev->irq;
	for (i = 0; i < NET_BUFFERS; i++) {
		if (i % 2 == 0)
			lgnet.rxbuf[i] = alloc_page();
		else
			lgnet.rxbuf[i] = lgnet.rxbuf[i - 1] + PAGE_SIZE / 2;
		lgnet.rx[i].used_len = 0;
		lgnet.rx[i].addr[0] = __pa(lgnet.rxbuf[i]);
		lgnet.rx[i].len[0] = ETH_FRAME;
		lgnet.rx[i].len[1] = 0;
	}
	lgnet.txbuf = alloc_page();
	request_irq(dev->irq, net_interrupt, NULL);
	if (!lguest_bind_dma(slot_key(slot), lgnet.rx, NET_BUFFERS, dev->irq)) {
		printk("lguest_net: the Host refused our receive buffers\n");
		return -1;
	}
	nif->mac[0] = 0x02;
	nif->mac[1] = 0x00;
	nif->mac[2] = 0x00;
	nif->mac[3] = 0x00;
	nif->mac[4] = 0x00;
	nif->mac[5] = slot;
	for (i = 0; i < ETH_ALEN; i++)
		lgnet.peer[slot].mac[i] = nif->mac[i];
	nif->xmit = lguest_net_xmit;
	lgnet.present = 1;
	printk("eth0: lguest network, slot %u, mac 02:00:00:00:00:%02x, irq %u\n",
	       slot, slot, dev->irq);
	return 0;
}
/*:*/

/*D:620 Sending is deciding who gets the frame, and 2.6.23's rule was short:
 * every other slot whose address is the frame's destination, or whose owner
 * asked for everything (bit 0 of its first byte, the multicast bit, which a
 * real MAC address never has there, marks a promiscuous slot), and, for a
 * broadcast or multicast frame, every other slot that has an address at
 * all.  One SEND_DMA per receiver: the Host copies to one binding at a time.
 * The slot page is written by other Guests while we read it, so each byte is
 * read once, into a copy we then compare; a peer that scribbles nonsense
 * there gets frames it did not want, which is its own business.
 *
 * Whether a frame arrived we cannot know (used_len says so, but a network
 * is allowed to lose frames, and the layers above retransmit what matters). */
static int peer_wants(unsigned int slot, const u8 *dst)
{
	u8 mac[ETH_ALEN];
	unsigned int i, any = 0;

	for (i = 0; i < ETH_ALEN; i++) {
		mac[i] = lgnet.peer[slot].mac[i];
		any |= mac[i];
	}
	if (!any)
		return 0;
	if ((dst[0] & 1) || (mac[0] & 1))
		return 1;
	return !memcmp(mac, dst, ETH_ALEN);
}

static int lguest_net_xmit(struct netif *nif, const u8 *frame, u32 len)
{
	unsigned int i;

	(void)nif;
	if (len > ETH_FRAME)
		return -EMSGSIZE;
	net_copy(lgnet.txbuf, frame, len);
	for (i = 0; i < NET_SLOTS; i++) {
		if (i == lgnet.me || !peer_wants(i, frame))
			continue;
		lgnet.tx.addr[0] = __pa(lgnet.txbuf);
		lgnet.tx.len[0] = len;
		lgnet.tx.len[1] = 0;
		lguest_send_dma(slot_key(i), &lgnet.tx);
	}
	return 0;
}
/*:*/

/*D:630 Receiving.  The Host (or, for a sender in another process, our
 * Launcher asking the Host, H:655) fills a free buffer, writes the length
 * into its used_len and raises our interrupt.  We hand every full buffer to
 * the stack and give it back by zeroing used_len, which is all it takes to
 * offer it again: the binding stays.  The order matters: the Host fills the
 * buffers round the array, from where it last stopped, so we empty them
 * round the array from where we last stopped.  (Looking from buffer 0 each
 * time, we once handed TCP segment 7 before segment 6 whenever the Host had
 * wrapped round, and TCP, which keeps only the segment it expects, threw
 * away one and waited a second for it again.)  The stack does its work right here,
 * in the interrupt (U:860), so a buffer is free again as soon as this
 * handler is done; a length larger than the buffer is the Host's bug, not a
 * reason to read past it. */
static void net_interrupt(unsigned int irq, void *arg)
{
	int busy;

	(void)irq;
	(void)arg;
	do {
		unsigned int i, n;

		busy = 0;
		for (n = 0; n < NET_BUFFERS; n++) {
			u32 len;

			i = (lgnet.rx_next + n) % NET_BUFFERS;
			if (!(len = READ_ONCE(lgnet.rx[i].used_len)))
				continue;
			barrier();
			eth_input(&netifs[NIF_ETH], lgnet.rxbuf[i], len > ETH_FRAME ? ETH_FRAME : len);
			barrier();
			WRITE_ONCE(lgnet.rx[i].used_len, 0);
			lgnet.rx_next = (i + 1) % NET_BUFFERS;
			busy = 1;
			break;
		}
	} while (busy);
	net_poll();
}
/*:*/

int lguest_net_present(void)
{
	return lgnet.present;
}

const struct lguest_driver net_driver = {
	.name = "lguest_net",
	.device_type = LGUEST_DEVICE_T_NET,
	.probe = lguest_net_probe,
};

/*D:690 Every driver here comes down to the same two hypercalls, and behind
 * both stands a program the Guest never sees: the Launcher, which made its
 * memory, loaded its kernel, wrote the page of descriptors, and plays every
 * device, and which, for a network of Guests in separate processes, carries
 * the frames through the shared file itself (L:510).  It is the next part. :*/
