#include "rt.h"

/* Output goes through one buffer. The conformance programs print the same bytes
 * natively and emulated, and the test compares them byte for byte, so nothing here may
 * depend on where the stack or the break happens to be: only on the computation. */
static char out_buf[8192];
static u32 out_len;

long rt_write(int fd, const void *buf, size_t len)
{
	return rt_syscall3(SYS_write, fd, (long)buf, (long)len);
}

long rt_brk(u32 addr)
{
	return rt_syscall3(SYS_brk, (long)addr, 0, 0);
}

void flush_out(void)
{
	u32 done = 0;
	while (done < out_len) {
		long n = rt_write(1, out_buf + done, out_len - done);
		if (n <= 0)
			break;
		done += (u32)n;
	}
	out_len = 0;
}

void rt_exit(int status)
{
	flush_out();
	rt_syscall3(SYS_exit_group, status, 0, 0);
	for (;;)
		rt_syscall3(SYS_exit, status, 0, 0);
}

void put_char(char c)
{
	if (out_len == sizeof(out_buf))
		flush_out();
	out_buf[out_len++] = c;
}

void put_str(const char *s)
{
	while (*s)
		put_char(*s++);
}

void put_hex(u32 v, int digits)
{
	static const char hexdig[] = "0123456789abcdef";
	int i;
	for (i = digits - 1; i >= 0; i--)
		put_char(hexdig[(v >> (4 * i)) & 15]);
}

void put_udec(u32 v)
{
	char tmp[12];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		put_char(tmp[--n]);
}

void put_dec(s32 v)
{
	if (v < 0) {
		put_char('-');
		put_udec(0u - (u32)v);
	} else {
		put_udec((u32)v);
	}
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (u8)*a - (u8)*b;
}

/* gcc may call these four for structure copies even in freestanding code, so they must
 * exist; they are plain loops on purpose (the string instructions get their own tests). */
void *memcpy(void *d, const void *s, size_t n)
{
	u8 *dp = d;
	const u8 *sp = s;
	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	u8 *dp = d;
	const u8 *sp = s;
	if (dp < sp) {
		while (n--)
			*dp++ = *sp++;
	} else {
		while (n--)
			dp[n] = sp[n];
	}
	return d;
}

void *memset(void *d, int c, size_t n)
{
	u8 *dp = d;
	while (n--)
		*dp++ = (u8)c;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

int rt_main(u32 *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	int status = main(argc, argv);
	flush_out();
	return status;
}
