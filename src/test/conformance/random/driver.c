/*
 * The case driver of the random conformance program. Usage:
 *   conf_random              one summary line per form, then the totals
 *   conf_random -v N         every case of form N, one line each
 *   conf_random -n CASES     cases per form (default 128)
 *   conf_random -s SEED      another seed
 *   conf_random -x N         plant a wrong result in form N (to test the test)
 */
#include "cases.h"

/*M:520 How do we know the emulated CPU is right? We ask the real one. This machine runs
 * 32-bit x86 code natively, so the same freestanding program can run twice, once on the
 * silicon and once on lguest.machine under bin/x86run, and must print exactly the same.
 *
 * The program runs "cases": one instruction form, one variant of it, and input values for
 * every register, the flags and the memory around the operand. Each case runs a stub that
 * loads all of that, executes the one instruction, and stores everything back. Inputs come
 * from a pseudo-random generator whose seed both runs are given, so they see the same
 * cases; the test picks a new seed each time and prints it (-Dseed= repeats a run), so
 * that every run tries cases no earlier one did. They are weighted towards the values where CPUs and emulators go wrong: 0, 1, -1, the
 * sign bit and its neighbours (0x7F/0x80, 0x7FFF/0x8000, 0x7FFFFFFF/0x80000000), single
 * bits, equal operands, shift counts of 0, 1, the width and 32 and beyond.
 *
 * Only what the SDM defines is compared. After MUL, SF ZF AF PF are "undefined", and a real
 * Pentium and a real Core may leave different values there, so an emulator may too; the
 * driver masks them out rather than freezing one CPU's accident into the test.
 *
 * The program prints one line per form: its number of cases and a hash of every defined
 * output of every case, which keeps two hundred thousand cases under a thousand lines.
 * When a hash differs, RandomInstructionsTest runs that one form again on both machines
 * with -v and shows the first case where they part ways, the two outputs one above the
 * other with carets under the differing digits. And since a comparison that never fails
 * proves nothing, the harness is tested too: -x plants a one-bit error in one case of one
 * form, and the same comparison must find exactly that form and that case. :*/

#define CF 0x001
#define PF 0x004
#define AF 0x010
#define ZF 0x040
#define SF 0x080
#define DF 0x400
#define OF 0x800
#define ID 0x200000
#define STATUS (CF | PF | AF | ZF | SF | OF)
#define ALLF (STATUS | DF)

struct cpu_state g_in, g_out;
u32 g_saved_esp;
u32 g_taken;
u8 g_buf[8192] __attribute__((aligned(4096)));
#define M (g_buf + 4096)
#define MA ((u32)(g_buf + 4096))

/* --- the pseudo-random source: xorshift32, seeded per form from the form's name, so that
 *     adding a form leaves the cases of every other form as they were --- */
static u32 rng;

static u32 rnd(void)
{
	u32 x = rng;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rng = x;
}

static u32 below(u32 n)
{
	return rnd() % n;
}

static u32 width_mask(int size)
{
	return size == 32 ? 0xffffffffu : (1u << size) - 1;
}

/* A value whose low `size` bits are weighted to the edges and whose upper bits are random,
 * so that an 8- or 16-bit operation that disturbs the rest of its register shows. */
static u32 edge(int size)
{
	u32 mask = width_mask(size);
	u32 top = 1u << (size - 1);
	u32 hi = rnd();
	u32 v;
	switch (below(32)) {
	case 0: v = 0; break;
	case 1: v = 1; break;
	case 2: v = mask; break;
	case 3: v = top; break;
	case 4: v = top - 1; break;
	case 5: v = top + 1; break;
	case 6: v = mask - 1; break;
	case 7: v = 2; break;
	case 8: v = 1u << below(size); break;
	case 9: v = ~(1u << below(size)); break;
	case 10: v = rnd() & rnd() & rnd(); break;
	case 11: v = rnd() | rnd() | rnd(); break;
	case 12: v = below(16); break;
	case 13: v = 0u - below(16); break;
	case 14: v = top + below(8) - 4; break;
	case 15: { static const u32 e[] = { 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
					     0x7fffffff, 0x80000000, 0x100, 0x10000 };
		   v = e[below(10)]; break; }
	case 16: v = rnd() >> below(32); break;
	default: v = rnd(); break;
	}
	return (v & mask) | (hi & ~mask);
}

