package lguest.labs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grader for the lab "block-snapshot" (labs/block-snapshot.lab): a copy-on-write disk,
 * {@code --block=FILE,snapshot}, in the Launcher's BlockDevice.
 */
class BlockSnapshotGrader {

    /*M:420 Lab: build a snapshot disk (something new, in the Launcher; medium, about 2
     * hours).
     *
     * A course hands every student the same disk image, and every student's Guest
     * writes on it: a file system that was clean at nine is a mess by ten.  QEMU's
     * answer is -snapshot, and ours is `--block=FILE,snapshot`: the Guest reads and
     * writes its disk as usual, the writes go to an overlay in the Launcher's
     * memory, and FILE is never modified.  When the Launcher exits the overlay is
     * gone, and the next boot finds the image as it was.
     *
     * `make lab block-snapshot` leaves the option's parsing and the read-only open of
     * FILE in place, and takes out the overlay: BlockDevice's store() and load(),
     * where they would keep and find the Guest's writes, now throw.  Build them.
     *
     * Read L:400 (a block request, from the Launcher's side) and L:410 (what a
     * snapshot is), and D:410 for what the Guest sends.
     *
     * Hints.  Keep the overlay by sector: a map from sector number to 512 bytes is
     * plenty for a course's disk, and easy to get right.  A DMA section is cut at the
     * Guest's page boundaries, not at sector boundaries, so a write may cover part of
     * a sector: start such a sector from what the Guest would have read there.  A
     * read may span sectors of both kinds.  The Guest keeps a cache of a few dozen
     * blocks, so reading a small file back right after writing it proves little:
     * the grader writes more than the cache holds (64 blocks).
     *
     * Graded (`make grade block-snapshot`) by booting busybox on an ext2 image:
     * without the option, writes still land in the file (1 point); with it, the
     * Guest reads back everything it wrote, big files included (2 points), the
     * image's SHA-256 is the same after the run as before (2 points), and a second
     * boot with the option finds the image's own files, not the first boot's (1
     * point). :*/

    @TempDir
    Path tmp;
    private Path image;

    /** What the tree holds: a small file and one bigger than the Guest's block cache. */
    static final String SMALL = "as it was in the beginning\n";
    static final String ORIGINAL = GuestLabRig.seq(15000);

    @BeforeEach
    void makeImage() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Files.writeString(tree.resolve("small"), SMALL);
        Files.writeString(tree.resolve("original"), ORIGINAL);
        image = tmp.resolve("root.img");
        GuestLabRig.mkext2(tree, image, 1024, 4096);
    }

    /** Writes past the Guest's block cache, then reads it all back, in one session. */
    static final String SCRIBBLE = "seq 1 20000 > new && echo changed > small && rm original && mkdir dir"
            + " && cp new dir/copy && md5sum new dir/copy && cat small && ls";

    private String scribbled() {
        String md5 = GuestLabRig.md5(GuestLabRig.seq(20000));
        return md5 + "  new\n" + md5 + "  dir/copy\nchanged\ndir\nlost+found\nnew\nsmall\n";
    }

    @Test
    @Points(1)
    @DisplayName("Without snapshot, the Guest's writes land in the image file")
    void withoutSnapshotWritesLand() throws Exception {
        String before = GuestLabRig.sha256(image);
        GuestLabRig.Result r = GuestLabRig.busybox(List.of("--block=" + image), "sh", "-c", SCRIBBLE);
        assertThat(r.output()).as("the Guest's shell").isEqualTo(scribbled());
        assertThat(GuestLabRig.sha256(image)).as("the image's SHA-256 after the Guest wrote").isNotEqualTo(before);
        assertThat(GuestLabRig.debugfsCat(image, "/small")).isEqualTo("changed\n");
    }

    @Test
    @Points(2)
    @DisplayName("With snapshot, the Guest reads back all it wrote in the session, big files included")
    void snapshotReadsBackItsWrites() throws Exception {
        GuestLabRig.Result r = GuestLabRig.busybox(List.of("--block=" + image + ",snapshot"), "sh", "-c", SCRIBBLE);
        assertThat(r.output()).as("the Guest's shell on a snapshot").isEqualTo(scribbled());
        assertThat(r.status()).isZero();
    }

    @Test
    @Points(2)
    @DisplayName("With snapshot, the image file's bytes are unchanged afterwards (SHA-256)")
    void snapshotLeavesTheFileAlone() throws Exception {
        String before = GuestLabRig.sha256(image);
        GuestLabRig.Result r = GuestLabRig.busybox(List.of("--block=" + image + ",snapshot"), "sh", "-c",
                SCRIBBLE + " && sync && echo synced");
        assertThat(r.output()).as("the Guest's shell on a snapshot").isEqualTo(scribbled() + "synced\n");
        assertThat(GuestLabRig.sha256(image)).as("the image's SHA-256 after a snapshot run").isEqualTo(before);
    }

    @Test
    @Points(1)
    @DisplayName("The next boot with snapshot finds the image's own files, read from the file")
    void nextSessionStartsFromTheImage() throws Exception {
        GuestLabRig.Result first = GuestLabRig.busybox(List.of("--block=" + image + ",snapshot"), "sh", "-c", SCRIBBLE);
        assertThat(first.output()).as("the first session").isEqualTo(scribbled());
        GuestLabRig.Result second = GuestLabRig.busybox(List.of("--block=" + image + ",snapshot"), "sh", "-c",
                "ls; cat small; md5sum original; echo more > small; cat small");
        assertThat(second.output()).as("the second session")
                .isEqualTo("lost+found\noriginal\nsmall\n" + SMALL + GuestLabRig.md5(ORIGINAL) + "  original\nmore\n");
        GuestLabRig.Result fsck = GuestLabRig.fsck(image);
        assertThat(fsck.status()).as("e2fsck -fn on the image after two snapshot runs:\n" + fsck.output()).isZero();
    }
}
