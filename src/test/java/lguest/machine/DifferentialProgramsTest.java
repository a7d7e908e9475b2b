package lguest.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lguest.tools.X86Run;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import lguest.HostPrerequisite;

/**
 * The programs in src/test/x86 print the results and the defined flags of every ALU op,
 * shift, rotate, string instruction, condition code and x87 path they exercise. Built with
 * the host's gcc, each runs natively and under x86run; the two outputs must be identical.
 * (Skipped where there is no gcc or the host cannot run i386 code.)
 */
class DifferentialProgramsTest {
    @TempDir static Path dir;

    static Path source(String name) {
        return Path.of(System.getProperty("lguest.root", "."), "src/test/x86", name + ".c");
    }

    static int exec(List<String> cmd, Path out) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(out == null);
        if (out != null) pb.redirectOutput(out.toFile()); else pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) { p.destroyForcibly(); return -1; }
        return p.exitValue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"alu", "mix", "x87"})
    void sameOutputNativelyAndEmulated(String name) throws Exception {
        Path src = source(name), bin = dir.resolve(name), nat = dir.resolve(name + ".native");
        assumeTrue(Files.exists(src), "no source " + src);
        int built = exec(List.of("gcc", "-m32", "-march=i686", "-mno-sse", "-ffreestanding", "-nostdlib", "-static",
                "-fno-pic", "-fno-builtin", "-O2", "-o", bin.toString(), src.toString()), null);
        HostPrerequisite.require(built == 0, "gcc -m32 is not available");
        int status = exec(List.of(bin.toString()), nat);
        HostPrerequisite.require(status == 0, "this host cannot run i386 programs");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int emulated = X86Run.main(new String[] {bin.toString()}, new PrintStream(out, true), new PrintStream(err, true));
        assertThat(err.toString()).isEmpty();
        assertThat(emulated).isEqualTo(0);
        assertThat(out.toString()).isEqualTo(Files.readString(nat));
    }
}
