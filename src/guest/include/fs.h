#ifndef GUEST_FS_H
#define GUEST_FS_H

#include "kernel.h"

#define FS_SYSCALLS(X) \
	X(open) X(openat) X(creat) X(getdents64) X(statx) X(stat64) X(lstat64) X(fstat64) \
	X(fstatat64) X(access) X(faccessat) X(faccessat2) X(mkdir) X(mkdirat) X(rmdir) \
	X(unlink) X(unlinkat) X(rename) X(renameat) X(renameat2) X(link) X(linkat) \
	X(symlink) X(symlinkat) X(mknod) X(mknodat) X(readlink) X(readlinkat) X(chdir) X(fchdir) X(chroot) X(getcwd) \
	X(chmod) X(fchmod) X(fchmodat) X(chown32) X(lchown32) X(fchown32) X(fchownat) \
	X(utimensat) X(utimensat_time64) X(truncate) X(truncate64) X(ftruncate) X(fallocate) \
	X(ftruncate64) X(sync) X(fsync) X(umask) X(mount) X(umount2) X(statfs64) X(fstatfs64)

#define FS_DECLARE(name) long fs_sys_##name(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f);
FS_SYSCALLS(FS_DECLARE)
#undef FS_DECLARE

long fs_mount_root(void);        /* root= at boot (U:760): 0 or -errno */
struct file;
long fs_read_whole(struct file *f, void *buf);   /* the program image (U:762) */

/* proc.c: /proc and /dev (U:780).  NOT_OURS: the path is the disk's. */
#define NOT_OURS 0x40000000L
struct kstat;
struct file *kfs_open(const char *path, u32 flags);   /* NULL: not ours */
long kfs_stat(const char *path, int follow, struct kstat *st);
long kfs_readlink(const char *path, char *buf, unsigned long size);
long kfs_chdir(const char *path);
long kfs_new_name(const char *path);
const char *kfs_cwd(void);
void calc_load(void);
unsigned long load_average(int i);        /* root= at boot (U:760): 0 or -errno */

#endif
