#include "ext2.h"
#include "fs.h"

#define AT_FDCWD            (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR        0x200
#define AT_SYMLINK_FOLLOW   0x400
#define O_ACCMODE   00000003
#define O_WRONLY    00000001
#define O_CREAT     00000100
#define O_EXCL      00000200
#define O_TRUNC     00001000
#define O_APPEND    00002000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW  00400000
#define O_CLOEXEC   02000000
#define PATH_MAX    4096
#define MAX_SYMLINKS 40
#define X_OK 1
#define UTIME_NOW  ((1 << 30) - 1)
#define UTIME_OMIT ((1 << 30) - 2)
#define RENAME_NOREPLACE 1

static const struct file_ops reg_ops, dir_ops;

/*U:600 Every file so far was one the kernel made: the console, a pipe.
 * Files with names live on a disk.  Which disk is the root?  The one block
 * device, /dev/lgba, if it holds an ext2 file system: a Guest started with
 * --block=disk.img sees the image as "/".  One without a disk (or with a
 * disk of something else, which stays /dev/lgba for dd to read) gets a RAM
 * disk instead (U:602), empty but for /proc, /dev and /tmp, as a Linux that
 * booted from an initrd has its rootfs; unless it has less than a megabyte
 * to spare (a Guest of 4 MiB holds busybox and a shell, and no more), and
 * then every name but /proc's and /dev's is ENOENT.  A Guest that runs the
 * initrd's program mounts on first use rather than at boot, so a kernel that never
 * opens a file never reads a superblock or makes a RAM disk; one told
 * "root=/dev/lgba" boots from the disk, mounts it first thing and insists
 * that it can (U:760). */
static int tried;
static long make_dir(struct inode *dir, const char *name, u32 len, u32 mode);
#define RAM_ROOT_MIN_FREE 256      /* pages: 1 MiB, beside the 400 KiB of ext2's cache */

static int ram_root(void)
{
	static const char *const dirs[] = { "proc", "dev", "tmp" };
	struct inode *root;
	unsigned int i;

	if (nr_free_pages() < RAM_ROOT_MIN_FREE)
		return -ENOSPC;            /* too small a Guest: no root, as before there was one */
	if (disk_make_ram() < 0 || ext2_mount() < 0)
		return -ENOMEM;
	root = iget(EXT2_ROOT_INO);
	for (i = 0; root && i < 3; i++)
		make_dir(root, dirs[i], strlen(dirs[i]), i == 2 ? 01777 : 0755);
	if (root)
		iput(root);
	return 0;
}

static int fs_ready(void)
{
	if (!tried) {
		int err;

		tried = 1;
		err = disk_is_ram() ? -ENODEV : ext2_mount();   /* RAM: an earlier try ran short */
		if (err && err != -ENODEV && err != -ENOMEM)
			printk("ext2: /dev/lgba holds no ext2 file system we can use (%d)\n", err);
		if (err && err != -ENOMEM)
			err = ram_root();
		if (err == -ENOMEM)
			tried = 0;         /* no pages for the cache yet: not the disk's fault */
	}
	return ext2_mounted();
}
/*:*/

/* The whole of an open file of the disk, for the program image (U:762). */
long fs_read_whole(struct file *f, void *buf)
{
	return f->ops == &reg_ops ? ext2_read_whole(f->priv, buf) : -EACCES;
}

/* root= (U:760) mounts at boot instead, and wants the reason when it fails. */
long fs_mount_root(void)
{
	tried = 1;
	return ext2_mount();
}

static u32 umask_bits = 022;

/* A path from user space into a kernel page (PATH_MAX bytes with its NUL). */
static long user_path(u32 uaddr, char **out)
{
	char *buf = try_alloc_page();
	u32 n = 0;

	if (!buf)
		return -ENOMEM;
	while (n < PATH_MAX) {
		const char *p = user_page(uaddr + n, 0);
		u32 room = PAGE_SIZE - ((uaddr + n) & (PAGE_SIZE - 1));

		if (!p) {
			free_page(buf);
			return -EFAULT;
		}
		while (room-- && n < PATH_MAX) {
			buf[n] = *p++;
			if (!buf[n]) {
				*out = buf;
				return n;
			}
			n++;
		}
	}
	free_page(buf);
	return -ENAMETOOLONG;
}

/* The inode behind an open file of ours, or NULL. */
static struct inode *file_inode(struct file *f)
{
	return f && (f->ops == &reg_ops || f->ops == &dir_ops) ? f->priv : NULL;
}

/* The inode "/" names for the current process: the root, unless chroot() moved it (U:646). */
static u32 root_inode(void)
{
	return current.root ? current.root : EXT2_ROOT_INO;
}

static long start_dir(int dirfd, const char *path, struct inode **dir)
{
	struct inode *ip;

	if (path[0] == '/')
		ip = iget(root_inode());
	else if (dirfd == AT_FDCWD && kfs_cwd())
		return -ENOENT;            /* standing in /proc or /dev, U:787 */
	else if (dirfd == AT_FDCWD)
		ip = iget(cwd_inode());
	else {
		struct file *f = fd_file(dirfd);

		if (!f)
			return -EBADF;
		ip = file_inode(f);
		if (!ip || !S_ISDIR(ip->d.mode))
			return -ENOTDIR;
		iget_again(ip);
	}
	if (!ip)
		return -EIO;
	*dir = ip;
	return 0;
}

static long read_link(struct inode *ip, char *buf, u32 size)
{
	u32 len = isize(ip);

	if (len > size)
		len = size;
	if (ext2_fast_symlink(ip)) {
		memcpy(buf, ip->d.block, len);
		return len;
	}
	return ext2_read(ip, buf, 0, len);
}

/*U:605 Following a path.  Each component is looked up in the directory
 * the previous one named, which must be a directory (ENOTDIR otherwise),
 * starting from the root for a path with a leading slash and from the
 * working directory, or the directory a descriptor names (the *at() calls),
 * for any other.
 *
 * With a parent to fill in, the walk stops before the last component and
 * hands back the directory and the name, which is what creating, removing
 * and renaming need: the thing itself may not exist (yet).  Every inode on
 * the way is held by a reference (U:720) for exactly as long as the walk
 * stands on it. */
struct last {
	char name[EXT2_NAME_LEN + 1];
	u32 len;
};

