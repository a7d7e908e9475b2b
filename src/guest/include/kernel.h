/* The Guest kernel's own declarations: what one file of the kernel offers the
 * others.  The ABI shared with the Host is not here but in lguest.h; nothing in
 * this header is seen by anybody outside src/guest. */
#ifndef GUEST_KERNEL_H
#define GUEST_KERNEL_H

#include "lguest.h"

#define PAGE_OFFSET LGUEST_PAGE_OFFSET
#define PAGE_SIZE   4096
#define PAGE_SHIFT  12

/* Page-table entry bits, as the i686 defines them. */
#define PTE_PRESENT  0x001
#define PTE_RW       0x002
#define PTE_USER     0x004
#define PTE_PWT      0x008
#define PTE_ACCESSED 0x020
#define PTE_DIRTY    0x040
#define PTE_PSE      0x080
#define PTE_GLOBAL   0x100

#define X86_EFLAGS_IF 0x200
#define X86_EFLAGS_TF 0x100
#define X86_EFLAGS_DF 0x400
#define X86_EFLAGS_RF 0x10000
#define COMMAND_LINE_SIZE LGUEST_COMMAND_LINE_SIZE

#define KERNEL_CS LGUEST_KERNEL_CS
#define KERNEL_DS LGUEST_KERNEL_DS
#define USER_CS   LGUEST_USER_CS
#define USER_DS   LGUEST_USER_DS

/* head.S has one 16-byte entry stub for each of the first 64 vectors. */
#define TRAP_STUB_SIZE 16
#define TRAP_STUB_COUNT 64

#ifndef __ASSEMBLER__
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define NULL ((void *)0)

/* All of RAM appears at PAGE_OFFSET, exactly as the Launcher's initial page
 * tables map it, so a physical address and its kernel virtual address differ
 * by this constant and nothing else. */
#define __pa(v) ((unsigned long)(v) - PAGE_OFFSET)
#define __va(p) ((void *)((unsigned long)(p) + PAGE_OFFSET))

/* Interrupt vectors: IRQ n arrives at 32+n; system calls at 0x80. */
#define FIRST_EXTERNAL_VECTOR 32
#define NR_IRQS 32
#define SYSCALL_VECTOR 0x80

/* The registers as the trap entry code in head.S leaves them on the stack:
 * what it pushed, then what the CPU (or the Host) pushed.  esp and ss are
 * only there when the trap came from ring 3. */
struct trap_frame {
	u32 ebx, ecx, edx, esi, edi, ebp, eax, es, ds;
	u32 vector, errcode;
	u32 eip, cs, eflags;
	u32 esp, ss;
};

/* Compiler barrier: keeps gcc from moving memory accesses across it. */
#define barrier() __asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x) (*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/* lguest.c: the paravirt layer. */
extern struct lguest_data lguest_data;
extern unsigned long ram_size, max_pfn;
extern char boot_command_line[COMMAND_LINE_SIZE];
extern unsigned long initrd_start, initrd_size;
unsigned long hcall(unsigned long call, unsigned long arg1,
		    unsigned long arg2, unsigned long arg3);
void lazy_hcall(unsigned long call, unsigned long arg1,
		unsigned long arg2, unsigned long arg3);
void lazy_mode_enter(void);
void lazy_mode_leave(void);
unsigned long irq_save(void);
void irq_restore(unsigned long flags);
void irq_enable(void);
void irq_disable(void);
void safe_halt(void);
void load_idt_entry(unsigned int vector, unsigned long handler, unsigned int type_dpl);
void load_tls(const u64 *tls);
void load_ldt(const u64 *ldt, int n);
struct process;
u32 usable_selector(const struct process *p, u32 sel);
void set_kernel_stack(unsigned long top, unsigned int pages);
void set_ts(int on);
void set_clockevent(unsigned long ns);
unsigned long read_cr2(void);
void kernel_main(void);
void early_hook(void);

