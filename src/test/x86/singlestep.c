/* Single-step, natively and under x86run: the program sets EFLAGS.TF with POPF and takes
 * the #DB trap that follows. Natively a SIGTRAP handler prints the EIP the kernel saved;
 * under x86run (which has no signals) the trap ends the program and x86run names the EIP.
 * The test compares the two. Built plain: the POPF that sets TF is not trapped, the NOP
 * after it is. Built with -DMOVSS: a MOV to SS right after that POPF holds the trap off
 * for one more instruction. */
#include "lib.h"

extern char expected[];

static void handler(int sig, void *info, unsigned *uc)
{
	(void)sig; (void)info;
	hex(uc[5 + 14]);                      /* ucontext: 20 bytes, then gregs[REG_EIP = 14] */
	nl();
	exit_(0);
}

void _start(void)
{
	static struct { void *handler; unsigned flags; void *restorer; unsigned mask[2]; } sa = { handler, 4, 0, {0, 0} };
	int r;
	/* rt_sigaction(SIGTRAP, &sa, 0, 8) with SA_SIGINFO; under x86run it fails, and the trap kills */
	asm volatile("int $0x80" : "=a"(r) : "a"(174), "b"(5), "c"(&sa), "d"(0), "S"(8) : "memory");
	hex((unsigned)expected); nl();
	flush();
#ifdef MOVSS
	asm volatile("mov %%ss, %%eax; pushf; orl $0x100, (%%esp); popf; mov %%eax, %%ss; nop\n"
		".globl expected\nexpected: nop" ::: "eax", "memory", "cc");
#else
	asm volatile("pushf; orl $0x100, (%%esp); popf; nop\n.globl expected\nexpected: nop" ::: "memory", "cc");
#endif
	exit_(1);
}