static u32 shift_count(int size)
{
	static const u32 e[] = { 0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 255, 254 };
	switch (below(4)) {
	case 0: return (u32)size - 1 + below(3);
	case 1: return below(32);
	case 2: return rnd() & 0xff;
	default: return e[below(16)];
	}
}

/* --- inputs --- */
static void put_sized(u32 *r, u32 shift, int size, u32 v)
{
	u32 m = width_mask(size) << shift;
	*r = (*r & ~m) | ((v << shift) & m);
}

static u32 get_src(const struct variant *v, int size)
{
	u32 x = v->src == 8 ? *(u32 *)M : g_in.r[(int)v->src] >> v->src_shift;
	return x & width_mask(size);
}

static void set_src(const struct variant *v, int size, u32 val)
{
	if (v->src == 8)
		put_sized((u32 *)M, 0, size, val);
	else
		put_sized(&g_in.r[(int)v->src], v->src_shift, size, val);
}

/* DIV and IDIV raise #DE when the quotient does not fit; instead of hoping, build the
 * dividend from a quotient, a divisor and a remainder that are all legal. */
static void shape_division(const struct form *f, const struct variant *v, int is_signed)
{
	int size = f->size;
	u32 mask = width_mask(size);
	u64 dividend;
	if (!is_signed) {
		u32 d = edge(size) & mask, q = edge(size) & mask, r;
		if (d == 0)
			d = 1 + below(3);
		switch (below(4)) {
		case 0: r = 0; break;
		case 1: r = d - 1; break;
		default: r = rnd() % d; break;
		}
		dividend = (u64)q * d + r;
		set_src(v, size, d);
	} else {
		s32 d = (s32)(edge(size) << (32 - size)) >> (32 - size);
		s32 q = (s32)(edge(size) << (32 - size)) >> (32 - size);
		u32 ad, ar;
		s64 prod, sd;
		if (d == 0)
			d = below(2) ? 1 : -1;
		ad = d < 0 ? 0u - (u32)d : (u32)d;
		switch (below(4)) {
		case 0: ar = 0; break;
		case 1: ar = ad - 1; break;
		default: ar = rnd() % ad; break;
		}
		prod = (s64)q * (s64)d;
		if (prod < 0 || (prod == 0 && below(2)))
			sd = prod - (s64)ar;
		else
			sd = prod + (s64)ar;
		dividend = (u64)sd;
		set_src(v, size, (u32)d);
	}
	if (size == 8) {
		put_sized(&g_in.r[0], 0, 16, (u32)dividend);
	} else if (size == 16) {
		put_sized(&g_in.r[0], 0, 16, (u32)dividend);
		put_sized(&g_in.r[2], 0, 16, (u32)(dividend >> 16));
	} else {
		g_in.r[0] = (u32)dividend;
		g_in.r[2] = (u32)(dividend >> 32);
	}
}

static void fill(int lo, int hi)
{
	int i;
	for (i = lo; i < hi; i += 4)
		*(u32 *)(M + i) = rnd();
}

