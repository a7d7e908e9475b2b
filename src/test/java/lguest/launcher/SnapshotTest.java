package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lguest.HostPrerequisite;
import lguest.host.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 3 of issue 13: a busybox shell saved mid-way with SIGUSR1 and restored in a new
 * process goes on (a file written before, a variable set before), the disk stays clean; and
 * a snapshot that is not one, of another version, damaged, or whose disk has changed, is
 * refused in one line.
 */
class SnapshotTest {
    @TempDir
    Path tmp;

    private static String tool(String name) {
        for (String dir : List.of("/sbin", "/usr/sbin", "/bin", "/usr/bin"))
            if (Files.isExecutable(Path.of(dir, name))) return dir + "/" + name;
        return null;
    }

    @Test
    void aShellSavedMidwayGoesOnInANewProcess() throws Exception {
        BusyboxRig rig = BusyboxRig.find();
        HostPrerequisite.require(tool("mke2fs") != null && tool("e2fsck") != null, "no e2fsprogs");
        Path tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve("tmp"));
        Path disk = tmp.resolve("disk.img"), snap = tmp.resolve("guest.snap");
        run(List.of(tool("mke2fs"), "-q", "-t", "ext2", "-d", tree.toString(), "-F", disk.toString(), "4096"));

        // The first process: a shell writes a file and sets a variable, then is saved.
        Process a = start(rig.guestCommand(List.of("--block=" + disk, "--save=" + snap), "sh"));
        String out = talkThenSave(a, "echo written-before-the-save > /tmp/f; X=forty-two; echo t0 $(date +%s); echo ready\n",
                snap, "-USR1");
        long t0 = number(out, "t0 ");

        // The second: the same shell, the same variable, the same file; it writes, and is
        // saved again, this time by the SIGTERM of a host that powers off (--save-at-exit).
        Path again = tmp.resolve("again.snap");
        Process b = start(List.of(Path.of("bin/lguest").toAbsolutePath().toString(), "--restore=" + snap,
                "--save=" + again, "--save-at-exit"));
        String after = talkThenSave(b, "read line < /tmp/f; echo \"got $line\"; echo \"X is $X\"; "
                + "echo t1 $(date +%s); echo written-after > /tmp/g; echo ready\n", again, "-TERM");
        assertThat(after).contains("got written-before-the-save").contains("X is forty-two");
        assertThat(number(after, "t1 ")).as("the Guest's clock after the restore").isGreaterThanOrEqualTo(t0);

        // A snapshot whose registers would have the Switcher IRET into ring 0 (LGUEST_CS) is refused.
        Path evil = tmp.resolve("evil.snap");
        Files.write(evil, withCs(Files.readAllBytes(again), lguest.host.Abi.LGUEST_CS));
        assertThat(restoreError(evil)).startsWith("lguest: " + evil + " is damaged (its registers are not a Guest's (cs 0x50");

        // The third, from the second snapshot with the Guest's last-seen time a day ahead of
        // this machine's clock: its clock must not go back.
        long ahead = System.currentTimeMillis() / 1000 + 86400;
        Path forged = tmp.resolve("ahead.snap");
        Files.write(forged, withGuestTime(Files.readAllBytes(again), rig.kernel, ahead));
        Process c = start(List.of(Path.of("bin/lguest").toAbsolutePath().toString(), "--restore=" + forged));
        try (OutputStream in = c.getOutputStream()) {
            in.write("read l < /tmp/g; echo \"g is $l\"; echo t2 $(date +%s); exit 7\n".getBytes(StandardCharsets.UTF_8));
        }
        String last = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(c.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(last).contains("g is written-after");
        assertThat(number(last, "t2 ")).as(last).isGreaterThanOrEqualTo(ahead);
        assertThat(c.exitValue()).as(last).isEqualTo(7);
        String fsck = run(List.of(tool("e2fsck"), "-fn", disk.toString()));
        assertThat(fsck).startsWith("status 0");

        // The disk has moved on since: the snapshot no longer fits it.
        assertThat(restoreError(snap)).isEqualTo("lguest: the disk " + disk.toAbsolutePath()
                + " has changed since the snapshot was saved");
        // Not a snapshot, another version, a damaged one: one line each.
        Path other = tmp.resolve("other.snap");
        Files.writeString(other, "hello\n");
        assertThat(restoreError(other)).isEqualTo("lguest: " + other + " is not an lguest snapshot");
        byte[] bytes = Files.readAllBytes(snap);
        bytes[Snapshot.MAGIC.length + 3] = (byte) (Snapshot.VERSION + 1);
        Files.write(other, bytes);
        assertThat(restoreError(other)).isEqualTo("lguest: " + other + " is a version " + (Snapshot.VERSION + 1)
                + " snapshot; this Launcher reads version " + Snapshot.VERSION);
        bytes = Files.readAllBytes(snap);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(other, bytes);
        assertThat(restoreError(other)).isEqualTo("lguest: " + other + " is damaged (its checksum does not match)");
        Files.write(other, java.util.Arrays.copyOf(Files.readAllBytes(snap), bytes.length / 2));
        assertThat(restoreError(other)).startsWith("lguest: " + other + " is damaged");
    }

