#include "ext2.h"

/*U:700 fs.c turned names into inodes; below it, ext2 turns inodes into
 * blocks.  ext2 in one breath.  The disk is cut into blocks (1, 2 or 4 KiB), the
 * blocks into groups of 8 x block-size blocks, so that one block of bitmap
 * says which blocks of the group are in use.  Each group also has an inode
 * bitmap and a table of inodes (128 or 256 bytes each), and a descriptor,
 * kept with all the others in the blocks after the superblock, that says
 * where those three are and how much of the group is free.  The superblock,
 * always at byte 1024 whatever the block size, holds the totals.
 *
 * An inode is a file without a name: its type and permissions, its size, its
 * times, how many names it has, and fifteen block numbers.  The first twelve
 * point at data; the thirteenth at a block of block numbers, the fourteenth
 * at a block of those, the fifteenth one level deeper again, so a file of
 * 1 KiB blocks can have 12 + 256 + 65536 + 16777216 blocks, and a small one
 * pays for no indirection at all.  A block number of zero is a hole, which
 * reads as zeros.
 *
 * We accept what mke2fs gives an ext2 file system today: the "filetype"
 * incompatible feature (directory entries that say what they name), and
 * among the read-only-compatible ones sparse_super (fewer backup
 * superblocks) and large_file (files over 2 GiB).  Anything else incompatible
 * (extents, 64-bit block numbers, checksums) means a disk we would corrupt by
 * writing, so we decline it. :*/

#define FEATURE_INCOMPAT_FILETYPE 0x0002
#define FEATURE_RO_COMPAT_KNOWN   0x0003   /* sparse_super, large_file */
#define EXT2_INDEX_FL             0x1000
#define EXT2_GOOD_OLD_INODE_SIZE  128

static struct {
	int mounted;
	u32 bsize, log, per;        /* block size, log2(bsize / 1024), pointers per block */
	u32 shift;                  /* log2(bsize) */
	u32 blocks, inodes, first_data, bpg, ipg, groups, isize, first_ino;
	u32 gdt_blocks, rsv_gdt, itb;   /* U:930: descriptor blocks, reserved ones, inode table blocks */
	int filetype, sparse;
	u32 sb_block, sb_offset;    /* where byte 1024 is in the cache's terms */
} fs;

/* The in-memory inodes (U:720), in pages taken at mount. */
#define INODES_PER_PAGE (PAGE_SIZE / sizeof(struct inode))
#define NINODE_PAGES 36     /* 1044 inodes: one per level of a 400-deep walk, and more (U:925) */
#define NINODE (NINODE_PAGES * INODES_PER_PAGE)
static struct inode *inode_pages[NINODE_PAGES];     /* from the allocator, at mount */

/*U:705 The block cache.  Every block we read stays in one of 64
 * page-sized buffers until a less recently used one is needed, so the
 * superblock, the group descriptors, the bitmaps and the inode table blocks
 * we keep looking at are read once.  Writes go into the buffer and mark it
 * dirty; ext2_sync() writes the dirty ones out, and fs.c calls it at the end
 * of every system call that changed something.  That gives us the
 * consistency a simple file system needs without a journal: between two
 * system calls, the disk is exactly what a careful `e2fsck -f` wants to see,
 * so a Guest that powers off (or is killed) between them leaves a clean
 * disk behind.  A buffer in use is "pinned" and never evicted: a pointer into
 * an indirect block stays good while we walk below it. */
#define NBUF 64
struct buf {
	u32 blk;
	int valid, dirty, pins;
	u32 used;               /* a clock for least-recently-used */
	u8 *data;
};
static struct buf bufs[NBUF];
static u32 buf_clock;

/* Byte offsets to block numbers and back by shifting: no 64-bit division
 * in a kernel without libgcc. */
#define BLK(pos) ((u32)((u64)(pos) >> fs.shift))
#define OFF(pos) ((u32)(pos) & (fs.bsize - 1))

static int disk_io(int write, u32 blk, u8 *data)
{
	u32 spb = fs.bsize / LGUEST_SECTOR_SIZE;

	return write ? disk_write(blk * spb, data, fs.bsize) : disk_read(blk * spb, data, fs.bsize);
}

static int write_buf(struct buf *b)
{
	if (b->dirty && disk_io(1, b->blk, b->data) < 0) {
		printk("ext2: write error at block %u\n", b->blk);
		return -EIO;
	}
	b->dirty = 0;
	return 0;
}

/* The buffer for block blk, pinned; read from the disk unless the caller is
 * about to overwrite all of it (read == 0 hands back zeros instead). */
static struct buf *bget(u32 blk, int read)
{
	struct buf *b, *victim = NULL;
	int i;

	if (blk >= fs.blocks) {      /* block 0 is the superblock's, with 4 KiB blocks */
		printk("ext2: block %u out of range\n", blk);
		return NULL;
	}
	for (i = 0; i < NBUF; i++) {
		b = &bufs[i];
		if (b->valid && b->blk == blk) {
			b->pins++;
			b->used = ++buf_clock;
			if (!read)
				memset(b->data, 0, fs.bsize);
			return b;
		}
		if (!b->pins && (!victim || !b->valid || (victim->valid && b->used < victim->used)))
			victim = b;
	}
	if (!victim)
		panic("ext2: all %d buffers pinned", NBUF);
	if (victim->valid && write_buf(victim) < 0)
		return NULL;
	victim->valid = 0;
	if (read) {
		if (disk_io(0, blk, victim->data) < 0) {
			printk("ext2: read error at block %u\n", blk);
			return NULL;
		}
	} else {
		memset(victim->data, 0, fs.bsize);
	}
	victim->blk = blk;
	victim->valid = 1;
	victim->dirty = 0;
	victim->pins = 1;
	victim->used = ++buf_clock;
	return victim;
}

/*:*/