static void make_case(const struct form *f, const struct variant *v)
{
	int i, size = f->size;
	for (i = 0; i < 8; i++)
		g_in.r[i] = edge(below(4) ? size : 32);
	g_in.fl = (rnd() & STATUS) | 2 | f->fl_set;
	fill(f->win_lo, f->win_hi);
	*(u32 *)M = edge(size);
	*(u32 *)(M + 4) = edge(32);
	/* equal operands are where CMP, SUB and CMPXCHG get interesting */
	switch (below(8)) {
	case 0: { static const u8 gp[7] = { 0, 1, 2, 3, 5, 6, 7 };
		  u32 to = gp[below(7)], from = gp[below(7)];
		  g_in.r[to] = g_in.r[from]; break; }
	case 1: g_in.r[0] = *(u32 *)M; if (below(2)) g_in.r[2] = *(u32 *)(M + 4); break;
	case 2: g_in.r[3] = g_in.r[1]; g_in.r[6] = g_in.r[7]; break;
	default: break;
	}
	g_in.r[4] = MA + 32;		/* ESP: a stack inside the compared window */

	switch (f->constraint) {
	case C_COUNT:
		put_sized(&g_in.r[1], 0, 8, shift_count(size));
		break;
	case C_SHXD16:
		put_sized(&g_in.r[1], 0, 8, shift_count(size));
		if ((g_in.r[1] & 31) > 16)
			g_in.r[1] = (g_in.r[1] & ~0xffu) | (g_in.r[1] & 0xe0) | (g_in.r[1] & 15);
		break;
	case C_DIV:
		shape_division(f, v, 0);
		break;
	case C_IDIV:
		shape_division(f, v, 1);
		break;
	case C_BTMEM: {
		s32 off;
		switch (below(4)) {
		case 0: { static const s32 e[] = { 0, 1, -1, 7, 8, 15, 16, 31, 32, 33, -32, -33, 63, 64 };
			  off = e[below(14)]; break; }
		default: off = (s32)below(4000) - 2000; break;
		}
		set_src(v, size, (u32)off);
		break;
	}
	case C_STRING: {
		u8 a = (u8)edge(8), b = (u8)rnd();
		for (i = f->win_lo; i < f->win_hi; i++)
			M[i] = below(8) ? a : b;
		g_in.r[6] = MA + below(320) - 160;
		g_in.r[7] = MA + below(320) - 160;
		if (below(4) == 0)
			g_in.r[7] = g_in.r[6] + below(9) - 4;	/* overlapping copies */
		g_in.r[1] = below(3) ? below(41) : below(3);
		if (below(2))
			g_in.r[0] = a * 0x01010101u;
		break;
	}
	case C_FRAME:
		g_in.r[5] = MA + below(16) * 4 - 32;
		break;
	case C_XLAT:
		g_in.r[3] = MA - 128 + below(64);
		break;
	case C_LOOP:
		g_in.r[1] = below(4) ? below(3) : rnd();
		break;
	case C_LOOP16:	/* the upper half of ECX must neither count nor change */
		g_in.r[1] = (rnd() & 0xffff0000u) | (below(4) ? below(3) : (rnd() & 0xffff));
		break;
	case C_POPF:
		g_in.r[0] = (g_in.r[0] & ALLF) | 2;
		break;
	case C_POPF_ID:
		g_in.r[0] = (g_in.r[0] & (ALLF | ID)) | 2;
		break;
	case C_LEA:
		g_in.r[4] = edge(32);
		break;
	case C_NONZERO:
		if (get_src(v, size) == 0)
			set_src(v, size, 1u << below(size));
		break;
	}
}

/* --- what is defined afterwards --- */
static u32 defined_flags(const struct form *f, const struct variant *v)
{
	int size = f->size;
	u32 c = (v->count >= 0 ? (u32)v->count : g_in.r[1]) & 31;
	switch (f->kind) {
	case K_LOGIC: return ALLF & ~AF;
	case K_MUL: return CF | OF | DF;
	case K_DIV: return DF;
	case K_SHIFT:
	case K_SAR: {
		u32 m = SF | ZF | PF | DF;
		if (c == 0)
			return ALLF;
		if (f->kind == K_SAR || c < (u32)size)
			m |= CF;
		if (c == 1)
			m |= OF;
		return m;
	}
	case K_ROT:
		if (c == 0)
			return ALLF;
		return c == 1 ? ALLF : ALLF & ~OF;
	case K_SHXD:
		if (c == 0)
			return ALLF;
		return (c == 1 ? ALLF : ALLF & ~OF) & ~AF;
	case K_BT: return CF | ZF | DF;
	case K_BSF: return ZF | DF;
	case K_TZ: return DF;
	case K_BCD: return ALLF & ~OF;
	case K_ASCII: return CF | AF | DF;
	case K_AAM: return SF | ZF | PF | DF;
	default: return ALLF;
	}
}

static void reg_masks(const struct form *f, const struct variant *v, u32 *mask)
{
	int i;
	for (i = 0; i < 8; i++)
		mask[i] = 0xffffffffu;
	if (f->kind == K_BSF && get_src(v, f->size) == 0 && v->dst >= 0)
		mask[(int)v->dst] = 0;
	if (f->kind == K_FLAGIMG)
		mask[3] = ALLF | 2 | (f->constraint == C_POPF_ID ? ID : 0);
}

