/* LAR, LSL, VERR, VERW and ARPL on the selectors a ring-3 process can name: its own
 * CS, SS, DS and ES with every RPL, the null selectors, selectors into an LDT it does
 * not have, and selectors past the end of the GDT. */
#include "../runtime/rt.h"

/* The protected-mode questions need no privilege: any program may ask what a selector
 * would give it. Linux and x86run number their GDTs differently (user code is 0x73 on
 * one and 0x1B on the other), so no selector value is printed, only the name of the
 * register it came from; the descriptors behind them are alike (flat, 4 GiB, DPL 3, and
 * marked accessed once loaded), so the answers must be too. A failing query leaves its
 * destination alone, so every destination starts as 0x5A5A5A5A. */

struct probe {
	const char *name;
	u16 sel;
};

#define ASK(insn, src, dst, z) \
	__asm__ volatile("movl $0x5a5a5a5a, %0\n\t" insn "\n\tsetz %b1" \
			 : "=&r"(dst), "=&q"(z) : "r"((u32)(src)) : "cc")

static void show(const char *what, u32 zf, u32 v)
{
	put_str(" ");
	put_str(what);
	put_str(zf & 1 ? "=ok:" : "=no:");
	put_hex(v, 8);
}

static void ask(const struct probe *p)
{
	u32 d, z, v;
	u16 m = p->sel;
	put_str(p->name);
	ASK("larl %w2, %0", p->sel, d, z);
	show("lar", z, d);
	ASK("larw %w2, %w0", p->sel, d, z);
	show("larw", z, d);
	ASK("lsll %w2, %0", p->sel, d, z);
	show("lsl", z, d);
	ASK("lslw %w2, %w0", p->sel, d, z);
	show("lslw", z, d);
	__asm__ volatile("movl $0x5a5a5a5a, %0\n\tlarl %2, %0\n\tsetz %b1" : "=&r"(d), "=&q"(z) : "m"(m) : "cc");
	show("lar-m", z, d);
	__asm__ volatile("movl $0x5a5a5a5a, %0\n\tlsll %2, %0\n\tsetz %b1" : "=&r"(d), "=&q"(z) : "m"(m) : "cc");
	show("lsl-m", z, d);
	ASK("verr %w2", p->sel, d, z);
	show("verr", z, 0);
	ASK("verw %w2", p->sel, d, z);
	show("verw", z, 0);
	__asm__ volatile("verr %1\n\tsetz %b0" : "=q"(z) : "m"(m) : "cc");
	show("verr-m", z, 0);
	__asm__ volatile("verw %1\n\tsetz %b0" : "=q"(z) : "m"(m) : "cc");
	show("verw-m", z, 0);
	/* ARPL raises the destination's RPL to the source's, and says whether it did */
	v = 0x12340000u | p->sel;
	__asm__ volatile("arpl %w2, %w0\n\tsetz %b1" : "+r"(v), "=&q"(z) : "r"(0xfff1u) : "cc");
	show("arpl1", z, v & 0xffff0003u);
	v = 0x12340000u | p->sel;
	__asm__ volatile("arpl %w2, %w0\n\tsetz %b1" : "+r"(v), "=&q"(z) : "r"(0x0003u) : "cc");
	show("arpl3", z, v & 0xffff0003u);
	put_char('\n');
}

int main(int argc, char **argv)
{
	static const char *const seg[4] = { "cs", "ss", "ds", "es" };
	static const struct probe fixed[] = {
		{ "null", 0 }, { "null|3", 3 }, { "ldt-4", 4 }, { "ldt-7", 7 }, { "ldt-0x0c", 0x0c },
		{ "ldt-0xfffc", 0xfffc }, { "gdt-0xfff8", 0xfff8 }, { "gdt-0xfffb", 0xfffb },
		{ "gdt-0x8000", 0x8000 },
	};
	static char names[16][8];
	u16 s[4];
	int i, rpl;
	(void)argc;
	(void)argv;
	__asm__ volatile("movw %%cs, %0" : "=r"(s[0]));
	__asm__ volatile("movw %%ss, %0" : "=r"(s[1]));
	__asm__ volatile("movw %%ds, %0" : "=r"(s[2]));
	__asm__ volatile("movw %%es, %0" : "=r"(s[3]));
	for (i = 0; i < 4; i++) {
		for (rpl = 0; rpl < 4; rpl++) {
			struct probe p;
			char *n = names[i * 4 + rpl];
			n[0] = seg[i][0];
			n[1] = seg[i][1];
			n[2] = '|';
			n[3] = (char)('0' + rpl);
			n[4] = 0;
			p.name = n;
			p.sel = (u16)((s[i] & ~3) | rpl);
			ask(&p);
		}
	}
	for (i = 0; i < (int)(sizeof fixed / sizeof fixed[0]); i++)
		ask(&fixed[i]);
	return 0;
}
