#include "kernel.h"

/*U:181 Memory two processes share.  Everything so far keeps processes
 * apart: fork() copies (U:320), and a page belongs to one address space.
 * System V's shared memory is the old Unix way round that, and busybox uses
 * it: `syslogd -C` keeps its log in a segment, and `logread`, another
 * process, reads it from there.  shmget() makes a segment (or finds the one
 * with the same key), a numbered object of the kernel's own with pages
 * behind it; shmat() maps those pages into the caller, as a range like any
 * other (U:110) except that its pages are the segment's; shmdt() unmaps
 * them; shmctl() reads the segment's record, or removes it, which takes
 * effect when the last range that maps it goes.
 *
 * The ids are Linux's shape: slot + 32768 times a sequence number that
 * grows each time the slot is freed, so that an old id stops working.
 * Every process here is root (U:082), so no permission is ever refused;
 * the modes are only kept and reported. */
#define IPC_CREAT   01000
#define IPC_EXCL    02000
#define IPC_NOWAIT  04000
#define IPC_RMID    0
#define IPC_SET     1
#define IPC_STAT    2
#define IPC_64      0x100
#define SHM_RDONLY  010000
#define SHM_RND     020000
#define SHM_REMAP   040000
#define SHM_EXEC    0100000
#define SHM_DEST    01000          /* in the mode: removed, waiting for its last detach */
#define SHM_LOCK    11
#define SHM_UNLOCK  12
#define IPCMNI      32768
#define SHM_SEGMENTS 64
#define SHM_PAGES   (PAGE_SIZE / sizeof(unsigned long))
#define EIDRM       43

struct ipc_perm64 {                /* struct ipc64_perm, 36 bytes */
	s32 key;
	u32 uid, gid, cuid, cgid;
	u16 mode, pad1;
	u16 seq, pad2;
	u32 unused[2];
};

/* What the three kinds share, at the head of each object, as Linux's
 * struct kern_ipc_perm is: so one lookup by id, one by key and one search
 * for a free slot serve segments, semaphore sets and message queues alike,
 * each given its table as IPC_TABLE(table): where, how big an object, how
 * many. */
struct ipc_head {
	u8 used, removed;
	u16 seq;
	s32 key;
	u32 mode, ctime;
};
#define IPC_TABLE(t) (void *)(t), sizeof((t)[0]), (int)(sizeof(t) / sizeof((t)[0]))
static void *ipc_new(void *table, unsigned long size, int n, s32 key, u32 mode);   /* U:184 */

static struct ipc_head *ipc_at(void *table, unsigned long size, int slot)
{
	return (struct ipc_head *)((char *)table + slot * size);
}

static u32 ipc_id(void *table, unsigned long size, int n, const struct ipc_head *h)
{
	(void)n;
	return h->seq * IPCMNI + ((const char *)h - (char *)table) / size;
}

/* The object id names, or NULL: its slot in use, by the same object. */
static void *ipc_find(void *table, unsigned long size, int n, u32 id)
{
	struct ipc_head *h;

	if (id % IPCMNI >= (u32)n)
		return NULL;
	h = ipc_at(table, size, id % IPCMNI);
	return h->used && h->seq == id / IPCMNI ? h : NULL;
}

/* Gone: the slot free, and every id that named it stale. */
static void ipc_remove(struct ipc_head *h)
{
	h->used = 0;
	h->seq++;
}

struct shm_segment {
	struct ipc_head h;
	u8 anonymous;              /* mmap(MAP_SHARED)'s (U:183) */
	u32 size, nattch;
	int cpid, lpid;
	u32 atime, dtime;
	unsigned long *pages;      /* a page of physical addresses */
};

static struct shm_segment segments[SHM_SEGMENTS];
/*:*/

/*U:182 A segment's pages are made when the segment is, zeroed, up to
 * SHM_PAGES of them (4 MiB, where Linux allows nearly all of memory): a
 * page that a first touch made (U:120) would have to be found again by the
 * next process to touch it, and a segment that asks for more than the
 * machine can give should fail at shmget(), where the program can hear of
 * it, not at a touch, where it would be killed.  A segment outlives its
 * maker unless removed, so all of them together may hold at most half of
 * the memory nobody else uses (Linux's SHMALL, whose error is ENOSPC):
 * segments a crashed program left behind can slow the machine down, not
 * leave it without a page for fork. */
static unsigned long shm_pages_held;
static void segment_free(struct shm_segment *s)
{
	unsigned long i;

	for (i = 0; i < (s->size + PAGE_SIZE - 1) / PAGE_SIZE; i++)
		free_page(__va(s->pages[i]));
	shm_pages_held -= i;
	free_page(s->pages);
	ipc_remove(&s->h);
}

/* A new segment of size bytes, pages and all, or -errno. */
static struct shm_segment *segment_new(s32 key, u32 size, u32 mode)
{
	struct shm_segment *s;
	unsigned long i, n = (size + PAGE_SIZE - 1) / PAGE_SIZE;

