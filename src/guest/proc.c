/* src/guest/proc.c is the part of the name space the kernel makes up
 * rather than reads from a disk: /proc, where processes and the kernel
 * describe themselves in text, and /dev, the devices. */
#include "ext2.h"
#include "fs.h"
#include "net/net.h"

#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10
#define DT_CHR 2
#define DT_BLK 6
#define O_ACCMODE 3

/*U:780 /proc and /dev.  ps does not ask the kernel for a list of processes:
 * it reads the directory /proc, where every process is a directory named
 * by its pid, and reads /proc/PID/stat, a line of text, for each.  free,
 * top, uptime, mount, df and tty read /proc too, and half of Unix expects
 * /dev/null to exist.  Linux builds both from its own tables when they are
 * read (procfs, devtmpfs), and so do we.  They are always there, disk or
 * no disk: a root made of busybox and nothing else still has a /proc and a
 * /dev, as a Linux that mounts devtmpfs by itself has, and "mount -t proc"
 * in an rcS finds /proc already in place (U:785).  The disk's own /proc and
 * /dev, if it has them, are hidden beneath, as by any mount.
 *
 * A path is ours if it is absolute and its first component is proc or dev
 * (relative paths that wander in from a working directory on the disk are
 * not: a limit worth knowing, and rarely met, since everybody names these
 * by their full names).  The path is first tidied into one canonical form:
 * no doubled slashes, no "." components, and "/proc/self" replaced by the
 * caller's own "/proc/PID" wherever it is followed, which is everywhere but
 * as the last component of an lstat() or readlink(). */
enum kind { K_PROC, K_PID, K_FDDIR, K_FD, K_TEXT, K_SELF, K_EXE, K_DEVDIR, K_DEV, K_NETDIR, K_SYSDIR };

struct node {
	enum kind kind;
	struct process *p;     /* K_PID and below */
	int n;                 /* K_FD: the descriptor; K_TEXT/K_DEV: which one */
};

static const char *const texts[] = {     /* /proc/NAME and /proc/PID/NAME */
	"cpuinfo", "loadavg", "meminfo", "mounts", "stat", "uptime", "version", "partitions",
};
#define NR_GLOBAL 8
static const char *const pid_texts[] = { "cmdline", "comm", "stat", "status", "maps" };
#define NR_PID_TEXTS 5
static const char *const net_texts[] = { "arp", "dev", "raw", "route", "tcp", "udp", "unix" };   /* /proc/net/NAME */
#define NR_NET_TEXTS 7
#define NET_TEXT (NR_GLOBAL + NR_PID_TEXTS)
static const struct { u8 parent; const char *name; } sys_dirs[] = {   /* K_SYSDIR's n (U:793) */
	{ 0, "sys" }, { 0, "kernel" }, { 0, "net" }, { 2, "ipv4" }, { 0, "vm" },
};
#define NR_SYS_DIRS 5
static const struct { u8 dir; const char *name; } sys_texts[] = {    /* /proc/sys/DIR/NAME */
	{ 1, "domainname" }, { 1, "hostname" }, { 1, "osrelease" }, { 1, "ostype" }, { 1, "version" },
	{ 3, "ip_forward" }, { 4, "overcommit_memory" },
};
#define NR_SYS_TEXTS 7
#define SYS_TEXT (NET_TEXT + NR_NET_TEXTS)
#define SYS_WRITABLE(i) ((i) < 2)           /* the two names */

static const struct { const char *name; u32 rdev; int block; } devs[] = {
	{ "console", (5 << 8) | 1, 0 }, { "lgba", (254 << 8) | 0, 1 },
	{ "null", (1 << 8) | 3, 0 }, { "random", (1 << 8) | 8, 0 },
	{ "rtc", (252 << 8) | 0, 0 }, { "rtc0", (252 << 8) | 0, 0 },
	{ "tty", (5 << 8) | 0, 0 }, { "urandom", (1 << 8) | 9, 0 },
	{ "zero", (1 << 8) | 5, 0 },
};
#define NR_DEVS 9
/*:*/

/* /dev/lgba is there only with a disk behind it, as on Linux. */
static int dev_present(int v)
{
	return !devs[v].block || block_present();
}

static int is(const char *s, unsigned long n, const char *name)
{
	return strlen(name) == n && !memcmp(s, name, n);
}

/* Which of count names the component is, or -1. */
static int one_of(const char *s, unsigned long n, const char *const *names, int count)
{
	int i;

	for (i = 0; i < count; i++)
		if (is(s, n, names[i]))
			return i;
	return -1;
}

/* A decimal number, the whole of s[0..n), or -1. */
static int number(const char *s, unsigned long n)
{
	int v = 0;

	if (!n || n > 6)
		return -1;
	while (n--) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + *s++ - '0';
	}
	return v;
}

/* An absolute path's components, without "." and doubled slashes, a ".."
 * taking back the one before it: their number, -ENOENT for more than five
 * of ours (none is that deep), and 0 for anything that is the disk's anyway
 * (a ".." out of /proc or /dev among them). */
static int split(const char *path, const char **c, unsigned long *len)
{
	int n = 0;

	if (*path != '/')
		return 0;
	while (*path) {
		while (*path == '/')
			path++;
		if (!*path)
			break;
		if (n == 5)
			return -ENOENT;
		c[n] = path;
		while (*path && *path != '/')
			path++;
		len[n] = path - c[n];
		if (len[n] == 1 && c[n][0] == '.')
			continue;
		if (len[n] == 2 && c[n][0] == '.' && c[n][1] == '.') {
			if (n <= 1)
				return 0;            /* "/.." and "/proc/.." are "/": the rest is the disk's */
			n--;                         /* "/proc/1/.." is "/proc" */
			continue;
		}
		if (!n && !is(c[0], len[0], "proc") && !is(c[0], len[0], "dev"))
			return 0;                    /* the disk's, however deep */
		n++;
	}
	return n;
}

/* /proc/sys (U:793), at the end of the file */
static int sys_walk(const char **c, unsigned long *len, int n, struct node *nd);
static void sys_path(int dir, char *buf, unsigned long size);
static void sys_name(int dir, long i, char *name, u8 *type);
static void sys_text(struct text *t, int k);
static struct file *sys_open(int k, u32 flags);
static void pid_maps(struct text *t, struct process *p);   /* U:797 */

/*U:781 Finding a name of ours is then a walk down a tree that is not
 * stored anywhere: /dev's names are a table, /proc's first level the
 * kernel's files, "self", "net" (which holds "dev", the interfaces' counts
 * that ifconfig prints) and the pids of the process table, and below a pid
 * its files, "exe" and "fd", whose names are the numbers of its open
 * descriptors.  The answer is a node: what kind of thing the name is, and
 * for whom. */