static long walk(int dirfd, const char *path, int follow, struct inode **result, struct last *parent)
{
	char *buf, *p, *q, *tmp;
	struct inode *cur, *ip;
	int links = 0;
	long err, ino;

	if (!fs_ready())
		return -ENOENT;
	if (!*path)
		return -ENOENT;
	err = start_dir(dirfd, path, &cur);
	if (err)
		return err;
	buf = try_alloc_page();
	tmp = try_alloc_page();
	if (!buf || !tmp) {
		if (buf)
			free_page(buf);
		if (tmp)
			free_page(tmp);
		iput(cur);
		return -ENOMEM;
	}
	memcpy(buf, path, strlen(path) + 1);
	p = buf;
	for (;;) {
		u32 len;
		int last, slash;

		while (*p == '/')
			p++;
		if (!*p) {
			if (parent) {   /* "/" or "a/." style: no name to create */
				parent->len = 0;
				parent->name[0] = '\0';
			}
			break;
		}
		for (q = p; *q && *q != '/'; q++)
			;
		len = q - p;
		if (len > EXT2_NAME_LEN) {
			err = -ENAMETOOLONG;
			goto fail;
		}
		slash = *q == '/';
		while (*q == '/')
			q++;
		last = !*q;
		if (!S_ISDIR(cur->d.mode)) {
			err = -ENOTDIR;
			goto fail;
		}
		if (len == 2 && !memcmp(p, "..", 2) && cur->ino == root_inode() && !(last && parent)) {
			p = q;          /* ".." of the root is the root, chroot or not (U:646) */
			continue;
		}
		if (last && parent) {
			memcpy(parent->name, p, len);
			parent->name[len] = '\0';
			parent->len = len;
			break;
		}
		ino = ext2_lookup(cur, p, len);
		if (ino < 0) {
			err = ino;
			goto fail;
		}
		ip = iget(ino);
		if (!ip) {
			err = -EIO;
			goto fail;
		}
	/*:*/

	/*U:607 A symbolic link met on the way is replaced by its text, glued in
	 * front of what is left of the path, and the walk goes on from the
	 * directory the link is in (or from the root, for a link that starts with a
	 * slash).  Forty links in one walk, and we call it a loop (ELOOP), as Linux
	 * does.  follow says whether a symlink as the last component is to be
	 * followed (stat() does, lstat() does not); a trailing slash ("dir/") always
	 * follows, since it says "the directory". */
		if (S_ISLNK(ip->d.mode) && (!last || follow || slash)) {
			long n;

			if (++links > MAX_SYMLINKS) {
				iput(ip);
				err = -ELOOP;
				goto fail;
			}
			n = read_link(ip, tmp, PAGE_SIZE);
			iput(ip);
			if (n < 0) {
				err = n;
				goto fail;
			}
			if (n + 1 + strlen(q) + 1 > PATH_MAX) {
				err = -ENAMETOOLONG;
				goto fail;
			}
			/* tmp = link text + "/" + rest (if any, or a
			 * trailing slash would appear); then it is the path. */
			if (*q)
				tmp[n++] = '/';
			memcpy(tmp + n, q, strlen(q) + 1);
			memcpy(buf, tmp, n + strlen(q) + 1);
			p = buf;
			if (*p == '/') {
				iput(cur);
				cur = iget(root_inode());
				if (!cur) {
					err = -EIO;
					goto out;
				}
			}
			continue;
		}
		iput(cur);
		cur = ip;
		p = q;
		if (last && slash && !S_ISDIR(cur->d.mode)) {
			err = -ENOTDIR;
			goto fail;
		}
	}
	*result = cur;
	err = 0;
	goto out;
fail:
	iput(cur);
out:
	free_page(buf);
	free_page(tmp);
	return err;
}
/*:*/

/* The same, from a user pointer. */
static long walk_user(int dirfd, u32 upath, int follow, struct inode **result, struct last *parent)
{
	char *path;
	long err = user_path(upath, &path);

	if (err < 0)
		return err;
	err = walk(dirfd, path, follow, result, parent);
	free_page(path);
	return err;
}

/* The inode of a path, or of the file dirfd itself for AT_EMPTY_PATH and "". */
static long lookup_at(int dirfd, u32 upath, u32 flags, struct inode **ip)
{
	char c;

	if ((flags & AT_EMPTY_PATH) && !copy_from_user(&c, upath, 1) && !c) {
		struct file *f = fd_file(dirfd);
		struct inode *fi;

		if (dirfd == AT_FDCWD) {
			*ip = fs_ready() ? iget(cwd_inode()) : NULL;
			return *ip ? 0 : -ENOENT;
		}
		if (!f)
			return -EBADF;
		fi = file_inode(f);
		if (!fi)
			return -EINVAL;     /* a pipe or the console: the caller asks f itself */
		iget_again(fi);
		*ip = fi;
		return 0;
	}
	return walk_user(dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW), ip, NULL);
}

static u32 rdev_major(u32 rdev)
{
	return (rdev >> 8) & 0xFFF;
}

static u32 rdev_minor(u32 rdev)
{
	return (rdev & 0xFF) | ((rdev >> 12) & 0xFFF00);
}

/* A device node's number, in Linux's encoding of a 32-bit dev_t: the minor's
 * low byte, then twelve bits of major, then the minor's other twelve bits.
 * ext2 keeps it in the first block pointer in the old 8:8 form, which is the
 * same number when both fit in a byte, or else in the second, encoded as
 * here.  (Decoding the second into 8:8 mangled a major over 255.) */
static u32 inode_rdev(struct inode *ip)
{
	u32 v = ip->d.block[0];

	if ((ip->d.mode & S_IFMT) != S_IFCHR && (ip->d.mode & S_IFMT) != S_IFBLK)
		return 0;
	return v ? v & 0xFFFF : ip->d.block[1];
}

static void kstat_of(struct inode *ip, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = ip->ino;
	st->mode = ip->d.mode;
	st->nlink = ip->d.links;
	st->uid = ip->d.uid | (u32)ip->d.uid_high << 16;
	st->gid = ip->d.gid | (u32)ip->d.gid_high << 16;
	st->rdev = inode_rdev(ip);
	st->size = isize(ip);
	st->blksize = ext2_block_size();
	st->blocks = ip->d.blocks;
	st->atime = ip->d.atime;
	st->mtime = ip->d.mtime;
	st->ctime = ip->d.ctime;
}

/* Every change ends with this: the disk is consistent again. */
static long done(long ret)
{
	long err = ext2_sync();

	return ret >= 0 && err ? err : ret;
}

/*U:610 Regular files.  The offset is the open file's, shared by every
 * descriptor dup() made of it; O_APPEND moves it to the end before each
 * write, as it must for two writers to append without overwriting each
 * other.  Reading updates the access time only when it is older than the
 * last change ("relatime", Linux's default), which spares the disk one
 * inode write per read while keeping "has it been read since it changed?"
 * answerable.  Every write ends with the disk brought up to date (done(),
 * U:705), and the last close of the open file gives back its reference to
 * the inode (U:720): for a file that has lost all its names meanwhile, that
 * is the moment it is really deleted. */
static long reg_read(struct file *f, char *buf, u32 len)
{
	struct inode *ip = f->priv;
	long n;

	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	n = ext2_read(ip, buf, f->pos, len);
	if (n > 0) {
		f->pos += n;
		if (ip->d.atime <= ip->d.mtime || ip->d.atime <= ip->d.ctime) {
			ip->d.atime = ext2_now();
			iupdate(ip);
			done(0);
		}
	}
	return n;
}

static long reg_write(struct file *f, const char *buf, u32 len)
{
	struct inode *ip = f->priv;
	long n;

	if ((f->flags & O_ACCMODE) == 0)
		return -EBADF;
	if (f->flags & O_APPEND)
		f->pos = isize(ip);
	if (!len)
		return 0;
	n = ext2_write(ip, buf, f->pos, len);
	if (n > 0)
		f->pos += n;
	return done(n);
}

static long file_lseek(struct file *f, s64 offset, int whence)
{
	struct inode *ip = f->priv;
	s64 pos;

	switch (whence) {
	case 0:
		pos = offset;
		break;
	case 1:
		pos = f->pos + offset;
		break;
	case 2:
		pos = isize(ip) + offset;
		break;
	default:
		return -EINVAL;
	}
	if (pos < 0)
		return -EINVAL;
	f->pos = pos;
	return 0;
}

static long file_stat(struct file *f, struct kstat *st)
{
	kstat_of(f->priv, st);
	return 0;
}

static void file_release(struct file *f)
{
	iput(f->priv);
	done(0);        /* the last close of a removed file frees it */
}
/*:*/

static long dir_read(struct file *f, char *buf, u32 len)
{
	(void)f;
	(void)buf;
	(void)len;
	return -EISDIR;
}

/*U:615 Reading a directory: getdents64 fills the buffer with records of
 * its own (inode, offset of the next record, record length, type, name,
 * padded to 8 bytes), and the open file's offset is a byte offset into the
 * directory's records on disk, so that lseek(fd, 0, SEEK_SET), which is
 * rewinddir(), and the d_off of each record mean something. */
