/* src/guest/mm.c is the Guest's memory: the page allocator, and the page
 * tables, which on lguest are the Guest's to write but the Host's to believe.
 * The Guest writes a page-table entry in its own memory, as any i386 kernel
 * does, and then tells the Host with a hypercall, because the tables the real
 * MMU walks are the Host's shadow copies. */
#include "kernel.h"

/* Flags for a page-directory entry: the page table is present, writable and
 * accessed; user-space ones also allow ring 3, which the entries in the page
 * table then grant or refuse page by page. */
#define PDE_KERNEL (PTE_PRESENT | PTE_RW | PTE_ACCESSED | PTE_DIRTY)
#define PDE_USER   (PDE_KERNEL | PTE_USER)

unsigned long *kernel_pgdir;
static int pgdir_live;
int pgdir_unseen;       /* kernel_pgdir was never loaded: the Host has nothing to update (U:320) */

/*U:100 Memory next, since glibc's first system call is brk() (U:140).  But
 * first, where pages come from.  Every page this kernel uses comes from the
 * simplest allocator that can work: a pointer that starts at the end of the
 * kernel image and only moves up.  The kernel's own needs are few and
 * mostly for life (its page tables for RAM, the disk cache's buffers), and
 * for those the pointer alone would do; the programs' needs are another
 * matter (their pages, their page tables, their pipes), and the next section
 * gives the allocator a way back.
 *
 * One thing it must respect: the Launcher put its initial page tables and
 * the initrd at the top of RAM, and we are running on those tables until
 * mm_init() switches to ours (G:670), so the allocator stays below the
 * initrd and starts from the bottom, as far from them as it can. */
static unsigned long next_free_pa, free_limit_pa;

void *alloc_page(void)
{
	void *page = try_alloc_page();

	if (!page)
		panic("out of memory allocating a page");
	return page;
}
/*:*/

/*U:105 A user program is another matter: it takes pages with every brk()
 * and gives them back with every munmap(), and one program after another
 * would eat the pointer's way through RAM.  So freed pages go on a list,
 * threaded through the free pages themselves (the first word of each points
 * at the next), and the allocator takes from the list before it moves the
 * pointer.  Running out is now something a program can cause, so the
 * allocator that may fail is the one the process code uses: a kernel that
 * panics because a program asked for too much has its priorities wrong. */
static void *free_list;
static unsigned long nr_listed;          /* pages on the list, for /proc/meminfo */
static u32 *free_map;                    /* a bit per page of RAM, set while it is listed (U:106) */

#define LISTED(pa) (free_map[(pa) >> (PAGE_SHIFT + 5)] & (1U << (((pa) >> PAGE_SHIFT) & 31)))
#define MARK(pa, on) ((on) ? (free_map[(pa) >> (PAGE_SHIFT + 5)] |= 1U << (((pa) >> PAGE_SHIFT) & 31)) \
			   : (free_map[(pa) >> (PAGE_SHIFT + 5)] &= ~(1U << (((pa) >> PAGE_SHIFT) & 31))))

unsigned long nr_free_pages(void)
{
	return nr_listed + (free_limit_pa - next_free_pa) / PAGE_SIZE;
}

static void unlink_listed(void *page);

void *try_alloc_page(void)
{
	unsigned long flags = irq_save();    /* the network allocates in its interrupt (U:860) */
	void *page = free_list;

	if (page) {
		unlink_listed(page);         /* the head: no walk */
	} else {
		if (next_free_pa + PAGE_SIZE > free_limit_pa) {
			irq_restore(flags);
			return NULL;
		}
		page = __va(next_free_pa);
		next_free_pa += PAGE_SIZE;
	}
	irq_restore(flags);
	memset(page, 0, PAGE_SIZE);
	return page;
}

void free_page(void *page)
{
	unsigned long flags = irq_save();

	*(void **)page = free_list;
	free_list = page;
	nr_listed++;
	MARK(__pa(page), 1);
	irq_restore(flags);
}
/*:*/

