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

/* Describe a kernel buffer as DMA pieces that each stay inside one page.
 * (Marked unused only for the block-driver lab, whose stub does not call it.) */
static __attribute__((unused)) unsigned long fill_dma(struct lguest_dma *dma, const void *buf, unsigned long bytes)
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

static __attribute__((unused)) int request_done(void *unused)
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
	/* LAB(block-driver) { lab_missing("block-driver", "D:400, D:410, L:400"); return -1; */
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
	/* LAB(block-driver) } */
}
/*:*/

/*D:415 One DMA describes at most sixteen pieces, each inside one page, so
 * it carries 64 KiB only from a page-aligned buffer: from anywhere else the
 * first piece is short, and sixteen pieces end before the buffer does.
 * ext2 reads the program image (U:762) in runs of up to 64 KiB, and with
 * 1 KiB blocks a run may start anywhere in a page.  One request for such a
 * run read all but its last kilobyte or three and reported success, since
 * the length in the header was what the DMA could hold: a Guest booted from
 * a disk ran a busybox with holes in it (netstat printed "[ " for "[ ]").
 * So a transfer is cut into as many requests as it needs, each of a size the
 * sixteen pieces can hold whole. */
static int block_io(int type, unsigned int sector, void *buf, unsigned long bytes)
{
	while (bytes) {
		unsigned long room = MAX_REQUEST_BYTES - (__pa(buf) & (PAGE_SIZE - 1));
		unsigned long n = bytes < room ? bytes : room & ~(unsigned long)(LGUEST_SECTOR_SIZE - 1);

		if (block_request(type, sector, buf, n) < 0)
			return -1;
		sector += n / LGUEST_SECTOR_SIZE;
		buf = (u8 *)buf + n;
		bytes -= n;
	}
	return 0;
}
/*:*/

/*D:420 Read-ahead, for a Guest started with the word "readahead" on its
 * command line.  Each request is a round trip: an exit to send the DMA, the
 * Launcher's work, an interrupt, and the halt that waited for it.  ext2 asks
 * for one block at a time, so reading a big file costs a round trip per
 * block, when one DMA could carry 64 KiB.  So a read that misses fetches a
 * whole window, 256 KiB from the sector asked for (four requests of one DMA
 * each, and no further than the disk goes), and the reads that follow are
 * answered from it while they fall inside.  A miss costs four round trips
 * instead of one, which the scattered reads of metadata pay for the long
 * runs of data.
 *
 * A cache is only as good as its coherence.  We are the disk's only writer,
 * so a write that overlaps the window is copied into it too, once the disk
 * has taken it; a failed write empties the window, since we no longer know
 * what the disk holds there.  This matters more than it looks: with 1 KiB
 * blocks the window holds four times what ext2's cache does (U:705), so
 * ext2 will come back for blocks it wrote and has long since forgotten. */
#define RA_SECTORS (4 * MAX_REQUEST_BYTES / LGUEST_SECTOR_SIZE)

static struct {
	int on, checked;
	unsigned int start, count;   /* the window: count sectors from start (0: empty) */
} ra;
static u8 ra_window[RA_SECTORS * LGUEST_SECTOR_SIZE]
	__attribute__((aligned(PAGE_SIZE), unused));

static int readahead_wanted(void)
{
	const char *p = boot_command_line, *w;

	while (*p) {
		while (*p == ' ')
			p++;
		for (w = p; *p && *p != ' '; p++)
			;
		if (p - w == 2 && !memcmp(w, "--", 2))
			return 0;
		if (p - w == 9 && !memcmp(w, "readahead", 9))
			return 1;
	}
	return 0;
}

int block_read(unsigned int sector, void *buf, unsigned long bytes)
{
	if (!ra.checked) {
		ra.on = readahead_wanted();
		ra.checked = 1;
	}
	if (!ra.on || !lgba.present || bytes == 0 || bytes % LGUEST_SECTOR_SIZE
	    || bytes > MAX_REQUEST_BYTES)
		return block_io(LGUEST_BLOCK_READ, sector, buf, bytes);
	/* LAB(block-readahead) { lab_missing("block-readahead", "D:410, D:420"); return -1; */
	unsigned long n = bytes / LGUEST_SECTOR_SIZE, want, done;

	if (!ra.count || sector < ra.start || sector + n > ra.start + ra.count) {
		if (sector >= lgba.sectors || n > lgba.sectors - sector)
			return -1;
		want = lgba.sectors - sector < RA_SECTORS ? lgba.sectors - sector : RA_SECTORS;
		ra.count = 0;
		for (done = 0; done < want; done += MAX_REQUEST_BYTES / LGUEST_SECTOR_SIZE) {
			unsigned long part = want - done < MAX_REQUEST_BYTES / LGUEST_SECTOR_SIZE
				? want - done : MAX_REQUEST_BYTES / LGUEST_SECTOR_SIZE;

			if (block_request(LGUEST_BLOCK_READ, sector + done,
					  ra_window + done * LGUEST_SECTOR_SIZE,
					  part * LGUEST_SECTOR_SIZE) < 0)
				return -1;
		}
		ra.start = sector;
		ra.count = want;
	}
	memcpy(buf, ra_window + (sector - ra.start) * LGUEST_SECTOR_SIZE, bytes);
	return 0;
	/* LAB(block-readahead) } */
}

int block_write(unsigned int sector, const void *buf, unsigned long bytes)
{
	int err = block_io(LGUEST_BLOCK_WRITE, sector, (void *)buf, bytes);

	if (ra.on) {
		/* LAB(block-readahead) { lab_missing("block-readahead", "D:410, D:420"); */
		unsigned long n = bytes / LGUEST_SECTOR_SIZE, from, to;

		if (err < 0) {
			ra.count = 0;
		} else if (ra.count && sector < ra.start + ra.count && sector + n > ra.start) {
			from = sector > ra.start ? sector : ra.start;
			to = sector + n < ra.start + ra.count ? sector + n : ra.start + ra.count;
			memcpy(ra_window + (from - ra.start) * LGUEST_SECTOR_SIZE,
			       (const u8 *)buf + (from - sector) * LGUEST_SECTOR_SIZE,
			       (to - from) * LGUEST_SECTOR_SIZE);
		}
		/* LAB(block-readahead) } */
	}
	return err;
}
/*:*/

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

/*D:500 And those are the drivers of a computer in a box: a console and one
 * disk.  lguest 2.6.23 had a third, for a network, and so does this Guest:
 * it is the same trick a third time, receive buffers bound at a key and
 * sends to other keys, with the twist that the other end is another Guest
 * (D:600). :*/
