/* A local descriptor table, run natively and in a Guest, outputs compared
 * (LdtTest): modify_ldt() (G:635) and the Host's LOAD_LDT (H:520) must give a
 * program the segments Linux gives it.  No libc, so the same binary runs on
 * both.  It makes a data segment over a buffer and reads and writes through
 * %fs; asks LAR and LSL about the selector; reads the table back; calls
 * 16-bit code in a 16-bit code segment of its own (X:125), which pushes a
 * word on the 32-bit stack; forks, so that the child, with a copy of the
 * table and of %fs, reads through it too; and executes itself again, to see
 * that the new program starts without one. */
#include "print.h"
static long sys(long nr, long a, long b, long c)
{
	return syscall3(nr, a, b, c);
}

/* struct user_desc: entry, base, limit, then the flag bits */
#define SEG_32BIT      0x01
#define CONTENTS_CODE  0x04
#define CONFORMING     0x06
#define LIMIT_PAGES    0x10
#define NOT_PRESENT    0x20
#define USEABLE        0x40

static long modify_ldt(unsigned entry, unsigned long base, unsigned limit, unsigned flags)
{
	unsigned long d[4] = { entry, base, limit, flags };

	return sys(123, 1, (long)d, sizeof(d));
}

extern char code16_start[], code16_end[];
__asm__(".text\n"
	".code16\n"
	"code16_start:\n"
	"	movl $0x12345678, %ebx\n"   /* offset 0: a word pushed in 16-bit code */
	"	movl %esp, %ecx\n"
	"	push %bx\n"
	"	subl %esp, %ecx\n"          /* how far the push moved ESP: 2 */
	"	pop %ax\n"
	"	jmp 1f\n"
	"	nop\n"
	"1:	data32 lret\n"
	"code16_end:\n"
	".code32\n");

__attribute__((used)) static char buffer[32] = "local descriptor";

/* The entry point, in assembler to hand C the stack as exec left it (argc first). */
void start(unsigned long *sp);
__asm__(".text\n.globl _start\n_start:\n\tpushl %esp\n\tcall start\n");

