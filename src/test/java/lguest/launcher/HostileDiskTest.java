package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import lguest.HostPrerequisite;
import lguest.launcher.BusyboxRig.Result;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, rows 2 and 11: disks that ask too much of the Guest's ext2. A tree 400
 * directories deep must be made, found and removed as busybox does it natively (one
 * descriptor per level); and an image whose superblock lies about its geometry must be
 * refused, never written outside the structures the driver means to write.
 */
class HostileDiskTest {
    private static BusyboxRig rig;

    @TempDir
    Path tmp;

    @BeforeAll
    static void find() {
        rig = BusyboxRig.find();
        HostPrerequisite.require(tool("mke2fs") != null && tool("e2fsck") != null && tool("debugfs") != null,
                "no e2fsprogs");
    }

    static String tool(String name) {
        for (String dir : List.of("/sbin", "/usr/sbin", "/bin", "/usr/bin"))
            if (Files.isExecutable(Path.of(dir, name))) return dir + "/" + name;
        return null;
    }

    /** An ext2 image of blocks 1 KiB blocks holding tree (null: empty). */
    static Path image(Path dir, Path tree, int blocks, String... extra) throws Exception {
        Path image = dir.resolve("disk.img");
        Files.deleteIfExists(image);
        List<String> cmd = new java.util.ArrayList<>(List.of(tool("mke2fs"), "-q", "-t", "ext2", "-b", "1024"));
        cmd.addAll(Arrays.asList(extra));
        if (tree != null) cmd.addAll(List.of("-d", tree.toString()));
        cmd.addAll(List.of("-F", image.toString(), "" + blocks));
        Result r = BusyboxRig.run(cmd, null, dir);
        assertThat(r.status()).as("mke2fs: " + r.output()).isZero();
        return image;
    }

    static final String DEEP = "d=a; i=1; while [ $i -lt 400 ]; do d=$d/a; i=$((i+1)); done;"
            + " mkdir -p $d && echo made; find a -type d | wc -l;"
            + " cd $d && pwd | wc -c; cd /; rm -rf a && echo removed; ls";

    @Test
    void aTreeFourHundredDeepIsMadeFoundAndRemoved() throws Exception {
        Path nativeDir = Files.createDirectories(tmp.resolve("native"));
        Result n = BusyboxRig.run(rig.nativeCommand("sh", "-c", DEEP.replace("cd /;", "cd " + nativeDir + ";")),
                null, nativeDir);
        Path image = image(tmp, null, 8192);
        Result g = HostileUserTest.run(rig.guestCommand(List.of("--block=" + image), "sh", "-c", DEEP), 300);
        // pwd is 400 times "/a" and a newline; natively the temporary directory comes first.
        assertThat(n.output()).isEqualTo("made\n400\n" + (801 + nativeDir.toString().length())
                + "\nremoved\n");
        assertThat(g.output()).as("the Guest, as busybox natively").isEqualTo("made\n400\n801\nremoved\nlost+found\n");
        assertThat(g.status()).isZero();
        Result fsck = BusyboxRig.run(List.of(tool("e2fsck"), "-fn", image.toString()), null, tmp);
        assertThat(fsck.status()).as("e2fsck -fn:\n" + fsck.output()).isZero();
    }

    // ---- row 2: an ext2 image that lies about its geometry ----

