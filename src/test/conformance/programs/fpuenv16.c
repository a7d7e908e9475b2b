/* The x87 environment in both layouts, through the decoder: FNSTENV, FNSAVE, FLDENV and
 * FRSTOR with and without the operand-size prefix, printed byte by byte except for the
 * instruction and operand pointers (a Linux process and x86run place code and data at
 * different addresses, and the selectors differ). */
#include "../runtime/rt.h"

static u8 image[128] __attribute__((aligned(16)));
static const double values[3] = { 1.5, -2.25, 1e300 };

static void show(const char *what, int n, int skip_from, int skip_to)
{
	int i;
	put_str(what);
	put_char(':');
	for (i = 0; i < n; i++) {
		if (i == skip_from)
			put_str(" ..");
		if (i >= skip_from && i < skip_to)
			continue;
		put_char(' ');
		put_hex(image[i], 2);
	}
	put_char('\n');
}

static void clear(void)
{
	memset(image, 0xa5, sizeof image);
}

/* A few values on the stack, an exception flag and a non-default control word. */
static void load(void)
{
	static const u16 cw = 0x0b7f;
	__asm__ volatile("fninit\n\tfldcw %0\n\tfldl %1\n\tfldl %2\n\tfldl %3\n\tfld1\n\tfdivs %4"
			 :: "m"(cw), "m"(values[0]), "m"(values[1]), "m"(values[2]), "m"(values[0]) : "memory");
	__asm__ volatile("fldz\n\tfld1\n\tfdivp" ::: "memory");	/* 1/0: ZE */
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	load();
	clear();
	__asm__ volatile("fnstenv %0" : "=m"(image) :: "memory");
	show("fnstenv32", 32, 12, 28);
	clear();
	__asm__ volatile("data16 fnstenv %0" : "=m"(image) :: "memory");
	show("fnstenv16", 32, 6, 14);
	clear();
	__asm__ volatile("fnsave %0" : "=m"(image) :: "memory");
	show("fnsave32", 112, 12, 28);
	/* FNSAVE reinitialized the FPU; FRSTOR the 32-bit image, then save it 16-bit */
	__asm__ volatile("frstor %0" :: "m"(image) : "memory");
	clear();
	__asm__ volatile("data16 fnsave %0" : "=m"(image) :: "memory");
	show("fnsave16", 100, 6, 14);
	/* and back from the 16-bit image, then out through the 32-bit one */
	__asm__ volatile("data16 frstor %0" :: "m"(image) : "memory");
	__asm__ volatile("fnsave %0" : "=m"(image) :: "memory");
	show("frstor16", 112, 12, 28);
	/* FLDENV 16: the control word and flags come back, the registers stay */
	load();
	__asm__ volatile("data16 fnstenv %0" : "=m"(image) :: "memory");
	__asm__ volatile("fninit\n\tdata16 fldenv %0" :: "m"(image) : "memory");
	clear();
	__asm__ volatile("fnstenv %0" : "=m"(image) :: "memory");
	show("fldenv16", 32, 12, 28);
	return 0;
}
