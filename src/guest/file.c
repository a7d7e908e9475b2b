#include "file.h"

#define O_RDONLY   00
#define O_WRONLY   01
#define O_ACCMODE  03
#define O_APPEND   02000
#define O_CLOEXEC  02000000
#define F_DUPFD    0
#define F_SETOWN   8
#define F_GETOWN   9
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define POLLIN   0x001
#define POLLOUT  0x004
#define POLLERR  0x008
#define POLLHUP  0x010
#define POLLNVAL 0x020
#define MAX_FILES 2048
#define MAX_PIPES 32
#define PIPE_SIZE PAGE_SIZE

/*U:500 A process spends most of its system calls reading and writing, and
 * what it reads and writes is named by a small number: a file descriptor.
 * Behind the number is an open file, a small structure with a reference
 * count: a
 * descriptor holds one reference, dup() makes another descriptor with another
 * reference to the same structure, and fork() gives the child a reference for
 * every descriptor it inherits.  That is why, after fork(), parent and child
 * share one file offset, and why "exec >file" in a subshell moves the offset
 * its parent sees: Unix has always worked so, and shell scripts depend on it.
 * The structures come from a fixed pool; a kernel that runs a shell and a few
 * of its children rarely has more than a dozen open. */
static struct file file_pool[MAX_FILES];

struct file *file_new(const struct file_ops *ops, void *priv, u32 flags)
{
	unsigned int i;

	for (i = 0; i < MAX_FILES; i++) {
		if (file_pool[i].refs == 0) {
			struct file *f = &file_pool[i];

			f->ops = ops;
			f->refs = 1;
			f->flags = flags & ~O_CLOEXEC;
			f->pos = 0;
			f->priv = priv;
			f->owner = 0;
			return f;
		}
	}
	return NULL;
}

void file_get(struct file *f)
{
	f->refs++;
}

void file_put(struct file *f)
{
	if (--f->refs == 0 && f->ops->release)
		f->ops->release(f);
}
/*:*/

/* FD_CLOEXEC bits: 1024 of them, U:925. */
static void set_cloexec(struct process *p, int fd, int on)
{
	if (on)
		p->cloexec[fd / 32] |= 1U << (fd % 32);
	else
		p->cloexec[fd / 32] &= ~(1U << (fd % 32));
}

static int get_cloexec(int fd)
{
	return (current.cloexec[fd / 32] >> (fd % 32)) & 1;
}

/*U:505 The descriptor table is an array of pointers per process, with the
 * close-on-exec flag beside it as a bitmap: FD_CLOEXEC belongs to the
 * descriptor, not to the open file, so two dups of one file can disagree
 * about it.  A new descriptor is always the lowest free one at or above some
 * minimum, a rule so old that shells rely on it ("close(1); dup(fd)" is how a
 * redirection was written before dup2 existed).
 *
 * The table lives and dies with its process: fork() copies it, one more
 * reference per open file (and the working directory with it, which is per
 * process too); exit closes everything; execve() closes only what is marked
 * close-on-exec.  Those three look only below fd_top, a mark one past the
 * highest descriptor ever filled, since most processes use a handful of the
 * 1024 slots and every fork, exec and exit would otherwise visit them all. */
static int fd_set_slot(int fd, struct file *f, int cloexec)
{
	current.fd_top = fd < current.fd_top ? current.fd_top : fd + 1;
	current.fds[fd] = f;
	set_cloexec(current_proc, fd, cloexec);
	return fd;
}

int fd_install(struct file *f, int min_fd, int cloexec)
{
	int fd;

	unsigned int limit = nofile_limit(current_proc);   /* U:370 */

	for (fd = min_fd < 0 ? 0 : min_fd; fd < (int)limit; fd++)
		if (!current.fds[fd])
			return fd_set_slot(fd, f, cloexec);
	return -EMFILE;
}

struct file *fd_file(int fd)
{
	return fd >= 0 && fd < NR_OPEN ? current.fds[fd] : NULL;
}

static long fd_close(int fd)
{
	struct file *f = fd_file(fd);

	if (!f)
		return -EBADF;
	current.fds[fd] = NULL;
	set_cloexec(current_proc, fd, 0);
	file_put(f);
	return 0;
}

u32 cwd_inode(void)
{
	return current.cwd ? current.cwd : 2;
}

void set_cwd_inode(u32 ino)
{
	current.cwd = ino;
}

/* fork(): the child gets a reference to each of its parent's files. */
void files_fork(struct process *child)
{
	int fd;

	for (fd = 0; fd < current.fd_top; fd++)
		if ((child->fds[fd] = current.fds[fd]))
			file_get(child->fds[fd]);
	child->fd_top = current.fd_top;
	memcpy(child->cloexec, current.cloexec, sizeof(child->cloexec));
	child->cwd = current.cwd;
	child->root = current.root;
}

void files_close_all(void)
{
	int fd;

	for (fd = 0; fd < current.fd_top; fd++)
		fd_close(fd);
}

/* execve(): the descriptors marked close-on-exec go (ash keeps its saved
 * copies of 0, 1 and 2 at 10 and up that way, so a command it runs never
 * sees them). */
void files_exec(void)
{
	int fd;

	for (fd = 0; fd < current.fd_top; fd++)
		if (get_cloexec(fd))
			fd_close(fd);
}
/*:*/

