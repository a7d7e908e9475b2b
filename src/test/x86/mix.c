/* Differential test: string instructions (both directions, REP prefixes, overlap),
 * 16-bit operand forms, every condition code through SETcc/CMOVcc/Jcc, stack frames,
 * 64-bit arithmetic as gcc emits it, and a few rarer instructions. */
#include "lib.h"

typedef unsigned long long u64;
typedef long long s64;

static unsigned char buf[256], buf2[256];

static void strings(void)
{
	for (int i = 0; i < 256; i++) buf[i] = i * 7 + 1;
	/* rep movsb forward, overlapping by one: smears buf[0] across */
	{ void *s = buf, *d = buf + 1; int n = 40; asm volatile("cld; rep movsb" : "+S"(s), "+D"(d), "+c"(n) : : "memory"); }
	/* rep movsl backward */
	{ void *s = buf + 100, *d = buf + 120; int n = 10; asm volatile("std; rep movsl; cld" : "+S"(s), "+D"(d), "+c"(n) : : "memory"); hex((unsigned)s - (unsigned)buf); hex((unsigned)d - (unsigned)buf); }
	/* rep stosw */
	{ void *d = buf + 200; int n = 9; asm volatile("rep stosw" : "+D"(d), "+c"(n) : "a"(0xbeef) : "memory"); }
	for (int i = 0; i < 256; i += 4) hex(*(unsigned *)(buf + i));
	nl();
	/* repe cmpsb / repne scasb */
	for (int i = 0; i < 64; i++) buf2[i] = buf[i];
	buf2[37] ^= 1;
	{ void *s = buf, *d = buf2; int n = 64; unsigned f; asm volatile("repe cmpsb; pushf; pop %3" : "+S"(s), "+D"(d), "+c"(n), "=r"(f) : : "memory", "cc"); hex(n); hex(f & 0x8d5); hex((unsigned)s - (unsigned)buf); }
	{ void *d = buf; int n = 256; unsigned f; asm volatile("repne scasb; pushf; pop %2" : "+D"(d), "+c"(n), "=r"(f) : "a"(buf[77]) : "memory", "cc"); hex(n); hex(f & 0x8d5); }
	{ void *s = buf + 8; unsigned v = 0; asm volatile("lodsl; lodsw; lodsb" : "+S"(s), "+a"(v) : : "memory"); hex(v); hex((unsigned)s - (unsigned)buf); }
	{ void *d = buf; int n = 0; asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(0) : "memory"); hex((unsigned)d - (unsigned)buf); }
	{ unsigned v = 5; asm volatile("xlat" : "+a"(v) : "b"(buf)); hex(v); }
	nl();
}

#define CC(cc) { unsigned r = 0x5555, s; asm volatile("cmpl %3, %2; set" cc " %b0; cmov" cc " %3, %1" : "+q"(r), "=r"(s) : "r"(a), "r"(b), "1"(0x77) : "cc"); hex(r); hex(s); }

static void conditions(unsigned a, unsigned b)
{
	CC("o") CC("no") CC("b") CC("ae") CC("e") CC("ne") CC("be") CC("a")
	CC("s") CC("ns") CC("p") CC("np") CC("l") CC("ge") CC("le") CC("g")
	{ unsigned r = 0; asm volatile("testb %b1, %b2; sete %b0" : "+q"(r) : "q"(a), "q"(b) : "cc"); hex(r); }
	{ unsigned r = 0; asm volatile("cmpw %w1, %w2; setl %b0" : "+q"(r) : "r"(a), "r"(b) : "cc"); hex(r); }
	{ unsigned r = 0; asm volatile("cmpb %b1, %b2; setg %b0" : "+q"(r) : "q"(a), "q"(b) : "cc"); hex(r); }
	{ unsigned r = 0; asm volatile("cmpb %b1, %b2; seta %b0" : "+q"(r) : "q"(a), "q"(b) : "cc"); hex(r); }
	{ unsigned r = a; asm volatile("addw %w1, %w0; seto %b0" : "+q"(r) : "r"(b) : "cc"); hex(r); }
	{ unsigned r = a, f; asm volatile("cmpl %3, %2; lahf; movzbl %%ah, %1; sahf" : "+a"(r), "=r"(f) : "r"(a), "r"(b) : "cc"); hex(f & 0xd5); }
}

