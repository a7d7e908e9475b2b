#include "kernel.h"
#include "file.h"
#include "fs.h"

/*U:010 The Unix beneath busybox.  Part II told the Guest as a guest: how it
 * boots on lguest, lives on hypercalls and meets the Host wherever its
 * processes need the hardware.  This appendix is the rest of it, the part that
 * would be the same on any i386: a small Unix, written for one program.
 *
 * The program is Debian's busybox, unmodified: one static i386 ELF file of
 * 2 MiB, glibc 2.36 inside, 268 commands behind one entry point, chosen by
 * argv[0].  Its shell, ash, runs the others the Unix way, by fork() and
 * exec(), wires them together with pipes, waits for them, and stops them with
 * signals.  So what busybox needs from a kernel is most of what Unix is:
 *
 *   - Linux's system-call convention, numbers and error codes (U:020);
 *   - an ELF loader, the start-up stack glibc reads, and answers to the
 *     questions it asks before main() (U:040 to U:080);
 *   - memory by brk() and mmap(), made on first touch (U:100 to U:180);
 *   - processes, a scheduler and the time (U:200 to U:265);
 *   - fork, exec, exit and wait (U:300 to U:360), and signals (U:400 on);
 *   - file descriptors, pipes and the console as a file (U:500 to U:550);
 *   - names, directories and files (U:600 on), on an ext2 disk (U:700 on);
 *   - and a terminal that echoes, edits a line and turns ^C into a signal
 *     (U:800 on);
 *   - and at the end, booting from that disk as Linux does, with init,
 *     /proc and /dev (U:760 to U:794).
 *
 * None of it knows it runs on a hypervisor.  Where it cannot help knowing (a
 * system call that must not cost an exit, a TLS descriptor in the Host's GDT,
 * a page table the Host shadows, the clock, the lazy FPU), the story is Part
 * II's, G:600 to G:698, and this one points there.  Everything else is
 * ordinary Unix, for a reader who has used one and never had to write one. :*/

/*U:020 Linux's i386 system-call convention: the number in %eax, up to six
 * arguments in %ebx, %ecx, %edx, %esi, %edi and %ebp, the result back in
 * %eax, and an error as a negative errno, which glibc turns into -1 and errno.
 * Every handler takes the six registers, whether it uses them or not, so one
 * table of pointers (U:030) can call any of them the same way.
 *
 * Every pointer from user space goes through copy_to_user() and friends
 * (U:125), which check it against the process's ranges and make the pages it
 * points to.  We could touch user memory directly (the i386 lets ring 1 read
 * user pages), but a bad pointer would then fault in the kernel, and the
 * kernel would panic on behalf of a buggy program. */
typedef long (*syscall_t)(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f);
#define SYSCALL(name) static long sys_##name(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
/*:*/

/*U:080 The questions every glibc program asks on its way to main(), with
 * the answers that cost least.  Who am I?  User 0, root, in no supplementary
 * groups: getuid() and its relatives are sys_zero in the table, and busybox's
 * cp and mkdir, which check, find nothing to refuse.  (Which process is the
 * process table's answer, U:360.)  What am I running on?  A kernel called
 * Linux: glibc and busybox ask for nothing more than the name, and the
 * version records where lguest entered the kernel.  prctl(PR_SET_NAME) is how
 * busybox renames itself after the applet; we keep the name, fork() passes
 * it on, and exec() replaces it with the new program's.  The stack limit
 * starts as the size of the stack range exec() makes (U:050), and is kept,
 * not enforced, with the others (U:370); getrandom() draws from the
 * generator behind AT_RANDOM (U:055). */
SYSCALL(zero)
{
	return 0;
}

char hostname[65] = "lguest", domainname[65] = "(none)";   /* /proc/sys has them too (U:793) */

SYSCALL(uname)
{
	static const char *const fields[6] = {
		"Linux", hostname, "2.6.23-lguest-java", "#1", "i686", domainname
	};
	char field[65];
	unsigned int i;

	for (i = 0; i < 6; i++) {
		memset(field, 0, sizeof(field));
		memcpy(field, fields[i], strlen(fields[i]));
		if (copy_to_user(a + 65 * i, field, sizeof(field)))
			return -EFAULT;
	}
	return 0;
}

/* sethostname(): what uname() says as the node's name, until it is changed
 * again (the rcS of make rootfs sets it, U:775); setdomainname() the same
 * for the NIS domain, the last field. */
static long set_name(char *to, u32 uname, u32 n)
{
	char name[64];

	if (n > 64)
		return -EINVAL;
	if (copy_from_user(name, uname, n))
		return -EFAULT;
	memset(to, 0, 65);
	memcpy(to, name, n);
	return 0;
}

SYSCALL(sethostname)
{
	return set_name(hostname, a, b);
}

SYSCALL(setdomainname)
{
	return set_name(domainname, a, b);
}

SYSCALL(prctl)
{
	if (a == PR_SET_NAME) {
		if (copy_from_user(current.comm, b, sizeof(current.comm) - 1))
			return -EFAULT;
		return 0;
	}
	if (a == PR_GET_NAME)
		return copy_to_user(b, current.comm, sizeof(current.comm)) ? -EFAULT : 0;
	return -EINVAL;
}

