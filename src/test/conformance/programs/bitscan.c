/* BSF and BSR with every flag compared, including the five the SDM leaves undefined:
 * Intel's parts leave them as a logical operation on the index would, and a program
 * that prints its flags (as the third-party test suites do) must see the same here.
 * Sources: zero, every single bit, and pseudo-random values, at both operand sizes. */
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
	return 0;
}