/*U:106 One thing needs two pages side by side: a process's kernel stack
 * (U:205), which the Host reaches through the RAM mapping, so it must be
 * contiguous there.  The pointer gives two such pages while it has room.
 * After that only the list has pages, in whatever order they were freed,
 * and the question "is the page after this one free too?" needs an answer
 * quicker than a walk of the list for every page on it: a bitmap, a bit per
 * page of RAM (28 KiB for the most RAM a Guest has; 2 KiB, in a page of its
 * own, for 64 MiB), set while the page is listed.  One walk of the list then finds a pair, and a
 * second unlinks the other half of it.  The walks are short in practice:
 * a reaped process's stack goes back as two pages side by side at the
 * list's head, where the next fork finds them. */
static void unlink_listed(void *page)
{
	void **at = &free_list;

	while (*at != page)
		at = (void **)*at;
	*at = *(void **)page;
	nr_listed--;
	MARK(__pa(page), 0);
}

void *try_alloc_pair(void)
{
	unsigned long flags = irq_save();
	u8 *pair = NULL;
	void *p;

	if (next_free_pa + 2 * PAGE_SIZE <= free_limit_pa) {
		pair = __va(next_free_pa);
		next_free_pa += 2 * PAGE_SIZE;
	}
	for (p = free_list; !pair && p; p = *(void **)p) {
		unsigned long next = __pa(p) + PAGE_SIZE;

		if (next < free_limit_pa && LISTED(next)) {
			unlink_listed(p);
			unlink_listed(__va(next));
			pair = p;
		}
	}
	irq_restore(flags);
	if (pair)
		memset(pair, 0, 2 * PAGE_SIZE);
	return pair;
}

void free_pair(void *pair)
{
	free_page(pair);
	free_page((u8 *)pair + PAGE_SIZE);
}
/*:*/

/*U:765 A kernel that boots from a disk has no initrd, and makes itself one
 * (U:760): the program every process runs is read from the disk into pages
 * taken from the top of RAM, where the Launcher would have put an initrd,
 * and given up by the allocator for good.  The pointer has not got there
 * yet (it starts at the bottom), so the pages are simply never handed out:
 * the limit comes down, and that is all. */
