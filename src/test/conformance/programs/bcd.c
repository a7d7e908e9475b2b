/* Every input of the decimal adjusts, with every flag compared, including the ones the
 * SDM leaves undefined (see X:260): DAA, DAS, AAA and AAS for all 256 values of AL with
 * each CF and AF, and AAM and AAD with several bases over all of AL and a spread of AH.
 * One line per instruction, base and AH: a hash of the results and the flags. */
#include "../runtime/rt.h"

#define STATUS 0x8d5

#define ADJUST(name, insn) \
	static u32 name(u32 ax, u32 fl, u32 *out) \
	{ \
		u32 f; \
		__asm__ volatile("pushl %2\n\tpopfl\n\t" insn "\n\tpushfl\n\tpopl %1" \
				 : "+a"(ax), "=&r"(f) : "r"(fl) : "cc"); \
		*out = f & STATUS; \
		return ax & 0xffff; \
	}

ADJUST(daa, "daa")
ADJUST(das, "das")
ADJUST(aaa, "aaa")
ADJUST(aas, "aas")
ADJUST(aam10, ".byte 0xd4, 10")
ADJUST(aam16, ".byte 0xd4, 16")
ADJUST(aam7, ".byte 0xd4, 7")
ADJUST(aam255, ".byte 0xd4, 255")
ADJUST(aad10, ".byte 0xd5, 10")
ADJUST(aad16, ".byte 0xd5, 16")
ADJUST(aad0, ".byte 0xd5, 0")
ADJUST(aad255, ".byte 0xd5, 255")

struct op {
	const char *name;
	u32 (*run)(u32 ax, u32 fl, u32 *out);
};

static const struct op ops[] = {
	{ "daa", daa }, { "das", das }, { "aaa", aaa }, { "aas", aas },
	{ "aam 10", aam10 }, { "aam 16", aam16 }, { "aam 7", aam7 }, { "aam 255", aam255 },
	{ "aad 10", aad10 }, { "aad 16", aad16 }, { "aad 0", aad0 }, { "aad 255", aad255 },
};

static const u32 ahs[] = { 0x00, 0x01, 0x09, 0x7f, 0x80, 0x99, 0xfe, 0xff };

int main(int argc, char **argv)
{
	u32 o, k, al, f;
	(void)argc;
	(void)argv;
	for (o = 0; o < sizeof ops / sizeof ops[0]; o++) {
		for (k = 0; k < sizeof ahs / sizeof ahs[0]; k++) {
			u32 h = 0x811c9dc5u;
			for (al = 0; al < 256; al++) {
				for (f = 0; f < 4; f++) {
					/* CF and AF in, and the other status flags set or clear */
					u32 fl = 2 | (f & 1) | (f & 2 ? 0x10 : 0) | (al & 1 ? 0x8c4 : 0), out;
					u32 ax = ops[o].run(ahs[k] << 8 | al, fl, &out);
					h = (h ^ ax) * 0x01000193u;
					h = (h ^ out) * 0x01000193u;
				}
			}
			put_str(ops[o].name);
			put_str(" ah=");
			put_hex(ahs[k], 2);
			put_str(" hash=");
			put_hex(h, 8);
			put_char('\n');
		}
	}
	return 0;
}