static long dir_getdents64(struct file *f, char *buf, u32 len)
{
	char name[EXT2_NAME_LEN + 1];
	u32 done_bytes = 0, ino;
	u8 type;

	for (;;) {
		u64 pos = f->pos;
		long n = ext2_next_entry(f->priv, &pos, &ino, name, &type);
		u32 reclen;

		if (n < 0)
			return done_bytes ? (long)done_bytes : n;
		if (n == 0)
			break;
		n = strlen(name);
		reclen = (19 + n + 1 + 7) & ~7U;
		if (done_bytes + reclen > len) {
			if (!done_bytes)
				return -EINVAL;
			break;
		}
		memset(buf + done_bytes, 0, reclen);
		*(u64 *)(buf + done_bytes) = ino;
		*(u64 *)(buf + done_bytes + 8) = pos;
		*(u16 *)(buf + done_bytes + 16) = reclen;
		buf[done_bytes + 18] = type;
		memcpy(buf + done_bytes + 19, name, n);
		done_bytes += reclen;
		f->pos = pos;
	}
	return done_bytes;
}

static const struct file_ops reg_ops = {
	.read = reg_read,
	.write = reg_write,
	.lseek = file_lseek,
	.stat = file_stat,
	.release = file_release,
};

static const struct file_ops dir_ops = {
	.read = dir_read,
	.lseek = file_lseek,
	.getdents64 = dir_getdents64,
	.stat = file_stat,
	.release = file_release,
};
/*:*/

/* Make a name in dir for a new inode of mode; returns it referenced. */
static struct inode *create(struct inode *dir, struct last *name, u32 mode)
{
	struct inode *ip;
	long err;

	if (!dir->d.links)
		return ERR_PTR(-ENOENT);        /* a removed directory takes no new names */
	ip = ext2_new_inode(dir, mode);
	if (IS_ERR(ip))
		return ip;
	ip->d.links = 1;
	iupdate(ip);
	err = ext2_add_entry(dir, name->name, name->len, ip);
	if (err) {
		ip->d.links = 0;
		iput(ip);
		return ERR_PTR(err);
	}
	return ip;
}

/*U:620 open().  With O_CREAT the walk stops at the parent, so that a
 * missing last name can be made (a regular file, its permissions cut by the
 * umask); an existing one is opened like any other, unless O_EXCL said it
 * must not exist.  O_NOFOLLOW refuses a symlink as the last name with
 * ELOOP, which is how a careful program tells "a link" from "a file".
 * /proc and /dev are the kernel's own, disk or no disk (U:780), and are
 * asked first. */
static struct file *do_open(int dirfd, const char *path, u32 flags, u32 mode)
{
	struct inode *ip = NULL, *dir;
	struct last *name = NULL;
	struct file *f;
	const struct file_ops *ops;
	long err;

	f = kfs_open(path, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK));
	if (f)
		return f;
	if (flags & O_CREAT) {
		name = try_alloc_page();
		err = name ? walk(dirfd, path, 1, &dir, name) : -ENOMEM;
		if (err)
			goto out;
		if (!name->len) {
			iput(dir);
			err = -EISDIR;
			goto out;
		}
		err = ext2_lookup(dir, name->name, name->len);
		if (err == -ENOENT) {
			if (path[strlen(path) - 1] == '/') {
				iput(dir);
				err = -EISDIR;
				goto out;
			}
			ip = create(dir, name, S_IFREG | (mode & 07777 & ~umask_bits));
			iput(dir);
			err = IS_ERR(ip) ? PTR_ERR(ip) : 0;
			if (err)
				goto out;
			flags &= ~O_TRUNC;
		} else if (err < 0) {
			iput(dir);
			goto out;
		} else if (flags & O_EXCL) {
			iput(dir);
			err = -EEXIST;
			goto out;
		} else {
			iput(dir);
			err = walk(dirfd, path, !(flags & O_NOFOLLOW), &ip, NULL);
			if (err)
				goto out;
		}
	} else {
		err = walk(dirfd, path, !(flags & O_NOFOLLOW), &ip, NULL);
		if (err)
			goto out;
	}
	/*:*/

	/*U:622 What was found decides what is opened.  A character device opens by
	 * its numbers (U:515), so a /dev on the disk works like the names we know
	 * without one; a FIFO opens its pipe (U:528), which may wait for the other
	 * end; other device nodes and sockets are names without a driver here
	 * (ENXIO).  A directory opens for reading only (EISDIR for writing), and
	 * O_TRUNC empties a regular file before anybody writes.  The open file holds
	 * the inode's reference from now on, and its operations are U:610's. */
	if ((ip->d.mode & S_IFMT) == S_IFCHR || (ip->d.mode & S_IFMT) == S_IFIFO) {
		u32 ino = ip->ino, rdev = inode_rdev(ip), fifo = (ip->d.mode & S_IFMT) == S_IFIFO;

		iput(ip);
		if (name)
			free_page(name);
		if (fifo)
			return fifo_open(ino, flags & (O_ACCMODE | O_NONBLOCK));
		return chrdev_open(rdev, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK));
	}
	if (S_ISLNK(ip->d.mode))
		err = -ELOOP;
	else if ((flags & O_DIRECTORY) && !S_ISDIR(ip->d.mode))
		err = -ENOTDIR;
	else if (S_ISDIR(ip->d.mode) && ((flags & O_ACCMODE) || (flags & (O_CREAT | O_TRUNC))))
		err = -EISDIR;
	else if (!S_ISDIR(ip->d.mode) && !S_ISREG(ip->d.mode))
		err = -ENXIO;
	if (err) {
		iput(ip);
		goto out;
	}
	if ((flags & O_TRUNC) && (flags & O_ACCMODE) && isize(ip))
		ext2_truncate(ip, 0);
	ops = S_ISDIR(ip->d.mode) ? &dir_ops : &reg_ops;
	f = file_new(ops, ip, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK));
	if (!f) {
		iput(ip);
		err = -ENOMEM;
		goto out;
	}
	if (name)
		free_page(name);
	done(0);
	return f;
out:
	if (name)
		free_page(name);
	done(0);
	return ERR_PTR(err);
}

struct file *fs_open_path(int dirfd, const char *path, u32 flags, u32 mode)
{
	return do_open(dirfd, path, flags, mode);
}

long fs_sys_openat(u32 dirfd, u32 upath, u32 flags, u32 mode, u32 e, u32 f6)
{
	struct file *f;
	char *path;
	long err = user_path(upath, &path);

	if (err < 0)
		return err;
	f = do_open(dirfd, path, flags, mode);
	free_page(path);
	if (IS_ERR(f))
		return PTR_ERR(f);
	err = fd_install(f, 0, !!(flags & O_CLOEXEC));
	if (err < 0)
		file_put(f);
	return err;
}

long fs_sys_open(u32 upath, u32 flags, u32 mode, u32 d, u32 e, u32 f)
{
	return fs_sys_openat(AT_FDCWD, upath, flags, mode, 0, 0);
}

long fs_sys_creat(u32 upath, u32 mode, u32 c, u32 d, u32 e, u32 f)
{
	return fs_sys_openat(AT_FDCWD, upath, O_CREAT | O_WRONLY | O_TRUNC, mode, 0, 0);
}
/*:*/

long fs_sys_getdents64(u32 fd, u32 ubuf, u32 len, u32 d, u32 e, u32 f6)
{
	struct file *f = fd_file(fd);
	char *buf;
	long n;

	if (!f)
		return -EBADF;
	if (!f->ops->getdents64)
		return -ENOTDIR;
	if (len > PAGE_SIZE)
		len = PAGE_SIZE;
	buf = try_alloc_page();
	if (!buf)
		return -ENOMEM;
	n = f->ops->getdents64(f, buf, len);
	if (n > 0 && copy_to_user(ubuf, buf, n))
		n = -EFAULT;
	free_page(buf);
	return n;
}

/*U:625 The stat family.  glibc 2.36 asks statx() for everything (stat,
 * lstat, fstat and fstatat are all statx underneath), but the older calls
 * with i386's struct stat64 cost little, and other programs use them.  Both
 * are filled from the one struct kstat that a file of any kind can give,
 * so fstat of the console or a pipe works the same way (the process side's
 * file_ops.stat). */