/* head.S */
extern char lguest_noirq_start[], lguest_noirq_end[];
extern char trap_stubs[], trap_stubs_end[], syscall_entry[];
extern char __bss_start[], __bss_end[], _end[], _text[];

/* mm.c: pages and page tables. */
void *alloc_page(void);
void *try_alloc_page(void);
void free_page(void *page);
void *try_alloc_pair(void);         /* two pages side by side (U:106) */
void free_pair(void *pair);
void mm_init(void);
unsigned long kernel_pgdir_pa(void);
int map_page(unsigned long vaddr, unsigned long paddr, unsigned long flags); /* -ENOMEM: no page table */
extern int pgdir_unseen;   /* set while map_page() writes a directory never loaded (U:320) */
unsigned long lookup_pte(unsigned long vaddr);
void flush_tlb_user(void);
extern unsigned long *kernel_pgdir;

/* traps.c: traps, interrupts and system calls. */
void trap_init(void);
void time_init(void);
typedef void (*irq_handler_t)(unsigned int irq, void *arg);
void request_irq(unsigned int irq, irq_handler_t handler, void *arg);
void trap_dispatch(struct trap_frame *regs);
extern volatile unsigned long timer_ticks;
void msleep(unsigned long ms);
void nsleep(unsigned long ns);
void wait_until(int (*done)(void *), void *arg);

/* The user address space, as Linux's i386 lays it out: programs from
 * 0x08048000, mmap() from 1 GiB up, an 8 MiB stack just below the kernel. */
#define USER_STACK_TOP  0xC0000000UL
#define USER_STACK_SIZE (8UL << 20)
#define MMAP_BASE       0x40000000UL
/* What execve() takes (U:340): argument and environment strings, how many
 * of each, and the bytes of all of them together. */
#define MAX_ARGS        1024
#define MAX_ENV         256
#define MAX_ARG_BYTES   (32UL << 10)

/* Linux's numbers, as the i386 system-call ABI uses them. */
typedef int s32;
typedef long long s64;
#define EPERM    1
#define ENOENT   2
#define ESRCH    3
#define EBADF    9
#define ENOMEM  12
#define EFAULT  14
#define ENODEV  19
#define EINVAL  22
#define ENOTTY  25
#define ESPIPE  29
#define ERANGE  34
#define ENOSYS  38
#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4
#define MAP_SHARED    0x01
#define MAP_TYPE      0x0F
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define O_RDWR 2
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define AT_EMPTY_PATH 0x1000
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define RLIMIT_STACK  3
#define RLIMIT_NOFILE 7
#define RLIM_INFINITY 0xFFFFFFFFUL
#define CLOCK_REALTIME           0
#define CLOCK_MONOTONIC          1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID  3
#define CLOCK_MONOTONIC_RAW      4
#define CLOCK_REALTIME_COARSE    5
#define CLOCK_MONOTONIC_COARSE   6
#define CLOCK_BOOTTIME           7
#define TIMER_ABSTIME 1
#define NSIG 64
#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SIG_IGN 1
#define SIGHUP   1
#define SIGILL   4
#define SIGTRAP  5
#define SIGBUS   7
#define SIGFPE   8
#define SIGKILL  9
#define SIGSEGV 11
#define SIGSTOP 19
#define SIGBIT(sig) (1ULL << ((sig) - 1))   /* a signal in sigpending and sigmask */
#define NR_SYSCALLS 440

