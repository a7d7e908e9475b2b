package lguest.labs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grader for the lab "block-readahead" (labs/block-readahead.lab): a read-ahead window
 * in the Guest's block driver, src/guest/block.c.
 */
class BlockReadaheadGrader {

    /*M:430 Lab: build read-ahead into the block driver (something new, in the Guest;
     * hard, an afternoon).
     *
     * Run `bin/lguest 64m target/guest/kernel --initrd=target/busybox/busybox
     * --block=target/guest/root.img --stats quiet -- md5sum bin/busybox` and count:
     * some two thousand SEND_DMA hypercalls, one per kilobyte, each a round trip
     * through the Host and the Launcher, for a file the Launcher could have handed
     * over sixty-four kilobytes at a time.  Guests that know they are guests batch
     * their hypercalls (G:200); this lab makes the disk do the same for reads.
     *
     * With the word "readahead" on the Guest's command line, block_read() keeps a
     * window of 256 KiB: a read that falls inside it is a memcpy, and one that
     * misses refills the whole window from the sector asked for, in as many
     * requests as that takes, stopping at the disk's end.  block_write() keeps the
     * window true: what the disk took, the window takes too, and a failed write
     * empties it.  `make lab block-readahead` leaves the switch (the command-line
     * word) and the window's storage, and takes out both halves; with the word
     * given, the first read panics with the lab's name.
     *
     * Read D:400 and D:410 (what one request is), then D:420.  The Guest's own
     * ext2 cache (U:705 onwards) sits above you and asks for one block at a time.
     *
     * Hints.  Keep block_request() as it is, and call it.  Mind the arithmetic at
     * the edges: a read that starts inside the window and ends past it is a miss,
     * and the last window on the disk is short.  The grader's coherence test
     * rewrites a block that is in the window, makes ext2 forget it, and reads it
     * back: ext2's cache holds 64 blocks and the window 256, so a window that
     * misses a write is caught.
     *
     * Graded (`make grade block-readahead`) by booting busybox with "readahead":
     * files must read back exactly through 1 KiB and 4 KiB blocks (2 points); a big
     * file's sequential read must take at most a quarter of the SEND_DMA hypercalls
     * it takes without read-ahead (2 points); the demonstration's CRC-32 must be
     * right on disks smaller than the window (1 point); and a rewritten block must
     * read back new, with the image clean afterwards (2 points). :*/

    @TempDir
    Path tmp;

    static final String SMALL = "a few bytes on a disk\n";
    static final String BIG = GuestLabRig.seq(80000);

