#include "hostile.h"

/* DMA outside our memory.  First BIND_DMA of an array that lies beyond the
 * memory limit, at a key that is a fine address in our own RAM.  The Host
 * takes it: like lguest's, it reads a bound array only when it uses one, and
 * checks the addresses then.  Then a SEND_DMA to the console whose one piece
 * points beyond our memory.  Key 0 is private, so the Host hands it to the
 * Launcher unread, and the Launcher must refuse it ("Invalid address in
 * DMA"); one that believed it would be reading memory that is not the
 * Guest's to give. */
static struct lguest_dma bad __attribute__((aligned(16)));
static unsigned long key_word;

void kernel_main(void)
{
	hostile_start("DMA outside the Guest's memory");
	hcall(LHCALL_BIND_DMA, __pa(&key_word), 0x7FFFF000UL, (1 << 8) | 5);
	bad.used_len = 0;
	bad.addr[0] = 0x7FFFF000UL;
	bad.len[0] = 64;
	bad.len[1] = 0;
	hcall(LHCALL_SEND_DMA, LGUEST_CONSOLE_DMA_KEY, __pa(&bad), 0);
	hostile_survived("DMA outside the Guest's memory");
}
