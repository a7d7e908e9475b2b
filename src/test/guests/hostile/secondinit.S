/* Hostile: LGUEST_INIT a second time. */
#include "../common.S"
	.text
main:
	say "hostile: a second LGUEST_INIT"
	hcall LHCALL_LGUEST_INIT, $PA(lguest_data)
	say "still alive?"
	movl $0, %eax
	ret
