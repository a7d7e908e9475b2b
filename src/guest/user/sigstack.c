/* The signal stack, run natively and in a Guest, outputs compared
 * (LinuxAbiTest): sigaltstack() (U:406) and the frames an SA_ONSTACK
 * handler gets (U:422) must be what Linux gives a program.  No libc, so the
 * same binary runs on both.  Addresses are printed as offsets into the
 * program's own buffers, and the frame's own size is never printed: Linux
 * saves the FPU's state in it, which is as large as the host's processor
 * makes it, and ours saves none.
 *
 * It asks for the stack before it has one, then sets it (refusals first:
 * too small, a bad mode), takes a signal on it and a nested one below it,
 * tries to change it from inside a handler, takes one whose handler runs on
 * the ordinary stack, and catches the SIGSEGV of a program whose %esp
 * points at nothing, which only a signal stack can.  SS_AUTODISARM's stack
 * is the handler's and comes back at sigreturn; a forked child has its
 * parent's, and a signal that finds %esp at the bottom of the signal stack,
 * with no room for its frame, ends the process with SIGSEGV. */
#include "print.h"
#include "sigaction.h"

#define SA_ONSTACK    0x08000000
#define SS_ONSTACK    1
#define SS_DISABLE    2
#define SS_AUTODISARM 0x80000000UL
#define SIGSEGV 11
#define SIGUSR1 10
#define SIGUSR2 12

struct stack { unsigned long sp, flags, size; };

static char alt[65536] __attribute__((aligned(16)));
static unsigned long saved_esp, resume;

static long sigaltstack(struct stack *ss, struct stack *old)
{
	return syscall3(186, (long)ss, (long)old, 0);
}

static long raise(int sig)
{
	return syscall3(270, syscall3(20, 0, 0, 0), syscall3(224, 0, 0, 0), sig);   /* tgkill(getpid(), gettid(), sig) */
}

static void catch(int sig, void *h, unsigned long flags)
{
	struct kaction a = { h, flags | SA_SIGINFO | SA_RESTORER, restore_rt, { 0, 0 } };

	if (sys6(174, sig, (long)&a, 0, 8, 0, 0))
		put("rt_sigaction failed\n");
}

/* Where an address lies: in the signal stack, or elsewhere. */
static void where(const char *what, unsigned long a)
{
	put(what);
	if (a >= (unsigned long)alt && a < (unsigned long)alt + sizeof(alt))
		put(" on the signal stack");
	else
		put(" elsewhere");
}

static void show(const char *what, long ret, const struct stack *s)
{
	put(what); hex(ret);
	put(" flags"); hex(s->flags);
	put(" size"); hex(s->size);
	put(" sp"); hex(s->sp ? s->sp - (unsigned long)alt : 0);
	put("\n");
}

static void nested(int sig, int *info, unsigned long *uc)
{
	int here;

	where("  nested handler", (unsigned long)&here);
	put(", its frame below the first:"); hex((unsigned long)uc < saved_esp);
	put(" uc_stack flags"); hex(uc[3]);
	put("\n");
}

static void first(int sig, int *info, unsigned long *uc)
{
	struct stack now, other = { (unsigned long)alt, 0, 8192 };
	int here;

	where("handler", (unsigned long)&here);
	put(" uc_stack flags"); hex(uc[3]);
	put(" size"); hex(uc[4]);
	put(" sp"); hex(uc[2] - (unsigned long)alt);
	put("\n");
	show("  sigaltstack inside", sigaltstack(0, &now), &now);
	put("  change it inside:"); hex(sigaltstack(&other, 0)); put("\n");
	saved_esp = (unsigned long)uc;
	catch(SIGUSR2, nested, SA_ONSTACK);
	raise(SIGUSR2);
}

static void plain(int sig, int *info, unsigned long *uc)
{
	int here;

	where("handler without SA_ONSTACK", (unsigned long)&here);
	put("\n");
}

static void disarmed(int sig, int *info, unsigned long *uc)
{
	struct stack now;
	int here;

	where("autodisarm handler", (unsigned long)&here);
	put(" uc_stack flags"); hex(uc[3]);
	put("\n");
	show("  sigaltstack inside", sigaltstack(0, &now), &now);
}

/* The SIGSEGV of a dead stack: resume where the program put back its %esp. */
static void segv(int sig, int *info, unsigned long *uc)
{
	int here;

	where("SIGSEGV handler", (unsigned long)&here);
	put(" code"); hex(info[2]);
	put("\n");
	uc[5 + 14] = resume;   /* uc_mcontext's %eip */
	uc[5 + 7] = saved_esp; /* and %esp */
}

void _start(void)
{
	struct stack s, small = { (unsigned long)alt, 0, 2047 }, bad = { (unsigned long)alt, 5, sizeof(alt) };
	struct stack good = { (unsigned long)alt, 0, sizeof(alt) };
	long pid;
	int status = 0;

	show("before", sigaltstack(0, &s), &s);
	put("too small:"); hex(sigaltstack(&small, 0));
	put(" bad mode:"); hex(sigaltstack(&bad, 0));
	put(" bad pointer:"); hex(sigaltstack((struct stack *)16, 0));
	put("\n");
	show("set", sigaltstack(&good, &s), &s);
	show("after", sigaltstack(0, &s), &s);
	flush();

	catch(SIGUSR1, first, SA_ONSTACK);
	raise(SIGUSR1);
	catch(SIGUSR1, plain, 0);
	raise(SIGUSR1);
	show("after the handlers", sigaltstack(0, &s), &s);
	flush();

	catch(SIGSEGV, segv, SA_ONSTACK);
	__asm__ __volatile__("movl %%esp, %0\n\t"
			     "movl $1f, %1\n\t"
			     "movl $16, %%esp\n\t"
			     "pushl %%eax\n"   /* no stack: only the signal stack can take the frame */
			     "1:"
			     : "=m"(saved_esp), "=m"(resume) : : "memory");
	flush();

	good.flags = SS_AUTODISARM;
	show("autodisarm", sigaltstack(&good, 0), &good);
	catch(SIGUSR1, disarmed, SA_ONSTACK);
	raise(SIGUSR1);
	show("after it", sigaltstack(0, &s), &s);
	flush();

	pid = syscall3(2, 0, 0, 0);
	if (pid == 0) {
		show("forked child", sigaltstack(0, &s), &s);
		flush();
		exit(0);
	}
	syscall3(7, pid, (long)&status, 0);
	put("child status"); hex(status); put("\n");

	/* A signal while %esp is near the bottom of the signal stack: its frame would run off
	 * the end, so it becomes a SIGSEGV, whose frame would too, and the process ends */
	good.flags = 0;
	sigaltstack(&good, 0);
	pid = syscall3(2, 0, 0, 0);
	if (pid == 0) {
		long me = syscall3(20, 0, 0, 0), ret;

		__asm__ __volatile__("movl %%esp, %%esi\n\t"
				     "movl %1, %%esp\n\t"
				     "int $0x80\n\t"     /* tgkill(me, me, SIGUSR1) */
				     "movl %%esi, %%esp"
				     : "=a"(ret) : "r"(alt + 100), "b"(me), "c"(me), "d"(SIGUSR1), "a"(270)
				     : "esi", "memory");
		exit(0);
	}
	syscall3(7, pid, (long)&status, 0);
	put("a signal at the bottom of the signal stack: child killed by"); hex(status & 0x7f); put("\n");
	flush();
	exit(0);
}
