/* The smallest guest: LGUEST_INIT, one line on the console, power off with the
 * status given by EXIT_STATUS (0 unless the build says otherwise). */
#include "common.S"
#ifndef EXIT_STATUS
#define EXIT_STATUS 0
#endif
	.text
main:
	say "hello from the guest"
	movl $EXIT_STATUS, %eax
	ret
