#include "hostile.h"

/* A hypercall before LGUEST_INIT.  Until the Guest has registered its
 * lguest_data the Host accepts nothing else: "hypercall 13 before
 * LGUEST_INIT".  The call we make is the console write of our own
 * announcement, so this is the one hostile guest whose "hostile:" line only
 * appears if the Host got it wrong. */
static char line[] = "hostile: hypercall before LGUEST_INIT\n";
static struct lguest_dma dma;

void early_hook(void)
{
	dma.used_len = 0;
	dma.addr[0] = __pa(line);
	dma.len[0] = sizeof(line) - 1;
	dma.len[1] = 0;
	hcall(LHCALL_SEND_DMA, LGUEST_CONSOLE_DMA_KEY, __pa(&dma), 0);
}

void kernel_main(void)
{
	hostile_survived("hypercall before LGUEST_INIT");
}
