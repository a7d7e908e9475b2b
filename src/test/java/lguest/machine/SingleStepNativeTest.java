package lguest.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lguest.HostPrerequisite;
import lguest.tools.X86Run;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * src/test/x86/singlestep.c sets EFLAGS.TF with POPF and lets the trap come. The host CPU
 * reports where through a SIGTRAP handler; x86run, which has no signals, names the EIP of
 * the #DB that ends the program. Both must name the same instruction, and the one the
 * program labelled as expected.
 */
class SingleStepNativeTest {
    @TempDir static Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"", "-DMOVSS"})
    void theHostAndTheEmulatorTrapAtTheSameInstruction(String define) throws Exception {
        Path src = DifferentialProgramsTest.source("singlestep"), bin = dir.resolve("ss" + define), nat = dir.resolve("ss" + define + ".out");
        assumeTrue(Files.exists(src), "no source " + src);
        List<String> gcc = new ArrayList<>(List.of("gcc", "-m32", "-march=i686", "-mno-sse", "-ffreestanding", "-nostdlib",
                "-static", "-fno-pic", "-fno-builtin", "-O2", "-o", bin.toString(), src.toString()));
        if (!define.isEmpty()) gcc.add(define);
        HostPrerequisite.require(DifferentialProgramsTest.exec(gcc, null) == 0, "gcc -m32 is not available");
        int status = DifferentialProgramsTest.exec(List.of(bin.toString()), nat);
        HostPrerequisite.require(status == 0, "this host cannot run i386 programs");
        String[] lines = Files.readString(nat).split("\n");
        String expected = lines[0].strip(), hostEip = lines[1].strip();
        assertThat(hostEip).as("the host CPU traps at the labelled instruction").isEqualTo(expected);

        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int emulated = X86Run.main(new String[] {bin.toString()}, new PrintStream(out, true), new PrintStream(err, true));
        assertThat(emulated).as("killed by SIGTRAP").isEqualTo(128 + 5);
        Matcher m = Pattern.compile("killed by #DB \\(vector 1\\) at EIP 0x([0-9a-f]{8})").matcher(err.toString());
        assertThat(m.find()).as(err.toString()).isTrue();
        assertThat(m.group(1)).isEqualTo(hostEip);
    }
}