static int walk(const char *path, int follow, struct node *nd)
{
	const char *c[5];
	unsigned long len[5];
	int n, v;
	struct process *p;

	memset(nd, 0, sizeof(*nd));
	n = split(path, c, len);
	if (n <= 0)
		return n;                /* 0: not /proc's or /dev's (split() looked) */
	if (is(c[0], len[0], "dev")) {
		nd->kind = K_DEVDIR;
		if (n == 1)
			return 1;
		for (v = 0; v < NR_DEVS; v++)
			if (n == 2 && is(c[1], len[1], devs[v].name) && dev_present(v)) {
				nd->kind = K_DEV;
				nd->n = v;
				return 1;
			}
		return -ENOENT;
	}
	nd->kind = K_PROC;
	if (n == 1)
		return 1;
	if (n == 2 && (v = one_of(c[1], len[1], texts, NR_GLOBAL)) >= 0) {
		nd->kind = K_TEXT;
		nd->n = v;
		return 1;
	}
	if (is(c[1], len[1], "net")) {
		nd->kind = K_NETDIR;
		if (n == 2)
			return 1;
		if (n > 3 || (v = one_of(c[2], len[2], net_texts, NR_NET_TEXTS)) < 0)
			return -ENOENT;
		nd->kind = K_TEXT;
		nd->n = NET_TEXT + v;
		return 1;
	}
	if (is(c[1], len[1], "sys"))
		return sys_walk(c + 2, len + 2, n - 2, nd);
	if (is(c[1], len[1], "self")) {
		if (n == 2 && !follow) {
			nd->kind = K_SELF;
			return 1;
		}
		p = current_proc;
	} else {
		v = number(c[1], len[1]);
		p = v > 0 ? find_process(v) : NULL;
	}
	if (!p)
		return -ENOENT;
	nd->p = p;
	nd->kind = K_PID;
	if (n == 2)
		return 1;
	if (n == 3 && (v = one_of(c[2], len[2], pid_texts, NR_PID_TEXTS)) >= 0) {
		nd->kind = K_TEXT;
		nd->n = NR_GLOBAL + v;
		return 1;
	}
	if (n == 3 && is(c[2], len[2], "exe")) {
		nd->kind = K_EXE;
		return 1;
	}
	if (!is(c[2], len[2], "fd"))
		return -ENOENT;
	nd->kind = K_FDDIR;
	if (n == 3)
		return 1;
	v = number(c[3], len[3]);
	if (n > 4 || v < 0 || v >= NR_OPEN || !p->fds[v])
		return -ENOENT;
	nd->kind = K_FD;
	nd->n = v;
	return 1;
}
/*:*/

/* A name with a slash at its end names a directory: "/proc/self/" is the
 * directory the link leads to, as lstat() sees it too, and "/proc/uptime/"
 * is no name at all. */
static int lookup(const char *path, int follow, struct node *nd)
{
	unsigned long n = strlen(path);
	int slash = n > 1 && path[n - 1] == '/';
	int r = walk(path, follow || slash, nd);

	if (r > 0 && slash && (nd->kind == K_TEXT || nd->kind == K_DEV || nd->kind == K_EXE))
		return -ENOTDIR;
	return r;
}

/* ns / unit, without libgcc's 64-bit division: two of the i386's own. */
static unsigned long ns_in(u64 ns, u32 unit)
{
	u32 hi = ns >> 32, lo = ns, q, r;

	hi %= unit;
	__asm__("divl %4" : "=a"(q), "=d"(r) : "0"(lo), "1"(hi), "rm"(unit));
	return q;               /* the high part of the quotient: 136 years of seconds away */
}

/* Clock ticks of 1/100 s, for /proc and for times() (U:374). */
unsigned long ns_to_ticks(u64 ns)
{
	return ns_in(ns, 10000000);
}

static unsigned long resident_pages(struct process *p)
{
	unsigned long n = 0, *table;
	unsigned int i, j;

	for (i = 0; i < (PAGE_OFFSET >> 22); i++) {
		if (!(p->pgdir[i] & PTE_PRESENT))
			continue;
		table = __va(p->pgdir[i] & ~0xFFFUL);
		for (j = 0; j < 1024; j++)
			n += (table[j] & PTE_USER) != 0;
	}
	return n;
}

static unsigned long vm_size(struct process *p)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < p->mm_nr_vmas; i++)
		n += p->mm_vmas[i].end - p->mm_vmas[i].start;
	return n;
}

static char state_letter(struct process *p)
{
	return p->state == P_ZOMBIE ? 'Z' : p->stop_sig ? 'T' : p->state == P_SLEEPING ? 'S' : 'R';
}

/* Another process's memory, through its own page table: no faults taken. */
static unsigned long read_process(struct process *p, unsigned long addr, char *buf, unsigned long len)
{
	unsigned long done = 0;

	while (done < len && addr + done < PAGE_OFFSET) {
		unsigned long va = addr + done, pde = p->pgdir[va >> 22], pte, chunk;

		if (!(pde & PTE_PRESENT))
			break;
		pte = ((unsigned long *)__va(pde & ~0xFFFUL))[(va >> PAGE_SHIFT) & 1023];
		if (!(pte & PTE_USER))
			break;
		chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		if (chunk > len - done)
			chunk = len - done;
		memcpy(buf + done, (char *)__va(pte & ~0xFFFUL) + (va & (PAGE_SIZE - 1)), chunk);
		done += chunk;
	}
	return done;
}

/*U:782 The text of a /proc file is made when the file is opened, into a
 * page the open file keeps, so that reading it in small pieces (as stdio
 * does) gives one consistent picture rather than pieces of several.  The
 * formats are Linux's, to the space, since every program that reads them
 * parses them with scanf: /proc/PID/stat is the pid, the command in
 * parentheses, the state letter and forty-nine numbers more, of which busybox
 * wants the parent, group and session, the CPU time, the start time and the
 * memory.  The times are in ticks of 1/100 s, counted by the scheduler
 * whenever it switches (U:225); a process's memory is the size of its
 * ranges (U:110) and, resident, the pages its page table holds now. */
static void pid_stat(struct text *t, struct process *p)
{
	ADD("%d (%s) %c %d %d %d 0 -1 4194560 0 0 0 0 %lu 0 %lu 0 %d %d 1 0 %lu %lu %lu "
	    "4294967295 134512640 0 %lu 0 0 %lu %lu 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 %lu %lu 0 0 %d\n",
	    p->pid, p->comm, state_letter(p), p->ppid, p->pgid, p->sid,
	    ns_to_ticks(cpu_ns_of(p)), ns_to_ticks(p->child_ns), 20 + p->nice, p->nice,
	    ns_to_ticks(p->start_ns - boot_ns), vm_size(p), resident_pages(p),
	    p->arg_start, (unsigned long)p->sigpending, (unsigned long)p->sigmask,
	    p->arg_start, p->arg_end, p->state == P_ZOMBIE ? p->exit_code : 0);
}

