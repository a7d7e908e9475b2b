#include "hostile.h"

/* DMA outside our memory.  First BIND_DMA of an array that lies beyond the
 * memory limit (the Host must check the array before it keeps it; its key is
 * a fine address in our own RAM).  If that is let through, a SEND_DMA to the
 * console whose one piece points beyond our memory: the Host or the Launcher
 * must refuse it ("bad DMA entry", or the Launcher's "Invalid address"). */
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