/*U:925 How many descriptors?  Linux gives a process 1024 unless it asks for
 * more, and busybox takes it at its word: find, rm -r and cp -r keep one
 * directory open per level they are below, so a tree 400 deep needs 400
 * descriptors at once, and with 64 of them "rm -rf" failed with EMFILE at
 * depth 62.  So the table has Linux's 1024 slots, and what they cost is
 * fixed and known in advance: one page of pointers per process, taken at
 * fork() (no page, no fork: ENOMEM) and given back when it is reaped, and
 * 128 bytes of close-on-exec bits in its slot; a pool of 2048 open files in
 * the kernel (48 KiB); and, once a disk is mounted, 36 pages for ext2's 1044
 * in-memory inodes, since each open directory holds its inode.  A kernel
 * image that grew by all of it would not leave a 4 MiB Guest room for
 * busybox.  Nothing grows with what a process asks for: its 1025th open
 * descriptor is EMFILE, and the 2049th open file or the 1045th busy inode
 * of the whole system an error too (EMFILE or ENOMEM), never a panic.  A
 * process's list of address-space ranges is kept the same way, on a page
 * taken at fork: 341 of them, where the 64 in its slot had been too few for
 * a program that unmaps every other page of a mapping (valgrind's
 * map_unmap).  Linux allows 65,530; the 342nd here is ENOMEM, as theirs is. :*/

/*U:510 The console becomes a file like any other.  Reading waits until the
 * keyboard (the Launcher's standard input) has something, or has ended:
 * after the end every read returns 0, which is how "printf 'echo hi\n' |
 * bin/lguest ... -- sh" ends its shell (D:315).  Unless the Launcher says
 * its input is a terminal (then reads, writes and ioctls go to the tty of
 * U:800), there is no terminal behind it, so every ioctl says "not a tty"
 * (busybox's ash then runs non-interactively, without job control, exactly
 * as it does when its input is a pipe).  Its stat is /dev/console's, a
 * character device 5:1. */
static int console_readable(void *unused)
{
	(void)unused;
	return console_ready() || console_eof();
}

static long console_file_read(struct file *f, char *buf, u32 len)
{
	long err;

	if (console_is_tty())
		return tty_read(buf, len, f->flags & O_NONBLOCK);
	if (!console_readable(NULL) && (f->flags & O_NONBLOCK))
		return -EAGAIN;
	err = wait_event(console_readable, NULL);
	if (err)
		return err;
	return console_read(buf, len);
}

static long console_file_write(struct file *f, const char *buf, u32 len)
{
	(void)f;
	if (console_is_tty())
		return tty_write(buf, len);
	console_write(buf, len);
	return len;
}

static long console_file_stat(struct file *f, struct kstat *st)
{
	(void)f;
	memset(st, 0, sizeof(*st));
	st->mode = 0020620;
	st->nlink = 1;
	st->rdev = (5 << 8) | 1;
	st->blksize = 4096;
	return 0;
}

static long console_file_ioctl(struct file *f, u32 cmd, u32 arg)
{
	(void)f;
	if (console_is_tty())
		return tty_ioctl(cmd, arg);
	return -ENOTTY;
}

static const struct file_ops console_ops = {
	.read = console_file_read,
	.write = console_file_write,
	.stat = console_file_stat,
	.ioctl = console_file_ioctl,
};


/* The first process starts with the console open as 0, 1 and 2: one open
 * file, three descriptors, as a getty would leave them. */
void console_files_init(void)
{
	struct file *f = file_new(&console_ops, NULL, O_RDWR);

	if (!f)
		panic("no file for the console");
	fd_set_slot(0, f, 0);
	file_get(f);
	fd_set_slot(1, f, 0);
	file_get(f);
	fd_set_slot(2, f, 0);
}
/*:*/

/*U:515 Three more character devices, for programs that expect them:
 * /dev/null, which swallows what is written and has nothing to read (ash
 * gives it to a background command as its standard input), /dev/zero,
 * endless zeroes, and /dev/tty, which for a kernel with one console is the
 * console.  They are found by their device numbers, as Linux finds them, so
 * that a device node anywhere on the disk works the same as its name in the
 * kernel's own /dev (U:788). */
static long null_read(struct file *f, char *buf, u32 len)
{
	return 0;
}

static long null_write(struct file *f, const char *buf, u32 len)
{
	return len;
}

static long zero_read(struct file *f, char *buf, u32 len)
{
	memset(buf, 0, len);
	return len;
}

static long mem_seek(struct file *f, s64 offset, int whence)
{
	f->pos = 0;
	return 0;
}

static long mem_stat(struct file *f, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	st->mode = 0020666;
	st->nlink = 1;
	st->rdev = (1 << 8) | (f->ops->read == zero_read ? 5 : 3);
	st->blksize = 4096;
	return 0;
}

static const struct file_ops null_ops = {
	.read = null_read, .write = null_write, .lseek = mem_seek, .stat = mem_stat,
};
static const struct file_ops zero_ops = {
	.read = zero_read, .write = null_write, .lseek = mem_seek, .stat = mem_stat,
};

struct file *chrdev_open(u32 rdev, u32 flags)
{
	const struct file_ops *ops;
	struct file *f;