static void pid_status(struct text *t, struct process *p)
{
	static const char *const names[] = { "R (running)", "S (sleeping)", "Z (zombie)", "T (stopped)" };
	char c = state_letter(p);

	ADD("Name:\t%s\nUmask:\t0022\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
	    "TracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%d\nGroups:\t0\n",
	    p->comm, names[c == 'R' ? 0 : c == 'S' ? 1 : c == 'T' ? 3 : 2], p->pid, p->pid, p->ppid, NR_OPEN);
	ADD("VmSize:\t%8lu kB\nVmRSS:\t%8lu kB\nThreads:\t1\nSigPnd:\t%08x%08x\nSigBlk:\t%08x%08x\n",
	    vm_size(p) >> 10, resident_pages(p) << 2, (u32)(p->sigpending >> 32), (u32)p->sigpending,
	    (u32)(p->sigmask >> 32), (u32)p->sigmask);
}

static void pid_cmdline(struct text *t, struct process *p)
{
	unsigned long len = p->arg_end - p->arg_start;

	if (p->state == P_ZOMBIE || p->arg_end <= p->arg_start)
		return;
	t->len = read_process(p, p->arg_start, t->data, len < sizeof(t->data) ? len : sizeof(t->data));
}
/*:*/

/*U:783 The kernel's own files.  meminfo counts pages: the allocator's free
 * ones (U:105) and, as "Cached", the program image every process shares
 * (U:040).  cpuinfo is what CPUID says about the CPU we run on, which is the
 * emulated i686, asked in ring 1 like any other instruction.  loadavg is
 * Linux's: every five seconds the number of processes that can run is
 * folded into three averages that forget with time constants of one, five
 * and fifteen minutes, in 11-bit fixed point.  We fold late, when somebody
 * asks or the scheduler switches, all the five-second steps since the last
 * fold at once, with the count as it is now: a count changes when a process
 * sleeps or wakes, and that is nearly always a switch, so the steps it
 * covers saw that count, give or take the last few milliseconds. */
#define FSHIFT 11
#define FIXED_1 (1 << FSHIFT)
static const unsigned long exp_load[3] = { 1884, 2014, 2037 };
static unsigned long avenrun[3];
static u64 load_next_ns;

static int nr_running(void)
{
	int i, n = 0;

	for (i = 1; i < MAX_PROCS; i++)
		n += procs[i].state == P_RUNNABLE;
	return n;
}

void calc_load(void)
{
	u64 now = monotonic_ns();
	unsigned long active = (unsigned long)nr_running() * FIXED_1;
	int i;

	if (!load_next_ns)
		load_next_ns = now + 5000000000ULL;
	while (now >= load_next_ns) {
		for (i = 0; i < 3; i++)
			avenrun[i] = (avenrun[i] * exp_load[i] + active * (FIXED_1 - exp_load[i])) >> FSHIFT;
		load_next_ns += 5000000000ULL;
	}
}

unsigned long load_average(int i)    /* in 1/65536, as sysinfo() gives it */
{
	calc_load();
	return avenrun[i] << (16 - FSHIFT);
}

static void load_text(struct text *t)
{
	int i, n = 0, last = 0;
	unsigned long l[3];

	for (i = 0; i < 3; i++)
		l[i] = load_average(i) + (65536 / 200);      /* rounded to 1/100 */
	for (i = 1; i < MAX_PROCS; i++)
		if (procs[i].state != P_FREE) {
			n++;
			last = procs[i].pid > last ? procs[i].pid : last;
		}
	ADD("%lu.%02lu %lu.%02lu %lu.%02lu %d/%d %d\n", l[0] >> 16, ((l[0] & 0xFFFF) * 100) >> 16,
	    l[1] >> 16, ((l[1] & 0xFFFF) * 100) >> 16, l[2] >> 16, ((l[2] & 0xFFFF) * 100) >> 16,
	    nr_running(), n, last);
}

/*:*/

/*U:784 The rest of /proc's own files are one function, each a few lines of
 * Linux's format around numbers the kernel has: mounts are the root disk
 * and the two file systems that are always there (U:780); stat's "cpu" line
 * is the CPU time the processes have had, living and dead, beside the time
 * the scheduler spent halted (U:230), both in ticks, with no line between
 * user and system time, which this kernel does not keep apart; uptime is
 * the time since boot and that same halted time, in seconds; partitions
 * lists the disk, whole, in 1 KiB blocks (fdisk -l reads it to learn which
 * disks there are, and busybox's crashed when it was missing). */
static void cpuinfo(struct text *t)
{
	static const char *const flags[32] = {
		"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", 0, "sep",
		"mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", 0, "dts", "acpi",
		"mmx", "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe",
	};
	u32 r[4], sig, vendor[4] = { 0 };
	int i;

	__asm__ __volatile__("cpuid" : "=a"(r[0]), "=b"(vendor[0]), "=c"(vendor[2]), "=d"(vendor[1]) : "a"(0));
	__asm__ __volatile__("cpuid" : "=a"(sig), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(1));
	ADD("processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\nmodel name\t: "
	    "the emulated i686 of lguest in Java\nstepping\t: %u\nfpu\t\t: %s\nflags\t\t:",
	    (char *)vendor, (sig >> 8) & 15, (sig >> 4) & 15, sig & 15, (r[3] & 1) ? "yes" : "no");
	for (i = 0; i < 32; i++)
		if ((r[3] >> i) & 1 && flags[i])
			ADD(" %s", flags[i]);
	ADD("\n\n");
}

static void global_text(struct text *t, int which)
{
	u64 up = monotonic_ns() - boot_ns, user = dead_cpu_ns;
	int i, n = 0;

	switch (which) {
	case 0:
		cpuinfo(t);
		break;
	case 1:
		load_text(t);
		break;
	case 2:
		ADD("MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n"
		    "Buffers:        %8lu kB\nCached:         %8lu kB\nSwapCached:     %8lu kB\n"
		    "SwapTotal:      %8lu kB\nSwapFree:       %8lu kB\n",
		    ram_size >> 10, nr_free_pages() << 2, nr_free_pages() << 2, 0UL,
		    (initrd_size + PAGE_SIZE - 1) >> 12 << 2, 0UL, 0UL, 0UL);
		break;
	case 3:
		if (ext2_mounted())
			ADD("%s / ext2 rw 0 0\n", disk_name());
		ADD("proc /proc proc rw 0 0\ndevtmpfs /dev devtmpfs rw 0 0\n");
		break;
	case 4:
		for (i = 1; i < MAX_PROCS; i++)
			if (procs[i].state != P_FREE && procs[i].state != P_ZOMBIE)
				user += cpu_ns_of(&procs[i]);
			else if (procs[i].state == P_ZOMBIE)
				user += procs[i].cpu_ns;
		for (i = 1; i < MAX_PROCS; i++)
			n += procs[i].state == P_RUNNABLE;
		ADD("cpu  %lu 0 0 %lu 0 0 0 0 0 0\ncpu0 %lu 0 0 %lu 0 0 0 0 0 0\nintr 0\nctxt %lu\n"
		    "btime %lu\nprocesses %lu\nprocs_running %d\nprocs_blocked 0\n",
		    ns_to_ticks(user), ns_to_ticks(idle_ns), ns_to_ticks(user), ns_to_ticks(idle_ns), nr_switches,
		    ns_in(boot_ns, 1000000000), nr_forks, n);
		break;
	case 5:
		ADD("%lu.%02lu %lu.%02lu\n", ns_in(up, 1000000000), ns_to_ticks(up) % 100,
		    ns_in(idle_ns, 1000000000), ns_to_ticks(idle_ns) % 100);
		break;
	case 6:
		ADD("Linux version 2.6.23-lguest-java (lguest in Java) #1\n");
		break;
	case 7:
		ADD("major minor  #blocks  name\n\n");
		if (block_present())
			ADD(" 254        0 %10lu lgba\n", block_sectors() / 2);
		break;
	}
}
/*:*/

