/* src/guest/disk.c is the disk under the file system: /dev/lgba, or, for a
 * Guest that has no ext2 disk, a RAM disk made at the first use of a name. */
#include "kernel.h"
#include "ext2.h"

/*U:602 A root for a Guest without a disk.  Linux is never without a "/":
 * before it mounts a disk, and for good if it boots from an initramfs, its
 * root is rootfs, a file system in RAM, and a script run from an initrd can
 * make a directory or write /tmp/x like any other.  Ours had no files at all
 * without a disk, every name ENOENT, so that one `mktemp` ended a script.
 *
 * The cheapest honest way to a writable "/" is the file system we already
 * have, on a disk that is RAM: the ext2 code of U:700 does not care where its
 * blocks are, only that disk_read() and disk_write() move them.  The RAM disk
 * is sparse, a table of page pointers (itself made a page at a time, as it
 * is needed) with NULL for a page never written, which reads as zeros, so
 * an empty file system costs its superblock, bitmaps and root directory, a
 * few pages, and not its size.  When ext2 frees a
 * block the page behind it goes back to the allocator (disk_discard(), as a
 * real SSD is told TRIM), so the RAM the files hold is the RAM their data
 * takes, as on tmpfs.  Its size is half the Guest's memory, tmpfs's own
 * default, at most 128 MiB (one ext2 block group of 4 KiB blocks), so that
 * files alone fill the file system (ENOSPC) before they fill the memory; a
 * write that finds no free page all the same, because programs hold the
 * rest, fails like a bad sector (EIO).
 *
 * It is made the first time the kernel looks a name up and finds no disk to
 * mount (U:600), formatted by mkfs() below, and given the /proc, /dev and
 * /tmp that a script expects to find (fs.c).  Nothing of it survives the
 * Guest: for files that must, there is --block. */
#define RAM_MAX_PAGES (32768UL)    /* 128 MiB: one block group of 4 KiB blocks */
#define PER_TABLE (PAGE_SIZE / sizeof(u8 *))
#define SECTORS_PER_PAGE (PAGE_SIZE / LGUEST_SECTOR_SIZE)

static struct {
	int on;
	unsigned long pages;
	u8 **table[RAM_MAX_PAGES / PER_TABLE];   /* each a page of PER_TABLE page pointers */
} ram;

/* Where page i of the disk is kept (a slot that may hold NULL), or NULL if
 * it has no table yet; make says whether to make the table. */
static u8 **slot(unsigned long i, int make)
{
	u8 ***t = &ram.table[i / PER_TABLE];

	if (!*t && make && (*t = try_alloc_page()))
		memset(*t, 0, PAGE_SIZE);
	return *t ? &(*t)[i % PER_TABLE] : NULL;
}

static int ram_io(int write, unsigned int sector, u8 *buf, unsigned long bytes)
{
	u64 pos = (u64)sector * LGUEST_SECTOR_SIZE;

	if (pos + bytes > (u64)ram.pages * PAGE_SIZE)
		return -1;
	while (bytes) {
		unsigned long off = pos & (PAGE_SIZE - 1);
		unsigned long n = PAGE_SIZE - off < bytes ? PAGE_SIZE - off : bytes;
		u8 **p = slot(pos >> PAGE_SHIFT, write);

		if (write) {
			if (!p)
				return -1;
			if (!*p) {                 /* a page never written reads as zeros: so must the rest of it */
				if (!(*p = try_alloc_page()))
					return -1;
				memset(*p, 0, PAGE_SIZE);
			}
			memcpy(*p + off, buf, n);
		} else if (p && *p) {
			memcpy(buf, *p + off, n);
		} else {
			memset(buf, 0, n);
		}
		pos += n;
		buf += n;
		bytes -= n;
	}
	return 0;
}
/*:*/

int disk_read(unsigned int sector, void *buf, unsigned long bytes)
{
	return ram.on ? ram_io(0, sector, buf, bytes) : block_read(sector, buf, bytes);
}

int disk_write(unsigned int sector, const void *buf, unsigned long bytes)
{
	return ram.on ? ram_io(1, sector, (u8 *)buf, bytes) : block_write(sector, buf, bytes);
}

unsigned long disk_sectors(void)
{
	return ram.on ? ram.pages * SECTORS_PER_PAGE : block_sectors();
}

int disk_present(void)
{
	return ram.on || block_present();
}

int disk_is_ram(void)
{
	return ram.on;
}

/* For messages and /proc/mounts. */
const char *disk_name(void)
{
	return ram.on ? "/dev/ram0" : "/dev/lgba";
}

/* Whole pages of [sector, +bytes) hold nothing anybody will read again. */
void disk_discard(unsigned int sector, unsigned long bytes)
{
	unsigned long i = (sector + SECTORS_PER_PAGE - 1) / SECTORS_PER_PAGE;
	unsigned long end = (sector + bytes / LGUEST_SECTOR_SIZE) / SECTORS_PER_PAGE;
	u8 **p;

	for (; ram.on && i < end && i < ram.pages; i++)
		if ((p = slot(i, 0)) && *p) {
			free_page(*p);
			*p = NULL;
		}
}

/*U:603 mkfs, for the RAM disk: the smallest ext2 that U:710's checks and
 * e2fsck accept.  One block group of 4 KiB blocks, laid out as mke2fs would
 * lay out a group without backups: the superblock 1 KiB into block 0, the
 * group descriptor in block 1, the block and inode bitmaps in 2 and 3, the
 * inode table from 4 (an inode for every two blocks, 128 bytes each, left as
 * the zeros a sparse disk already reads), and after it the root directory's
 * one block with "." and "..".  Inodes 1 to 10 are reserved, as in every
 * ext2, and the root is inode 2.  Bits past the end of the group in both
 * bitmaps are set, meaning "not there", as e2fsck insists.  Revision 1, with
 * the file-type byte in directory entries (the feature mke2fs sets first). */