static long stat_at(u32 dirfd, u32 upath, u32 flags, struct kstat *st)
{
	struct inode *ip;
	char *path;
	long err = user_path(upath, &path);

	if (err >= 0) {            /* /proc and /dev first (U:780) */
		err = kfs_stat(path, !(flags & AT_SYMLINK_NOFOLLOW), st);
		free_page(path);
		if (err != NOT_OURS)
			return err;
	}
	err = lookup_at(dirfd, upath, flags, &ip);

	if (err == -EINVAL && (flags & AT_EMPTY_PATH)) {
		struct file *f = fd_file(dirfd);

		return f && f->ops->stat ? f->ops->stat(f, st) : -EINVAL;
	}
	if (err)
		return err;
	kstat_of(ip, st);
	iput(ip);
	return 0;
}

long fs_sys_statx(u32 dirfd, u32 upath, u32 flags, u32 mask, u32 ubuf, u32 f6)
{
	struct kstat st;
	u32 sx[64];
	long err = stat_at(dirfd, upath, flags, &st);

	if (err)
		return err;
	memset(sx, 0, sizeof(sx));
	sx[0] = 0x7FF;                  /* STATX_BASIC_STATS */
	sx[1] = st.blksize;
	sx[4] = st.nlink;
	sx[5] = st.uid;
	sx[6] = st.gid;
	sx[7] = st.mode & 0xFFFF;
	sx[8] = st.ino;
	sx[10] = st.size;
	sx[11] = st.size >> 32;
	sx[12] = st.blocks;
	sx[13] = st.blocks >> 32;
	sx[16] = st.atime;
	sx[24] = st.ctime;
	sx[28] = st.mtime;
	sx[32] = rdev_major(st.rdev);
	sx[33] = rdev_minor(st.rdev);
	sx[34] = 254;                   /* the device: major 254, as virtio's */
	return copy_to_user(ubuf, sx, sizeof(sx)) ? -EFAULT : 0;
}

/*:*/

/*U:627 The older calls, with i386's struct stat64, take the same numbers
 * in another order, and the inode number twice (once truncated to 32 bits,
 * for programs from before large inode numbers), as Linux writes it.  That
 * packing, like statx's above, is a table in the shape of a function, and
 * stays out of the book. :*/
static long put_stat64(const struct kstat *st, u32 ubuf)
{
	u32 s[24];

	memset(s, 0, sizeof(s));
	s[0] = 254 << 8;                /* st_dev */
	s[3] = st->ino;                 /* __st_ino */
	s[4] = st->mode;
	s[5] = st->nlink;
	s[6] = st->uid;
	s[7] = st->gid;
	s[8] = st->rdev;
	s[11] = st->size;
	s[12] = st->size >> 32;
	s[13] = st->blksize;
	s[14] = st->blocks;
	s[15] = st->blocks >> 32;
	s[16] = st->atime;
	s[18] = st->mtime;
	s[20] = st->ctime;
	s[22] = st->ino;                /* st_ino, the 64-bit one */
	return copy_to_user(ubuf, s, sizeof(s)) ? -EFAULT : 0;
}

long fs_sys_fstatat64(u32 dirfd, u32 upath, u32 ubuf, u32 flags, u32 e, u32 f)
{
	struct kstat st;
	long err = stat_at(dirfd, upath, flags, &st);

	return err ? err : put_stat64(&st, ubuf);
}

long fs_sys_stat64(u32 upath, u32 ubuf, u32 c, u32 d, u32 e, u32 f)
{
	return fs_sys_fstatat64(AT_FDCWD, upath, ubuf, 0, 0, 0);
}

long fs_sys_lstat64(u32 upath, u32 ubuf, u32 c, u32 d, u32 e, u32 f)
{
	return fs_sys_fstatat64(AT_FDCWD, upath, ubuf, AT_SYMLINK_NOFOLLOW, 0, 0);
}

long fs_sys_fstat64(u32 fd, u32 ubuf, u32 c, u32 d, u32 e, u32 f6)
{
	struct kstat st;
	struct file *f = fd_file(fd);
	long err;

	if (!f)
		return -EBADF;
	if (!f->ops->stat)
		return -EINVAL;
	err = f->ops->stat(f, &st);
	return err ? err : put_stat64(&st, ubuf);
}

/* access(): we are root, who may read and write anything; only executing
 * needs an x bit somewhere (or a directory, which root may always search). */
static long kfs_access(u32 upath, int follow)
{
	struct kstat st;
	char *path;
	long err = user_path(upath, &path);

	if (err < 0)
		return err;
	err = kfs_stat(path, follow, &st);
	free_page(path);
	return err;
}

long fs_sys_faccessat(u32 dirfd, u32 upath, u32 mode, u32 d, u32 e, u32 f)
{
	struct inode *ip;
	long err = kfs_access(upath, 1);

	if (err != NOT_OURS)
		return err;
	err = walk_user(dirfd, upath, 1, &ip, NULL);

	if (err)
		return err;
	if ((mode & X_OK) && !S_ISDIR(ip->d.mode) && !(ip->d.mode & 0111))
		err = -EACCES;
	iput(ip);
	return err;
}

long fs_sys_faccessat2(u32 dirfd, u32 upath, u32 mode, u32 flags, u32 e, u32 f)
{
	struct inode *ip;
	long err = kfs_access(upath, !(flags & AT_SYMLINK_NOFOLLOW));

	if (err != NOT_OURS)
		return err;
	err = walk_user(dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW), &ip, NULL);

	if (err)
		return err;
	if ((mode & X_OK) && !S_ISDIR(ip->d.mode) && !(ip->d.mode & 0111))
		err = -EACCES;
	iput(ip);
	return err;
}

long fs_sys_access(u32 upath, u32 mode, u32 c, u32 d, u32 e, u32 f)
{
	return fs_sys_faccessat(AT_FDCWD, upath, mode, 0, 0, 0);
}

/*U:630 Making and removing names.  A directory has one name in its
 * parent, plus "." in itself, plus a ".." in each subdirectory: so mkdir
 * starts it with two links and gives its parent one more, and rmdir takes
 * them back.  Removing a name only drops the inode's link count; iput()
 * frees the inode when the count and the last open file are both gone. */
/* The directory and name a new file will have: EEXIST if the name is
 * taken, or is "/" or "a/." (no name at all). */
/* Refused if the name is one of /proc's or /dev's (U:787): 0 if the disk's. */
static long ours_to_make(int dirfd, u32 upath)
{
	char *path;
	long err;

	if (dirfd != AT_FDCWD)
		return 0;
	err = user_path(upath, &path);
	if (err < 0)
		return err;
	err = kfs_new_name(path);
	free_page(path);
	return err == NOT_OURS ? 0 : err;
}

static long new_name(int dirfd, u32 upath, struct inode **dir, struct last *name)
{
	long err = ours_to_make(dirfd, upath);

	if (!err)
		err = walk_user(dirfd, upath, 0, dir, name);
	if (err)
		return err;
	if (!name->len || ext2_lookup(*dir, name->name, name->len) >= 0) {
		iput(*dir);
		return -EEXIST;
	}
	return 0;
}

/* A new directory in dir; mkdir's work, and the RAM root's (U:600). */
static long make_dir(struct inode *dir, const char *name, u32 len, u32 mode)
{
	struct inode *ip;
	long err;

	if (dir->d.links >= 32000)
		return -EMLINK;
	ip = ext2_new_inode(dir, S_IFDIR | mode);
	if (IS_ERR(ip))
		return PTR_ERR(ip);
	ip->d.links = 2;
	err = ext2_mkdir_blocks(ip, dir);
	if (!err)
		err = ext2_add_entry(dir, name, len, ip);
	if (err) {
		ip->d.links = 0;
	} else {
		ext2_dir_count(ip, 1);
		dir->d.links++;
		iupdate(dir);
	}
	iput(ip);
	return err;
}

long fs_sys_mkdirat(u32 dirfd, u32 upath, u32 mode, u32 d, u32 e, u32 f)
{
	struct last name;
	struct inode *dir;
	long err = new_name(dirfd, upath, &dir, &name);

	if (err)
		return err;
	err = make_dir(dir, name.name, name.len, mode & 07777 & ~umask_bits);
	iput(dir);
	return done(err);
}