/*U:791 /proc/net is the network's tables as text, which is how the
 * network's tools learn what the kernel knows: ifconfig reads dev, the
 * counts of each interface; route -n reads route, netstat reads tcp, udp
 * and raw (and unix, for netstat -x), arp reads arp.  Each table lives
 * with the code that keeps it (the routes and the ARP cache in ip.c, U:864
 * and U:866, the sockets in socket.c, U:878, the Unix ones in unix.c,
 * U:877), which writes it out in Linux's format, the same
 * columns, hexadecimal and all, since busybox reads them with scanf.  A
 * socket's line ends with its inode number, the one /proc/PID/fd/N names
 * as "socket:[N]" (U:789): netstat -p matches the two to say which program
 * holds each connection.  Like every file here, a table is made when it
 * is opened, into one page; the 64 sockets the kernel can have at most
 * would not all fit in it, and a Guest that had them all open, in one
 * protocol, would see the last few cut off.  The unix table has the
 * datagram sockets of U:877, not socketpair()'s, which are pipes (U:526).
 * What is not here: the IPv6 tables (tcp6, udp6, raw6), since the kernel
 * has no IPv6; netstat says it cannot open them, as it would on a Linux
 * built without IPv6. */
static void net_dev(struct text *t);

static void net_text(struct text *t, int which)
{
	switch (which) {
	case 0:
		arp_text(t);
		break;
	case 1:
		net_dev(t);
		break;
	case 2:
		sock_text(t, SOCK_RAW);
		break;
	case 3:
		route_text(t);
		break;
	case 4:
		sock_text(t, SOCK_STREAM);
		break;
	case 5:
		sock_text(t, SOCK_DGRAM);
		break;
	case 6:
		unix_text(t);
		break;
	}
}
/*:*/

/* /proc/net/dev: for each interface there is (eth0 only with a network
 * device), what the network code counted, in Linux's columns; the ones it
 * does not count (errors, FIFO and frame errors, compression, multicast,
 * collisions) are zero. */
static void net_dev(struct text *t)
{
	int i;

	ADD("Inter-|   Receive                                                |  Transmit\n"
	    " face |bytes    packets errs drop fifo frame compressed multicast|"
	    "bytes    packets errs drop fifo colls carrier compressed\n");
	for (i = 0; i < 2; i++) {
		struct netif *n = &netifs[i];

		if (n->name[0] && (i == NIF_LO || lguest_net_present()))   /* as SIOCGIFCONF lists them */
			ADD("%6s:%8u %7u    0 %4u    0     0          0         0 %8u %7u    0 %4u    0     0"
			    "       0          0\n", n->name, n->rx_bytes, n->rx_packets, n->rx_dropped,
			    n->tx_bytes, n->tx_packets, n->tx_dropped);
	}
}

static long text_read(struct file *f, char *buf, u32 len)
{
	struct text *t = f->priv;

	if (f->pos >= t->len)
		return 0;
	if (len > t->len - f->pos)
		len = t->len - f->pos;
	memcpy(buf, t->data + f->pos, len);
	f->pos += len;
	return len;
}

static long text_seek(struct file *f, s64 offset, int whence)
{
	struct text *t = f->priv;
	s64 pos = whence == 0 ? offset : whence == 1 ? (s64)f->pos + offset : (s64)t->len + offset;

	if (pos < 0)
		return -EINVAL;
	f->pos = pos;
	return 0;
}

static long text_stat(struct file *f, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	st->mode = S_IFREG | 0444;
	st->nlink = 1;
	st->blksize = 1024;
	return 0;
}

static void text_release(struct file *f)
{
	free_page(f->priv);
}

static const struct file_ops text_ops = {
	.read = text_read, .lseek = text_seek, .stat = text_stat, .release = text_release,
};

/*U:786 A directory of ours is read as any other, with getdents64 (U:615),
 * and its offset is simply the number of the next entry: for /proc, ".",
 * "..", the kernel's files, "self", "net", "sys" and then one directory per
 * process, in the order of the process table; for /dev, the devices.  What it lists is
 * made up as it is read, so a process that exits between two reads of
 * /proc simply is not there for the second. */
static void name_of(struct node *nd, long i, char *name, u8 *type, u32 *ino)
{
	int k;

	*type = DT_REG;
	*ino = 0x100 + i;
	name[0] = '\0';
	if (i < 2) {
		memcpy(name, i ? ".." : ".", i ? 3 : 2);
		*type = DT_DIR;
		return;
	}
	i -= 2;
	if (nd->kind == K_DEVDIR) {
		for (k = 0; k < NR_DEVS; k++)
			if (dev_present(k) && !i--) {
				memcpy(name, devs[k].name, strlen(devs[k].name) + 1);
				*type = devs[k].block ? DT_BLK : DT_CHR;
				break;
			}
		return;
	}
	if (nd->kind == K_FDDIR) {
		for (k = 0; k < NR_OPEN; k++)
			if (nd->p->fds[k] && !i--) {
				snprintf(name, 16, "%d", k);
				*type = DT_LNK;
				return;
			}
		return;
	}
	if (nd->kind == K_SYSDIR) {
		sys_name(nd->n, i, name, type);
		return;
	}
	if (nd->kind == K_NETDIR) {
		if (i < NR_NET_TEXTS)
			memcpy(name, net_texts[i], strlen(net_texts[i]) + 1);
		return;
	}
	if (nd->kind == K_PID) {
		if (i < NR_PID_TEXTS)
			memcpy(name, pid_texts[i], strlen(pid_texts[i]) + 1);
		else if (i == NR_PID_TEXTS)
			memcpy(name, "exe", 4), *type = DT_LNK;
		else if (i == NR_PID_TEXTS + 1)
			memcpy(name, "fd", 3), *type = DT_DIR;
		return;
	}
	if (i < NR_GLOBAL) {
		memcpy(name, texts[i], strlen(texts[i]) + 1);
		return;
	}
	if (i == NR_GLOBAL) {
		memcpy(name, "self", 5);
		*type = DT_LNK;
		return;
	}
	if (i == NR_GLOBAL + 1 || i == NR_GLOBAL + 2) {
		memcpy(name, i == NR_GLOBAL + 1 ? "net" : "sys", 4);
		*type = DT_DIR;
		return;
	}
	for (k = 1, i -= NR_GLOBAL + 3; k < MAX_PROCS; k++)
		if (procs[k].state != P_FREE && !i--) {
			snprintf(name, 16, "%d", procs[k].pid);
			*type = DT_DIR;
			*ino = procs[k].pid << 8;
			return;
		}
}

