#ifndef GUEST_EXT2_H
#define GUEST_EXT2_H

#include "file.h"

/* Linux's errno numbers that only the file system needs. */
#define EIO           5
#define ENXIO         6
#define EACCES       13
#define EBUSY        16
#define EXDEV        18
#define ENOTDIR      20
#define EISDIR       21
#define EMFILE       24
#define EROFS        30
#define EMLINK       31
#define ENAMETOOLONG 36
#define ENOTEMPTY    39
#define ELOOP        40

#define S_IFMT   0170000
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFBLK  0060000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)

#define EXT2_ROOT_INO 2
#define EXT2_NAME_LEN 255

/* The first 128 bytes of an inode, as the disk has them ("good old" revision
 * 0 size; a larger inode's extra bytes stay on the disk untouched). */
struct ext2_dinode {
	u16 mode, uid;
	u32 size, atime, ctime, mtime, dtime;
	u16 gid, links;
	u32 blocks;             /* 512-byte units, indirect blocks included */
	u32 flags, osd1;
	u32 block[15];          /* 12 direct, indirect, double, triple */
	u32 generation, file_acl, size_high, faddr;
	u8 frag, fsize;
	u16 pad, uid_high, gid_high;
	u32 reserved;
};

/* An inode in memory: the disk's copy plus who is using it. */
struct inode {
	u32 ino;
	u32 refs;
	struct ext2_dinode d;
	struct inode *hnext;    /* iget()'s hash chain */
};

int ext2_mount(void);
int ext2_mounted(void);
u32 ext2_block_size(void);
int ext2_statfs(u32 out[5]);   /* blocks, free, reserved, inodes, free inodes */
u32 ext2_now(void);
struct inode *iget(u32 ino);
void iget_again(struct inode *ip);
void iput(struct inode *ip);
void iupdate(struct inode *ip);
u64 isize(const struct inode *ip);
long ext2_read(struct inode *ip, void *buf, u64 pos, u32 len);
long ext2_read_whole(struct inode *ip, void *buf);   /* the program image, U:762 */
long ext2_write(struct inode *ip, const void *buf, u64 pos, u32 len);
long ext2_truncate(struct inode *ip, u64 size);
struct inode *ext2_new_inode(struct inode *dir, u32 mode);
long ext2_lookup(struct inode *dir, const char *name, u32 len);
long ext2_add_entry(struct inode *dir, const char *name, u32 len, struct inode *ip);
long ext2_remove_entry(struct inode *dir, const char *name, u32 len);
long ext2_set_entry(struct inode *dir, const char *name, u32 len, struct inode *ip);
long ext2_next_entry(struct inode *dir, u64 *pos, u32 *ino, char *name, u8 *type);
long ext2_dir_is_empty(struct inode *dir);
long ext2_mkdir_blocks(struct inode *dir, struct inode *parent);
void ext2_dir_count(struct inode *dir, int delta);
int ext2_fast_symlink(const struct inode *ip);
long ext2_sync(void);

#endif