/* --- output --- */
static const char *const rname[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };

static u32 hash_word(u32 h, u32 w)
{
	return (h ^ w) * 0x01000193u;
}

static void print_regs(const u32 *r, const u32 *mask)
{
	int i;
	for (i = 0; i < 8; i++) {
		put_char(' ');
		put_str(rname[i]);
		put_char('=');
		if (mask && mask[i] == 0)
			put_str("--------");
		else
			put_hex(mask ? r[i] & mask[i] : r[i], 8);
	}
}

static u32 parse_num(const char *s)
{
	u32 v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (u32)(*s++ - '0');
	return v;
}

static u32 name_seed(const char *s, u32 seed)
{
	u32 h = 0x811c9dc5u ^ seed;
	while (*s)
		h = (h ^ (u8)*s++) * 0x01000193u;
	return h ? h : 1;
}

int main(int argc, char **argv)
{
	int verbose = -1, cases = 128, fi, i, plant = -1;
	u32 seed = 0x1a2b3c4d, total = 0;
	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "-v"))
			verbose = (int)parse_num(argv[i + 1]);
		else if (!strcmp(argv[i], "-n"))
			cases = (int)parse_num(argv[i + 1]);
		else if (!strcmp(argv[i], "-s"))
			seed = parse_num(argv[i + 1]);
		else if (!strcmp(argv[i], "-x"))
			plant = (int)parse_num(argv[i + 1]);
	}
	for (fi = 0; fi < nforms; fi++) {
		const struct form *f = &forms[fi];
		u32 h = 0x811c9dc5u;
		int n;
		if (verbose >= 0 && fi != verbose)
			continue;
		rng = name_seed(f->name, seed);
		for (n = 0; n < cases; n++) {
			const struct variant *v = &f->var[below(f->nvar)];
			u32 mask[8], flm, win = 0x811c9dc5u, in_m0, in_m1;
			struct cpu_state in;
			make_case(f, v);
			in = g_in;
			in_m0 = *(u32 *)M;
			in_m1 = *(u32 *)(M + 4);
			g_taken = 0x5a5a5a5a;
			v->stub();
			if (fi == plant && n == 5)
				g_out.r[0] ^= 0x100;	/* the planted error: one bit, one case */
			flm = defined_flags(f, v);
			reg_masks(f, v, mask);
			for (i = 0; i < 8; i++)
				h = hash_word(h, g_out.r[i] & mask[i]);
			h = hash_word(h, g_out.fl & flm);
			h = hash_word(h, g_taken);
			for (i = f->win_lo; i < f->win_hi; i += 4)
				win = hash_word(win, *(u32 *)(M + i));
			h = hash_word(h, win);
			if (verbose >= 0) {
				put_str(f->name);
				put_str(" #");
				put_udec((u32)n);
				put_str(" {");
				put_str(v->text);
				put_str("}\n  in: ");
				print_regs(in.r, 0);
				put_str(" fl=");
				put_hex(in.fl, 8);
				put_str(" m=");
				put_hex(in_m0, 8);
				put_char(' ');
				put_hex(in_m1, 8);
				put_str("\n  out:");
				print_regs(g_out.r, mask);
				put_str(" fl=");
				put_hex(g_out.fl & flm, 8);
				put_str("(&");
				put_hex(flm, 3);
				put_str(") m=");
				put_hex(*(u32 *)M, 8);
				put_char(' ');
				put_hex(*(u32 *)(M + 4), 8);
				put_str(" window=");
				put_hex(win, 8);
				if (g_taken != 0x5a5a5a5a) {
					put_str(" taken=");
					put_hex(g_taken, 1);
				}
				put_char('\n');
				flush_out();	/* a case that kills the run must still show */
			}
		}
		total += (u32)cases;
		if (verbose < 0) {
			put_str("form ");
			put_udec((u32)fi);
			put_str(" | ");
			put_str(f->name);
			put_str(" | cases ");
			put_udec((u32)cases);
			put_str(" | hash ");
			put_hex(h, 8);
			put_char('\n');
			flush_out();
		}
	}
	put_str("total: ");
	put_udec(verbose >= 0 ? 1 : (u32)nforms);
	put_str(" forms, ");
	put_udec(total);
	put_str(" cases\n");
	return 0;
}