/*:*/

static long dir_getdents64(struct file *f, char *buf, u32 len)
{
	struct node *nd = f->priv;
	u32 done = 0, ino, reclen;
	char name[20];
	u8 type;

	if (nd->p && nd->p->state == P_FREE)
		return 0;                 /* the process has gone */
	for (;;) {
		name_of(nd, f->pos, name, &type, &ino);
		if (!name[0])
			break;
		reclen = (19 + strlen(name) + 1 + 7) & ~7U;
		if (done + reclen > len) {
			if (!done)
				return -EINVAL;
			break;
		}
		memset(buf + done, 0, reclen);
		*(u64 *)(buf + done) = ino;
		*(u64 *)(buf + done + 8) = f->pos + 1;
		*(u16 *)(buf + done + 16) = reclen;
		buf[done + 18] = type;
		memcpy(buf + done + 19, name, strlen(name));
		done += reclen;
		f->pos++;
	}
	return done;
}

static long dir_read(struct file *f, char *buf, u32 len)
{
	return -EISDIR;
}

static long dir_seek(struct file *f, s64 offset, int whence)
{
	if (whence != 0 || offset < 0)
		return -EINVAL;
	f->pos = offset;
	return 0;
}

static void node_stat(struct node *nd, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	st->mode = S_IFDIR | 0555;
	st->nlink = 2;
	st->blksize = 1024;
	st->ino = nd->p ? (nd->p->pid << 8) | nd->kind : 1 + nd->kind;
	if (nd->p)
		st->mtime = st->atime = st->ctime = ns_in(nd->p->start_ns, 1000000000);
	if (nd->kind == K_SELF || nd->kind == K_EXE || nd->kind == K_FD)
		st->mode = S_IFLNK | 0777;
}

static long dir_stat(struct file *f, struct kstat *st)
{
	node_stat(f->priv, st);
	return 0;
}

static void dir_release(struct file *f)
{
	free_page(f->priv);
}

static const struct file_ops dir_ops = {
	.read = dir_read, .lseek = dir_seek, .getdents64 = dir_getdents64,
	.stat = dir_stat, .release = dir_release,
};

/*U:788 The devices.  Most are the process side's (U:515): the console and
 * /dev/tty, null and zero, and rtc (with rtc0, its other name), the
 * hardware clock of U:263, found by their numbers.  Two are new.  urandom
 * (and random, which Linux has long made the same) hands out the
 * generator's bytes (U:055), which is as random as anything here.  lgba is
 * the disk itself, 512-byte sectors as the driver reads them (D:410),
 * for dd and friends, and is there only when there is a disk; it reads, and
 * refuses to write (EROFS), since the disk may be mounted and ext2's cache
 * (U:705) would never hear of a write beneath it. */
static long random_read(struct file *f, char *buf, u32 len)
{
	u32 i, r = 0;

	for (i = 0; i < len; i++) {
		if (!(i & 3))
			r = random_u32();
		buf[i] = r >> (8 * (i & 3));
	}
	return len;
}

static long lgba_read(struct file *f, char *buf, u32 len)
{
	u8 *sector = try_alloc_page();
	u64 size = (u64)block_sectors() * LGUEST_SECTOR_SIZE;
	u32 done = 0;

	if (!sector)
		return -ENOMEM;
	while (done < len && f->pos < size) {
		u32 off = f->pos % PAGE_SIZE, n = PAGE_SIZE - off;
		u64 base = f->pos - off;
		u32 avail = size - base < PAGE_SIZE ? (u32)(size - base) : PAGE_SIZE;

		if (block_read(base / LGUEST_SECTOR_SIZE, sector, avail) < 0) {
			free_page(sector);
			return done ? (long)done : -EIO;
		}
		if (n > avail - off)
			n = avail - off;
		if (n > len - done)
			n = len - done;
		memcpy(buf + done, sector + off, n);
		done += n;
		f->pos += n;
	}
	free_page(sector);
	return done;
}

/*:*/

static long lgba_write(struct file *f, const char *buf, u32 len)
{
	return -EROFS;
}

static long lgba_seek(struct file *f, s64 offset, int whence)
{
	s64 size = (s64)block_sectors() * LGUEST_SECTOR_SIZE;
	s64 pos = whence == 0 ? offset : whence == 1 ? (s64)f->pos + offset : size + offset;

	if (pos < 0)
		return -EINVAL;
	f->pos = pos;
	return 0;
}

static long dev_stat(struct file *f, struct kstat *st)
{
	int i = (int)(long)f->priv;

	memset(st, 0, sizeof(*st));
	st->mode = (devs[i].block ? S_IFBLK | 0660 : S_IFCHR | 0666);
	st->rdev = devs[i].rdev;
	st->nlink = 1;
	st->blksize = 4096;
	st->ino = 0x200 + i;
	return 0;
}

static const struct file_ops random_ops = {
	.read = random_read, .write = lgba_write, .stat = dev_stat,
};
/* The size questions blockdev and fdisk ask a disk: in 512-byte sectors
 * (BLKGETSIZE), in bytes (BLKGETSIZE64), and its sector size (BLKSSZGET). */
static long lgba_ioctl(struct file *f, u32 cmd, u32 arg)
{
	u64 bytes = (u64)block_sectors() * LGUEST_SECTOR_SIZE;
	u32 v = cmd == 0x1260 ? block_sectors() : LGUEST_SECTOR_SIZE;

	if (cmd == 0x80041272 || cmd == 0x80081272)   /* BLKGETSIZE64: a u64, whatever size_t says */
		return copy_to_user(arg, &bytes, 8) ? -EFAULT : 0;
	if (cmd == 0x1260 || cmd == 0x1268)     /* BLKGETSIZE, BLKSSZGET */
		return copy_to_user(arg, &v, 4) ? -EFAULT : 0;
	return -ENOTTY;
}

static const struct file_ops lgba_ops = {
	.read = lgba_read, .write = lgba_write, .lseek = lgba_seek, .stat = dev_stat, .ioctl = lgba_ioctl,
};