/* process.c, sched.c, file.c: processes, their memory and their files. */
#define MAX_PROCS 104
#define MAX_VMAS  (PAGE_SIZE / sizeof(struct vma))   /* 341: a page of them (U:925) */
#define NR_OPEN   1024          /* Linux's default soft limit: see U:925 */
#define KSTACK_PAGES 2
#define ECHILD   10
#define EAGAIN   11
#define E2BIG     7
#define ENOEXEC   8
#define EINTR     4
#define EMFILE   24
#define EPIPE    32
#define ENXIO     6
#define EACCES   13
#define ENAMETOOLONG 36
#define ETIMEDOUT 110            /* a futex wait (U:266), a TCP connection (U:899) */
#define EOPNOTSUPP 95            /* fallocate on ext2 (U:657), a socket operation (U:880) */
#define ENFILE   23              /* sockets and socketpair() (U:526, U:880) share these */
#define ENOTSOCK 88
#define EPROTONOSUPPORT 93
#define ESOCKTNOSUPPORT 94
#define EAFNOSUPPORT 97
#define EEXIST   17              /* a name taken, on the disk or among rtnetlink's addresses (U:904) */
#define EFBIG    27              /* a file past ext2's limits, a semaphore not in its set (U:190) */
#define ENOSPC   28              /* ext2's, and System V IPC's tables full (U:184) */
/* A pointer or an address that is an error instead: -4095 to -1 (the kernel's
 * addresses and the top of user space never get that high). */
