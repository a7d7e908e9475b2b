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
 * Grader for the lab "block-driver" (labs/block-driver.lab): the request path of the
 * Guest's block driver, in src/guest/block.c.
 */
class BlockDriverGrader {

    /*M:410 Lab: the block driver's request (Drivers; medium, about 2 hours).
     *
     * `make lab block-driver` empties block_request(), the one function through
     * which every sector the Guest reads or writes passes.  Probing still works, so
     * the Guest still finds its disk and says how big it is; the first time it
     * reads from it, it panics with the lab's name.  Write block_request() back.
     *
     * Read D:400 (the device page and the one buffer bound at its address) and
     * D:410 (the protocol, step by step), then the Launcher's half, L:400, which is
     * the other end of every step you take.  The helpers fill_dma() and
     * request_done() are still there, and so is wait_until() from the Guest's
     * scheduler.
     *
     * Hints.  Refuse what the disk cannot answer before you send anything: a
     * request that is empty, not whole sectors, bigger than one DMA can carry, or
     * that runs past the last sector.  The header goes in first and the result is
     * set to "pending" before the Launcher can look; a read and a write then differ
     * in which buffer carries the data: a write sends it, a read points the bound
     * buffer at the destination, frees it, and sends an empty DMA as a ping.  Do
     * not trust your own sense of when the Launcher has finished: wait for the
     * result to change, and report an error unless it says the request went well.
     *
     * Graded (`make grade block-driver`) by booting the Guest you built with a disk:
     * the demonstration's CRC-32 of the first sectors must equal the one computed
     * here from the image file, on a disk of 64 sectors and on one of 5 (3 points);
     * busybox, with an ext2 image as its root, must read small and big files
     * exactly, through 1 KiB and 4 KiB blocks (2 points); and files it writes must
     * be on the image afterwards, with e2fsck finding it clean (2 points). :*/

    @TempDir
    Path tmp;

    /** The demo on a disk of random bytes: the CRC-32 it prints of the first (up to) 16 sectors. */
    private void demoChecksum(int sectors, long seed) throws Exception {
        byte[] disk = new byte[sectors * 512];
        new Random(seed).nextBytes(disk);
        Path img = tmp.resolve("disk" + sectors + ".img");
        Files.write(img, disk);
        int n = Math.min(sectors, 16);
        CRC32 crc = new CRC32();
        crc.update(disk, 0, n * 512);
        GuestLabRig.Result r = GuestLabRig.lguest(List.of("--block=" + img, "quest=1"), null);
        assertThat(r.output()).as("the Guest's console").doesNotContain("Kernel panic")
                .contains(String.format("lgba: %d sectors", sectors))
                .contains(String.format("lgba: crc32(sectors 0-%d) = %08x", n - 1, crc.getValue()));
        assertThat(r.status()).as("the Launcher's exit status\n" + r.output()).isZero();
        assertThat(Files.readAllBytes(img)).as("the disk after the Guest read it").isEqualTo(disk);
    }

    @Test
    @Points(2)
    @DisplayName("The demonstration reads 16 sectors of a 64-sector disk: its CRC-32 matches the image's")
    void demonstrationChecksum() throws Exception {
        demoChecksum(64, 2607);
    }

    @Test
    @Points(1)
    @DisplayName("On a disk of 5 sectors, the demonstration reads exactly 5 and gets them right")
    void smallDiskChecksum() throws Exception {
        demoChecksum(5, 400);
    }

    /** A tree with a small file and a big one (past the double-indirect blocks with 1 KiB blocks). */
    private Path tree() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Files.writeString(tree.resolve("small"), "a few bytes on a disk\n");
        Files.writeString(tree.resolve("big"), GuestLabRig.seq(80000));
        return tree;
    }

    @Test
    @Points(2)
    @DisplayName("busybox reads small and big files from an ext2 root, with 1 KiB and 4 KiB blocks")
    void busyboxReadsFiles() throws Exception {
        Path tree = tree();
        for (int blockSize : new int[] { 1024, 4096 }) {
            Path img = tmp.resolve("root" + blockSize + ".img");
            GuestLabRig.mkext2(tree, img, blockSize, 4 * 1024 * 1024 / blockSize);
            GuestLabRig.Result r = GuestLabRig.busybox(List.of("--block=" + img), "sh", "-c",
                    "cat small; md5sum big; wc -l big");
            assertThat(r.output()).as("the Guest reading files (%d-byte blocks)", blockSize)
                    .isEqualTo("a few bytes on a disk\n" + GuestLabRig.md5(GuestLabRig.seq(80000)) + "  big\n80000 big\n");
            assertThat(r.status()).isZero();
        }
    }

    @Test
    @Points(2)
    @DisplayName("Files busybox writes are on the image afterwards, and e2fsck finds it clean")
    void busyboxWritesFiles() throws Exception {
        Path img = tmp.resolve("root.img");
        GuestLabRig.mkext2(tree(), img, 1024, 4096);
        GuestLabRig.Result r = GuestLabRig.busybox(List.of("--block=" + img), "sh", "-c",
                "mkdir d && seq 1 50000 > d/written && echo one small line > d/line && cp big d/copy && rm small && echo done");
        assertThat(r.output()).as("the Guest writing files").isEqualTo("done\n");
        assertThat(r.status()).isZero();
        assertThat(GuestLabRig.debugfsCat(img, "/d/written")).as("d/written, read from the image by debugfs")
                .isEqualTo(GuestLabRig.seq(50000));
        assertThat(GuestLabRig.debugfsCat(img, "/d/line")).isEqualTo("one small line\n");
        assertThat(GuestLabRig.md5(GuestLabRig.debugfsCat(img, "/d/copy"))).as("d/copy, a copy of big")
                .isEqualTo(GuestLabRig.md5(GuestLabRig.seq(80000)));
        GuestLabRig.Result fsck = GuestLabRig.fsck(img);
        assertThat(fsck.status()).as("e2fsck -fn after the Guest wrote:\n" + fsck.output()).isZero();
        GuestLabRig.Result again = GuestLabRig.busybox(List.of("--block=" + img), "sh", "-c", "ls; md5sum d/written");
        assertThat(again.output()).as("a second boot reading what the first wrote")
                .isEqualTo("big\nd\nlost+found\n" + GuestLabRig.md5(GuestLabRig.seq(50000)) + "  d/written\n");
    }
}
