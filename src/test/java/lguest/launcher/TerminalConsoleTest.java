package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
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

/**
 * The Guest's console as a terminal (U:800, L:330): the Launcher is told its console is a
 * terminal, as when its standard input is one, and the Guest's line discipline echoes, edits,
 * turns CR into NL and NL into CR NL, and turns ^C into SIGINT for the foreground job.
 * Input is typed a piece at a time, each piece after the output the previous one should
 * have caused, as a person would.
 */
class TerminalConsoleTest {
    private static Path kernel, busybox, root;

    @BeforeAll
    static void find() {
        String named = System.getProperty("lguest.guest.dir");
        Path dir = Path.of(named != null ? named : "target/guest");
        kernel = dir.resolve("kernel");
        root = dir.resolve("root.img");
        busybox = Path.of("target/busybox/busybox").toAbsolutePath();
        assumeTrue(Files.isRegularFile(kernel), "no guest kernel at " + kernel + " (run make guest)");
        assumeTrue(Files.isRegularFile(busybox), "no " + busybox + " (run make busybox)");
    }

    /** One Guest, with a keyboard to type at and a screen to look at. */
    private static final class Session implements AutoCloseable {
        final ByteArrayOutputStream screen = new ByteArrayOutputStream();
        final PipedOutputStream keys = new PipedOutputStream();
        final AtomicInteger status = new AtomicInteger(Integer.MIN_VALUE);
        final Thread guest;
        int mark;

        Session(boolean terminal, String... guestArgs) throws IOException {
            PipedInputStream in = new PipedInputStream(keys, 4096);
            List<String> args = new ArrayList<>(List.of("64m", kernel.toString(), "--initrd=" + busybox));
            if (Files.isRegularFile(root)) args.add("--block=" + root);
            args.add("quiet");
            args.add("--");
            args.addAll(List.of(guestArgs));
            PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            guest = new Thread(null, () -> status.set(Launcher.run(new Host(), args.toArray(new String[0]),
                    in, screen, err, terminal)), "guest", 64 << 20);
            guest.setDaemon(true);
            guest.start();
        }

        String screen() {
            return screen.toString(StandardCharsets.ISO_8859_1);
        }

        /** Waits until what the screen shows after the last mark contains s; moves the mark past it. */
        void await(String s) throws InterruptedException {
            long end = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < end) {
                String now = screen();
                int at = now.indexOf(s, mark);
                if (at >= 0) {
                    mark = at + s.length();
                    return;
                }
                if (!guest.isAlive()) break;
                Thread.sleep(20);
            }
            throw new AssertionError("never saw " + show(s) + " on the screen after " + mark + ":\n" + show(screen()));
        }

        void type(String s) throws IOException {
            keys.write(s.getBytes(StandardCharsets.ISO_8859_1));
            keys.flush();
        }

        int end() throws IOException, InterruptedException {
            keys.close();
            guest.join(60_000);
            assertThat(guest.isAlive()).as("the Guest ends at the end of input").isFalse();
            return status.get();
        }

        @Override
        public void close() throws IOException {
            keys.close();
        }
    }

    static String show(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n\n").replace("\u007f", "\\x7f").replace("\u001b", "\\e");
    }

    @Test
    void catEchoesTypedInputAndEndsLinesWithCrNl() throws Exception {
        try (Session s = new Session(true, "cat")) {
            s.type("hello\r");
            /* the echo of the typed line, CR turned into NL and NL out as CR NL, then cat's copy */
            s.await("hello\r\nhello\r\n");
            s.type("ecx\u007fho hi\r");
            /* the erase is echoed as backspace, space, backspace, and cat never sees the x */
            s.await("ecx\b \bho hi\r\necho hi\r\n");
            s.type("abc\u0015xyz\r");
            s.await("abc\b \b\b \b\b \bxyz\r\nxyz\r\n");
            s.type("\u0004");               /* ^D at the start of a line: end of file */
            s.guest.join(60_000);
            assertThat(s.guest.isAlive()).as("^D ended cat, and with it the Guest").isFalse();
            assertThat(s.screen()).doesNotContain("x\r\necx");
        }
    }

    @Test
    void withoutATerminalThereIsNoEchoAndNoCr() throws Exception {
        try (Session s = new Session(false, "cat")) {
            s.type("hello\n");
            s.await("hello\n");
            assertThat(s.end()).isZero();
            assertThat(s.screen()).isEqualTo("hello\n");
        }
    }

    @Test
    void anInteractiveShellRunsEditedLinesAndSurvivesCtrlC() throws Exception {
        try (Session s = new Session(true, "sh", "-i")) {
            s.await("# ");
            s.type("echo hi\r");
            s.await("echo hi");             /* busybox's own echo, in non-canonical mode */
            s.await("\r\nhi\r\n");
            s.await("# ");
            s.type("ecx\u007fho there\r");
            s.await("\r\nthere\r\n");
            s.await("# ");
            s.type("sleep 10; echo slept\r");
            Thread.sleep(500);
            long start = System.nanoTime();
            s.type("\u0003");
            s.await("# ");                  /* the prompt again, well before ten seconds */
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms until ^C ended sleep").isLessThan(8000);
            s.type("echo after\r");
            s.await("\r\nafter\r\n");
            s.await("# ");
            /* isatty holds (busybox "tty" would also want a /dev on the disk to find a name in) */
            s.type("[ -t 0 ] && [ -t 1 ] && echo a terminal; stty -a | head -n 2\r");
            s.await("\r\na terminal\r\n");
            s.await("speed 38400 baud; rows 24; columns 80; line = 0;\r\n");
            s.await("intr = ^C; quit = ^\\; erase = ^?; kill = ^U; eof = ^D;");
            s.await("# ");
            s.type("exit\r");
            assertThat(s.end()).isZero();
            assertThat(s.screen()).doesNotContain("\r\nslept\r\n").doesNotContain("can't access tty");
        }
    }
}
