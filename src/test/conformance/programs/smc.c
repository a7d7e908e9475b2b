/* Self-modifying code. Linked with -Wl,-N, so text, data and bss share one writable and
 * executable segment. */
#include "../runtime/rt.h"

/* A CPU that caches decoded instructions must notice when the bytes under them
 * change, as a real one does: its front end snoops stores to lines it has fetched. Our
 * machine keys decoded blocks by physical address and drops them when their page is
 * written. These programs are the proof: each writes instructions, runs them, rewrites
 * them and runs them again, and the second answer must be the new one.
 *
 * The hardest case is the store that rewrites the very next instruction of the block that
 * is executing. Since the P6, Intel CPUs detect this and restart from the modified bytes
 * (the SDM's "self-modifying code" section asks software to jump after the store for
 * portability to older processors, so the native answer here is the modern one). */

static u8 code[64] __attribute__((aligned(16)));

typedef u32 (*fn)(void);

/* mov $imm32, %eax ; ret */
static void emit_const(u8 *p, u32 v)
{
	p[0] = 0xb8;
	p[1] = (u8)v;
	p[2] = (u8)(v >> 8);
	p[3] = (u8)(v >> 16);
	p[4] = (u8)(v >> 24);
	p[5] = 0xc3;
}

/* The patched immediate sits in the instruction right after the store: there is no
 * jump in between, the same straight-line block is running. */
static __attribute__((noinline)) u32 patch_next(u32 v)
{
	u32 r;
	__asm__ volatile(
		"movl %1, 1f+1\n\t"
		"1: movl $0x11111111, %0\n\t"
		: "=r"(r) : "r"(v) : "memory");
	return r;
}

/* Rewrite an instruction in a loop body that has already run (and been decoded)
 * several times, then jump back to it. */
static __attribute__((noinline)) u32 patch_loop(void)
{
	u32 r = 0, i;
#pragma GCC unroll 1
	for (i = 0; i < 8; i++) {
		u32 x;
		__asm__ volatile(
			"2: movl $0, %0\n\t"
			: "=r"(x) :: "memory");
		r = r * 3 + x;
		/* the four bytes after 0xb8+reg are the immediate of the mov above */
		__asm__ volatile("movl %0, 2b+1" :: "r"(i * 0x1010101u + 1) : "memory");
	}
	return r;
}

int main(int argc, char **argv)
{
	u32 i, sum = 0;
	fn f = (fn)code;

	emit_const(code, 0x12345678);
	put_str("first: ");
	put_hex(f(), 8);
	put_char('\n');
	emit_const(code, 0x9abcdef0);
	put_str("rewritten: ");
	put_hex(f(), 8);
	put_char('\n');
	for (i = 0; i < 1000; i++) {
		code[1] = (u8)i;	/* only the low byte of the immediate */
		sum = sum * 7 + f();
	}
	put_str("1000 one-byte patches: ");
	put_hex(sum, 8);
	put_char('\n');
	/* change the length of the instruction: "inc %eax; ret" after "mov ...; ret" */
	code[0] = 0x31; code[1] = 0xc0;	/* xor %eax,%eax */
	code[2] = 0x40;			/* inc %eax */
	code[3] = 0x40;			/* inc %eax */
	code[4] = 0xc3;			/* ret */
	put_str("different lengths: ");
	put_hex(f(), 8);
	put_char('\n');
	put_str("patch the next instruction: ");
	put_hex(patch_next(0xcafef00d), 8);
	put_char(' ');
	put_hex(patch_next(42), 8);
	put_char('\n');
	put_str("patch a loop body: ");
	put_hex(patch_loop(), 8);
	put_char('\n');
	return 0;
}
