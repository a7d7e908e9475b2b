/* String instructions as libc uses them, including the overlapping copies that memmove
 * turns into a backwards REP MOVS. */
#include "../runtime/rt.h"

static u8 buf[4096];
static u8 pages[4 * 4096] __attribute__((aligned(4096)));

static u32 sum(const u8 *p, u32 n)
{
	u32 h = 0x811c9dc5u;
	while (n--)
		h = (h ^ *p++) * 0x01000193u;
	return h;
}

static void reset(void)
{
	u32 i;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(i * 13 + (i >> 8));
}

static void rep_movsb(void *d, const void *s, u32 n)
{
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) :: "memory");
}

static void rep_movsb_back(void *d, const void *s, u32 n)
{
	/* from the last byte down, as memmove does for dst > src */
	d = (u8 *)d + n - 1;
	s = (const u8 *)s + n - 1;
	__asm__ volatile("std\n\trep movsb\n\tcld" : "+D"(d), "+S"(s), "+c"(n) :: "memory");
}

static void rep_movsl(void *d, const void *s, u32 n)
{
	__asm__ volatile("rep movsl" : "+D"(d), "+S"(s), "+c"(n) :: "memory");
}

static void report(const char *what)
{
	put_str(what);
	put_str(": ");
	put_hex(sum(buf, sizeof(buf)), 8);
	put_char('\n');
}

int main(int argc, char **argv)
{
	u32 n, d;
	const char *text = "the quick brown fox jumps over the lazy dog";
	void *di;
	u32 cx;

	/* forward copies whose destination starts inside the source: on a real CPU REP MOVSB
	 * replicates the pattern, byte by byte; a bulk copy in the emulator must do the same */
	for (d = 1; d <= 9; d++) {
		reset();
		rep_movsb(buf + 100 + d, buf + 100, 1000);
		put_str("forward overlap by ");
		put_udec(d);
		report("");
	}
	for (d = 1; d <= 9; d += 4) {
		reset();
		rep_movsl(buf + 200 + d, buf + 200, 300);
		put_str("forward dword overlap by ");
		put_udec(d);
		report("");
	}
	for (d = 1; d <= 9; d += 2) {
		reset();
		rep_movsb_back(buf + 300 + d, buf + 300, 1500);
		put_str("backward overlap by ");
		put_udec(d);
		report("");
	}
	reset();
	rep_movsb(buf + 10, buf + 2000, 0);
	report("zero-length copy");

	reset();
	di = buf + 3;
	cx = 1000;
	__asm__ volatile("rep stosl" : "+D"(di), "+c"(cx) : "a"(0xdeadbeef) : "memory");
	report("rep stosl");
	di = buf + 4000;
	cx = 77;
	__asm__ volatile("std\n\trep stosb\n\tcld" : "+D"(di), "+c"(cx) : "a"(0x5a) : "memory");
	report("std rep stosb");

	/* Bulk copies over page boundaries. An emulator that copies a page at a time (or
	 * hands the whole thing to a memmove) must still produce what a byte-at-a-time CPU
	 * does: for a forward copy onto itself shifted by d, the first d bytes repeated. */
	{
		static const u32 dist[] = { 1, 3, 4, 7, 4095, 4096, 4097 };
		u32 k, i;
		for (k = 0; k < sizeof(dist) / sizeof(dist[0]); k++) {
			for (i = 0; i < sizeof(pages); i++)
				pages[i] = (u8)(i * 7 + (i >> 9));
			rep_movsb(pages + 4000 + dist[k], pages + 4000, 8000);
			put_str("page-crossing forward copy, overlap ");
			put_udec(dist[k]);
			put_str(": ");
			put_hex(sum(pages, sizeof(pages)), 8);
			put_char('\n');
			for (i = 0; i < sizeof(pages); i++)
				pages[i] = (u8)(i * 7 + (i >> 9));
			rep_movsb_back(pages + 100, pages + 100 + dist[k], 9000);
			put_str("page-crossing backward copy (DF=1), overlap ");
			put_udec(dist[k]);
			put_str(": ");
			put_hex(sum(pages, sizeof(pages)), 8);
			put_char('\n');
		}
		for (i = 0; i < sizeof(pages); i++)
			pages[i] = (u8)(i * 5);
		{
			/* down from the top page, 8000 bytes, then up again by words */
			void *d = pages + 3 * 4096 + 2, *si = pages + 2 * 4096 + 4094;
			u32 c = 2000;
			__asm__ volatile("std\n\trep movsl\n\tcld" : "+D"(d), "+S"(si), "+c"(c) :: "memory");
			c = 1500;
			__asm__ volatile("rep movsw" : "+D"(d), "+S"(si), "+c"(c) :: "memory");
		}
		{
			void *d = pages + 3 * 4096 + 2;
			u32 c = 3000;
			__asm__ volatile("std\n\trep stosl\n\tcld" : "+D"(d), "+c"(c) : "a"(0x01020304) : "memory");
		}
		put_str("page-crossing dword copies and stores with DF=1: ");
		put_hex(sum(pages, sizeof(pages)), 8);
		put_char('\n');
	}

	/* strlen with REPNE SCASB */
	di = (void *)text;
	cx = 0xffffffff;
	__asm__ volatile("repne scasb" : "+D"(di), "+c"(cx) : "a"(0) : "memory", "cc");
	n = ~cx - 1;
	put_str("repne scasb strlen: ");
	put_udec(n);
	put_char('\n');

	/* memcmp with REPE CMPSB, equal prefix then a difference */
	{
		const char *a = "conformance-suite-A", *b = "conformance-suite-B";
		const void *si = a;
		u8 flags;
		di = (void *)b;
		cx = 19;
		__asm__ volatile("repe cmpsb\n\tlahf\n\tmovb %%ah, %3"
				 : "+D"(di), "+S"(si), "+c"(cx), "=m"(flags) :: "eax", "memory", "cc");
		put_str("repe cmpsb stops with ecx=");
		put_udec(cx);
		put_str(" at offset ");
		put_udec((u32)((const char *)si - a));
		put_str(" flags(SF ZF CF)=");
		put_hex(flags & 0xc1, 2);
		put_char('\n');
	}
	/* LODS and a copy loop built from it */
	{
		const void *si = text;
		u32 acc = 0, ax;
		for (n = 0; n < 10; n++) {
			__asm__ volatile("lodsl" : "+S"(si), "=a"(ax) :: "memory");
			acc = acc * 17 + ax;
		}
		put_str("lodsl x10: ");
		put_hex(acc, 8);
		put_char('\n');
	}
	return 0;
}
