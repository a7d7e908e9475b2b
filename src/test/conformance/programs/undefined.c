/* The flags the SDM leaves undefined, where Intel's parts are consistent and our CPU
 * follows them: after BSF and BSR (as a logical operation on the index would leave
 * them), and after SHLD and SHRD (AF set; OF asks whether the last one-bit step changed
 * the sign). A program that prints its flags, as the third-party test suites do, must
 * see here what it sees on the host. Sources: zero, every single bit, pseudo-random
 * values; counts 0-31, and 0-16 for the 16-bit double shifts (beyond 16 even the
 * result is undefined). */
#include "../runtime/rt.h"

#define STATUS 0x8d5

#define SCAN(name, insn) \
	static u32 name(u32 src, u32 fl, u32 *out) \
	{ \
		u32 dst = 0x5a5a5a5a, f; \
		__asm__ volatile("pushl %3\n\tpopfl\n\t" insn "\n\tpushfl\n\tpopl %1" \
				 : "+r"(dst), "=&r"(f) : "r"(src), "r"(fl) : "cc"); \
		*out = f & STATUS; \
		return dst; \
	}

SCAN(bsfl, "bsfl %2, %0")
SCAN(bsrl, "bsrl %2, %0")
SCAN(bsfw, "bsfw %w2, %w0")
SCAN(bsrw, "bsrw %w2, %w0")

#define SHIFT(name, insn) \
	static u32 name(u32 src, u32 fl, u32 *out, u32 count) \
	{ \
		u32 dst = src * 0x9e3779b9u, f; \
		__asm__ volatile("pushl %3\n\tpopfl\n\t" insn "\n\tpushfl\n\tpopl %1" \
				 : "+r"(dst), "=&r"(f) : "r"(src), "r"(fl), "c"(count) : "cc"); \
		*out = f & STATUS; \
		return dst; \
	}

SHIFT(shldl, "shldl %%cl, %2, %0")
SHIFT(shrdl, "shrdl %%cl, %2, %0")
SHIFT(shldw, "shldw %%cl, %w2, %w0")
SHIFT(shrdw, "shrdw %%cl, %w2, %w0")

static const struct {
	const char *name;
	u32 (*run)(u32 src, u32 fl, u32 *out, u32 count);
	u32 counts;
} shifts[] = { { "shld r32", shldl, 32 }, { "shrd r32", shrdl, 32 }, { "shld r16", shldw, 17 }, { "shrd r16", shrdw, 17 } };

static const struct {
	const char *name;
	u32 (*run)(u32 src, u32 fl, u32 *out);
} ops[] = { { "bsf r32", bsfl }, { "bsr r32", bsrl }, { "bsf r16", bsfw }, { "bsr r16", bsrw } };

int main(int argc, char **argv)
{
	u32 o, k, f, x = 0x2545f491u;
	(void)argc;
	(void)argv;
	for (o = 0; o < 4; o++) {
		u32 h = 0x811c9dc5u;
		for (k = 0; k < 34 + 200; k++) {
			u32 src = k == 0 ? 0 : k <= 32 ? 1u << (k - 1) : k == 33 ? 0x10000 : (x ^= x << 13, x ^= x >> 17, x ^= x << 5);
			for (f = 0; f < 2; f++) {
				u32 out, dst = ops[o].run(src, f ? 2 | STATUS : 2, &out);
				h = (h ^ dst) * 0x01000193u;
				h = (h ^ out) * 0x01000193u;
			}
		}
		put_str(ops[o].name);
		put_str(" hash=");
		put_hex(h, 8);
		put_char('\n');
	}
	for (o = 0; o < 4; o++) {
		u32 h = 0x811c9dc5u, n;
		for (n = 0; n < shifts[o].counts; n++) {
			for (k = 0; k < 64; k++) {
				u32 src = (x ^= x << 13, x ^= x >> 17, x ^= x << 5), out;
				u32 dst = shifts[o].run(src, k & 1 ? 2 | STATUS : 2, &out, n | (k & 2 && n < 16 ? 32 : 0));
				h = (h ^ dst) * 0x01000193u;
				h = (h ^ out) * 0x01000193u;
			}
		}
		put_str(shifts[o].name);
		put_str(" hash=");
		put_hex(h, 8);
		put_char('\n');
	}
	return 0;
}
