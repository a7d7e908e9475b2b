package lguest.gdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lguest.host.TestGuests;
import org.junit.jupiter.api.Test;

/**
 * The stub spoken to byte by byte: what a debugger may reach (the Guest's memory through
 * the Guest's tables) and what it may not (the Host's frames, the Switcher), ^C, detach and
 * a second gdb, kill.
 */
class GdbStubTest {
    /** A gdb reduced to its wire: packets out, replies in. */
    static final class Wire implements AutoCloseable {
        final Socket s;
        final InputStream in;
        final OutputStream out;

        Wire(int port) throws IOException {
            s = new Socket("127.0.0.1", port);
            s.setSoTimeout(60_000);
            in = s.getInputStream();
            out = s.getOutputStream();
        }

        void send(String data) throws IOException {
            int sum = 0;
            for (char c : data.toCharArray()) sum += c;
            out.write(String.format("$%s#%02x", data, sum & 0xFF).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        String reply() throws IOException {
            int c;
            while ((c = in.read()) != '$') if (c < 0) throw new IOException("stub hung up");
            StringBuilder b = new StringBuilder();
            while ((c = in.read()) != '#') b.append((char) c);
            in.read();
            in.read();
            out.write('+');
            return b.toString();
        }

        String ask(String data) throws IOException {
            send(data);
            return reply();
        }

        @Override
        public void close() throws IOException {
            s.close();
        }
    }

    static String le32(int v) {
        return String.format("%02x%02x%02x%02x", v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, v >>> 24);
    }

    /*M:668 The test that a debugger is no way out.  At its first instruction the Guest
     * still runs on the Launcher's page tables (L:170), so the entry for one of its
     * pages is easy to find in its own memory; the test rewrites it, through the stub,
     * the way a Guest kernel could, to point at the Host's first frame and then at
     * the first page past pfn_limit.  Both must be unreadable; put back, the page reads
     * again.  The Switcher's pages are refused without a walk. :*/
    @Test
    void aDebuggerReachesTheGuestsMemoryAndNothingElse() throws Exception {
        Path kernel = TestGuests.built("kernel");
        try (GuestUnderGdb guest = new GuestUnderGdb("64m", kernel.toString(), "--verbose", "--gdb=0", "--gdb-wait");
             Wire gdb = new Wire(guest.port())) {
            assertThat(gdb.ask("?")).isEqualTo("S05");
            Matcher m = Pattern.compile("pgdir (0x[0-9a-f]+), pfnlimit (0x[0-9a-f]+)").matcher(guest.err());
            assertThat(m.find()).as(guest.err()).isTrue();
            int pgdir = Integer.decode(m.group(1)), pfnLimit = Integer.decode(m.group(2));
            int ptes = pgdir + 4096;                       // L:170: the tables follow the directory
            int pteOfPage1 = 0xC0000000 + ptes + 4;        // the entry for virtual 0xc0001000, by the linear map
            String mine = gdb.ask(String.format("m%x,4", pteOfPage1));
            assertThat(mine).isEqualTo(le32(0x1000 | 7));
            assertThat(gdb.ask("mc0001000,4")).matches("[0-9a-f]{8}");

            for (int elsewhere : new int[] {0xF0000000, pfnLimit << 12}) {
                assertThat(gdb.ask(String.format("M%x,4:%s", pteOfPage1, le32(elsewhere | 7)))).isEqualTo("OK");
                assertThat(gdb.ask("mc0001000,4")).as("through a page-table entry for %#x", elsewhere)
                        .startsWith("E");
                assertThat(gdb.ask("Mc0001000,4:00000000")).startsWith("E");
            }
            assertThat(gdb.ask(String.format("M%x,4:%s", pteOfPage1, mine))).isEqualTo("OK");
            assertThat(gdb.ask("mc0001000,4")).matches("[0-9a-f]{8}");
            for (String switcher : new String[] {"ffc00000", "ffc01000", "ffc02000", "ffc03ffc"})
                assertThat(gdb.ask("m" + switcher + ",4")).as(switcher).startsWith("E");

            // Segment registers and privileged flags are not the debugger's to change.
            String regs = gdb.ask("g");
            assertThat(regs).hasSize(16 * 8);
            assertThat(gdb.ask("Pa=" + le32(0x60))).startsWith("E");            // cs to ring 0
            assertThat(gdb.ask("P9=" + le32(0x3202))).isEqualTo("OK");          // eflags with IOPL 3
            assertThat(gdb.ask("p9")).isEqualTo(le32(0x202));

            gdb.send("k");
            assertThat(guest.end(30)).isEqualTo(1);
            assertThat(guest.err()).contains("killed by the debugger");
        }
    }

    @Test
    void controlCStopsARunningGuestAndASecondGdbFindsItAgain() throws Exception {
        Path kernel = TestGuests.built("kernel");
        Path busybox = Path.of("target/busybox/busybox").toAbsolutePath();
        lguest.HostPrerequisite.require(busybox.toFile().isFile(), "no " + busybox + " (run make busybox)");
        try (GuestUnderGdb guest = new GuestUnderGdb("64m", kernel.toString(), "--initrd=" + busybox, "--gdb=0",
                "quiet", "--", "sh", "-c", "while :; do :; done")) {
            int port = guest.port();
            try (Wire gdb = new Wire(port)) {
                assertThat(gdb.ask("?")).isEqualTo("S05");   // a gdb that comes finds the Guest stopped
                gdb.send("c");
            }
            // The first gdb went without a word; the Guest runs on.  A second comes, and ^C.
            Thread.sleep(300);
            try (Wire gdb = new Wire(port)) {
                assertThat(gdb.ask("?")).isEqualTo("S05");
                gdb.send("c");
                Thread.sleep(300);
                gdb.out.write(3);
                gdb.out.flush();
                assertThat(gdb.reply()).isEqualTo("S02");
                String regs = gdb.ask("g");
                int cs = Integer.parseInt(regs.substring(80, 82), 16);
                assertThat(cs & 3).as("stopped somewhere in the Guest, ring 1 or 3").isIn(1, 3);
                assertThat(gdb.ask("D")).isEqualTo("OK");
            }
            try (Wire gdb = new Wire(port)) {
                assertThat(gdb.ask("?")).isEqualTo("S05");
                gdb.send("vKill;1");
                assertThat(gdb.reply()).isEqualTo("OK");
            }
            assertThat(guest.end(30)).isEqualTo(1);
            assertThat(guest.err()).contains("killed by the debugger");
        }
    }
}
