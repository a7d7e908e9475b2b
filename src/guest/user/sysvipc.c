/* System V shared memory and semaphores, and mmap(MAP_SHARED), run natively
 * and in a Guest, outputs compared (LinuxAbiTest): a segment seen by a child
 * and by a second attachment, its record (size, mode, attachments), removal
 * while attached, keys and their errors, what shmdt() detaches; a set of
 * semaphores, one semop() that waits and one that may not, a child waking
 * its parent, SEM_UNDO at a child's end, GETNCNT, a timeout, EIDRM, ERANGE
 * and EFBIG; a futex in shared memory, waited on by a child and woken by its
 * parent; message queues, by type, waiting, full, removed.  Through ipc(),
 * as glibc calls them, and through the calls of
 * their own that Linux 5.1 added.  No C library: int $0x80 only. */
#include "print.h"

#define SYS_fork      2
#define SYS_waitpid   7
#define SYS_getpid   20
#define SYS_futex   240
#define SYS_munmap   91
#define SYS_ipc     117
#define SYS_nanosleep 162
#define SYS_mmap2   192
#define SYS_semget  393
#define SYS_semctl  394
#define SYS_shmget  395
#define SYS_shmctl  396
#define SYS_shmat   397
#define SYS_shmdt   398
#define SYS_msgget  399
#define SYS_msgsnd  400
#define SYS_msgrcv  401
#define SYS_msgctl  402

#define SEMOP 1
#define SEMGET 2
#define SEMCTL 3
#define SEMTIMEDOP 4
#define SHMAT 21
#define SHMDT 22
#define SHMGET 23
#define SHMCTL 24
#define MSGSND 11
#define MSGRCV 12
#define MSGGET 13
#define MSGCTL 14
#define IPC_CREAT 01000
#define IPC_EXCL 02000
#define IPC_NOWAIT 04000
#define IPC_RMID 0
#define IPC_STAT (2 | 0x100)
#define GETPID 11
#define GETVAL 12
#define GETALL 13
#define GETNCNT 14
#define SETVAL 16
#define SETALL 17
#define SEM_UNDO 0x1000

struct sembuf { unsigned short num; short op; short flags; };

static void line(const char *what, long v)
{
	put(what);
	hex(v);
	put("\n");
}

static long ipc(long call, long first, long second, long third, long ptr, long fifth)
{
	return sys6(SYS_ipc, call, first, second, third, ptr, fifth);
}

static long semctl(long id, long num, long cmd, long arg)
{
	return ipc(SEMCTL, id, num, cmd | 0x100, (long)&arg, 0);
}

static long semop1(long id, int num, int op, int flags)
{
	struct sembuf b = { num, op, flags };

	return ipc(SEMOP, id, 1, 0, (long)&b, 0);
}

static void nap(long ms)
{
	long ts[2] = { 0, ms * 1000000 };

	syscall3(SYS_nanosleep, (long)ts, 0, 0);
}

static long fork_(void)
{
	flush();
	return syscall3(SYS_fork, 0, 0, 0);
}

static void reap(long pid)
{
	int status;

	syscall3(SYS_waitpid, pid, (long)&status, 0);
}

static void child_exit(void)
{
	flush();
	exit(0);
}

/* A segment's record, struct shmid64_ds: size, mode, attachments, creator. */
static void shm_record(const char *what, long id)
{
	unsigned long d[21];
	long r = ipc(SHMCTL, id, IPC_STAT, 0, (long)d, 0);

	put(what);
	hex(r);
	if (r == 0) {
		hex(d[9]);                            /* shm_segsz */
		hex(d[5] & 0xFFFF);                   /* mode */
		hex(d[0] & 0xFFFF0000);               /* key (ours is 0x5eed and our pid) */
		hex(d[18]);                           /* shm_nattch */
		hex(d[16] == syscall3(SYS_getpid, 0, 0, 0));   /* shm_cpid: us */
	}
	put("\n");
}