long fs_sys_mkdir(u32 upath, u32 mode, u32 c, u32 d, u32 e, u32 f)
{
	return fs_sys_mkdirat(AT_FDCWD, upath, mode, 0, 0, 0);
}

/*:*/

/*U:632 Removing a name: unlink() for anything but a directory, rmdir() for
 * an empty directory only, and neither for "." or "..", which are not names
 * a program may take away.  The root cannot go either (EBUSY).  A removed
 * directory loses both its links at once, its name and its ".", and its
 * parent the link its ".." was. */
static int dot_or_dotdot(const struct last *n)
{
	return (n->len == 1 && n->name[0] == '.') || (n->len == 2 && n->name[0] == '.' && n->name[1] == '.');
}

static long remove_name(u32 dirfd, u32 upath, int want_dir)
{
	struct last name;
	struct inode *dir, *ip;
	long err = walk_user(dirfd, upath, 0, &dir, &name), ino;

	if (err)
		return err;
	if (!name.len) {
		iput(dir);
		return want_dir ? -EBUSY : -EISDIR;
	}
	if (want_dir && dot_or_dotdot(&name)) {
		iput(dir);
		return name.len == 1 ? -EINVAL : -ENOTEMPTY;
	}
	ino = ext2_lookup(dir, name.name, name.len);
	if (ino < 0 || !(ip = iget(ino))) {
		iput(dir);
		return ino < 0 ? ino : -EIO;
	}
	if (want_dir && !S_ISDIR(ip->d.mode))
		err = -ENOTDIR;
	else if (!want_dir && S_ISDIR(ip->d.mode))
		err = -EISDIR;
	else if (want_dir && ip->ino == EXT2_ROOT_INO)
		err = -EBUSY;
	else if (want_dir && (err = ext2_dir_is_empty(ip)) >= 0)
		err = err ? 0 : -ENOTEMPTY;
	if (!err)
		err = ext2_remove_entry(dir, name.name, name.len);
	if (!err) {
		if (want_dir) {
			ip->d.links = 0;
			dir->d.links--;
			iupdate(dir);
			ext2_dir_count(ip, -1);
		} else {
			ip->d.links--;
		}
		ip->d.ctime = ext2_now();
		iupdate(ip);
	}
	iput(ip);
	iput(dir);
	return done(err);
}

long fs_sys_unlinkat(u32 dirfd, u32 upath, u32 flags, u32 d, u32 e, u32 f)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return remove_name(dirfd, upath, !!(flags & AT_REMOVEDIR));
}

long fs_sys_unlink(u32 upath, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return remove_name(AT_FDCWD, upath, 0);
}

long fs_sys_rmdir(u32 upath, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return remove_name(AT_FDCWD, upath, 1);
}
/*:*/

/*U:634 mknod() makes the kinds of name that hold no data of their own: a
 * FIFO (what mkfifo makes, U:528), a character or block device, whose
 * numbers go where ext2 keeps them (the first block pointer, or the second
 * for a number that does not fit in 8:8, where inode_rdev() reads them
 * back), a socket's name, or an empty regular file.  A directory is
 * mkdir's business (EPERM here, as on Linux). */
long fs_sys_mknodat(u32 dirfd, u32 upath, u32 mode, u32 dev, u32 e, u32 f)
{
	u32 type = mode & S_IFMT ? mode & S_IFMT : S_IFREG, major = rdev_major(dev), minor = rdev_minor(dev);
	struct last name;
	struct inode *dir, *ip;
	long err;

	if (type == S_IFDIR)
		return -EPERM;
	if (type != S_IFREG && type != S_IFIFO && type != S_IFCHR && type != S_IFBLK && type != S_IFSOCK)
		return -EINVAL;
	err = new_name(dirfd, upath, &dir, &name);
	if (err)
		return err;
	ip = create(dir, &name, type | (mode & 07777 & ~umask_bits));
	iput(dir);
	if (IS_ERR(ip))
		return done(PTR_ERR(ip));
	if (type == S_IFCHR || type == S_IFBLK) {
		ip->d.block[major < 256 && minor < 256 ? 0 : 1] = dev;   /* as inode_rdev() reads it */
		iupdate(ip);
	}
	iput(ip);
	return done(0);
}

long fs_sys_mknod(u32 upath, u32 mode, u32 dev, u32 d, u32 e, u32 f)
{
	return fs_sys_mknodat(AT_FDCWD, upath, mode, dev, 0, 0);
}
/*:*/

/*U:635 rename() is the one call that changes two directories at once,
 * and it has the most rules: a file may replace a file, a directory only
 * an empty directory, and a directory may not move into itself or below
 * itself (we climb from the new parent to the root along ".." to make
 * sure).  A moved directory's ".." must name its new parent, whose link
 * count it now adds to.  Both names of one inode, as for hard links,
 * make rename do nothing, as POSIX says. */
static long is_under(struct inode *dir, u32 ancestor)
{
	u32 ino = dir->ino;

	while (ino != EXT2_ROOT_INO) {
		struct inode *ip;
		long up;

		if (ino == ancestor)
			return 1;
		ip = iget(ino);
		if (!ip)
			return -EIO;
		up = ext2_lookup(ip, "..", 2);
		iput(ip);
		if (up < 0)
			return up;
		ino = up;
	}
	return ancestor == EXT2_ROOT_INO;
}

long fs_sys_renameat2(u32 olddirfd, u32 uold, u32 newdirfd, u32 unew, u32 flags, u32 f)
{
	struct last *on, *nn;
	struct inode *od = NULL, *nd = NULL, *ip = NULL, *victim = NULL;
	long err, ino;

	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	on = try_alloc_page();
	if (!on)
		return -ENOMEM;
	nn = on + 1;
	err = ours_to_make(newdirfd, unew);
	if (!err)
		err = walk_user(olddirfd, uold, 0, &od, on);
	if (err)
		goto out;
	err = walk_user(newdirfd, unew, 0, &nd, nn);
	if (err)
		goto out;
	if (!on->len || !nn->len || dot_or_dotdot(on) || dot_or_dotdot(nn)) {
		err = -EBUSY;
		goto out;
	}
	ino = ext2_lookup(od, on->name, on->len);
	if (ino < 0 || !(ip = iget(ino))) {
		err = ino < 0 ? ino : -EIO;
		goto out;
	}
	ino = ext2_lookup(nd, nn->name, nn->len);
	if (ino >= 0) {
		if (flags & RENAME_NOREPLACE) {
			err = -EEXIST;
			goto out;
		}
		if ((u32)ino == ip->ino)
			goto out;       /* err is 0 */
		victim = iget(ino);
		if (!victim) {
			err = -EIO;
			goto out;
		}
		if (S_ISDIR(ip->d.mode) && !S_ISDIR(victim->d.mode))
			err = -ENOTDIR;
		else if (!S_ISDIR(ip->d.mode) && S_ISDIR(victim->d.mode))
			err = -EISDIR;
		else if (S_ISDIR(victim->d.mode) && (err = ext2_dir_is_empty(victim)) >= 0)
			err = err ? 0 : -ENOTEMPTY;
		if (err)
			goto out;
	} else if (ino != -ENOENT) {
		err = ino;
		goto out;
	}
	/*:*/

	/*U:637 The change itself: the new name first (replacing the victim's
	 * entry, or added), then the victim's link counts, then the old name
	 * removed, and last the moved directory's "..".  In that order a crash
	 * between two steps could leave a file with a name too many, never one with
	 * none.  The steps are cached blocks, and normally reach the disk together
	 * at the end (U:705). */
	if (S_ISDIR(ip->d.mode) && od != nd) {
		err = is_under(nd, ip->ino);
		if (err) {
			err = err > 0 ? -EINVAL : err;
			goto out;
		}
	}
	if (victim)
		err = ext2_set_entry(nd, nn->name, nn->len, ip);
	else
		err = ext2_add_entry(nd, nn->name, nn->len, ip);
	if (err)
		goto out;
	if (victim) {
		if (S_ISDIR(victim->d.mode)) {
			victim->d.links = 0;
			nd->d.links--;
			ext2_dir_count(victim, -1);
		} else {
			victim->d.links--;
		}
		victim->d.ctime = ext2_now();
		iupdate(victim);
	}
	err = ext2_remove_entry(od, on->name, on->len);
	if (S_ISDIR(ip->d.mode)) {
		nd->d.links++;
		od->d.links--;
		if (!err && od != nd)
			err = ext2_set_entry(ip, "..", 2, nd);
	}
	iupdate(od);
	iupdate(nd);
	ip->d.ctime = ext2_now();
	iupdate(ip);
out:
	iput(victim);
	iput(ip);
	iput(nd);
	iput(od);
	free_page(on);
	return done(err);
}

