package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lguest.HostPrerequisite;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guests on one --sharenet file, each a separate bin/lguest process, as two terminals would
 * run them: ping, TCP (busybox nc and httpd/wget), UDP, a third guest joining, a guest
 * killed, garbage written into the file, and TCP over a network that loses frames.
 */
class NetworkTest {
    private static BusyboxRig rig;

    @TempDir
    Path tmp;
    private final List<GuestProcess> guests = new ArrayList<>();

    @BeforeAll
    static void find() {
        rig = BusyboxRig.find();
    }

    @AfterEach
    void stopAll() {
        for (GuestProcess g : guests) g.kill();
    }

    /** A guest running busybox sh, whose commands the test writes as it goes. */
    static final class GuestProcess {
        final Process p;
        private final OutputStream in;
        private final StringBuffer out = new StringBuffer();
        private int mark;

        GuestProcess(List<String> cmd) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("PATH", System.getProperty("java.home") + "/bin:/usr/bin:/bin");
            p = pb.start();
            in = p.getOutputStream();
            Thread t = new Thread(() -> {
                byte[] b = new byte[4096];
                try (InputStream s = p.getInputStream()) {
                    for (int n; (n = s.read(b)) > 0; ) out.append(new String(b, 0, n, StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    /* the process is gone */
                }
            });
            t.setDaemon(true);
            t.start();
        }

        void send(String commands) throws IOException {
            in.write(commands.getBytes(StandardCharsets.ISO_8859_1));
            in.flush();
        }

        /** Waits for the pattern in what the guest printed since the last await; returns the match. */
        Matcher await(String regex, int seconds) throws InterruptedException {
            Pattern pat = Pattern.compile(regex);
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                Matcher m = pat.matcher(out.substring(mark));
                if (m.find()) {
                    mark += m.end();
                    return m;
                }
                if (!p.isAlive() && !pat.matcher(out.substring(mark)).find()) break;
                Thread.sleep(50);
            }
            throw new AssertionError("no /" + regex + "/ within " + seconds + " s; the guest printed:\n" + out);
        }

        /** Runs one command and waits for its output to end with a marker. */
        String run(String command, int seconds) throws IOException, InterruptedException {
            String tag = "END" + Long.toHexString(System.nanoTime());
            send(command + "\necho " + tag + " $?\n");
            return await("(?s)(.*?)" + tag + " (\\d+)\n", seconds).group(0);
        }

        int finish(int seconds) throws IOException, InterruptedException {
            in.close();
            assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as("guest exited; it printed:\n" + out).isTrue();
            return p.exitValue();
        }

        void kill() {
            p.destroyForcibly();
        }

        String output() {
            return out.toString();
        }
    }

    private GuestProcess guest(Object net, String ip, String... options) throws Exception {
        List<String> opts = new ArrayList<>(List.of("--sharenet=" + net));
        opts.addAll(List.of(options));
        GuestProcess g = new GuestProcess(rig.guestCommand(opts, "sh"));
        guests.add(g);
        g.send("ifconfig eth0 " + ip + " netmask 255.255.255.0 up && echo UP\n");
        g.await("UP\n", 60);
        return g;
    }

    private static void pings(GuestProcess from, String to) throws Exception {
        String r = from.run("ping -c 3 " + to, 60);
        assertThat(r).as("ping %s", to).contains("3 packets transmitted, 3 packets received");
    }

    @Test
    void twoGuestsInSeparateProcessesPingEachOther() throws Exception {
        Path net = tmp.resolve("net");
        GuestProcess a = guest(net, "10.0.0.1"), b = guest(net, "10.0.0.2");
        pings(b, "10.0.0.1");
        pings(a, "10.0.0.2");
        assertThat(a.finish(30)).isZero();
        assertThat(b.finish(30)).isZero();
    }

    /** 1 MiB through TCP: nc -e sha256sum in one guest hashes what nc in the other sends. */
    private static void tcpMegabyte(GuestProcess server, GuestProcess client, String serverIp) throws Exception {
        server.send("nc -l -p 5000 -e sha256sum &\n");
        Thread.sleep(500);
        String data = "yes 0123456789abcdef0123456789abcde | head -c 1048576";
        String r = client.run(data + " | nc " + serverIp + " 5000; " + data + " | sha256sum", 120);
        Matcher m = Pattern.compile("([0-9a-f]{64})  -\n(?s).*?([0-9a-f]{64})  -").matcher(r);
        assertThat(m.find()).as("two hashes in:\n" + r).isTrue();
        assertThat(m.group(1)).as("what the server hashed").isEqualTo(m.group(2));
    }

