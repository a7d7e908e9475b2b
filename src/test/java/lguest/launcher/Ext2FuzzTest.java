package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import lguest.HostPrerequisite;
import lguest.host.Host;
import lguest.launcher.BusyboxRig.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: the Guest's ext2 driver on mutated images. One valid image (1 MiB, 1 KiB blocks,
 * a few files, directories, a symlink and a file with indirect blocks) is mutated, seeded:
 * random bytes or hostile values in the superblock, the group descriptors, the inode table,
 * directory blocks, the bitmaps, or anywhere. The Guest (busybox, run in this JVM) mounts it,
 * walks it ({@code find}, {@code cat}, {@code ls -lR}), writes ({@code touch}, {@code echo >},
 * {@code mkdir}, {@code rm}); then {@code e2fsck -fn} looks at what is left. The kernel must
 * not panic and the shell must finish; and the driver must not write where no valid path
 * leads: the 64 KiB past the file system's end (unless the mutation grew the file system),
 * and the data of /keep/guard when only the geometry (superblock, descriptors other than the
 * block-bitmap pointer, pointing clear of the guard) was touched.
 *
 * <p>Seeds fuzz.seed (default 1) onwards: fuzz.seeds images (default 12), and with
 * fuzz.seconds, more until that much time has passed. {@code make fuzz} runs thousands.
 */
class Ext2FuzzTest {
    static final int BLOCKS = 1024, TAIL = 64 * 1024;
    // find and ls go only so deep: a mutated entry can make a directory its own child, and
    // busybox (like any find without loop detection) would walk it for as long as paths fit.
    // And reading stops at 64 KiB: a mutated size can make a file of gigabytes of holes.
    static final String SCRIPT = "find / -maxdepth 6 >/dev/null 2>&1; head -c 65536 /f /big /d/g /l >/dev/null 2>&1;"
            + " ls -l / /d /d/sub >/dev/null 2>&1; touch /new; echo hi >/d/g; mkdir /x; rm -f /y; rm -rf /d2;"
            + " echo more >>/big; sync; echo fuzzdone";

    @TempDir
    Path tmp;

    private BusyboxRig rig;
    private byte[] base;
    private long[] guard, rootDir, dDir, inodeTable;
    private long blockBitmap, inodeBitmap, inodeTableBlock;

    @Test
    void mutatedImagesNeverPanicOrWriteOutsideTheFileSystem() throws Exception {
        rig = BusyboxRig.find();
        HostPrerequisite.require(HostileDiskTest.tool("mke2fs") != null && HostileDiskTest.tool("e2fsck") != null
                && HostileDiskTest.tool("debugfs") != null, "no e2fsprogs");
        makeBase();
        int seeds = Integer.getInteger("fuzz.seeds", 12), first = Integer.getInteger("fuzz.seed", 1);
        long seconds = Long.getLong("fuzz.seconds", 0), t0 = System.nanoTime();
        int[] fsck = new int[16];
        int seed = first;
        for (; seed < first + seeds || (System.nanoTime() - t0) / 1e9 < seconds; seed++) {
            Outcome o = runOne(seed);
            fsck[Math.min(o.fsck, 15)]++;
        }
        System.out.printf("Ext2FuzzTest: %d images from seed %d, %.0f s; e2fsck -fn exit codes 0..15: %s%n",
                seed - first, first, (System.nanoTime() - t0) / 1e9, Arrays.toString(fsck));
    }

    record Outcome(int fsck, String output) { }

