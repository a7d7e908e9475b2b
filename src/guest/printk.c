/* src/guest/printk.c is the kernel's voice: formatted output to the
 * console, panic, and the way a Guest turns itself off, which on lguest is
 * a crash with a polite message. */
#include "kernel.h"

#include <stdarg.h>

/*U:126 memset and memcpy are where a kernel spends its time when it moves
 * data: every read() and write() through a pipe or a file, every page a fork
 * copies, every buffer zeroed.  Written as a byte loop they cost the CPU
 * several instructions per byte: a dd reading /dev/zero into a buffer as big
 * as a 64 MB Guest's memory took half a billion instructions before the OOM
 * killer (U:920) ended it.  The i386 has instructions for exactly this:
 * "rep stosl" stores ECX words of EAX at EDI, "rep movsl" copies ECX words from
 * ESI to EDI, and Linux's own i386 memcpy is built on them.  On the emulated
 * CPU they matter more still: a REP string instruction is one instruction that
 * the CPU carries out a page at a time with one Java array copy (X:250), and
 * the same dd now takes nine million instructions.  The odd bytes at the end
 * go by "rep stosb" or "rep movsb".  Both run forwards, which is why every way
 * into the kernel clears the direction flag first (G:480).  memmove copies
 * backwards only when the regions overlap that way, and that is rare enough
 * for a byte loop. */
void *memset(void *d, int c, unsigned long n)
{
	void *p = d;
	unsigned long words = n >> 2, bytes = n & 3;
	u32 v = (u8)c * 0x01010101u;

	asm volatile("rep stosl" : "+D"(p), "+c"(words) : "a"(v) : "memory");
	asm volatile("rep stosb" : "+D"(p), "+c"(bytes) : "a"(v) : "memory");
	return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	void *p = d;
	const void *q = s;
	unsigned long words = n >> 2, bytes = n & 3;

	asm volatile("rep movsl" : "+D"(p), "+S"(q), "+c"(words) : : "memory");
	asm volatile("rep movsb" : "+D"(p), "+S"(q), "+c"(bytes) : : "memory");
	return d;
}
/*:*/

void *memmove(void *d, const void *s, unsigned long n)
{
	u8 *p = d;
	const u8 *q = s;

	if (p <= q || p >= q + n)
		return memcpy(d, s, n);
	while (n--)
		p[n] = q[n];
	return d;
}

