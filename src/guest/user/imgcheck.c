/* Is the program in memory the program on the disk?  Run as init from a root
 * disk (RootBootTest), it reads its own file through /proc/self/exe and
 * compares every loaded segment with the memory it was loaded into.  A
 * Guest booted from a disk reads its program image whole at boot (U:762),
 * in runs of up to 64 KiB, and a run that began in the middle of a page
 * once lost its last kilobytes (D:415).  Runs begin where the file has a
 * hole, so this file is built to have some: three stretches of zeros, which
 * mke2fs leaves as holes, each before some 65 KiB that are not zero, at
 * three different offsets within a page.  No C library: int $0x80 only. */
#include "print.h"

#define SYS_read   3
#define SYS_open   5
#define SYS_lseek 19

#define ONES16 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
#define ONES256 ONES16, ONES16, ONES16, ONES16, ONES16, ONES16, ONES16, ONES16, \
	ONES16, ONES16, ONES16, ONES16, ONES16, ONES16, ONES16, ONES16
#define ONES1K ONES256, ONES256, ONES256, ONES256
#define ONES4K ONES1K, ONES1K, ONES1K, ONES1K
#define ONES64K ONES4K, ONES4K, ONES4K, ONES4K, ONES4K, ONES4K, ONES4K, ONES4K, \
	ONES4K, ONES4K, ONES4K, ONES4K, ONES4K, ONES4K, ONES4K, ONES4K

/* Named into .data, so that the zeros are in the file (gcc puts zeros in
 * .bss otherwise, which the file does not hold), and volatile, so that
 * nothing is optimised away. */
#define DATA __attribute__((section(".data")))
volatile unsigned char zeros1[4096] DATA = { 0 };
volatile unsigned char ones1[65 * 1024] DATA = { ONES64K, ONES1K };
volatile unsigned char zeros2[4096] DATA = { 0 };
volatile unsigned char ones2[66 * 1024] DATA = { ONES64K, ONES1K, ONES1K };
volatile unsigned char zeros3[4096] DATA = { 0 };
volatile unsigned char ones3[67 * 1024] DATA = { ONES64K, ONES1K, ONES1K, ONES1K };

static unsigned char page[4096];

static long get(long fd, unsigned long off, void *buf, unsigned long n)
{
	syscall3(SYS_lseek, fd, (long)off, 0);
	return syscall3(SYS_read, fd, (long)buf, (long)n);
}

void _start(void)
{
	unsigned char eh[52], ph[32];
	long fd = syscall3(SYS_open, (long)"/proc/self/exe", 0, 0), bad = 0;
	unsigned int i, phoff, phnum;

	if (fd < 0 || get(fd, 0, eh, 52) != 52) {
		put("imgcheck: cannot read /proc/self/exe\n");
		flush();
		exit(1);
	}
	phoff = *(unsigned int *)(eh + 28);
	phnum = *(unsigned short *)(eh + 44);
	for (i = 0; i < phnum && !bad; i++) {
		unsigned int type, off, vaddr, filesz, done;

		get(fd, phoff + 32 * i, ph, 32);
		type = *(unsigned int *)ph;
		off = *(unsigned int *)(ph + 4);
		vaddr = *(unsigned int *)(ph + 8);
		filesz = *(unsigned int *)(ph + 16);
		for (done = 0; type == 1 && done < filesz && !bad; done += sizeof page) {
			unsigned int n = filesz - done < sizeof page ? filesz - done : sizeof page, k;
			const unsigned char *mem = (const unsigned char *)(vaddr + done);

			get(fd, off + done, page, n);
			for (k = 0; k < n; k++)
				if (page[k] != mem[k]) {
					put("imgcheck: memory differs from the file at");
					hex(vaddr + done + k);
					put("\n");
					bad = 1;
					break;
				}
		}
	}
	if (!bad)
		put("imgcheck: every loaded byte is the file's\n");
	flush();
	exit(bad + zeros1[0] + zeros2[0] + zeros3[0] - ones1[0] - ones2[0] - ones3[0] + 3);
}