unsigned long reserve_top_pages(unsigned long bytes)
{
	unsigned long pages = (bytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

	if (initrd_start || free_limit_pa - next_free_pa < pages + (256UL << 10))
		return 0;        /* and leave the kernel at least 256 KiB */
	free_limit_pa -= pages;
	return free_limit_pa;
}
/*:*/

/*G:675 Changing a live page table is a two-step dance.  First we write the
 * entry in our own table, so that the Host, which reads our tables when it
 * fills in its shadows on demand, finds the new value.  Then we tell it: a
 * shadow may already hold the old translation, and the Host does not watch
 * our memory for writes (that would make every write to any page-table page a
 * trap).  SET_PMD says a page-directory entry changed (the Host drops its
 * shadow of that 4 MiB); SET_PTE gives it the new entry itself, which it
 * copies straight into the shadow if we marked the page accessed or dirty, or
 * else just forgets the old one.
 *
 * Both are lazy (G:200): in lazy mode, mapping a whole program costs one
 * exit for every 64 entries or so, rather than one for each (G:685). */
static void set_pmd(unsigned int index)
{
	lazy_hcall(LHCALL_SET_PMD, __pa(kernel_pgdir), index, 0);
}

int map_page(unsigned long vaddr, unsigned long paddr, unsigned long flags)
{
	unsigned int pgd_index = vaddr >> 22;
	unsigned int pte_index = (vaddr >> PAGE_SHIFT) & 1023;
	unsigned long *table;

	if (!(kernel_pgdir[pgd_index] & PTE_PRESENT)) {
		/* Only user mappings may fail: see U:920. */
		table = vaddr < PAGE_OFFSET ? try_alloc_page() : alloc_page();
		if (!table)
			return -ENOMEM;
		kernel_pgdir[pgd_index] = __pa(table)
			| (vaddr < PAGE_OFFSET ? PDE_USER : PDE_KERNEL);
		if (pgdir_live && !pgdir_unseen)
			set_pmd(pgd_index);
	} else {
		table = __va(kernel_pgdir[pgd_index] & ~0xFFFUL);
	}
	table[pte_index] = (paddr & ~0xFFFUL) | flags;
	if (pgdir_live && !pgdir_unseen)
		lazy_hcall(LHCALL_SET_PTE, __pa(kernel_pgdir), vaddr & ~0xFFFUL,
			   table[pte_index]);
	return 0;
}
/*:*/

unsigned long lookup_pte(unsigned long vaddr)
{
	unsigned long pde = kernel_pgdir[vaddr >> 22];
	unsigned long *table;

	if (!(pde & PTE_PRESENT))
		return 0;
	table = __va(pde & ~0xFFFUL);
	return table[(vaddr >> PAGE_SHIFT) & 1023];
}

/*G:670 Why our own page tables at all?  The Launcher's map all of RAM at
 * PAGE_OFFSET and nothing else, and we need more: the device pages just above
 * RAM, and user pages from 0x08048000 for every process (each gets a
 * directory of its own whose kernel half is a copy of this one, U:180).  So
 * we build a page directory of our own that maps RAM the same way, entry for
 * entry.  Until it is loaded nobody but us reads it, so no hypercalls yet.
 *
 * The entries are marked accessed and dirty from the start.  The Host uses
 * those bits the way the CPU does, and a page it finds "not yet dirty" is
 * shadowed read-only so that the first write faults and the Host can set the
 * bit.  For kernel memory we gain nothing from that bookkeeping, so we spare
 * the Host (and ourselves) the extra faults.
 *
 * Then NEW_PGTABLE, the Guest's "mov to %cr3": the Host finds or makes a
 * shadow for this directory and switches to it.  Because its shadows of the
 * kernel half may still hold translations made from the Launcher's tables,
 * we ask for a full flush too (FLUSH_TLB with a non-zero argument flushes the
 * kernel mappings as well, in all four shadows the Host keeps). */
void mm_init(void)
{
	unsigned long pa;

	next_free_pa = (__pa(_end) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	free_limit_pa = initrd_start ? initrd_start : ram_size;
	if (initrd_start + initrd_size > ram_size || next_free_pa >= free_limit_pa)
		panic("initrd at %#lx (%lu bytes) does not fit in %lu bytes of RAM",
		      initrd_start, initrd_size, ram_size);

	free_map = __va(next_free_pa);           /* U:106 */
	next_free_pa += ((ram_size >> (PAGE_SHIFT + 3)) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	memset(free_map, 0, ram_size >> (PAGE_SHIFT + 3));
	kernel_pgdir = alloc_page();
	for (pa = 0; pa < ram_size; pa += PAGE_SIZE)
		map_page(PAGE_OFFSET + pa, pa,
			 PTE_PRESENT | PTE_RW | PTE_ACCESSED | PTE_DIRTY);

	hcall(LHCALL_NEW_PGTABLE, __pa(kernel_pgdir), 0, 0);
	hcall(LHCALL_FLUSH_TLB, 1, 0, 0);
	pgdir_live = 1;
}
/*:*/

/*G:680 Taking user mappings away is the other half.  A native kernel that
 * clears page-table entries (munmap, mprotect, a program's exit) then
 * flushes its TLB, by reloading %cr3; Linux calls that flush_tlb_user(), and
 * lguest's Guest made it FLUSH_TLB with 0, which drops every user mapping of
 * the current shadow.  So do we, after each batch of changed entries, and
 * unmapping (U:117) relies on it: it clears entries without a SET_PTE
 * (G:675) for each, since this one call drops them all from the shadow
 * before any user code can run again, and the pages still in use come back
 * one demand fault at a time.  mprotect() changes entries with map_page(),
 * SET_PTE and all, and flushes as well: more than our Host needs, and the
 * safe side of the bargain. */
void flush_tlb_user(void)
{
	lazy_hcall(LHCALL_FLUSH_TLB, 0, 0, 0);
}
/*:*/