void start(unsigned long *sp)
{
	unsigned long r, sel = (1 << 3) | 4 | 3, code = (2 << 3) | 4 | 3, lar, lsl, table[4], spdec;
	long n;
	int i, status;
	static char self[] = "/proc/self/exe", again[] = "again";
	static char *argv[] = { self, again, 0 }, *envp[] = { 0 };

	if (sp[0] > 1) {                     /* exec'd by ourselves: a new program has no LDT */
		put("after exec, read back"); hex(sys(123, 0, (long)table, sizeof(table))); put("\n");
		flush();
		exit(0);
	}

	put("write entry 1:"); hex(modify_ldt(1, (unsigned long)buffer, sizeof(buffer) - 1, SEG_32BIT | USEABLE));
	put("\n");
	__asm__ __volatile__("movl %1, %%fs; movl %%fs:4, %0; movb $0x21, %%fs:0" : "=r"(r) : "r"(sel) : "memory");
	put("fs:4"); hex(r);
	put(" buffer "); put(buffer); put("\n");
	__asm__ __volatile__("larl %2, %0; lsll %2, %1" : "=r"(lar), "=r"(lsl) : "r"(sel) : "cc");
	put("lar"); hex(lar); put(" lsl"); hex(lsl); put("\n");
	n = sys(123, 0, (long)table, sizeof(table));
	put("read back"); hex(n);
	for (i = 0; i < 4; i++)
		hex(table[i]);
	put("\n");

	put("write entry 2:"); hex(modify_ldt(2, (unsigned long)code16_start, code16_end - code16_start - 1,
					      CONTENTS_CODE));
	put("\n");
	__asm__ __volatile__("lcall *%2" : "=a"(r), "=c"(spdec)
			     : "m"(((struct { unsigned long off; unsigned short sel; }){ 0, code }))
			     : "ebx", "memory", "cc");
	put("16-bit code returned"); hex(r & 0xFFFF); put(" esp moved"); hex(spdec); put("\n");
	flush();

	if (sys(2, 0, 0, 0) == 0) {          /* fork: the child has the table and %fs */
		__asm__ __volatile__("movl %%fs:6, %0" : "=r"(r));
		put("child fs:6"); hex(r); put("\n");
		flush();
		exit(0);
	}
	sys(7, -1, (long)&status, 0);         /* waitpid */
	put("child status"); hex(status); put("\n");
	flush();
	/* Free an entry while a segment register names it: it comes back null, whoever
	 * reloads it (a TLS entry in %fs and %es, an LDT entry in %es). */
	{
		unsigned long d[4] = { -1UL, 0, 0xfffff, 0x51 }, e[4], fs, es, ds;

		sys(243, (long)d, 0, 0);
		e[0] = d[0]; e[1] = 0; e[2] = 0; e[3] = 0x28;
		__asm__ __volatile__("movl %%ds, %0" : "=r"(ds));
		__asm__ __volatile__("movl %0, %%fs; movl %0, %%es" : : "r"(d[0] * 8 + 3));
		sys(243, (long)e, 0, 0);
		__asm__ __volatile__("movl %%fs, %0; movl %%es, %1" : "=r"(fs), "=r"(es));
		put("freed TLS entry: fs"); hex(fs & 0xFFFF); put(" es"); hex(es & 0xFFFF); put("\n");
		__asm__ __volatile__("movl %0, %%es" : : "r"(sel));
		modify_ldt(1, 0, 0, 0);
		__asm__ __volatile__("movl %%es, %0" : "=r"(es));
		put("freed LDT entry: es"); hex(es & 0xFFFF); put("\n");
		__asm__ __volatile__("movl %0, %%es" : : "r"(ds));
		flush();
	}
	/* Free the entry the stack segment names: the process cannot go on, and ends
	 * with SIGSEGV (the kernel, asked to return on that stack, must not panic). */
	if (sys(2, 0, 0, 0) == 0) {
		unsigned long ss, stack = (2 << 3) | 4 | 3;

		modify_ldt(2, 0, 0xfffff, SEG_32BIT | LIMIT_PAGES);
		__asm__ __volatile__("movl %%ss, %0; movl %1, %%ss" : "=&r"(ss) : "r"(stack));
		modify_ldt(2, 0, 0, 0);
		__asm__ __volatile__("movl %0, %%ss" : : "r"(ss));
		put("child went on without its stack segment\n");
		flush();
		exit(0);
	}
	sys(7, -1, (long)&status, 0);
	put("child that freed its stack segment: signal"); hex(status & 0x7f); put("\n");
	flush();
	/* What Linux refuses (G:630, G:635): in the TLS entries anything but a present 32-bit
	 * data segment; in the LDT a conforming code segment, unless it is not present and
	 * written with the newer function, 0x11.  All zeros frees a TLS entry. */
	{
		unsigned long t16[4] = { -1UL, 0, 0xfffff, LIMIT_PAGES },
			tcode[4] = { -1UL, 0, 0xfffff, SEG_32BIT | CONTENTS_CODE | LIMIT_PAGES },
			tgone[4] = { -1UL, 0, 0xfffff, SEG_32BIT | LIMIT_PAGES | NOT_PRESENT },
			tls[4] = { -1UL, 0, 0xfffff, SEG_32BIT | LIMIT_PAGES | USEABLE }, again[4], zero[4] = { 0 },
			conf[4] = { 3, 0, 0xfff, SEG_32BIT | CONFORMING | NOT_PRESENT };

		put("set_thread_area, 16-bit data:"); hex(sys(243, (long)t16, 0, 0));
		put(" code:"); hex(sys(243, (long)tcode, 0, 0));
		put(" not present:"); hex(sys(243, (long)tgone, 0, 0));
		put("\n");
		sys(243, (long)tls, 0, 0);
		zero[0] = tls[0];
		put("all zeros:"); hex(sys(243, (long)zero, 0, 0));
		again[0] = -1UL; again[1] = 0; again[2] = 0xfffff; again[3] = tls[3];
		sys(243, (long)again, 0, 0);
		put(" and the entry is free again:"); hex(again[0] == tls[0]); put("\n");
		put("conforming code not present, function 1:"); hex(sys(123, 1, (long)conf, sizeof(conf)));
		put(" 0x11:"); hex(sys(123, 0x11, (long)conf, sizeof(conf)));
		__asm__ __volatile__("larl %1, %0" : "=r"(lar) : "r"((3 << 3) | 4 | 3) : "cc");
		put(" lar"); hex(lar);
		conf[3] &= ~NOT_PRESENT;
		put(" present:"); hex(sys(123, 0x11, (long)conf, sizeof(conf)));
		put("\n");
		flush();
	}
	sys(11, (long)self, (long)argv, (long)envp);   /* execve: the LDT goes with the old program */
	put("exec failed\n");
	flush();
	exit(1);
}