	if (!size || n > SHM_PAGES)
		return ERR_PTR(-EINVAL);
	if (shm_pages_held + n > (shm_pages_held + nr_free_pages()) / 2)
		return ERR_PTR(-ENOSPC);
	s = ipc_new(IPC_TABLE(segments), key, mode);
	if (IS_ERR(s))
		return s;
	s->size = 0;
	s->pages = try_alloc_page();
	for (i = 0; s->pages && i < n; i++) {
		void *page = try_alloc_page();

		if (!page) {
			s->size = i * PAGE_SIZE;   /* what segment_free() is to give back */
			segment_free(s);
			return ERR_PTR(-ENOMEM);
		}
		s->pages[i] = __pa(page);
		shm_pages_held++;
	}
	if (!s->pages) {
		ipc_remove(&s->h);
		return ERR_PTR(-ENOMEM);
	}
	s->anonymous = 0;
	s->size = size;
	s->nattch = 0;
	s->cpid = current.pid;
	s->lpid = 0;
	s->atime = s->dtime = 0;
	return s;
}
/*:*/

/*U:183 A segment is mapped by ranges, and a range is the one thing that
 * holds it (vm.c calls shm_hold for each range made, by shmat(), by fork()
 * copying the list, by a split, and shm_drop for each one unmapped, by
 * shmdt(), munmap(), exec or exit).  So the count is of ranges, as Linux's
 * shm_nattch is, and a segment that shmctl(IPC_RMID) removed is freed when
 * it reaches zero: a removed segment stays usable by whoever still has it
 * mapped, and disappears with the last of them, which is what lets a
 * program make one, attach it, remove it at once, and never leak it.
 * mmap(MAP_SHARED | MAP_ANONYMOUS) is exactly such a segment (and so can
 * be no larger than one, U:182). */
unsigned long shm_page(unsigned int shm, unsigned long index)
{
	return segments[shm - 1].pages[index];
}

