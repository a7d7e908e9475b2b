#include "kernel.h"

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
#define ET_EXEC 2
#define EM_386  3
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

/* The auxiliary vector's types, from Linux's <uapi/linux/auxvec.h>. */
#define AT_NULL     0
#define AT_PHDR     3
#define AT_PHENT    4
#define AT_PHNUM    5
#define AT_PAGESZ   6
#define AT_BASE     7
#define AT_FLAGS    8
#define AT_ENTRY    9
#define AT_UID     11
#define AT_EUID    12
#define AT_GID     13
#define AT_EGID    14
#define AT_PLATFORM 15
#define AT_CLKTCK  17
#define AT_SECURE  23
#define AT_RANDOM  25

static unsigned int elf_prot(u32 flags)
{
	return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0)
		| ((flags & PF_X) ? PROT_EXEC : 0);
}

/*U:040 Before busybox can make its first system call, something must put
 * it in memory and jump to it: exec().  Each PT_LOAD segment becomes a
 * range of the new address space with the rights its flags give, and its
 * pages are filled in now: the file's bytes where the segment has them, and
 * zeroes after, up to the segment's size in memory (that is the BSS).
 *
 * A program in the initrd (the Launcher's, or the one the kernel made
 * itself from its root disk, U:762) is already in our RAM, page-aligned,
 * and nobody will ever write it again.  So for a read-only segment whose file
 * offset and address agree modulo the page size (as the ELF specification
 * asks, and ld makes sure) we do not copy at all: the user page-table entry
 * points straight at the initrd's page, read-only.  That is what Linux's page
 * cache does for every program it runs, and for busybox it is 1.9 of its
 * 2 MiB that we neither copy nor duplicate.  A writable segment must be a
 * private copy, of course: the program's writes are its own business.  So
 * must a page two segments share, if a linker puts the end of one and the
 * start of the next in the same page (Debian's busybox starts each segment on
 * a page of its own; other programs need not), which gets the rights of both. */
static int load_page(unsigned long va, unsigned int prot, const u8 *image,
		     const struct elf32_phdr *ph)
{
	unsigned long pte = lookup_pte(va);
	unsigned long src = __pa(image + ph->p_offset) - (ph->p_vaddr - va);
	unsigned long from = va < ph->p_vaddr ? ph->p_vaddr : va;
	unsigned long to = ph->p_vaddr + ph->p_filesz;
	u8 *page;

	if (!(pte & PTE_PRESENT) && !(prot & PROT_WRITE) && ph->p_filesz == ph->p_memsz
	    && (src & (PAGE_SIZE - 1)) == 0
	    && src >= initrd_start && src < initrd_start + initrd_size) {
		return map_page(va, src, prot_pte_flags(prot));
	}
	if (pte & PTE_PRESENT) {
		/* The page is shared with the segment before this one (only the
		 * last page of one and the first of the next can be). */
		page = __va(pte & ~0xFFFUL);
		if ((pte & ~0xFFFUL) >= initrd_start && (pte & ~0xFFFUL) < initrd_start + initrd_size) {
			u8 *copy = try_alloc_page();

			if (!copy)
				return -1;
			memcpy(copy, page, PAGE_SIZE);
			page = copy;
		}
	} else {
		page = try_alloc_page();
		if (!page)
			return -1;
	}
	if (to > va + PAGE_SIZE)
		to = va + PAGE_SIZE;
	if (from < to)
		memcpy(page + (from - va), image + ph->p_offset + (from - ph->p_vaddr), to - from);
	if (map_page(va, __pa(page), prot_pte_flags(prot | vma_prot(va))) < 0) {
		if (!(pte & PTE_PRESENT))
			free_page(page);
		return -1;
	}
	return 0;
}
/*:*/

/*U:045 The ELF header is checked for what we can run (32-bit,
 * little-endian, ET_EXEC for the i386, linked at a fixed address), and each
 * segment for what it may not do: start in page 0, wrap around, reach the
 * mmap area, or claim bytes the file does not have.  A program is not
 * trusted because it is busybox; it is trusted because it passed.  The
 * heap begins where the last segment ends. */
