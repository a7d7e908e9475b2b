/* What the CPU says it is. Not compared with the host (its answers differ by design);
 * the test reads the emulated CPU's answers and checks them against what lguest.machine
 * implements: an i686 with the x87 and CMOV, and no MMX, SSE or BMI. */
#include "../runtime/rt.h"

static void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static void field(const char *name, u32 v)
{
	put_str(name);
	put_char('=');
	put_hex(v, 8);
	put_char('\n');
}

int main(int argc, char **argv)
{
	u32 a, b, c, d, max;
	cpuid(0, &a, &b, &c, &d);
	max = a;
	field("leaf0.eax", a);
	cpuid(1, &a, &b, &c, &d);
	field("leaf1.eax", a);
	field("leaf1.ecx", c);
	field("leaf1.edx", d);
	if (max >= 7) {
		cpuid(7, &a, &b, &c, &d);
		field("leaf7.ebx", b);
	}
	return 0;
}