static void shared_memory(void)
{
	long id, key = 0x5eed0000 + (syscall3(SYS_getpid, 0, 0, 0) & 0xFFFF), pid;
	unsigned long at = 0, at2;
	volatile char *p, *q;

	id = ipc(SHMGET, 0, 10000, IPC_CREAT | 0600, 0, 0);
	line("shmget IPC_PRIVATE, 10000 bytes, made one:", id >= 0);
	line("shmat through ipc():", ipc(SHMAT, id, 0, (long)&at, 0, 0));
	line("  on a page boundary:", (at & 4095) == 0);
	p = (volatile char *)at;
	line("  fresh memory is zero:", p[0] | p[9999] | p[12287]);
	p[0] = 'a';
	shm_record("the record:", id);
	if ((pid = fork_()) == 0) {
		p[1] = 'b';
		shm_record("the child's record:", id);
		child_exit();
	}
	reap(pid);
	line("the child's write, seen by the parent:", p[1]);
	shm_record("after the child's end:", id);
	at2 = sys6(SYS_shmat, id, 0, 0, 0, 0, 0);
	q = (volatile char *)at2;
	line("a second attachment, through shmat():", at2 != at && q[0] == 'a');
	q[2] = 'c';
	line("  its write seen through the first:", p[2]);
	shm_record("two attachments:", id);
	line("shmdt of the second:", sys6(SYS_shmdt, at2, 0, 0, 0, 0, 0));
	line("shmdt of the second again:", sys6(SYS_shmdt, at2, 0, 0, 0, 0, 0));
	line("shmdt inside the first:", ipc(SHMDT, 0, 0, 0, at + 4096 + 1, 0));
	line("munmap of the first's first page:", syscall3(SYS_munmap, at, 4096, 0));
	shm_record("what is left is one attachment:", id);
	line("shmdt where it began still detaches the rest:", ipc(SHMDT, 0, 0, 0, at, 0));
	shm_record("none now:", id);
	at = sys6(SYS_shmat, id, 0, 0, 0, 0, 0);
	line("attached again, still there:", ((volatile char *)at)[2]);
	line("IPC_RMID while attached:", ipc(SHMCTL, id, IPC_RMID | 0x100, 0, 0, 0));
	shm_record("  its record:", id);
	line("  and still usable:", ((volatile char *)at)[1]);
	line("shmget by its key no longer finds it:", ipc(SHMGET, 0, 0, 0, 0, 0) == id);
	line("shmdt of the last attachment:", ipc(SHMDT, 0, 0, 0, at, 0));
	shm_record("then it is gone:", id);
	line("shmat of it:", sys6(SYS_shmat, id, 0, 0, 0, 0, 0));

	id = sys6(SYS_shmget, key, 4096, IPC_CREAT | IPC_EXCL | 0640, 0, 0, 0);
	line("shmget of a key, made:", id >= 0);
	line("  the same key with IPC_EXCL:", sys6(SYS_shmget, key, 4096, IPC_CREAT | IPC_EXCL | 0640, 0, 0, 0));
	line("  the same key, found:", sys6(SYS_shmget, key, 0, 0, 0, 0, 0) == id);
	line("  asking for more than it has:", sys6(SYS_shmget, key, 8192, 0, 0, 0, 0));
	line("  another key, not made:", sys6(SYS_shmget, key + 1, 4096, 0, 0, 0, 0));
	line("  size 0, made:", sys6(SYS_shmget, key + 1, 0, IPC_CREAT, 0, 0, 0));
	line("  at an address not a page's:", sys6(SYS_shmat, id, 0x50000010, 0, 0, 0, 0));
	line("  at a page's, rounded down (SHM_RND):", sys6(SYS_shmat, id, 0x50000010, 020000, 0, 0, 0));
	line("  over it again:", sys6(SYS_shmat, id, 0x50000000, 0, 0, 0, 0));
	line("  over it again with SHM_REMAP:", sys6(SYS_shmat, id, 0x50000000, 040000, 0, 0, 0));
	shm_record("  its record:", id);
	{
		unsigned long d[21];

		ipc(SHMCTL, id, IPC_STAT, 0, (long)d, 0);
		d[5] = 0604;
		line("  IPC_SET of its mode to 0604:", ipc(SHMCTL, id, 1 | 0x100, 0, (long)d, 0));
		shm_record("  its record:", id);
	}
	line("  removed:", sys6(SYS_shmctl, id, IPC_RMID, 0, 0, 0, 0));
	line("  detached:", sys6(SYS_shmdt, 0x50000000, 0, 0, 0, 0, 0));
	line("a bad id:", sys6(SYS_shmctl, 12345, IPC_STAT, 0, 0, 0, 0));
}

/* mmap(MAP_SHARED | MAP_ANONYMOUS) is shared with a child; MAP_PRIVATE is copied. */
static void shared_mapping(void)
{
	volatile int *s = (int *)sys6(SYS_mmap2, 0, 8192, 3, 0x21, -1, 0);
	volatile int *v = (int *)sys6(SYS_mmap2, 0, 4096, 3, 0x22, -1, 0);
	long pid;

	s[0] = 1;
	v[0] = 1;
	if ((pid = fork_()) == 0) {
		s[0] = 2;
		s[1025] = 3;
		v[0] = 2;
		child_exit();
	}
	reap(pid);
	line("MAP_SHARED, the child's writes:", s[0] * 16 + s[1025]);
	line("MAP_PRIVATE, the child's write:", v[0]);
	line("munmap of the shared mapping:", syscall3(SYS_munmap, (long)s, 8192, 0));
}