static unsigned long load_segments(const struct user_program *prog, unsigned long *phdr)
{
	const struct elf32_ehdr *eh = (const void *)prog->image;
	unsigned long end_of_image = 0;
	unsigned int i;

	if (prog->size < sizeof(*eh) || memcmp(eh->e_ident, "\177ELF\1\1", 6) != 0
	    || eh->e_type != ET_EXEC || eh->e_machine != EM_386
	    || eh->e_phentsize != sizeof(struct elf32_phdr)
	    || eh->e_phoff + (unsigned long)eh->e_phnum * sizeof(struct elf32_phdr) > prog->size)
		return 0;
	*phdr = 0;
	for (i = 0; i < eh->e_phnum; i++) {
		const struct elf32_phdr *ph = (const void *)(prog->image + eh->e_phoff
							   + i * sizeof(*ph));
		unsigned long va, start, end = ph->p_vaddr + ph->p_memsz;
		unsigned int prot = elf_prot(ph->p_flags);

		if (ph->p_type != PT_LOAD)
			continue;
		if (ph->p_vaddr < PAGE_SIZE || end < ph->p_vaddr || end > MMAP_BASE
		    || ph->p_filesz > ph->p_memsz || ph->p_offset + ph->p_filesz < ph->p_offset
		    || ph->p_offset + ph->p_filesz > prog->size)
			return 0;
		/* glibc finds its own program headers through AT_PHDR: they are
		 * in the segment that holds the start of the file. */
		if (ph->p_offset <= eh->e_phoff && eh->e_phoff < ph->p_offset + ph->p_filesz)
			*phdr = ph->p_vaddr + (eh->e_phoff - ph->p_offset);
		start = ph->p_vaddr & ~(PAGE_SIZE - 1);
		end = (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		if (vma_prot(start) && start < end_of_image)
			start += PAGE_SIZE;      /* its first page is the last one's */
		if (start < end && vma_add(start, end, prot) < 0)
			return 0;
		for (va = ph->p_vaddr & ~(PAGE_SIZE - 1); va < end; va += PAGE_SIZE)
			if (load_page(va, prot, prog->image, ph) < 0)
				return 0;
		if (end > end_of_image)
			end_of_image = end;
	}
	brk_start = brk_cur = end_of_image;
	return end_of_image ? eh->e_entry : 0;
}
/*:*/

/*U:055 One entry of the auxiliary vector is not optional for glibc:
 * AT_RANDOM, the address of 16 random bytes.  glibc takes its
 * stack-protector canary (the word at %gs:0x14 that every protected function
 * checks on return) and its pointer-mangling guard from them, and without it
 * dereferences NULL before main() is reached.  "Random" here is a generator
 * seeded with the Host's clock: good enough to make the canary differ
 * between runs, which is all a canary asks. */
static u32 random_state;

u32 random_u32(void)
{
	/* xorshift32 (Marsaglia, 2003): three shifts, a period of 2^32 - 1 */
	if (!random_state)
		random_state = lguest_data.time.nanoseconds ^ (lguest_data.time.seconds << 7) ^ 0x9E3779B9;
	random_state ^= random_state << 13;
	random_state ^= random_state >> 17;
	random_state ^= random_state << 5;
	return random_state;
}
/*:*/

static const char *const envp_init[] = { "HOME=/", "PATH=/bin", "TERM=linux", NULL };

static unsigned long push_string(unsigned long *sp, const char *s)
{
	unsigned long len = strlen(s) + 1;

	*sp -= len;
	return copy_to_user(*sp, s, len) ? 0 : *sp;
}

/*U:050 The stack a program starts on is the last thing exec() writes, and
 * glibc's _start reads every word of it, so its layout is an ABI: at %esp
 * the argument count, then the argv pointers and a NULL, the environment
 * pointers and a NULL, and then the auxiliary vector, (type, value) pairs
 * ending with AT_NULL, which is how the kernel tells a program things about
 * itself that it cannot easily find out: where its program headers are
 * (glibc needs them to find its thread-local storage template), the page
 * size, the clock tick.  The strings they point to sit above.
 *
 * We leave out AT_SYSINFO_EHDR, the vDSO: glibc would look for a
 * clock_gettime() in it, and we have none, so its system calls all go
 * through int $0x80.  And %edx is 0 at entry (start_user_regs(), U:200,
 * clears every register): _start hands %edx to __libc_start_main as the
 * dynamic linker's clean-up function, to be registered with atexit(), and
 * anything but NULL would be called on exit. */
static unsigned long setup_user_stack(char *const argv[], char *const envp_in[],
				      unsigned long entry, unsigned long phdr, unsigned int phnum)
{
	const char *const *envp = envp_in ? (const char *const *)envp_in : envp_init;
	static u32 vec[MAX_ARGS + 1 + MAX_ENV + 1 + 40];   /* static: too big for a kernel stack */
	u32 random[4];
	unsigned long sp = USER_STACK_TOP, at_random, platform;
	unsigned int argc, envc, i, n = 0;

	if (vma_add(USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP, PROT_READ | PROT_WRITE) < 0)
		return 0;
	for (i = 0; i < 4; i++)
		random[i] = random_u32();
	sp -= sizeof(random);
	at_random = sp;
	if (copy_to_user(sp, random, sizeof(random)))
		return 0;
	platform = push_string(&sp, "i686");
	for (argc = 0; argv[argc] && argc < MAX_ARGS; argc++)
		;
	for (envc = 0; envp[envc] && envc < MAX_ENV; envc++)
		;
	vec[n++] = argc;
	for (i = 0; i < argc; i++)
		vec[n++] = 0;             /* filled in below */
	vec[n++] = 0;
	for (i = 0; i < envc; i++)
		vec[n++] = 0;
	vec[n++] = 0;
#define AUX(type, value) do { vec[n++] = (type); vec[n++] = (value); } while (0)
	AUX(AT_PHDR, phdr);
	AUX(AT_PHENT, sizeof(struct elf32_phdr));
	AUX(AT_PHNUM, phnum);
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_BASE, 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, entry);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_SECURE, 0);
	AUX(AT_CLKTCK, 100);
	AUX(AT_PLATFORM, platform);
	AUX(AT_RANDOM, at_random);
	AUX(AT_NULL, 0);
