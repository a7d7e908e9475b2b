/*P:145 src/guest/console.c is the console driver, lguest's hvc_lguest in a
 * few dozen lines: output is a DMA sent to key 0, input a buffer bound there. :*/
#include "kernel.h"

/*D:300 Output.  Each write is one SEND_DMA to key 0, which no other Guest
 * binds, so the Host hands it to our Launcher, which writes the bytes to its
 * standard output and lets us run on.  The bytes are copied first into a
 * page-aligned page of our own: a DMA piece may not cross a page boundary,
 * and a caller's string may well cross one.  Writing from a page we own also
 * means a user program's buffer is read once, by us, not by the Host.
 *
 * Interrupts are off meanwhile, so that a line printed by an interrupt
 * handler cannot land in the middle of this one, or in this one's buffer. */
static char console_out[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct lguest_dma console_out_dma;

void console_write(const char *s, unsigned long len)
{
	unsigned long flags = irq_save();

	while (len) {
		unsigned long n = len < PAGE_SIZE ? len : PAGE_SIZE;

		memcpy(console_out, s, n);
		console_out_dma.addr[0] = __pa(console_out);
		console_out_dma.len[0] = n;
		console_out_dma.len[1] = 0;
		lguest_send_dma(LGUEST_CONSOLE_DMA_KEY, &console_out_dma);
		s += n;
		len -= n;
	}
	irq_restore(flags);
}
/*:*/

/*D:310 Input.  We bind one 256-byte buffer at key 0 with the console's IRQ.
 * When the Launcher has input, it finds the buffer (it must be free, that
 * is, have used_len 0), copies the bytes in, sets used_len and raises the
 * IRQ.  Our handler moves the bytes into a ring and frees the buffer by
 * zeroing used_len, in that order: the moment used_len is 0 the Launcher may
 * fill it again.  Until then, typing waits in the Launcher. */
static char console_in[LGUEST_CONSOLE_INPUT_BYTES] __attribute__((aligned(LGUEST_CONSOLE_INPUT_BYTES)));
static struct lguest_dma console_in_dma;
static char input_ring[1024];
static unsigned int input_head, input_tail;
static int input_ended;
/*:*/

/*D:315 The end of the input.  lguest's console never ended: a terminal
 * does not.  But a Launcher whose standard input is a pipe or a file reaches
 * its end, and a shell reading commands from it should then see end of file
 * and exit, as it would on Linux.  So, our one deviation from lguest's
 * console protocol: after the last byte, the Launcher fills our buffer once
 * more with the impossible length LGUEST_CONSOLE_EOF (0xFFFFFFFF, more than
 * any buffer), which means "no more, ever".  From then on a read that finds
 * nothing in the ring returns 0 instead of waiting. */
#define LGUEST_CONSOLE_EOF 0xFFFFFFFFUL

int console_eof(void)
{
	return READ_ONCE(input_ended);
}

static void console_irq(unsigned int irq, void *arg)
{
	unsigned long i, n = READ_ONCE(console_in_dma.used_len);

	(void)irq;
	(void)arg;
	if (n == LGUEST_CONSOLE_EOF) {
		input_ended = 1;
		n = 0;
	}
	if (n > sizeof(console_in))
		n = sizeof(console_in);
	for (i = 0; i < n; i++) {
		if (input_head - input_tail == sizeof(input_ring))
			break;
		input_ring[input_head++ % sizeof(input_ring)] = console_in[i];
	}
	barrier();
	WRITE_ONCE(console_in_dma.used_len, 0);
}

int console_ready(void)
{
	return input_head != input_tail;
}

int console_read(char *buf, unsigned long len)
{
	unsigned long flags = irq_save();
	unsigned long n = 0;

	while (n < len && input_tail != input_head)
		buf[n++] = input_ring[input_tail++ % sizeof(input_ring)];
	irq_restore(flags);
	return (int)n;
}

static int console_probe(struct lguest_device *dev)
{
	console_in_dma.used_len = 0;
	console_in_dma.addr[0] = __pa(console_in);
	console_in_dma.len[0] = sizeof(console_in);
	console_in_dma.len[1] = 0;
	request_irq(dev->irq, console_irq, NULL);
	if (!lguest_bind_dma(LGUEST_CONSOLE_DMA_KEY, &console_in_dma, 1, dev->irq)) {
		printk("console: the Host refused our input buffer\n");
		return -1;
	}
	return 0;
}

const struct lguest_driver console_driver = {
	.name = "console",
	.device_type = LGUEST_DEVICE_T_CONSOLE,
	.probe = console_probe,
};
/*:*/