/* A futex word in a MAP_SHARED page: the parent wakes the child asleep on it. */
static void shared_futex(void)
{
	volatile int *w = (int *)sys6(SYS_mmap2, 0, 4096, 3, 0x21, -1, 0);
	long pid, woken = 0, tries, ts[2] = { 0, 10000000 };

	line("FUTEX_WAIT, the word not what it holds:", sys6(SYS_futex, (long)w, 0, 5, 0, 0, 0));
	line("FUTEX_WAIT for 10 ms:", sys6(SYS_futex, (long)w, 0, 0, (long)ts, 0, 0));
	line("FUTEX_WAKE with nobody asleep:", sys6(SYS_futex, (long)w, 1, 1, 0, 0, 0));
	if ((pid = fork_()) == 0) {
		line("the child slept on the word until woken:", sys6(SYS_futex, (long)w, 0, 0, 0, 0, 0));
		child_exit();
	}
	for (tries = 0; tries < 1000 && !woken; tries++) {
		nap(10);
		woken = sys6(SYS_futex, (long)w, 1, 1, 0, 0, 0);
	}
	reap(pid);
	line("the parent woke:", woken);
}

static void semaphores(void)
{
	long id = ipc(SEMGET, 0, 3, IPC_CREAT | 0600, 0, 0), pid, ts[2] = { 0, 50000000 };
	unsigned short all[3] = { 7, 8, 9 };
	struct sembuf two[2] = { { 0, -1, IPC_NOWAIT }, { 1, 1, 0 } };

	line("semget IPC_PRIVATE, 3 counters, made one:", id >= 0);
	line("a fresh counter:", semctl(id, 0, GETVAL, 0));
	line("SETVAL 1:", semctl(id, 0, SETVAL, 1));
	line("take it (IPC_NOWAIT):", semop1(id, 0, -1, IPC_NOWAIT));
	line("take it again (IPC_NOWAIT):", semop1(id, 0, -1, IPC_NOWAIT));
	line("wait for zero, which it is:", semop1(id, 0, 0, 0));
	line("two at once, one of which must wait (IPC_NOWAIT):", ipc(SEMOP, id, 2, 0, (long)two, 0));
	line("  so the other did not happen:", semctl(id, 1, GETVAL, 0));
	two[0].flags = 0;
	line("with a timeout of 50 ms:", ipc(SEMTIMEDOP, id, 2, 0, (long)two, (long)ts));
	line("  the other still not:", semctl(id, 1, GETVAL, 0));
	line("SETALL:", semctl(id, 0, SETALL, (long)all));
	all[0] = all[1] = all[2] = 0;
	line("GETALL:", semctl(id, 0, GETALL, (long)all));
	line("  reads:", all[0] * 256 + all[1] * 16 + all[2]);
	line("SETVAL past SEMVMX:", semctl(id, 0, SETVAL, 32768));
	line("a counter the set has not:", semop1(id, 5, 1, 0));
	line("adding past SEMVMX:", semop1(id, 0, 32767, 0));
	semctl(id, 0, SETVAL, 0);
	if ((pid = fork_()) == 0) {
		nap(50);
		line("the child: the parent waits on counter 0:", semctl(id, 0, GETNCNT, 0));
		line("the child gives it 2:", semop1(id, 0, 2, 0));
		child_exit();
	}
	line("the parent waited and took 1:", semop1(id, 0, -1, 0));
	reap(pid);
	line("  leaving:", semctl(id, 0, GETVAL, 0));
	line("  and GETPID says the child:", semctl(id, 0, GETPID, 0) == pid);
	if ((pid = fork_()) == 0) {
		line("the child adds 5 with SEM_UNDO:", semop1(id, 2, 5, SEM_UNDO));
		line("  and 3 without:", semop1(id, 2, 3, 0));
		child_exit();
	}
	reap(pid);
	line("after its end, the counter keeps the 3:", semctl(id, 2, GETVAL, 0));
	if ((pid = fork_()) == 0) {
		line("the child's wait while the set is removed:", semop1(id, 1, -100, 0));
		child_exit();
	}
	nap(50);
	line("removed:", semctl(id, 0, IPC_RMID, 0));
	reap(pid);
	line("then a bad id:", semctl(id, 0, GETVAL, 0));
	id = sys6(SYS_semget, 0, 1, IPC_CREAT | 0600, 0, 0, 0);
	line("semget() and semctl() of their own:", sys6(SYS_semctl, id, 0, SETVAL, 4, 0, 0));
	line("  GETVAL:", sys6(SYS_semctl, id, 0, GETVAL, 0, 0, 0));
	line("  removed:", sys6(SYS_semctl, id, 0, IPC_RMID, 0, 0, 0));
	line("semget asking for no counters:", ipc(SEMGET, 0, 0, IPC_CREAT | 0600, 0, 0));
}