long fs_sys_renameat(u32 olddirfd, u32 uold, u32 newdirfd, u32 unew, u32 e, u32 f)
{
	return fs_sys_renameat2(olddirfd, uold, newdirfd, unew, 0, 0);
}

long fs_sys_rename(u32 uold, u32 unew, u32 c, u32 d, u32 e, u32 f)
{
	return fs_sys_renameat2(AT_FDCWD, uold, AT_FDCWD, unew, 0, 0);
}
/*:*/

/*U:640 Links, hard and symbolic.  A hard link is one more name for an
 * inode (never for a directory: that would make the tree a graph), and it
 * can be made only where the name does not exist yet. */
long fs_sys_linkat(u32 olddirfd, u32 uold, u32 newdirfd, u32 unew, u32 flags, u32 f)
{
	struct last name;
	struct inode *ip, *dir;
	long err = ours_to_make(newdirfd, unew);

	if (!err)
		err = walk_user(olddirfd, uold, !!(flags & AT_SYMLINK_FOLLOW), &ip, NULL);
	if (err)
		return err;
	err = walk_user(newdirfd, unew, 0, &dir, &name);
	if (err) {
		iput(ip);
		return err;
	}
	if (S_ISDIR(ip->d.mode))
		err = -EPERM;
	else if (!name.len || ext2_lookup(dir, name.name, name.len) >= 0)
		err = -EEXIST;
	else if (ip->d.links >= 65000)
		err = -EMLINK;
	else
		err = ext2_add_entry(dir, name.name, name.len, ip);
	if (!err) {
		ip->d.links++;
		ip->d.ctime = ext2_now();
		iupdate(ip);
	}
	iput(dir);
	iput(ip);
	return done(err);
}

long fs_sys_link(u32 uold, u32 unew, u32 c, u32 d, u32 e, u32 f)
{
	return fs_sys_linkat(AT_FDCWD, uold, AT_FDCWD, unew, 0, 0);
}

/*:*/

/* readlink() of /proc's links (U:789), or NOT_OURS. */
static long proc_readlink(u32 upath, u32 ubuf, u32 size)
{
	char *buf, *path;
	long err = user_path(upath, &path);

	if (err < 0)
		return err;
	buf = try_alloc_page();
	err = buf ? kfs_readlink(path, buf, size < PAGE_SIZE ? size : PAGE_SIZE) : -ENOMEM;
	free_page(path);
	if (err > 0 && err != NOT_OURS && copy_to_user(ubuf, buf, err))
		err = -EFAULT;
	if (buf)
		free_page(buf);
	return err;
}

/*U:642 A symbolic link is a small file whose content is a path; a short
 * one, under 60 bytes, lives in the inode itself, in the space of the
 * fifteen block pointers it does not need ("fast" symlinks: no block to
 * read).  readlink() gives the text back, without a terminating NUL, as
 * it always has (after asking /proc, whose links are made up, U:789). */
long fs_sys_symlinkat(u32 utarget, u32 dirfd, u32 upath, u32 d, u32 e, u32 f)
{
	struct last name;
	struct inode *dir, *ip;
	char *target;
	long len = user_path(utarget, &target), err;

	if (len < 0)
		return len;
	if (!len) {
		free_page(target);
		return -ENOENT;
	}
	err = new_name(dirfd, upath, &dir, &name);
	if (err) {
		free_page(target);
		return err;
	}
	ip = create(dir, &name, S_IFLNK | 0777);
	iput(dir);
	if (IS_ERR(ip)) {
		free_page(target);
		return done(PTR_ERR(ip));
	}
	if (len < (long)sizeof(ip->d.block)) {
		memcpy(ip->d.block, target, len);
		ip->d.size = len;
		iupdate(ip);
	} else {
		err = ext2_write(ip, target, 0, len);
		if (err >= 0 && err != len)
			err = -ENOSPC;
		err = err < 0 ? err : 0;
	}
	free_page(target);
	iput(ip);
	return done(err);
}

long fs_sys_symlink(u32 utarget, u32 upath, u32 c, u32 d, u32 e, u32 f)
{
	return fs_sys_symlinkat(utarget, AT_FDCWD, upath, 0, 0, 0);
}

long fs_sys_readlinkat(u32 dirfd, u32 upath, u32 ubuf, u32 size, u32 e, u32 f)
{
	struct inode *ip;
	char *buf;
	long err = proc_readlink(upath, ubuf, size);

	if (err == NOT_OURS)
		err = walk_user(dirfd, upath, 0, &ip, NULL);
	if (err)
		return err;         /* or /proc's link's length */
	if (!S_ISLNK(ip->d.mode) || (s32)size <= 0) {
		iput(ip);
		return -EINVAL;
	}
	buf = try_alloc_page();
	if (!buf) {
		iput(ip);
		return -ENOMEM;
	}
	err = read_link(ip, buf, size < PAGE_SIZE ? size : PAGE_SIZE);
	if (err > 0 && copy_to_user(ubuf, buf, err))
		err = -EFAULT;
	free_page(buf);
	iput(ip);
	return err;
}

long fs_sys_readlink(u32 upath, u32 ubuf, u32 size, u32 d, u32 e, u32 f)
{
	return fs_sys_readlinkat(AT_FDCWD, upath, ubuf, size, 0, 0);
}
/*:*/

/*U:645 The working directory is an inode number the process side keeps
 * for us (it is per process; fork copies it, U:505): chdir() walks to a
 * directory and keeps its number, fchdir() takes the number from an open
 * one. */
long fs_sys_chdir(u32 upath, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	struct inode *ip;
	char *path;
	long err = user_path(upath, &path);

	if (err < 0)
		return err;
	err = kfs_chdir(path);
	free_page(path);
	if (err != NOT_OURS)
		return err;
	err = walk_user(AT_FDCWD, upath, 1, &ip, NULL);

	if (err)
		return err;
	if (!S_ISDIR(ip->d.mode))
		err = -ENOTDIR;
	else
		set_cwd_inode(ip->ino);
	iput(ip);
	return err;
}

long fs_sys_fchdir(u32 fd, u32 b, u32 c, u32 d, u32 e, u32 f6)
{
	struct file *f = fd_file(fd);
	struct inode *ip = file_inode(f);

	if (!f)
		return -EBADF;
	if (!ip || !S_ISDIR(ip->d.mode))
		return -ENOTDIR;
	set_cwd_inode(ip->ino);
	return 0;
}

/*:*/

/*U:646 chroot() moves a process's "/" to a directory, for it and for the
 * children it forks from then on: every absolute path, and every symlink
 * that starts with a slash, begins there, and ".." of it is itself, as ".."
 * of the real root is, so that no number of them climbs out.  The working
 * directory is not moved (chroot's applet changes to the new root itself),
 * and one left outside has no name under the new root: getcwd() says ENOENT,
 * which is what glibc makes of Linux's "(unreachable)" answer.  /proc and
 * /dev stay where they were, as if mounted into every root (U:780). */
long fs_sys_chroot(u32 upath, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	struct inode *ip;
	long err = walk_user(AT_FDCWD, upath, 1, &ip, NULL);

	if (err)
		return err;
	if (!S_ISDIR(ip->d.mode))
		err = -ENOTDIR;
	else
		current.root = ip->ino;
	iput(ip);
	return err;
}
/*:*/

