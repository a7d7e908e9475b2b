package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import lguest.HostPrerequisite;
import lguest.launcher.BusyboxRig.Result;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Guest's ext2 file system, seen through Debian's unmodified busybox: a tree of files
 * becomes an ext2 image (mke2fs -d), the Guest boots with it as its root ({@code --block=}),
 * and each command must print exactly what the same busybox applet prints natively, run in a
 * copy of the same tree (paths are relative: the Guest's working directory is its root). After
 * a command that writes, {@code e2fsck -fn} must find the image clean, and the image's tree
 * (dumped with debugfs) must equal the native copy: names, types, permissions, sizes, contents
 * and symlink targets.
 */
class BusyboxFilesTest {
    private static BusyboxRig rig;
    private static Path kernel, busybox;

    @TempDir
    Path tmp;
    private Path tree, image;

    @BeforeAll
    static void find() {
        rig = BusyboxRig.find();
        kernel = rig.kernel;
        busybox = rig.busybox;
        HostPrerequisite.require(tool("mke2fs") != null && tool("e2fsck") != null && tool("debugfs") != null
                && tool("dumpe2fs") != null, "no e2fsprogs");
    }

    private static String tool(String name) {
        for (String dir : List.of("/sbin", "/usr/sbin", "/bin", "/usr/bin"))
            if (Files.isExecutable(Path.of(dir, name))) return dir + "/" + name;
        return null;
    }

    /** The tree: a small file, a big one (double-indirect blocks with 1 KiB blocks), a
     * directory with a few kinds of thing in it, symlinks fast and slow. */
    @BeforeEach
    void makeTree() throws Exception {
        tree = tmp.resolve("native");
        Files.createDirectories(tree.resolve("dir/sub"));
        Files.writeString(tree.resolve("file"), "The quick brown fox\njumps over the lazy dog.\n");
        StringBuilder big = new StringBuilder();
        for (int i = 0; big.length() < 400_000; i++) big.append("line ").append(i).append(" of the big file\n");
        Files.writeString(tree.resolve("big"), big);
        Files.writeString(tree.resolve("dir/a.txt"), "alpha\n");
        Files.writeString(tree.resolve("dir/b.sh"), "#!/bin/sh\necho b\n");
        Files.setPosixFilePermissions(tree.resolve("dir/b.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.writeString(tree.resolve("dir/sub/deep"), "deep\n");
        Files.createSymbolicLink(tree.resolve("dir/link"), Path.of("a.txt"));
        Files.createSymbolicLink(tree.resolve("dir/longlink"), Path.of("x".repeat(80)));
        makeImage(1024);
    }

    /** 4096 blocks of blockSize bytes; 1 KiB blocks put big's end behind double indirection. */
    private void makeImage(int blockSize) throws Exception {
        image = tmp.resolve("disk.img");
        Files.deleteIfExists(image);
        Result r = run(List.of(tool("mke2fs"), "-q", "-t", "ext2", "-b", "" + blockSize, "-d", tree.toString(),
                "-F", image.toString(), "4096"), tmp);
        assertThat(r.status()).as("mke2fs: " + r.output()).isZero();
    }

    private static Result run(List<String> cmd, Path dir) throws IOException, InterruptedException {
        return BusyboxRig.run(cmd, null, dir);
    }

    private Result guest(String... appletAndArgs) throws Exception {
        return run(rig.guestCommand(List.of("--block=" + image), appletAndArgs), Path.of("").toAbsolutePath());
    }

    private Result nativeRun(String... appletAndArgs) throws Exception {
        return run(rig.nativeCommand(appletAndArgs), tree);
    }

    /** The applet natively in the tree and in the Guest on the image: the same output and status. */
    private Result same(String... appletAndArgs) throws Exception {
        Result n = nativeRun(appletAndArgs);
        Result g = guest(appletAndArgs);
        String what = String.join(" ", appletAndArgs);
        assertThat(g.output()).as("output of " + what).isEqualTo(n.output());
        assertThat(g.status()).as("exit status of " + what).isEqualTo(n.status());
        return g;
    }

    /** e2fsck finds nothing wrong, and the image holds what the native tree holds. */
    private void imageMatchesTree() throws Exception {
        Result fsck = run(List.of(tool("e2fsck"), "-fn", image.toString()), tmp);
        assertThat(fsck.status()).as("e2fsck -fn after the Guest wrote:\n" + fsck.output()).isZero();
        superblockAgreesWithGroups();
        Path dump = Files.createDirectories(tmp.resolve("dump-" + System.nanoTime()));
        Result r = run(List.of(tool("debugfs"), "-R", "rdump / " + dump, image.toString()), tmp);
        assertThat(r.status()).as("debugfs rdump: " + r.output()).isZero();
        assertThat(describe(dump)).as("the image's tree against the native one").isEqualTo(describe(tree));
    }

    /** e2fsck quietly forgives a superblock whose free counts disagree with the group
     * descriptors' (it recomputes them), so that is checked here, with dumpe2fs. */
    private void superblockAgreesWithGroups() throws Exception {
        Result d = run(List.of(tool("dumpe2fs"), image.toString()), tmp);
        assertThat(d.status()).as("dumpe2fs: " + d.output()).isZero();
        long[] sb = new long[2], groups = new long[2];
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^Free (blocks|inodes): +(\\d+)$").matcher(d.output());
        while (m.find()) sb[m.group(1).equals("blocks") ? 0 : 1] = Long.parseLong(m.group(2));
        m = java.util.regex.Pattern.compile("(\\d+) free blocks, (\\d+) free inodes").matcher(d.output());
        while (m.find()) {
            groups[0] += Long.parseLong(m.group(1));
            groups[1] += Long.parseLong(m.group(2));
        }
        assertThat(sb).as("the superblock's free blocks and inodes against the groups' sums").containsExactly(groups);
    }

    /** Every name under root with its type, permissions, size (files), target (links), contents. */
    private static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> d = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.collect(Collectors.toList())) {
                String rel = root.relativize(p).toString();
                if (rel.isEmpty() || rel.startsWith("lost+found")) continue;
                String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                if (Files.isSymbolicLink(p)) d.put(rel, "link -> " + Files.readSymbolicLink(p));
                else if (Files.isDirectory(p)) d.put(rel, "dir " + perms);
                else d.put(rel, "file " + perms + " " + Files.size(p) + " "
                        + Arrays.hashCode(Files.readAllBytes(p)));
            }
        }
        return d;
    }

    /** ls -ln without the parts that depend on the host's file system or clock: the total
     * of blocks, a directory's size and link count, and every line's date. */
    private static String lsWithoutTimes(String ls) {
        return ls.lines().filter(l -> !l.startsWith("total ")).map(l -> {
            String[] f = l.trim().split("\\s+", 9);
            if (f.length < 9) return l;
            boolean dir = f[0].startsWith("d");
            return f[0] + " " + (dir ? "-" : f[1]) + " " + f[2] + " " + f[3] + " " + (dir ? "-" : f[4]) + " " + f[8];
        }).collect(Collectors.joining("\n"));
    }

    @Test
    void readsFilesDirectoriesAndLinks() throws Exception {
        assertThat(same("cat", "file").output()).isEqualTo("The quick brown fox\njumps over the lazy dog.\n");
        assertThat(same("wc", "-c", "big").output()).startsWith("400");
        same("sha256sum", "big", "dir/sub/deep");
        assertThat(same("ls", "-1a", "dir").output()).isEqualTo(".\n..\na.txt\nb.sh\nlink\nlonglink\nsub\n");
        same("stat", "-c", "%n %s %a %F %h", "file", "big", "dir/a.txt", "dir/b.sh", "dir/link", "dir/longlink");
        same("stat", "-L", "-c", "%n %s %a %F", "dir/link");
        assertThat(same("readlink", "dir/link").output()).isEqualTo("a.txt\n");
        same("readlink", "dir/longlink");
        same("cat", "dir/link");
        assertThat(same("cat", "nothing/here").status()).isEqualTo(1);
        assertThat(same("cat", "file/here").status()).isEqualTo(1);
        same("cat", "dir");
        Result n = nativeRun("ls", "-lan", "dir");
        Result g = guest("ls", "-lan", "dir");
        assertThat(lsWithoutTimes(g.output())).as("ls -lan dir").isEqualTo(lsWithoutTimes(n.output()));
        assertThat(g.status()).isZero();
        assertThat(g.output()).contains("link -> a.txt");
    }

    @Test
    void mkdirCopyMoveRemove() throws Exception {
        same("mkdir", "x");
        imageMatchesTree();
        same("cp", "file", "x/copy");
        imageMatchesTree();
        same("cp", "big", "x/big");
        imageMatchesTree();
        assertThat(same("cat", "x/copy").output()).isEqualTo("The quick brown fox\njumps over the lazy dog.\n");
        same("sha256sum", "x/big");
        same("mv", "x/copy", "dir/moved");
        imageMatchesTree();
        same("mv", "dir/sub", "x/sub");
        imageMatchesTree();
        same("rm", "big");
        imageMatchesTree();
        assertThat(same("rmdir", "x").status()).isEqualTo(1);
        same("rm", "-r", "x");
        imageMatchesTree();
        same("mkdir", "-p", "a/b/c");
        same("rmdir", "a/b/c", "a/b");
        imageMatchesTree();
        assertThat(same("ls", "-1a", "dir").output()).isEqualTo(".\n..\na.txt\nb.sh\nlink\nlonglink\nmoved\n");
    }

    @Test
    void linksAndAttributes() throws Exception {
        same("ln", "-s", "dir/a.txt", "sym");
        same("ln", "-s", "y".repeat(100), "slowsym");
        same("ln", "file", "hard");
        imageMatchesTree();
        assertThat(same("readlink", "sym").output()).isEqualTo("dir/a.txt\n");
        same("cat", "sym");
        same("stat", "-c", "%n %h %s", "file", "hard");
        same("chmod", "600", "file");
        same("touch", "new");
        same("touch", "-d", "2001-02-03 04:05:06", "dir/a.txt");
        same("stat", "-c", "%n %Y %a", "dir/a.txt", "file");
        imageMatchesTree();
        same("rm", "sym", "slowsym", "hard", "new");
        imageMatchesTree();
    }

    /** mkfifo made nothing (mknod was ENOSYS), and a FIFO on the disk opened as ENXIO (U:528, U:634). */
    @Test
    void namedPipesMeetWhicheverEndOpensFirst() throws Exception {
        Result r = same("sh", "-c", "mkfifo f && ls -l f | cut -c1-10; (echo first > f &); cat f;"
                + " cat f > got & sleep 0.2; echo second > f; wait; cat got;"
                + " exec 3<>f; echo both >&3; read x <&3; echo $x; exec 3>&-;"
                + " mkfifo g; (seq 1 20000 > g &); wc -l < g; rm f g got");
        assertThat(r.output()).isEqualTo("prw-r--r--\nfirst\nsecond\nboth\n20000\n");
        imageMatchesTree();
    }

    /** execve() of a FIFO opened it to read its first line, and so waited for a writer for ever; only a
     *  regular file runs, and anything else is EACCES, as on Linux (U:342). */
    @Test
    void aFifoOrADeviceDoesNotRun() throws Exception {
        Result r = same("sh", "-c", "mkfifo f && chmod +x f; ./f 2>/dev/null; echo $?; /dev/null 2>/dev/null; echo $?; rm f");
        assertThat(r.output()).isEqualTo("126\n126\n");
        imageMatchesTree();
    }

    /** mknod keeps a device's numbers where ext2 keeps them, and the node opens that device. */
    @Test
    void deviceNodesOpenTheirDevice() throws Exception {
        Result r = guest("sh", "-c", "mknod n c 1 3 && echo gone > n && wc -c < n; stat -c '%F %t %T' n;"
                + " mknod blk b 300 70000; stat -c '%t %T' blk; rm n blk");
        assertThat(r.output()).isEqualTo("0\ncharacter special file 1 3\n12c 11170\n");
        imageMatchesTree();
    }

    /** pwrite64 was ENOSYS (glibc's fallocate writes where ext2 cannot allocate), personality
     * and unshare too, statfs64 had its name length in the flags' place, and the disk answered no
     * size ioctl (U:530, U:373, U:788). */
    @Test
    void theSmallCallsOfTheFileUtilities() throws Exception {
        Result r = same("sh", "-c", "echo hi > h; fallocate -l 8192 h; wc -c < h; od -c h | head -2; rm h;"
                + " stat -f -c %l .; linux32 uname -m; unshare true && echo unshared");
        assertThat(r.output()).startsWith("8192\n0000000   h   i  \\n  \\0").endsWith("255\ni686\nunshared\n");
        assertThat(guest("sh", "-c", "for q in getsize64 getsz getss; do blockdev --$q /dev/lgba; done").output())
                .isEqualTo(4096 * 1024 + "\n" + 4096 * 2 + "\n512\n");
        imageMatchesTree();
    }

    @Test
    void fourKiBBlocks() throws Exception {
        makeImage(4096);
        same("sha256sum", "big", "file");
        same("cp", "big", "dir/big2");
        same("sha256sum", "dir/big2");
        same("mv", "dir", "renamed");
        same("rm", "big");
        imageMatchesTree();
    }

    /** A full disk: ENOSPC in the middle of a write, a clean image, and the space back after rm. */
    @Test
    void aFullDiskSaysSo() throws Exception {
        Result g = guest("dd", "if=/dev/zero", "of=zeros", "bs=1k", "count=8000");
        assertThat(g.output()).contains("No space left on device");
        assertThat(g.status()).isEqualTo(1);
        Result fsck = run(List.of(tool("e2fsck"), "-fn", image.toString()), tmp);
        assertThat(fsck.status()).as("e2fsck -fn on the full disk:\n" + fsck.output()).isZero();
        g = guest("sh", "-c", "mkdir d; rm zeros && mkdir d && echo ok > d/f && cat d/f");
        assertThat(g.output()).contains("No space left on device").endsWith("ok\n");
        Files.createDirectories(tree.resolve("d"));
        Files.writeString(tree.resolve("d/f"), "ok\n");
        imageMatchesTree();
    }

    @Test
    void shellRedirections() throws Exception {
        same("sh", "-c", "echo hi > f; echo there >> f; cat f");
        imageMatchesTree();
        same("sh", "-c", "echo new > f; cat < f; cd dir && cat a.txt && echo more >> a.txt");
        imageMatchesTree();
        // getcwd() climbs ".." to the root (pwd -P asks it; plain pwd is the shell's own idea).
        Result g = guest("sh", "-c", "cd dir/sub && pwd -P && cd ../.. && pwd -P");
        assertThat(g.output()).isEqualTo("/dir/sub\n/\n");
        assertThat(g.status()).isZero();
    }
}
