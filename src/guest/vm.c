#include "kernel.h"

/*U:110 A program's address space is a short list of ranges, Linux's
 * "virtual memory areas": start, end and what the program may do there
 * (read, write, execute, as PROT_* bits).  A page inside a range need not
 * exist yet.  A fresh program has 8 MiB of stack, a heap that grows by
 * brk(), a megabyte or so of mmap(); it touches a fraction of that, and a
 * kernel that handed out every page at once would spend most of its memory
 * on promises.  So a range is a promise, and the page behind it is made on
 * the first touch, by the page-fault handler below.
 *
 * The list is kept sorted and small.  Changing part of a range (munmap of
 * its middle, mprotect of its first page) first cuts it at the edges of the
 * change, so that every operation works on whole ranges.  We never merge
 * neighbours again; a program would have to work hard to fill 341 slots
 * (U:925). */
#define vmas (current.mm_vmas)
#define nr_vmas (current.mm_nr_vmas)

static struct vma *find_vma(unsigned long addr)
{
	unsigned int i;

	for (i = 0; i < nr_vmas; i++)
		if (addr >= vmas[i].start && addr < vmas[i].end)
			return &vmas[i];
	return NULL;
}

/* Make a boundary at addr: the range containing it becomes two. */
static int split_at(unsigned long addr)
{
	struct vma *v = find_vma(addr);
	unsigned int i;

	if (!v || v->start == addr)
		return 0;
	if (nr_vmas == MAX_VMAS)
		return -ENOMEM;
	i = v - vmas;
	memmove(&vmas[i + 1], &vmas[i], (nr_vmas - i) * sizeof(vmas[0]));
	nr_vmas++;
	vmas[i].end = addr;
	vmas[i + 1].start = addr;
	if (vmas[i].shm) {               /* both halves map the segment now (U:183) */
		vmas[i + 1].pgoff += (addr - vmas[i].start) >> PAGE_SHIFT;
		shm_hold(vmas[i].shm);
	}
	return 0;
}

int vma_add(unsigned long start, unsigned long end, unsigned int prot)
{
	unsigned int i;

	if (nr_vmas == MAX_VMAS)
		return -ENOMEM;
	for (i = 0; i < nr_vmas && vmas[i].start < start; i++)
		;
	memmove(&vmas[i + 1], &vmas[i], (nr_vmas - i) * sizeof(vmas[0]));
	nr_vmas++;
	vmas[i].start = start;
	vmas[i].end = end;
	vmas[i].prot = prot;
	vmas[i].shm = 0;
	vmas[i].pgoff = 0;
	return i;
}

unsigned int vma_prot(unsigned long addr)
{
	struct vma *v = find_vma(addr);

	return v ? v->prot : 0;
}

static int range_is_free(unsigned long start, unsigned long end)
{
	unsigned int i;

	for (i = 0; i < nr_vmas; i++)
		if (vmas[i].start < end && start < vmas[i].end)
			return 0;
	return 1;
}
/*:*/

/*U:115 The hardware's view of a range's rights is its page-table entries:
 * present and user for any access, RW for writing.  The i686 has no
 * "no-execute" bit, so PROT_EXEC is something we remember and cannot
 * enforce, like every 32-bit kernel without PAE.  A page made PROT_NONE by
 * mprotect() stays present but is no longer a user page, so ring 3 faults
 * on it; the fault handler refuses every touch of a PROT_NONE range by the
 * range's rights, so such a page is never made on a first touch. */
