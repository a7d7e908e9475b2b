package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import lguest.host.Host;
import lguest.host.TestGuests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets one clear line and a non-zero exit, never a stack trace. */
class LauncherTest {
    @TempDir
    Path tmp;

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Launcher.run(new Host(), args, InputStream.nullInputStream(), out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(status), err.toString(StandardCharsets.UTF_8)};
    }

    private static void assertOneLineError(String[] r, String expected) {
        assertThat(Integer.parseInt(r[0])).isNotZero();
        assertThat(r[1]).startsWith("lguest: ").contains(expected);
        assertThat(r[1]).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r[1].lines()).as("one line, not a usage dump").hasSize(1);
    }

    @Test
    void missingArguments() {
        assertOneLineError(run(), "usage: lguest MEM KERNEL");
        assertOneLineError(run("64m"), "usage");
    }

    @Test
    void missingKernel() {
        String[] r = run("4m", tmp.resolve("nope").toString());
        assertOneLineError(r, "cannot read kernel");
        assertThat(r[1].lines()).hasSize(1);
    }

    @Test
    void notAnElf() throws Exception {
        Path f = tmp.resolve("text");
        Files.writeString(f, "this is not a kernel, it is a poem about kernels\n");
        String[] r = run("4m", f.toString());
        assertOneLineError(r, "is not an ELF file");
        assertThat(r[1].lines()).hasSize(1);
    }

    @Test
    void anElfWithoutTheMagicString() throws Exception {
        Path elf = TestGuests.build("hello");
        byte[] b = Files.readAllBytes(elf);
        byte[] magic = "GenuineLguest".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + magic.length <= b.length; i++) {
            if (new String(b, i, magic.length, StandardCharsets.US_ASCII).equals("GenuineLguest")) b[i] = 'X';
        }
        Path f = tmp.resolve("nomagic");
        Files.write(f, b);
        String[] r = run("4m", f.toString());
        assertOneLineError(r, "Is this image a genuine lguest?");
        assertThat(r[1].lines()).hasSize(1);
    }

    @Test
    void memoryTooSmallTooLargeOrNonsense() {
        String k = TestGuests.build("hello").toString();
        assertOneLineError(run("1m", k), "too small");
        assertOneLineError(run("5000m", k), "too large");
        assertOneLineError(run("lots", k), "bad memory size");
    }

    @Test
    void unknownOptionAndMissingBlockFile() {
        String k = TestGuests.build("hello").toString();
        assertOneLineError(run("--frobnicate", "4m", k), "unknown option --frobnicate");
        String[] r = run("4m", k, "--block=" + tmp.resolve("absent.img"));
        assertOneLineError(r, "cannot open block file");
        assertThat(r[1].lines()).hasSize(1);
    }

    @Test
    void exitStatusFromThePowerDownMessage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Launcher l = newLauncher(err);
        assertThat(l.exitStatus("CRASH: Power down")).isZero();
        assertThat(l.exitStatus("CRASH: Power down 7")).isEqualTo(7);
        assertThat(err.size()).isZero();
        assertThat(l.exitStatus("CRASH: Kernel panic")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("lguest: guest died: CRASH: Kernel panic\n");
    }

    private static Launcher newLauncher(ByteArrayOutputStream err) {
        return new Launcher(new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