#define IS_ERR(p) ((unsigned long)(p) >= (unsigned long)-4095)
#define PTR_ERR(p) ((long)(p))
#define ERR_PTR(e) ((void *)(long)(e))
#define ERESTARTSYS 512          /* kernel-internal: restart if SA_RESTART */
#define ERESTART_RESTARTBLOCK 516 /* kernel-internal: go on with restart_syscall() if no handler ran */
#define SIGINT   2
#define SIGQUIT  3
#define SIGPIPE 13
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
struct user_program {
	const char *name;
	const u8 *image;
	unsigned long size;
};
struct vma {
	unsigned long start, end;
	u8 prot;                      /* PROT_* */
	u8 shm;                       /* 0, or 1 + the shared segment behind it (U:181) */
	u16 pgoff;                    /* which page of that segment start is */
};
struct file;
enum proc_state { P_FREE, P_RUNNABLE, P_SLEEPING, P_ZOMBIE };
struct process {
	int pid, ppid, pgid, sid;
	enum proc_state state;
	int exit_code;                /* wait4's status word, once a zombie */
	u64 tls[LGUEST_TLS_ENTRIES];  /* its GDT entries 6 to 8 */
	u32 gs;                       /* its %gs selector while it is switched out */
	u32 fs;                       /* and its %fs (an LDT selector, if anything) */
	u64 ldt[LGUEST_LDT_ENTRIES];  /* its local descriptor table (modify_ldt, G:635) */
	int ldt_count;                /* its size: one past the highest entry ever written */
	int fpu_used;                 /* has it had its FNINIT? */
	u8 fpu[108];                  /* FNSAVE's image, when another owns the FPU */
	char comm[16];                /* prctl(PR_SET_NAME) */
	u32 sigaction[NSIG][5];       /* handler, flags, restorer, mask */
	u64 sigmask, sigpending, saved_sigmask;
	u32 sas_sp, sas_size, sas_flags;  /* sigaltstack(): none while sas_size is 0 (U:406) */
	int restore_sigmask;          /* rt_sigsuspend: put saved_sigmask back */
	u32 syscall_nr;               /* for restarting an interrupted call */
	int in_kernel;                /* 0 only while it runs its own code in ring 3 */
	int vfork_parent;             /* CLONE_VFORK: its parent waits for its exec */
	int borrows_mm;               /* runs on another's pgdir and pages, which it must not free (U:310) */
	unsigned long ksp;            /* kernel %esp while switched out */
	u8 *kstack;                   /* KSTACK_PAGES pages */
	unsigned long *pgdir;         /* user half its own, kernel half shared */
	int pgdir_fresh;              /* not yet loaded: the Host may cache a stale shadow */
	struct vma *mm_vmas;          /* a page of MAX_VMAS; vm.c calls them vmas, nr_vmas, ... */
	unsigned int mm_nr_vmas;
	unsigned long mm_brk_start, mm_brk_cur;
	struct file **fds;            /* NR_OPEN of them: one page of its own (U:925) */
	u32 cloexec[NR_OPEN / 32];    /* FD_CLOEXEC, one bit per descriptor */
	int fd_top;                   /* no descriptor at or above this is open (U:505) */
	u32 cwd;                      /* inode number of the working directory */
	u32 root;                     /* and of its root, if chroot() moved it (U:646) */
	int (*wait_cond)(void *);     /* what it sleeps for, P_SLEEPING */
	void *wait_arg;
	u64 wake_ns;                  /* or until when (0: no deadline) */
	u64 wake_signals;             /* and which signals end the wait (U:240) */
	u64 start_ns, cpu_ns, ran_since;   /* for /proc (U:780): born, ran for, runs since */
	unsigned long arg_start, arg_end;  /* its argv strings, on its stack */
	char exe[64];                 /* the file it executes, as execve() named it */
	u64 rlim[16][2];              /* soft and hard limits (U:370) */
	int nice;                     /* -20 to 19 (U:372) */
	u32 ioprio;                   /* the I/O priority, class << 13 | level (U:373) */
	u32 persona;                  /* personality(): 0, or PER_LINUX32 (U:373) */
	u64 child_ns;                 /* CPU time of the children it reaped, theirs included (U:374) */
	int stop_sig;                 /* the signal that stopped it, while it is stopped (U:402) */
	u64 sleep_deadline;           /* an interrupted sleep's end, for restart_syscall() (U:265) */
	int report;                   /* a stop or a continue its parent's wait4() has not seen: */
#define REPORT_STOP 1
#define REPORT_CONT 2
};
extern u64 boot_ns, idle_ns, dead_cpu_ns;   /* sched.c, for /proc */
extern unsigned long nr_forks, nr_switches;
u64 cpu_ns_of(struct process *p);
unsigned long nr_free_pages(void);    /* mm.c */
extern struct process *current_proc;
#define current (*current_proc)
extern struct process procs[MAX_PROCS];
#define brk_start (current.mm_brk_start)
#define brk_cur   (current.mm_brk_cur)
int run_program(const struct user_program *prog, char *const argv[]);
void user_fault(struct trap_frame *regs, const char *what);
void fpu_first_use(void);
void lguest_init(const u8 *boot);
void do_exit(int code) __attribute__((noreturn));
int send_signal(struct process *p, int sig);
int signal_pending(void);
void do_signal(struct trap_frame *regs, long ret);
void signal_interrupted_user(void);
struct trap_frame *task_regs(struct process *p);
struct process *find_process(int pid);
/* sched.c */
void schedule(void);
void maybe_preempt(void);
void sched_init(void);
long wait_event(int (*cond)(void *), void *arg);
long wait_event_killable(int (*cond)(void *), void *arg);
long wait_event_until(int (*cond)(void *), void *arg, u64 deadline_ns);
long sleep_ns(u64 ns);
long sleep_until_ns(u64 deadline);
u32 split_ns(u64 ns, u32 *rest);       /* seconds, and the nanoseconds over (itimer.c) */
long sleep_killable_ns(u64 ns);
void host_clock(u32 *sec, u32 *nsec);            /* lguest_data's time, read whole */
u64 monotonic_ns(void);
u64 fresh_ns(void);                               /* the time now: a hypercall (G:690) */
void host_clock_now(u32 *sec, u32 *nsec);
void switch_to(unsigned long *prev_ksp, unsigned long next_ksp);
void ret_from_fork(void);
void activate_process(struct process *p);
/* file.c */
void files_fork(struct process *child);
void files_close_all(void);
void files_exec(void);
void console_files_init(void);