#undef AUX
	/* The strings, from the last, so argv[0] ends up lowest, as on Linux. */
	for (i = envc; i-- > 0; )
		if (!(vec[1 + argc + 1 + i] = push_string(&sp, envp[i])))
			return 0;
	for (i = argc; i-- > 0; )
		if (!(vec[1 + i] = push_string(&sp, argv[i])))
			return 0;
	current.arg_start = argc ? vec[1] : sp;         /* for /proc/PID/cmdline */
	current.arg_end = argc ? vec[argc] + strlen(argv[argc - 1]) + 1 : sp;
	/* argc at a 16-byte boundary, as the i386 ABI (and Linux) leave it. */
	sp = (sp - n * 4) & ~15UL;
	if (copy_to_user(sp, vec, n * 4))
		return 0;
	return sp;
}
/*:*/

/*U:060 exec() is the two together, into an address space that must be
 * empty: execve() (U:346) empties it first, once exec_check() has said
 * the program is one we can load, since after that there is no going back.
 * The environment is the caller's, or for the first process our own three
 * variables.  The whole of it runs in lazy mode, so the Host hears of the
 * new program's page-table entries in one exit (G:685). */
int exec_check(const struct user_program *prog)
{
	const struct elf32_ehdr *eh = (const void *)prog->image;

	if (prog->size < sizeof(*eh) || memcmp(eh->e_ident, "\177ELF\1\1", 6) != 0
	    || eh->e_type != ET_EXEC || eh->e_machine != EM_386)
		return -1;
	return 0;
}

int exec_program(const struct user_program *prog, char *const argv[], char *const envp[],
		 unsigned long *entry, unsigned long *sp)
{
	const struct elf32_ehdr *eh = (const void *)prog->image;
	unsigned long phdr;

	lazy_mode_enter();
	*entry = load_segments(prog, &phdr);
	*sp = *entry ? setup_user_stack(argv, envp, *entry, phdr, eh->e_phnum) : 0;
	lazy_mode_leave();
	return *entry && *sp ? 0 : -1;
}
/*:*/