    private void makeBase() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Files.writeString(tree.resolve("f"), "small file\n");
        StringBuilder big = new StringBuilder();
        for (int i = 0; big.length() < 20_000; i++) big.append("line ").append(i).append('\n');
        Files.writeString(tree.resolve("big"), big);
        Files.createDirectories(tree.resolve("d/sub"));
        Files.writeString(tree.resolve("d/g"), "g\n");
        Files.writeString(tree.resolve("d/sub/h"), "h\n");
        Files.createDirectories(tree.resolve("d2/e"));
        Files.writeString(tree.resolve("d2/e/z"), "z\n");
        Files.writeString(tree.resolve("y"), "y\n");
        Files.createSymbolicLink(tree.resolve("l"), Path.of("d/g"));
        Files.createDirectories(tree.resolve("keep"));
        byte[] g = new byte[8192];
        for (int i = 0; i < g.length; i++) g[i] = (byte) (i * 7 + 3);
        Files.write(tree.resolve("keep/guard"), g);
        Path img = HostileDiskTest.image(tmp, tree, BLOCKS, "-N", "64");
        // The blocks no command of SCRIPT writes: files and directories it never names.
        guard = java.util.stream.Stream.of("/keep/guard", "/keep", "/f", "/d/sub", "/d/sub/h", "/lost+found")
                .flatMapToLong(p -> { try { return Arrays.stream(HostileDiskTest.blocksOf(img, p)); }
                        catch (Exception e) { throw new RuntimeException(e); } })
                .toArray();
        rootDir = HostileDiskTest.blocksOf(img, "/");
        dDir = HostileDiskTest.blocksOf(img, "/d");
        blockBitmap = HostileDiskTest.get(img, 2048, 4);
        inodeBitmap = HostileDiskTest.get(img, 2052, 4);
        inodeTableBlock = HostileDiskTest.get(img, 2056, 4);
        byte[] fs = Files.readAllBytes(img);
        assertThat(fs.length).isEqualTo(BLOCKS * 1024);
        base = Arrays.copyOf(fs, fs.length + TAIL);
        for (int i = fs.length; i < base.length; i++) base[i] = (byte) (0xA5 ^ i);
    }

    private static final long[] HOSTILE = { 0, 1, 2, 0xFF, 0x100, 0x7FFF, 0xFFFF, 0x10000, 0x7FFFFFFFL,
            0x80000000L, 0xFFFFFFFFL, 8192, 8193, 16384, 1024, 1023, 4096 };

    /** Superblock fields that decide where things are: offset and width. */
    private static final int[][] GEOMETRY = { { 0, 4 }, { 4, 4 }, { 12, 4 }, { 16, 4 }, { 20, 4 }, { 24, 4 },
            { 32, 4 }, { 40, 4 }, { 76, 4 }, { 84, 4 }, { 88, 2 }, { 92, 4 }, { 96, 4 }, { 100, 4 }, { 206, 2 } };

    /** Mutates image in place; returns whether no valid path can lead to /keep/guard's blocks
     * (only the geometry, or the inode bitmap, was touched). */
    private boolean mutate(byte[] image, Random r) {
        int kind = r.nextInt(8), n = 1 + r.nextInt(4);
        if (kind >= 6) {
            // A lie about the geometry, told consistently (a field scaled, or set to a hostile
            // value), sometimes with a bitmap that agrees with it: full, or empty.
            for (int i = 0; i < (kind == 7 ? 0 : n); i++) {
                int[] f = r.nextBoolean() ? GEOMETRY[r.nextInt(GEOMETRY.length)]
                        : new int[][] { { 0, 4 }, { 32, 4 }, { 40, 4 }, { 88, 2 } }[r.nextInt(4)];
                long v = le(image, 1024 + f[0]);
                v = switch (r.nextInt(3)) {
                    case 0 -> v * (2 + r.nextInt(15));
                    case 1 -> v + r.nextInt(64) - 32;
                    default -> HOSTILE[r.nextInt(HOSTILE.length)];
                };
                for (int b = 0; b < f[1]; b++) image[1024 + f[0] + b] = (byte) (v >>> (8 * b));
                if (f[0] == 40 && r.nextBoolean())     // inodes per group: the count follows
                    for (int b = 0; b < 4; b++) image[1024 + b] = (byte) (v >>> (8 * b));
            }
            if (kind == 7) {
                boolean inodes = r.nextBoolean();
                long bitmap = inodes ? inodeBitmap : blockBitmap;
                int from = (int) bitmap * 1024, pattern = r.nextInt(3);
                Arrays.fill(image, from, from + 1024, (byte) (pattern == 0 ? 0xFF : 0));
                if (pattern == 2) { // full as far as the real count goes, free beyond: issue 10's attack
                    Arrays.fill(image, from, from + (inodes ? 64 + 8 * r.nextInt(64) : BLOCKS) / 8, (byte) 0xFF);
                    if (inodes) {   // with as many inodes per group (and in all) as the lie needs
                        long ipg = 64L * (2 + r.nextInt(256));
                        for (int b = 0; b < 4; b++) {
                            image[1024 + 40 + b] = (byte) (ipg >>> (8 * b));
                            image[1024 + b] = (byte) (ipg >>> (8 * b));
                        }
                    }
                }
                return inodes;      // a lying block bitmap may give the guard's blocks away
            }
            return true;
        }
        for (int i = 0; i < n; i++) {
            int off;
            switch (kind) {
                case 0 -> off = 1024 + r.nextInt(264);                  // superblock
                case 1 -> off = 2048 + r.nextInt(32);                   // group descriptor 0
                case 2 -> off = (int) inodeTableBlock * 1024 + r.nextInt(64 * 128);   // inodes
                case 3 -> {                                             // directories
                    long[] dir = r.nextBoolean() ? rootDir : dDir;
                    off = (int) dir[r.nextInt(dir.length)] * 1024 + r.nextInt(1024);
                }
                case 4 -> off = (int) (r.nextBoolean() ? blockBitmap : inodeBitmap) * 1024 + r.nextInt(1024);
                default -> off = r.nextInt(BLOCKS * 1024);
            }
            if (r.nextBoolean()) {
                image[off] = (byte) r.nextInt(256);
            } else {
                long v = HOSTILE[r.nextInt(HOSTILE.length)];
                int width = r.nextBoolean() ? 4 : 2;
                off &= ~(width - 1);
                for (int b = 0; b < width && off + b < BLOCKS * 1024; b++) image[off + b] = (byte) (v >>> (8 * b));
            }
        }
        return kind <= 1;
    }

    private static long le(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (long) (b[off + 3] & 0xFF) << 24;
    }

    private Outcome runOne(int seed) throws Exception {
        Random r = new Random(seed * 0x9E3779B97F4A7C15L);
        byte[] image = base.clone();
        boolean geometryOnly = mutate(image, r);
        Path img = tmp.resolve("fuzz.img");
        Files.write(img, image);
        long blocksCount = le(image, 1024 + 4);
        long bb = le(image, 2048), ib = le(image, 2052), it = le(image, 2056);
        // A descriptor moved onto the guarded blocks is a lie no mount can see through (Linux's
        // cannot either), and so is an inode table made longer by a geometry that is possible
        // (inodes per group a bitmap can count, an inode size that divides the block): then the
        // guarded blocks are not guarded. Any other lie (issue 10's: more inodes per group than
        // the bitmap holds) the driver must refuse.
        long ipg = le(image, 1024 + 40), isize = le(image, 1024 + 88) & 0xFFFF;
        boolean possible = ipg <= 8 * 1024 && isize >= 128 && isize <= 1024 && (isize & (isize - 1)) == 0;
        long itb = possible ? ipg * isize / 1024 : 16;
        boolean guardCheck = geometryOnly && bb == blockBitmap && Arrays.stream(guard).noneMatch(
                g -> g == bb || g == ib || (g >= it && g < it + itb));

        String[] args = { "32m", rig.kernel.toString(), "--initrd=" + rig.busybox, "--block=" + img, "quiet", "--",
                "sh", "-c", SCRIPT };
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        AtomicInteger status = new AtomicInteger(-1);
        Thread t = new Thread(null, () -> status.set(Launcher.run(new Host(), args, InputStream.nullInputStream(), out,
                new PrintStream(err, true, StandardCharsets.UTF_8))), "ext2fuzz-" + seed, 64 << 20);
        t.setDaemon(true);
        t.start();
        t.join(120_000);
        String output = out.toString(StandardCharsets.ISO_8859_1) + err.toString(StandardCharsets.UTF_8);
        Path kept = Path.of("target/ext2fuzz-seed-" + seed + ".img").toAbsolutePath();
        String what = "seed " + seed + " (the mutated image, as it was before the Guest ran: " + kept + ")\n" + output;
        if (t.isAlive() || !output.contains("fuzzdone") || status.get() != 0)
            Files.write(kept, image);
        if (t.isAlive()) {
            assertThat(false).as("the Guest finished within 120 s, " + what).isTrue();
        }
        assertThat(output).as(what).doesNotContain("Kernel panic").doesNotContain("guest died")
                .doesNotContain("Exception").contains("fuzzdone");
        assertThat(status.get()).as("exit status, " + what).isZero();

        byte[] after = Files.readAllBytes(img);
        assertThat(after.length).as("image size").isEqualTo(image.length);
        if (blocksCount <= BLOCKS)
            assertThat(Arrays.mismatch(Arrays.copyOfRange(after, BLOCKS * 1024, after.length),
                    Arrays.copyOfRange(image, BLOCKS * 1024, image.length)))
                    .as("first byte written past the file system's end, " + what).isEqualTo(-1);
        if (guardCheck)
            for (long g : guard)
                assertThat(Arrays.mismatch(Arrays.copyOfRange(after, (int) g * 1024, (int) g * 1024 + 1024),
                        Arrays.copyOfRange(image, (int) g * 1024, (int) g * 1024 + 1024)))
                        .as("block " + g + " (of a file the script never names) written, " + what).isEqualTo(-1);
        Result fsck = BusyboxRig.run(List.of(HostileDiskTest.tool("e2fsck"), "-fn", img.toString()), null, tmp);
        return new Outcome(fsck.status(), output);
    }
}
