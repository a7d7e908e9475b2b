#ifndef GUEST_FILE_H
#define GUEST_FILE_H

#include "kernel.h"

#define O_NONBLOCK 04000     /* open()'s flag, here because files and execve() both test it */

/* What fstat64, statx and getdents64 need to know about a file, in the
 * kernel's own form; the system calls translate it into each ABI's layout. */
struct kstat {
	u32 ino;
	u32 mode;       /* S_IFREG|0644 and friends, as in Linux */
	u32 nlink;
	u32 uid, gid;
	u32 rdev;
	u64 size;
	u32 blksize;
	u64 blocks;     /* in 512-byte units */
	u32 atime, mtime, ctime;  /* seconds since 1970 */
};

struct file;

/* The operations a kind of file offers.  Buffers are kernel memory: the
 * system-call layer copies to and from user space.  A NULL operation means
 * the kind of file cannot do that (the caller answers -EINVAL, -ESPIPE,
 * -ENOTDIR or -ENOTTY as Linux would).  read and write return a byte count
 * or a negative errno; they may sleep (a pipe, the console).  */
struct file_ops {
	long (*read)(struct file *f, char *buf, u32 len);
	long (*write)(struct file *f, const char *buf, u32 len);
	/* whence 0/1/2 as SEEK_SET/CUR/END; sets f->pos, returns 0 or -errno */
	long (*lseek)(struct file *f, s64 offset, int whence);
	/* fills buf with struct linux_dirent64 records from f->pos on */
	long (*getdents64)(struct file *f, char *buf, u32 len);
	long (*stat)(struct file *f, struct kstat *st);
	long (*ioctl)(struct file *f, u32 cmd, u32 arg);
	/* the last reference is gone */
	void (*release)(struct file *f);
	/* POLLIN/POLLOUT/... now; NULL: file.c's own answer (U:550) */
	u32 (*poll)(struct file *f);
};

/* One open file, shared by every descriptor that dup, dup2 or fork made
 * from the same open (as in Unix, they share the offset and the flags). */
struct file {
	const struct file_ops *ops;
	u32 refs;
	u32 flags;      /* O_RDONLY/O_WRONLY/O_RDWR, O_APPEND, O_NONBLOCK (not CLOEXEC: that is per fd) */
	u64 pos;
	void *priv;     /* the kind's own: an inode, a pipe, ... */
	int owner;      /* fcntl(F_SETOWN): who would get its SIGIO (U:545) */
};

/* file.c (the process side): files and the current process's descriptors. */
struct file *file_new(const struct file_ops *ops, void *priv, u32 flags); /* refs = 1, NULL if out of memory */
void file_get(struct file *f);
void file_put(struct file *f);
int fd_install(struct file *f, int min_fd, int cloexec); /* lowest free fd >= min_fd, or -EMFILE; takes over the reference */
struct file *fd_file(int fd);                            /* NULL if fd is not open */
u32 file_poll(struct file *f);                           /* POLLIN, POLLOUT, ... now (U:550) */

/* Character devices, whose files are the process side's (file.c): an
 * S_IFCHR inode opens with chrdev_open(rdev, flags), rdev as
 * (major << 8) | minor, and so do /dev's names (proc.c, U:788).  It returns
 * a new file with one reference, or ERR_PTR(-ENXIO) and the like. */
struct file *chrdev_open(u32 rdev, u32 flags);
extern const struct file_ops rtc_ops;            /* /dev/rtc (U:263) */
struct file *fifo_open(u32 ino, u32 flags);   /* a named pipe's end (U:528) */
long unix_socketpair(u32 family, u32 type, u32 protocol, u32 usv);   /* two pipes, crossed (U:526) */
long pair_shutdown(struct file *f, u32 how);  /* -ENOTSOCK unless f is a socketpair end */

/* The current process's working directory, as an inode number of the root
 * file system (2, the root, until chdir). */
u32 cwd_inode(void);
void set_cwd_inode(u32 ino);

/* fs.c (the file-system side), called by the process side. */
/* open a path relative to dirfd (AT_FDCWD = -100) for execve: returns the
 * file or an ERR value (negative errno cast) that IS_ERR() tells apart */
struct file *fs_open_path(int dirfd, const char *path, u32 flags, u32 mode);
/* The text of a /proc file, made when it is opened (U:782): one page, and
 * ADD(...) appends to the struct text *t in scope as printf would, cutting
 * the text short rather than running past the page. */
struct text {
	u32 len;
	char data[PAGE_SIZE - 4];
};
#define ADD(...) (t->len += snprintf(t->data + t->len, sizeof(t->data) - t->len, __VA_ARGS__), \
		  t->len = t->len < sizeof(t->data) ? t->len : sizeof(t->data) - 1)


#endif