	switch (rdev) {
	case (1 << 8) | 3: ops = &null_ops; break;
	case (1 << 8) | 5: ops = &zero_ops; break;
	case (5 << 8) | 0:
	case (5 << 8) | 1: ops = &console_ops; break;
	case (252 << 8) | 0: ops = &rtc_ops; break;
	default: return ERR_PTR(-ENXIO);
	}
	f = file_new(ops, NULL, flags);
	return f ? f : ERR_PTR(-ENOMEM);
}

/*:*/

/*U:520 A pipe is a page of memory used as a ring, with two open files on
 * it: one that reads, one that writes.  Its whole behaviour is four rules, and
 * every shell pipeline depends on all of them:
 *
 *   - a read of an empty pipe waits, unless nobody can write to it any more,
 *     in which case it returns 0: end of file.  "echo a | cat" ends because
 *     echo's exit closes the last writer;
 *   - a write to a full pipe waits until the reader has made room;
 *   - a write with no reader left gets SIGPIPE, and -EPIPE if it survives
 *     that, which is how "seq 1 1000000 | head -1" stops seq;
 *   - a read returns what is there, not what was asked for.
 *
 * "Nobody can write" is counted in open files, not descriptors: a writer
 * that is still open in some forgotten descriptor (the shell's own copy, a
 * child that inherited it) keeps the reader waiting forever, which is why
 * shells close so carefully after fork(). */
struct pipe {
	char *buf;
	u32 head, tail;           /* free-running: bytes in = head - tail */
	int readers, writers;
	u32 fifo;                 /* a named pipe's inode number, 0 for pipe() (U:528) */
	u32 reader_opens, writer_opens;   /* opens ever, for a FIFO's open() to wait on */
	struct pipe *peer;        /* a socketpair's other pipe (U:526), or NULL */
	int shut_rd, shut_wr;     /* shutdown() of the socketpair end that reads this pipe */
};
static struct pipe pipes[MAX_PIPES];

static int pipe_readable(void *arg)
{
	struct pipe *p = arg;

	return p->head != p->tail || p->writers == 0;
}

static int pipe_writable(void *arg)
{
	struct pipe *p = arg;

	return p->head - p->tail < PIPE_SIZE || p->readers == 0;
}

static long pipe_read(struct file *f, char *buf, u32 len)
{
	struct pipe *p = f->priv;
	u32 n = 0;
	long err;

	if (!pipe_readable(p) && (f->flags & O_NONBLOCK))
		return -EAGAIN;
	err = wait_event(pipe_readable, p);
	if (err)
		return err;
	while (n < len && p->tail != p->head)
		buf[n++] = p->buf[p->tail++ % PIPE_SIZE];
	return n;
}

static long pipe_put(struct pipe *p, u32 flags, const char *buf, u32 len)
{
	u32 n = 0;
	long err;

	while (n < len) {
		if (p->readers == 0) {
			send_signal(current_proc, SIGPIPE);
			return n ? (long)n : -EPIPE;
		}
		if (!pipe_writable(p) && (flags & O_NONBLOCK))
			return n ? (long)n : -EAGAIN;
		err = wait_event(pipe_writable, p);
		if (err)
			return n ? (long)n : err;
		while (n < len && p->head - p->tail < PIPE_SIZE)
			p->buf[p->head++ % PIPE_SIZE] = buf[n++];
	}
	return n;
}

static long pipe_write(struct file *f, const char *buf, u32 len)
{
	return pipe_put(f->priv, f->flags, buf, len);
}

/*:*/

/*U:525 A pipe's end is an open file like any other, so the counting of
 * readers and writers is done where open files die: the last close of an
 * end, however many descriptors and processes shared it, is its release.
 * When both ends are gone, so is the page. */
static void pipe_free_unused(struct pipe *p)
{
	if (p->buf && !p->readers && !p->writers) {
		free_page(p->buf);
		p->buf = NULL;
		p->fifo = 0;
	}
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;

	if ((f->flags & O_ACCMODE) != O_RDONLY)
		p->writers--;
	if ((f->flags & O_ACCMODE) != O_WRONLY)
		p->readers--;
	pipe_free_unused(p);
}

static long pipe_stat(struct file *f, struct kstat *st)
{
	struct pipe *p = f->priv;

	memset(st, 0, sizeof(*st));
	st->ino = p->fifo ? p->fifo : 0x10000 + (u32)(p - pipes);   /* a FIFO's is its inode's */
	st->mode = 0010600;       /* S_IFIFO | rw------- */
	st->nlink = 1;
	st->blksize = PAGE_SIZE;
	return 0;
}

static const struct file_ops pipe_read_ops = {
	.read = pipe_read, .stat = pipe_stat, .release = pipe_release,
};
static const struct file_ops pipe_write_ops = {
	.write = pipe_write, .stat = pipe_stat, .release = pipe_release,
};
static const struct file_ops pipe_rdwr_ops = {   /* a FIFO opened O_RDWR */
	.read = pipe_read, .write = pipe_write, .stat = pipe_stat, .release = pipe_release,
};

/*:*/

/*U:526 Two pipes, crossed, are a pair of connected stream sockets: what
 * socketpair(AF_UNIX, SOCK_STREAM) makes, and what busybox's wget uses to
 * talk to its TLS helper, ssl_client, when it fetches an https:// address.
 * Each end reads one pipe and writes the other, its peer; closing an end
 * closes the reader of one and the writer of the other, so U:520's rules
 * hold both ways: end of file once the other end is gone, EPIPE and
 * SIGPIPE for writing to an end that cannot read any more.  shutdown()
 * closes one direction early (wget shuts its writing once the request is
 * sent), and the end stays open for the other.  It is AF_UNIX in name
 * only: such a pair has no address, and the only AF_UNIX sockets with
 * names are datagram ones, which are another thing (U:877). */
