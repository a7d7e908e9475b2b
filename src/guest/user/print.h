/* Output for the user programs that compare themselves with Linux (signals.c,
 * ldt.c): lines gathered in a buffer and written at once, so that what a
 * handler prints lands in order with the rest.  Numbers are eight hex digits
 * after a space. */
#ifndef USER_PRINT_H
#define USER_PRINT_H

#include "syscall.h"

static char out[8192];
static unsigned long used;

static void put(const char *s)
{
	while (*s && used < sizeof(out))
		out[used++] = *s++;
}

static void hex(unsigned long v)
{
	char b[10];
	int i;

	b[0] = ' ';
	for (i = 8; i >= 1; i--, v >>= 4)
		b[i] = "0123456789abcdef"[v & 15];
	b[9] = 0;
	put(b);
}

static void flush(void)
{
	write(1, out, used);
	used = 0;
}

#endif
