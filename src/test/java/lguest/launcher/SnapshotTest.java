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
        List<String> first = rig.guestCommand(List.of("--block=" + disk, "--save=" + snap), "sh");
        Process a = new ProcessBuilder(first).redirectErrorStream(true).start();
        OutputStream toShell = a.getOutputStream();
        toShell.write("echo written-before-the-save > /tmp/f; X=forty-two; echo ready $X\n".getBytes(StandardCharsets.UTF_8));
        toShell.flush();
        String out = readUntil(a.getInputStream(), "ready forty-two");
        new ProcessBuilder("kill", "-USR1", Long.toString(a.pid())).start().waitFor();
        out += new String(a.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(a.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(a.exitValue()).as(out).isZero();
        assertThat(out).contains("lguest: saved the guest to " + snap);
        toShell.close();

        // The second: the same shell, the same variable, the same file.
        Process b = new ProcessBuilder(Path.of("bin/lguest").toAbsolutePath().toString(), "--restore=" + snap)
                .redirectErrorStream(true).start();
        try (OutputStream in = b.getOutputStream()) {
            in.write(("read line < /tmp/f; echo \"got $line\"; echo \"X is $X\"; echo later > /tmp/g; exit 7\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        String after = new String(b.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(b.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(after).contains("got written-before-the-save").contains("X is forty-two");
        assertThat(b.exitValue()).as(after).isEqualTo(7);
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
        bytes[Snapshot.MAGIC.length + 3] = 2;
        Files.write(other, bytes);
        assertThat(restoreError(other)).isEqualTo("lguest: " + other
                + " is a version 2 snapshot; this Launcher reads version 1");
        bytes = Files.readAllBytes(snap);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(other, bytes);
        assertThat(restoreError(other)).isEqualTo("lguest: " + other + " is damaged (its checksum does not match)");
        Files.write(other, java.util.Arrays.copyOf(Files.readAllBytes(snap), bytes.length / 2));
        assertThat(restoreError(other)).startsWith("lguest: " + other + " is damaged");
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