/* Each system call outside syscall.c's own table is declared this way. */
#define DECLARE_SYSCALL(name) long sys_##name(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
DECLARE_SYSCALL(read); DECLARE_SYSCALL(write); DECLARE_SYSCALL(readv);
DECLARE_SYSCALL(writev); DECLARE_SYSCALL(close); DECLARE_SYSCALL(dup);
DECLARE_SYSCALL(pread64); DECLARE_SYSCALL(pwrite64); DECLARE_SYSCALL(sendfile); DECLARE_SYSCALL(sendfile64);
DECLARE_SYSCALL(dup2); DECLARE_SYSCALL(dup3); DECLARE_SYSCALL(fcntl64);
DECLARE_SYSCALL(pipe); DECLARE_SYSCALL(pipe2); DECLARE_SYSCALL(ioctl);
DECLARE_SYSCALL(llseek); DECLARE_SYSCALL(lseek); DECLARE_SYSCALL(poll);
DECLARE_SYSCALL(fork); DECLARE_SYSCALL(vfork); DECLARE_SYSCALL(clone);
DECLARE_SYSCALL(settimeofday); DECLARE_SYSCALL(clock_settime); DECLARE_SYSCALL(clock_settime64); DECLARE_SYSCALL(execve);
DECLARE_SYSCALL(wait4); DECLARE_SYSCALL(waitpid); DECLARE_SYSCALL(exit);
DECLARE_SYSCALL(getpid); DECLARE_SYSCALL(getppid); DECLARE_SYSCALL(getpgrp);
DECLARE_SYSCALL(setpgid); DECLARE_SYSCALL(getpgid); DECLARE_SYSCALL(setsid);
DECLARE_SYSCALL(getsid); DECLARE_SYSCALL(kill); DECLARE_SYSCALL(tgkill);
DECLARE_SYSCALL(rt_sigaction); DECLARE_SYSCALL(rt_sigprocmask);
DECLARE_SYSCALL(rt_sigsuspend); DECLARE_SYSCALL(sigreturn); DECLARE_SYSCALL(sigaltstack);
DECLARE_SYSCALL(rt_sigreturn); DECLARE_SYSCALL(set_tid_address);
DECLARE_SYSCALL(rt_sigtimedwait); DECLARE_SYSCALL(rt_sigtimedwait_time64);
DECLARE_SYSCALL(reboot); DECLARE_SYSCALL(sysinfo); DECLARE_SYSCALL(syslog);

/* net/socket.c and itimer.c: sockets, alarms, and the deadlines the scheduler arms (U:855) */
DECLARE_SYSCALL(socketcall); DECLARE_SYSCALL(socket); DECLARE_SYSCALL(socketpair);
DECLARE_SYSCALL(bind); DECLARE_SYSCALL(connect); DECLARE_SYSCALL(listen);
DECLARE_SYSCALL(accept4); DECLARE_SYSCALL(getsockopt); DECLARE_SYSCALL(setsockopt);
DECLARE_SYSCALL(getsockname); DECLARE_SYSCALL(getpeername); DECLARE_SYSCALL(sendto);
DECLARE_SYSCALL(sendmsg); DECLARE_SYSCALL(recvfrom); DECLARE_SYSCALL(recvmsg);
DECLARE_SYSCALL(shutdown); DECLARE_SYSCALL(alarm); DECLARE_SYSCALL(setitimer);
DECLARE_SYSCALL(getitimer); DECLARE_SYSCALL(select); DECLARE_SYSCALL(pselect6);
DECLARE_SYSCALL(pselect6_time64);

/* resource.c: limits, niceness, affinity, CPU time (U:370-U:374) */
DECLARE_SYSCALL(getrlimit); DECLARE_SYSCALL(setrlimit); DECLARE_SYSCALL(prlimit64);
DECLARE_SYSCALL(getpriority); DECLARE_SYSCALL(setpriority); DECLARE_SYSCALL(times);
DECLARE_SYSCALL(sched_getaffinity); DECLARE_SYSCALL(sched_setaffinity);
DECLARE_SYSCALL(ioprio_get); DECLARE_SYSCALL(ioprio_set);
DECLARE_SYSCALL(personality); DECLARE_SYSCALL(unshare);
void rlimits_init(struct process *p);
void resources_fork(struct process *child);
unsigned int nofile_limit(struct process *p);
long put_rusage(u32 uaddr, u64 ns);
unsigned long ns_to_ticks(u64 ns);   /* proc.c: 1/100 s */
void timers_run(u64 now);
u64 timers_next(void);
extern const struct lguest_driver net_driver;