    /** Starts a Launcher that is killed after two minutes, so a hung Guest fails the test instead of hanging it. */
    private static Process start(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Thread watchdog = new Thread(() -> {
            try {
                if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        return p;
    }

    /** Gives the shell its line, waits for "ready", sends the signal: the Launcher saves and ends. */
    private static String talkThenSave(Process p, String line, Path snap, String signal) throws Exception {
        OutputStream toShell = p.getOutputStream();
        toShell.write(line.getBytes(StandardCharsets.UTF_8));
        toShell.flush();
        String out = readUntil(p.getInputStream(), "ready\n");
        new ProcessBuilder("kill", signal, Long.toString(p.pid())).start().waitFor();
        out += new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("lguest: saved the guest to " + snap);
        toShell.close();
        return out;
    }

    private static long number(String out, String after) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(after + "(\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** The snapshot with lguest_data.time (M:670's layout) set to the given second. */
    private static byte[] withGuestTime(byte[] file, Path kernel, long seconds) throws Exception {
        String nm = run(List.of("nm", kernel.toString()));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^([0-9a-f]{8}) \\w lguest_data$").matcher(nm);
        assertThat(m.find()).as("lguest_data in the kernel's symbols").isTrue();
        int ldPhys = (int) (Long.parseLong(m.group(1), 16) - 0xC0000000L);
        return rewritten(file, (body, memory) -> java.nio.ByteBuffer.wrap(body, memory + ldPhys + lguest.host.Abi.LD_TIME, 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) seconds).putInt(0));
    }

    /** The snapshot with the saved CS (in the register page, S:030: offset 56) set to this selector. */
    private static byte[] withCs(byte[] file, int cs) throws Exception {
        return rewritten(file, (body, memory) -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(body);
            int top = b.getInt(4);
            int input = b.getInt(memory + top);
            b.order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(memory + top + 4 + input + 56, cs);
        });
    }

    /** A snapshot's body changed by edit(body, where the memory starts), packed again with a right sum. */
    private static byte[] rewritten(byte[] file, java.util.function.ObjIntConsumer<byte[]> edit) throws Exception {
        int head = Snapshot.MAGIC.length + 4;
        byte[] body = new java.util.zip.InflaterInputStream(
                new java.io.ByteArrayInputStream(file, head, file.length - head - 4)).readAllBytes();
        java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(body));
        in.skipBytes(20);
        int devices = in.readInt();
        for (int i = 0; i < devices; i++) {
            in.readInt();
            in.readUTF();
            in.readLong();
            assertThat(in.readBoolean()).as("no overlay in this test").isFalse();
            in.skipBytes(32);
        }
        edit.accept(body, body.length - in.available());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(file, 0, head);
        try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(out, true)) {
            z.write(body);
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(out.toByteArray());
        new java.io.DataOutputStream(out).writeInt((int) crc.getValue());
        return out.toByteArray();
    }

    @Test
    void aSaveThatFailsLeavesTheGuestRunning() throws Exception {
        BusyboxRig rig = BusyboxRig.find();
        Path nowhere = tmp.resolve("no-such-dir/guest.snap");
        Process p = start(rig.guestCommand(List.of("--save=" + nowhere), "sh"));
        OutputStream toShell = p.getOutputStream();
        toShell.write("Y=still; echo ready\n".getBytes(StandardCharsets.UTF_8));
        toShell.flush();
        String out = readUntil(p.getInputStream(), "ready\n");
        new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start().waitFor();
        out += readUntil(p.getInputStream(), "it runs on");
        toShell.write("echo \"Y is $Y\"; exit 3\n".getBytes(StandardCharsets.UTF_8));
        toShell.close();
        out += new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("lguest: cannot save the guest to " + nowhere).contains("Y is still");
        assertThat(p.exitValue()).as(out).isEqualTo(3);
        assertThat(nowhere.getParent()).doesNotExist();
    }

    /** What a restore of this file says on stderr (exactly one line, status 1). */
    private static String restoreError(Path snap) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Launcher.run(new Host(), new String[] {"--restore=" + snap}, InputStream.nullInputStream(),
                new ByteArrayOutputStream(), new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(status).as(e).isEqualTo(1);
        assertThat(e.lines().count()).as(e).isEqualTo(1);
        return e.strip();
    }

    private static String readUntil(InputStream in, String marker) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while (b.indexOf(marker) < 0 && (c = in.read()) >= 0) b.append((char) c);
        assertThat(b.toString()).contains(marker);
        return b.toString();
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return "status " + p.exitValue() + "\n" + out;
    }
}
