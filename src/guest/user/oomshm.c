/* The OOM killer must not choose a process for memory its death would not
 * free (U:920): a shared segment's pages stay while anyone maps it.  Run as
 * the first process of a small Guest by HostileUserTest.
 *
 * The first process maps half the free memory as MAP_SHARED and touches it
 * all.  A first child lets go of it, takes half of what is left, privately,
 * and waits; a second waits holding the shared memory; a third lets go of
 * it too and eats private memory until the killer must choose.  The holder maps more pages than any other, but
 * ending it would give back nothing, so it must be left alone: the others
 * go, the eater last of all.  (The killer used to count every page a
 * process mapped, and ended the holder first, in vain.) */
#include "print.h"

#define NR_fork     2
#define NR_read     3
#define NR_pause   29
#define NR_kill    37
#define NR_pipe    42
#define NR_munmap  91
#define NR_wait4  114
#define NR_sysinfo 116
#define NR_mmap2  192
#define PAGE     4096

static unsigned long free_bytes(void)
{
	unsigned long si[16];

	syscall3(NR_sysinfo, (long)si, 0, 0);
	return si[5];
}

static char *fresh(unsigned long len, int flags)
{
	return (char *)sys6(NR_mmap2, 0, len, 3, flags, -1, 0);
}

static void __attribute__((noreturn)) wait_for_ever(void)
{
	for (;;)
		syscall3(NR_pause, 0, 0, 0);
}

__asm__(".text\n.globl _start\n_start:\n\tcall start\n");

void start(void)
{
	unsigned long size = (free_bytes() / 2 / PAGE - 1) * PAGE, i;
	char *shared = fresh(size, 0x21), *mine, c = 0;
	long filler, holder, eater;
	int status = 0, fds[2];

	for (i = 0; i < size; i += PAGE)
		shared[i] = 1;
	syscall3(NR_pipe, (long)fds, 0, 0);
	filler = syscall3(NR_fork, 0, 0, 0);
	if (filler == 0) {
		syscall3(NR_munmap, (long)shared, size, 0);
		for (mine = fresh(256 << 20, 0x22), i = 0; free_bytes() > size / 2; i += PAGE)
			mine[i] = 1;
		write(fds[1], "!", 1);
		wait_for_ever();
	}
	syscall3(NR_read, fds[0], (long)&c, 1);
	holder = syscall3(NR_fork, 0, 0, 0);
	if (holder == 0)
		wait_for_ever();
	eater = syscall3(NR_fork, 0, 0, 0);
	if (eater == 0) {
		syscall3(NR_munmap, (long)shared, size, 0);
		for (mine = fresh(256 << 20, 0x22), i = 0; ; i += PAGE)
			mine[i] = 1;
	}
	sys6(NR_wait4, eater, (long)&status, 0, 0, 0, 0);
	put("the filler ready"); hex(c);
	put(" the eater's end"); hex(status);
	put(" the holder still there"); hex(syscall3(NR_kill, holder, 0, 0) == 0);
	put("\n");
	flush();
	syscall3(NR_kill, holder, 9, 0);
	syscall3(NR_kill, filler, 9, 0);
	exit(0);
}