    @Test
    void aMegabyteOverTcp() throws Exception {
        Path net = tmp.resolve("net");
        GuestProcess a = guest(net, "10.0.0.1"), b = guest(net, "10.0.0.2");
        long t0 = System.nanoTime();
        tcpMegabyte(a, b, "10.0.0.1");
        System.out.printf("1 MiB guest to guest over TCP: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @Test
    void tcpStaysCorrectWhenTheNetworkLosesFrames() throws Exception {
        Path net = tmp.resolve("net");
        GuestProcess a = guest(net, "10.0.0.1"), b = guest(net + ",drop=5", "10.0.0.2", "--stats");
        tcpMegabyte(a, b, "10.0.0.1");
        assertThat(b.finish(30)).isZero();
        Matcher m = Pattern.compile("(\\d+) dropped").matcher(b.output());
        assertThat(m.find()).as(b.output()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).as("frames the Launcher lost on purpose").isGreaterThan(20);
    }

    @Test
    void aThirdGuestJoinsAndAKilledOneLeavesTheOthersWorking() throws Exception {
        Path net = tmp.resolve("net");
        GuestProcess a = guest(net, "10.0.0.1"), b = guest(net, "10.0.0.2");
        pings(a, "10.0.0.2");
        GuestProcess c = guest(net, "10.0.0.3");
        pings(c, "10.0.0.1");
        pings(c, "10.0.0.2");
        pings(a, "10.0.0.3");
        b.kill();
        assertThat(b.p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        pings(a, "10.0.0.3");
        pings(c, "10.0.0.1");
        // The dead guest's slot (1) is free again, and a newcomer takes it.
        GuestProcess d = guest(net, "10.0.0.4");
        assertThat(d.run("ifconfig eth0", 30)).contains("HWaddr 02:00:00:00:00:01");
        pings(d, "10.0.0.1");
        pings(c, "10.0.0.4");
    }

    /** Writes a ring's counts: receiver r, sender s (L:510). */
    private static void counts(RandomAccessFile f, int r, int s, int prod, int cons) throws IOException {
        f.seek(NetDevice.HEADERS + (r * NetDevice.SLOTS + s) * 8L);
        f.write(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(prod).putInt(cons).array());
    }

    /** Writes a frame of the given length word and contents into entry n of ring (r, s). */
    private static void frame(RandomAccessFile f, int r, int s, int n, int len, byte[] body) throws IOException {
        f.seek(NetDevice.FRAMES + ((r * NetDevice.SLOTS + s) * (long) NetDevice.RING + n) * NetDevice.ENTRY);
        f.write(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(len).array());
        f.write(body);
    }

    @Test
    void garbageInTheSharedFileHarmsNobody() throws Exception {
        Path net = tmp.resolve("net");
        GuestProcess a = guest(net, "10.0.0.1", "--stats"), b = guest(net, "10.0.0.2", "--stats");
        pings(a, "10.0.0.2");
        Random r = new Random(12);
        try (RandomAccessFile f = new RandomAccessFile(net.toFile(), "rw")) {
            byte[] junk = new byte[1 << 16];
            for (int round = 0; round < 20; round++) {
                for (int to = 0; to < 2; to++) {
                    // from slots nobody holds: counts a ring apart, lengths no frame has, and
                    // frames of random bytes, some dressed as IPv4 so the stack must parse them
                    counts(f, to, 9, 1000 + round, 0);
                    counts(f, to, 10, round + 1, round);
                    frame(f, to, 10, round % NetDevice.RING, 99999, new byte[8]);
                    counts(f, to, 11, 4 * round + 4, 4 * round);
                    for (int k = 0; k < 4; k++) {
                        byte[] body = new byte[14 + r.nextInt(1500)];
                        r.nextBytes(body);
                        if (k % 2 == 0) { body[12] = 8; body[13] = 0; if (body.length > 14) body[14] = 0x45; }
                        frame(f, to, 11, (4 * round + k) % NetDevice.RING, body.length, body);
                    }
                }
                r.nextBytes(junk);
                f.seek(NetDevice.FRAMES + r.nextInt(1 << 20));
                f.write(junk);
                f.seek(6 * 4 + r.nextInt(60));      // MACs in slots nobody holds
                f.write(junk, 0, 6);
                Thread.sleep(20);
            }
        }
        pings(a, "10.0.0.2");
        pings(b, "10.0.0.1");
        assertThat(a.finish(30)).isZero();
        assertThat(b.finish(30)).isZero();
        for (GuestProcess g : List.of(a, b)) {
            Matcher m = Pattern.compile("(\\d+) rejected from the file").matcher(g.output());
            assertThat(m.find()).as(g.output()).isTrue();
            assertThat(Integer.parseInt(m.group(1))).as("frames rejected").isGreaterThan(0);
        }
    }

    @Test
    void wgetFetchesAMegabyteFromHttpdInTheOtherGuest() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree/www"));
        byte[] big = new byte[1 << 20];
        new Random(7).nextBytes(big);
        Files.write(tree.resolve("big"), big);
        Files.writeString(tree.resolve("index.html"), "<h1>hello from a guest</h1>\n");
        Path image = image(tmp.resolve("tree"), "disk.img");
        String want = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big));

        Path net = tmp.resolve("net");
        GuestProcess a = guest(net, "10.0.0.1", "--block=" + image), b = guest(net, "10.0.0.2");
        a.run("httpd -p 80 -h /www", 30);
        Thread.sleep(500);
        assertThat(b.run("wget -q -O - http://10.0.0.1/index.html", 60)).contains("<h1>hello from a guest</h1>");
        long t0 = System.nanoTime();
        String r = b.run("wget -q -O - http://10.0.0.1/big | sha256sum", 120);
        System.out.printf("wget of 1 MiB guest to guest: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertThat(r).contains(want + "  -");
    }

    /** An ext2 image made with mke2fs -d from tree. */
    private Path image(Path tree, String name) throws Exception {
        String mke2fs = Files.isExecutable(Path.of("/sbin/mke2fs")) ? "/sbin/mke2fs" : "/usr/sbin/mke2fs";
        HostPrerequisite.require(Files.isExecutable(Path.of(mke2fs)), "no mke2fs");
        Path image = tmp.resolve(name);
        Process mk = new ProcessBuilder(mke2fs, "-q", "-t", "ext2", "-b", "1024", "-d", tree.toString(),
                image.toString(), "4096").redirectErrorStream(true).start();
        assertThat(mk.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(mk.exitValue()).as(new String(mk.getInputStream().readAllBytes())).isZero();
        return image;
    }

    /**
     * 1 MiB through UDP.  This busybox's nc has no -u, and the Guest kernel runs only its
     * initrd's program, so udpcat (src/guest/user/udpcat.c) is both guests' initrd: it sets
     * eth0's address, sends or receives a stream with an answer per datagram, and prints the
     * byte count and a hash of what it sent or got.
     */
    @Test
    void aMegabyteOverUdp() throws Exception {
        Path udpcat = rig.kernel.getParent().resolve("user/udpcat.elf");
        assertThat(udpcat).as("make guest builds udpcat").isRegularFile();
        Path net = tmp.resolve("net");
        String bin = Path.of("bin/lguest").toAbsolutePath().toString();
        GuestProcess a = new GuestProcess(List.of(bin, "64m", rig.kernel.toString(), "--initrd=" + udpcat,
                "--sharenet=" + net, "quiet", "--", "udpcat", "10.0.0.1", "-l", "6000"));
        guests.add(a);
        Thread.sleep(1000);
        long t0 = System.nanoTime();
        GuestProcess b = new GuestProcess(List.of(bin, "64m", rig.kernel.toString(), "--initrd=" + udpcat,
                "--sharenet=" + net, "quiet", "--", "udpcat", "10.0.0.2", "-s", "1048576", "10.0.0.1", "6000"));
        guests.add(b);
        assertThat(b.finish(60)).as(b.output()).isZero();
        assertThat(a.finish(60)).as(a.output()).isZero();
        System.out.printf("1 MiB guest to guest over UDP: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        Matcher sent = Pattern.compile("sent (\\d+) ([0-9a-f]{16})").matcher(b.output());
        Matcher got = Pattern.compile("received (\\d+) ([0-9a-f]{16})").matcher(a.output());
        assertThat(sent.find()).as(b.output()).isTrue();
        assertThat(got.find()).as(a.output()).isTrue();
        assertThat(sent.group(1)).isEqualTo("1048576");
        assertThat(got.group(1) + " " + got.group(2)).isEqualTo(sent.group(1) + " " + sent.group(2));
    }

    /**
     * Two guests under one Host (one JVM), as 2.6.23's design had them: the Host copies each
     * frame straight from one guest into the other (H:640), and the file's rings are never
     * used.  A ping, and 1 MiB through TCP.
     */
    @Test
    void twoGuestsUnderOneHostTalkThroughTheHost() throws Exception {
        Path net = tmp.resolve("net");
        lguest.host.Host host = new lguest.host.Host();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.io.ByteArrayOutputStream outA = new java.io.ByteArrayOutputStream();
            java.util.function.BiFunction<String, String, java.util.concurrent.Future<String>> start = (ip, script) ->
                    pool.submit(() -> {
                        java.io.ByteArrayOutputStream out = ip.equals("10.0.0.1") ? outA : new java.io.ByteArrayOutputStream();
                        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
                        int status = Launcher.run(host, new String[] {"64m", rig.kernel.toString(), "--initrd=" + rig.busybox,
                                "--sharenet=" + net, "--stats", "quiet", "--", "sh"},
                                new java.io.ByteArrayInputStream(("ifconfig eth0 " + ip + " netmask 255.255.255.0 up\n" + script)
                                        .getBytes(StandardCharsets.ISO_8859_1)),
                                out, new java.io.PrintStream(err, true, StandardCharsets.ISO_8859_1));
                        return status + "\n" + out.toString(StandardCharsets.ISO_8859_1) + err.toString(StandardCharsets.ISO_8859_1);
                    });
            String data = "yes 0123456789abcdef0123456789abcde | head -c 1048576";
            /* a stays up a while after its nc: if it powered off at once, b's last segments of
             * the connection's close would find no binding on the Host and go to the file */
            java.util.concurrent.Future<String> a = start.apply("10.0.0.1", "echo up\nnc -l -p 5000 -e sha256sum\nsleep 2\n");
            // b's first frame must find a's device already on the Host's net, or it goes to the
            // file (a fixed second was too short on a loaded machine): wait for a's "up".
            for (int i = 0; i < 600 && !outA.toString(StandardCharsets.ISO_8859_1).contains("up"); i++) Thread.sleep(100);
            Thread.sleep(300);
            java.util.concurrent.Future<String> b = start.apply("10.0.0.2", "ping -c 3 10.0.0.1\n"
                    + data + " | nc 10.0.0.1 5000\n" + data + " | sha256sum\n");
            String rb = b.get(120, TimeUnit.SECONDS), ra = a.get(120, TimeUnit.SECONDS);
            assertThat(rb).startsWith("0\n").contains("3 packets transmitted, 3 packets received");
            assertThat(ra).startsWith("0\n");
            Matcher m = Pattern.compile("([0-9a-f]{64})  -\n(?s).*?([0-9a-f]{64})  -").matcher(rb);
            assertThat(m.find()).as("two hashes in:\n" + rb).isTrue();
            assertThat(m.group(1)).as("what the other guest hashed of 1 MiB over TCP").isEqualTo(m.group(2));
            for (String r : List.of(ra, rb))
                assertThat(r).as("the Host carried every frame").containsPattern("net slot \\d: 0 frames out, 0 in");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A receiver that takes nothing (its guest is stuck, or it died without leaving): its ring
     * fills, and from then on every send to it is dropped at once (0 in used_len), never waited
     * for, while the other slots' rings stay usable.
     */
    @Test
    void aFullRingDropsFramesAndNeverBlocksTheSender() throws Exception {
        Path net = tmp.resolve("net");
        Launcher l = new Launcher(new java.io.PrintStream(new java.io.ByteArrayOutputStream()));
        NetDevice sender = new NetDevice(net), deaf = new NetDevice(net), other = new NetDevice(net);
        try {
            assertThat(sender.handleOutput(l, 4 * deaf.slot, List.of(new int[] {0x1000, 100})))
                    .as("a slot whose Launcher has not started listening takes nothing (L:515)").isZero();
            deaf.listen();      // listening, but nobody takes its frames
            other.listen();
            sender.page = 0x10000;
            l.mem.addRegion(0, 0x10000);
            byte[] frame = new byte[100];
            java.util.Arrays.fill(frame, (byte) 0xFF);
            l.mem.write(0x1000, frame, 0, frame.length);
            List<int[]> sections = List.of(new int[] {0x1000, frame.length});
            long t0 = System.nanoTime();
            int delivered = 0, dropped = 0;
            for (int i = 0; i < 3 * NetDevice.RING; i++) {
                if (sender.handleOutput(l, sender.page + 4 * deaf.slot, sections) == frame.length) delivered++;
                else dropped++;
            }
            assertThat(delivered).isEqualTo(NetDevice.RING);
            assertThat(dropped).isEqualTo(2 * NetDevice.RING);
            assertThat(sender.handleOutput(l, sender.page + 4 * other.slot, sections)).isEqualTo(frame.length);
            assertThat((System.nanoTime() - t0) / 1_000_000).as("ms for %d sends", 3 * NetDevice.RING + 1).isLessThan(5000);
        } finally {
            sender.close();
            deaf.close();
            other.close();
        }
    }
}