static struct file *open_dev(int i, u32 flags)
{
	struct file *f;

	if (devs[i].block || devs[i].rdev == ((1 << 8) | 8) || devs[i].rdev == ((1 << 8) | 9)) {
		f = file_new(devs[i].block ? &lgba_ops : &random_ops, (void *)(long)i, flags);
		return f ? f : ERR_PTR(-ENOMEM);
	}
	return chrdev_open(devs[i].rdev, flags);
}

/*U:789 Symbolic links of /proc.  /proc/self names the caller, so that a
 * program can find itself without knowing its pid.  /proc/PID/exe is the
 * program's file, as execve() was given it (for busybox, the link it was
 * started by), if that was a path from the root: glibc insists on one, and
 * an initrd's program has no file at all.  /proc/PID/fd/N says what a
 * descriptor is open on: a device by its name, a pipe or a socket as Linux
 * writes one, "pipe:[inode]" and "socket:[inode]" (U:791), and a file of
 * the disk by its inode number, the one thing the open file remembers of it
 * (it has no name: names are the directories' business, U:750).  That is
 * enough for ttyname(), which is readlink("/proc/self/fd/0") and then a
 * stat() of the answer, compared with the descriptor's own. */
static long link_text(struct node *nd, char *buf, unsigned long size)
{
	struct kstat st;
	struct file *f;

	if (nd->kind == K_SELF)
		return snprintf(buf, size, "%d", current.pid);
	if (nd->kind == K_EXE)         /* an initrd's program has no file; glibc wants a path */
		return nd->p->exe[0] == '/' ? snprintf(buf, size, "%s", nd->p->exe) : -ENOENT;
	f = nd->p->fds[nd->n];
	if (!f->ops->stat || f->ops->stat(f, &st) < 0)
		return snprintf(buf, size, "anon_inode:[unknown]");
	if ((st.mode & S_IFMT) == S_IFIFO)
		return snprintf(buf, size, "pipe:[%u]", st.ino);
	if ((st.mode & S_IFMT) == S_IFSOCK)
		return snprintf(buf, size, "socket:[%u]", st.ino);
	if ((st.mode & S_IFMT) == S_IFCHR || (st.mode & S_IFMT) == S_IFBLK) {
		int i;

		for (i = 0; i < NR_DEVS; i++)
			if (devs[i].rdev == st.rdev && devs[i].rdev != ((5 << 8) | 0))
				return snprintf(buf, size, "/dev/%s", devs[i].name);
	}
	return snprintf(buf, size, "%s:[%u]", disk_name(), st.ino);
}
/*:*/

/*U:787 top does what a careful program should not: it changes directory
 * to /proc and names the files there relatively, "stat" and "meminfo".  So a
 * process may stand in any directory of ours, /proc, /dev, /proc/net, a
 * /proc/PID or its fd, /proc/sys and those below it: its working directory
 * is then not an inode of the disk but a number no inode has (U:645 keeps it), the directory's kind in
 * the top bits and the pid below, and a relative name is ours, with the
 * directory's name in front.  (A /proc/PID whose process has ended is still
 * where the process stands, and every name in it ENOENT, as on Linux.) */
#define CWD_PROC 0xFFFFFF01
#define CWD_DEV  0xFFFFFF02
#define CWD_NET  0xFFFFFF03
#define CWD_SYS  0xFFFFFF10      /* + which of sys_dirs (U:793) */
#define CWD_PID  0xFFE00000      /* | pid: /proc/PID */
#define CWD_FD   0xFFD00000      /* | pid: /proc/PID/fd */
#define CWD_KIND 0xFFF00000

/* The name of the directory of ours the process stands in, or NULL. */
static const char *cwd_name(char *buf, unsigned long size)
{
	u32 cwd = cwd_inode();

	if (cwd == CWD_PROC || cwd == CWD_DEV || cwd == CWD_NET)
		return cwd == CWD_PROC ? "/proc" : cwd == CWD_DEV ? "/dev" : "/proc/net";
	if (cwd >= CWD_SYS && cwd < CWD_SYS + NR_SYS_DIRS) {
		sys_path(cwd - CWD_SYS, buf, size);
		return buf;
	}
	if ((cwd & CWD_KIND) != CWD_PID && (cwd & CWD_KIND) != CWD_FD)
		return NULL;
	snprintf(buf, size, (cwd & CWD_KIND) == CWD_PID ? "/proc/%u" : "/proc/%u/fd", cwd & ~CWD_KIND);
	return buf;
}

static const char *absolute(const char *path, char *buf, unsigned long size)
{
	char dir[24];
	const char *d = cwd_name(dir, sizeof(dir));

	if (*path == '/' || !d)
		return path;
	if ((unsigned long)snprintf(buf, size, "%s/%s", d, path) >= size)
		return "/proc/no/such/name";
	return buf;
}

long kfs_chdir(const char *path)
{
	char buf[256];
	struct node nd;
	int r = lookup(absolute(path, buf, sizeof(buf)), 1, &nd);

	if (r <= 0)
		return r ? r : NOT_OURS;
	switch (nd.kind) {
	case K_PROC: set_cwd_inode(CWD_PROC); return 0;
	case K_DEVDIR: set_cwd_inode(CWD_DEV); return 0;
	case K_NETDIR: set_cwd_inode(CWD_NET); return 0;
	case K_SYSDIR: set_cwd_inode(CWD_SYS + nd.n); return 0;
	case K_PID: set_cwd_inode(CWD_PID | nd.p->pid); return 0;
	case K_FDDIR: set_cwd_inode(CWD_FD | nd.p->pid); return 0;
	default: return -ENOTDIR;
	}
}

/*:*/

/*U:795 A name a program wants to make (mkdir, mknod, a symlink, a link, a
 * rename's new name) in /proc or /dev, whose names only the kernel makes:
 * EEXIST for one we have, else ENOENT in /proc, as Linux says, and EPERM
 * in /dev, whose table takes no new devices; NOT_OURS for the disk's.  The
 * disk's own /proc and /dev, hidden beneath, once took them all unseen:
 * busybox's mount -o loop, which makes /dev/loopN until one opens, filled
 * the RAM root's inodes with four thousand of them. */
long kfs_new_name(const char *path)
{
	char buf[256];
	struct node nd;
	const char *abs = absolute(path, buf, sizeof(buf));
	int r = lookup(abs, 0, &nd);

	if (r == 0)
		return NOT_OURS;
	if (r > 0)
		return -EEXIST;
	while (*abs == '/')
		abs++;
	return !memcmp(abs, "dev", 3) ? -EPERM : -ENOENT;
}

/* Where the process stands, if it is one of ours, or NULL: the disk's. */
const char *kfs_cwd(void)
{
	static char buf[24];

	return cwd_name(buf, sizeof(buf));
}
/*:*/