SYSCALL(getrandom)
{
	u32 done, r;

	for (done = 0; done < b; done += 4) {
		r = random_u32();
		if (copy_to_user(a + done, &r, b - done < 4 ? b - done : 4))
			return -EFAULT;
	}
	return b;
}
/*:*/

/*U:082 And can I become somebody else?  No: there is nobody else.  A
 * set*id() call that asks for 0, or for -1, "leave it", succeeds and
 * changes nothing; one that asks for any other user or group is EPERM, the
 * answer a process gets when it may not become that id.  Linux's root could,
 * but a kernel without users cannot keep the promise (a process that thinks
 * it became "nobody" would still be root to every check), and a daemon told
 * to drop its privileges should hear that it did not.  So busybox's
 * traceroute, which drops to its real ids, 0, carries on (it said "setgid:
 * Function not implemented"), and su or httpd -u say why they cannot.
 * getresuid() and getresgid() write three zeros, and setgroups() takes an
 * empty list or one of group 0 alone. */
static int only_root(u32 id)
{
	return id == 0 || id == 0xFFFFFFFF || id == 0xFFFF;   /* 0xFFFF: the 16-bit calls' -1 */
}

SYSCALL(setid)
{
	return only_root(a) && only_root(b) && only_root(c) ? 0 : -EPERM;
}

SYSCALL(setid1)
{
	return only_root(a) ? 0 : -EPERM;
}

SYSCALL(setid2)
{
	return only_root(a) && only_root(b) ? 0 : -EPERM;
}

SYSCALL(setfsid)
{
	return 0;               /* the old fsuid, which was 0; nothing changes */
}

/* Three ids of n bytes each (2 for the 16-bit calls), all zero. */
static long put_ids(u32 a, u32 b, u32 c, u32 n)
{
	u32 zero = 0;

	if (copy_to_user(a, &zero, n) || copy_to_user(b, &zero, n) || copy_to_user(c, &zero, n))
		return -EFAULT;
	return 0;
}

SYSCALL(getresid16)
{
	return put_ids(a, b, c, 2);
}

SYSCALL(getresid)
{
	return put_ids(a, b, c, 4);
}

/* A list of n-byte group ids: only group 0 may be in it. */
static long only_group0(u32 count, u32 list, u32 n)
{
	u32 g, i;

	if (count > 65536)
		return -EINVAL;
	for (i = 0; i < count; i++) {
		g = 0;
		if (copy_from_user(&g, list + n * i, n))
			return -EFAULT;
		if (g != 0)
			return -EPERM;
	}
	return 0;
}

SYSCALL(setgroups16)
{
	return only_group0(a, b, 2);
}

SYSCALL(setgroups)
{
	return only_group0(a, b, 4);
}
/*:*/

/*G:630 Thread-local storage, where every glibc program meets the Host's
 * GDT before it reaches main().  glibc puts its thread control block (the
 * TCB, with the stack-protector canary at offset 0x14 and the system-call
 * entry at 0x10) in memory from brk(), then asks set_thread_area() for a
 * segment based there, so that %gs:0x14 is the canary whoever the thread.  A
 * segment is a GDT entry, and the GDT is the one table we may never write: it
 * lives in the Switcher's pages, because a descriptor is a privilege (a
 * ring-0 code segment, a segment over the Host's memory).  So the entry is
 * built here, in the i386's descriptor format, from glibc's struct
 * user_desc, and handed over with LOAD_TLS (G:170), which copies entries 6 to
 * 8 into the real GDT.  The Host checks nothing but the privilege: a DPL of
 * 0 would become 1.  Ours says 3, or ring 3 could not load it, and like
 * Linux we take only present 32-bit data segments (Linux refuses 16-bit ones
 * here because the way it hides the top of its %esp from a 16-bit stack,
 * espfix, covers the LDT's segments only); anything else bad would fault
 * when the Switcher loads it, and kill the Guest, not the process.
 *
 * %gs itself is the user's: a trap from ring 3 does not change it, so it is
 * still loaded while we run.  load_tls() must zero it for the Host's sake
 * (G:170), so we put it back afterwards, provided the entry it names still
 * holds a present descriptor; and so for every segment register a program
 * may have pointed at the entry it just freed (reload_segments()): left as
 * they were, %fs would have killed the Guest in the Switcher and %ds or %es
 * panicked the kernel on the way back to ring 3, both for one careless
 * program, until ldt.c tried it. */
/* glibc's struct user_desc as a descriptor, or -EINVAL for what Linux
 * refuses: for the TLS entries (how 0) anything but a present 32-bit data
 * segment; in the LDT (how: modify_ldt's 1 or 0x11) a conforming code
 * segment, unless it is not present and asked for in the newer form. */
