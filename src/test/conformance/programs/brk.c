/* The program break: where it starts is the kernel's choice (and randomised), how it moves
 * is the ABI. Only differences are printed. */
#include "../runtime/rt.h"

extern char _end[];

int main(int argc, char **argv)
{
	u32 start = (u32)rt_brk(0), now, i, sum = 0;
	u8 *p;
	put_str(start >= (u32)_end ? "initial break is above _end\n" : "initial break is below _end!\n");
	put_str(start == (u32)rt_brk(0) ? "brk(0) is stable\n" : "brk(0) moves\n");
	now = (u32)rt_brk(start + 100000);
	put_str("grow by 100000: ");
	put_str(now == start + 100000 ? "ok\n" : "failed\n");
	p = (u8 *)start;
	for (i = 0; i < 100000; i++)
		p[i] = (u8)(i * 7 + 3);
	for (i = 0; i < 100000; i++)
		sum = sum * 31 + p[i];
	put_str("checksum of the new memory: ");
	put_hex(sum, 8);
	put_char('\n');
	now = (u32)rt_brk(start + 4096);
	put_str("shrink to 4096: ");
	put_str(now == start + 4096 ? "ok\n" : "failed\n");
	{
		/* The first whole page above the shrunken break was given back, so growing
		 * over it again must bring a fresh, zeroed page, not the bytes it held before.
		 * This is not pedantry: glibc's malloc assumes that memory sbrk hands out is
		 * clear (MORECORE_CLEARS), and its calloc skips the memset for the part of a
		 * chunk that came fresh from the top, so old bytes here would come back as
		 * "zeroed" memory from calloc after malloc trimmed and regrew the heap. */
		u32 q = (start + 4096 + 4095) & ~4095u, dirty = 0;
		now = (u32)rt_brk(q + 4096);
		p = (u8 *)start;
		put_str("grow again, old bytes ");
		put_str(p[4095] == (u8)(4095 * 7 + 3) ? "kept" : "lost");
		for (i = 0; i < 4096; i++)
			dirty += ((u8 *)q)[i] != 0;
		put_str(", a released page comes back ");
		put_str(dirty == 0 ? "zeroed\n" : "with old contents\n");
		now = (u32)rt_brk(start - 0x10000000u);
		put_str("shrinking below the start is refused: ");
		put_str(now == q + 4096 ? "yes\n" : "no\n");
	}
	return 0;
}