/* The entry points, for fs.c: each returns NULL or NOT_OURS when the path is
 * not ours, so that the disk is asked instead. */
struct file *kfs_open(const char *name, u32 flags)
{
	struct node nd, *copy;
	struct text *t;
	struct file *f;
	char buf[256];
	const char *path = absolute(name, buf, sizeof(buf));
	int r = lookup(path, 1, &nd);

	if (r <= 0)
		return r ? ERR_PTR(r) : NULL;
	if (nd.kind == K_DEV)
		return open_dev(nd.n, flags);
	if (nd.kind == K_EXE || nd.kind == K_FD) {
		char *target;

		if (nd.kind == K_FD) {
			f = nd.p->fds[nd.n];
			file_get(f);
			return f;
		}
		target = nd.p->exe;
		return target[0] == '/' && target[1] ? fs_open_path(-100, target, flags, 0) : ERR_PTR(-ENOENT);
	}
	if ((flags & O_ACCMODE) != 0 && nd.kind == K_TEXT && nd.n >= SYS_TEXT)
		return sys_open(nd.n - SYS_TEXT, flags);
	if ((flags & O_ACCMODE) != 0)
		return ERR_PTR(nd.kind == K_TEXT ? -EACCES : -EISDIR);
	if (nd.kind == K_TEXT) {
		t = try_alloc_page();
		if (!t)
			return ERR_PTR(-ENOMEM);
		if (nd.n < NR_GLOBAL)
			global_text(t, nd.n);
		else if (nd.n >= SYS_TEXT)
			sys_text(t, nd.n - SYS_TEXT);
		else if (nd.n >= NET_TEXT)
			net_text(t, nd.n - NET_TEXT);
		else if (nd.n == NR_GLOBAL)
			pid_cmdline(t, nd.p);
		else if (nd.n == NR_GLOBAL + 1)
			ADD("%s\n", nd.p->comm);
		else if (nd.n == NR_GLOBAL + 2)
			pid_stat(t, nd.p);
		else if (nd.n == NR_GLOBAL + 3)
			pid_status(t, nd.p);
		else
			pid_maps(t, nd.p);
		f = file_new(&text_ops, t, flags);
		if (!f)
			free_page(t);
		return f ? f : ERR_PTR(-ENOMEM);
	}
	copy = try_alloc_page();
	if (!copy)
		return ERR_PTR(-ENOMEM);
	*copy = nd;
	f = file_new(&dir_ops, copy, flags);
	if (!f)
		free_page(copy);
	return f ? f : ERR_PTR(-ENOMEM);
}