static int user_desc_to_desc(u32 base, u32 limit, u32 flags, u64 *d, u32 how)
{
	u32 lo, hi, contents = (flags >> 1) & 3, not_present = flags & 0x20;

	if (how == 0 && (!(flags & 1) || contents > 1 || not_present))
		return -EINVAL;
	if (how != 0 && contents == 3 && (how == 1 || !not_present))
		return -EINVAL;     /* conforming code, which nothing may run */
	lo = (base << 16) | (limit & 0xFFFF);
	hi = (base & 0xFF000000) | ((base >> 16) & 0xFF) | (limit & 0xF0000)
		| (!(flags & 8) << 9)            /* writable unless read_exec_only */
		| (((flags >> 1) & 3) << 10)     /* contents: data, stack, code */
		| 0x7000                         /* code/data segment, DPL 3 */
		| (!(flags & 0x20) << 15)        /* present unless seg_not_present */
		| (((flags >> 6) & 1) << 20)     /* useable */
		| ((flags & 1) << 22)            /* 32-bit */
		| (((flags >> 4) & 1) << 23);    /* limit in pages */
	*d = ((u64)hi << 32) | lo;
	return 0;
}

/* Empty by Linux's definition: no base, no limit, read_exec_only and
 * seg_not_present and nothing else. */
static int user_desc_empty(u32 base, u32 limit, u32 flags)
{
	return base == 0 && limit == 0 && (flags & 0x7F) == 0x28;
}

/* All zeros: what programs have long passed to set_thread_area() to mean
 * "none" (Linux's LDT_zero). */
static int user_desc_zero(u32 base, u32 limit, u32 flags)
{
	return base == 0 && limit == 0 && (flags & 0x7F) == 0;
}

/* After the process's TLS or LDT entries changed: hand them over, and put
 * back only the selectors that still name something (usable_selector), in
 * %fs and %gs now and in %ds and %es at the return to ring 3.  A process
 * whose code or stack segment was the entry it freed cannot return at all. */
static void reload_segments(int ldt)
{
	struct trap_frame *regs = task_regs(current_proc);
	u32 fs, gs;

	__asm__ __volatile__("movl %%fs, %0; movl %%gs, %1" : "=r"(fs), "=r"(gs));
	if (ldt)
		load_ldt(current.ldt, current.ldt_count);
	else
		load_tls(current.tls);
	__asm__ __volatile__("movl %0, %%fs" : : "r"(usable_selector(current_proc, fs)));
	__asm__ __volatile__("movl %0, %%gs" : : "r"(usable_selector(current_proc, gs)));
	regs->ds = usable_selector(current_proc, regs->ds);
	regs->es = usable_selector(current_proc, regs->es);
	if (!usable_selector(current_proc, regs->cs) || !usable_selector(current_proc, regs->ss))
		do_exit(SIGSEGV);       /* its own code or stack is gone: as Linux's failed IRET */
}

/*:*/

/*G:632 glibc passes entry number -1, "any free one", and reads back the
 * number we chose to build its selector, number * 8 + 3.  A descriptor that
 * is "empty" by Linux's definition frees the entry, and so does one of all
 * zeros, which programs have long used to mean "none".  The entries are the
 * process's, kept in its struct process and handed over again at every
 * switch (G:640). */
SYSCALL(set_thread_area)
{
	u32 desc[4], idx;
	u64 entry = 0;
	int err;

	if (copy_from_user(desc, a, sizeof(desc)))
		return -EFAULT;
	idx = desc[0];
	if (idx == 0xFFFFFFFF) {
		for (idx = 0; idx < LGUEST_TLS_ENTRIES && current.tls[idx]; idx++)
			;
		if (idx == LGUEST_TLS_ENTRIES)
			return -ESRCH;
		idx += LGUEST_TLS_MIN;
		if (copy_to_user(a, &idx, 4))
			return -EFAULT;
	}
	if (idx < LGUEST_TLS_MIN || idx >= LGUEST_TLS_MIN + LGUEST_TLS_ENTRIES)
		return -EINVAL;
	if (!user_desc_empty(desc[1], desc[2], desc[3])
	    && !user_desc_zero(desc[1], desc[2], desc[3])
	    && (err = user_desc_to_desc(desc[1], desc[2], desc[3], &entry, 0)))
		return err;
	current.tls[idx - LGUEST_TLS_MIN] = entry;
	reload_segments(0);
	return 0;
}
/*:*/

/*G:635 modify_ldt(), the other way to a segment of one's own: a local
 * descriptor table per process, which lguest never offered (H:520).  Entries
 * are built as set_thread_area() builds its (DPL 3), but code and 16-bit
 * segments are allowed, and conforming code only not present, as Linux
 * allows it (ldt_gdt, a kernel selftest, tries each).  They are kept in the
 * process, handed to the Host with LOAD_LDT, and handed over again at every
 * switch to or from a process that has one (G:640).
 * Function 1 (and 0x11, the newer form, which may keep the "useable" bit)
 * writes one entry from a struct user_desc; 0 reads the table back, padded
 * with zeros to the size asked (nothing at all if it never had one); 2, the
 * "default LDT", is all zeros.  An empty descriptor (or, in the old form,
 * base and limit both 0) frees its entry; the table, as Linux's, grows to
 * the highest entry written and never shrinks.  Linux allows 8,192 entries;
 * the Host keeps 16 (LGUEST_LDT_ENTRIES), enough for the programs that still
 * use an LDT (16-bit code, test suites), and a higher number is EINVAL.
 * Like load_tls(), load_ldt() must first clear %fs and %gs if they name an
 * LDT entry, and reload_segments() puts back what still names something. */
