/* Differential test: every two-operand ALU op, shift and rotate at 8, 16 and 32 bits over
 * interesting values, printing results and the defined flags. Run natively and under
 * x86run; the outputs must be identical. */
#include "lib.h"

static const unsigned vals[] = {0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
	0x10000, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff, 0x12345678, 0x9abcdef0};
#define N (sizeof(vals) / sizeof(vals[0]))
#define ARITH 0x8d5


#define OP2(name, insn, suffix, reg, mask) \
static void name(unsigned a, unsigned b, unsigned cin) { \
	unsigned r = a, f; \
	asm volatile("push %3; popf; " insn suffix " %" reg "2, %" reg "0; pushf; pop %1" \
		: "+r"(r), "=r"(f) : "r"(b), "r"(cin) : "cc"); \
	hex(r); hex(f & mask); }

OP2(add32, "add", "l", "k", ARITH) OP2(adc32, "adc", "l", "k", ARITH) OP2(sub32, "sub", "l", "k", ARITH)
OP2(sbb32, "sbb", "l", "k", ARITH) OP2(and32, "and", "l", "k", 0x8c5) OP2(or32, "or", "l", "k", 0x8c5)
OP2(xor32, "xor", "l", "k", 0x8c5) OP2(cmp32, "cmp", "l", "k", ARITH)
OP2(add16, "add", "w", "w", ARITH) OP2(sub16, "sub", "w", "w", ARITH) OP2(adc16, "adc", "w", "w", ARITH)
OP2(sbb16, "sbb", "w", "w", ARITH)
OP2(add8, "add", "b", "b", ARITH) OP2(sub8, "sub", "b", "b", ARITH) OP2(adc8, "adc", "b", "b", ARITH)
OP2(sbb8, "sbb", "b", "b", ARITH) OP2(xor8, "xor", "b", "b", 0x8c5)

#define SH(name, insn, reg, mask) \
static void name(unsigned a, unsigned cnt, unsigned cin) { \
	unsigned r = a, f; \
	asm volatile("push %3; popf; " insn " %%cl, %" reg "0; pushf; pop %1" \
		: "+q"(r), "=r"(f) : "c"(cnt), "r"(cin) : "cc"); \
	hex(r); hex(f & mask); }

/* OF is defined only for one-bit shifts, AF never: mask them for counts != 1 */
SH(shl32, "shll", "k", 0xc5) SH(shr32, "shrl", "k", 0xc5) SH(sar32, "sarl", "k", 0xc5)
SH(rol32, "roll", "k", 0x1) SH(ror32, "rorl", "k", 0x1) SH(rcl32, "rcll", "k", 0x1) SH(rcr32, "rcrl", "k", 0x1)
SH(shl8, "shlb", "b", 0xc5) SH(shr8, "shrb", "b", 0xc5) SH(sar8, "sarb", "b", 0xc5) SH(rol8, "rolb", "b", 0x1)
SH(rcr8, "rcrb", "b", 0x1) SH(rcl16, "rclw", "w", 0x1) SH(ror16, "rorw", "w", 0x1) SH(shl16, "shlw", "w", 0xc5)
SH(shr16, "shrw", "w", 0xc5) SH(sar16, "sarw", "w", 0xc5)

static void one_bit(unsigned a, unsigned cin)
{
	unsigned r, f;
#define ONE(insn, R) r = a; asm volatile("push %2; popf; " insn " %" R "0; pushf; pop %1" : "+q"(r), "=r"(f) : "r"(cin) : "cc"); hex(r); hex(f & 0x8c5);
	ONE("shll", "k") ONE("shrl", "k") ONE("sarl", "k") ONE("shlb", "b") ONE("shrb", "b") ONE("sarw", "w")
#undef ONE
#define ONE(insn, R) r = a; asm volatile("push %2; popf; " insn " %" R "0; pushf; pop %1" : "+q"(r), "=r"(f) : "r"(cin) : "cc"); hex(r); hex(f & 0x801);
	ONE("roll", "k") ONE("rorl", "k") ONE("rcll", "k") ONE("rcrl", "k") ONE("rolb", "b") ONE("rcrw", "w")
#undef ONE
#define ONE(insn, R) r = a; asm volatile("push %2; popf; " insn " %" R "0; pushf; pop %1" : "+q"(r), "=r"(f) : "r"(cin) : "cc"); hex(r); hex(f & 0x8d5);
	ONE("incl", "k") ONE("decl", "k") ONE("negl", "k") ONE("incb", "b") ONE("decw", "w") ONE("negb", "b") ONE("notl", "k")
}