/* syscall.c */
void do_syscall(struct trap_frame *regs);

/* exec.c */
int exec_program(const struct user_program *prog, char *const argv[], char *const envp[],
		 unsigned long *entry, unsigned long *sp);
int exec_check(const struct user_program *prog);
u32 random_u32(void);

/* vm.c: the process's address space. */
int vma_add(unsigned long start, unsigned long end, unsigned int prot);
unsigned int vma_prot(unsigned long addr);
unsigned long prot_pte_flags(unsigned int prot);
int vm_fault(unsigned long addr, int write);
void *user_page(unsigned long addr, int write);
int oom_kill(void);            /* SIGKILL the biggest process: 1 if not the caller */
int copy_to_user(unsigned long uaddr, const void *kbuf, unsigned long len);
int copy_from_user(void *kbuf, unsigned long uaddr, unsigned long len);
int user_prefault(unsigned long uaddr, unsigned long len, int write);
int copy_to_user_now(unsigned long uaddr, const void *kbuf, unsigned long len);
int copy_from_user_now(void *kbuf, unsigned long uaddr, unsigned long len);
long strncpy_from_user(char *dst, unsigned long src, unsigned long size);
long vm_brk(unsigned long addr);
long vm_mmap(unsigned long addr, unsigned long len, unsigned long prot,
	    unsigned long flags, unsigned long fd, unsigned long pgoff);
long vm_munmap(unsigned long start, unsigned long len);
long vm_mprotect(unsigned long start, unsigned long len, unsigned long prot);
void vm_release(void);
unsigned long *pgdir_new(void);
void pgdir_free(unsigned long *pgdir);
int vm_fork(struct process *child);
void vm_borrow(struct process *child);        /* vfork: the same memory, not a copy (U:310) */
void vm_forget(void);                         /* drop the ranges, free nothing (a borrower) */
enum attach { ATTACH_ANYWHERE, ATTACH_HERE, ATTACH_REPLACE };
long vm_attach(unsigned long addr, unsigned long size, unsigned int prot, unsigned int shm, enum attach how);
long vm_detach(unsigned long addr);           /* shmdt(): 0, or -EINVAL */

/* ipc.c: System V shared memory, semaphores and message queues (U:181 to U:199) */
unsigned long shm_page(unsigned int shm, unsigned long index);   /* its physical address */
unsigned long shm_bytes(unsigned int shm);    /* its size, in whole pages */
void shm_hold(unsigned int shm);              /* one more range maps it */
void shm_drop(unsigned int shm);              /* one fewer: the last of a removed one frees it */
void shm_name(unsigned int shm, char *buf, unsigned long size);   /* for /proc/PID/maps */
int shm_anonymous(unsigned long size);        /* mmap(MAP_SHARED|MAP_ANONYMOUS): 1 + slot, or -errno */
void sem_exit(void);                          /* a process's SEM_UNDO adjustments, at its end */
DECLARE_SYSCALL(ipc); DECLARE_SYSCALL(semget); DECLARE_SYSCALL(semctl);
DECLARE_SYSCALL(semtimedop_time64); DECLARE_SYSCALL(shmget); DECLARE_SYSCALL(shmctl);
DECLARE_SYSCALL(shmat); DECLARE_SYSCALL(shmdt);
extern char hostname[65], domainname[65];      /* uname()'s, syscall.c */
DECLARE_SYSCALL(pause); DECLARE_SYSCALL(msgget); DECLARE_SYSCALL(msgsnd); DECLARE_SYSCALL(msgrcv); DECLARE_SYSCALL(msgctl);
DECLARE_SYSCALL(adjtimex); DECLARE_SYSCALL(clock_adjtime); DECLARE_SYSCALL(clock_adjtime64);   /* rtc.c */