SYSCALL(modify_ldt)
{
	u32 desc[4], n;
	u64 entry = 0, zero = 0;
	unsigned long i, size = current.ldt_count * 8;
	int err;

	if (a == 0 || a == 2) {         /* read the table, or the default one (empty) */
		if (a == 0 && !current.ldt_count)
			return 0;
		n = c > 8192 * 8 ? 8192 * 8 : c;
		for (i = 0; i < n; i += 8)
			if (copy_to_user(b + i, a == 0 && i < size ? (void *)&current.ldt[i / 8] : &zero,
					 n - i < 8 ? n - i : 8))
				return -EFAULT;
		return a == 2 && n > 40 ? 40 : n;
	}
	if (a != 1 && a != 0x11)
		return -ENOSYS;
	if (c != sizeof(desc))
		return -EINVAL;
	if (copy_from_user(desc, b, sizeof(desc)))
		return -EFAULT;
	if (desc[0] >= LGUEST_LDT_ENTRIES)
		return -EINVAL;
	if (a == 1)
		desc[3] &= ~0x40;       /* the old form has no "useable" bit */
	if (!((a == 1 && desc[1] == 0 && desc[2] == 0) || user_desc_empty(desc[1], desc[2], desc[3]))
	    && (err = user_desc_to_desc(desc[1], desc[2], desc[3], &entry, a)))
		return err;
	if (entry)
		entry |= 1ULL << 40;    /* accessed: the Host's copy has it (H:520), so reads say so */
	current.ldt[desc[0]] = entry;
	if (desc[0] >= current.ldt_count)        /* it grows, and never shrinks, as Linux's */
		current.ldt_count = desc[0] + 1;
	reload_segments(1);
	return 0;
}
/*:*/

/*U:260 The clocks.  The wall clock comes from the Host, in lguest_data, as
 * of the last interrupt (G:690), moved by whatever date -s asked (U:262);
 * the monotonic clocks are the Host's less the first reading, so they start
 * near zero, as Linux's do at boot.  (They are only as steady as the Host's
 * clock: a Host whose date jumps moves them too.)  glibc 2.36 asks
 * clock_gettime64() first, the call with 64-bit seconds that 32-bit Linux
 * grew for 2038, and falls back to clock_gettime() on ENOSYS; older
 * programs ask gettimeofday() and time().  Four answers to one question,
 * from one function. */
static void now(int clock, u64 *sec, u32 *nsec)
{
	static u32 boot_sec, boot_nsec;
	u32 s, ns;

	host_clock_now(&s, &ns);

	if (!boot_sec) {
		boot_sec = s;
		boot_nsec = ns;
	}
	if (clock == CLOCK_MONOTONIC || clock == CLOCK_BOOTTIME || clock == CLOCK_MONOTONIC_RAW
	    || clock == CLOCK_MONOTONIC_COARSE) {
		s -= boot_sec;
		if (ns < boot_nsec) {
			ns += 1000000000;
			s--;
		}
		ns -= boot_nsec;
	}
	*sec = s;
	*nsec = ns;
	if (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE)
		wall_shift(sec, nsec);          /* as date -s last set it (U:262) */
}

static int valid_clock(u32 clock)
{
	return clock <= CLOCK_BOOTTIME && clock != CLOCK_PROCESS_CPUTIME_ID
		&& clock != CLOCK_THREAD_CPUTIME_ID;
}

SYSCALL(clock_gettime)
{
	u64 s;
	u32 ts[2];

	if (!valid_clock(a))
		return -EINVAL;
	now(a, &s, &ts[1]);
	ts[0] = s;
	return copy_to_user(b, ts, sizeof(ts)) ? -EFAULT : 0;
}

SYSCALL(clock_gettime64)
{
	u32 ts[4] = { 0 };
	u64 s;

	if (!valid_clock(a))
		return -EINVAL;
	now(a, &s, &ts[2]);
	ts[0] = s;
	ts[1] = s >> 32;
	return copy_to_user(b, ts, sizeof(ts)) ? -EFAULT : 0;
}

SYSCALL(gettimeofday)
{
	u64 s;
	u32 tv[2];

	now(CLOCK_REALTIME, &s, &tv[1]);
	tv[0] = s;
	tv[1] /= 1000;
	return a && copy_to_user(a, tv, sizeof(tv)) ? -EFAULT : 0;
}

SYSCALL(time)
{
	u64 s;
	u32 ns, t;

	now(CLOCK_REALTIME, &s, &ns);
	t = s;
	return a && copy_to_user(a, &t, 4) ? -EFAULT : (long)t;
}

/*:*/

/*U:264 A time a program gives, as a point on the monotonic clock, which
 * is what the kernel sleeps by: a relative time is measured from now, an
 * absolute one on the clock it names, which date -s may have moved (U:262).
 * 0 and *deadline, or 1 if an absolute time has passed already, or -EINVAL.
 * A sleep (U:265) and a futex's wait (U:267) both start here. */