/*U:707 There are no locks, because nothing else runs while we work.  The
 * kernel switches processes only where a process holds nothing of the file
 * system's: when it sleeps in wait_event(), which no code in this file or
 * fs.c does, when it exits, when its time slice is over, which is
 * noticed at the end of a system call or in ring 3 (G:694, G:696), never in
 * the middle of one, and when a copy to or from user memory waits for
 * memory (U:127), which fs.c and file.c do only between two calls into this
 * file, never inside one.  And the block driver waits for the disk by halting
 * (wait_until), not by sleeping.  So a system call's file-system work is
 * never interleaved with another's.  A disk wait that let other processes
 * run would be faster, and would need a lock on every buffer and inode in
 * this file. */
static struct buf *bread(u32 blk)
{
	return bget(blk, 1);
}

static void bdirty(struct buf *b)
{
	b->dirty = 1;
}

static void brelse(struct buf *b)
{
	if (b)
		b->pins--;
}

long ext2_sync(void)
{
	long err = 0;
	int i;

	for (i = 0; i < NBUF; i++)
		if (bufs[i].valid && bufs[i].dirty && write_buf(&bufs[i]) < 0)
			err = -EIO;
	return err;
}
/*:*/

static u32 get32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static void put32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void add16(u8 *p, int delta)
{
	u32 v = (p[0] | p[1] << 8) + delta;

	p[0] = v;
	p[1] = v >> 8;
}

u32 ext2_now(void)
{
	return wall_seconds();                /* the system's time, as date -s set it (U:262) */
}

u32 ext2_block_size(void)
{
	return fs.bsize;
}

int ext2_mounted(void)
{
	return fs.mounted;
}

/*U:930 A superblock is a claim, not a fact.  Every number in it and in the
 * group descriptors decides where a later write lands: the inode table
 * starts where descriptor g says, inode n is (n - 1) % s_inodes_per_group
 * slots into it, and a block bitmap of one block can speak for 8 x block
 * size blocks and no more.  An image that says a group has 16384 inodes and
 * a bitmap block of 1 KiB has just told us to look 1 KiB past that bitmap
 * for free bits, and to write the new inode 2 MiB past its table, over
 * whatever file lives there.  So before anything is written we check the
 * geometry the way e2fsck does: the block size, the first data block that
 * goes with it, per-group counts the bitmaps can hold, an inode size that
 * divides the block, as many inodes as groups times inodes per group, and
 * for every group its two bitmaps and its whole inode table inside the
 * group, clear of the superblock and descriptors and of each other.  A disk
 * that fails is refused, with the reason: a file system we do not
 * understand is one we must not write. */
static int has_super(u32 g)
{
	u32 p;

	if (g <= 1 || !fs.sparse)
		return 1;
	for (p = 3; p <= 7; p += 2) {
		u32 n = p;

		while (n < g)
			n *= p;
		if (n == g)
			return 1;
	}
	return 0;
}

/* The first block of group g after its superblock and descriptors, and its end. */
static u32 group_meta_end(u32 g)
{
	u32 gs = fs.first_data + g * fs.bpg;

	return has_super(g) ? gs + 1 + fs.gdt_blocks + fs.rsv_gdt : gs;
}

static u32 group_end(u32 g)
{
	u64 end = fs.first_data + (u64)(g + 1) * fs.bpg;

	return end < fs.blocks ? (u32)end : fs.blocks;
}

static const char *geometry_error(void)
{
	u32 max = 8 * fs.bsize;

	if (fs.first_data != (fs.bsize == 1024 ? 1U : 0U))
		return "first data block does not match the block size";
	if (fs.blocks <= fs.first_data + 2)
		return "too few blocks";
	if (fs.bpg < 8 || fs.bpg > max)
		return "blocks per group do not fit a bitmap block";
	if (fs.ipg < 1 || fs.ipg > max)
		return "inodes per group do not fit a bitmap block";
	if (fs.isize & (fs.isize - 1))
		return "inode size is not a power of two";
	fs.groups = (fs.blocks - fs.first_data + fs.bpg - 1) / fs.bpg;
	if ((u64)fs.ipg * fs.groups != fs.inodes)
		return "inode count is not groups x inodes per group";
	if (fs.first_ino < 11 || fs.first_ino >= fs.inodes)
		return "first non-reserved inode out of range";
	fs.itb = (fs.ipg * fs.isize + fs.bsize - 1) / fs.bsize;
	fs.gdt_blocks = (fs.groups + fs.bsize / 32 - 1) / (fs.bsize / 32);
	if (fs.rsv_gdt > fs.bsize / 4 || (u64)fs.first_data + 1 + fs.gdt_blocks + fs.rsv_gdt >= fs.blocks)
		return "group descriptors do not fit";
	return NULL;
}

/*:*/

/*U:935 The groups are checked once the cache is up, descriptor by
 * descriptor.  And mounting is not the end of it: a block number in an
 * inode or an indirect block is one more claim.  bad_block() refuses one
 * outside the file system or on a group's own metadata, so that a corrupt
 * file can neither read the inode table as its data nor write over the
 * descriptors (bmap() answers with a block number bget() refuses, and the
 * caller sees EIO).  The allocator asks the same question of a bit the
 * bitmap calls free, since a lying bitmap would hand out the inode table.
 * A descriptor pointing into some file's data inside its own group passes,
 * as it passes Linux's check: seeing that takes a scan of every inode,
 * which is e2fsck's first pass, not a mount's job. */
static u8 *group_desc(u32 g, struct buf **b);

static const char *groups_error(void)
{
	u32 g;

	for (g = 0; g < fs.groups; g++) {
		struct buf *gb;
		u8 *gd = group_desc(g, &gb);
		u32 lo = group_meta_end(g), hi = group_end(g), bb, ib, it;

		if (!gd)
			return "cannot read the group descriptors";
		bb = get32(gd);
		ib = get32(gd + 4);
		it = get32(gd + 8);
		brelse(gb);
		if (lo >= hi || bb < lo || bb >= hi || ib < lo || ib >= hi || bb == ib)
			return "a group's bitmaps lie outside it";
		if (it < lo || it > hi || hi - it < fs.itb
		    || (bb >= it && bb < it + fs.itb) || (ib >= it && ib < it + fs.itb))
			return "a group's inode table lies outside it or over its bitmaps";
	}
	return NULL;
}

