/*P:120 src/guest/user/ holds the programs the Guest runs in ring 3.  They
 * are ordinary static i386 ELF executables, linked at 0x08048000 by
 * user.lds, knowing nothing about lguest: they speak the Linux system-call
 * ABI through int $0x80.  Two of them the kernel embeds in its image
 * (blob.S) and loads as exec() would: hello.c, the demonstration's program,
 * and hcall.c, the ring-3 half of a hostile guest.  The rest (sysfuzz.c,
 * udpcat.c, signals.c, ldt.c, resources.c, oomwait.c, vfork.c, unixdgram.c,
 * stopcont.c, sigstack.c, sendfile.c, sysvipc.c, oomshm.c and clock.c) are
 * built as ELF files of their own, which the tests give the Guest as its
 * --initrd; imgcheck.c goes on a root disk, as its init. :*/
#ifndef USER_SYSCALL_H
#define USER_SYSCALL_H

#define SYS_exit  1
#define SYS_write 4

static inline long syscall3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ __volatile__("int $0x80"
			     : "=a"(ret)
			     : "a"(nr), "b"(a), "c"(b), "d"(c)
			     : "memory");
	return ret;
}

/* Five and six arguments: %edi is the fifth, %ebp the sixth, which gcc may
 * be using, so it is saved round the call and loaded from a static. */
static inline long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	static long sixth;
	long ret;

	sixth = f;
	__asm__ __volatile__("push %%ebp\n\tmovl %7, %%ebp\n\tint $0x80\n\tpop %%ebp"
			     : "=a"(ret)
			     : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e), "m"(sixth)
			     : "memory");
	return ret;
}

static inline long write(int fd, const void *buf, unsigned long len)
{
	return syscall3(SYS_write, fd, (long)buf, (long)len);
}

static inline void __attribute__((noreturn)) exit(int status)
{
	for (;;)
		syscall3(SYS_exit, status, 0, 0);
}

static inline unsigned long strlen(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

#endif
