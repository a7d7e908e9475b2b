/* src/guest/selftest/ext2test.c runs the Guest's ext2.c against a
 * real image file, made by mke2fs -d from a known tree, as an ordinary
 * 32-bit Linux program: "the block device" is pread64/pwrite64 on the file.
 * It reads what mke2fs wrote (small and big files, fast and slow symlinks, a
 * sparse file), then writes (new files across the indirect blocks, truncation,
 * a directory with enough names for several blocks, deletion) and syncs; the
 * Makefile then asks `e2fsck -fn` whether the image is still a clean ext2.
 *
 * The file is /dev/lgba here: the block_ calls below are what block.c is in
 * the kernel, and disk.c sits between them and ext2.c as it does there.  Run
 * as "ext2test --ram OUT", there is no disk, and disk.c makes its RAM disk
 * (U:602, U:603): the writing half runs on that, the RAM disk's pages must
 * go back to the allocator as files give up their blocks, and the whole disk
 * is then written to OUT for e2fsck to judge mkfs and all; last, a sector
 * written alone into a page must change that sector and nothing else. */
#include "ext2.h"

static long sys(long nr, long a, long b, long c, long d, long e)
{
	long ret;

	__asm__ __volatile__("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			     : "memory");
	return ret;
}

static int failures, disk_fd;
static unsigned long image_sectors;

struct lguest_data lguest_data;
u32 wall_seconds(void) { return lguest_data.time.seconds; }   /* date -s never ran (U:262) */
int quiet;
unsigned long hcall(unsigned long call, unsigned long a1, unsigned long a2, unsigned long a3)
{
	(void)a1;
	(void)a2;
	(void)a3;
	if (call == LHCALL_CRASH)
		sys(1, 3, 0, 0, 0, 0);  /* panic(): fail loudly */
	return 0;
}

void irq_disable(void)
{
}

void console_write(const char *s, unsigned long n)
{
	sys(4, 2, (long)s, n, 0, 0);
}

int block_present(void)
{
	return disk_fd >= 0;
}

unsigned long block_sectors(void)
{
	return image_sectors;
}

int block_read(unsigned int sector, void *buf, unsigned long bytes)
{
	u64 off = (u64)sector * 512;

	return sys(180, disk_fd, (long)buf, bytes, (long)(u32)off, (long)(off >> 32)) == (long)bytes ? 0 : -1;
}

int block_write(unsigned int sector, const void *buf, unsigned long bytes)
{
	u64 off = (u64)sector * 512;

	return sys(181, disk_fd, (long)buf, bytes, (long)(u32)off, (long)(off >> 32)) == (long)bytes ? 0 : -1;
}

/* Pages for the cache and, with --ram, for the RAM disk of RAM_SIZE / 2. */
#define NPAGES 1536
unsigned long ram_size = 8 << 20;
static u8 pages[NPAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static void *free_list;
static unsigned int pages_used, pages_out;

void *try_alloc_page(void)
{
	void *p = free_list;

	if (p)
		free_list = *(void **)p;
	else if (pages_used < NPAGES)
		p = pages[pages_used++];
	if (p)
		pages_out++;
	return p;
}

void *alloc_page(void)
{
	void *p = try_alloc_page();

	if (!p)
		panic("ext2test: out of pages");
	return p;
}

void free_page(void *p)
{
	*(void **)p = free_list;
	free_list = p;
	pages_out--;
}

static void check(int ok, const char *what)
{
	if (!ok) {
		failures++;
		printk("ext2test: FAIL %s\n", what);
	}
}

static u8 buf[400000], want[400000];

/* What `seq 1 60000` prints. */
static u32 seq(u8 *out)
{
	u32 n = 0, i;

	for (i = 1; i <= 60000; i++)
		n += snprintf((char *)out + n, 16, "%u\n", i);
	return n;
}

static struct inode *lookup(struct inode *dir, const char *name)
{
	long ino = ext2_lookup(dir, name, strlen(name));

	return ino > 0 ? iget(ino) : NULL;
}

static u32 free_blocks(void)
{
	u8 sb[1024];

	disk_read(2, sb, 1024);
	return sb[12] | sb[13] << 8 | sb[14] << 16 | (u32)sb[15] << 24;
}

/* What mke2fs -d wrote. */
static void read_tests(struct inode *root)
{
	struct inode *ip;
	u32 n, i;

	ip = lookup(root, "hello");
	check(ip && ext2_read(ip, buf, 0, 100) == 12 && !memcmp(buf, "hello, ext2\n", 12), "small file");
	iput(ip);

	n = seq(want);
	ip = lookup(root, "big");
	check(ip && isize(ip) == n, "big file's size");
	for (i = 0; ip && i < n; i += 1000)
		ext2_read(ip, buf + i, i, 1000);
	check(ip && !memcmp(buf, want, n), "big file, through the double-indirect blocks");
	iput(ip);

	ip = lookup(root, "link");
	check(ip && S_ISLNK(ip->d.mode) && ext2_fast_symlink(ip) && isize(ip) == 5
	      && !memcmp(ip->d.block, "hello", 5), "fast symlink");
	iput(ip);
	ip = lookup(root, "longlink");
	check(ip && !ext2_fast_symlink(ip) && ext2_read(ip, buf, 0, 200) == 70 && buf[0] == 'a' && buf[69] == 'a',
	      "slow symlink");
	iput(ip);

	ip = lookup(root, "sparse");
	check(ip && isize(ip) == 1048576 && ext2_read(ip, buf, 500000, 100) == 100 && buf[0] == 0 && buf[99] == 0
	      && ext2_read(ip, buf, 1048575, 10) == 1 && buf[0] == 'x', "sparse file reads zeros in its hole");
	iput(ip);
	check(ext2_lookup(root, "nothing", 7) == -ENOENT, "a missing name");
}

static void write_tests(struct inode *root)
{
	struct inode *ip, *dir;
	u32 n = seq(want), i, before, out;
	char name[32];

	/* Writing: a new file through the indirect blocks, then shorter. */
	ip = ext2_new_inode(root, S_IFREG | 0644);
	check(!IS_ERR(ip), "new inode");
	ip->d.links = 1;
	check(ext2_add_entry(root, "new", 3, ip) == 0, "add entry");
	check(ext2_write(ip, want, 0, n) == (long)n, "write the big pattern");
	memset(buf, 0xAA, n);
	check(ext2_read(ip, buf, 0, n) == (long)n && !memcmp(buf, want, n), "read it back");
	check(ext2_truncate(ip, 5000) == 0 && isize(ip) == 5000, "truncate");
	check(ext2_write(ip, "end", 20000, 3) == 3 && isize(ip) == 20003, "write past the end");
	check(ext2_read(ip, buf, 4990, 20) == 20 && !memcmp(buf, want + 4990, 10) && buf[10] == 0 && buf[19] == 0,
	      "the old tail reads as zeros");
	check(ext2_read(ip, buf, 19990, 100) == 13 && buf[0] == 0 && !memcmp(buf + 10, "end", 3), "the hole and the end");
	iput(ip);
	ext2_sync();

	/* A directory with enough names for several blocks, half removed. */
	dir = ext2_new_inode(root, S_IFDIR | 0755);
	dir->d.links = 2;
	check(ext2_mkdir_blocks(dir, root) == 0, "mkdir blocks");
	check(ext2_add_entry(root, "dir", 3, dir) == 0, "add dir");
	ext2_dir_count(dir, 1);
	root->d.links++;
	iupdate(root);
	for (i = 0; i < 250; i++) {
		snprintf(name, sizeof(name), "a-rather-long-file-name-%u", i);
		ip = ext2_new_inode(dir, S_IFREG | 0600);
		ip->d.links = 1;
		check(ext2_add_entry(dir, name, strlen(name), ip) == 0, "add many");
		ext2_write(ip, name, 0, strlen(name));
		iput(ip);
	}
	check(isize(dir) > 2 * ext2_block_size(), "the directory grew");
	for (i = 0; i < 250; i += 2) {
		snprintf(name, sizeof(name), "a-rather-long-file-name-%u", i);
		ip = lookup(dir, name);
		check(ip && ext2_remove_entry(dir, name, strlen(name)) == 0, "remove");
		if (ip)
			ip->d.links--;
		iput(ip);
	}
	ip = lookup(dir, "a-rather-long-file-name-77");
	check(ip && ext2_read(ip, buf, 0, 100) == 26 && !memcmp(buf, "a-rather-long-file-name-77", 26),
	      "a name after the removals");
	iput(ip);
	check(ext2_dir_is_empty(dir) == 0, "not empty");
	iput(dir);

	/* Deleting the big new file gives its blocks back. */
	ext2_sync();
	before = free_blocks();
	ip = lookup(root, "new");
	check(ip && ext2_remove_entry(root, "new", 3) == 0, "remove new");
	n = ip->d.blocks / (ext2_block_size() / 512);
	ip->d.links = 0;
	iput(ip);
	ext2_sync();
	check(n > 0 && free_blocks() == before + n, "free blocks after the delete");

	/* 9 MiB: across block groups on a disk that has several, into
	 * ENOSPC on one that is too small; either way all of it comes back,
	 * and on the RAM disk so do the pages that held it. */
	before = free_blocks();
	out = pages_out;
	ip = ext2_new_inode(root, S_IFREG | 0644);
	ip->d.links = 1;
	check(ext2_add_entry(root, "fill", 4, ip) == 0, "add fill");
	for (i = 0; i < (9U << 20); i += 65536) {
		long w = ext2_write(ip, want, i, 65536);

		if (w != 65536) {
			check(w >= 0 || w == -ENOSPC, "a full disk says ENOSPC");
			break;
		}
	}
	check(ext2_read(ip, buf, 3 * 65536 + 10, 1000) == 1000 && !memcmp(buf, want + 10, 1000),
	      "read back from the filled file");
	ext2_sync();
	check(ext2_remove_entry(root, "fill", 4) == 0, "remove fill");
	ip->d.links = 0;
	iput(ip);
	ext2_sync();
	check(free_blocks() == before, "every block back after the fill");
	check(!disk_is_ram() || pages_out <= out + 2, "the RAM disk's pages back after the fill");
}

/* Sectors written into a page, fresh or not, change those sectors only (the
 * RAM disk once left a fresh page's bytes before the write as they were, and
 * zeroed an old page's bytes after one).  On the last page, which the fill
 * left free, and after the image was taken. */
static void partial_writes(void)
{
	unsigned int last = disk_sectors() - 8;
	u8 page[PAGE_SIZE];
	unsigned int i;
	int ok = 1;

	memset(buf, 0xAB, 512);
	disk_write(last + 3, buf, 512);
	disk_read(last, page, PAGE_SIZE);
	for (i = 0; i < PAGE_SIZE; i++)
		ok &= page[i] == (i >= 3 * 512 && i < 4 * 512 ? 0xAB : 0);
	check(ok, "a sector written into a fresh page, the rest zeros");
	memset(buf, 0xCD, 512);
	disk_write(last, buf, 512);
	disk_read(last, page, PAGE_SIZE);
	check(page[0] == 0xCD && page[511] == 0xCD && page[512] == 0 && page[3 * 512] == 0xAB,
	      "a sector written into an old page, the rest kept");
}

/* The whole RAM disk into the file at path, for e2fsck. */
static void dump(const char *path)
{
	int fd = sys(5, (long)path, 01101, 0644, 0, 0);    /* O_WRONLY | O_CREAT | O_TRUNC */
	unsigned long s;

	check(fd >= 0, "create the image of the RAM disk");
	for (s = 0; fd >= 0 && s < disk_sectors(); s += 8) {
		disk_read(s, buf, PAGE_SIZE);
		sys(4, fd, (long)buf, PAGE_SIZE, 0, 0);
	}
	sys(6, fd, 0, 0, 0, 0);
}

void __attribute__((used)) ext2test_main(u32 *sp)
{
	const char *image = (const char *)sp[2];
	struct inode *root;

	if (sp[0] < 2) {
		printk("usage: ext2test IMAGE, or ext2test --ram OUT\n");
		sys(1, 2, 0, 0, 0, 0);
	}
	lguest_data.time.seconds = 1700000000;
	if (sp[0] == 3 && !memcmp(image, "--ram", 6)) {
		disk_fd = -1;
		check(disk_make_ram() == 0 && disk_is_ram(), "make the RAM disk");
		check(ext2_mount() == 0, "mount the RAM disk");
	} else {
		disk_fd = sys(5, (long)image, 2, 0, 0, 0);
		if (disk_fd < 0) {
			printk("ext2test: cannot open %s\n", image);
			sys(1, 2, 0, 0, 0, 0);
		}
		image_sectors = sys(19, disk_fd, 0, 2, 0, 0) / 512;
		check(ext2_mount() == 0, "mount");
	}
	root = iget(EXT2_ROOT_INO);
	check(root && S_ISDIR(root->d.mode), "the root is a directory");
	if (root && !disk_is_ram())
		read_tests(root);
	if (root)
		write_tests(root);
	iput(root);
	ext2_sync();
	if (disk_is_ram()) {
		dump((const char *)sp[3]);
		partial_writes();
	}
	printk("%s", failures ? "ext2test: FAILED\n" : "ext2test: all passed\n");
	sys(1, failures ? 1 : 0, 0, 0, 0, 0);
}

__asm__(".globl _start\n_start:\n\tpushl %esp\n\tcall ext2test_main\n");