static void sixteen(unsigned a, unsigned b)
{
	unsigned r = a;
	asm volatile("addw %w1, %w0; subw $3, %w0; xorw %w1, %w0; incw %w0; negw %w0" : "+r"(r) : "r"(b) : "cc"); hex(r);
	r = a; asm volatile("rolw $8, %w0; shlw $1, %w0; sarw $2, %w0" : "+r"(r) : : "cc"); hex(r);
	r = a; asm volatile("movw %w1, %w0; cwtl" : "+a"(r) : "r"(b)); hex(r);
	r = a; { unsigned d; asm volatile("cwtd" : "+a"(r), "=d"(d)); hex(d & 0xffff); }
	r = a; { unsigned d; asm volatile("cltd" : "+a"(r), "=d"(d)); hex(d); }
	r = a; asm volatile("movsbl %b1, %0" : "=r"(r) : "q"(b)); hex(r);
	r = a; asm volatile("movswl %w1, %0" : "=r"(r) : "r"(b)); hex(r);
	r = a; asm volatile("movzwl %w1, %0" : "=r"(r) : "r"(b)); hex(r);
	r = a; asm volatile("movsbw %b1, %w0" : "+r"(r) : "q"(b)); hex(r);
	r = a; asm volatile("xchgb %b1, %h0" : "+Q"(r) : "Q"(b)); hex(r);
	{ unsigned short m = a; asm volatile("addw %w1, %0; orw $0x410, %0" : "+m"(m) : "r"(b) : "cc"); hex(m); }
	{ unsigned m = a; asm volatile("notl %0; negl %0; incb %0; decw %0; sarl $3, %0" : "+m"(m) : : "cc"); hex(m); }
	{ unsigned m = a; asm volatile("btsl %1, %0" : "+m"(m) : "r"(b & 31) : "cc"); hex(m); }
	{ unsigned m[4] = {0, 0, 0, 0}; asm volatile("btsl %1, %0" : "+m"(m[1]) : "r"(40) : "cc"); hex(m[2]); }
	{ unsigned m[4] = {0, 0, 0, 0}; asm volatile("btsl %1, %0" : "+m"(m[2]) : "r"(-3) : "cc"); hex(m[1]); }
	nl();
}

__attribute__((noinline)) static u64 mul64(u64 a, u64 b) { return a * b; }
__attribute__((noinline)) static u64 shl64(u64 a, int n) { return a << n; }
__attribute__((noinline)) static s64 sar64(s64 a, int n) { return a >> n; }
__attribute__((noinline)) static u64 add64(u64 a, u64 b) { return a + b - (b >> 3); }

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static void frames(void)
{
	unsigned esp0, esp1, v;
	asm volatile("mov %%esp, %0; enter $16, $0; mov %%esp, %1; leave" : "=r"(esp0), "=r"(esp1)); hex(esp0 - esp1);
	asm volatile("pushl $0x1234; pushw $0x55; popw %w0; popl %0" : "=r"(v)); hex(v);
	asm volatile("pusha; movl $7, %%eax; popa" : "=a"(v) : "a"(9)); hex(v);
	asm volatile("pushf; pop %0" : "=r"(v)); hex(v & 0x702);	/* TF, IF, DF and bit 1: the arithmetic ones here are the caller's */
	v = 0; asm volatile("mov $5, %%ecx; 1: inc %0; loop 1b" : "+r"(v) : : "ecx"); hex(v);
	v = 0; asm volatile("xor %%ecx, %%ecx; jecxz 1f; inc %0; 1:" : "+r"(v) : : "ecx"); hex(v);
	{ u64 m = 0x1122334455667788ULL; unsigned lo = 0x55667788, hi = 0x11223344, f;
	  asm volatile("cmpxchg8b %0; pushf; pop %3" : "+m"(m), "+a"(lo), "+d"(hi), "=r"(f) : "b"(1), "c"(2) : "cc"); hex(m); hex(m >> 32); hex(f & 0x40); }
	{ unsigned a = 1, b = 0, c = 0, d = 0; asm volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d)); hex(d & 0x8111); }
	hex(fib(20));
	nl();
}

void _start(void)
{
	static const unsigned vals[] = {0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xfffe, 0x7fffffff, 0x80000000,
		0xffffffff, 0x12345678, 0x9abcdef0, 0x0000ff01};
	const int n = sizeof(vals) / sizeof(vals[0]);
	strings();
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			conditions(vals[i], vals[j]);
			sixteen(vals[i], vals[j]);
			u64 a = (u64)vals[i] << 32 | vals[j], b = (u64)vals[j] * 0x9e3779b9u + vals[i];
			hex(mul64(a, b)); hex(mul64(a, b) >> 32);
			hex(shl64(a, vals[j] & 63)); hex(shl64(a, vals[j] & 63) >> 32);
			hex(sar64(a, vals[i] & 63)); hex(sar64(a, vals[i] & 63) >> 32);
			hex(add64(a, b)); hex(add64(a, b) >> 32);
			nl();
		}
	frames();
	exit_(0);
}