unsigned long shm_bytes(unsigned int shm)
{
	return (segments[shm - 1].size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

void shm_hold(unsigned int shm)
{
	segments[shm - 1].nattch++;
}

void shm_drop(unsigned int shm)
{
	struct shm_segment *s = &segments[shm - 1];

	s->dtime = wall_seconds();
	s->lpid = current.pid;
	if (--s->nattch == 0 && s->h.removed)
		segment_free(s);
}

int shm_anonymous(unsigned long size)
{
	struct shm_segment *s = segment_new(0, size, 0600);

	if (IS_ERR(s))
		return PTR_ERR(s);
	s->h.removed = s->anonymous = 1;
	s->nattch = 1;                 /* the hold vm_attach() takes over */
	return s - segments + 1;
}

/* What /proc/PID/maps calls a range of it (U:797), as Linux does. */
void shm_name(unsigned int shm, char *buf, unsigned long size)
{
	struct shm_segment *s = &segments[shm - 1];

	if (s->anonymous)
		snprintf(buf, size, "/dev/zero (deleted)");
	else
		snprintf(buf, size, "/SYSV%08x (deleted)", (u32)s->h.key);
}
/*:*/

/*U:184 shmget(key, size, flags): the segment with this key if there is
 * one (IPC_PRIVATE, key 0, never names one), else a new one if IPC_CREAT
 * says so.  Linux's errors: EEXIST for IPC_CREAT | IPC_EXCL and a key
 * taken, EINVAL for an old segment smaller than asked or a new one of no
 * size or past SHM_PAGES, ENOENT for no such key and no IPC_CREAT, ENOSPC
 * with every slot used or shared memory's share of the memory (U:182) too
 * small, ENOMEM if the pages are not there.  The rules of the key, and the
 * free slot, are the same for semget() and msgget(), and so are
 * ipc_key() and ipc_new() below. */
/* For a get: the object key names (IPC_PRIVATE, 0, names none, and a removed
 * one is nobody's), NULL if none and IPC_CREAT may make one, or -EEXIST
 * (IPC_CREAT | IPC_EXCL, and there is one) or -ENOENT (none, no IPC_CREAT). */
static void *ipc_key(void *table, unsigned long size, int n, s32 key, u32 flags)
{
	int slot;

	for (slot = 0; key && slot < n; slot++) {
		struct ipc_head *h = ipc_at(table, size, slot);

		if (h->used && !h->removed && h->key == key)
			return (flags & IPC_CREAT) && (flags & IPC_EXCL) ? ERR_PTR(-EEXIST) : h;
	}
	return key && !(flags & IPC_CREAT) ? ERR_PTR(-ENOENT) : NULL;
}

/* A free slot with its head filled in, or -ENOSPC. */
static void *ipc_new(void *table, unsigned long size, int n, s32 key, u32 mode)
{
	int slot;

	for (slot = 0; slot < n; slot++) {
		struct ipc_head *h = ipc_at(table, size, slot);

		if (!h->used) {
			h->used = 1;
			h->removed = 0;
			h->key = key;
			h->mode = mode & 0777;
			h->ctime = wall_seconds();
			return h;
		}
	}
	return ERR_PTR(-ENOSPC);
}

static long shmget(s32 key, u32 size, u32 flags)
{
	struct shm_segment *s = ipc_key(IPC_TABLE(segments), key, flags);

	if (!s)
		s = segment_new(key, size, flags);
	else if (!IS_ERR(s) && size > s->size)
		return -EINVAL;
	return IS_ERR(s) ? PTR_ERR(s) : ipc_id(IPC_TABLE(segments), &s->h);
}
/*:*/

/*U:185 shmat(id, addr, flags): where it is mapped, or -errno.  Read-only with
 * SHM_RDONLY; at addr if given (rounded down to a page with SHM_RND, else
 * it must be one), where nothing else may be unless SHM_REMAP says to
 * replace it; anywhere free if not.  (A range does not remember how it was
 * attached, so mprotect() can make a read-only attachment writable, which
 * Linux refuses with EACCES.) */
static long shmat(u32 id, unsigned long addr, u32 flags)
{
	struct shm_segment *s = ipc_find(IPC_TABLE(segments), id);
	unsigned int prot = PROT_READ | (flags & SHM_RDONLY ? 0 : PROT_WRITE) | (flags & SHM_EXEC ? PROT_EXEC : 0);
	enum attach how = !addr ? ATTACH_ANYWHERE : flags & SHM_REMAP ? ATTACH_REPLACE : ATTACH_HERE;
	long at;

	if (!s)
		return -EINVAL;
	if (flags & SHM_RND)
		addr &= ~(PAGE_SIZE - 1);
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	shm_hold(s - segments + 1);
	at = vm_attach(addr, (s->size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), prot, s - segments + 1, how);
	if (!IS_ERR(at)) {
		s->atime = wall_seconds();
		s->lpid = current.pid;
	}
	return at;
}
/*:*/

/*U:186 shmctl(id, cmd, buf): the record (IPC_STAT), its mode (IPC_SET;
 * the owner, which Linux would also change, stays root), removal (IPC_RMID); SHM_LOCK and SHM_UNLOCK succeed, since no
 * page of this kernel is ever swapped out.  The record is Linux's struct
 * shmid64_ds, whether the caller said IPC_64 or not (glibc always does). */
static void perm_of(struct ipc_perm64 *p, s32 key, u32 mode, u16 seq)
{
	memset(p, 0, sizeof(*p));
	p->key = key;
	p->mode = mode;
	p->seq = seq;
}

/* IPC_SET, for either kind: the mode from the record's ipc64_perm. */
static long set_perm(u32 ubuf, u32 *mode, u32 *ctime)
{
	struct ipc_perm64 p;

	if (copy_from_user(&p, ubuf, sizeof(p)))
		return -EFAULT;
	*mode = p.mode & 0777;
	*ctime = wall_seconds();
	return 0;
}

static long shmctl(u32 id, u32 cmd, u32 buf)
{
	struct shm_segment *s = ipc_find(IPC_TABLE(segments), id);
	struct { struct ipc_perm64 perm; u32 segsz, atime, atime_hi, dtime, dtime_hi, ctime, ctime_hi;
		 s32 cpid, lpid; u32 nattch, unused[2]; } d;

	cmd &= ~IPC_64;
	if (!s)
		return -EINVAL;
	switch (cmd) {
	case IPC_STAT:
		memset(&d, 0, sizeof(d));
		perm_of(&d.perm, s->h.removed ? 0 : s->h.key, s->h.mode | (s->h.removed ? SHM_DEST : 0), s->h.seq);
		d.segsz = s->size;
		d.atime = s->atime;
		d.dtime = s->dtime;
		d.ctime = s->h.ctime;
		d.cpid = s->cpid;
		d.lpid = s->lpid;
		d.nattch = s->nattch;
		return copy_to_user(buf, &d, sizeof(d)) ? -EFAULT : 0;
	case IPC_SET:
		return set_perm(buf, &s->h.mode, &s->h.ctime);
	case IPC_RMID:
		s->h.removed = 1;
		if (!s->nattch)
			segment_free(s);
		return 0;
	case SHM_LOCK:
	case SHM_UNLOCK:
		return 0;
	}
	return -EINVAL;
}
/*:*/

/*U:187 Semaphores, System V's: a set of counters, each never below zero,
 * and one call, semop(), that applies a list of operations to a set all at
 * once or not at all.  An operation adds to a counter (sem_op > 0), takes
 * from it (< 0: the caller waits while that would go below zero), or waits
 * for it to be zero (0).  If any operation of the list would wait, none is
 * applied and the caller sleeps, unless that operation said IPC_NOWAIT
 * (EAGAIN); whenever the set changes, every sleeper tries its whole list
 * again.  SEM_UNDO asks the kernel to take an operation back when the
 * process ends, so that a lock held by a process that dies is not held for
 * ever: syslogd -C and logread guard their shared log (U:181) with one.
 *
 * The sleep is this kernel's usual one (U:240): a condition the scheduler
 * asks, here "has the set's generation moved on since I looked", and a
 * signal ends it with EINTR, never restarted, as in Linux.  A set removed
 * under a sleeper gives it EIDRM. */
#define SEM_UNDO    0x1000
#define GETPID      11
#define GETVAL      12
#define GETALL      13
#define GETNCNT     14
#define GETZCNT     15
#define SETVAL      16
#define SETALL      17
#define SEM_SETS    32
#define SEMMSL      64             /* counters in a set (Linux: 32000) */
#define SEMOPM      32             /* operations in one semop() (Linux: 500) */
#define SEMVMX      32767
#define SEM_UNDOS   128            /* adjustments, over all processes */

struct sem_set {
	struct ipc_head h;
	u16 nsems;
	u32 otime, generation;
	u16 val[SEMMSL];
	s32 pid[SEMMSL];           /* the last to change each counter (GETPID) */
};

typedef short s16;

struct sembuf {
	u16 num;
	s16 op;
	s16 flags;
};

/* What a process will take back at its end: adj on counter num of a set. */
static struct sem_undo {
	s32 pid;
	u16 set, seq, num;
	s16 adj;
} undos[SEM_UNDOS];

static struct sem_set sets[SEM_SETS];

/* Who sleeps in semop() on what, for GETNCNT and GETZCNT. */
static struct { struct sem_set *set; u16 num; u8 zero; } waiting[MAX_PROCS];

static struct sem_set *sem_set(u32 id)
{
	return ipc_find(IPC_TABLE(sets), id);
}
/*:*/

/*U:188 An undo is remembered per process, counter and set, in one table for
 * all (SEM_UNDOS entries): the sum of what the process's SEM_UNDO operations
 * did to that counter, negated.  fork() does not hand them on (a table keyed
 * by pid does that by itself), exec keeps them, and setting a counter with
 * SETVAL or SETALL forgets them, as in Linux. */
/* The undo entry of this process for counter num of set s, made if need be
 * (NULL: the table is full).
 * (Marked unused for the lab that takes out try_ops(), its one caller.) */
static __attribute__((unused)) struct sem_undo *undo_of(struct sem_set *s, u16 num)
{
	struct sem_undo *u, *free = NULL;

	for (u = undos; u < undos + SEM_UNDOS; u++) {
		if (u->pid == current.pid && u->set == s - sets && u->seq == s->h.seq && u->num == num)
			return u;
		if (!u->pid && !free)
			free = u;
	}
	if (!free)
		return NULL;
	free->pid = current.pid;
	free->set = s - sets;
	free->seq = s->h.seq;
	free->num = num;
	free->adj = 0;
	return free;
}

/* SETVAL and SETALL make every adjustment of the counters they set void. */
static void forget_undos(struct sem_set *s, int num)
{
	struct sem_undo *u;

	for (u = undos; u < undos + SEM_UNDOS; u++)
		if (u->pid && u->set == s - sets && u->seq == s->h.seq && (num < 0 || u->num == num))
			u->pid = 0;
}

static void changed(struct sem_set *s)
{
	s->generation++;
}
/*:*/

/*U:189 The operations, tried on a copy of the counters: 0 if they all
 * went (and then they are the set's), 1 if one must wait (which, in
 * *blocked), or an error: ERANGE for a counter or an undo pushed past
 * SEMVMX, ENOSPC with no room left to remember an undo. */
static int try_ops(struct sem_set *s, const struct sembuf *ops, unsigned int n, const struct sembuf **blocked)
{
	/* LAB(semaphores) { lab_missing("semaphores", "U:187, U:188, U:189"); */
	u16 val[SEMMSL];
	struct sem_undo *undo[SEMOPM];      /* each SEM_UNDO operation's entry, found before anything changes */
	unsigned int i;

	memcpy(val, s->val, sizeof(val));
	for (i = 0; i < n; i++) {
		int v = val[ops[i].num] + ops[i].op;

		if (v > SEMVMX)
			return -ERANGE;
		if (v < 0 || (!ops[i].op && val[ops[i].num])) {
			*blocked = &ops[i];
			return 1;
		}
		val[ops[i].num] = v;
	}
	for (i = 0; i < n; i++) {
		undo[i] = NULL;
		if (!(ops[i].flags & SEM_UNDO) || !ops[i].op)
			continue;
		undo[i] = undo_of(s, ops[i].num);
		if (!undo[i])
			return -ENOSPC;
		if (undo[i]->adj - ops[i].op > SEMVMX || undo[i]->adj - ops[i].op < -SEMVMX - 1)
			return -ERANGE;
	}
	for (i = 0; i < n; i++) {
		if (undo[i])
			undo[i]->adj -= ops[i].op;
		s->pid[ops[i].num] = current.pid;
	}
	memcpy(s->val, val, sizeof(val));
	s->otime = wall_seconds();
	changed(s);
	return 0;
	/* LAB(semaphores) } */
}

/*:*/

/*U:190 semtimedop() tries the list, and while it would wait, sleeps until
 * the set changes (or goes: EIDRM), then tries again.  The question the
 * sleeper leaves for the scheduler is the same for a message queue
 * (U:195): is the object's slot still in use, by the same object (its
 * sequence number), and has its generation not moved on? */
struct ipc_wait {
	const struct ipc_head *h;
	const u32 *generation;
	u16 was_seq;
	u32 was_generation;
};

static int ipc_changed(void *arg)
{
	struct ipc_wait *w = arg;

	return !w->h->used || w->h->seq != w->was_seq || *w->generation != w->was_generation;
}

/* Sleeps until the object changes, or until deadline (0: none): 0, -EIDRM
 * if it went, -EINTR for a signal, -EAGAIN at the deadline. */
static long ipc_wait(const struct ipc_head *h, const u32 *generation, u64 deadline)
{
	struct ipc_wait w = { h, generation, h->seq, *generation };
	long err = wait_event_until(ipc_changed, &w, deadline);

	if (!h->used || h->seq != w.was_seq)
		return -EIDRM;
	return err == -ERESTARTSYS ? -EINTR : err;
}

/* semtimedop(id, ops, n, timeout): timeout is a deadline on the monotonic
 * clock, 0 for none; it running out is EAGAIN. */
static long semtimedop(u32 id, u32 uops, u32 n, u64 deadline)
{
	struct sembuf ops[SEMOPM];
	const struct sembuf *blocked;
	struct sem_set *s = sem_set(id);
	unsigned int i;
	long err;

	if (!n)
		return -EINVAL;
	if (n > SEMOPM)
		return -E2BIG;
	if (copy_from_user(ops, uops, n * sizeof(ops[0])))
		return -EFAULT;
	if (!s)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (ops[i].num >= s->nsems)
			return -EFBIG;
	for (;;) {
		err = try_ops(s, ops, n, &blocked);
		if (err <= 0)
			return err;
		if (blocked->flags & IPC_NOWAIT)
			return -EAGAIN;
		waiting[current_proc - procs].set = s;
		waiting[current_proc - procs].num = blocked->num;
		waiting[current_proc - procs].zero = !blocked->op;
		err = ipc_wait(&s->h, &s->generation, deadline);
		waiting[current_proc - procs].set = NULL;
		if (err)
			return err;
	}
}

/*:*/

/*U:191 At the end of a process: its adjustments, each as far as the
 * counter allows (Linux's rule too: a counter never goes below zero). */
void sem_exit(void)
{
	struct sem_undo *u;

	for (u = undos; u < undos + SEM_UNDOS; u++) {
		struct sem_set *s = &sets[u->set];
		int v;

		if (u->pid != current.pid)
			continue;
		u->pid = 0;
		if (!s->h.used || s->h.seq != u->seq || !u->adj)
			continue;
		v = s->val[u->num] + u->adj;
		s->val[u->num] = v < 0 ? 0 : v > SEMVMX ? SEMVMX : v;
		s->pid[u->num] = current.pid;
		changed(s);
	}
}
/*:*/

/*U:192 semget(key, nsems, flags) finds or makes a set, with the rules and
 * the code of shmget() (U:184): nsems may be 0 to find one, and may not be more than
 * the set has.  semctl(id, num, cmd, arg) reads and sets counters one
 * (GETVAL, SETVAL, GETPID, and how many wait for it to grow, GETNCNT, or to
 * be zero, GETZCNT) or all at once (GETALL, SETALL, an array of u16), and
 * reads (IPC_STAT) and removes (IPC_RMID) the set, waking its sleepers with
 * EIDRM.  arg is the union semun, passed by value: a number or a pointer. */
static long semget(s32 key, s32 nsems, u32 flags)
{
	struct sem_set *s;

	if (nsems < 0 || nsems > SEMMSL)
		return -EINVAL;
	s = ipc_key(IPC_TABLE(sets), key, flags);
	if (IS_ERR(s))
		return PTR_ERR(s);
	if (s)
		return nsems > s->nsems ? -EINVAL : ipc_id(IPC_TABLE(sets), &s->h);
	if (!nsems)
		return -EINVAL;
	s = ipc_new(IPC_TABLE(sets), key, flags);
	if (IS_ERR(s))
		return PTR_ERR(s);
	memset(s->val, 0, sizeof(s->val));
	memset(s->pid, 0, sizeof(s->pid));
	s->nsems = nsems;
	s->otime = 0;
	return ipc_id(IPC_TABLE(sets), &s->h);
}


/* semctl()'s questions of how many sleep in semop() on a counter, for it to
 * grow (GETNCNT) or to be zero (GETZCNT), are answered from a table with one
 * entry per process, written by the sleeper (U:190). */
static long sleepers(struct sem_set *s, u32 num, int zero)
{
	long n = 0;
	int i;

	for (i = 0; i < MAX_PROCS; i++)
		if (procs[i].state == P_SLEEPING && waiting[i].set == s && waiting[i].num == num
		    && waiting[i].zero == zero)
			n++;
	return n;
}

/*:*/

/*U:193 GETALL and SETALL read and write every counter of a set, as an
 * array of u16; SETALL, like SETVAL, wakes every sleeper to try again.
 * Then semctl() itself, which answers for one counter or the whole set. */
static long sem_all(struct sem_set *s, u32 cmd, u32 arg)
{
	u16 val[SEMMSL];
	unsigned int i;

	if (cmd == GETALL)
		return copy_to_user(arg, s->val, s->nsems * sizeof(u16)) ? -EFAULT : 0;
	if (copy_from_user(val, arg, s->nsems * sizeof(u16)))
		return -EFAULT;
	for (i = 0; i < s->nsems; i++)
		if (val[i] > SEMVMX)
			return -ERANGE;
	memcpy(s->val, val, s->nsems * sizeof(u16));
	for (i = 0; i < s->nsems; i++)
		s->pid[i] = current.pid;
	forget_undos(s, -1);
	s->h.ctime = wall_seconds();
	changed(s);
	return 0;
}

static long semctl(u32 id, u32 num, u32 cmd, u32 arg)
{
	struct sem_set *s = sem_set(id);
	struct { struct ipc_perm64 perm; u32 otime, otime_hi, ctime, ctime_hi, nsems, unused[2]; } d;

	cmd &= ~IPC_64;
	if (!s)
		return -EINVAL;
	if ((cmd == GETVAL || cmd == SETVAL || cmd == GETPID || cmd == GETNCNT || cmd == GETZCNT)
	    && num >= s->nsems)
		return -EINVAL;
	switch (cmd) {
	case IPC_STAT:
		memset(&d, 0, sizeof(d));
		perm_of(&d.perm, s->h.key, s->h.mode, s->h.seq);
		d.otime = s->otime;
		d.ctime = s->h.ctime;
		d.nsems = s->nsems;
		return copy_to_user(arg, &d, sizeof(d)) ? -EFAULT : 0;
	case IPC_SET:
		return set_perm(arg, &s->h.mode, &s->h.ctime);
	case IPC_RMID:
		forget_undos(s, -1);
		ipc_remove(&s->h);
		return 0;
	case GETVAL:
		return s->val[num];
	case GETPID:
		return s->pid[num];
	case GETNCNT:
	case GETZCNT:
		return sleepers(s, num, cmd == GETZCNT);
	case SETVAL:
		if ((s32)arg < 0 || (s32)arg > SEMVMX)
			return -ERANGE;
		s->val[num] = arg;
		s->pid[num] = current.pid;
		forget_undos(s, num);
		s->h.ctime = wall_seconds();
		changed(s);
		return 0;
	case GETALL:
	case SETALL:
		return sem_all(s, cmd, arg);
	}
	return -EINVAL;
}
/*:*/

/*U:194 Message queues, the third kind of System V IPC: a queue of
 * typed messages, each a long (its type, at least 1) and up to MSGMAX bytes
 * of text, that msgsnd() appends and msgrcv() takes out, the first one, or
 * the first of a type, or the first of the lowest type up to a bound, so
 * that one queue can carry several conversations.  busybox never uses
 * them; programs written to learn Unix do.  A queue here is one page,
 * holding its messages one after another, each behind its type and length:
 * MSGMNB, the bytes a queue may hold, is then a page (Linux's is 16 KiB,
 * and its MSGMAX 8 KiB); a sender finding no room waits, and a receiver
 * finding no message, as semop() does (U:190): for the queue's generation
 * to move, or for the queue to go (EIDRM). */
#define MSG_QUEUES  16
#define MSGMAX      (PAGE_SIZE - 8)
#define MSG_NOERROR 010000
#define MSG_EXCEPT  020000
#define ENOMSG      42

struct msg_queue {
	struct ipc_head h;
	u32 bytes, count, limit, generation;      /* bytes: of text, as msg_cbytes */
	u32 stime, rtime;
	s32 lspid, lrpid;
	u8 *buf;                   /* a page: { s32 type; u32 size; text, padded to 4 } ... */
	u32 used_bytes;            /* of buf, headers and padding included */
};

static struct msg_queue queues[MSG_QUEUES];

static struct msg_queue *msg_queue(u32 id)
{
	return ipc_find(IPC_TABLE(queues), id);
}

static u32 record_bytes(u32 size)
{
	return 8 + ((size + 3) & ~3U);
}

static long msgget(s32 key, u32 flags)
{
	struct msg_queue *q = ipc_key(IPC_TABLE(queues), key, flags);

	if (q)
		return IS_ERR(q) ? PTR_ERR(q) : ipc_id(IPC_TABLE(queues), &q->h);
	q = ipc_new(IPC_TABLE(queues), key, flags);
	if (IS_ERR(q))
		return PTR_ERR(q);
	q->buf = try_alloc_page();
	if (!q->buf) {
		ipc_remove(&q->h);
		return -ENOMEM;
	}
	q->bytes = q->count = q->used_bytes = 0;
	q->limit = PAGE_SIZE;
	q->stime = q->rtime = 0;
	q->lspid = q->lrpid = 0;
	return ipc_id(IPC_TABLE(queues), &q->h);
}
/*:*/

/*U:195 msgsnd(id, msg, size, flags): the type is read first (it must be
 * at least 1: EINVAL), and the text once there is room for it, under both
 * the page and the queue's limit (msg_qbytes, which IPC_SET may lower);
 * with no room, EAGAIN with IPC_NOWAIT, or a wait. */
static long queue_wait(struct msg_queue *q)
{
	return ipc_wait(&q->h, &q->generation, 0);
}

static long msgsnd(u32 id, u32 umsg, u32 size, u32 flags)
{
	struct msg_queue *q = msg_queue(id);
	s32 type;
	long err;
	u8 *at;

	if (!q || (s32)size < 0 || size > MSGMAX)
		return -EINVAL;
	if (copy_from_user(&type, umsg, 4))
		return -EFAULT;
	if (type < 1)
		return -EINVAL;
	while (q->used_bytes + record_bytes(size) > PAGE_SIZE || q->bytes + size > q->limit) {
		if (flags & IPC_NOWAIT)
			return -EAGAIN;
		err = queue_wait(q);
		if (err)
			return err;
	}
	at = q->buf + q->used_bytes;
	if (copy_from_user(at + 8, umsg + 4, size))
		return -EFAULT;
	((s32 *)at)[0] = type;
	((u32 *)at)[1] = size;
	q->used_bytes += record_bytes(size);
	q->bytes += size;
	q->count++;
	q->lspid = current.pid;
	q->stime = wall_seconds();
	q->generation++;
	return 0;
}
/*:*/

/*U:196 msgrcv(id, msg, size, type, flags): which message, by type: the
 * first (0), the first of that type (> 0), the first of any other type
 * with MSG_EXCEPT, or the first of the lowest type not above -type (< 0).
 * One longer than size stays in the queue (E2BIG) unless MSG_NOERROR says
 * to cut it; none there is ENOMSG with IPC_NOWAIT, or a wait.  The text is
 * copied out before the message leaves, so a bad buffer loses nothing. */
static u8 *pick(struct msg_queue *q, s32 want, u32 flags)
{
	u8 *at, *best = NULL;

	for (at = q->buf; at < q->buf + q->used_bytes; at += record_bytes(((u32 *)at)[1])) {
		s32 type = ((s32 *)at)[0];

		if (!want || (want > 0 && !(flags & MSG_EXCEPT) && type == want)
		    || (want > 0 && (flags & MSG_EXCEPT) && type != want))
			return at;
		if (want < 0 && type <= -want && (!best || type < ((s32 *)best)[0]))
			best = at;
	}
	return best;
}

static long msgrcv(u32 id, u32 umsg, u32 size, s32 want, u32 flags)
{
	struct msg_queue *q = msg_queue(id);
	u32 n, len;
	long err;
	u8 *at;

	if (!q || (s32)size < 0)
		return -EINVAL;
	while (!(at = pick(q, want, flags))) {
		if (flags & IPC_NOWAIT)
			return -ENOMSG;
		err = queue_wait(q);
		if (err)
			return err;
	}
	n = ((u32 *)at)[1];
	if (n > size && !(flags & MSG_NOERROR))
		return -E2BIG;
	len = n > size ? size : n;
	if (copy_to_user(umsg, at, 4) || copy_to_user(umsg + 4, at + 8, len))
		return -EFAULT;
	memmove(at, at + record_bytes(n), q->buf + q->used_bytes - at - record_bytes(n));
	q->used_bytes -= record_bytes(n);
	q->bytes -= n;
	q->count--;
	q->lrpid = current.pid;
	q->rtime = wall_seconds();
	q->generation++;
	return len;
}
/*:*/

/*U:197 msgctl(id, cmd, buf): the record, struct msqid64_ds (IPC_STAT);
 * the mode and the queue's limit in bytes (IPC_SET: as far down as the
 * caller likes, and up to a page); removal (IPC_RMID), which wakes every
 * sender and receiver with EIDRM. */
static long msgctl(u32 id, u32 cmd, u32 buf)
{
	struct msg_queue *q = msg_queue(id);
	struct { struct ipc_perm64 perm; u32 stime, stime_hi, rtime, rtime_hi, ctime, ctime_hi;
		 u32 cbytes, qnum, qbytes; s32 lspid, lrpid; u32 unused[2]; } d;

	cmd &= ~IPC_64;
	if (!q)
		return -EINVAL;
	switch (cmd) {
	case IPC_STAT:
		memset(&d, 0, sizeof(d));
		perm_of(&d.perm, q->h.key, q->h.mode, q->h.seq);
		d.stime = q->stime;
		d.rtime = q->rtime;
		d.ctime = q->h.ctime;
		d.cbytes = q->bytes;
		d.qnum = q->count;
		d.qbytes = q->limit;
		d.lspid = q->lspid;
		d.lrpid = q->lrpid;
		return copy_to_user(buf, &d, sizeof(d)) ? -EFAULT : 0;
	case IPC_SET:
		if (copy_from_user(&d, buf, sizeof(d)))
			return -EFAULT;
		if (d.qbytes > PAGE_SIZE)
			return -EINVAL;
		q->limit = d.qbytes;
		q->generation++;
		return set_perm(buf, &q->h.mode, &q->h.ctime);
	case IPC_RMID:
		free_page(q->buf);
		ipc_remove(&q->h);
		return 0;
	}
	return -EINVAL;
}
/*:*/

/*U:199 The way in.  i386 Linux had one system call for all of System V
 * IPC, ipc(call, first, second, third, ptr, fifth), and glibc still uses
 * it (Debian's busybox does); Linux 5.1 added a call of its own for each,
 * which a newer libc may use, so both are here.  A semaphore's timeout
 * comes as a relative struct timespec, of 32-bit seconds through ipc()
 * and of 64-bit ones through semtimedop_time64.  msgrcv() through ipc()
 * takes the buffer and the type it wants in a pair that ptr points to
 * (Linux's "ipc_kludge"). */
#define SEMOP      1
#define SEMGET     2
#define SEMCTL     3
#define SEMTIMEDOP 4
#define SHMAT      21
#define SHMDT      22
#define SHMGET     23
#define SHMCTL     24
#define MSGSND     11
#define MSGRCV     12
#define MSGGET     13
#define MSGCTL     14

static long timed(u32 id, u32 ops, u32 n, u32 uts, int time64)
{
	u32 ts[4];
	u64 sec;

	if (!uts)
		return semtimedop(id, ops, n, 0);
	if (copy_from_user(ts, uts, time64 ? 16 : 8))
		return -EFAULT;
	sec = time64 ? ts[0] | ((u64)ts[1] << 32) : (u64)(s64)(s32)ts[0];
	if ((s64)sec < 0 || ts[time64 ? 2 : 1] >= 1000000000)
		return -EINVAL;
	return semtimedop(id, ops, n, fresh_ns() + sec * 1000000000ULL + ts[time64 ? 2 : 1] + 1);
}

long sys_ipc(u32 call, u32 first, u32 second, u32 third, u32 ptr, u32 fifth)
{
	u32 arg;
	long at;

	switch (call & 0xFFFF) {
	case SEMOP:
		return semtimedop(first, ptr, second, 0);
	case SEMTIMEDOP:
		return timed(first, ptr, second, fifth, 0);
	case SEMGET:
		return semget(first, second, third);
	case SEMCTL:
		if (!ptr)
			return -EINVAL;
		if (copy_from_user(&arg, ptr, 4))
			return -EFAULT;
		return semctl(first, second, third, arg);
	case SHMAT:
		if (call >> 16 == 1)       /* iBCS2's version: not Linux's */
			return -EINVAL;
		at = shmat(first, ptr, second);
		if (IS_ERR(at))
			return at;
		return copy_to_user(third, &at, 4) ? -EFAULT : 0;
	case SHMDT:
		return vm_detach(ptr);
	case SHMGET:
		return shmget(first, second, third);
	case SHMCTL:
		return shmctl(first, second, ptr);
	case MSGSND:
		return msgsnd(first, ptr, second, third);
	case MSGRCV:
		if (call >> 16 == 0) {     /* the pair { msg, type } */
			u32 kludge[2];

			if (!ptr)
				return -EINVAL;
			if (copy_from_user(kludge, ptr, 8))
				return -EFAULT;
			return msgrcv(first, kludge[0], second, kludge[1], third);
		}
		return msgrcv(first, ptr, second, fifth, third);
	case MSGGET:
		return msgget(first, second);
	case MSGCTL:
		return msgctl(first, second, ptr);
	}
	return -ENOSYS;
}
/*:*/

long sys_semget(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return semget(a, b, c);
}

long sys_semctl(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return semctl(a, b, c, d);
}

long sys_semtimedop_time64(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return timed(a, b, c, d, 1);
}

long sys_shmget(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return shmget(a, b, c);
}

long sys_shmctl(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return shmctl(a, b, c);
}

long sys_shmat(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return shmat(a, b, c);
}

long sys_shmdt(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return vm_detach(a);
}

long sys_msgget(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return msgget(a, b);
}

long sys_msgsnd(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return msgsnd(a, b, c, d);
}

long sys_msgrcv(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return msgrcv(a, b, c, d, e);
}

long sys_msgctl(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return msgctl(a, b, c);
}
