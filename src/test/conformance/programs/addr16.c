/* The driver of addr16.S: for every stub, a few cases with registers chosen so that the
 * 16-bit address lands in the mapped window 0x4000-0xFFFF, printed in full. */
#include "../runtime/rt.h"

/*M:570 Some programs check what no compiler emits, because an i686 runs it anyway and
 * somebody's old code, or somebody's test suite, will ask. This one (with addr16.S)
 * takes the address-size prefix through every 16-bit ModRM form, the string
 * instructions, XLAT and the moffs forms. A 16-bit address in a flat segment can only
 * reach the first 64 KiB, where Linux maps nothing unless asked, so the program is
 * linked with 48 KiB of its own at 0x4000, which a kernel allows only when
 * vm.mmap_min_addr is at most that (under make test, a host that refuses fails the test
 * and says why rather than skipping it). The others:
 *
 * - LAR, LSL, VERR, VERW and ARPL on the selectors a ring-3 process holds, printed by
 *   register name since Linux and x86run number their GDTs differently (selectors.c);
 *   the descriptor kinds a process cannot make are SelectorQueriesTest's, by the SDM;
 * - FNSTENV, FNSAVE, FRSTOR and FLDENV in both layouts, through the decoder, with the
 *   instruction and data pointers left out of the comparison (fpuenv16.c);
 * - every input of the decimal adjusts, and BSF, BSR, SHLD and SHRD, with all six
 *   flags compared, including those the SDM calls undefined (bcd.c, undefined.c):
 *   the random forms mask those out, as they should, but the third-party suites that
 *   compare emulators with silicon print them, so where the Intel part these tests
 *   were checked on follows a rule simple enough to copy, we copy it and hold to it;
 * - AAM with a base of 0, a divide error (faults.c). :*/

/* The address-size prefix turns a 32-bit instruction's memory operand into an 8086 one:
 * BX or BP plus SI or DI plus a displacement, added in 16 bits. The upper halves of the
 * registers take no part, so every case fills them with noise; a wrong emulator adds
 * them in, or forgets to wrap, and reads some other byte. The register values are
 * chosen from the address backwards: a random target in the window, a random base, and
 * the index that makes the 16-bit sum come out there, so that many sums wrap past
 * 0xFFFF on the way. */

struct regs {
	u32 r[8];		/* EAX ECX EDX EBX ESP EBP ESI EDI; ESP is not loaded */
	u32 fl;
};
struct form16 {
	void (*stub)(void);
	const char *name;
	u32 shape;		/* kind | mod << 8 | rm << 16 | DF << 24 */
	s32 disp;
};

extern const struct form16 forms16[], forms16_end[];
extern u8 low[];
struct regs g_in, g_out;
u64 g_x87;

#define LOW 0x4000u
#define TOP 0x10000u
#define CF 0x001
#define PF 0x004
#define AF 0x010
#define ZF 0x040
#define SF 0x080
#define DF 0x400
#define OF 0x800

static u32 rng = 0x6a09e667u;

static u32 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static u32 below(u32 n)
{
	return rnd() % n;
}

static u8 *at(u32 ea)
{
	return low + (ea - LOW);
}

/* Sets the low half of register n, keeps noise in the upper half. */
static void set16(int n, u32 v)
{
	g_in.r[n] = (g_in.r[n] & 0xffff0000u) | (v & 0xffff);
}

/* Registers that make the form's 16-bit address equal ea. */
static void aim(int mod, int rm, s32 disp, u32 ea)
{
	static const signed char base[8] = { 3, 3, 5, 5, -1, -1, 5, 3 };	/* BX or BP */
	static const signed char index[8] = { 6, 7, 6, 7, 6, 7, -1, -1 };	/* SI or DI */
	u32 want = ea - (u32)(mod == 0 && rm != 6 ? 0 : disp);
	if (mod == 0 && rm == 6)
		return;		/* a bare disp16: nothing to aim */
	if (base[rm] >= 0 && index[rm] >= 0) {
		u32 b = rnd();
		set16(base[rm], b);
		set16(index[rm], want - b);
	} else {
		set16(base[rm] >= 0 ? base[rm] : index[rm], want);
	}
}

static void fill(u32 from, u32 n, int letters)
{
	u8 a = (u8)rnd(), b = (u8)rnd();
	u32 i;
	for (i = 0; i < n && from + i < TOP; i++)
		if (from + i >= LOW)
			*at(from + i) = letters ? (below(8) ? a : b) : (u8)rnd();
}