/* A block number from an inode or an indirect block that is not data. */
static int bad_block(u32 blk)
{
	u32 g, bb, ib, it;
	struct buf *gb;
	u8 *gd;

	if (blk < fs.first_data || blk >= fs.blocks)
		return 1;
	g = (blk - fs.first_data) / fs.bpg;
	if (blk < group_meta_end(g))
		return 1;
	gd = group_desc(g, &gb);
	if (!gd)
		return 1;
	bb = get32(gd);
	ib = get32(gd + 4);
	it = get32(gd + 8);
	brelse(gb);
	return blk == bb || blk == ib || (blk >= it && blk < it + fs.itb);
}
/*:*/

/*U:710 Mounting reads the superblock straight from the disk (we do not know
 * the block size until we have), checks that it is an ext2 we understand,
 * and sets up the cache.  Its buffers are pages from the page allocator,
 * asked for only now, so a Guest without a disk pays nothing for them. */
int ext2_mount(void)
{
	static u8 sb[1024] __attribute__((aligned(16)));
	u32 incompat, ro;
	const char *why;
	int i;

	if (fs.mounted)
		return 0;
	if (!disk_present() || disk_read(2, sb, sizeof(sb)) < 0)
		return -ENODEV;
	if ((sb[56] | sb[57] << 8) != 0xEF53)
		return -EINVAL;
	fs.log = get32(sb + 24);
	if (fs.log > 2)
		return -EINVAL;
	fs.bsize = 1024 << fs.log;
	fs.shift = 10 + fs.log;
	fs.per = fs.bsize / 4;
	fs.inodes = get32(sb + 0);
	fs.blocks = get32(sb + 4);
	fs.first_data = get32(sb + 20);
	fs.bpg = get32(sb + 32);
	fs.ipg = get32(sb + 40);
	if (get32(sb + 76) >= 1) {
		fs.first_ino = get32(sb + 84);
		fs.isize = sb[88] | sb[89] << 8;
		incompat = get32(sb + 96);
		ro = get32(sb + 100);
	} else {
		fs.first_ino = 11;
		fs.isize = EXT2_GOOD_OLD_INODE_SIZE;
		incompat = ro = 0;
	}
	if (incompat & ~FEATURE_INCOMPAT_FILETYPE || ro & ~FEATURE_RO_COMPAT_KNOWN) {
		printk("ext2: features we cannot write (incompat %#x, ro_compat %#x)\n", incompat, ro);
		return -EINVAL;
	}
	if (!fs.bpg || !fs.ipg || fs.isize < EXT2_GOOD_OLD_INODE_SIZE || fs.isize > fs.bsize
	    || (u64)fs.blocks * (fs.bsize / LGUEST_SECTOR_SIZE) > disk_sectors())
		return -EINVAL;
	fs.filetype = !!(incompat & FEATURE_INCOMPAT_FILETYPE);
	fs.sparse = ro & 1;
	fs.rsv_gdt = (get32(sb + 76) >= 1 && (get32(sb + 92) & 0x10)) ? (sb[206] | sb[207] << 8) : 0;
	if ((why = geometry_error())) {
		printk("ext2: refusing %s: %s\n", disk_name(), why);
		return -EINVAL;
	}
	fs.sb_block = 1024 / fs.bsize;
	fs.sb_offset = 1024 % fs.bsize;
	for (i = 0; i < NBUF; i++) {
		if (!bufs[i].data && !(bufs[i].data = try_alloc_page()))
			return -ENOMEM;    /* fs.c tries again at the next call */
		bufs[i].valid = 0;
	}
	for (i = 0; i < NINODE_PAGES; i++)
		if (!inode_pages[i] && !(inode_pages[i] = try_alloc_page()))
			return -ENOMEM;
	if ((why = groups_error())) {
		printk("ext2: refusing %s: %s\n", disk_name(), why);
		for (i = 0; i < NBUF; i++)
			bufs[i].valid = 0;
		return -EINVAL;
	}
	fs.mounted = 1;
	return 0;
}
/*:*/

/* The descriptor of group g, in its pinned buffer: *b to release. */
static u8 *group_desc(u32 g, struct buf **b)
{
	u32 per_block = fs.bsize / 32;

	*b = bread(fs.first_data + 1 + g / per_block);
	return *b ? (*b)->data + (g % per_block) * 32 : NULL;
}

/*U:715 Allocating a block or an inode is finding a clear bit in a bitmap,
 * setting it, and saying so in two more places: the group's descriptor
 * (its free count, and for a directory its directory count) and the
 * superblock's total.  e2fsck counts all three itself and complains at the
 * first difference, so the three go together, always.  We look in the
 * group of the inode the allocation is for first: a file's blocks close to
 * its inode were the point of cylinder groups, and still make a tidier
 * disk. */
static void count_free(u32 g, int inode, int delta)
{
	struct buf *gb, *sb;
	u8 *gd = group_desc(g, &gb);

	if (gd) {
		add16(gd + (inode ? 14 : 12), delta);
		bdirty(gb);
		brelse(gb);
	}
	sb = bread(fs.sb_block);
	if (sb) {
		u8 *p = sb->data + fs.sb_offset + (inode ? 16 : 12);

		put32(p, get32(p) + delta);
		bdirty(sb);
		brelse(sb);
	}
}