static void muldiv(unsigned a, unsigned b)
{
	unsigned lo, hi, f;
	asm volatile("mull %3; pushf; pop %2" : "=a"(lo), "=d"(hi), "=r"(f) : "r"(b), "0"(a) : "cc");
	hex(lo); hex(hi); hex(f & 0x801);
	asm volatile("imull %3; pushf; pop %2" : "=a"(lo), "=d"(hi), "=r"(f) : "r"(b), "0"(a) : "cc");
	hex(lo); hex(hi); hex(f & 0x801);
	lo = a;
	asm volatile("imull %2, %0; pushf; pop %1" : "+r"(lo), "=r"(f) : "r"(b) : "cc");
	hex(lo); hex(f & 0x801);
	lo = a;
	asm volatile("imulw %w2, %w0; pushf; pop %1" : "+r"(lo), "=r"(f) : "r"(b) : "cc");
	hex(lo); hex(f & 0x801);
	asm volatile("mulb %b3; pushf; pop %2" : "=a"(lo), "=d"(hi), "=r"(f) : "q"(b), "0"(a) : "cc");
	hex(lo); hex(f & 0x801);
	if (b != 0) {
		asm volatile("divl %4" : "=a"(lo), "=d"(hi) : "0"(a), "1"(0), "r"(b));
		hex(lo); hex(hi);
		if (!(b == 0xffffffff && a == 0x80000000)) {
			asm volatile("cltd; idivl %3" : "=a"(lo), "=d"(hi) : "0"(a), "r"(b));
			hex(lo); hex(hi);
		}
		if ((b & 0xffff) > ((a >> 16) & 0xffff)) {
			asm volatile("divw %w4" : "=a"(lo), "=d"(hi) : "0"(a & 0xffff), "1"(a >> 16), "r"(b));
			hex(lo & 0xffff); hex(hi & 0xffff);
		}
	}
}