/* rtc.c */
void wall_shift(u64 *sec, u32 *nsec);          /* CLOCK_REALTIME as date -s moved it (U:262) */
u32 wall_seconds(void);                        /* the same, now, in whole seconds */

/* cmdline.c */
extern int quiet;
int split_words(char *s, char **words, int max);
char **parse_command_line(const char *line);
extern const char *root_device, *init_path;   /* root=, init=: NULL if not given */
extern char **init_args;                      /* the words after "--" */

/* root.c: booting from a disk (U:760) */
void boot_from_root(void) __attribute__((noreturn));
extern int root_booted;                       /* the programs come from the disk */

/* mm.c */
unsigned long reserve_top_pages(unsigned long bytes);   /* physical address, or 0 */

/* printk.c */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprintf(char *buf, unsigned long size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void power_off(int status) __attribute__((noreturn));
void restart(void) __attribute__((noreturn));      /* reboot(RESTART): U:770 */
unsigned long log_read(char *buf, unsigned long size);   /* the kernel's log (U:790) */
void log_clear(void);
unsigned long log_take(char *buf, unsigned long size);   /* what klogd has not read yet */
unsigned long log_unread(void);
void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);
void *memmove(void *d, const void *s, unsigned long n);
unsigned long strlen(const char *s);
int memcmp(const void *a, const void *b, unsigned long n);

/* lab.c: what a lab's stub calls in place of the code it took out */
void lab_missing(const char *lab, const char *sections) __attribute__((noreturn));

/* crc32.c */
u32 crc32(u32 crc, const void *buf, unsigned long len);

/* bus.c, console.c, block.c: the drivers. */
struct lguest_device {
	unsigned int index;               /* slot in the descriptor page */
	unsigned int irq;                 /* index + 1 */
	struct lguest_device_desc *desc;  /* in the descriptor page */
	void *private;
};
struct lguest_driver {
	const char *name;
	unsigned short device_type;
	int (*probe)(struct lguest_device *dev);
};
void lguest_bus_init(void);
void lguest_bus_probe(const struct lguest_driver *drivers[], unsigned int n);
void *lguest_map_pages(unsigned long pfn, unsigned int pages);
int lguest_bind_dma(unsigned long key, struct lguest_dma *dmas, unsigned int num, unsigned int irq);
void lguest_send_dma(unsigned long key, struct lguest_dma *dma);
extern const struct lguest_driver console_driver, block_driver;
void console_write(const char *s, unsigned long len);
int console_read(char *buf, unsigned long len);
int console_ready(void);
int console_eof(void);
int console_is_tty(void);        /* the Launcher said: a terminal (U:800) */
int tty_readable(void);
long tty_read(char *buf, u32 len, int nonblock);
long tty_write(const char *buf, u32 len);
long tty_ioctl(u32 cmd, u32 arg);
int block_read(unsigned int sector, void *buf, unsigned long bytes);
int block_write(unsigned int sector, const void *buf, unsigned long bytes);
unsigned long block_sectors(void);
int block_present(void);
/* The disk ext2 is on: /dev/lgba, or the RAM disk (disk.c, U:602). */
int disk_read(unsigned int sector, void *buf, unsigned long bytes);
int disk_write(unsigned int sector, const void *buf, unsigned long bytes);
unsigned long disk_sectors(void);
int disk_present(void);
const char *disk_name(void);
void disk_discard(unsigned int sector, unsigned long bytes);
int disk_make_ram(void);
int disk_is_ram(void);

#endif /* !__ASSEMBLER__ */
#endif /* GUEST_KERNEL_H */