static const struct file_ops pair_ops;

static long pair_read(struct file *f, char *buf, u32 len)
{
	struct pipe *p = f->priv;

	return p->shut_rd ? 0 : pipe_read(f, buf, len);
}

static long pair_write(struct file *f, const char *buf, u32 len)
{
	struct pipe *p = f->priv;

	if (p->shut_wr) {
		send_signal(current_proc, SIGPIPE);
		return -EPIPE;
	}
	return pipe_put(p->peer, f->flags, buf, len);
}

static u32 pair_poll(struct file *f)
{
	struct pipe *p = f->priv, *q = p->peer;
	u32 r = 0;

	if (p->head != p->tail || !p->writers || p->shut_rd)
		r |= POLLIN;
	if (!q->readers || p->shut_wr || q->head - q->tail < PIPE_SIZE)
		r |= POLLOUT;
	return r | (!p->writers && !q->readers ? POLLHUP : 0);
}

/* SHUT_RD (0), SHUT_WR (1) or both (2); -ENOTSOCK for any other file. */
long pair_shutdown(struct file *f, u32 how)
{
	struct pipe *p = f->priv;

	if (f->ops != &pair_ops)
		return -ENOTSOCK;
	if (how > 2)
		return -EINVAL;
	if (how != 1 && !p->shut_rd) {
		p->shut_rd = 1;
		p->readers--;
	}
	if (how != 0 && !p->shut_wr) {
		p->shut_wr = 1;
		p->peer->writers--;
	}
	return 0;
}

static void pair_release(struct file *f)
{
	struct pipe *p = f->priv, *q = p->peer;

	pair_shutdown(f, 2);
	pipe_free_unused(p);
	pipe_free_unused(q);
}

static long pair_stat(struct file *f, struct kstat *st)
{
	struct pipe *p = f->priv;

	memset(st, 0, sizeof(*st));
	st->ino = 0x30000 + (u32)(p - pipes);
	st->mode = 0140777;       /* S_IFSOCK | rwxrwxrwx, as Linux shows a socket */
	st->nlink = 1;
	st->blksize = PAGE_SIZE;
	return 0;
}

static const struct file_ops pair_ops = {
	.read = pair_read, .write = pair_write, .poll = pair_poll, .stat = pair_stat,
	.release = pair_release,
};

/*:*/

/*U:523 pipe2() makes the two open files and puts them in the two lowest
 * free descriptors, reading end first, as every shell expects; socketpair()
 * does the same with its two ends, and both end in install_two() (U:527).
 * Most of the code is undoing: a pipe half made (no file left, no
 * descriptor left, or a bad pointer to write the numbers to) must not leave
 * a page, a file or a descriptor behind. */
/* A free pipe with its page and no end open yet (fifo: the named pipe's
 * inode, U:528, or 0), or NULL when there is no pipe or no page left. */
static struct pipe *pipe_new(u32 fifo)
{
	int i;

	for (i = 0; i < MAX_PIPES; i++)
		if (!pipes[i].buf) {
			struct pipe *p = &pipes[i];

			if (!(p->buf = try_alloc_page()))
				return NULL;
			p->head = p->tail = 0;
			p->readers = p->writers = 0;
			p->reader_opens = p->writer_opens = 0;
			p->fifo = fifo;
			p->peer = NULL;
			p->shut_rd = p->shut_wr = 0;
			return p;
		}
	return NULL;
}

static long install_two(struct file *a, struct file *b, int cloexec, u32 ufds);

static long do_pipe(u32 ufds, u32 flags)
{
	struct pipe *p;
	struct file *r, *w;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	if (!(p = pipe_new(0)))
		return -EMFILE;
	p->readers = p->writers = 1;
	r = file_new(&pipe_read_ops, p, flags & O_NONBLOCK);
	w = file_new(&pipe_write_ops, p, O_WRONLY | (flags & O_NONBLOCK));
	if (!r || !w) {
		if (r)
			file_put(r);
		else
			p->readers = 0;
		if (w)
			file_put(w);
		else
			p->writers = 0;
		pipe_free_unused(p);
		return -EMFILE;
	}
	return install_two(r, w, (flags & O_CLOEXEC) != 0, ufds);
}

long sys_pipe(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return do_pipe(a, 0);
}

long sys_pipe2(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return do_pipe(a, b);
}
/*:*/

/*U:527 socketpair() makes its pair of ends as pipe2() makes a pipe's
 * (U:523): two pipes this time, each end the reader of one and the writer
 * of the other (U:526), two open files, two descriptors, and the same care
 * to leave nothing behind when any of it fails.  Only AF_UNIX and
 * SOCK_STREAM: AF_INET has no pairs, on Linux either, and a datagram pair
 * would need boundaries a pipe does not keep. */
/* The two new files of pipe2() or socketpair() into the two lowest free
 * descriptors, their numbers to the user; or, failing that, all undone. */