static void bits(unsigned a, unsigned b)
{
	unsigned r, f;
	asm volatile("bsfl %2, %0; pushf; pop %1" : "=r"(r), "=r"(f) : "r"(a), "0"(0x55) : "cc"); hex(r); hex(f & 0x40);
	asm volatile("bsrl %2, %0; pushf; pop %1" : "=r"(r), "=r"(f) : "r"(a), "0"(0x55) : "cc"); hex(r); hex(f & 0x40);
	/* F3 0F BC is TZCNT on a BMI1 host and BSF on an i686: they agree on the result for a nonzero source */
	if (a) { asm volatile(".byte 0xf3; bsfl %1, %0" : "=r"(r) : "r"(a), "0"(0x55) : "cc"); hex(r); }
	asm volatile("btl %2, %3; pushf; pop %0" : "=r"(f) : "0"(0), "r"(b), "r"(a) : "cc"); hex(f & 1);
	r = a; asm volatile("btsl %2, %0; pushf; pop %1" : "+r"(r), "=r"(f) : "r"(b) : "cc"); hex(r); hex(f & 1);
	r = a; asm volatile("btrl %2, %0; pushf; pop %1" : "+r"(r), "=r"(f) : "r"(b) : "cc"); hex(r); hex(f & 1);
	r = a; asm volatile("btcl %2, %0; pushf; pop %1" : "+r"(r), "=r"(f) : "r"(b) : "cc"); hex(r); hex(f & 1);
	r = a; asm volatile("btcl $7, %0; pushf; pop %1" : "+r"(r), "=r"(f) : : "cc"); hex(r); hex(f & 1);
	r = a; asm volatile("bswap %0" : "+r"(r)); hex(r);
	r = a; asm volatile(".byte 0x66; bswap %0" : "+r"(r)); hex(r);   /* undefined: Intel and AMD clear the low word */
	r = a; asm volatile("shldl %%cl, %2, %0; pushf; pop %1" : "+r"(r), "=r"(f) : "r"(b), "c"(b) : "cc"); hex(r); hex((b & 31) ? f & 0xc5 : 0);
	r = a; asm volatile("shrdl %%cl, %2, %0; pushf; pop %1" : "+r"(r), "=r"(f) : "r"(b), "c"(b) : "cc"); hex(r); hex((b & 31) ? f & 0xc5 : 0);
	r = a; asm volatile("shldl $1, %2, %0; pushf; pop %1" : "+r"(r), "=r"(f) : "r"(b) : "cc"); hex(r); hex(f & 0x8c5);
	r = a; asm volatile("shrdw $3, %w2, %w0; pushf; pop %1" : "+r"(r), "=r"(f) : "r"(b) : "cc"); hex(r); hex(f & 0xc5);
	r = a; asm volatile("cmpl %2, %0; setl %b0; setbe %h0" : "+Q"(r) : "r"(b), "0"(a) : "cc"); hex(r);
	r = 0; asm volatile("cmpl %2, %1; cmovg %1, %0; cmovae %2, %0" : "+r"(r) : "r"(a), "r"(b) : "cc"); hex(r);
	r = a; asm volatile("xaddl %0, %1" : "+r"(r), "+r"(b) : : "cc"); hex(r); hex(b);
	{
		unsigned m = b, acc = a, nv = 0x5a5a;
		asm volatile("lock cmpxchgl %3, %1; pushf; pop %0" : "=r"(f), "+m"(m), "+a"(acc) : "r"(nv) : "cc");
		hex(m); hex(acc); hex(f & 0x8d5);
		m = a; acc = a;
		asm volatile("lock cmpxchgl %3, %1; pushf; pop %0" : "=r"(f), "+m"(m), "+a"(acc) : "r"(nv) : "cc");
		hex(m); hex(acc); hex(f & 0x8d5);
	}
}

/* 16-bit SHLD and SHRD by every count: past 16 the bits come round from the source again,
 * which only a 16-bit double shift can show (X:235) */
static void shd16(unsigned a, unsigned b)
{
	for (unsigned c = 0; c < 32; c++) {
		unsigned r = a, f;
		asm volatile("push $0; popf; shldw %%cl, %w2, %w0; pushf; pop %1" : "+r"(r), "=r"(f) : "r"(b), "c"(c) : "cc");
		hex(r); hex(c ? f & 0x8d5 : 0);
		r = a; asm volatile("push $0x8d5; popf; shrdw %%cl, %w2, %w0; pushf; pop %1" : "+r"(r), "=r"(f) : "r"(b), "c"(c) : "cc");
		hex(r); hex(c ? f & 0x8d5 : 0);
	}
	nl();
}

static void (*const op2[])(unsigned, unsigned, unsigned) = {add32, adc32, sub32, sbb32, and32, or32, xor32,
	cmp32, add16, sub16, adc16, sbb16, add8, sub8, adc8, sbb8, xor8};
static void (*const sh[])(unsigned, unsigned, unsigned) = {shl32, shr32, sar32, rol32, ror32, rcl32, rcr32,
	shl8, shr8, sar8, rol8, rcr8, rcl16, ror16, shl16, shr16, sar16};
static const unsigned counts[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33};

void _start(void)
{
	for (unsigned i = 0; i < N; i++) {
		for (unsigned j = 0; j < N; j++) {
			for (unsigned k = 0; k < sizeof(op2) / sizeof(op2[0]); k++) {
				op2[k](vals[i], vals[j], 0x202);
				op2[k](vals[i], vals[j], 0x203);
			}
			muldiv(vals[i], vals[j]);
			bits(vals[i], vals[j]);
			shd16(vals[i], vals[j] ^ 0x5a3c);
			nl();
		}
		for (unsigned c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
			for (unsigned k = 0; k < sizeof(sh) / sizeof(sh[0]); k++) {
				sh[k](vals[i], counts[c], 0x202);
				sh[k](vals[i], counts[c], 0x203);
			}
			nl();
		}
		one_bit(vals[i], 0x202);
		one_bit(vals[i], 0x203);
		nl();
	}
	exit_(0);
}