static u32 alloc_bit(int inode, u32 goal_group)
{
	u32 i, g, bit, n;

	for (i = 0; i < fs.groups; i++) {
		struct buf *gb, *bm;
		u8 *gd;
		u32 map;

		g = (goal_group + i) % fs.groups;
		gd = group_desc(g, &gb);
		if (!gd)
			return 0;
		map = get32(gd + (inode ? 4 : 0));
		n = gd[inode ? 14 : 12] | gd[inode ? 15 : 13] << 8;
		brelse(gb);
		if (!n)
			continue;
		bm = bread(map);
		if (!bm)
			return 0;
		n = inode ? fs.ipg : fs.bpg;
		if (!inode && fs.first_data + g * fs.bpg + n > fs.blocks)
			n = fs.blocks - fs.first_data - g * fs.bpg;
		for (bit = 0; bit < n; bit++) {
			if (bm->data[bit / 8] == 0xFF) {
				bit |= 7;
				continue;
			}
			if (bm->data[bit / 8] & (1 << (bit % 8)))
				continue;
			if (inode && g * fs.ipg + bit + 1 < fs.first_ino)
				continue;
			if (!inode && bad_block(fs.first_data + g * fs.bpg + bit))
				continue;      /* the bitmap lies: U:930 */
			bm->data[bit / 8] |= 1 << (bit % 8);
			bdirty(bm);
			brelse(bm);
			count_free(g, inode, -1);
			return inode ? g * fs.ipg + bit + 1 : fs.first_data + g * fs.bpg + bit;
		}
		brelse(bm);
	}
	return 0;
}

/*:*/

/*U:717 Freeing is the same three places in reverse; freeing a bit that is
 * already clear is a bug somewhere, and is said so rather than counted
 * twice.  A data block is also counted in its inode's i_blocks, in 512-byte
 * sectors whatever the block size, and a new one is zeroed in the cache: a
 * hole filled in must go on reading as zeros where nothing was written. */
static void free_bit(int inode, u32 nr)
{
	u32 g, bit;
	struct buf *gb, *bm;
	u8 *gd;

	if (inode ? nr < 1 || nr > fs.inodes : nr < fs.first_data || nr >= fs.blocks) {
		printk("ext2: freeing %s %u, out of range\n", inode ? "inode" : "block", nr);
		return;
	}
	if (inode) {
		g = (nr - 1) / fs.ipg;
		bit = (nr - 1) % fs.ipg;
	} else {
		g = (nr - fs.first_data) / fs.bpg;
		bit = (nr - fs.first_data) % fs.bpg;
	}
	gd = group_desc(g, &gb);
	if (!gd)
		return;
	bm = bread(get32(gd + (inode ? 4 : 0)));
	brelse(gb);
	if (!bm)
		return;
	if (!(bm->data[bit / 8] & (1 << (bit % 8)))) {
		printk("ext2: freeing free %s %u\n", inode ? "inode" : "block", nr);
		brelse(bm);
		return;
	}
	bm->data[bit / 8] &= ~(1 << (bit % 8));
	bdirty(bm);
	brelse(bm);
	count_free(g, inode, 1);
}

void ext2_dir_count(struct inode *dir, int delta)
{
	struct buf *gb;
	u8 *gd = group_desc((dir->ino - 1) / fs.ipg, &gb);

	if (gd) {
		add16(gd + 16, delta);
		bdirty(gb);
		brelse(gb);
	}
}

/* A new block for ip, zeroed in the cache (a hole must go on reading as
 * zeros once it is filled in), and counted in the inode's i_blocks. */
static u32 alloc_block(struct inode *ip)
{
	u32 blk = alloc_bit(0, (ip->ino - 1) / fs.ipg);
	struct buf *b;

	if (!blk)
		return 0;
	b = bget(blk, 0);
	if (!b) {
		free_bit(0, blk);
		return 0;
	}
	bdirty(b);
	brelse(b);
	ip->d.blocks += fs.bsize / 512;
	return blk;
}

static void free_block(struct inode *ip, u32 blk)
{
	free_bit(0, blk);
	disk_discard(blk * (fs.bsize / LGUEST_SECTOR_SIZE), fs.bsize);   /* U:602 */
	ip->d.blocks -= fs.bsize / 512;
}
/*:*/

/* With a thousand in-memory inodes, iget() finds one by a hash of its
 * number, not by looking at all of them (a 400-deep path would look 400
 * times).  An inode stays in its chain after its last iput(), until its slot
 * is taken for another (ino 0: in no chain). */
#define NHASH 256
static struct inode *ihash[NHASH];
static unsigned int ifree_cursor;

static void ihash_unlink(struct inode *ip)
{
	struct inode **pp = &ihash[ip->ino % NHASH];

	while (*pp && *pp != ip)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = ip->hnext;
	ip->hnext = NULL;
	ip->ino = 0;
}

/*U:720 Inodes.  The in-memory copies live in a table (U:925 says how big), one per inode
 * in use, so that two descriptors open on the same file see one size and
 * one set of block pointers.  A reference is an open file, or a system
 * call in the middle of using it; a working directory is only an inode
 * number (U:645) and holds none.  When the last reference to an inode
 * that has lost its last name goes, the file is finally deleted: this is
 * how Unix lets a program go on reading a file somebody has removed. */
#define INODE(i) (&inode_pages[(i) / INODES_PER_PAGE][(i) % INODES_PER_PAGE])

static long inode_pos(u32 ino, struct buf **b)
{
	u32 g = (ino - 1) / fs.ipg, idx = (ino - 1) % fs.ipg, off;
	struct buf *gb;
	u8 *gd;
	u32 table;

	gd = group_desc(g, &gb);
	if (!gd)
		return -EIO;
	table = get32(gd + 8);
	brelse(gb);
	off = idx * fs.isize;
	*b = bread(table + off / fs.bsize);
	return *b ? (long)(off % fs.bsize) : -EIO;
}

void iupdate(struct inode *ip)
{
	struct buf *b;
	long off = inode_pos(ip->ino, &b);

	if (off < 0)
		return;
	memcpy(b->data + off, &ip->d, sizeof(ip->d));
	bdirty(b);
	brelse(b);
}

