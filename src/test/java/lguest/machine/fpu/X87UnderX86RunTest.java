package lguest.machine.fpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import lguest.HostPrerequisite;

/**
 * The second check: a C program doing float, double and long double arithmetic the way
 * gcc compiles it for the x87 (src/test/fpu/x87print.c) prints the same bytes on the
 * host CPU and on the emulated i686 under bin/x86run.
 */
class X87UnderX86RunTest {

    /* On both back ends of the emulator: the interpreter, and every block translated. */
    @ParameterizedTest(name = "x86run {0}")
    @ValueSource(strings = {"--interpret", "--translate=0"})
    void aFloatingPointProgramPrintsTheSameOnTheEmulatorAsOnTheHost(String backEnd) throws Exception {
        Path src = HostOracle.root().resolve("src/test/fpu/x87print.c");
        Path exe = HostOracle.outputDir().resolve("x87print");
        HostOracle.Result cc = HostOracle.run(List.of("gcc", "-m32", "-O1", "-mfpmath=387", "-mno-sse",
                "-fno-math-errno", "-ffreestanding", "-nostdlib", "-static", "-fno-pic", "-fno-stack-protector",
                "-o", exe.toString(), src.toString()));
        HostPrerequisite.require(cc.exit() == 0, "the host cannot build 32-bit x86 programs: " + cc.stderr());
        HostOracle.Result host = HostOracle.run(List.of(exe.toString()));
        HostPrerequisite.require(host.exit() == 0, "the host cannot run 32-bit x86 programs: " + host.stderr());

        Path x86run = HostOracle.root().resolve("bin/x86run");
        assertThat(x86run).as("bin/x86run, the emulator's command-line runner").exists();
        // run the emulator from the classes this test was compiled against
        Path classes = Path.of(X87.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ProcessBuilder pb = new ProcessBuilder(x86run.toString(), backEnd, exe.toString());
        pb.environment().put("LGUEST_CLASSES", classes.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] err = new byte[0];
        byte[] out = p.getInputStream().readAllBytes();
        err = p.getErrorStream().readAllBytes();
        int exit = p.waitFor();
        String emulated = new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.writeString(HostOracle.outputDir().resolve("x87print-host.txt"), host.stdout());
        Files.writeString(HostOracle.outputDir().resolve("x87print-emulated.txt"), emulated);

        assertThat(host.stdout()).contains(" status ");                    // it ran to its last line
        assertThat(exit).as("x86run exit status; stderr: " + new String(err)).isZero();
        assertThat(HostOracle.lines(emulated)).containsExactlyElementsOf(HostOracle.lines(host.stdout()));
    }
}
