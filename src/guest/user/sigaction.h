/* For the user programs that catch signals (signals.c, stopcont.c): the
 * kernel's struct sigaction for rt_sigaction(), and the restorers a handler
 * returns to, rt_sigreturn for the frame SA_SIGINFO makes and sigreturn for
 * the old one (U:420). */
#ifndef USER_SIGACTION_H
#define USER_SIGACTION_H

#define SA_SIGINFO  0x00000004
#define SA_RESTART  0x10000000
#define SA_NODEFER  0x40000000
#define SA_RESTORER 0x04000000

struct kaction {
	void *handler;
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask[2];
};
void restore_rt(void);
void restore_old(void);
__asm__(".text\n"
	"restore_rt: movl $173, %eax; int $0x80\n"
	"restore_old: popl %eax; movl $119, %eax; int $0x80\n");

#endif
