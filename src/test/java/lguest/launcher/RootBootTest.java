package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import lguest.host.Host;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Booting from a disk as Linux does (U:760 to U:770): `root=/dev/lgba` with no initrd mounts
 * the ext2 image as "/", reads init's program from it and runs init; init's exit powers the
 * Guest off with its status, and reboot(), halt and poweroff do what they say.  The disks
 * here are made by mke2fs -d from a directory holding busybox and its sh link and nothing
 * else (no /dev, no /proc, no /etc), which is the hardest root a kernel can be given.
 */
class RootBootTest {
    static final String MKE2FS = List.of("/sbin/mke2fs", "/usr/sbin/mke2fs").stream()
            .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse("mke2fs");
    static final String E2FSCK = MKE2FS.replace("mke2fs", "e2fsck");

    private static BusyboxRig rig;

    @BeforeAll
    static void find() {
        rig();
    }

    /** Found once, also for ProcDevTest and SystemBootTest, which boot through here. */
    static BusyboxRig rig() {
        if (rig == null) rig = BusyboxRig.find();
        return rig;
    }

    record Boot(int status, String out, String err) { }

    /** A root of busybox and /bin/sh only, SIZE KiB of ext2. */
    static Path bareRoot(Path tmp, int kib) throws IOException, InterruptedException {
        Path tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve("bin"));
        Files.copy(rig().busybox, tree.resolve("bin/busybox"));
        Files.createSymbolicLink(tree.resolve("bin/sh"), Path.of("busybox"));
        Path img = tmp.resolve("root.img");
        Process p = new ProcessBuilder(MKE2FS, "-q", "-t", "ext2", "-d", tree.toString(), "-F", img.toString(),
                Integer.toString(kib)).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(log).isZero();
        return img;
    }

    static String fsck(Path img) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(E2FSCK, "-fn", img.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("e2fsck -fn after the Guest:\n" + log).isZero();
        return log;
    }

    /** The Launcher in this JVM, as bin/lguest would run it, on a thread with room for the CPU's stack. */
    static Boot boot(String stdin, boolean terminal, String... args) throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        AtomicInteger status = new AtomicInteger(Integer.MIN_VALUE);
        rig();
        List<String> all = new ArrayList<>(List.of("64m", rig.kernel.toString()));
        all.addAll(List.of(args));
        PrintStream errs = new PrintStream(err, true, StandardCharsets.UTF_8);
        Thread t = new Thread(null, () -> status.set(Launcher.run(new Host(), all.toArray(new String[0]),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)), out, errs, terminal)),
                "guest", 64 << 20);
        t.setDaemon(true);
        t.start();
        t.join(120_000);
        assertThat(t.isAlive()).as("the Guest powered off within 120 s: " + out).isFalse();
        return new Boot(status.get(), out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.UTF_8));
    }

    /* The acceptance check of issue 12: the seed's command line, a script on standard input,
     * and the same output and status as busybox gives on the machine that runs the test.
     * Everything the script touches is relative to the working directory, which is "/" in
     * the Guest (the root it booted from) and a fresh directory natively. */
    static final String SCRIPT = String.join("\n",
            "x=0; for i in 1 2 3 4 5 6 7; do x=$((x + i * i)); done; echo \"sum $x\"",
            "echo hello > greeting; cat greeting | tr a-z A-Z",
            "mkdir -p d/e/f; for n in 1 2 3; do seq 1 $((n * 300)) > d/e/f/file$n; done",
            "wc -l d/e/f/* | sort -n",
            "cat d/e/f/file3 | awk '{ s += $1 } END { print s }'",
            "printf '%s\\n' pear apple fig | sort | head -n 2",
            "echo \"$(echo nested $(echo twice))\"",
            "sh -c 'exit 7' || echo \"child said $?\"",
            "nosuchcommand 2>/dev/null || echo \"not found: $?\"",
            "cp d/e/f/file2 copy && mv copy moved && cmp moved d/e/f/file2 && echo same",
            "ln -s greeting link; cat link; ls -l link | cut -c1",
            "(cd d/e && ls f | tr '\\n' ' '); echo",
            "rm -r d greeting moved link; ls -a | wc -l >/dev/null",
            "trap 'echo trapped' USR1; kill -USR1 $$",
            "cat <<END",
            "here $x",
            "END",
            "exit 3", "");

    @Test
    void theSeedsCommandLineRunsAScriptAsBusyboxDoesNatively(@TempDir Path tmp) throws Exception {
        Path img = bareRoot(tmp, 8192);
        Path here = Files.createDirectory(tmp.resolve("native"));
        BusyboxRig.Result nat = BusyboxRig.run(rig.nativeCommand("sh"), SCRIPT, here);
        List<String> cmd = List.of(Path.of("bin/lguest").toAbsolutePath().toString(), "64m", rig.kernel.toString(),
                "--block=" + img, "root=/dev/lgba", "init=/bin/sh", "quiet");
        BusyboxRig.Result guest = BusyboxRig.run(cmd, SCRIPT, null);
        assertThat(nat.status()).as(nat.output()).isEqualTo(3);
        assertThat(guest.output()).isEqualTo(nat.output());
        assertThat(guest.status()).isEqualTo(3);
        fsck(img);
    }

    /**
     * The program image read whole from the disk at boot (U:762) is the file, byte for byte.
     * With 1 KiB blocks a file's zeros are holes, and the run of blocks after one starts
     * inside a page; a run of 64 KiB from there lost its last kilobytes (D:415), and busybox
     * booted from a disk ran with holes in it. imgcheck compares itself with its file.
     */
    @Test
    void theProgramInMemoryIsTheProgramOnTheDisk(@TempDir Path tmp) throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Path prog = Files.copy(lguest.host.TestGuests.built("user/imgcheck.elf"), tree.resolve("imgcheck"));
        assertThat(prog.toFile().setExecutable(true)).isTrue();
        Path img = tmp.resolve("disk.img");
        Process p = new ProcessBuilder(MKE2FS, "-q", "-t", "ext2", "-b", "1024", "-d", tree.toString(), "-F",
                img.toString(), "4096").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(log).isZero();
        Boot b = boot("", false, "--block=" + img, "root=/dev/lgba", "init=/imgcheck", "quiet");
        assertThat(b.out()).isEqualTo("imgcheck: every loaded byte is the file's\n");
        assertThat(b.status()).isZero();
    }

    /** chroot was ENOSYS; now "/" moves for the process and its children, and ".." stops there (U:646). */
    @Test
    void chrootMovesTheRootForAProcessAndItsChildren(@TempDir Path tmp) throws Exception {
        Path img = bareRoot(tmp, 8192);
        Boot b = boot(String.join("\n", "mkdir -p /jail/bin /jail/etc /jail/sub && cp /bin/busybox /jail/bin/",
                "ln -s busybox /jail/bin/sh; echo in-the-jail > /jail/etc/where; ln -s /etc/where /jail/sub/abs",
                "chroot /jail /bin/sh -c 'cat /etc/where /sub/abs; cd /sub/../../..; /bin/busybox pwd; /bin/busybox ls /'",
                "echo status $?; cd /jail/sub; chroot /jail /bin/busybox pwd; ls /etc/where 2>&1; exit 0", ""),
                false, "--block=" + img, "root=/dev/lgba", "init=/bin/sh", "quiet");
        assertThat(b.out()).isEqualTo("in-the-jail\nin-the-jail\n/\nbin\netc\nsub\nstatus 0\n/\n"
                + "ls: /etc/where: No such file or directory\n");
        assertThat(b.status()).isZero();
        fsck(img);
    }

    @Test
    void withoutQuietTheKernelSaysWhatItMounted(@TempDir Path tmp) throws Exception {
        Path img = bareRoot(tmp, 4096);
        Boot b = boot("echo $$ $0\n", false, "--block=" + img, "root=/dev/lgba", "init=/bin/sh");
        assertThat(b.out()).contains("VFS: mounted root (ext2 file system) on /dev/lgba, read-write")
                .contains("\n1 /bin/sh\n").contains("init: /bin/sh exited with status 0");
        assertThat(b.status()).isZero();
    }

    @Test
    void withoutInitTheKernelTriesLinuxsListAndFindsBinSh(@TempDir Path tmp) throws Exception {
        Path img = bareRoot(tmp, 4096);
        Boot b = boot("echo found $0; exit 4\n", false, "--block=" + img, "root=/dev/lgba", "quiet");
        assertThat(b.out()).isEqualTo("found /bin/sh\n");
        assertThat(b.status()).isEqualTo(4);
    }

    @Test
    void wordsAfterTheSeparatorAreInitsArguments(@TempDir Path tmp) throws Exception {
        Path img = bareRoot(tmp, 4096);
        Boot b = boot("", false, "--block=" + img, "root=/dev/lgba", "init=/bin/sh", "quiet", "--",
                "-c", "echo \"$0 has $# argument: $1\"", "zero", "one");
        assertThat(b.out()).isEqualTo("zero has 1 argument: one\n");
        assertThat(b.status()).isZero();
    }

    @Test
    void anInitScriptRunsUnderTheInterpreterItNames(@TempDir Path tmp) throws Exception {
        Path tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve("sbin"));
        Path img = bareRoot(tmp, 4096);
        /* the script is added with debugfs-free means: a second image, made with it */
        Files.writeString(tmp.resolve("tree/sbin/init"), "#!/bin/sh -e\necho \"script $0 pid $$\"\nexit 9\n");
        tmp.resolve("tree/sbin/init").toFile().setExecutable(true);
        Files.delete(img);
        Process p = new ProcessBuilder(MKE2FS, "-q", "-t", "ext2", "-d", tree.toString(), "-F", img.toString(), "4096")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        Boot b = boot("", false, "--block=" + img, "root=/dev/lgba", "quiet");
        assertThat(b.out()).isEqualTo("script /sbin/init pid 1\n");
        assertThat(b.status()).isEqualTo(9);
    }

    /* A root that cannot be had is one line and a status that is not 0, quiet or not. */
    @Test
    void noDiskIsOneLineAndStatusOne() throws Exception {
        Boot b = boot("", false, "root=/dev/lgba", "quiet");
        assertThat(b.out()).isEqualTo("VFS: cannot open root device /dev/lgba: there is no disk (--block=FILE)\n");
        assertThat(b.status()).isEqualTo(1);
    }

    @Test
    void aDiskWithoutExt2IsOneLineAndStatusOne(@TempDir Path tmp) throws Exception {
        Path img = tmp.resolve("zeros.img");
        Files.write(img, new byte[1 << 20]);
        Boot b = boot("", false, "--block=" + img, "root=/dev/lgba", "quiet");
        assertThat(b.out()).startsWith("VFS: cannot mount root /dev/lgba: no ext2 file system this kernel can use")
                .hasLineCount(1);
        assertThat(b.status()).isEqualTo(1);
    }

    @Test
    void anotherDeviceNameIsOneLineAndStatusOne(@TempDir Path tmp) throws Exception {
        Path img = bareRoot(tmp, 4096);
        Boot b = boot("", false, "--block=" + img, "root=/dev/sda1", "quiet");
        assertThat(b.out()).contains("/dev/sda1").contains("/dev/lgba").hasLineCount(1);
        assertThat(b.status()).isEqualTo(1);
    }

    @Test
    void aMissingInitIsOneLineAndStatus127(@TempDir Path tmp) throws Exception {
        Path img = bareRoot(tmp, 4096);
        Boot b = boot("", false, "--block=" + img, "root=/dev/lgba", "init=/sbin/nothing", "quiet");
        assertThat(b.out()).isEqualTo("Requested init failed: /sbin/nothing (error -2)\n");
        assertThat(b.status()).isEqualTo(127);
        fsck(img);
    }

    /* The end of the world, three ways (U:770): with -f, busybox makes reboot() itself. */
    @Test
    void poweroffAndHaltEndTheGuestWithStatusZero(@TempDir Path tmp) throws Exception {
        Path img = bareRoot(tmp, 4096);
        Boot b = boot("echo before; poweroff -f; echo after\n", false, "--block=" + img, "root=/dev/lgba",
                "init=/bin/sh", "quiet");
        assertThat(b.out()).isEqualTo("before\n");
        assertThat(b.status()).isZero();
        b = boot("echo before; halt -f; echo after\nexit 5\n", false, "--block=" + img, "root=/dev/lgba",
                "init=/bin/sh", "quiet");
        assertThat(b.out()).isEqualTo("before\n");
        assertThat(b.status()).isZero();
    }

    @Test
    void rebootStartsTheGuestAgainOnTheSameDisk(@TempDir Path tmp) throws Exception {
        Path img = bareRoot(tmp, 4096);
        Boot b = boot("", false, "--block=" + img, "root=/dev/lgba", "init=/bin/sh", "--", "-c",
                "echo boot >> /boots; n=$(wc -l < /boots); echo \"boot number $n\"; [ $n -ge 2 ] || reboot -f");
        assertThat(b.out()).contains("boot number 1\nreboot: Restarting system\n")
                .contains("boot number 2\ninit: /bin/sh exited with status 0");
        assertThat(b.out().split("lguest guest kernel: ", -1)).hasSize(3);
        assertThat(b.status()).isZero();
        fsck(img);
    }

    /* Process 1 is not killed by a signal it neither handles nor blocks (U:768). */
    @Test
    void initIgnoresKillWithoutAHandler(@TempDir Path tmp) throws Exception {
        Path img = bareRoot(tmp, 4096);
        Boot b = boot("kill -TERM 1; kill -9 1; echo still here; trap 'echo caught' USR1; kill -USR1 1\n",
                false, "--block=" + img, "root=/dev/lgba", "init=/bin/sh", "quiet");
        assertThat(b.out()).isEqualTo("still here\ncaught\n");
        assertThat(b.status()).isZero();
    }

    /* The initrd route is unchanged: the program is the initrd's, the disk is mounted beside it. */
    @Test
    void theInitrdRouteStillRunsTheInitrd(@TempDir Path tmp) throws Exception {
        Path img = bareRoot(tmp, 4096);
        Boot b = boot("", false, "--initrd=" + rig.busybox, "--block=" + img, "quiet", "--", "sh", "-c",
                "echo $0; ls /bin");
        assertThat(b.out()).isEqualTo("sh\nbusybox\nsh\n");
        assertThat(b.status()).isZero();
    }
}