static long install_two(struct file *a, struct file *b, int cloexec, u32 ufds)
{
	int fds[2];

	fds[0] = fd_install(a, 0, cloexec);
	fds[1] = fds[0] < 0 ? -EMFILE : fd_install(b, 0, cloexec);
	if (fds[1] >= 0 && !copy_to_user(ufds, fds, sizeof(fds)))
		return 0;
	if (fds[0] >= 0)
		fd_close(fds[0]);
	else
		file_put(a);
	if (fds[1] >= 0)
		fd_close(fds[1]);
	else
		file_put(b);
	return fds[1] < 0 ? -EMFILE : -EFAULT;
}

long unix_socketpair(u32 family, u32 type, u32 protocol, u32 usv)
{
	struct pipe *a, *b;
	struct file *f0, *f1;
	u32 flags = O_RDWR | (type & O_NONBLOCK);

	if (family != 1)              /* AF_UNIX; AF_INET and AF_PACKET have no pairs */
		return family == 2 || family == 17 ? -EOPNOTSUPP : -EAFNOSUPPORT;
	if ((type & 0xF) != 1 || protocol)               /* SOCK_STREAM only */
		return (type & 0xF) != 1 ? -ESOCKTNOSUPPORT : -EPROTONOSUPPORT;
	if (!(a = pipe_new(0)))
		return -ENFILE;
	if (!(b = pipe_new(0))) {
		pipe_free_unused(a);
		return -ENFILE;
	}
	a->peer = b;
	b->peer = a;
	a->readers = a->writers = b->readers = b->writers = 1;
	f0 = file_new(&pair_ops, a, flags);
	f1 = f0 ? file_new(&pair_ops, b, flags) : NULL;
	if (!f1) {
		if (f0)
			file_put(f0);                         /* a's reader, b's writer */
		else
			a->readers = b->writers = 0;
		a->writers = b->readers = 0;                  /* the end never made */
		pipe_free_unused(a);
		pipe_free_unused(b);
		return -ENFILE;
	}
	return install_two(f0, f1, (type & O_CLOEXEC) != 0, usv);
}
/*:*/

/*U:528 A named pipe, a FIFO, is the same pipe reached through a name on the
 * disk (mknod, U:634) instead of two descriptors from pipe().  Its inode
 * holds no data, only the name: the first open() of it makes the pipe,
 * known from then on by the inode's number, and the last close of the last
 * end frees it, with whatever was left unread, as Linux does.  The rule that
 * makes a FIFO useful is in open(): a reader waits for a writer and a writer
 * for a reader, so that "cat fifo" and "echo hi > fifo", started in either
 * order, meet.  What they wait for is the other side's *opening*, counted,
 * not its being open now: a writer may open, write and close before the
 * reader is scheduled again, and the reader must still wake and read what it
 * left.  O_NONBLOCK does not wait: a reader goes ahead (and reads EOF while
 * there is no writer), a writer with no reader gets ENXIO; and O_RDWR, which
 * is both ends at once, never waits. */
struct fifo_wait {
	struct pipe *p;
	u32 seen;               /* the other side's opens when we started */
};

static int fifo_writer_came(void *arg)
{
	struct fifo_wait *w = arg;

	return w->p->writers > 0 || w->p->writer_opens != w->seen;
}

static int fifo_reader_came(void *arg)
{
	struct fifo_wait *w = arg;

	return w->p->readers > 0 || w->p->reader_opens != w->seen;
}

static struct pipe *fifo_pipe(u32 ino)
{
	int i;

	for (i = 0; i < MAX_PIPES; i++)
		if (pipes[i].buf && pipes[i].fifo == ino)
			return &pipes[i];
	return pipe_new(ino);
}

/*:*/

/*U:529 Opening an end: find or make the pipe, refuse what O_NONBLOCK
 * refuses, count the end as open before waiting (so that the other side,
 * waiting too, sees it), and wait.  An open cut short by a signal closes
 * its end again, which puts the counts back and frees a pipe nobody else
 * holds. */
struct file *fifo_open(u32 ino, u32 flags)
{
	u32 mode = flags & O_ACCMODE;
	struct pipe *p = fifo_pipe(ino);
	struct fifo_wait w;
	struct file *f;
	long err = 0;

	if (!p)
		return ERR_PTR(-ENOMEM);
	if (mode == O_WRONLY && !p->readers && (flags & O_NONBLOCK))
		err = -ENXIO;
	f = err ? NULL : file_new(mode == O_RDONLY ? &pipe_read_ops : mode == O_WRONLY ? &pipe_write_ops
				  : &pipe_rdwr_ops, p, flags & (O_ACCMODE | O_NONBLOCK));
	if (!f) {
		pipe_free_unused(p);
		return ERR_PTR(err ? err : -EMFILE);
	}
	w.p = p;
	if (mode != O_WRONLY) {
		p->readers++;
		p->reader_opens++;
	}
	if (mode != O_RDONLY) {
		p->writers++;
		p->writer_opens++;
	}
	if (mode == O_RDONLY && !(flags & O_NONBLOCK)) {
		w.seen = p->writer_opens;
		err = wait_event(fifo_writer_came, &w);
	} else if (mode == O_WRONLY) {
		w.seen = p->reader_opens;
		err = wait_event(fifo_reader_came, &w);
	}
	if (err) {
		file_put(f);            /* its release takes its count back */
		return ERR_PTR(err);
	}
	return f;
}
/*:*/

