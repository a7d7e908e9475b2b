/* Differential test of the x87 wiring: loads and stores through memory operands of every
 * size, compares that set EFLAGS (fucomi) or go through FNSTSW+SAHF, FCMOV, and integer
 * conversions, all computed by gcc's x87 code. */
#include "lib.h"

__attribute__((noinline)) static double f(double x, double y) { return x * y + x / (y + 1.5) - (double)(int)(x * 3.7); }
__attribute__((noinline)) static long long tol(double x) { return (long long)x; }
__attribute__((noinline)) static float tofloat(double x) { return (float)x; }
__attribute__((noinline)) static int less(double a, double b) { return a < b; }
__attribute__((noinline)) static double pick(double a, double b, int c) { return c ? a : b; }

void _start(void)
{
	static const double v[] = {0.0, 1.0, -2.5, 3.25e10, -7.125e-3, 123456.789, 1e300, -0.0};
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 8; j++) {
			double r = f(v[i], v[j]);
			unsigned long long bits;
			__builtin_memcpy(&bits, &r, 8);
			hex(bits); hex(bits >> 32);
			long long l = tol(v[i] / (v[j] + 3.0));
			hex(l); hex(l >> 32);
			float fl = tofloat(v[i] - v[j]);
			unsigned fb;
			__builtin_memcpy(&fb, &fl, 4);
			hex(fb);
			hex(less(v[i], v[j]));
			double p = pick(v[i], v[j], i > j);
			__builtin_memcpy(&bits, &p, 8);
			hex(bits >> 32);
			{ unsigned short sw; asm volatile("fldl %1; fldl %2; fucompp; fnstsw %0" : "=a"(sw) : "m"(v[i]), "m"(v[j])); hex(sw & 0x4500); }
			nl();
		}
	exit_(0);
}
