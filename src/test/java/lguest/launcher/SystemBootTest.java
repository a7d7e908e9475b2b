package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import lguest.HostPrerequisite;
import lguest.host.Host;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The system `make rootfs` builds and `make run` boots (U:775): busybox init, its inittab,
 * an rcS that mounts /proc and names the host, and a login shell on the console, after
 * which the Guest powers off with status 0.  Booted here as make run boots it, but with
 * ",snapshot", so the image stays as make made it.
 */
class SystemBootTest {
    private static BusyboxRig rig;
    private static Path root;

    @BeforeAll
    static void find() {
        rig = BusyboxRig.find();
        String named = System.getProperty("lguest.guest.dir");
        root = Path.of(named != null ? named : "target/guest").resolve("root.img").toAbsolutePath();
        if (named != null) assertThat(root).as("the root disk of make rootfs").isRegularFile();
        else HostPrerequisite.require(Files.isRegularFile(root), "no " + root + " (run make rootfs)");
    }

    /** make run's options, after the memory and the kernel. */
    static String[] args() {
        return new String[] { "--block=" + root + ",snapshot", "root=/dev/lgba", "quiet" };
    }

    @Test
    void pipedCommandsRunInTheLoginShellThenTheGuestPowersOff() throws Exception {
        RootBootTest.Boot b = RootBootTest.boot(String.join("\n",
                "echo \"I am $(hostname) in $(pwd) as $(id -un)\"",
                "ps | awk 'NR > 1 { print $1, $3 }' | sort -n | head -n 1",
                "mount | grep -c ' on /proc type proc '",
                "dmesg | grep -c 'VFS: mounted root (ext2 file system) on /dev/lgba, read-write'",
                "exit 7", ""), false, args());
        assertThat(b.out()).startsWith("I am guest in /root as root\n")
                .contains("\n1 init\n")
                .contains("\n1\n1\n")
                .contains("Requesting system poweroff")
                .doesNotContain("not found").doesNotContain("can't");
        assertThat(b.status()).as("the shell's exit is the system's power-off, status 0").isZero();
    }

    @Test
    void poweroffTypedInTheShellEndsTheSystemAtOnce() throws Exception {
        RootBootTest.Boot b = RootBootTest.boot("echo before\npoweroff\nsleep 30; echo after\n", false, args());
        assertThat(b.out()).contains("before\n").contains("The system is going down NOW!").doesNotContain("after");
        assertThat(b.status()).isZero();
    }

    @Test
    void rebootBootsTheSystemAgain() throws Exception {
        RootBootTest.Boot b = RootBootTest.boot("echo before\nreboot\nsleep 30; echo after\n", false, args());
        assertThat(b.out()).contains("Requesting system reboot")
                .doesNotContain("after").doesNotContain("killed by signal");
        assertThat(b.out().split("The system is going down NOW!", -1))
                .as("two boots, two shutdowns: the second shell reads the end of the input").hasSize(3);
        assertThat(b.status()).isZero();
    }

    /* On a terminal the same shell is interactive, with a prompt, job control and the console
     * as its terminal.  It also caught a bug (fixed in main meanwhile, U:232): a process asleep
     * in poll() is asked "ready yet?" by the scheduler while another process is current, and the
     * question was put in the current process's terms, its descriptors and its memory: with
     * init current, the shell never saw a key. */
    @Test
    void onATerminalTheShellIsInteractive() throws Exception {
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys, 4096);
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        AtomicInteger status = new AtomicInteger(Integer.MIN_VALUE);
        PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        String[] a = { "64m", rig.kernel.toString(), args()[0], args()[1], args()[2] };
        Thread t = new Thread(null, () -> status.set(Launcher.run(new Host(), a, in, screen, err, true)),
                "guest", 64 << 20);
        t.setDaemon(true);
        t.start();
        try {
            int at = await(screen, "guest:~# ", 0);
            type(keys, "echo $((6 * 7)) answered\r");
            at = await(screen, "42 answered", at);
            type(keys, "tty; sleep 5 & jobs\r");
            at = await(screen, "/dev/console", at);
            at = await(screen, "Running", at);
            type(keys, "exit\r");
            t.join(60_000);
            assertThat(t.isAlive()).isFalse();
            assertThat(status.get()).isZero();
        } finally {
            keys.close();
        }
    }

    static void type(PipedOutputStream keys, String s) throws IOException {
        keys.write(s.getBytes(StandardCharsets.ISO_8859_1));
        keys.flush();
    }

    static int await(ByteArrayOutputStream screen, String s, int from) throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end) {
            int i = screen.toString(StandardCharsets.ISO_8859_1).indexOf(s, from);
            if (i >= 0) return i + s.length();
            Thread.sleep(20);
        }
        throw new AssertionError("never saw " + s + " on the screen:\n" + screen.toString(StandardCharsets.ISO_8859_1));
    }
}