unsigned long prot_pte_flags(unsigned int prot)
{
	unsigned long f = PTE_PRESENT | PTE_ACCESSED;

	if (prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
		f |= PTE_USER;
	if (prot & PROT_WRITE)
		f |= PTE_RW | PTE_DIRTY;
	return f;
}

/* Pages that belong to the initrd are shared with it (see exec.c) and are
 * never ours to free or to write. */
static int page_is_private(unsigned long pa)
{
	return pa < initrd_start || pa >= initrd_start + initrd_size;
}

/*:*/

/*U:117 Unmapping a range clears its entries and frees its private pages,
 * and then asks the Host, once, to forget every user mapping it has made
 * from this page directory (FLUSH_TLB, H:480): so the cleared entries are
 * not announced one by one with SET_PTE, as map_page() would, since the
 * flush drops the Host's copies of them all, and before any user code runs
 * again.  An exit or an exec unmaps a whole busybox, some 700 pages, and
 * that was 700 hypercalls.  The walk also steps over the 4 MiB stretches
 * that have no page table at all, as most of an 8 MiB stack has not. */
/* Calls fn for each present entry of pgdir in [start, end), a table at a time,
 * stepping over the 4 MiB stretches that have no table; stops at fn's error.
 * Always inlined, so that in each caller fn is a known function and is inlined
 * too: this loop runs over every page of every exit, exec and fork. */
static inline __attribute__((always_inline))
int walk_ptes(unsigned long *pgdir, unsigned long start, unsigned long end,
	      int (*fn)(unsigned long va, unsigned long *e, void *arg), void *arg)
{
	unsigned long va, next, *e, *stop;
	int err = 0;

	for (va = start; va < end && !err; va = next) {
		next = (va | 0x3FFFFF) + 1;            /* where the next page table starts */
		if (!next || next > end)
			next = end;
		if (!(pgdir[va >> 22] & PTE_PRESENT))
			continue;
		e = (unsigned long *)__va(pgdir[va >> 22] & ~0xFFFUL) + ((va >> PAGE_SHIFT) & 1023);
		for (stop = e + ((next - va) >> PAGE_SHIFT); e < stop && !err; e++, va += PAGE_SIZE)
			if (*e & PTE_PRESENT)
				err = fn(va, e, arg);
	}
	return err;
}

static int unmap_one(unsigned long va, unsigned long *e, void *unused)
{
	unsigned long pa = *e & ~0xFFFUL;

	*e = 0;
	if (page_is_private(pa))
		free_page(__va(pa));
	return 0;
}

static void unmap_range(unsigned long start, unsigned long end)
{
	walk_ptes(kernel_pgdir, start, end, unmap_one, NULL);
	flush_tlb_user();
}

/* A shared segment's page is the segment's (U:182): the entry goes, the page stays. */
static int clear_one(unsigned long va, unsigned long *e, void *unused)
{
	*e = 0;
	return 0;
}

/* Range i goes: its pages, or its hold on a segment, and its slot in the list. */
static void vma_remove(unsigned int i)
{
	struct vma *v = &vmas[i];

	if (v->shm) {
		walk_ptes(kernel_pgdir, v->start, v->end, clear_one, NULL);
		flush_tlb_user();
		shm_drop(v->shm);
	} else {
		unmap_range(v->start, v->end);
	}
	memmove(&vmas[i], &vmas[i + 1], (nr_vmas - i - 1) * sizeof(vmas[0]));
	nr_vmas--;
}
/*:*/

/*U:120 The page-fault handler, where the promises are kept.  The Host
 * reflects a fault from ring 3 to us when its shadow tables cannot satisfy it
 * from ours, with the address in lguest_data.cr2 (G:340) and the CPU's error
 * code:
 * bit 0 set means the page was there and the access was forbidden, bit 1
 * that it was a write.  If the address lies in a range and the page is not
 * there yet, we make it, zeroed (a program's fresh memory must never show
 * what an earlier owner of the page left), and return: the CPU runs the
 * faulting instruction again and this time it works.  Anything else is
 * the program's own fault, and returns -1 for the caller to end it with the
 * Linux equivalent of SIGSEGV (U:440).
 *
 * The same function serves the kernel: before it copies to or from user
 * memory, it faults the pages in itself (user_page() below), so a system
 * call never takes a page fault inside the kernel. */
int vm_fault(unsigned long addr, int write)
{
	struct vma *v = find_vma(addr);
	unsigned long va = addr & ~(PAGE_SIZE - 1);
	void *page;

	if (!v || (write && !(v->prot & PROT_WRITE)) || !(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -1;
	if (lookup_pte(va) & PTE_PRESENT)
		return -1;
	if (v->shm)      /* the page exists already: the segment's (U:182) */
		return map_page(va, shm_page(v->shm, v->pgoff + ((va - v->start) >> PAGE_SHIFT)),
				prot_pte_flags(v->prot)) < 0 ? -ENOMEM : 0;
	page = try_alloc_page();
	if (page && map_page(va, __pa(page), prot_pte_flags(v->prot)) < 0) {
		free_page(page);
		page = NULL;
	}
	return page ? 0 : -ENOMEM;
}

/* A kernel pointer to user address addr, faulting the page in if needed
 * (and, if wait, waiting for memory as a program's fault would); NULL if the
 * program may not access it so. */
static void *user_page_or_wait(unsigned long addr, int write, int wait)
{
	unsigned long pte, need = PTE_PRESENT | PTE_USER | (write ? PTE_RW : 0);

	if (addr >= PAGE_OFFSET)
		return NULL;
	pte = lookup_pte(addr);
	while (!(pte & PTE_PRESENT)) {
		int err = vm_fault(addr, write);

		if (err == -ENOMEM && wait && oom_kill() && sleep_killable_ns(10000000) == 0)
			continue;          /* somebody else died for it: again */
		if (err == 0)
			pte = lookup_pte(addr);
		break;
	}
	if ((pte & need) != need)
		return NULL;
	return (u8 *)__va(pte & ~0xFFFUL) + (addr & (PAGE_SIZE - 1));
}

void *user_page(unsigned long addr, int write)
{
	return user_page_or_wait(addr, write, 1);
}
/*:*/

/*U:920 Out of memory.  A Guest of a few megabytes runs out of pages the
 * moment a program wants it to: a fork bomb, or a dd with a 100 MB buffer.
 * The kernel's own rule is that nothing a process does may cost the kernel
 * its life, so an allocation a system call makes fails with ENOMEM (fork's
 * too; its EAGAIN means no free process slot), and the page tables behind
 * user memory come from the allocator that may fail (map_page()).  A page
 * fault has nobody to return an error to: the program touched memory it was
 * promised.  Linux then calls its OOM killer, which picks the process holding
 * the most memory and sends it SIGKILL, and so do we, with a cruder measure
 * (the private pages its ranges map: a shared segment's are not counted,
 * since its death would not free them) and one rule Linux has too: process
 * 1 goes last, since its death is the machine's.  If the victim is the
 * process at fault, it dies now (and so does one that faults again
 * with its SIGKILL still pending).  Otherwise the victim needs to run to die,
 * so the faulting side waits a tick and then tries again, until the pages
 * come back; a program's page fault waits too, in trap_dispatch().  Only
 * SIGKILL may cut that tick short (sleep_killable_ns(), U:240): the victim's
 * own death sends its parent SIGCHLD, and the parent is often the one
 * waiting.  (It used to fault again at once, trusting the timer to take the
 * CPU away; but the Host reflects the fault with interrupts off, and the
 * program is back in the handler before the timer can find it in ring 3, so a
 * fork bomb in 4 MiB could spin for ever.)
 * While a victim is on its way out nobody else is chosen: a killer that
 * struck again at every repeated fault would empty the machine before the
 * first one had died. */
static unsigned long private_pages(struct process *p)
{
	unsigned long n = 0, va, pde, pte;
	unsigned int i;

	for (i = 0; i < p->mm_nr_vmas; i++) {
		if (p->mm_vmas[i].shm)   /* a segment's pages outlive it (U:183) */
			continue;
		for (va = p->mm_vmas[i].start; va < p->mm_vmas[i].end; va += PAGE_SIZE) {
			pde = p->pgdir[va >> 22];
			if (!(pde & PTE_PRESENT)) {
				va = (va | 0x3FFFFF) + 1 - PAGE_SIZE;   /* no table: the next 4 MiB */
				continue;
			}
			pte = ((unsigned long *)__va(pde & ~0xFFFUL))[(va >> PAGE_SHIFT) & 1023];
			if ((pte & PTE_PRESENT) && page_is_private(pte & ~0xFFFUL))
				n++;
		}
	}
	return n;
}

/* 1: another process was sent SIGKILL (try again); 0: the caller was. */
int oom_kill(void)
{
	struct process *victim = current_proc;
	unsigned long most = 0, n;
	int i;

	for (i = 1; i < MAX_PROCS; i++) {
		struct process *p = &procs[i];

		if (p->state == P_FREE || p->state == P_ZOMBIE || p->pid == 1 || p->borrows_mm)
			continue;       /* a vfork child's pages are its parent's (U:310) */
		if ((p->sigpending & SIGBIT(SIGKILL)) && p != current_proc)
			return 1;          /* a victim is on its way out: wait for its pages */
		n = private_pages(p);
		if (n > most) {
			most = n;
			victim = p;
		}
	}
	printk("oom: out of memory: killed process %d (%s)\n", victim->pid, victim->comm);
	send_signal(victim, SIGKILL);
	return victim != current_proc;
}
/*:*/

/*U:125 Copying between the kernel and user memory goes page by page through
 * the kernel's own mapping of each page (every physical page is also at
 * PAGE_OFFSET plus its address), never through the user address: that way
 * the copy does not depend on the Host having caught up with a mapping we
 * just made, and a bad user pointer is an error code, -EFAULT, not a kernel
 * fault. */
static int copy_user(unsigned long uaddr, void *kbuf, unsigned long len, int to_user, int wait)
{
	u8 *k = kbuf;

	if (uaddr + len < uaddr)
		return -EFAULT;
	while (len) {
		unsigned long n = PAGE_SIZE - (uaddr & (PAGE_SIZE - 1));
		u8 *p = user_page_or_wait(uaddr, to_user, wait);

		if (!p)
			return -EFAULT;
		if (n > len)
			n = len;
		if (to_user)
			memcpy(p, k, n);
		else
			memcpy(k, p, n);
		uaddr += n;
		k += n;
		len -= n;
	}
	return 0;
}

int copy_to_user(unsigned long uaddr, const void *kbuf, unsigned long len)
{
	return copy_user(uaddr, (void *)kbuf, len, 1, 1);
}

int copy_from_user(void *kbuf, unsigned long uaddr, unsigned long len)
{
	return copy_user(uaddr, kbuf, len, 0, 1);
}
/*:*/

/*U:127 A copy can wait, then (U:920), and a wait lets other processes run.
 * Most system calls do not mind: they copy their arguments in before they
 * look at anything shared, and their results out after.  The network stack
 * does mind (U:860): a receive holds a packet, a ring's bytes or the one
 * bounce buffer while it copies them out, and another process run meanwhile
 * could free the packet or fill the buffer.  So it faults the user's buffer
 * in first, with user_prefault(), waiting there if it must, before it has
 * looked at a thing, and then copies with the _now calls, which never wait:
 * on a page it did not fault in first and that cannot be had, they fail, and
 * the call returns what it had done, or EFAULT. */
int user_prefault(unsigned long uaddr, unsigned long len, int write)
{
	unsigned long end = uaddr + len, a;

	if (end < uaddr)
		return -EFAULT;
	for (a = uaddr & ~(PAGE_SIZE - 1); a < end; a += PAGE_SIZE)
		if (!user_page(a < uaddr ? uaddr : a, write))
			return -EFAULT;
	return 0;
}

int copy_to_user_now(unsigned long uaddr, const void *kbuf, unsigned long len)
{
	return copy_user(uaddr, (void *)kbuf, len, 1, 0);
}

int copy_from_user_now(void *kbuf, unsigned long uaddr, unsigned long len)
{
	return copy_user(uaddr, kbuf, len, 0, 0);
}
/*:*/

/*U:140 brk(), the oldest way to get memory: the heap is one range that
 * starts just past the program's last segment and ends at the "break", which
 * the program moves.  brk(0) asks where it is; glibc calls that first, then
 * brk(old + n).  Linux answers every call with the break as it now is, and
 * the caller sees failure as "the break did not move", so there are no
 * error codes here.  Moving it down gives the pages back. */
long vm_brk(unsigned long addr)
{
	unsigned long old_end = (brk_cur + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	unsigned long new_end = (addr + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	struct vma *v;

	if (addr < brk_start || addr >= MMAP_BASE)
		return brk_cur;
	if (new_end > old_end && !range_is_free(old_end, new_end))
		return brk_cur;
	v = find_vma(brk_start);
	if (new_end < old_end)
		unmap_range(new_end, old_end);
	if (v) {
		v->end = new_end;
		if (v->end == v->start)
			memmove(v, v + 1, (&vmas[--nr_vmas] - v) * sizeof(*v));
	} else if (new_end > brk_start && vma_add(brk_start, new_end, PROT_READ | PROT_WRITE) < 0) {
		return brk_cur;
	}
	brk_cur = addr;
	return brk_cur;
}
/*:*/

/*U:150 munmap() and mprotect() work on whole ranges, so they first cut the
 * ranges at the edges they are given (carve), then drop or change every range
 * inside.  munmap() of memory that was never mapped is no error, as in Linux:
 * a program may give back what it is not sure it has. */
static int carve(unsigned long start, unsigned long end)
{
	int err = split_at(start);

	return err ? err : split_at(end);
}

long vm_munmap(unsigned long start, unsigned long len)
{
	unsigned long end = (start + len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	unsigned int i;
	int err;

	if ((start & (PAGE_SIZE - 1)) || !len || end > PAGE_OFFSET || end < start)
		return -EINVAL;
	err = carve(start, end);
	if (err)
		return err;
	for (i = 0; i < nr_vmas; ) {
		if (vmas[i].start >= start && vmas[i].end <= end)
			vma_remove(i);
		else
			i++;
	}
	return 0;
}

/*:*/

/*U:155 mmap2() for anonymous memory, which is all glibc's malloc asks for
 * when brk() will not do, and all busybox needs: the kernel picks a free
 * stretch, bottom up from 1 GiB (Linux's old TASK_UNMAPPED_BASE), or takes
 * the one the program insists on with MAP_FIXED, first unmapping whatever
 * was there, as Linux does.  A file mapping would need the page cache this
 * kernel does not have, and gets ENODEV (busybox was never seen to ask for
 * one).  Either way the new range is a promise; no page exists until the
 * first touch (U:120).  Memory a program means to share with its children,
 * MAP_SHARED, is a System V segment without a key (U:181), so that fork
 * hands on the same pages instead of copies. */
/* Where size bytes go: addr itself (after unmapping what was there, or
 * refusing to, as how says), or the first stretch free from MMAP_BASE up. */
static long place(unsigned long addr, unsigned long size, enum attach how)
{
	unsigned long start = MMAP_BASE;
	unsigned int i;

	if (how != ATTACH_ANYWHERE) {
		if ((addr & (PAGE_SIZE - 1)) || addr < PAGE_SIZE || addr + size > PAGE_OFFSET
		    || addr + size < addr || (how == ATTACH_HERE && !range_is_free(addr, addr + size)))
			return -EINVAL;
		return vm_munmap(addr, size) < 0 ? -ENOMEM : (long)addr;
	}
	for (i = 0; i < nr_vmas; i++) {
		if (vmas[i].end <= start)
			continue;
		if (vmas[i].start >= start + size)
			break;
		start = vmas[i].end;
	}
	if (start + size > USER_STACK_TOP - USER_STACK_SIZE || start + size < start)
		return -ENOMEM;
	return start;
}

long vm_mmap(unsigned long addr, unsigned long len, unsigned long prot,
	    unsigned long flags, unsigned long fd, unsigned long pgoff)
{
	unsigned long size = (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	enum attach how = flags & MAP_FIXED ? ATTACH_REPLACE : ATTACH_ANYWHERE;
	long start;
	int shm;

	(void)fd;
	(void)pgoff;
	if (!len || size < len)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS))
		return -ENODEV;
	if ((flags & MAP_TYPE) == MAP_SHARED) {
		shm = shm_anonymous(size);
		return shm < 0 ? shm : vm_attach(addr, size, prot, shm, how);
	}
	start = place(addr, size, how);
	if (!IS_ERR(start) && vma_add(start, start + size, prot) < 0)
		return -ENOMEM;
	return start;
}

/*:*/

/*U:156 The ranges of a shared segment (U:181).  vm_attach() makes one, for
 * shmat() and mmap(MAP_SHARED), with the segment's hold that the caller hands
 * over (U:183): if the range cannot be made, the hold is let go. */
long vm_attach(unsigned long addr, unsigned long size, unsigned int prot, unsigned int shm, enum attach how)
{
	long start = place(addr, size, how);
	int i;

	if (!IS_ERR(start) && (i = vma_add(start, start + size, prot)) >= 0) {
		vmas[i].shm = shm;
		return start;
	}
	shm_drop(shm);
	return IS_ERR(start) ? start : -ENOMEM;
}

/* shmdt(), as Linux finds what to detach: the first range at or above
 * addr that maps a segment from the page it would map had it been attached
 * at addr (what is left of an attachment whose first pages were unmapped
 * counts), and the other such ranges of that segment within its size. */
long vm_detach(unsigned long addr)
{
	unsigned long size = 0;
	unsigned int i, shm = 0;

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	for (i = 0; i < nr_vmas; i++) {
		struct vma *v = &vmas[i];

		if (v->start < addr)
			continue;
		if (shm && v->end - addr > size)
			break;
		if (!v->shm || (v->start - addr) >> PAGE_SHIFT != v->pgoff || (shm && v->shm != shm))
			continue;
		if (!shm) {
			shm = v->shm;
			size = shm_bytes(shm);
		}
		vma_remove(i--);
	}
	return shm ? 0 : -EINVAL;
}

/*:*/

/*U:160 mprotect() changes the rights of the ranges, and also rewrites the
 * entries of the pages that already exist, because the Host's shadow tables
 * believe our page tables, not our list of ranges.  glibc calls it once per
 * program, to make its relocated data read-only after start-up.  A page
 * shared with the initrd (U:040) that is made writable gets a private copy
 * first: the initrd is every process's, and a write would reach them all. */
long vm_mprotect(unsigned long start, unsigned long len, unsigned long prot)
{
	unsigned long end = (start + len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), va, pte;
	unsigned int i;
	int err;

	if ((start & (PAGE_SIZE - 1)) || end > PAGE_OFFSET || end < start)
		return -EINVAL;
	for (va = start; va < end; va += PAGE_SIZE)
		if (!find_vma(va))
			return -ENOMEM;
	err = carve(start, end);
	if (err)
		return err;
	for (i = 0; i < nr_vmas; i++)
		if (vmas[i].start >= start && vmas[i].end <= end)
			vmas[i].prot = prot;
	for (va = start; va < end; va += PAGE_SIZE) {
		pte = lookup_pte(va);
		if (!(pte & PTE_PRESENT))
			continue;
		if ((prot & PROT_WRITE) && !page_is_private(pte & ~0xFFFUL)) {
			/* A shared page of the initrd made writable: from now on
			 * this process gets its own copy. */
			void *copy = try_alloc_page();

			if (!copy) {
				flush_tlb_user();
				return -ENOMEM;
			}
			memcpy(copy, __va(pte & ~0xFFFUL), PAGE_SIZE);
			pte = __pa(copy);
		}
		map_page(va, pte & ~0xFFFUL, prot_pte_flags(prot));
	}
	flush_tlb_user();
	return 0;
}
/*:*/

/*G:685 Batching.  A program's exit clears every page it had, exec() maps a
 * new program's pages, fork() maps a copy of every page the parent has:
 * hundreds of page-table entries in a row.  The exit's need no SET_PTE at
 * all, only a FLUSH_TLB per range (U:117), and the fork's nothing at all
 * (U:320), but exec's are hundreds of SET_PTEs, and each would be an exit
 * if made one at a time.  So each of the three runs in lazy mode (G:200):
 * the calls go into lguest_data's ring, and the Host runs them all on its
 * next exit, at the latest the FLUSH_ASYNC of lazy_mode_leave() (G:210).
 * Meanwhile nothing may depend on the Host having seen them, and nothing
 * does: the kernel reaches a user page through its own mapping of physical
 * memory (U:125), never through the user address whose entry may still be
 * in the queue, and it does not return to ring 3 before leaving lazy mode.
 *
 * The smallest of the three is the end of a program: every range, and every
 * private page behind it, goes back to the allocator.  (The page tables
 * themselves stay: the next program will want tables for the same 4 MiB
 * stretches, and they are empty now.) */
void vm_release(void)
{
	lazy_mode_enter();
	while (nr_vmas)
		vma_remove(nr_vmas - 1);
	lazy_mode_leave();
	vm_forget();
}
/*:*/

/*U:130 Strings from user space (a path, an argument of execve) have no
 * length until we find their end, so they are copied a byte at a time until
 * the NUL, page by page, and refused if they do not fit. */
long strncpy_from_user(char *dst, unsigned long src, unsigned long size)
{
	unsigned long n;

	for (n = 0; n < size; n++) {
		const char *p = user_page(src + n, 0);

		if (!p)
			return -EFAULT;
		if (!(dst[n] = *p))
			return n;
	}
	return -ENAMETOOLONG;
}
/*:*/

/*U:180 Every process has a page directory of its own.  Its upper quarter,
 * from PAGE_OFFSET up, is the kernel, and is the same in every directory:
 * the entries point at the same page tables, so a change to the kernel's
 * mappings made through any directory is seen through all of them.  The
 * lower three quarters are the process's, and start empty.  The first
 * directory the kernel built for itself (mm_init) is the model for the kernel
 * half. */
static unsigned long *model_pgdir;

unsigned long *pgdir_new(void)
{
	unsigned long *pgdir = try_alloc_page();

	if (!model_pgdir)
		model_pgdir = kernel_pgdir;
	if (pgdir)
		memcpy(pgdir + (PAGE_OFFSET >> 22), model_pgdir + (PAGE_OFFSET >> 22),
		       (1024 - (PAGE_OFFSET >> 22)) * sizeof(unsigned long));
	return pgdir;
}

/* A reaped process's directory and its user page tables (the pages they
 * mapped went back when it exited, in vm_release()). */
void pgdir_free(unsigned long *pgdir)
{
	unsigned int i;

	for (i = 0; i < (PAGE_OFFSET >> 22); i++)
		if (pgdir[i] & PTE_PRESENT)
			free_page(__va(pgdir[i] & ~0xFFFUL));
	free_page(pgdir);
}
/*:*/

/*U:320 fork() copies the address space: the same ranges, and for every page
 * that exists a private copy with the same contents and rights (the pages of
 * the initrd that a program's code is mapped from are read-only and simply
 * shared, and so are the pages of a shared segment, U:181, whose point is
 * that both sides see each other's writes).  Linux would share everything and copy a page only when one side
 * writes it; copying at once is simpler and, for a busybox whose writable
 * memory is a few dozen pages, not much slower.
 *
 * The child's entries are written into its own directory by pointing
 * map_page() at it for a moment; that directory has never been loaded, and
 * will be flushed when it is (G:640), so the Host has no shadow of it that
 * it will use, and need not hear of its entries: pgdir_unseen tells
 * map_page() to make no SET_PTE or SET_PMD for them.  (It used to make
 * them, lazily, G:685: a few hundred hypercalls a fork that changed nothing
 * the Host was using.) */
/* One page of the parent's, copied unless it is the initrd's or a shared
 * segment's (share), into the child. */
static inline __attribute__((always_inline))
int fork_page(unsigned long va, unsigned long *e, struct process *child, int share)
{
	unsigned long *parent_pgdir = kernel_pgdir, pa = *e & ~0xFFFUL;
	int copy = !share && page_is_private(pa), err = 0;

	if (copy) {
		void *page = try_alloc_page();

		if (!page)
			return -ENOMEM;
		memcpy(page, __va(pa), PAGE_SIZE);
		pa = __pa(page);
	}
	kernel_pgdir = child->pgdir;
	pgdir_unseen = 1;
	if (map_page(va, pa, *e & 0xFFFUL) < 0) {
		if (copy)
			free_page(__va(pa));
		err = -ENOMEM;
	}
	pgdir_unseen = 0;
	kernel_pgdir = parent_pgdir;
	return err;
}

static int fork_one(unsigned long va, unsigned long *e, void *arg)
{
	return fork_page(va, e, arg, 0);
}

static int share_one(unsigned long va, unsigned long *e, void *arg)
{
	return fork_page(va, e, arg, 1);
}

/*:*/

/*U:321 The child's list of ranges is the parent's, and a range that maps
 * a segment holds it once more (U:183).  Then the pages, range by range, in
 * lazy mode (G:685).  vfork() copies the list too, for the child to know
 * its ranges, but not the pages. */
/* vfork (U:310): the child runs on this very directory, with a copy of
 * the list of ranges that describes it; the directory alloc_process()
 * made for it, still empty below PAGE_OFFSET, goes back. */
static void copy_ranges(struct process *child)
{
	memcpy(child->mm_vmas, vmas, nr_vmas * sizeof(vmas[0]));
	child->mm_nr_vmas = nr_vmas;
	child->mm_brk_start = brk_start;
	child->mm_brk_cur = brk_cur;
}

void vm_borrow(struct process *child)
{
	copy_ranges(child);
	pgdir_free(child->pgdir);
	child->pgdir = current.pgdir;
	child->pgdir_fresh = 0;
	child->borrows_mm = 1;
}

/* Forgets the ranges without unmapping them: all a borrower may do at its
 * end, since they were never its to unmap, and vm_release()'s last step. */
void vm_forget(void)
{
	nr_vmas = 0;
	brk_start = brk_cur = 0;
}

int vm_fork(struct process *child)
{
	unsigned int i;
	int err = 0;

	copy_ranges(child);
	for (i = 0; i < nr_vmas; i++)   /* the child's ranges hold their segments too */
		if (vmas[i].shm)
			shm_hold(vmas[i].shm);
	lazy_mode_enter();
	for (i = 0; i < nr_vmas && !err; i++)
		err = vmas[i].shm ? walk_ptes(kernel_pgdir, vmas[i].start, vmas[i].end, share_one, child)
				  : walk_ptes(kernel_pgdir, vmas[i].start, vmas[i].end, fork_one, child);
	lazy_mode_leave();
	return err;
}
/*:*/
