/*P:130 src/guest/process.c is the Guest's one user process: it loads a
 * static i386 ELF program built into the kernel image, maps it with user
 * pages, enters ring 3 and serves the program's system calls in the Linux
 * i386 numbering until it exits.  It is a long way from fork() and exec(), but
 * every crossing between ring 3 and ring 1 that a full kernel makes, this
 * one makes too. :*/
#include "kernel.h"

#define USER_STACK_TOP   0xC0000000UL
#define USER_STACK_PAGES 4
#define MAX_USER_PAGES   64

/* Linux i386 system-call numbers and error codes. */
#define SYS_exit       1
#define SYS_read       3
#define SYS_write      4
#define SYS_getpid    20
#define SYS_exit_group 252
#define EBADF   9
#define EFAULT 14
#define ENOSYS 38

/* The minimum of ELF32 we need. */
struct elf32_ehdr {
	u8 e_ident[16];
	u16 e_type, e_machine;
	u32 e_version, e_entry, e_phoff, e_shoff, e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};
struct elf32_phdr {
	u32 p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align;
};
#define PT_LOAD 1
#define PF_W 2

static unsigned long user_pages[MAX_USER_PAGES];
static unsigned int nr_user_pages;

/*G:620 The process's kernel stack: where the CPU puts the trap frame when
 * the program makes a system call or faults.  It is separate from the boot
 * stack the kernel itself runs on, because the kernel is in the middle of
 * run_program() on that one while the program runs, and a trap arriving at the
 * top of it would trample run_program()'s frame.  Two whole pages, since the
 * Host keeps exactly the pages SET_STACK names mapped for us. */
