/* src/guest/bus.c is the lguest bus: the page of device descriptors
 * the Launcher leaves just above the Guest's RAM, and the two hypercalls every
 * driver is built on, BIND_DMA and SEND_DMA. */
#include "kernel.h"

static struct lguest_device_desc *lguest_devices;
static struct lguest_device devices[LGUEST_MAX_DEVICES];

static const char *const device_types[] = { "none", "console", "net", "block" };

/*D:100 A device's memory is memory the Launcher set aside above our RAM:
 * the descriptor page at max_pfn, and then each device's own pages.
 * Neither the Launcher's page tables nor ours map any of it (both map RAM and
 * nothing else), so before we can read a descriptor we map it ourselves, at
 * the address the linear map would have given it, PAGE_OFFSET plus its
 * physical address.  That keeps __va() and __pa() true for device memory too.
 * lguest's Guest used ioremap() for the same job.
 *
 * These are live kernel mappings, so map_page() tells the Host with SET_PTE,
 * which updates the kernel half of every shadow page table it keeps. */
void *lguest_map_pages(unsigned long pfn, unsigned int pages)
{
	unsigned int i;

	if (pages == 0 || pfn + pages < pfn
	    || pfn + pages > ((0xFFC00000UL - PAGE_OFFSET) >> PAGE_SHIFT))
		return NULL;
	for (i = 0; i < pages; i++)
		map_page((unsigned long)__va((pfn + i) << PAGE_SHIFT), (pfn + i) << PAGE_SHIFT,
			 PTE_PRESENT | PTE_RW | PTE_ACCESSED | PTE_DIRTY);
	return __va(pfn << PAGE_SHIFT);
}
/*:*/

/*D:110 Finding the devices is reading a table: sixteen descriptors of
 * twelve bytes, a type of 0 meaning an empty slot.  Device i raises IRQ i + 1
 * (IRQ 0 is the timer).  As lguest's bus did, we acknowledge each device we
 * see by setting the ACKNOWLEDGE bit in its status: the Launcher can tell a
 * Guest that never looked from one that found no driver.  And we print each
 * one, since "which devices did the Guest see, at which pfn and IRQ" is the
 * first question when a driver does not work. */
void lguest_bus_init(void)
{
	unsigned int i;

	lguest_devices = lguest_map_pages(max_pfn, 1);
	if (!lguest_devices)
		panic("cannot map the device page at pfn %#lx", max_pfn);
	for (i = 0; i < LGUEST_MAX_DEVICES; i++) {
		struct lguest_device_desc *d = &lguest_devices[i];
		unsigned int type = READ_ONCE(d->type);

		if (!type)
			continue;
		devices[i].index = i;
		devices[i].irq = i + 1;
		devices[i].desc = d;
		WRITE_ONCE(d->status, d->status | LGUEST_DEVICE_S_ACKNOWLEDGE);
		printk("lguest bus: device %u: %s, irq %u, features %#x, %u page(s) at pfn %#x\n",
		       i, type < 4 ? device_types[type] : "unknown", i + 1,
		       (unsigned int)d->features, (unsigned int)d->num_pages, d->pfn);
	}
}
/*:*/

/*D:120 Matching drivers to devices is matching types.  A driver that takes
 * a device sets DRIVER; when its probe succeeds it adds DRIVER_OK, and when it
 * fails, FAILED.  A device with no driver keeps just ACKNOWLEDGE.
 *
 * The status word is the Launcher's only view of what the Guest made of its
 * devices, and ours acts on it once: it announces the end of the console's
 * input only after the console says DRIVER_OK, since before that there is
 * nobody in the Guest to hear it, and a Guest without a console driver would
 * be interrupted over and over for nothing.  The first driver of the right type wins; this
 * kernel has one driver per type, so there is no contest. */
void lguest_bus_probe(const struct lguest_driver *drivers[], unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < LGUEST_MAX_DEVICES; i++) {
		struct lguest_device *dev = &devices[i];

		if (!dev->desc)
			continue;
		for (j = 0; j < n; j++) {
			if (drivers[j]->device_type != dev->desc->type)
				continue;
			WRITE_ONCE(dev->desc->status, dev->desc->status | LGUEST_DEVICE_S_DRIVER);
			if (drivers[j]->probe(dev) == 0)
				WRITE_ONCE(dev->desc->status,
					   dev->desc->status | LGUEST_DEVICE_S_DRIVER_OK);
			else
				WRITE_ONCE(dev->desc->status,
					   dev->desc->status | LGUEST_DEVICE_S_FAILED);
			break;
		}
	}
}
/*:*/

/*D:200 DMA, the one mechanism under every driver.  A struct lguest_dma
 * describes a buffer as up to sixteen pieces of guest-physical memory, each
 * inside one page; a length of 0 ends the list.  BIND_DMA offers an array of
 * such buffers to receive at a key, with the IRQ to raise when one is
 * filled; the Host answers 1 if it took the binding.  SEND_DMA sends one to a
 * key, and where it goes depends on whose memory the key is in.  A key in
 * memory other Guests share with us (a --sharenet file their Launchers map
 * too) reaches another Guest: the Host copies our buffer into one that Guest
 * bound there.  A key in our own private memory, as every key of the console
 * and the block device is, goes to our Launcher, which plays the device.
 *
 * A key is a physical address in the device's own memory, by convention;
 * the console's is 0.  used_len is 0 while a buffer is free and becomes the
 * number of bytes moved, which is why we clear it before we send. */
int lguest_bind_dma(unsigned long key, struct lguest_dma *dmas, unsigned int num,
		    unsigned int irq)
{
	return hcall(LHCALL_BIND_DMA, key, __pa(dmas), (num << 8) | irq) != 0;
}

void lguest_send_dma(unsigned long key, struct lguest_dma *dma)
{
	dma->used_len = 0;
	hcall(LHCALL_SEND_DMA, key, __pa(dma), 0);
}
/*:*/