static u32 hash(u32 from, u32 n)
{
	u32 h = 0x811c9dc5u, i;
	for (i = 0; i < n && from + i < TOP; i++)
		if (from + i >= LOW)
			h = (h ^ *at(from + i)) * 0x01000193u;
	return h;
}

static const char *const rname[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };

static void print_regs(const struct regs *s)
{
	int i;
	for (i = 0; i < 8; i++) {
		if (i == 4)
			continue;
		put_char(' ');
		put_str(rname[i]);
		put_char('=');
		put_hex(s->r[i], 8);
	}
	put_str(" fl=");
	put_hex(s->fl & (CF | PF | AF | ZF | SF | DF | OF), 3);
}

static void run(const struct form16 *f)
{
	put_str("  in: ");
	print_regs(&g_in);
	put_char('\n');
	flush_out();	/* a case that kills the run must still show */
	f->stub();
}

/* One case of a memory form: the window around the operand before and after. */
static void memory_case(const struct form16 *f, int kind, int mod, int rm)
{
	u32 ea = mod == 0 && rm == 6 ? (u32)f->disp & 0xffff : LOW + 16 + below(TOP - LOW - 32);
	if (kind == 2) {
		set16(3, ea - (g_in.r[0] & 0xff));	/* XLAT reads [BX + AL] */
	} else if (kind == 3) {
		/* BT [BX], EAX reads the doubleword EAX >> 5 doublewords away; far offsets
		 * (a multiple of 64 KiB more, either way) must wrap back to the same one */
		u32 bx = (rnd() & ~3u) | (ea & 3), k = ((ea - bx) & 0xffff) >> 2;
		set16(3, bx);
		k += 16384u * (below(5) - 2);
		g_in.r[0] = k * 32 + below(32);
	} else {
		aim(mod, rm, f->disp, ea);
	}
	fill(ea - 8, 24, 0);
	run(f);
	put_str("  out:");
	print_regs(&g_out);
	put_str(" mem=");
	put_hex(*(u32 *)at(ea - 4), 8);
	put_char(' ');
	put_hex(*(u32 *)at(ea), 8);
	put_char(' ');
	put_hex(*(u32 *)at(ea + 4), 8);
	put_str(" x87=");
	put_hex((u32)(g_x87 >> 32), 8);
	put_hex((u32)g_x87, 8);
	put_char('\n');
}

/* One case of a string form: SI, DI and CX in 16 bits, noise above them. */
static void string_case(const struct form16 *f)
{
	u32 si = LOW + 256 + below(TOP - LOW - 512), di = LOW + 256 + below(TOP - LOW - 512);
	if (below(4) == 0)
		di = si + below(9) - 4;		/* overlapping */
	set16(6, si);
	set16(7, di);
	set16(1, below(3) ? below(25) : below(3));
	if (below(6) == 0 && f->name[0] != 'r' && f->name[4] == 'b') {
		/* a one-byte step from 0xFFFF wraps the pointer to 0, and no further */
		set16(below(2) ? 6 : 7, 0xffff);
		set16(1, 1);
	}
	fill(si - 128, 256, 1);
	fill(di - 128, 256, 1);
	if (below(2))
		g_in.r[0] = *at((g_in.r[7] & 0xffff) < LOW ? LOW : g_in.r[7] & 0xffff) * 0x01010101u;
	run(f);
	put_str("  out:");
	print_regs(&g_out);
	put_str(" src=");
	put_hex(hash(si - 128, 256), 8);
	put_str(" dst=");
	put_hex(hash(di - 128, 256), 8);
	put_char('\n');
}

int main(int argc, char **argv)
{
	const struct form16 *f;
	int n, i;
	(void)argc;
	(void)argv;
	for (f = forms16; f < forms16_end; f++) {
		int kind = f->shape & 0xff, mod = f->shape >> 8 & 0xff, rm = f->shape >> 16 & 0xff;
		for (n = 0; n < 6; n++) {
			for (i = 0; i < 8; i++)
				g_in.r[i] = rnd();
			g_in.fl = (rnd() & (CF | PF | AF | ZF | SF | OF)) | 2 | (f->shape >> 24 ? DF : 0);
			g_x87 = 0;
			put_str(f->name);
			put_str(" #");
			put_udec((u32)n);
			put_char('\n');
			if (kind == 1)
				string_case(f);
			else
				memory_case(f, kind, mod, rm);
		}
	}
	put_str("done\n");
	return 0;
}