struct inode *iget(u32 ino)
{
	struct inode *ip, *free = NULL;
	struct buf *b;
	long off;
	int i;

	if (!fs.mounted || ino == 0 || ino > fs.inodes)
		return NULL;
	for (ip = ihash[ino % NHASH]; ip; ip = ip->hnext) {
		if (ip->refs && ip->ino == ino) {
			ip->refs++;
			return ip;
		}
	}
	for (i = 0; i < (int)NINODE && !free; i++) {
		ip = INODE((ifree_cursor + i) % NINODE);
		if (!ip->refs)
			free = ip;
	}
	if (!free) {
		printk("ext2: out of in-memory inodes\n");
		return NULL;
	}
	ifree_cursor = (ifree_cursor + i) % NINODE;
	off = inode_pos(ino, &b);
	if (off < 0)
		return NULL;
	if (free->ino)
		ihash_unlink(free);
	memcpy(&free->d, b->data + off, sizeof(free->d));
	brelse(b);
	free->ino = ino;
	free->refs = 1;
	free->hnext = ihash[ino % NHASH];
	ihash[ino % NHASH] = free;
	return free;
}

void iget_again(struct inode *ip)
{
	ip->refs++;
}
/*:*/

int ext2_fast_symlink(const struct inode *ip)
{
	return S_ISLNK(ip->d.mode) && ip->d.blocks == (ip->d.file_acl ? fs.bsize / 512 : 0);
}

u64 isize(const struct inode *ip)
{
	return ip->d.size | (S_ISREG(ip->d.mode) ? (u64)ip->d.size_high << 32 : 0);
}

static void set_size(struct inode *ip, u64 size)
{
	ip->d.size = size;
	if (S_ISREG(ip->d.mode))
		ip->d.size_high = size >> 32;
}

/*U:725 The last reference to an inode without names: give back its blocks
 * (all of them, by truncating it to nothing; a fast symlink has none, its
 * "block pointers" are the text of the link, and a block of extended
 * attributes, which mke2fs -d copies from the source tree, goes only when
 * the last inode sharing it does), stamp the deletion time, which is how
 * e2fsck tells a deleted inode from a lost one, and clear its bit. */
void iput(struct inode *ip)
{
	int fast;

	if (!ip || --ip->refs)
		return;
	if (ip->d.links)
		return;
	fast = ext2_fast_symlink(ip);
	if (ip->d.file_acl && bad_block(ip->d.file_acl))
		ip->d.file_acl = 0;
	if (ip->d.file_acl) {   /* extended attributes: a block shared by count */
		struct buf *b = bread(ip->d.file_acl);

		if (b && get32(b->data + 4) > 1) {
			put32(b->data + 4, get32(b->data + 4) - 1);
			bdirty(b);
			ip->d.blocks -= fs.bsize / 512;
		} else if (b) {
			free_block(ip, ip->d.file_acl);
		}
		brelse(b);
		ip->d.file_acl = 0;
	}
	if (fast)
		memset(ip->d.block, 0, sizeof(ip->d.block));
	else
		ext2_truncate(ip, 0);
	ip->d.dtime = ext2_now() ? ext2_now() : 1;     /* 0 would mean "in use" */
	iupdate(ip);
	free_bit(1, ip->ino);
}
/*:*/

struct inode *ext2_new_inode(struct inode *dir, u32 mode)
{
	u32 ino = alloc_bit(1, (dir->ino - 1) / fs.ipg);
	struct inode *ip;
	struct buf *b;
	long off;

	if (!ino)
		return ERR_PTR(-ENOSPC);
	/* Zero all of the disk's inode, the extra bytes of a 256-byte one too,
	 * as Linux's ext2 does for a new inode. */
	off = inode_pos(ino, &b);
	if (off < 0)
		return ERR_PTR(-EIO);
	memset(b->data + off, 0, fs.isize);
	bdirty(b);
	brelse(b);
	ip = iget(ino);
	if (!ip) {
		free_bit(1, ino);
		return ERR_PTR(-ENOMEM);
	}
	ip->d.mode = mode;
	ip->d.atime = ip->d.ctime = ip->d.mtime = ext2_now();
	iupdate(ip);
	return ip;
}

/*U:730 From a block of the file to a block of the disk.  The logical block
 * number decides how deep to go (0 to 3 levels of indirection) and which
 * slot to take at each level; with create set, every missing block on the
 * way, indirect or data, is allocated (zeroed).  Returns 0 for a hole, or
 * when the disk is full. */
#define BAD_BLOCK 0xFFFFFFFFU   /* bget() refuses it: the caller's EIO */

static u32 bmap(struct inode *ip, u32 lblk, int create)
{
	u32 idx[3], *top, blk;
	int depth, i;

	if (lblk < 12) {
		top = &ip->d.block[lblk];
		depth = 0;
	} else if ((lblk -= 12) < fs.per) {
		top = &ip->d.block[12];
		depth = 1;
		idx[0] = lblk;
	} else if ((lblk -= fs.per) < fs.per * fs.per) {
		top = &ip->d.block[13];
		depth = 2;
		idx[0] = lblk / fs.per;
		idx[1] = lblk % fs.per;
	} else {
		lblk -= fs.per * fs.per;
		if (lblk / fs.per / fs.per >= fs.per)
			return 0;
		top = &ip->d.block[14];
		depth = 3;
		idx[0] = lblk / fs.per / fs.per;
		idx[1] = lblk / fs.per % fs.per;
		idx[2] = lblk % fs.per;
	}
	blk = *top;
	if (!blk) {
		if (!create || !(blk = alloc_block(ip)))
			return 0;
		*top = blk;
	} else if (bad_block(blk)) {
		goto bad;
	}
	for (i = 0; i < depth; i++) {
		struct buf *b = bread(blk);
		u32 *slot;

		if (!b)
			return 0;
		slot = (u32 *)b->data + idx[i];
		blk = *slot;
		if (blk && bad_block(blk)) {
			brelse(b);
			goto bad;
		}
		if (!blk && create && (blk = alloc_block(ip))) {
			*slot = blk;
			bdirty(b);
		}
		brelse(b);
		if (!blk)
			return 0;
	}
	return blk;
bad:
	printk("ext2: inode %u: block %u is not a data block\n", ip->ino, blk);
	return BAD_BLOCK;
}
/*:*/