static long deadline_of(u32 clock, int absolute, u64 sec, u32 nsec, u64 *deadline)
{
	if (nsec >= 1000000000 || (s64)sec < 0)
		return -EINVAL;
	if (absolute) {
		u64 ns_now_s;
		u32 ns_now;

		now(clock, &ns_now_s, &ns_now);
		if (sec < ns_now_s || (sec == ns_now_s && nsec <= ns_now))
			return 1;
		sec -= ns_now_s;
		if (nsec < ns_now) {
			nsec += 1000000000;
			sec--;
		}
		nsec -= ns_now;
	}
	*deadline = fresh_ns() + sec * 1000000000ULL + nsec;
	return 0;
}
/*:*/

/*U:265 Sleeping.  A relative sleep is a deadline of now plus the request; an
 * absolute one (TIMER_ABSTIME, which busybox's sleep does not use but
 * clock_nanosleep() allows) is measured on the clock it names.  The waiting
 * itself is the scheduler's (U:240, sleep_until_ns()), which halts the Guest
 * when nobody has anything to do (G:690).
 *
 * A signal ends a sleep early, and then it depends on the signal.  One whose
 * handler runs makes it EINTR, SA_RESTART or not, with the time that was
 * left in the second timespec if the program gave one: Linux never restarts
 * a sleep after a handler, since the time left is no longer the time asked
 * for.  One that runs no handler, a stop and the SIGCONT after it (U:402),
 * must leave the sleep as if nothing had happened.  So the call keeps its
 * deadline in the process and returns ERESTART_RESTARTBLOCK, and do_signal()
 * (U:425) makes that EINTR for a handler, or else sends the process back
 * into the kernel with restart_syscall(), system call 0, which sleeps until
 * that same deadline: Linux's way, and so `sleep 5` stopped for a while
 * still ends five seconds after it began. */
static long sleep_to_deadline(u64 deadline, u32 urem, int time64)
{
	u64 now, left;
	u32 ts[4] = { 0 };

	if (!sleep_until_ns(deadline)) {
		current.sleep_deadline = 0;
		return 0;
	}
	current.sleep_deadline = deadline;
	now = monotonic_ns();
	left = deadline > now ? deadline - now : 0;
	if (urem) {
		ts[0] = split_ns(left, &ts[time64 ? 2 : 1]);
		if (copy_to_user(urem, ts, time64 ? 16 : 8))
			return -EFAULT;
	}
	return -ERESTART_RESTARTBLOCK;
}

SYSCALL(restart_syscall)
{
	return current.sleep_deadline ? sleep_to_deadline(current.sleep_deadline, 0, 0) : -EINTR;
}

/* Sleep until (sec, nsec) has passed (deadline_of); the time left goes to
 * urem if a signal ends it (not for an absolute time, as on Linux). */
static long do_sleep(u32 clock, int absolute, u64 sec, u32 nsec, u32 urem, int time64)
{
	u64 deadline;
	long err = deadline_of(clock, absolute, sec, nsec, &deadline);

	if (err)
		return err < 0 ? err : 0;
	return sleep_to_deadline(deadline, absolute ? 0 : urem, time64);
}

/* The request is a struct timespec, of 32-bit seconds or, for the _time64
 * calls that glibc tries first, of 64-bit ones. */
static long sleep_request(u32 clock, u32 flags, u32 uts, u32 urem, int time64)
{
	u32 ts[4];

	if (!valid_clock(clock))
		return -EINVAL;
	if (copy_from_user(ts, uts, time64 ? 16 : 8))
		return -EFAULT;
	if (time64)
		return do_sleep(clock, flags & TIMER_ABSTIME, ts[0] | ((u64)ts[1] << 32), ts[2], urem, 1);
	return do_sleep(clock, flags & TIMER_ABSTIME, (s64)(s32)ts[0], ts[1], urem, 0);
}

SYSCALL(nanosleep)
{
	return sleep_request(CLOCK_MONOTONIC, 0, a, b, 0);
}

SYSCALL(clock_nanosleep)
{
	return sleep_request(a, b, c, d, 0);
}

SYSCALL(clock_nanosleep_time64)
{
	return sleep_request(a, b, c, d, 1);
}
/*:*/

/*U:266 futex(), the slow half of a lock: "sleep while this word still
 * holds this value", and "wake whoever sleeps on this word".  It exists for
 * threads, and a process here has only one; but processes may share memory
 * (a System V segment or a MAP_SHARED mapping, U:181), and a lock in it,
 * glibc's process-shared mutex or semaphore, sleeps here in one process
 * and is woken from another.  So a word is known by its physical address,
 * which is the same for every process that maps it (Linux keys a private
 * futex by address space and virtual address, a shared one by the page,
 * which here comes to the same thing).  A sleeper writes that address, and
 * the bits it waits for, in its own entry of a table with one per process;
 * FUTEX_WAKE marks up to val sleepers on the same word, with a bit in
 * common, as woken, and says how many.  A wait is kept to the letter: a word
 * that has changed is EAGAIN, and otherwise the process sleeps until woken,
 * a signal or the timeout (relative for FUTEX_WAIT, a deadline on the
 * monotonic or, with FUTEX_CLOCK_REALTIME, the real clock for
 * FUTEX_WAIT_BITSET).  The other operations, the requeueing and the atomic
 * operations for condition variables, are ENOSYS, Linux's answer for an
 * operation it does not have. */