/*U:530 read() and write() on any descriptor.  The file's operations take
 * kernel buffers, and we give them the kernel's own view of the user's pages
 * (every physical page is also mapped at PAGE_OFFSET), one page at a time, so
 * nothing is copied twice.  A read stops at the first short piece: a pipe or
 * the console returns what it has, and asking again could wait for more that
 * never comes.  So after a full piece it goes on only if that cannot wait: a
 * file that can seek never waits, and a pipe or the console is asked first
 * whether it has more (poll's question, U:550). */

static long rw_user(struct file *f, u32 buf, u32 len, int writing)
{
	u32 done = 0;
	long n;

	if (buf + len < buf)
		return -EFAULT;
	while (done < len) {
		u32 chunk = PAGE_SIZE - ((buf + done) & (PAGE_SIZE - 1));
		char *p = user_page(buf + done, !writing);

		if (!p)
			return done ? (long)done : -EFAULT;
		if (chunk > len - done)
			chunk = len - done;
		n = writing ? f->ops->write(f, p, chunk) : f->ops->read(f, p, chunk);
		if (n < 0)
			return done ? (long)done : n;
		done += n;
		if ((u32)n < chunk || (!writing && !f->ops->lseek && !(file_poll(f) & POLLIN)))
			break;
	}
	return done;
}

/* An open file read or written: it must be open for that, and able to. */
static long rw_file(struct file *f, u32 buf, u32 len, int writing)
{
	if ((f->flags & O_ACCMODE) == (writing ? 0 : O_WRONLY))
		return -EBADF;
	if (writing ? !f->ops->write : !f->ops->read)
		return -EINVAL;
	if (!len)
		return 0;
	return rw_user(f, buf, len, writing);
}

static long do_rw(u32 fd, u32 buf, u32 len, int writing)
{
	struct file *f = fd_file(fd);

	return f ? rw_file(f, buf, len, writing) : -EBADF;
}

long sys_read(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return do_rw(a, b, c, 0);
}

long sys_write(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return do_rw(a, b, c, 1);
}

/*:*/

/*U:531 pread64() and pwrite64(): read() and write() at an offset of the
 * caller's, which the file's own position must not see, so the operation
 * runs on a copy of the open file.  Only a file that can seek has offsets
 * (ESPIPE for the rest); glibc's posix_fallocate() writes with them where
 * ext2 cannot fallocate. */
/* A copy of f at off, for a read or write its own position must not see. */
static long at_offset(struct file *f, u64 off, struct file *copy)
{
	if (!f->ops->lseek)
		return -ESPIPE;
	if ((s64)off < 0)
		return -EINVAL;
	*copy = *f;
	copy->pos = off;
	return 0;
}

static long do_prw(u32 fd, u32 buf, u32 len, u64 off, int writing)
{
	struct file *f = fd_file(fd), copy;
	long err;

	if (!f)
		return -EBADF;
	err = at_offset(f, off, &copy);
	return err ? err : rw_file(&copy, buf, len, writing);
}

long sys_pread64(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return do_prw(a, b, c, (u64)e << 32 | d, 0);
}

long sys_pwrite64(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return do_prw(a, b, c, (u64)e << 32 | d, 1);
}
/*:*/

/*U:532 sendfile(): a copy from one open file into another without the
 * bytes passing through the program, a page at a time through a page of
 * the kernel's.  busybox's cat and cp try it first (it was ENOSYS, and they
 * fell back on read() and write() after a line on the console).  Given an
 * offset, the input is read from there on a copy of the open file, as
 * pread64() reads (U:531), and the offset comes back moved; without one the
 * input's own position moves.  A short write ends the copy, and the count
 * says what was written.  The input must be a file that can seek: from a
 * pipe or a terminal, where a read may wait and a ^D is not the end for
 * good, it is EINVAL (Linux says so for a terminal too), and the caller
 * copies with read() and write() itself, as busybox's cat then does. */
static long write_all(struct file *f, const char *buf, long len)
{
	long done = 0, n;

	while (done < len) {
		n = f->ops->write(f, buf + done, len - done);
		if (n <= 0)
			return done ? done : n;
		done += n;
	}
	return done;
}

static long copy_between(struct file *to, struct file *from, u32 count)
{
	char *buf = try_alloc_page();
	long done = 0, n, w;

	if (!buf)
		return -ENOMEM;
	while ((u32)done < count) {
		u32 chunk = count - done < PAGE_SIZE ? count - done : PAGE_SIZE;

		n = from->ops->read(from, buf, chunk);
		if (n <= 0) {
			done = done ? done : n;
			break;
		}
		w = write_all(to, buf, n);
		if (w < 0) {
			done = done ? done : w;
			break;
		}
		done += w;
		if (w < n || (u32)n < chunk)
			break;      /* a short read is the end of the file */
	}
	free_page(buf);
	return done;
}

static long do_sendfile(u32 out, u32 in, u32 uoff, u32 count, u32 offsize)
{
	struct file *to = fd_file(out), *from = fd_file(in), copy;
	u64 off = 0;
	long n;

	if (!to || !from || (from->flags & O_ACCMODE) == O_WRONLY || !(to->flags & O_ACCMODE))
		return -EBADF;
	if (!from->ops->read || !to->ops->write)
		return -EINVAL;
	if (!uoff)      /* from a pipe or a terminal: the caller reads and writes */
		return from->ops->lseek ? copy_between(to, from, count) : -EINVAL;
	if (copy_from_user(&off, uoff, offsize))
		return -EFAULT;
	if ((n = at_offset(from, off, &copy)))
		return n;
	n = copy_between(to, &copy, count);
	if (n >= 0 && copy_to_user(uoff, &copy.pos, offsize))
		return -EFAULT;
	return n;
}