/*U:647 getcwd() has no name to return, only that number: it climbs ".." to
 * the root and looks for each directory's number in its parent to find the
 * names, writing them from the end of the buffer backwards.  A Guest without
 * a disk lives in "/", and says so. */
/* Write the name of ino (a directory) in its parent into path before *end. */
static long name_in_parent(struct inode *parent, u32 ino, char *path, u32 *end)
{
	char name[EXT2_NAME_LEN + 1];
	u64 pos = 0;
	u32 e_ino;
	u8 type;
	long n;

	while ((n = ext2_next_entry(parent, &pos, &e_ino, name, &type)) > 0) {
		if (e_ino != ino || !strlen(name) || !memcmp(name, ".", 2) || !memcmp(name, "..", 3))
			continue;
		n = strlen(name);
		if ((u32)n + 1 > *end)
			return -ENAMETOOLONG;
		*end -= n;
		memcpy(path + *end, name, n);
		path[--*end] = '/';
		return 0;
	}
	return n < 0 ? n : -ENOENT;
}

long fs_sys_getcwd(u32 ubuf, u32 size, u32 c, u32 d, u32 e, u32 f)
{
	char *path;
	u32 end = PAGE_SIZE - 1, ino, len;
	long err = 0;

	if (!fs_ready() || kfs_cwd()) {
		const char *where = kfs_cwd() ? kfs_cwd() : "/";

		if (size < strlen(where) + 1)
			return -ERANGE;
		return copy_to_user(ubuf, where, strlen(where) + 1) ? -EFAULT : (long)strlen(where) + 1;
	}
	path = try_alloc_page();
	if (!path)
		return -ENOMEM;
	path[end] = '\0';
	ino = cwd_inode();
	while (!err && ino != root_inode() && ino != EXT2_ROOT_INO) {
		struct inode *dir = iget(ino), *parent;
		long up = dir ? ext2_lookup(dir, "..", 2) : -EIO;

		iput(dir);
		if (up < 0) {
			err = up;
			break;
		}
		parent = iget(up);
		err = parent ? name_in_parent(parent, ino, path, &end) : -EIO;
		iput(parent);
		ino = up;
	}
	if (!err && end == PAGE_SIZE - 1)
		path[--end] = '/';
	if (!err && ino != root_inode())
		err = -ENOENT;          /* a working directory outside the root: no path to give */
	len = PAGE_SIZE - end;
	if (!err && len > size)
		err = -ERANGE;
	if (!err)
		err = copy_to_user(ubuf, path + end, len) ? -EFAULT : (long)len;
	free_page(path);
	return err;
}
/*:*/

/*U:650 The inode's attributes: permissions, owner, times, size.  Nobody
 * checks them here, everybody being root, but they are kept, on the disk,
 * for ls -l and for the day there are other users.  Every change stamps the
 * inode's ctime, the "status changed" time, which is what it is for. */
static long change(struct inode *ip, long (*what)(struct inode *, u32, u32), u32 x, u32 y)
{
	long err = what(ip, x, y);

	if (!err) {
		ip->d.ctime = ext2_now();
		iupdate(ip);
	}
	iput(ip);
	return done(err);
}

static long fd_inode(u32 fd, struct inode **ip)
{
	struct file *f = fd_file(fd);

	if (!f)
		return -EBADF;
	*ip = file_inode(f);
	if (!*ip)
		return -EINVAL;
	iget_again(*ip);
	return 0;
}

static long set_mode(struct inode *ip, u32 mode, u32 unused)
{
	ip->d.mode = (ip->d.mode & S_IFMT) | (mode & 07777);
	return 0;
}

static long set_owner(struct inode *ip, u32 uid, u32 gid)
{
	if (uid != 0xFFFFFFFF) {
		ip->d.uid = uid;
		ip->d.uid_high = uid >> 16;
	}
	if (gid != 0xFFFFFFFF) {
		ip->d.gid = gid;
		ip->d.gid_high = gid >> 16;
	}
	return 0;
}

/*:*/

long fs_sys_fchmodat(u32 dirfd, u32 upath, u32 mode, u32 d, u32 e, u32 f)
{
	struct inode *ip;
	long err = walk_user(dirfd, upath, 1, &ip, NULL);

	return err ? err : change(ip, set_mode, mode, 0);
}

long fs_sys_chmod(u32 upath, u32 mode, u32 c, u32 d, u32 e, u32 f)
{
	return fs_sys_fchmodat(AT_FDCWD, upath, mode, 0, 0, 0);
}

long fs_sys_fchmod(u32 fd, u32 mode, u32 c, u32 d, u32 e, u32 f)
{
	struct inode *ip;
	long err = fd_inode(fd, &ip);

	return err ? err : change(ip, set_mode, mode, 0);
}

long fs_sys_fchownat(u32 dirfd, u32 upath, u32 uid, u32 gid, u32 flags, u32 f)
{
	struct inode *ip;
	long err = lookup_at(dirfd, upath, flags, &ip);

	return err ? err : change(ip, set_owner, uid, gid);
}

long fs_sys_chown32(u32 upath, u32 uid, u32 gid, u32 d, u32 e, u32 f)
{
	return fs_sys_fchownat(AT_FDCWD, upath, uid, gid, 0, 0);
}

long fs_sys_lchown32(u32 upath, u32 uid, u32 gid, u32 d, u32 e, u32 f)
{
	return fs_sys_fchownat(AT_FDCWD, upath, uid, gid, AT_SYMLINK_NOFOLLOW, 0);
}

long fs_sys_fchown32(u32 fd, u32 uid, u32 gid, u32 d, u32 e, u32 f)
{
	struct inode *ip;
	long err = fd_inode(fd, &ip);

	return err ? err : change(ip, set_owner, uid, gid);
}

/*U:655 Times.  touch, cp -p and tar set them with utimensat(), which takes
 * two timespecs (access and modification), either of which may say "now"
 * (UTIME_NOW) or "leave it" (UTIME_OMIT); no array at all means both now.
 * Only the seconds are kept: ext2's times have no finer grain. */
/* utimensat(dirfd, path or NULL for the fd itself, times or NULL, flags),
 * with 32-bit or (the _time64 call glibc tries first) 64-bit seconds. */
static long set_times(u32 dirfd, u32 upath, u32 utimes, u32 flags, int time64)
{
	u32 t[8], sec[2], nsec[2], now = ext2_now();
	struct inode *ip;
	long err;
	int i;

	if (utimes && copy_from_user(t, utimes, time64 ? 32 : 16))
		return -EFAULT;
	for (i = 0; i < 2; i++) {
		sec[i] = time64 ? t[4 * i] : t[2 * i];
		nsec[i] = utimes ? (time64 ? t[4 * i + 2] : t[2 * i + 1]) : UTIME_NOW;
		if (nsec[i] == UTIME_NOW)
			sec[i] = now;
		else if (nsec[i] != UTIME_OMIT && nsec[i] >= 1000000000)
			return -EINVAL;
	}
	if (upath)
		err = walk_user(dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW), &ip, NULL);
	else
		err = fd_inode(dirfd, &ip);
	if (err)
		return err;
	if (nsec[0] != UTIME_OMIT)
		ip->d.atime = sec[0];
	if (nsec[1] != UTIME_OMIT)
		ip->d.mtime = sec[1];
	ip->d.ctime = now;
	iupdate(ip);
	iput(ip);
	return done(0);
}

long fs_sys_utimensat(u32 dirfd, u32 upath, u32 utimes, u32 flags, u32 e, u32 f)
{
	return set_times(dirfd, upath, utimes, flags, 0);
}

long fs_sys_utimensat_time64(u32 dirfd, u32 upath, u32 utimes, u32 flags, u32 e, u32 f)
{
	return set_times(dirfd, upath, utimes, flags, 1);
}

/*:*/