#define FUTEX_WAIT          0
#define FUTEX_WAKE          1
#define FUTEX_WAIT_BITSET   9
#define FUTEX_WAKE_BITSET  10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

static struct futex_waiter {
	unsigned long pa;          /* the word's physical address; 0: not waiting */
	u32 bitset;
	int woken;
} futex_waiters[MAX_PROCS];

static int futex_woken(void *arg)
{
	return ((struct futex_waiter *)arg)->woken;
}

static long futex_wake(unsigned long pa, u32 n, u32 bitset)
{
	struct futex_waiter *w;
	long woken = 0;

	for (w = futex_waiters; w < futex_waiters + MAX_PROCS && woken < n; w++)
		if (w->pa == pa && (w->bitset & bitset) && !w->woken) {
			w->woken = 1;
			woken++;
		}
	return woken;
}

/*:*/

/*U:267 The wait: the word is read through the kernel's own mapping of the
 * page (U:125), which also gives its physical address, and compared; the
 * sleeper's entry is written before it sleeps and cleared after, whatever
 * ended the sleep. */
static long futex(u32 uaddr, u32 op, u32 val, u32 utime, u32 bitset, int time64)
{
	u32 cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME), *word, ts[4];
	int bits = cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_WAKE_BITSET;
	struct futex_waiter *me = &futex_waiters[current_proc - procs];
	u64 deadline = 0;
	long ret;

	if (cmd != FUTEX_WAIT && cmd != FUTEX_WAKE && !bits)
		return -ENOSYS;
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	if (bits && !bitset)
		return -EINVAL;
	if (uaddr & 3)
		return -EINVAL;
	word = user_page(uaddr, 0);
	if (!word)
		return -EFAULT;
	if (cmd == FUTEX_WAKE || cmd == FUTEX_WAKE_BITSET)
		return futex_wake(__pa(word), val, bits ? bitset : ~0U);
	if (*word != val)
		return -EAGAIN;
	if (utime) {
		if (copy_from_user(ts, utime, time64 ? 16 : 8))
			return -EFAULT;
		ret = deadline_of(op & FUTEX_CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC,
				  cmd == FUTEX_WAIT_BITSET, time64 ? ts[0] | ((u64)ts[1] << 32)
				  : (u64)(s64)(s32)ts[0], time64 ? ts[2] : ts[1], &deadline);
		if (ret)
			return ret < 0 ? ret : -ETIMEDOUT;
	}
	me->pa = __pa(word);
	me->bitset = bits ? bitset : ~0U;
	me->woken = 0;
	ret = wait_event_until(futex_woken, me, deadline);
	me->pa = 0;
	if (ret == -EAGAIN)
		return -ETIMEDOUT;
	return ret == -ERESTARTSYS && utime ? -EINTR : ret;
}

SYSCALL(futex)
{
	return futex(a, b, c, d, f, 0);
}

SYSCALL(futex_time64)
{
	return futex(a, b, c, d, f, 1);
}
/*:*/

SYSCALL(brk)
{
	return vm_brk(a);
}

SYSCALL(mmap2)
{
	return vm_mmap(a, b, c, d, e, f);
}

SYSCALL(munmap)
{
	return vm_munmap(a, b);
}

SYSCALL(mprotect)
{
	return vm_mprotect(a, b, c);
}

SYSCALL(enosys)
{
	return -ENOSYS;
}

/*U:030 The table below is the whole of this kernel's Linux, indexed by
 * Linux's i386 numbers (a list, not a story, so it is left out of the book).
 * A gap gets -ENOSYS, the answer glibc is written to expect from an older
 * kernel, and a line on the console (unless the kernel was told to be
 * quiet, U:075) naming the call: that is how the next system call this
 * kernel needs announces itself.  A few calls are answered with a failure
 * on purpose and without a word: rseq() and clone3(), which glibc manages
 * without (it falls back to clone()).  And
 * a few succeed by doing nothing: set_robust_list() (threads only) and
 * sched_yield() (the scheduler will come round anyway).
 *
 * The way into the table, do_syscall(), is in Part II (G:620): the trap
 * that brings a system call here is one the Host never sees. :*/