long sys_sendfile(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return do_sendfile(a, b, c, d, 4);
}

long sys_sendfile64(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return do_sendfile(a, b, c, d, 8);
}
/*:*/

/* readv() and writev(): the same, piece by piece, stopping at a short one. */
static long do_rwv(u32 fd, u32 uiov, u32 cnt, int writing)
{
	u32 iov[2], i;
	long total = 0, n;

	if (cnt > 1024)
		return -EINVAL;
	for (i = 0; i < cnt; i++) {
		if (copy_from_user(iov, uiov + 8 * i, sizeof(iov)))
			return total ? total : -EFAULT;
		if (!iov[1])
			continue;
		n = do_rw(fd, iov[0], iov[1], writing);
		if (n < 0)
			return total ? total : n;
		total += n;
		if ((u32)n < iov[1])
			break;
	}
	return total;
}

long sys_readv(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return do_rwv(a, b, c, 0);
}

long sys_writev(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return do_rwv(a, b, c, 1);
}

/*U:540 The descriptor calls proper.  dup2(old, new) closes new first, unless
 * it is old itself; dup3() is the same with a close-on-exec flag and without
 * that exception; fcntl(F_DUPFD_CLOEXEC, 10) is what ash uses to put its own
 * 0, 1 and 2 aside before a redirection, so the copies vanish in every program
 * it executes (U:545).  "2>&1" is dup2(1, 2), and "exec 3<&-" is close(3):
 * the shell's redirections are these calls and nothing more. */
long sys_close(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return fd_close(a);
}

long sys_dup(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	struct file *fl = fd_file(a);
	int fd;

	if (!fl)
		return -EBADF;
	file_get(fl);
	fd = fd_install(fl, 0, 0);
	if (fd < 0)
		file_put(fl);
	return fd;
}

static long do_dup3(u32 oldfd, u32 newfd, int cloexec)
{
	struct file *fl = fd_file(oldfd);

	if (!fl)
		return -EBADF;
	if (newfd >= nofile_limit(current_proc))
		return -EBADF;
	file_get(fl);
	fd_close(newfd);
	return fd_set_slot(newfd, fl, cloexec);
}

long sys_dup2(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	if (a == b)
		return fd_file(a) ? (long)b : -EBADF;
	return do_dup3(a, b, 0);
}

long sys_dup3(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	if (c & ~O_CLOEXEC)
		return -EINVAL;
	if (a == b)
		return -EINVAL;
	return do_dup3(a, b, c & O_CLOEXEC);
}

/*:*/

/*U:545 fcntl() is the descriptor's odds and ends: F_DUPFD and its
 * close-on-exec twin (a dup at or above a minimum), the close-on-exec flag of
 * the descriptor (F_GETFD, F_SETFD), and the open file's flags (F_GETFL,
 * F_SETFL, which may change only O_APPEND and O_NONBLOCK: the access mode is
 * the open's for life).  F_SETOWN and F_GETOWN keep and tell the process (or
 * group, negative) that would be sent SIGIO, which this kernel never sends,
 * since it has no O_ASYNC; a program that names itself before asking for
 * O_ASYNC learns that from F_GETFL.  ioctl() is the file's own business,
 * and for all but a terminal (U:840), a socket (U:887) and the disk's size
 * questions the answer is ENOTTY, which is how isatty() learns "no". */
long sys_fcntl64(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	struct file *fl = fd_file(a);
	int fd;

	if (!fl)
		return -EBADF;
	switch (b) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (c >= nofile_limit(current_proc))
			return -EINVAL;
		file_get(fl);
		fd = fd_install(fl, c, b == F_DUPFD_CLOEXEC);
		if (fd < 0)
			file_put(fl);
		return fd;
	case F_GETFD:
		return get_cloexec(a) ? FD_CLOEXEC : 0;
	case F_SETFD:
		set_cloexec(current_proc, a, c & FD_CLOEXEC);
		return 0;
	case F_GETFL:
		return fl->flags;
	case F_SETFL:
		fl->flags = (fl->flags & ~(O_APPEND | O_NONBLOCK)) | (c & (O_APPEND | O_NONBLOCK));
		return 0;
	case F_SETOWN:
		fl->owner = (int)c;
		return 0;
	case F_GETOWN:
		return fl->owner;
	}
	return -EINVAL;
}

long sys_ioctl(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	struct file *fl = fd_file(a);

	if (!fl)
		return -EBADF;
	return fl->ops->ioctl ? fl->ops->ioctl(fl, b, c) : -ENOTTY;
}

/*:*/

/*U:547 lseek() and _llseek(), the second with a 64-bit offset in two
 * halves and the result written to memory, since a 32-bit register cannot
 * hold it.  Both check the same things in the same order; only how the
 * offset arrives and how the result leaves differ.  A pipe or the console
 * cannot seek (ESPIPE): ash's un-reading of buffered input with a negative
 * SEEK_CUR then knows to leave the input alone. */