    private Path image(int blockSize) throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Files.writeString(tree.resolve("small"), SMALL);
        Files.writeString(tree.resolve("big"), BIG);
        Path img = tmp.resolve("root" + blockSize + ".img");
        GuestLabRig.mkext2(tree, img, blockSize, 4 * 1024 * 1024 / blockSize);
        return img;
    }

    @Test
    @Points(2)
    @DisplayName("With readahead, busybox reads small and big files exactly (1 KiB and 4 KiB blocks)")
    void readsComeOutRight() throws Exception {
        for (int blockSize : new int[] { 1024, 4096 }) {
            Path img = image(blockSize);
            GuestLabRig.Result r = GuestLabRig.busybox(List.of("--block=" + img, "readahead"), "sh", "-c",
                    "cat small; md5sum big; wc -l big; cat small");
            assertThat(r.output()).as("the Guest reading files with readahead (%d-byte blocks)", blockSize)
                    .isEqualTo(SMALL + GuestLabRig.md5(BIG) + "  big\n80000 big\n" + SMALL);
            assertThat(r.status()).isZero();
        }
    }

    @Test
    @Points(2)
    @DisplayName("A big file's sequential read takes at most a quarter of the disk requests")
    void fewerRequests() throws Exception {
        Path img = image(1024);
        GuestLabRig.Result plain = GuestLabRig.busybox(List.of("--block=" + img + ",snapshot", "--stats"), "md5sum", "big");
        GuestLabRig.Result ahead = GuestLabRig.busybox(List.of("--block=" + img + ",snapshot", "--stats", "readahead"),
                "md5sum", "big");
        String sum = GuestLabRig.md5(BIG) + "  big\n";
        assertThat(plain.output()).startsWith(sum);
        assertThat(ahead.output()).as("md5sum big with readahead").startsWith(sum);
        long without = plain.hypercall(13), with = ahead.hypercall(13);
        assertThat(without).as("SEND_DMA hypercalls without readahead (one per block, and big has 460)")
                .isGreaterThan(400);
        assertThat(with).as("SEND_DMA hypercalls with readahead, against %d without\n%s", without, ahead.output())
                .isLessThanOrEqualTo(without / 4);
    }

    @Test
    @Points(1)
    @DisplayName("The window stops at the disk's end: the demonstration's CRC-32 on disks of 5 and 64 sectors")
    void smallDisks() throws Exception {
        for (int sectors : new int[] { 5, 64 }) {
            byte[] disk = new byte[sectors * 512];
            new Random(sectors).nextBytes(disk);
            Path img = tmp.resolve("disk" + sectors + ".img");
            Files.write(img, disk);
            int n = Math.min(sectors, 16);
            CRC32 crc = new CRC32();
            crc.update(disk, 0, n * 512);
            GuestLabRig.Result r = GuestLabRig.lguest(List.of("--block=" + img, "readahead"), null);
            assertThat(r.output()).as("the demonstration with readahead on %d sectors", sectors)
                    .doesNotContain("Kernel panic")
                    .contains(String.format("lgba: crc32(sectors 0-%d) = %08x", n - 1, crc.getValue()));
            assertThat(r.status()).isZero();
        }
    }

    @Test
    @Points(2)
    @DisplayName("Writes keep the window true: a block rewritten after it was read ahead reads back new")
    void writesKeepTheWindowCoherent() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("small-tree"));
        Files.writeString(tree.resolve("a"), "a".repeat(900));
        Files.writeString(tree.resolve("b"), "the original contents of b\n");
        Files.writeString(tree.resolve("c"), GuestLabRig.seq(20000));
        // Few inodes and 1 MiB in all: metadata and data lie in the window's first
        // 256 KiB, so only a write can make the window wrong.
        Path img = tmp.resolve("coherent.img");
        Files.deleteIfExists(img);
        GuestLabRig.Result mk = GuestLabRig.run(List.of(GuestLabRig.tool("mke2fs"), "-q", "-t", "ext2", "-b", "1024",
                "-N", "16", "-d", tree.toString(), "-F", img.toString(), "1024"), null, 60);
        assertThat(mk.status()).as("mke2fs: " + mk.output()).isZero();
        // b is read (into the window), rewritten in place and synced; reading c's 108
        // blocks pushes b out of ext2's 64-block cache; then b is read again.
        GuestLabRig.Result r = GuestLabRig.busybox(List.of("--block=" + img, "readahead"), "sh", "-c",
                "cat b; echo -n CHANGED 1<>b; sync; md5sum c; cat b; seq 1 3000 > d; md5sum d");
        assertThat(r.output()).as("b before and after it was rewritten, with c read in between").isEqualTo(
                "the original contents of b\n" + GuestLabRig.md5(GuestLabRig.seq(20000)) + "  c\n"
                        + "CHANGEDginal contents of b\n" + GuestLabRig.md5(GuestLabRig.seq(3000)) + "  d\n");
        assertThat(GuestLabRig.debugfsCat(img, "/b")).isEqualTo("CHANGEDginal contents of b\n");
        assertThat(GuestLabRig.debugfsCat(img, "/d")).isEqualTo(GuestLabRig.seq(3000));
        GuestLabRig.Result fsck = GuestLabRig.fsck(img);
        assertThat(fsck.status()).as("e2fsck -fn after the Guest wrote with readahead:\n" + fsck.output()).isZero();
    }
}