static const syscall_t syscalls[NR_SYSCALLS] = {
	[0] = sys_restart_syscall, [1] = sys_exit,            [3] = sys_read,             [4] = sys_write,
	[5] = fs_sys_open,        [6] = sys_close,            [13] = sys_time,
	[20] = sys_getpid,         [24] = sys_zero,            [33] = fs_sys_access,
	/* set*id() (U:082): 16-bit and 32-bit ids alike */
	[23] = sys_setid1,         [46] = sys_setid1,          [213] = sys_setid1,
	[214] = sys_setid1,        [70] = sys_setid2,          [71] = sys_setid2,
	[203] = sys_setid2,        [204] = sys_setid2,         [164] = sys_setid,
	[170] = sys_setid,         [208] = sys_setid,          [210] = sys_setid,
	[165] = sys_getresid16,    [171] = sys_getresid16,     [209] = sys_getresid,
	[211] = sys_getresid,      [81] = sys_setgroups16,     [206] = sys_setgroups,
	[138] = sys_setfsid,       [139] = sys_setfsid,        [215] = sys_setfsid,
	[216] = sys_setfsid,
	[37] = sys_kill,           [45] = sys_brk,             [47] = sys_zero,
	[49] = sys_zero,           [50] = sys_zero,            [54] = sys_ioctl,
	[64] = sys_getppid,        [76] = sys_getrlimit,       [78] = sys_gettimeofday,
	[85] = fs_sys_readlink,        [91] = sys_munmap,          [122] = sys_uname,         [123] = sys_modify_ldt,
	[125] = sys_mprotect,      [140] = sys_llseek,         [146] = sys_writev,
	[158] = sys_zero,          [162] = sys_nanosleep,      [172] = sys_prctl,
	[174] = sys_rt_sigaction,  [175] = sys_rt_sigprocmask, [183] = fs_sys_getcwd,
	[191] = sys_getrlimit,     [192] = sys_mmap2,          [199] = sys_zero,
	[200] = sys_zero,          [201] = sys_zero,           [202] = sys_zero,
	[205] = sys_zero,          [221] = sys_fcntl64,
	[224] = sys_getpid,        [243] = sys_set_thread_area, [252] = sys_exit,
	[258] = sys_set_tid_address, [265] = sys_clock_gettime, [267] = sys_clock_nanosleep,
	[270] = sys_tgkill,        [295] = fs_sys_openat,        [311] = sys_zero,
	[355] = sys_getrandom,     [383] = fs_sys_statx,         [386] = sys_enosys,
	[435] = sys_enosys,        [344] = fs_sys_fsync,       /* clone3; syncfs, U:659 */
	[403] = sys_clock_gettime64, [407] = sys_clock_nanosleep_time64,
	/* processes, descriptors, pipes and signals: process.c and file.c */
	[2] = sys_fork,            [79] = sys_settimeofday,    [264] = sys_clock_settime,
	[124] = sys_adjtimex,      [343] = sys_clock_adjtime,  [405] = sys_clock_adjtime64,
	[404] = sys_clock_settime64,            [7] = sys_waitpid,          [11] = sys_execve,
	[19] = sys_lseek,          [41] = sys_dup,             [42] = sys_pipe,
	[57] = sys_setpgid,        [63] = sys_dup2,            [65] = sys_getpgrp,
	[66] = sys_setsid,         [114] = sys_wait4,          [119] = sys_sigreturn,
	[120] = sys_clone,         [132] = sys_getpgid,        [145] = sys_readv,
	[147] = sys_getsid,        [168] = sys_poll,           [173] = sys_rt_sigreturn,
	[29] = sys_pause,          [179] = sys_rt_sigsuspend, [186] = sys_sigaltstack, [190] = sys_vfork,           [330] = sys_dup3,
	[331] = sys_pipe2,         [180] = sys_pread64,        [181] = sys_pwrite64,
	[187] = sys_sendfile,      [239] = sys_sendfile64,
	/* names, inodes and the disk: fs.c */
	[8] = fs_sys_creat,        [9] = fs_sys_link,          [10] = fs_sys_unlink,
	[12] = fs_sys_chdir,       [15] = fs_sys_chmod,        [36] = fs_sys_sync,
	[38] = fs_sys_rename,      [39] = fs_sys_mkdir,        [40] = fs_sys_rmdir,
	[60] = fs_sys_umask,       [83] = fs_sys_symlink,      [92] = fs_sys_truncate,
	[93] = fs_sys_ftruncate,   [94] = fs_sys_fchmod,       [118] = fs_sys_fsync,
	[133] = fs_sys_fchdir,     [148] = fs_sys_fsync,       [193] = fs_sys_truncate64,
	[194] = fs_sys_ftruncate64, [195] = fs_sys_stat64,     [196] = fs_sys_lstat64,
	[197] = fs_sys_fstat64,    [198] = fs_sys_lchown32,    [207] = fs_sys_fchown32,
	[212] = fs_sys_chown32,    [220] = fs_sys_getdents64,  [296] = fs_sys_mkdirat,
	[298] = fs_sys_fchownat,   [300] = fs_sys_fstatat64,   [301] = fs_sys_unlinkat,
	[302] = fs_sys_renameat,   [303] = fs_sys_linkat,      [304] = fs_sys_symlinkat,
	[305] = fs_sys_readlinkat, [306] = fs_sys_fchmodat,    [307] = fs_sys_faccessat,
	[320] = fs_sys_utimensat,  [353] = fs_sys_renameat2,   [412] = fs_sys_utimensat_time64,
	[439] = fs_sys_faccessat2, [14] = fs_sys_mknod,        [297] = fs_sys_mknodat,
	[61] = fs_sys_chroot,
	/* booting from a disk, and the end: root.c and process.c */
	[74] = sys_sethostname,    [121] = sys_setdomainname,    [88] = sys_reboot,          [177] = sys_rt_sigtimedwait,
	[421] = sys_rt_sigtimedwait_time64,
	/* limits, niceness, affinity and CPU time: resource.c */
	[240] = sys_futex,         [422] = sys_futex_time64,
	[43] = sys_times,          [75] = sys_setrlimit,       [96] = sys_getpriority,
	[97] = sys_setpriority,    [340] = sys_prlimit64,      [241] = sys_sched_setaffinity,
	[242] = sys_sched_getaffinity, [289] = sys_ioprio_set, [290] = sys_ioprio_get,
	[136] = sys_personality,   [310] = sys_unshare,        [324] = fs_sys_fallocate,
	/* mounts, /proc's system calls and the log: fs.c and proc.c */
	[21] = fs_sys_mount,       [22] = fs_sys_umount2,      [52] = fs_sys_umount2,
	[103] = sys_syslog,        [116] = sys_sysinfo,        [268] = fs_sys_statfs64,
	[269] = fs_sys_fstatfs64,
	/* sockets and alarms: net/socket.c, itimer.c */
	[27] = sys_alarm,          [102] = sys_socketcall,     [104] = sys_setitimer,
	[105] = sys_getitimer,     [359] = sys_socket,         [360] = sys_socketpair,
	[361] = sys_bind,          [362] = sys_connect,        [363] = sys_listen,
	[364] = sys_accept4,       [365] = sys_getsockopt,     [366] = sys_setsockopt,
	[367] = sys_getsockname,   [368] = sys_getpeername,    [369] = sys_sendto,
	[370] = sys_sendmsg,       [371] = sys_recvfrom,       [372] = sys_recvmsg,
	[373] = sys_shutdown,      [142] = sys_select,         [308] = sys_pselect6,
	[413] = sys_pselect6_time64,
	/* System V shared memory and semaphores: ipc.c */
	[117] = sys_ipc,           [393] = sys_semget,         [394] = sys_semctl,
	[395] = sys_shmget,        [396] = sys_shmctl,         [397] = sys_shmat,
	[398] = sys_shmdt,         [420] = sys_semtimedop_time64,
	[399] = sys_msgget,        [400] = sys_msgsnd,         [401] = sys_msgrcv,
	[402] = sys_msgctl,
};