static u64 max_blocks(void)
{
	return 12 + fs.per + (u64)fs.per * fs.per + (u64)fs.per * fs.per * fs.per;
}

/* A whole file into buf, kernel memory that is contiguous and rounded up to
 * whole pages, straight from the disk: runs of consecutive blocks become one
 * request of up to 64 KiB each, where going through the cache would cost a
 * request per block.  Once at boot, for the program image (U:762), and
 * never for a file anybody has written since the disk was mounted, so the
 * cache has nothing newer to say about it. */
long ext2_read_whole(struct inode *ip, void *buf)
{
	u64 size = isize(ip);
	u32 blocks = (size + fs.bsize - 1) >> fs.shift, lblk = 0, per_sector = fs.bsize / LGUEST_SECTOR_SIZE;
	u8 *out = buf;

	if (size > max_blocks() * fs.bsize)
		return -EIO;
	while (lblk < blocks) {
		u32 blk = bmap(ip, lblk, 0), run = 1;

		if (!blk) {
			memset(out + (lblk << fs.shift), 0, fs.bsize);
			lblk++;
			continue;
		}
		while (lblk + run < blocks && (run + 1) * fs.bsize <= 65536
		       && bmap(ip, lblk + run, 0) == blk + run)
			run++;
		if (disk_read(blk * per_sector, out + (lblk << fs.shift), run * fs.bsize) < 0)
			return -EIO;
		lblk += run;
	}
	memset(out + size, 0, ((size + PAGE_SIZE - 1) & ~(u64)(PAGE_SIZE - 1)) - size);
	return 0;
}

long ext2_read(struct inode *ip, void *buf, u64 pos, u32 len)
{
	u64 size = isize(ip);
	u32 done = 0;

	if (size > max_blocks() * fs.bsize) {
		/* more than its blocks can map: a lie (U:935), not 16 EiB of holes */
		printk("ext2: inode %u: size %llu beyond the largest file\n", ip->ino, size);
		return -EIO;
	}
	if (pos >= size)
		return 0;
	if (len > size - pos)
		len = size - pos;
	while (done < len) {
		u32 off = OFF(pos + done), n = fs.bsize - off;
		u32 blk = bmap(ip, BLK(pos + done), 0);

		if (n > len - done)
			n = len - done;
		if (!blk) {
			memset((u8 *)buf + done, 0, n);
		} else {
			struct buf *b = bread(blk);

			if (!b)
				return done ? (long)done : -EIO;
			memcpy((u8 *)buf + done, b->data + off, n);
			brelse(b);
		}
		done += n;
	}
	return done;
}

/*U:735 Writing allocates as it goes, so a full disk shows up in the middle
 * of a write: like Linux, we then report what was written, and -ENOSPC only
 * if that was nothing.  A block the write covers entirely is not read
 * first.  (Reading is the same walk without the allocating, and a hole
 * reads as zeros.) */
long ext2_write(struct inode *ip, const void *buf, u64 pos, u32 len)
{
	u32 done = 0;
	long err = 0;

	if (pos + len > max_blocks() * fs.bsize)
		return -EFBIG;
	if (isize(ip) > max_blocks() * fs.bsize)
		return -EIO;
	while (done < len) {
		u32 off = OFF(pos + done), n = fs.bsize - off;
		u32 blk = bmap(ip, BLK(pos + done), 1);
		struct buf *b;

		if (n > len - done)
			n = len - done;
		if (!blk) {
			err = -ENOSPC;
			break;
		}
		b = bget(blk, n != fs.bsize);
		if (!b) {
			err = -EIO;
			break;
		}
		memcpy(b->data + off, (const u8 *)buf + done, n);
		bdirty(b);
		brelse(b);
		done += n;
	}
	if (pos + done > isize(ip))
		set_size(ip, pos + done);
	if (done)
		ip->d.mtime = ip->d.ctime = ext2_now();
	iupdate(ip);
	return done ? (long)done : err;
}
/*:*/

/*U:740 Truncation walks the tree of block pointers and frees every block
 * that only holds data at or past the new end, and every indirect block
 * left with nothing under it.  The kept part of the last block is left
 * alone but its tail is zeroed: otherwise a later write further on, or a
 * truncate that grows the file again, would bring the old bytes back
 * where the file must read as zeros. */
static void trunc_tree(struct inode *ip, u32 *slot, int level, u64 base, u64 keep)
{
	u64 cover = 1, child;
	int i;

	for (i = 0; i < level; i++)
		cover *= fs.per;
	if (!*slot || base + cover <= keep)
		return;
	if (bad_block(*slot)) {         /* not ours to read or to free */
		if (base >= keep)
			*slot = 0;
		return;
	}
	if (level) {
		struct buf *b = bread(*slot);
		u32 *e;

		if (!b)
			return;
		e = (u32 *)b->data;
		child = cover >> (fs.shift - 2);
		for (i = 0; i < (int)fs.per; i++) {
			u32 old = e[i];

			if (base + (i + 1) * child <= keep)
				continue;
			trunc_tree(ip, &e[i], level - 1, base + i * child, keep);
			if (e[i] != old)
				bdirty(b);
		}
		brelse(b);
	}
	if (base >= keep) {
		free_block(ip, *slot);
		*slot = 0;
	}
}

