/* Faults as signals, run natively and in a Guest, outputs compared
 * (SignalsTest): every line this program prints is what Linux's i386 ABI
 * promises a program that catches its own faults (U:420-U:440).  It uses no
 * libc, only int $0x80, so the very same binary runs on the host's Linux and
 * on our Guest kernel.
 *
 * Each case arms a handler, sets "resume" to the instruction after the one
 * that will fault, and faults.  The handler prints the signal, si_code,
 * si_addr, the trap number, the error code, where the fault was and the
 * saved EFLAGS but its arithmetic flags (from its ucontext: a fault's has RF
 * set, a trap's has not, X:512; SF ZF AF PF CF are left out because the last
 * arithmetic before some cases is on a stack address), then moves the saved
 * %eip to "resume" and returns: so the case also checks that sigreturn puts
 * back the context the handler changed.  The
 * last cases single-step a few instructions, a REP MOVSB among them, which
 * traps once per element (X:256), and one case takes its signal through an
 * old-style handler, whose struct sigcontext is its argument. */
#include "print.h"
#include "sigaction.h"

static volatile unsigned long resume, steps, step_end;

/* uc_mcontext starts 20 bytes into the ucontext; gregs as <sys/ucontext.h> numbers them */
enum { REG_TRAPNO = 12, REG_ERR = 13, REG_EIP = 14, REG_EFL = 16 };

static void handler(int sig, int *info, unsigned long *uc)
{
	unsigned long *g = uc + 5;

	put("signal"); hex(sig);
	put(" code"); hex(info[2]);
	put(" addr"); hex(info[3]);
	put(" trap"); hex(g[REG_TRAPNO]);
	put(" err"); hex(g[REG_ERR]);
	put(" eip"); hex(g[REG_EIP]);
	put(" flags"); hex(g[REG_EFL] & ~0xD5UL);
	put("\n");
	g[REG_EIP] = resume;
}

/* Under single-step: where each trap came from; the last one turns TF off. */
static void stepper(int sig, int *info, unsigned long *uc)
{
	unsigned long *g = uc + 5;

	steps++;
	put("step"); hex(g[REG_EIP]);
	put(" code"); hex(info[2]);
	put(" ecx"); hex(g[10]);
	put(" flags"); hex(g[REG_EFL] & ~0xD5UL);
	put("\n");
	if (g[REG_EIP] == step_end || steps > 40)
		g[REG_EFL] &= ~0x100UL;
}

/* An old-style handler: its struct sigcontext lies on the stack as its argument. */
struct sigcontext {
	unsigned long gs, fs, es, ds, edi, esi, ebp, esp, ebx, edx, ecx, eax;
	unsigned long trapno, err, eip, cs, eflags, esp_at_signal, ss, fpstate, oldmask, cr2;
};
static void old_style(int sig, struct sigcontext sc)
{
	put("old signal"); hex(sig);
	put(" trap"); hex(sc.trapno);
	put(" eip"); hex(sc.eip);
	put("\n");
	*(volatile unsigned long *)&sc.eip = resume;   /* sigreturn reads it back from here */
}

static void catch(int sig, void *h, unsigned long flags)
{
	struct kaction a = { h, flags | SA_NODEFER | SA_RESTORER,
			     flags & SA_SIGINFO ? restore_rt : restore_old, { 0, 0 } };
	long ret;

	/* rt_sigaction(sig, &a, NULL, sizeof(sigset_t)) */
	__asm__ __volatile__("int $0x80" : "=a"(ret)
			     : "a"(174), "b"(sig), "c"(&a), "d"(0), "S"(8) : "memory");
	if (ret)
		put("rt_sigaction failed\n");
}

#define CASE(name, insns) do {						\
		put(name ":");						\
		__asm__ __volatile__("movl $1f, %0\n" insns "\n1:"	\
				     : "=m"(resume) : : "eax", "ecx", "edx", "memory", "cc"); \
	} while (0)

__attribute__((used)) static const char text_byte[4] = "ro";   /* .rodata: on the read-only code page */
__attribute__((used)) static char buf_a[8] = "abcdefg", buf_b[8];
__attribute__((used)) static int bounds[2] = { 1, 10 };

void _start(void)
{
	int sig;

	for (sig = 4; sig <= 11; sig++)
		if (sig != 6 && sig != 9 && sig != 10)
			catch(sig, handler, SA_SIGINFO);
	CASE("ud2", "ud2");
	CASE("divide", "xorl %%ecx, %%ecx; movl $1, %%eax; cltd; divl %%ecx");
	CASE("read unmapped", "movl 0x1234, %%eax");
	CASE("write unmapped", "movl %%eax, 0x1234");
	CASE("write code page", "movb $1, text_byte");
	CASE("cli", "cli");
	CASE("hlt", "hlt");
	CASE("in", "inb $0x80, %%al");
	CASE("int 0xfd", "int $0xfd");
	CASE("int3", "int3");
	CASE("into", "movl $0x7fffffff, %%eax; addl $1, %%eax; into");
	CASE("bound", "movl $11, %%eax; bound %%eax, bounds");
	CASE("lock nop", ".byte 0xf0; nop");
	/* x87 division by zero with ZM cleared: #MF at the next waiting instruction */
	CASE("x87 divide", "pushl $0x37b; fldcw (%%esp); addl $4, %%esp; fld1; fldz; fdivrp; fwait");
	__asm__ __volatile__("fninit");
	flush();

	catch(4, old_style, 0);
	CASE("old style ud2", "ud2");
	flush();

	catch(5, stepper, SA_SIGINFO);
	put("single step:\n");
	__asm__ __volatile__("movl $2f, %0\n"
			     "movl $3, %%ecx\n"
			     "movl $buf_a, %%esi\n"
			     "movl $buf_b, %%edi\n"
			     "pushf\n"
			     "orl $0x100, (%%esp)\n"
			     "popf\n"
			     "nop\n"
			     "rep movsb\n"
			     "movl $0, %%ecx\n"
			     "rep movsb\n"
			     "nop\n"
			     "2: nop\n"
			     : "=m"(step_end) : : "ecx", "esi", "edi", "memory", "cc");
	put("steps"); hex(steps);
	put(" copied "); put(buf_b);
	put("\n");
	flush();
	exit(0);
}
