/* Branchy, call-heavy benchmark: a tiny stack-machine interpreter running a recursive
 * Fibonacci program, plus a recursive N-queens count in C. Freestanding i386. */
#include "../src/test/x86/lib.h"

enum { PUSH, ADD, SUB, LT, JZ, JMP, CALL, RET, DUP, ARG, HALT, SWAP, DROP };

/* fib(n): if n < 2 return n; return fib(n-1) + fib(n-2) */
static const int prog[] = {
	/* 0 */ ARG, PUSH, 2, LT, JZ, 8, ARG, RET,
	/* 8 */ ARG, PUSH, 1, SUB, CALL, 0, ARG, PUSH, 2, SUB, CALL, 0, ADD, RET,
};

static int stack[4096], frames[4096];

static int run(int n)
{
	int sp = 0, fp = 0, pc = 0;
	stack[sp++] = n;
	frames[fp++] = -1;
	frames[fp++] = sp - 1;
	for (;;) {
		switch (prog[pc++]) {
		case PUSH: stack[sp++] = prog[pc++]; break;
		case ADD: sp--; stack[sp - 1] += stack[sp]; break;
		case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
		case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
		case JZ: if (!stack[--sp]) pc = prog[pc]; else pc++; break;
		case JMP: pc = prog[pc]; break;
		case CALL: frames[fp++] = pc + 1; frames[fp++] = sp - 1; pc = prog[pc]; break;
		case ARG: stack[sp] = stack[frames[fp - 1]]; sp++; break;
		case RET: {
			int v = stack[sp - 1], base = frames[--fp];
			pc = frames[--fp];
			sp = base;
			stack[sp++] = v;
			if (pc < 0) return v;
			break;
		}
		default: return -1;
		}
	}
}

static int queens(int n, int row, unsigned cols, unsigned d1, unsigned d2)
{
	if (row == n) return 1;
	int count = 0;
	for (int c = 0; c < n; c++) {
		if ((cols >> c) & 1 || (d1 >> (row + c)) & 1 || (d2 >> (row - c + n)) & 1) continue;
		count += queens(n, row + 1, cols | 1u << c, d1 | 1u << (row + c), d2 | 1u << (row - c + n));
	}
	return count;
}

void _start(void)
{
	hex(run(29));
	hex(queens(11, 0, 0, 0, 0));
	nl();
	exit_(0);
}