long ext2_truncate(struct inode *ip, u64 size)
{
	u64 keep = BLK(size + fs.bsize - 1), base = 12;
	u32 tail = OFF(size);
	int i;

	if (size > max_blocks() * fs.bsize)
		return -EFBIG;
	if (size < isize(ip)) {
		for (i = 0; i < 12; i++)
			trunc_tree(ip, &ip->d.block[i], 0, i, keep);
		trunc_tree(ip, &ip->d.block[12], 1, base, keep);
		base += fs.per;
		trunc_tree(ip, &ip->d.block[13], 2, base, keep);
		base += (u64)fs.per * fs.per;
		trunc_tree(ip, &ip->d.block[14], 3, base, keep);
		if (tail) {
			u32 blk = bmap(ip, BLK(size), 0);
			struct buf *b = blk ? bread(blk) : NULL;

			if (b) {
				memset(b->data + tail, 0, fs.bsize - tail);
				bdirty(b);
				brelse(b);
			}
		}
	}
	set_size(ip, size);
	ip->d.mtime = ip->d.ctime = ext2_now();
	iupdate(ip);
	return 0;
}
/*:*/

/*U:750 Directories are files of records: inode number (4 bytes), record
 * length (2), name length (1), file type (1), the name, padded to 4 bytes.
 * The record length is what strings them together, and it may be more than
 * the name needs: the records of a block always add up to the block, and
 * the slack after a record is where the next name can go.  So adding a name
 * means finding a record with enough slack and splitting it (or a whole new
 * block, a single record of the block's length); removing one means giving
 * its length to the record before it, or, for the first record of a block,
 * setting its inode to 0, "nothing here".
 *
 * mke2fs and Linux index big directories with a hash tree hidden inside
 * such slack; like Linux's ext2, which does not keep the index, we clear
 * the directory's INDEX flag when we change it, and e2fsck then reads the
 * directory as a plain list, which it still is. */
struct dirent_hdr {
	u32 inode;
	u16 rec_len;
	u8 name_len, type;
	char name[];
};

#define REC_LEN(n) ((8 + (n) + 3) & ~3U)

static u8 dirent_type(u32 mode)
{
	static const u8 types[16] = {
		[S_IFREG >> 12] = 1, [S_IFDIR >> 12] = 2, [S_IFCHR >> 12] = 3, [S_IFBLK >> 12] = 4,
		[S_IFIFO >> 12] = 5, [S_IFSOCK >> 12] = 6, [S_IFLNK >> 12] = 7,
	};
	return fs.filetype ? types[(mode >> 12) & 15] : 0;
}

/* Walks the directory's records one at a time.  On success, *b is the
 * pinned buffer of the block that holds the record at *pos (byte offset in
 * the directory), *prev the record before it in that block (or NULL). */
struct dir_walk {
	struct inode *dir;
	u64 pos;
	struct buf *b;
	struct dirent_hdr *e, *prev;
};

static long walk_next(struct dir_walk *w)
{
	u32 off, blk;

	for (;;) {
		if (w->pos >= isize(w->dir)) {
			brelse(w->b);
			w->b = NULL;
			return 0;
		}
		off = OFF(w->pos);
		if (off == 0 || !w->b) {
			brelse(w->b);
			w->b = NULL;
			w->prev = NULL;
			blk = bmap(w->dir, BLK(w->pos), 0);
			if (!blk) {     /* a hole in a directory: skip it */
				w->pos += fs.bsize - off;
				continue;
			}
			w->b = bread(blk);
			if (!w->b)
				return -EIO;
		}
		w->e = (struct dirent_hdr *)(w->b->data + off);
		if (w->e->rec_len < 8 || w->e->rec_len % 4 || off + w->e->rec_len > fs.bsize
		    || w->e->name_len + 8 > w->e->rec_len) {
			printk("ext2: bad directory entry in inode %u at %u\n", w->dir->ino, (u32)w->pos);
			brelse(w->b);
			w->b = NULL;
			return -EIO;
		}
		return 1;
	}
}

/*:*/

/*U:752 A lookup is a walk from the first record to the one with the name;
 * a record with inode 0 is a hole in the list, kept only for its length. */
static void walk_step(struct dir_walk *w)
{
	w->prev = w->e;
	w->pos += w->e->rec_len;
	if (OFF(w->pos) == 0)
		w->prev = NULL;
}

/* Find name; leaves w at its record (pinned) and returns 1, or 0 if absent. */
static long dir_find(struct dir_walk *w, struct inode *dir, const char *name, u32 len)
{
	long r;

	w->dir = dir;
	w->pos = 0;
	w->b = NULL;
	w->prev = NULL;
	while ((r = walk_next(w)) > 0) {
		if (w->e->inode && w->e->name_len == len && !memcmp(w->e->name, name, len))
			return 1;
		walk_step(w);
	}
	return r;
}

long ext2_lookup(struct inode *dir, const char *name, u32 len)
{
	struct dir_walk w;
	long r = dir_find(&w, dir, name, len);

	if (r <= 0)
		return r ? r : -ENOENT;
	r = w.e->inode;
	brelse(w.b);
	return r;
}

/*:*/

/*U:754 Adding a name, as U:750 said: the first record whose slack fits the
 * new one gives it up, and a directory with no such record grows a block.
 * A record's slack is its length less what its own name needs, rounded to
 * 4 bytes; a record with inode 0 needs nothing, and is simply reused.  The
 * name is not looked for first: the callers in fs.c have already made sure
 * it is new. */
static void dir_changed(struct inode *dir)
{
	dir->d.flags &= ~EXT2_INDEX_FL;
	dir->d.mtime = dir->d.ctime = ext2_now();
	iupdate(dir);
}

static void fill_entry(struct dirent_hdr *e, const char *name, u32 len, struct inode *ip)
{
	e->inode = ip->ino;
	e->name_len = len;
	e->type = dirent_type(ip->d.mode);
	memcpy(e->name, name, len);
}