struct message { long type; char text[200]; };

static long msgsnd(long id, long type, const char *text, long n, long flags)
{
	struct message m;
	long i;

	m.type = type;
	for (i = 0; i < n; i++)
		m.text[i] = text[i];
	return ipc(MSGSND, id, n, flags, (long)&m, 0);
}

/* msgrcv through ipc(), which takes { buffer, type } by pointer: the length
 * (or error), the type and the text's first byte. */
static void msgrcv(const char *what, long id, long size, long type, long flags)
{
	struct message m = { 0, { 0 } };
	long pair[2] = { (long)&m, type };

	put(what);
	hex(ipc(MSGRCV, id, size, flags, (long)pair, 0));
	hex(m.type);
	hex(m.text[0]);
	put("\n");
}

static void message_queues(void)
{
	long id = ipc(MSGGET, 0, IPC_CREAT | 0600, 0, 0, 0), pid, n;
	unsigned long d[22];

	line("msgget IPC_PRIVATE, made one:", id >= 0);
	line("msgsnd of type 0:", msgsnd(id, 0, "x", 1, 0));
	msgsnd(id, 1, "one", 3, 0);
	msgsnd(id, 2, "two", 3, 0);
	msgsnd(id, 3, "three", 5, 0);
	msgsnd(id, 2, "deux", 4, 0);
	ipc(MSGCTL, id, IPC_STAT, 0, (long)d, 0);
	line("the record: messages, bytes:", d[16] * 256 + d[15]);
	msgrcv("the first of type 2:", id, 100, 2, 0);
	msgrcv("the first not of type 1:", id, 100, 1, 020000);
	msgrcv("the lowest type up to 3:", id, 100, -3, 0);
	msgrcv("too long for 2 bytes:", id, 2, 0, 0);
	msgrcv("cut to 2 bytes (MSG_NOERROR):", id, 2, 0, 010000);
	msgrcv("type 9, IPC_NOWAIT:", id, 100, 9, IPC_NOWAIT);
	msgrcv("an empty queue, IPC_NOWAIT:", id, 100, 0, IPC_NOWAIT);
	if ((pid = fork_()) == 0) {
		msgrcv("the child waited for type 5:", id, 100, 5, 0);
		child_exit();
	}
	nap(50);
	line("the parent sends type 4, then 5:", msgsnd(id, 4, "four", 4, 0) | msgsnd(id, 5, "five", 4, 0));
	reap(pid);
	msgrcv("type 4 is still there:", id, 100, 0, 0);
	ipc(MSGCTL, id, IPC_STAT, 0, (long)d, 0);
	d[17] = 1000;
	line("IPC_SET of its limit to 1000 bytes:", ipc(MSGCTL, id, 1 | 0x100, 0, (long)d, 0));
	for (n = 0; n < 20 && msgsnd(id, 1, "0123456789", 100, IPC_NOWAIT) == 0; n++)
		;
	line("100-byte messages that fit:", n);
	line("then, IPC_NOWAIT:", msgsnd(id, 1, "x", 100, IPC_NOWAIT));
	if ((pid = fork_()) == 0) {
		line("the child's send to the full queue, removed:", msgsnd(id, 1, "x", 100, 0));
		child_exit();
	}
	nap(50);
	line("removed:", sys6(SYS_msgctl, id, IPC_RMID, 0, 0, 0, 0));
	reap(pid);
	line("then a bad id:", sys6(SYS_msgsnd, id, (long)d, 1, 0, 0, 0));
	id = sys6(SYS_msgget, 0, IPC_CREAT | 0600, 0, 0, 0, 0);
	d[0] = 7;
	d[1] = 'q';
	line("msgget() and msgsnd() of their own:", sys6(SYS_msgsnd, id, (long)d, 1, 0, 0, 0));
	d[0] = d[1] = 0;
	line("  msgrcv():", sys6(SYS_msgrcv, id, (long)d, 10, 0, 0, 0) * 256 + d[0] * 16 + (d[1] & 0xFF));
	line("  removed:", sys6(SYS_msgctl, id, IPC_RMID, 0, 0, 0, 0));
}

void _start(void)
{
	shared_memory();
	shared_mapping();
	shared_futex();
	semaphores();
	message_queues();
	flush();
	exit(0);
}