    /** A tree with one big file whose data lies past the inode table: the bytes to protect. */
    Path lyingImage() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        byte[] data = new byte[1536 * 1024];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 31 + (i >> 10));
        Files.write(tree.resolve("victim"), data);
        Files.writeString(tree.resolve("small"), "small\n");
        return image(tmp, tree, 8192);
    }

    static long[] blocksOf(Path image, String path) throws Exception {
        Result r = BusyboxRig.run(List.of(tool("debugfs"), "-R", "blocks " + path, image.toString()), null, null);
        String[] lines = r.output().trim().split("\n");
        String[] words = lines[lines.length - 1].trim().split("\\s+");
        return Arrays.stream(words).filter(w -> w.matches("\\d+")).mapToLong(Long::parseLong).toArray();
    }

    static long inodeOf(Path image, String path) throws Exception {
        Result r = BusyboxRig.run(List.of(tool("debugfs"), "-R", "stat " + path, image.toString()), null, null);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Inode: (\\d+)").matcher(r.output());
        assertThat(m.find()).as(r.output()).isTrue();
        return Long.parseLong(m.group(1));
    }

    static byte[] blocks(Path image, long[] blocks) throws IOException {
        byte[] all = Files.readAllBytes(image), out = new byte[blocks.length * 1024];
        for (int i = 0; i < blocks.length; i++) System.arraycopy(all, (int) blocks[i] * 1024, out, i * 1024, 1024);
        return out;
    }

    static void put(Path image, long offset, int bytes, long value) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.seek(offset);
            for (int i = 0; i < bytes; i++) f.write((int) (value >>> (8 * i)));
        }
    }

    static long get(Path image, long offset, int bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "r")) {
            f.seek(offset);
            long v = 0;
            for (int i = 0; i < bytes; i++) v |= (long) f.read() << (8 * i);
            return v;
        }
    }

    static final long SB = 1024, GD = 2048;
    static final String WRITE = "touch /new; echo hello > /new2; mkdir /dir; echo more >> /small;"
            + " ls / >/dev/null; cat /victim >/dev/null; sync; echo survived";

    /** Boots on image, runs script, and checks that the victim's data and gd 0's pointers are intact. */
    void writeAndCheck(Path image, long[] keep, String script) throws Exception {
        byte[] before = blocks(image, keep);
        long gdPointers = get(image, GD, 8) ^ get(image, GD + 8, 4) << 32;
        byte[] sb = Arrays.copyOfRange(Files.readAllBytes(image), 1024, 1024 + 44);
        Result g = HostileUserTest.run(rig.guestCommand(List.of("--block=" + image), "sh", "-c", script), 120);
        HostileUserTest.survived(g);
        byte[] after = blocks(image, keep);
        assertThat(Arrays.mismatch(after, before)).as("first byte of the victim's blocks the Guest changed").isEqualTo(-1);
        assertThat(get(image, GD, 8) ^ get(image, GD + 8, 4) << 32).as("group 0's bitmap and table pointers")
                .isEqualTo(gdPointers);
        byte[] sbAfter = Arrays.copyOfRange(Files.readAllBytes(image), 1024, 1024 + 44);
        Arrays.fill(sb, 12, 20, (byte) 0);            // the free counts are the driver's to change
        Arrays.fill(sbAfter, 12, 20, (byte) 0);
        assertThat(sbAfter).as("the superblock's geometry").isEqualTo(sb);
    }

    void writeAndCheck(Path image, long[] keep, boolean unused) throws Exception {
        writeAndCheck(image, keep, WRITE);
    }

    @Test
    void moreInodesPerGroupThanTheBitmapHoldsIsRefused() throws Exception {
        // The attack of issue 10: touch wrote its inode 2 MiB past the inode table.
        Path image = lyingImage();
        long[] keep = blocksOf(image, "/victim");
        put(image, SB + 0, 4, 16384);       // s_inodes_count
        put(image, SB + 40, 4, 16384);      // s_inodes_per_group, > 8 x 1024
        put(image, SB + 16, 4, 100);        // s_free_inodes_count
        put(image, GD + 14, 2, 100);        // bg_free_inodes_count
        long ibitmap = get(image, GD + 4, 4);
        for (int i = 0; i < 1024; i += 4) put(image, ibitmap * 1024 + i, 4, 0xFFFFFFFFL);
        writeAndCheck(image, keep, false);
    }

    @Test
    void otherGeometryLiesAreRefused() throws Exception {
        record Lie(String what, long offset, int bytes, long value) { }
        for (Lie lie : List.of(new Lie("blocks per group > 8 x block size", SB + 32, 4, 16384),
                new Lie("inode size 200", SB + 88, 2, 200),
                new Lie("inode size 4096 > block size", SB + 88, 2, 4096),
                new Lie("first data block 0 with 1 KiB blocks", SB + 20, 4, 0),
                new Lie("inodes count not groups x per group", SB + 0, 4, 4096),
                new Lie("blocks count beyond the disk", SB + 4, 4, 1 << 20),
                new Lie("first inode 1", SB + 84, 4, 1))) {
            Path image = lyingImage();
            long[] keep = blocksOf(image, "/victim");
            put(image, lie.offset(), lie.bytes(), lie.value());
            writeAndCheck(image, keep, false);
        }
    }

    @Test
    void groupDescriptorsPointingOutsideTheirGroupAreRefused() throws Exception {
        // (A descriptor pointing into a file's data inside its own group passes this test
        // as it passes Linux's: only a scan of every inode, e2fsck's pass 1, can see that.)
        long[][] lies = { { 0, 1 }, { 4, 2 }, { 8, 2 }, { 0, 9000 }, { 8, 8190 }, { 4, 0 } };
        for (long[] lie : lies) {
            Path image = lyingImage();
            long[] keep = blocksOf(image, "/victim");
            put(image, GD + lie[0], 4, lie[1]);
            writeAndCheck(image, keep, WRITE);
        }
    }

    @Test
    void aFileWhoseBlockIsTheGroupDescriptorsIsNotWrittenThere() throws Exception {
        // The victim's first block pointer names block 2, the group descriptors: dd into the
        // file must not overwrite them (EIO is the answer), and nothing else may suffer.
        Path image = lyingImage();
        long[] keep = blocksOf(image, "/victim");
        long ino = inodeOf(image, "/victim"), isize = get(image, SB + 88, 2);
        long table = get(image, GD + 8, 4);
        put(image, table * 1024 + (ino - 1) * isize + 40, 4, 2);     // i_block[0]
        long[] rest = Arrays.copyOfRange(keep, 1, keep.length);
        writeAndCheck(image, rest, "dd if=/dev/zero of=/victim bs=1k count=1 conv=notrunc; " + WRITE);
    }

    @Test
    void aFileLargerThanExt2CanHoldIsAnErrorNotAnEndlessRead() throws Exception {
        // Found by Ext2FuzzTest (seed 1554): i_size_high = 0xFFFFFFFF made /d/g 16 EiB of
        // holes, and cat read zeros for ever. The largest file 1 KiB blocks can map is 16 GiB.
        Path image = lyingImage();
        long ino = inodeOf(image, "/small"), isize = get(image, SB + 88, 2), table = get(image, GD + 8, 4);
        put(image, table * 1024 + (ino - 1) * isize + 108, 4, 0xFFFFFFFFL);   // i_size_high
        Result g = HostileUserTest.run(rig.guestCommand(List.of("--block=" + image), "sh", "-c",
                "dd if=/small bs=1k skip=100000000 count=1 2>/dev/null | wc -c; cat /small >/dev/null 2>&1 || echo refused"),
                120);
        assertThat(g.output()).isEqualTo("0\nrefused\n");
    }
}