long ext2_add_entry(struct inode *dir, const char *name, u32 len, struct inode *ip)
{
	struct dir_walk w = { dir, 0, NULL, NULL, NULL };
	u32 need = REC_LEN(len), blk;
	long r;

	while ((r = walk_next(&w)) > 0) {
		u32 used = w.e->inode ? REC_LEN(w.e->name_len) : 0;

		if (w.e->rec_len >= used + need) {
			struct dirent_hdr *n = (struct dirent_hdr *)((u8 *)w.e + used);

			if (used) {
				n->rec_len = w.e->rec_len - used;
				w.e->rec_len = used;
			}
			fill_entry(n, name, len, ip);
			bdirty(w.b);
			brelse(w.b);
			dir_changed(dir);
			return 0;
		}
		walk_step(&w);
	}
	if (r < 0)
		return r;
	blk = bmap(dir, BLK(isize(dir)), 1);
	if (!blk)
		return -ENOSPC;
	w.b = bget(blk, 0);
	if (!w.b)
		return -EIO;
	w.e = (struct dirent_hdr *)w.b->data;
	w.e->rec_len = fs.bsize;
	fill_entry(w.e, name, len, ip);
	bdirty(w.b);
	brelse(w.b);
	set_size(dir, isize(dir) + fs.bsize);
	dir_changed(dir);
	return 0;
}

/*:*/

/*U:756 Removing a name gives its record's length to the one before it;
 * rename()'s replacing one (U:637) only changes the inode a record names. */
long ext2_remove_entry(struct inode *dir, const char *name, u32 len)
{
	struct dir_walk w;
	long r = dir_find(&w, dir, name, len);

	if (r <= 0)
		return r ? r : -ENOENT;
	if (w.prev)
		w.prev->rec_len += w.e->rec_len;
	else
		w.e->inode = 0;
	bdirty(w.b);
	brelse(w.b);
	dir_changed(dir);
	return 0;
}

long ext2_set_entry(struct inode *dir, const char *name, u32 len, struct inode *ip)
{
	struct dir_walk w;
	long r = dir_find(&w, dir, name, len);

	if (r <= 0)
		return r ? r : -ENOENT;
	w.e->inode = ip->ino;
	w.e->type = dirent_type(ip->d.mode);
	bdirty(w.b);
	brelse(w.b);
	dir_changed(dir);
	return 0;
}

/*:*/

/*U:758 Reading a directory for getdents (U:615) and getcwd (U:647): the
 * next record at or after a byte offset that names something, and the
 * offset after it, which is what the next call starts from.  The type comes
 * from the record when the disk has the filetype feature, else from the
 * inode, at the price of reading it. */
/* The next entry at or after *pos that names something; 0 at the end. */
long ext2_next_entry(struct inode *dir, u64 *pos, u32 *ino, char *name, u8 *type)
{
	struct dir_walk w = { dir, *pos, NULL, NULL, NULL };
	long r;

	while ((r = walk_next(&w)) > 0) {
		if (w.e->inode) {
			struct inode *ip;

			*ino = w.e->inode;
			memcpy(name, w.e->name, w.e->name_len);
			name[w.e->name_len] = '\0';
			r = w.e->name_len;
			brelse(w.b);
			/* Without the filetype feature, the inode knows. */
			if (fs.filetype) {
				static const u8 dt[8] = { 0, 8, 4, 2, 6, 1, 12, 10 };

				*type = dt[w.e->type & 7];
			} else if ((ip = iget(*ino))) {
				*type = (ip->d.mode >> 12) & 15;
				iput(ip);
			} else {
				*type = 0;
			}
			walk_step(&w);
			*pos = w.pos;
			return r ? r : 1;
		}
		walk_step(&w);
	}
	*pos = w.pos;
	return r;
}

/*:*/

/*U:759 rmdir's question, and mkdir's first block: a new directory is born
 * with "." and "..", and is empty when it has nothing else.  Its first block
 * is two records, "." (12 bytes, the smallest a record can be) and "..",
 * which takes the rest of the block as slack for the names to come. */
long ext2_dir_is_empty(struct inode *dir)
{
	struct dir_walk w = { dir, 0, NULL, NULL, NULL };
	long r;

	while ((r = walk_next(&w)) > 0) {
		struct dirent_hdr *e = w.e;

		if (e->inode && !(e->name_len == 1 && e->name[0] == '.')
		    && !(e->name_len == 2 && e->name[0] == '.' && e->name[1] == '.')) {
			brelse(w.b);
			return 0;
		}
		walk_step(&w);
	}
	return r < 0 ? r : 1;
}

/* A new directory's first block: "." and "..", the second record taking
 * the rest of the block. */
long ext2_mkdir_blocks(struct inode *dir, struct inode *parent)
{
	u32 blk = bmap(dir, 0, 1);
	struct dirent_hdr *e;
	struct buf *b;

	if (!blk)
		return -ENOSPC;
	b = bget(blk, 0);
	if (!b)
		return -EIO;
	e = (struct dirent_hdr *)b->data;
	e->rec_len = 12;
	fill_entry(e, ".", 1, dir);
	e = (struct dirent_hdr *)(b->data + 12);
	e->rec_len = fs.bsize - 12;
	fill_entry(e, "..", 2, parent);
	bdirty(b);
	brelse(b);
	set_size(dir, fs.bsize);
	iupdate(dir);
	return 0;
}
/*:*/

/* What statfs() tells df (U:794): the superblock's counts, which every
 * allocation keeps up to date (count_free() above).  out[]: blocks, free
 * blocks, blocks reserved for root, inodes, free inodes. */
int ext2_statfs(u32 out[5])
{
	struct buf *sb;

	if (!fs.mounted || !(sb = bread(fs.sb_block)))
		return -EIO;
	out[0] = fs.blocks - fs.first_data;
	out[1] = get32(sb->data + fs.sb_offset + 12);
	out[2] = get32(sb->data + fs.sb_offset + 8);
	out[3] = fs.inodes;
	out[4] = get32(sb->data + fs.sb_offset + 16);
	brelse(sb);
	return 0;
}
