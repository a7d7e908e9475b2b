/* Control flow the compiler makes: recursion, jump tables, indirect calls, 64-bit
 * arithmetic done in 32-bit halves, and loops of every shape gcc likes. */
#include "../runtime/rt.h"

/*M:560 The hand-written programs check what random single instructions cannot: that
 * instructions compose. A CALL that pushes the right return address and a RET that pops
 * it can still disagree about ESP after RET imm16; a jump table works only if the indirect
 * JMP, the scaled index and the table in .rodata all agree. And recursion half a megabyte
 * deep checks that x86run gives a program the kind of stack Linux does (8 MB by default),
 * not one page.  The other programs each take one thing a real program leans on:
 *
 * - the state Linux starts a static ELF in: registers zero, EFLAGS only IF, and argc,
 *   argv, envp and the auxiliary vector that glibc reads before main (initial_start.S);
 * - brk, including that a page given back and grown over again comes back zeroed,
 *   which glibc's calloc counts on (brk.c);
 * - exceptions, each named by the signal Linux turns it into: LOCK on an instruction
 *   that cannot be locked, HLT and CLI at ring 3, dividing the most negative number
 *   by minus one, INT3 through a gate of DPL 3 (faults.c);
 * - code that rewrites itself, down to the next instruction of the block being run,
 *   which a CPU caching decoded blocks must notice as real ones do (smc.c), also when
 *   the bytes it patches lie on the far side of a page boundary (pagecross.S). :*/

static u32 fib(u32 n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static u32 ackermann(u32 m, u32 n)
{
	if (m == 0)
		return n + 1;
	if (n == 0)
		return ackermann(m - 1, 1);
	return ackermann(m - 1, ackermann(m, n - 1));
}

static u32 hanoi(u32 n, u32 from, u32 to, u32 via, u32 *trace)
{
	if (n == 0)
		return 0;
	u32 moves = hanoi(n - 1, from, via, to, trace);
	*trace = *trace * 31 + from * 3 + to;
	return moves + 1 + hanoi(n - 1, via, to, from, trace);
}

/* A dense switch that gcc turns into a jump table at -O2. */
static __attribute__((noinline)) u32 classify(u32 x)
{
	switch (x % 13) {
	case 0: return x * 3;
	case 1: return x ^ 0x55;
	case 2: return x + 1000;
	case 3: return x >> 2;
	case 4: return ~x;
	case 5: return x << 5;
	case 6: return x - 77;
	case 7: return x * x;
	case 8: return x | 0x8000;
	case 9: return x & 0xff;
	case 10: return (x << 7) | (x >> 25);
	case 11: return 0u - x;
	default: return x / 3;
	}
}

static u32 op_add(u32 a, u32 b) { return a + b; }
static u32 op_sub(u32 a, u32 b) { return a - b; }
static u32 op_mul(u32 a, u32 b) { return a * b; }
static u32 op_xor(u32 a, u32 b) { return a ^ b; }
static u32 (*const ops[4])(u32, u32) = { op_add, op_sub, op_mul, op_xor };

/* A callee-pops function: RET imm16, as the kernel's and Windows' ABIs use it. */
static u32 __attribute__((stdcall, noinline)) callee_pops(u32 a, u32 b, u32 c)
{
	return a * 7 + b * 5 + c;
}

static u32 __attribute__((regparm(3), noinline)) in_registers(u32 a, u32 b, u32 c)
{
	return (a << 16) ^ (b << 8) ^ c;
}

static void line(const char *label, u32 v)
{
	put_str(label);
	put_str(" = ");
	put_hex(v, 8);
	put_str(" (");
	put_udec(v);
	put_str(")\n");
}

/* How deep can we go? 2000 frames of a function with a 256-byte local array: half a
 * megabyte, far past the first page of stack Linux maps. */
static u32 deep(u32 n)
{
	volatile u8 pad[256];
	pad[n & 255] = (u8)n;
	if (n == 0)
		return pad[0];
	return deep(n - 1) + pad[n & 255];
}

int main(int argc, char **argv)
{
	u32 i, acc = 0, trace = 0;
	u64 big = 1;
	s64 sbig = -1;

	line("fib(24)", fib(24));
	line("ackermann(2,9)", ackermann(2, 9));
	line("hanoi(12) moves", hanoi(12, 1, 3, 2, &trace));
	line("hanoi trace", trace);
	for (i = 0; i < 5000; i++)
		acc = acc * 33 + classify(i * 2654435761u);
	line("jump table", acc);
	acc = 1;
	for (i = 0; i < 1000; i++)
		acc = ops[(acc >> 3) & 3](acc, i * 40503u + 1);
	line("function pointers", acc);
	line("stdcall ret imm16", callee_pops(3, 4, 5) + callee_pops(0xffffffff, 2, 1));
	line("regparm", in_registers(0x12, 0x34, 0x56));
	for (i = 0; i < 70; i++) {
		big = big * 3 + (big >> 7);
		sbig = sbig * 5 - (sbig >> 3);
	}
	line("u64 low", (u32)big);
	line("u64 high", (u32)(big >> 32));
	line("s64 low", (u32)sbig);
	line("s64 high", (u32)((u64)sbig >> 32));
	line("deep recursion", deep(2000));
	/* a do-while, a loop with a break, and one counting down */
	acc = 0;
	i = 0;
	do {
		acc += i * i;
	} while (++i < 100);
	for (i = 0;; i++) {
		if (acc % (i + 2) == 0)
			break;
	}
	line("loops", acc ^ i);
	for (i = 100; i-- > 0;)
		acc = (acc << 1) ^ (acc >> 31) ^ i;
	line("countdown", acc);
	return 0;
}