/*U:657 truncate(), to any length: shorter frees blocks (U:740), longer only
 * moves the size, and the new part reads as zeros, a hole.  Only a regular
 * file can be cut, and ftruncate() only through a descriptor open for
 * writing; truncate() by name needs no descriptor at all, and for root, no
 * permission either.  The 32-bit calls sign-extend their length, so a
 * negative one stays negative and is refused (EINVAL), not taken for 4 GiB. */
static long do_truncate(struct inode *ip, s64 len)
{
	long err;

	if (len < 0)
		err = -EINVAL;
	else if (S_ISDIR(ip->d.mode))
		err = -EISDIR;
	else if (!S_ISREG(ip->d.mode))
		err = -EINVAL;
	else
		err = ext2_truncate(ip, len);
	iput(ip);
	return done(err);
}

long fs_sys_truncate64(u32 upath, u32 lo, u32 hi, u32 d, u32 e, u32 f)
{
	struct inode *ip;
	long err = walk_user(AT_FDCWD, upath, 1, &ip, NULL);

	return err ? err : do_truncate(ip, lo | (s64)hi << 32);
}

long fs_sys_truncate(u32 upath, u32 len, u32 c, u32 d, u32 e, u32 f)
{
	return fs_sys_truncate64(upath, len, (s32)len < 0 ? 0xFFFFFFFF : 0, 0, 0, 0);
}

long fs_sys_ftruncate64(u32 fd, u32 lo, u32 hi, u32 d, u32 e, u32 f6)
{
	struct file *f = fd_file(fd);
	struct inode *ip;

	if (!f)
		return -EBADF;
	if (!(f->flags & O_ACCMODE))
		return -EINVAL;
	if (fd_inode(fd, &ip))
		return -EINVAL;
	return do_truncate(ip, lo | (s64)hi << 32);
}

long fs_sys_ftruncate(u32 fd, u32 len, u32 c, u32 d, u32 e, u32 f)
{
	return fs_sys_ftruncate64(fd, len, (s32)len < 0 ? 0xFFFFFFFF : 0, 0, 0, 0);
}

/* fallocate(): ext2 has no way to reserve blocks without writing them, and
 * Linux's ext2 says so (EOPNOTSUPP); a pipe cannot be sized at all. */
long fs_sys_fallocate(u32 fd, u32 mode, u32 b, u32 c, u32 d, u32 e)
{
	struct file *f = fd_file(fd);
	struct inode *ip = file_inode(f);

	if (!f || !(f->flags & O_ACCMODE))
		return -EBADF;
	if (ip && S_ISDIR(ip->d.mode))
		return -EISDIR;
	return ip ? -EOPNOTSUPP : -ESPIPE;
}

/*:*/

/*U:659 sync() and fsync() (and syncfs(), which is fsync() here: there is
 * one disk) have little left to do: every change already ended with the
 * cache written out (U:705), so they only make sure.
 * umask() is one for the whole kernel here, not one per process as in
 * Linux; every process is a shell's child or grandchild, and shells set it
 * once. */
long fs_sys_sync(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	if (ext2_mounted())
		ext2_sync();
	return 0;
}

long fs_sys_fsync(u32 fd, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	if (!fd_file(fd))
		return -EBADF;
	return ext2_mounted() ? ext2_sync() : 0;
}

long fs_sys_umask(u32 mask, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	u32 old = umask_bits;

	umask_bits = mask & 0777;
	return old;
}
/*:*/

/*U:785 mount() and umount(), as far as one disk and two file
 * systems of the kernel's own need them.  The root is mounted at boot
 * (U:760) and /proc and /dev are always there (U:780), so mount() has
 * nothing to attach: it says yes to what is already so ("mount -t proc proc
 * /proc", devtmpfs on /dev, a remount of "/", which is how a boot script
 * asks for what it already has), and ENODEV to a kind of file system this
 * kernel does not know.  umount() cannot take any of them away (EBUSY for
 * the root, EINVAL, "not mounted", for the others). */
#define MS_REMOUNT 32
#define PROC_SUPER_MAGIC 0x9FA0
#define TMPFS_MAGIC 0x01021994
#define EXT2_SUPER_MAGIC 0xEF53

static unsigned long strspn_slash(const char *s)
{
	unsigned long n = 0;

	while (s[n] == '/')
		n++;
	return n;
}

static int same(const char *a, const char *b)
{
	return strlen(a) == strlen(b) && !memcmp(a, b, strlen(a));
}

long fs_sys_mount(u32 usource, u32 utarget, u32 utype, u32 flags, u32 e, u32 f)
{
	char *target, *type = NULL;
	long err = user_path(utarget, &target);

	if (err < 0)
		return err;
	if (!(flags & MS_REMOUNT) && (err = user_path(utype, &type)) < 0) {
		free_page(target);
		return err;
	}
	if (flags & MS_REMOUNT)
		err = same(target, "/") && ext2_mounted() ? 0 : -EINVAL;
	else if (same(type, "proc"))
		err = same(target, "/proc") ? 0 : -EBUSY;
	else if (same(type, "devtmpfs"))
		err = same(target, "/dev") ? 0 : -EBUSY;
	else if (same(type, "ext2"))
		err = -EBUSY;               /* the one disk is the root already */
	else
		err = -ENODEV;
	free_page(target);
	if (type)
		free_page(type);
	return err;
}

long fs_sys_umount2(u32 utarget, u32 flags, u32 c, u32 d, u32 e, u32 f)
{
	char *target;
	long err = user_path(utarget, &target);

	if (err < 0)
		return err;
	err = same(target, "/") ? -EBUSY : -EINVAL;
	free_page(target);
	return err;
}

/*:*/

/*U:794 statfs() is what df asks about each line of /proc/mounts (U:784):
 * for ext2, the superblock's counts (free blocks less those kept for root
 * is what an ordinary user could still have, "available"); for /proc and
 * /dev, Linux's magic numbers and nothing in them. */
static long put_statfs64(u32 size, u32 ubuf, u32 magic)
{
	u32 s[21], c[5];

	if (size != 84 && size != 88)
		return -EINVAL;
	memset(s, 0, sizeof(s));
	s[0] = magic;
	s[1] = s[15] = magic == EXT2_SUPER_MAGIC ? ext2_block_size() : PAGE_SIZE;   /* f_bsize, f_frsize */
	if (magic == EXT2_SUPER_MAGIC) {
		if (ext2_statfs(c))
			return -EIO;
		s[2] = c[0];                                /* f_blocks */
		s[4] = c[1];                                /* f_bfree */
		s[6] = c[1] > c[2] ? c[1] - c[2] : 0;       /* f_bavail */
		s[8] = c[3];                                /* f_files */
		s[10] = c[4];                               /* f_ffree */
		s[12] = 254 << 8;                           /* f_fsid */
	}
	s[14] = 255;                                        /* f_namelen */
	return copy_to_user(ubuf, s, size) ? -EFAULT : 0;
}

long fs_sys_statfs64(u32 upath, u32 size, u32 ubuf, u32 d, u32 e, u32 f)
{
	struct kstat st;
	struct inode *ip;
	char *path;
	long err = user_path(upath, &path);

	if (err < 0)
		return err;
	err = kfs_stat(path, 1, &st);
	if (err == 0)
		err = put_statfs64(size, ubuf, !memcmp(path + strspn_slash(path), "proc", 4)
				   ? PROC_SUPER_MAGIC : TMPFS_MAGIC);
	free_page(path);
	if (err != NOT_OURS)
		return err;
	err = walk_user(AT_FDCWD, upath, 1, &ip, NULL);
	if (err)
		return err;
	iput(ip);
	return put_statfs64(size, ubuf, EXT2_SUPER_MAGIC);
}

long fs_sys_fstatfs64(u32 fd, u32 size, u32 ubuf, u32 d, u32 e, u32 f6)
{
	struct file *f = fd_file(fd);

	if (!f)
		return -EBADF;
	return put_statfs64(size, ubuf, file_inode(f) ? EXT2_SUPER_MAGIC : TMPFS_MAGIC);
}
/*:*/