long kfs_stat(const char *name, int follow, struct kstat *st)
{
	struct node nd;
	struct file *f;
	long err;
	char buf[256];
	const char *path = absolute(name, buf, sizeof(buf));
	int r = lookup(path, follow, &nd);

	if (r <= 0)
		return r ? r : NOT_OURS;
	if (nd.kind == K_PROC || nd.kind == K_PID || nd.kind == K_FDDIR || nd.kind == K_DEVDIR
	    || nd.kind == K_NETDIR || nd.kind == K_SYSDIR || nd.kind == K_SELF
	    || (!follow && (nd.kind == K_EXE || nd.kind == K_FD))) {
		node_stat(&nd, st);
		return 0;
	}
	f = kfs_open(path, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	err = f->ops->stat ? f->ops->stat(f, st) : -EINVAL;
	file_put(f);
	if (!err && nd.kind == K_DEV)
		st->rdev = devs[nd.n].rdev;     /* /dev/tty is the console, but named 5,0 */
	if (!err && nd.kind == K_TEXT && nd.n >= SYS_TEXT && SYS_WRITABLE(nd.n - SYS_TEXT))
		st->mode |= 0200;
	return err;
}

long kfs_readlink(const char *name, char *buf, unsigned long size)
{
	struct node nd;
	char abs[256];
	int r = lookup(absolute(name, abs, sizeof(abs)), 0, &nd);

	if (r <= 0)
		return r ? r : NOT_OURS;
	if (nd.kind != K_SELF && nd.kind != K_EXE && nd.kind != K_FD)
		return -EINVAL;
	r = link_text(&nd, buf, size);
	return r < (int)size ? r : (long)size;     /* negative: no link to give */
}

/*U:792 Two questions that are system calls rather than files.  sysinfo()
 * is how free and uptime ask for memory and time, in one structure: the
 * seconds since boot, the three load averages in 1/65536, RAM and free RAM
 * in units of mem_unit bytes (ours is 1: plain bytes, which 32 bits hold for
 * any Guest the Launcher will make), the number of processes.  syslog() is
 * how dmesg reads the kernel's log (U:790): the size of the ring, all of
 * it, or all of it and then nothing (-c); and how klogd reads it, waiting
 * for what it has not read yet and taking it (SYSLOG_ACTION_READ).  The
 * console-level commands are accepted and change nothing, the console
 * having one level: quiet or not. */
long sys_sysinfo(u32 ubuf, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	u32 si[16];
	int i;

	memset(si, 0, sizeof(si));
	si[0] = ns_in(monotonic_ns() - boot_ns, 1000000000);
	for (i = 0; i < 3; i++)
		si[1 + i] = load_average(i);
	si[4] = ram_size;
	si[5] = nr_free_pages() * PAGE_SIZE;
	si[7] = 0;                                  /* bufferram */
	for (i = 1; i < MAX_PROCS; i++)
		si[10] += procs[i].state != P_FREE;  /* procs, a u16 in the low half */
	si[13] = 1;                                 /* mem_unit */
	return copy_to_user(ubuf, si, 64) ? -EFAULT : 0;
}

#define SYSLOG_READ        2
#define SYSLOG_READ_ALL    3
#define SYSLOG_READ_CLEAR  4
#define SYSLOG_CLEAR       5
#define SYSLOG_SIZE_UNREAD 9
#define SYSLOG_SIZE_BUFFER 10

static char log_copy[16384];     /* filled and copied out with no sleep between: one serves all */

static int log_has_unread(void *unused)
{
	return log_unread() != 0;
}

long sys_syslog(u32 type, u32 ubuf, u32 len, u32 d, u32 e, u32 f)
{
	long n;

	switch (type) {
	case SYSLOG_SIZE_BUFFER:
		return 16384;
	case SYSLOG_SIZE_UNREAD:
		return log_unread();
	case SYSLOG_READ:
		if ((s32)len <= 0)
			return len ? -EINVAL : 0;
		n = wait_event(log_has_unread, NULL);
		if (n)
			return n;
		n = log_take(log_copy, len < sizeof(log_copy) ? len : sizeof(log_copy));
		return copy_to_user(ubuf, log_copy, n) ? -EFAULT : n;
	case SYSLOG_CLEAR:
		log_clear();
		return 0;
	case SYSLOG_READ_ALL:
	case SYSLOG_READ_CLEAR:
		if ((s32)len < 0)
			return -EINVAL;
		n = log_read(log_copy, len < sizeof(log_copy) ? len : sizeof(log_copy));
		n = copy_to_user(ubuf, log_copy, n) ? -EFAULT : n;
		if (n >= 0 && type == SYSLOG_READ_CLEAR)
			log_clear();
		return n;
	case 0: case 1: case 6: case 7: case 8:
		return 0;
	}
	return -EINVAL;
}
/*:*/

/*U:793 /proc/sys is where Linux keeps its tunables, a file for each, and
 * busybox's sysctl is how a script reads and sets them: it changes
 * directory to /proc/sys and turns kernel.hostname into kernel/hostname.  A
 * kernel this small has few knobs, so the tree holds the ones scripts look
 * for: the two names uname() reports, hostname and domainname, which a
 * write sets as sethostname() and setdomainname() do; what the kernel is
 * (ostype, osrelease, version); and two honest answers, 0 for IP forwarding,
 * which this kernel does not do, and 1 for overcommit, since mmap() is a
 * promise that only a page fault finds out (U:920).  The others are
 * read-only: opening one to write is EACCES, as for root on Linux.  The
 * directories are sys_dirs, each with its parent's index; a walk goes down
 * them one name at a time, and the last name may be a file of the one it
 * reached. */
static int sys_walk(const char **c, unsigned long *len, int n, struct node *nd)
{
	int dir = 0, i, k;

	for (i = 0; i < n; i++) {
		for (k = 1; k < NR_SYS_DIRS; k++)
			if (sys_dirs[k].parent == dir && is(c[i], len[i], sys_dirs[k].name))
				break;
		if (k < NR_SYS_DIRS) {
			dir = k;
			continue;
		}
		for (k = 0; i == n - 1 && k < NR_SYS_TEXTS; k++)
			if (sys_texts[k].dir == dir && is(c[i], len[i], sys_texts[k].name)) {
				nd->kind = K_TEXT;
				nd->n = SYS_TEXT + k;
				return 1;
			}
		return -ENOENT;
	}
	nd->kind = K_SYSDIR;
	nd->n = dir;
	return 1;
}

/* "/proc/sys/net/ipv4", for the directory a process stands in. */
static void sys_path(int dir, char *buf, unsigned long size)
{
	char up[24];

	if (!dir) {
		snprintf(buf, size, "/proc/sys");
		return;
	}
	sys_path(sys_dirs[dir].parent, up, sizeof(up));
	snprintf(buf, size, "%s/%s", up, sys_dirs[dir].name);
}

/* Entry i of a /proc/sys directory after "." and "..": its subdirectories, then its files. */
static void sys_name(int dir, long i, char *name, u8 *type)
{
	int k;

	for (k = 1; k < NR_SYS_DIRS; k++)
		if (sys_dirs[k].parent == dir && !i--) {
			memcpy(name, sys_dirs[k].name, strlen(sys_dirs[k].name) + 1);
			*type = DT_DIR;
			return;
		}
	for (k = 0; k < NR_SYS_TEXTS; k++)
		if (sys_texts[k].dir == dir && !i--) {
			memcpy(name, sys_texts[k].name, strlen(sys_texts[k].name) + 1);
			return;
		}
}

/*:*/

/*U:796 The files of /proc/sys: read, each is one line made when it is
 * opened, like every text of /proc (U:782); written, hostname and
 * domainname take the name they are given, without the newline that echo
 * adds, and every other file refuses to be opened for writing at all. */
static void sys_text(struct text *t, int k)
{
	static const char *const fixed[] = { 0, 0, "2.6.23-lguest-java", "Linux", "#1", "0", "1" };

	ADD("%s\n", k == 0 ? domainname : k == 1 ? hostname : fixed[k]);
}

/* A write to hostname or domainname: the name, without the newline echo adds. */
static long sysctl_write(struct file *f, const char *buf, u32 len)
{
	char *to = f->priv ? hostname : domainname;
	u32 n = len && buf[len - 1] == '\n' ? len - 1 : len;

	if (n > 64)
		return -EINVAL;
	memset(to, 0, 65);
	memcpy(to, buf, n);
	return len;
}

static long sysctl_stat(struct file *f, struct kstat *st)
{
	text_stat(f, st);
	st->mode |= 0200;
	return 0;
}

static const struct file_ops sysctl_ops = { .write = sysctl_write, .stat = sysctl_stat };

static struct file *sys_open(int k, u32 flags)
{
	struct file *f;

	if ((flags & O_ACCMODE) != 1 || !SYS_WRITABLE(k))    /* O_WRONLY */
		return ERR_PTR(-EACCES);
	f = file_new(&sysctl_ops, k ? (void *)1 : NULL, flags);
	return f ? f : ERR_PTR(-ENOMEM);
}
/*:*/

/*U:797 /proc/PID/maps is a process's list of ranges (U:110) as Linux
 * prints it: start and end, the rights and whether the range is shared
 * with others (s) or private (p), an offset, a device and an inode, and a
 * name.  This kernel maps no files, so the device and inode are 0 and the
 * offset is the page a range starts at in a shared segment, else 0; the
 * names are what the ranges are: the program's own image (below the heap),
 * [heap], [stack], and a shared segment as Linux names one, /SYSVkey, or
 * /dev/zero for mmap(MAP_SHARED) memory, both "(deleted)", since the file
 * Linux keeps behind them never had a name.  A student can watch malloc()
 * grow the heap, or mmap() add a range, with cat /proc/self/maps. */
static void pid_maps(struct text *t, struct process *p)
{
	unsigned int i;
	char name[72];

	for (i = 0; i < p->mm_nr_vmas; i++) {
		struct vma *v = &p->mm_vmas[i];
		u32 before = t->len;

		ADD("%08lx-%08lx %c%c%c%c %08lx 00:00 0", v->start, v->end, v->prot & PROT_READ ? 'r' : '-',
		    v->prot & PROT_WRITE ? 'w' : '-', v->prot & PROT_EXEC ? 'x' : '-', v->shm ? 's' : 'p',
		    (unsigned long)v->pgoff << PAGE_SHIFT);
		name[0] = 0;
		if (v->shm)
			shm_name(v->shm, name, sizeof(name));
		else if (v->end == USER_STACK_TOP)
			snprintf(name, sizeof(name), "[stack]");
		else if (v->start == p->mm_brk_start && p->mm_brk_start)
			snprintf(name, sizeof(name), "[heap]");
		else if (v->end <= p->mm_brk_start)
			snprintf(name, sizeof(name), "%s", p->exe);
		while (name[0] && t->len - before < 73 && t->len < sizeof(t->data) - 1)
			t->data[t->len++] = ' ';     /* the names in a column, as Linux pads them */
		ADD("%s", name);
		ADD("\n");
	}
}
/*:*/