static u8 process_stack[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static u64 process_tls[LGUEST_TLS_ENTRIES];
/*:*/

static int map_user_page(unsigned long vaddr, int writable)
{
	unsigned long pte = lookup_pte(vaddr);
	unsigned long flags = PTE_PRESENT | PTE_USER | PTE_ACCESSED;

	if (writable)
		flags |= PTE_RW | PTE_DIRTY;
	if (pte & PTE_PRESENT) {
		/* two segments share this page: keep it, widen its rights */
		map_page(vaddr, pte & ~0xFFFUL, (pte & 0xFFF) | flags);
		return 0;
	}
	if (nr_user_pages == MAX_USER_PAGES)
		return -1;
	map_page(vaddr, __pa(alloc_page()), flags);
	user_pages[nr_user_pages++] = vaddr;
	return 0;
}

static void *user_page_in_kernel(unsigned long vaddr)
{
	return (u8 *)__va(lookup_pte(vaddr) & ~0xFFFUL) + (vaddr & 0xFFF);
}

/*G:600 Loading the program.  It is an ordinary static i386 ELF executable,
 * linked at 0x08048000 like any Linux program, and we treat it as exec() would:
 * each PT_LOAD segment gets fresh zeroed pages, mapped with the user bit (and
 * writable only if the segment says so), and the file's bytes are copied in.
 * We copy through the kernel's own mapping of each page, not through the new
 * user address, so the copy does not depend on the Host having seen the new
 * entries yet.
 *
 * The mapping runs in lazy mode: every map_page() queues a SET_PTE (and
 * sometimes a SET_PMD) on the async ring, and the whole program costs the
 * Host one exit, at lazy_mode_leave(). */
static unsigned long load_program(const struct user_program *prog)
{
	const struct elf32_ehdr *eh = (const void *)prog->image;
	unsigned int i;

	if (prog->size < sizeof(*eh) || memcmp(eh->e_ident, "\177ELF\1\1", 6) != 0
	    || eh->e_type != 2 || eh->e_machine != 3
	    || eh->e_phoff + (unsigned long)eh->e_phnum * sizeof(struct elf32_phdr) > prog->size)
		return 0;
	for (i = 0; i < eh->e_phnum; i++) {
		const struct elf32_phdr *ph = (const void *)(prog->image + eh->e_phoff
							   + i * sizeof(*ph));
		unsigned long va, end = ph->p_vaddr + ph->p_memsz;

		if (ph->p_type != PT_LOAD)
			continue;
		if (ph->p_vaddr < PAGE_SIZE || end < ph->p_vaddr
		    || end > USER_STACK_TOP - USER_STACK_PAGES * PAGE_SIZE
		    || ph->p_filesz > ph->p_memsz || ph->p_offset + ph->p_filesz > prog->size)
			return 0;
		for (va = ph->p_vaddr & ~(PAGE_SIZE - 1); va < end; va += PAGE_SIZE)
			if (map_user_page(va, ph->p_flags & PF_W) < 0)
				return 0;
		for (va = 0; va < ph->p_filesz; va++)
			*(u8 *)user_page_in_kernel(ph->p_vaddr + va) = prog->image[ph->p_offset + va];
	}
	return eh->e_entry;
}
/*:*/

/*G:605 The initial user stack, as Linux's exec() leaves it: argc, the argv
 * pointers and a NULL, an empty environment and an empty auxiliary vector,
 * with the strings above them.  Our program only needs a stack pointer, but
 * a real static program's _start reads exactly this, so we might as well
 * make it. */
static unsigned long setup_user_stack(const char *name)
{
	unsigned long va, sp = USER_STACK_TOP;
	unsigned long len = strlen(name) + 1, argv0;
	u32 words[6];
	unsigned int i;

	for (va = USER_STACK_TOP - USER_STACK_PAGES * PAGE_SIZE; va < USER_STACK_TOP; va += PAGE_SIZE)
		if (map_user_page(va, 1) < 0)
			return 0;
	sp -= (len + 15) & ~15UL;
	argv0 = sp;
	memcpy(user_page_in_kernel(sp), name, len);
	words[0] = 1;          /* argc */
	words[1] = argv0;      /* argv[0] */
	words[2] = 0;          /* end of argv */
	words[3] = 0;          /* end of envp */
	words[4] = 0;          /* AT_NULL */
	words[5] = 0;
	sp -= sizeof(words);
	for (i = 0; i < 6; i++)
		*(u32 *)user_page_in_kernel(sp + 4 * i) = words[i];
	return sp;
}
/*:*/

static void unmap_program(void)
{
	unsigned int i;

	lazy_mode_enter();
	for (i = 0; i < nr_user_pages; i++)
		map_page(user_pages[i], 0, 0);
	flush_tlb_user();
	lazy_mode_leave();
	nr_user_pages = 0;
}

/*G:630 Running it.  What a kernel does at a context switch into a process,
 * we do once: tell the Host where the process's kernel stack is (SET_STACK),
 * load its thread-local-storage entries (LOAD_TLS) and set TS so that its
 * first floating-point instruction traps and we could switch FPU state then.
 * Those three are lazy hypercalls, queued in the ring and run by the Host in
 * one go when we leave lazy mode, which is exactly how lguest's Guest got a
 * context switch for the price of one exit.
 *
 * enter_user() returns when the program calls exit(), with its status. */
int run_program(const struct user_program *prog)
{
	unsigned long entry, sp, flags;
	int status;

	lazy_mode_enter();
	entry = load_program(prog);
	sp = entry ? setup_user_stack(prog->name) : 0;
	set_kernel_stack((unsigned long)process_stack + sizeof(process_stack), 2);
	load_tls(process_tls);
	set_ts(1);
	lazy_mode_leave();
	if (!entry || !sp) {
		printk("%s: not a program this kernel can run\n", prog->name);
		unmap_program();
		return 127;
	}

	flags = irq_save();
	status = enter_user(entry, sp);
	irq_restore(flags);
	unmap_program();
	return status;
}
/*:*/

/* Is [addr, addr+len) all user pages, writable ones if we want to write? */
static int user_range_ok(unsigned long addr, unsigned long len, int write)
{
	unsigned long va, need = PTE_PRESENT | PTE_USER | (write ? PTE_RW : 0);

	if (addr + len < addr || addr + len > PAGE_OFFSET)
		return 0;
	for (va = addr & ~(PAGE_SIZE - 1); va < addr + len; va += PAGE_SIZE)
		if ((lookup_pte(va) & need) != need)
			return 0;
	return 1;
}

static int console_has_input(void *unused)
{
	(void)unused;
	return console_ready();
}

/*G:640 System calls, in Linux's i386 convention: the number in %eax,
 * arguments in %ebx, %ecx and %edx, the result back in %eax, negative for an
 * error.  We came here by a direct trap: the CPU went from ring 3 to ring 1
 * through the trap gate without the Host knowing, and we go back with
 * lguest_iret just as quietly.
 *
 * Every pointer from user space is checked against the page tables before we
 * touch it.  We could just touch it (the i386 lets ring 1 read user pages),
 * but a bad pointer would then fault in the kernel, and the kernel would
 * panic on behalf of a buggy program. */
void do_syscall(struct trap_frame *regs)
{
	long ret;

	switch (regs->eax) {
	case SYS_write:
		if (regs->ebx != 1 && regs->ebx != 2) {
			ret = -EBADF;
		} else if (!user_range_ok(regs->ecx, regs->edx, 0)) {
			ret = -EFAULT;
		} else {
			console_write((const char *)regs->ecx, regs->edx);
			ret = regs->edx;
		}
		break;
	case SYS_read:
		if (regs->ebx != 0) {
			ret = -EBADF;
		} else if (!user_range_ok(regs->ecx, regs->edx, 1)) {
			ret = -EFAULT;
		} else {
			wait_until(console_has_input, NULL);
			ret = console_read((char *)regs->ecx, regs->edx);
		}
		break;
	case SYS_getpid:
		ret = 1;
		break;
	case SYS_exit:
	case SYS_exit_group:
		leave_user(regs->ebx & 0xFF);
	default:
		ret = -ENOSYS;
	}
	regs->eax = ret;
}
/*:*/

/*G:650 A fault in ring 3 is the program's problem, not the kernel's: we say
 * what happened and end the process with the status a shell would show for
 * the signal Linux would have sent (128 + SIGSEGV for a protection or page
 * fault, and so on). */
void user_fault(struct trap_frame *regs, const char *what)
{
	int sig = 11;

	if (regs->vector == 0 || regs->vector == 16)
		sig = 8;
	else if (regs->vector == 6)
		sig = 4;
	else if (regs->vector == 3)
		sig = 5;
	printk("user: trap %u (%s), error %#x, at eip %#x", regs->vector,
	       what ? what : "unknown", regs->errcode, regs->eip);
	if (regs->vector == 14)
		printk(", cr2 %#lx", read_cr2());
	printk("\n");
	leave_user(128 + sig);
}
/*:*/