/*G:600 Where the processes meet lguest.  The programs this kernel runs
 * are Debian's busybox, and for them it carries a small Unix: processes,
 * fork and exec, signals, pipes, files on ext2, a terminal.  Almost none of
 * that knows it runs on a hypervisor, and none of it is in this part: it is
 * the appendix Unix (U:010 on), a story of its own, for whoever wants to
 * know how a Unix works inside.
 *
 * What stays here are the seams, the places where a Unix kernel needs
 * something only ring 0 may do, or needs it so often that the Host must help
 * it be quick:
 *
 *   - a system call, which must not cost a trip through the Host (G:620);
 *   - thread-local storage, a segment per process in the Host's GDT (G:630);
 *   - a context switch, which changes the ring-1 stack, the TLS entries and
 *     the page directory (G:640), and the FPU, lazily (G:650);
 *   - page tables, which the Guest writes and the Host shadows (G:670 to
 *     G:685);
 *   - the clock, for sleeping and for taking the CPU back from a process that
 *     will not give it up (G:690 to G:696);
 *   - and the end, when the first process exits (G:698). :*/

/*G:620 A system call is the commonest way into this kernel: busybox makes
 * one for every line it writes, and ash one for every key it reads.  A trap
 * under lguest normally goes to the Switcher, out to the Host, and back into
 * the Guest as a reflected trap, an exit each time.  For 0x80 the Host can do
 * better: our gate for it is a trap gate of privilege 3 (G:450), which the
 * Host copies into the real IDT as it is.  "int $0x80" then goes from ring 3
 * straight to ring 1, onto the stack SET_STACK named (G:180), and the Host
 * never hears of it; lguest_iret brings us back as quietly.  glibc mostly
 * calls "call *%gs:0x10" rather than "int $0x80" itself, which is the same
 * trap one indirection later: without a vDSO, that slot of its thread control
 * block points at an "int $0x80; ret" of glibc's own.
 *
 * Only trap gates can be direct (an interrupt gate would clear the real IF,
 * which is the Host's), so the timer can strike between the trap and the
 * moment do_syscall() sets in_kernel, and G:696 tells what the timer then
 * must not believe.  On the way out the process may lose the CPU if its
 * time slice is over (G:694), and a pending signal is delivered (U:425)
 * before lguest_iret returns to ring 3. */
void do_syscall(struct trap_frame *regs)
{
	u32 nr = regs->eax;

	current.syscall_nr = nr;
	current.in_kernel = 1;
	if (nr < NR_SYSCALLS && syscalls[nr]) {
		regs->eax = syscalls[nr](regs->ebx, regs->ecx, regs->edx, regs->esi, regs->edi,
					 regs->ebp);
	} else {
		printk("syscall %u not implemented\n", nr);
		regs->eax = -ENOSYS;
	}
	maybe_preempt();
	do_signal(regs, regs->eax);
	irq_disable();          /* until lguest_iret: see G:696 */
	current.in_kernel = 0;
}
/*:*/
