/* src/guest/block.c is the block driver, /dev/lgba: one device page
 * shared with the Launcher, one DMA buffer bound for replies, one request at
 * a time.  lguest_blk.c fed Linux's request queue with it; we call it
 * directly. */
#include "kernel.h"

#define MAX_REQUEST_BYTES (LGUEST_MAX_DMA_SECTIONS * PAGE_SIZE)

static struct {
	struct lguest_block_page *page;  /* the device page, shared with the Launcher */
	unsigned long key;               /* its physical address */
	unsigned int irq;
	struct lguest_dma reply;         /* the one buffer bound at key */
	unsigned long sectors;
	int present;
} lgba;

/*D:400 Probing.  The device's page (the descriptor gives its pfn) starts
 * with a small header both sides write: the request (type, sector, bytes),
 * written by us, and the result and the device's size, written by the
 * Launcher.  Our DMA key is the page's physical address.
 *
 * We bind one buffer there, now, and keep it bound: the Launcher copies the
 * data of a read into it.  (lguest's Launcher looked it up for a write too,
 * only to learn which IRQ to raise; ours knows the IRQ from the bus.)  What
 * changes from request to request is only where the buffer's pieces point.
 *
 * The device's interrupt is unmasked with no handler behind it: all it has
 * to do is end the halt of whoever waits for the disk, and the wait checks
 * the result for itself. */
static int block_probe(struct lguest_device *dev)
{
	if (lgba.present) {
		printk("lgb: only one block device is supported, ignoring device %u\n", dev->index);
		return -1;
	}
	lgba.page = lguest_map_pages(dev->desc->pfn, dev->desc->num_pages ? dev->desc->num_pages : 1);
	if (!lgba.page)
		return -1;
	lgba.key = (unsigned long)dev->desc->pfn << PAGE_SHIFT;
	lgba.irq = dev->irq;
	lgba.sectors = READ_ONCE(lgba.page->num_sectors);
	lgba.reply.used_len = 0;
	lgba.reply.len[0] = 0;
	request_irq(dev->irq, NULL, NULL);
	if (!lguest_bind_dma(lgba.key, &lgba.reply, 1, dev->irq)) {
		printk("lgba: the Host refused our reply buffer\n");
		return -1;
	}
	lgba.present = 1;
	printk("lgba: %lu sectors (%lu KiB), irq %u\n", lgba.sectors, lgba.sectors / 2, lgba.irq);
	return 0;
}
/*:*/

/* Describe a kernel buffer as DMA pieces that each stay inside one page. */
static unsigned long fill_dma(struct lguest_dma *dma, const void *buf, unsigned long bytes)
{
	unsigned long pa = __pa(buf), done = 0;
	unsigned int i = 0;

	while (done < bytes && i < LGUEST_MAX_DMA_SECTIONS) {
		unsigned long room = PAGE_SIZE - ((pa + done) & (PAGE_SIZE - 1));
		unsigned long n = bytes - done < room ? bytes - done : room;

		dma->addr[i] = pa + done;
		dma->len[i] = n;
		done += n;
		i++;
	}
	if (i < LGUEST_MAX_DMA_SECTIONS)
		dma->len[i] = 0;
	return done;
}

static int request_done(void *unused)
{
	(void)unused;
	return READ_ONCE(lgba.page->result) != LGUEST_BLOCK_PENDING;
}

/*D:410 A request.  We fill in the header, leaving result at 0 (pending),
 * and then make the Launcher look at it by sending a DMA to our key.  The key
 * is in our private memory, so the Host passes the DMA to the Launcher, which
 * reads the header, does the I/O on its file, sets result to 1 (done) or 2
 * (error: past the end, or the length came out wrong) and raises our IRQ.
 *
 * For a write the DMA we send carries the data.  For a read we first point
 * the bound buffer at the destination and mark it free (used_len 0; the
 * Launcher only fills a free buffer), and what we send is an empty DMA: a
 * ping that means "look at the page".  The Launcher answers by filling the
 * bound buffer and setting its used_len, so each read starts by freeing it.
 * A write frees it too, with no pieces at all: a Launcher that looks it up
 * for the IRQ, as lguest's did, must find it free and has nowhere to write.
 *
 * A request past the end of the disk would only earn an error result from
 * our Launcher (lguest's gave up and exited), so we refuse it here and save
 * the trip.  We wait for the result with the halt in wait_until(). */
static int block_request(int type, unsigned int sector, void *buf, unsigned long bytes)
{
	struct lguest_dma data, ping;
	unsigned long len;

	if (!lgba.present || bytes == 0 || bytes > MAX_REQUEST_BYTES
	    || bytes % LGUEST_SECTOR_SIZE || sector >= lgba.sectors
	    || bytes / LGUEST_SECTOR_SIZE > lgba.sectors - sector)
		return -1;

	WRITE_ONCE(lgba.page->type, type);
	WRITE_ONCE(lgba.page->sector, sector);
	WRITE_ONCE(lgba.page->result, LGUEST_BLOCK_PENDING);
	if (type == LGUEST_BLOCK_READ) {
		len = fill_dma(&lgba.reply, buf, bytes);
		WRITE_ONCE(lgba.page->bytes, len);
		barrier();
		WRITE_ONCE(lgba.reply.used_len, 0);
		ping.len[0] = 0;
		lguest_send_dma(lgba.key, &ping);
	} else {
		lgba.reply.len[0] = 0;
		barrier();
		WRITE_ONCE(lgba.reply.used_len, 0);
		len = fill_dma(&data, buf, bytes);
		WRITE_ONCE(lgba.page->bytes, len);
		lguest_send_dma(lgba.key, &data);
	}
	wait_until(request_done, NULL);
	return READ_ONCE(lgba.page->result) == LGUEST_BLOCK_OK ? 0 : -1;
}
/*:*/

int block_read(unsigned int sector, void *buf, unsigned long bytes)
{
	return block_request(LGUEST_BLOCK_READ, sector, buf, bytes);
}

int block_write(unsigned int sector, const void *buf, unsigned long bytes)
{
	return block_request(LGUEST_BLOCK_WRITE, sector, (void *)buf, bytes);
}

unsigned long block_sectors(void)
{
	return lgba.sectors;
}

int block_present(void)
{
	return lgba.present;
}

const struct lguest_driver block_driver = {
	.name = "block",
	.device_type = LGUEST_DEVICE_T_BLOCK,
	.probe = block_probe,
};

/*D:500 And that is every driver this Guest has: a console and one disk.
 * lguest 2.6.23 had a third, for a network card, and the rest of this
 * project would be ready for one: the Launcher offers a network device with
 * --sharenet (L:500), and the Host copies DMA between Guests whose keys lie in
 * the memory they share.  But this Guest has no network driver yet.  Its bus
 * acknowledges such a device and leaves it at that, so two Guests on one
 * shared file have a wire between them and nothing to say over it.  A driver
 * would be the same trick a third time: bind receive buffers at our slot's
 * key, send to the others'.
 *
 * Every driver here comes down to the same two hypercalls, and behind both
 * stands a program the Guest never sees: the Launcher, which made its memory,
 * loaded its kernel, wrote the page of descriptors, and plays every device.
 * It is the next part. :*/