static void put16(u8 *p, u32 v) { p[0] = v; p[1] = v >> 8; }
static void put32(u8 *p, u32 v) { put16(p, v); put16(p + 2, v >> 16); }

static void set_bits(u8 *map, u32 from, u32 to)
{
	for (; from < to; from++)
		map[from >> 3] |= 1 << (from & 7);
}

/* Block 0, with the superblock 1 KiB in, and block 1, the group's descriptor. */
static int write_super(u8 *b, u32 blocks, u32 inodes, u32 used, u32 now)
{
	u8 *sb = b + 1024;

	memset(b, 0, PAGE_SIZE);
	put32(sb + 0, inodes);
	put32(sb + 4, blocks);
	put32(sb + 12, blocks - used);                        /* free blocks */
	put32(sb + 16, inodes - 10);                          /* free inodes */
	put32(sb + 24, 2);                                    /* 1024 << 2: 4 KiB blocks */
	put32(sb + 28, 2);
	put32(sb + 32, 8 * PAGE_SIZE);                        /* blocks per group */
	put32(sb + 36, 8 * PAGE_SIZE);
	put32(sb + 40, inodes);                               /* inodes per group */
	put32(sb + 44, now);
	put32(sb + 48, now);
	put16(sb + 54, 0xFFFF);                               /* no mount count check */
	put16(sb + 56, 0xEF53);
	put16(sb + 58, 1);                                    /* clean */
	put16(sb + 60, 1);                                    /* on errors, continue */
	put32(sb + 64, now);
	put32(sb + 76, 1);                                    /* revision 1 */
	put32(sb + 84, 11);                                   /* first inode not reserved */
	put16(sb + 88, 128);                                  /* inode size */
	put32(sb + 96, 2);                                    /* incompat: filetype */
	memcpy(sb + 120, "ram0", 4);
	if (ram_io(1, 0, b, PAGE_SIZE))
		return -1;
	memset(b, 0, PAGE_SIZE);
	put32(b + 0, 2);                                      /* block bitmap */
	put32(b + 4, 3);                                      /* inode bitmap */
	put32(b + 8, 4);                                      /* inode table */
	put16(b + 12, blocks - used);
	put16(b + 14, inodes - 10);
	put16(b + 16, 1);                                     /* directories: the root */
	return ram_io(1, 1 * SECTORS_PER_PAGE, b, PAGE_SIZE);
}
/*:*/

/*U:604 Then what is in use, and the root: the two bitmaps, the root's
 * inode in the inode table's first block, and its directory block. */
static int mkfs(u32 blocks)
{
	u32 inodes = (blocks / 2 + 31) & ~31U, itb = inodes * 128 / PAGE_SIZE, root = 4 + itb;
	u32 now = ext2_now(), used = root + 1;
	u8 *b = try_alloc_page();
	int err;

	if (!b)
		return -ENOMEM;
	err = write_super(b, blocks, inodes, used, now);

	memset(b, 0, PAGE_SIZE);                              /* block 2: blocks in use */
	set_bits(b, 0, used);
	set_bits(b, blocks, 8 * PAGE_SIZE);
	err |= ram_io(1, 2 * SECTORS_PER_PAGE, b, PAGE_SIZE);

	memset(b, 0, PAGE_SIZE);                              /* block 3: inodes in use */
	set_bits(b, 0, 10);
	set_bits(b, inodes, 8 * PAGE_SIZE);
	err |= ram_io(1, 3 * SECTORS_PER_PAGE, b, PAGE_SIZE);

	memset(b, 0, PAGE_SIZE);                              /* the root's inode, number 2 */
	put16(b + 128 + 0, S_IFDIR | 0755);
	put32(b + 128 + 4, PAGE_SIZE);
	put32(b + 128 + 8, now);
	put32(b + 128 + 12, now);
	put32(b + 128 + 16, now);
	put16(b + 128 + 26, 2);                               /* links: "." and ".." */
	put32(b + 128 + 28, PAGE_SIZE / 512);
	put32(b + 128 + 40, root);
	err |= ram_io(1, 4 * SECTORS_PER_PAGE, b, PAGE_SIZE);

	memset(b, 0, PAGE_SIZE);                              /* the root directory */
	put32(b + 0, 2);
	put16(b + 4, 12);
	b[6] = 1;
	b[7] = 2;                                             /* a directory */
	b[8] = '.';
	put32(b + 12, 2);
	put16(b + 16, PAGE_SIZE - 12);
	b[18] = 2;
	b[19] = 2;
	b[20] = b[21] = '.';
	err |= ram_io(1, root * SECTORS_PER_PAGE, b, PAGE_SIZE);
	free_page(b);
	return err ? -ENOMEM : 0;
}
/*:*/

/* Makes and formats the RAM disk; from then on the disk_ calls are its. */
int disk_make_ram(void)
{
	unsigned long pages = ram_size / 2 / PAGE_SIZE, i;

	if (ram.on)
		return 0;
	ram.pages = pages < RAM_MAX_PAGES ? pages : RAM_MAX_PAGES;
	ram.on = 1;
	if (mkfs(ram.pages) == 0)
		return 0;
	disk_discard(0, ram.pages * PAGE_SIZE);      /* no room even for that: next time */
	for (i = 0; i < RAM_MAX_PAGES / PER_TABLE; i++)
		if (ram.table[i]) {
			free_page(ram.table[i]);
			ram.table[i] = NULL;
		}
	ram.on = 0;
	return -ENOMEM;
}
