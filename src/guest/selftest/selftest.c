/*P:140 src/guest/selftest/ tests pieces of the Guest kernel that need no
 * Host, by linking the kernel's own C files into ordinary 32-bit Linux programs
 * (system calls by int $0x80, no libc) and running them on the machine that
 * builds them.  selftest.c holds crc32.c, printk.c and cmdline.c to values
 * computed independently; ext2test.c runs ext2.c against an image made by
 * mke2fs, and lets e2fsck judge what it wrote; filetest.c runs file.c's
 * descriptors and pipes with a stand-in process and a scheduler that never
 * sleeps; ttytest.c plays Launcher to console.c's line discipline.
 * `make selftest` in src/guest runs them all (so does `make test`), which
 * catches a broken checksum, a corrupt disk or a shell-breaking pipe before
 * anybody has to boot a Guest to find out. :*/

/* selftest.c itself: crc32.c checked against the table-free bitwise CRC below,
 * and printk.c and cmdline.c against expected strings. */
#include "kernel.h"

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ __volatile__("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

/* The kernel's printk writes here; we keep what it wrote to compare. */
static char out[512];
static unsigned long out_len;
static int failures;

struct lguest_data lguest_data;
unsigned long hcall(unsigned long call, unsigned long a1, unsigned long a2, unsigned long a3)
{
	(void)a2;
	(void)a3;
	if (call == LHCALL_CRASH) {
		const char *msg = (const char *)(a1 + PAGE_OFFSET);

		if (strlen(msg) != 13 || memcmp(msg, "Power down 42", 13) != 0) {
			sys3(4, 2, (long)"selftest: wrong power-off message\n", 34);
			sys3(1, 1, 0, 0);
		}
		sys3(4, 1, (long)(failures ? "selftest: FAILED\n" : "selftest: all passed\n"),
		     failures ? 17 : 21);
		sys3(1, failures ? 1 : 0, 0, 0);
	}
	return 0;
}

void irq_disable(void)
{
}

void console_write(const char *s, unsigned long n)
{
	while (n-- && out_len < sizeof(out) - 1)
		out[out_len++] = *s++;
	out[out_len] = '\0';
}

static void expect(const char *what, const char *want)
{
	if (out_len != strlen(want) || memcmp(out, want, out_len) != 0) {
		failures++;
		sys3(4, 2, (long)"selftest: FAIL ", 15);
		sys3(4, 2, (long)what, strlen(what));
		sys3(4, 2, (long)": got [", 7);
		sys3(4, 2, (long)out, out_len);
		sys3(4, 2, (long)"]\n", 2);
	}
	out_len = 0;
}

/* CRC-32 the slow way, one bit at a time, straight from the definition. */
static u32 crc32_bitwise(const u8 *p, unsigned long len)
{
	u32 crc = 0xFFFFFFFF;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320 & -(crc & 1));
	}
	return ~crc;
}

static u8 data[8192];

void _start(void)
{
	u32 seed = 12345, a, b;
	unsigned int i;

	/* The check value every CRC-32 catalogue lists for "123456789". */
	printk("%08x", crc32(0, "123456789", 9));
	expect("crc32 check value", "cbf43926");

	for (i = 0; i < sizeof(data); i++) {
		seed = seed * 1103515245 + 12345;
		data[i] = seed >> 16;
	}
	a = crc32(0, data, sizeof(data));
	b = crc32_bitwise(data, sizeof(data));
	printk("%s", a == b ? "same" : "different");
	expect("crc32 of 8 KiB, table against bitwise", "same");
	a = crc32(crc32(0, data, 1000), data + 1000, sizeof(data) - 1000);
	printk("%s", a == b ? "same" : "different");
	expect("crc32 chained", "same");

	printk("[%d|%5d|%u|%#x|%08x|%s|%c|%%|%lu|%#lx|%5s|%x]", -42, 7, 4000000000u, 0xabcu,
	       0x1fu, "str", 'z', 123456789ul, 0xc0000000ul, "ab", 0u);
	expect("printk formats", "[-42|    7|4000000000|0xabc|0000001f|str|z|%|123456789|0xc0000000|   ab|0]");
	printk("lgba: crc32(sectors 0-%u) = %08x", 15u, 0x0badf00du);
	expect("the CRC line", "lgba: crc32(sectors 0-15) = 0badf00d");
	{
		char small[8];
		int n = snprintf(small, sizeof(small), "%s", "0123456789");

		printk("%s %d", small, n);
		expect("snprintf truncation", "0123456 10");
	}
	{
		/* What the Launcher's kernelCommandLine() makes of
		 * quiet -- awk BEGIN{x} "a b" "it's" "" "back\slash" "\"q\"", and
		 * a few things a person might type. */
		char line[] = "quiet -- awk BEGIN{x} 'a b' 'it'\\''s' '' 'back\\slash' '\"q\"'"
			" \"d q\\\" \\\\\" e\\ f\tlast";
		static const char *const want[] = {
			"quiet", "--", "awk", "BEGIN{x}", "a b", "it's", "", "back\\slash",
			"\"q\"", "d q\" \\", "e f", "last",
		};
		char *w[16], **argv;
		int n = split_words(line, w, 16), i, ok = n == 12;

		for (i = 0; ok && i < n; i++)
			ok = strlen(w[i]) == strlen(want[i]) && !memcmp(w[i], want[i], strlen(want[i]));
		printk("%d words, %s", n, ok ? "as the shell would" : w[i - 1]);
		expect("split_words", "12 words, as the shell would");
		printk("%d", split_words(line, w, 0) + split_words((char[]){ " \t " }, w, 16));
		expect("split_words of nothing", "0");

		argv = parse_command_line("quiet -- echo 'a b'");
		i = quiet;
		quiet = 0;      /* or printk would say nothing */
		printk("%d [%s] [%s] %d", i, argv[0], argv[1], argv[2] == NULL);
		expect("parse_command_line", "1 [echo] [a b] 1");
		argv = parse_command_line("quest=1");
		printk("%d [%s] %d", quiet, argv[0], argv[1] == NULL);
		expect("parse_command_line without --", "0 [/init] 1");
	}
	power_off(42);
}