int memcmp(const void *a, const void *b, unsigned long n)
{
	const u8 *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

unsigned long strlen(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

struct outbuf {
	char *buf;
	unsigned long size, len;
};

static void put(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

/* Numbers are printed with 32-bit arithmetic only: a 64-bit division would
 * need libgcc's helpers, which a freestanding kernel does not have. */
static void put_number(struct outbuf *o, unsigned long v, unsigned int base, int neg,
		       int width, char pad, const char *prefix, int upper)
{
	char digits[12];
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0, len;

	do {
		digits[n++] = set[v % base];
		v /= base;
	} while (v);
	len = n + (neg ? 1 : 0) + (int)strlen(prefix);
	if (pad == ' ')
		for (; width > len; width--)
			put(o, ' ');
	if (neg)
		put(o, '-');
	while (*prefix)
		put(o, *prefix++);
	if (pad == '0')
		for (; width > len; width--)
			put(o, '0');
	while (n)
		put(o, digits[--n]);
}

static int vformat(char *buf, unsigned long size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int alt = 0, width = 0, left = 0;
		unsigned long start;
		char pad = ' ';

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		for (fmt++; *fmt == '#' || *fmt == '0' || *fmt == '-'; fmt++) {
			alt |= *fmt == '#';
			left |= *fmt == '-';
			if (*fmt == '0')
				pad = '0';
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (left) {            /* "%-8s": the field first, then the spaces */
			left = width;
			width = 0;
			pad = ' ';
		}
		start = o.len;
		if (*fmt == 'l')
			fmt++;
		switch (*fmt) {
		case 'd':
		case 'i': {
			long v = va_arg(ap, long);

			put_number(&o, v < 0 ? -(unsigned long)v : (unsigned long)v, 10,
				   v < 0, width, pad, "", 0);
			break;
		}
		case 'u':
			put_number(&o, va_arg(ap, unsigned long), 10, 0, width, pad, "", 0);
			break;
		case 'x':
		case 'X':
			put_number(&o, va_arg(ap, unsigned long), 16, 0, width, pad,
				   alt ? "0x" : "", *fmt == 'X');
			break;
		case 'p':
			put_number(&o, (unsigned long)va_arg(ap, void *), 16, 0, width, pad, "0x", 0);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len;

			if (!s)
				s = "(null)";
			len = (int)strlen(s);
			for (; width > len; width--)
				put(&o, ' ');
			while (*s)
				put(&o, *s++);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '%');
			if (!*fmt)
				fmt--;
			else
				put(&o, *fmt);
		}
		while (o.len - start < (unsigned long)left)
			put(&o, ' ');
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, unsigned long size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/*U:790 The kernel's log.  Every message printk() makes is also kept, quiet
 * or not, in a ring of 16 KiB that only ever overwrites its oldest bytes,
 * for dmesg to read with syslog() (U:792): "quiet" keeps the console clean,
 * not the kernel's memory short.  Two places in it move on their own:
 * where dmesg -c cleared it, and how far klogd has taken it, since klogd
 * reads each message once, as it comes, to hand it to syslogd. */
#define LOG_SIZE 16384
static char log_buf[LOG_SIZE];
static u32 log_end;                 /* bytes ever logged: the ring holds the last LOG_SIZE */

int printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n, i, len;

	va_start(ap, fmt);
	n = vformat(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	len = n < (int)sizeof(buf) ? n : (int)sizeof(buf) - 1;
	for (i = 0; i < len; i++)
		log_buf[log_end++ % LOG_SIZE] = buf[i];
	if (quiet)
		return 0;
	console_write(buf, len);
	return n;
}

static u32 log_cleared;               /* where dmesg -c last cleared it */
static u32 log_taken;                 /* what syslog(SYSLOG_ACTION_READ) has taken (klogd) */

/* Bytes from *from up to the end, into buf (a kernel buffer of size bytes),
 * oldest first, but none the ring has lost; *from moves past them. */
static unsigned long log_copy_out(u32 *from, char *buf, unsigned long size)
{
	u32 start = *from, n = 0;

	if (log_end - start > LOG_SIZE)
		start = log_end - LOG_SIZE;
	while (start != log_end && n < size)
		buf[n++] = log_buf[start++ % LOG_SIZE];
	*from = start;
	return n;
}

/* The log since it was last cleared, as much as fits, the newest part. */
unsigned long log_read(char *buf, unsigned long size)
{
	u32 from = log_end - log_cleared > size ? log_end - size : log_cleared;

	return log_copy_out(&from, buf, size);
}

void log_clear(void)
{
	log_cleared = log_end;
}

/* What nobody has taken yet, taken: a reader that keeps up sees every byte once. */
unsigned long log_take(char *buf, unsigned long size)
{
	return log_copy_out(&log_taken, buf, size);
}

unsigned long log_unread(void)
{
	return log_end - log_taken > LOG_SIZE ? LOG_SIZE : log_end - log_taken;
}
/*:*/

/*G:698 The end of a Guest.  When its first process exits, the kernel has
 * nobody left to serve (U:350) and turns the machine off with that process's
 * status.  There is no power switch to flip; lguest's Guest turned itself
 * off by crashing on purpose, with LHCALL_CRASH and the message "Power
 * down", and its Launcher reported that like any other death.  We keep the
 * call and give the message a meaning the Launcher can act on: "Power down"
 * is a clean exit with status 0, "Power down N" one with status N, and any
 * other crash message is a panic.  The Host reads at most 128 bytes from the
 * physical address we give, so the message lives in a static buffer of
 * exactly that size, in RAM, and always ends with a NUL inside it.
 *
 * The call never returns, since the Host does not run a crashed Guest again;
 * the loop is for the reader who wonders what happens if it did. */
static char last_words[LGUEST_CRASH_MESSAGE_MAX];

static void __attribute__((noreturn)) crash(void)
{
	last_words[sizeof(last_words) - 1] = '\0';
	for (;;)
		hcall(LHCALL_CRASH, __pa(last_words), 0, 0);
}

void power_off(int status)
{
	irq_disable();
	if (status)
		snprintf(last_words, sizeof(last_words), "%s %d", LGUEST_POWER_DOWN, status);
	else
		snprintf(last_words, sizeof(last_words), "%s", LGUEST_POWER_DOWN);
	crash();
}

void restart(void)
{
	irq_disable();
	snprintf(last_words, sizeof(last_words), "%s", LGUEST_RESTART);
	crash();
}

void panic(const char *fmt, ...)
{
	static int panicking;
	va_list ap;

	irq_disable();
	if (!panicking++) {
		quiet = 0;
		va_start(ap, fmt);
		vformat(last_words, sizeof(last_words), fmt, ap);
		va_end(ap);
		printk("Kernel panic: %s\n", last_words);
	}
	crash();
}
/*:*/
