#include "hostile.h"

/* LGUEST_INIT a second time, with the same page: "already have
 * lguest_data". */
void kernel_main(void)
{
	hostile_start("second LGUEST_INIT");
	hcall(LHCALL_LGUEST_INIT, __pa(&lguest_data), 0, 0);
	hostile_survived("second LGUEST_INIT");
}