static long seek(u32 fd, s64 offset, u32 whence, struct file **out)
{
	struct file *fl = fd_file(fd);

	if (!fl)
		return -EBADF;
	if (!fl->ops->lseek)
		return -ESPIPE;
	if (whence > 2)
		return -EINVAL;
	*out = fl;
	return fl->ops->lseek(fl, offset, whence);
}

/* _llseek(fd, offset_high, offset_low, &result, whence) and lseek(). */
long sys_llseek(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	struct file *fl;
	long err = seek(a, (s64)(((u64)b << 32) | c), e, &fl);

	if (err < 0)
		return err;
	return copy_to_user(d, &fl->pos, 8) ? -EFAULT : 0;
}

long sys_lseek(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	struct file *fl;
	long err = seek(a, (s64)(s32)b, c, &fl);

	if (err < 0)
		return err;
	return fl->pos > 0x7FFFFFFF ? -75 /* EOVERFLOW */ : (long)fl->pos;
}
/*:*/

/*U:550 poll(), which ash's line editing and many a filter use to ask
 * "would a read wait?".  Each kind of file answers for itself: a pipe's read
 * end is readable (POLLIN) when it holds bytes, and says POLLHUP once it
 * has lost its last writer; its write end is writable when there is room,
 * the console readable when a key is waiting or its input has ended.  Files
 * on the disk never make anybody wait.  If nothing is ready, the caller
 * sleeps until something is, or until its timeout: the condition it sleeps
 * on is simply "would poll now find something?". */
u32 file_poll(struct file *f)
{
	struct pipe *p = f->priv;

	if (f->ops->poll)
		return f->ops->poll(f);
	if (f->ops == &console_ops)
		return ((console_is_tty() ? tty_readable() : console_readable(NULL)) ? POLLIN : 0) | POLLOUT;
	if (f->ops == &pipe_read_ops)
		return (p->head != p->tail ? POLLIN : 0) | (p->writers ? 0 : POLLHUP);
	if (f->ops == &pipe_write_ops)
		return p->readers ? (p->head - p->tail < PIPE_SIZE ? POLLOUT : 0) : POLLERR;
	if (f->ops == &pipe_rdwr_ops)
		return (p->head != p->tail ? POLLIN : 0) | (p->head - p->tail < PIPE_SIZE ? POLLOUT : 0);
	return POLLIN | POLLOUT;
}

/*:*/

struct poll_entry {
	struct file *f;
	s32 fd;
	u16 events, revents;
};
#define POLL_MAX (PAGE_SIZE / sizeof(struct poll_entry))

struct poll_request {
	struct poll_entry *e;
	u32 nfds;
};

/*U:552 poll() copies its array once into a page of the kernel's, with the
 * open files themselves (each held, so that a close() meanwhile cannot free
 * one), and the question it leaves for the scheduler (U:230) is about those
 * alone.  The scheduler asks it as the poller (U:232), so reading the user's
 * array each time would also be right, but it would walk the poller's page
 * tables at every pass of the scheduler, and a question that can fault is no
 * question to ask with interrupts off.  (Before U:232, this array was read in
 * whatever process the scheduler happened to run in, where it found a "yes",
 * woke its caller for nothing, and with two such pollers the scheduler handed
 * the CPU back and forth for ever.)  A page holds 341 entries, which is the
 * most one poll() may ask about here. */
static long poll_scan(struct poll_request *req)
{
	u32 i, ready = 0;

	for (i = 0; i < req->nfds; i++) {
		struct poll_entry *e = &req->e[i];

		if (e->fd < 0)
			e->revents = 0;
		else if (!e->f)
			e->revents = POLLNVAL;
		else
			e->revents = file_poll(e->f) & (e->events | POLLERR | POLLHUP);
		if (e->revents)
			ready++;
	}
	return ready;
}

static int poll_ready(void *arg)
{
	return poll_scan(arg) != 0;
}

long sys_poll(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	struct poll_request req = { NULL, b };
	long n, err = 0;
	u32 i, pfd[2];

	if (b > POLL_MAX)
		return -EINVAL;
	if (!(req.e = try_alloc_page()))
		return -ENOMEM;
	for (i = 0; i < b; i++) {
		if (copy_from_user(pfd, a + 8 * i, 8)) {
			b = i;
			err = -EFAULT;
			goto out;
		}
		req.e[i].fd = (s32)pfd[0];
		req.e[i].events = pfd[1] & 0xFFFF;
		req.e[i].f = (s32)pfd[0] < 0 ? NULL : fd_file(pfd[0]);
		if (req.e[i].f)
			file_get(req.e[i].f);
	}
	req.nfds = b;
	n = poll_scan(&req);
	if (n == 0 && c != 0) {
		if ((s32)c < 0)
			err = wait_event(poll_ready, &req);
		else
			err = wait_event_until(poll_ready, &req, fresh_ns() + (u64)c * 1000000);
		if (err == -ERESTARTSYS) {
			err = -EINTR;
			goto out;
		}
		err = 0;
		n = poll_scan(&req);
	}
	for (i = 0; i < b && !err; i++) {
		pfd[0] = (u32)req.e[i].fd;
		pfd[1] = req.e[i].events | ((u32)req.e[i].revents << 16);
		if (copy_to_user(a + 8 * i, pfd, 8))
			err = -EFAULT;
	}
out:
	for (i = 0; i < b; i++)
		if (req.e[i].f)
			file_put(req.e[i].f);
	free_page(req.e);
	return err ? err : n;
}
/*:*/
