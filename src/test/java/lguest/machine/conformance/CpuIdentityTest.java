package lguest.machine.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the emulated CPU says about itself (CPUID), and what it does with F3 0F BC on a zero
 * source. These differ from the host by design, so they are checked on the emulator alone.
 */
class CpuIdentityTest {

    /* CPUID is the one instruction whose answers are supposed to differ: the host is
     * whatever Xeon the tests run on, and ours is an i686 that promises only what it
     * implements. glibc believes CPUID: if leaf 1 claimed SSE2, busybox's memcpy and strlen
     * would take their SSE2 paths (the "coreduo-only" routines its objdump shows), and the
     * first MOVDQA would be an invalid opcode. So the test reads the emulator's leaf 1 and
     * insists that MMX, SSE and everything after them are absent. */
    @Test
    void cpuidLeafOneAdvertisesNoMmxOrSse() throws Exception {
        Path prog = ConformanceBuild.program("cpuid", List.of(), "probes/cpuid.c");
        ConformanceBuild.Run host = TwoMachines.onHost(prog);
        System.out.println("host CPUID (for information, not compared):\n" + host.stdout());
        ConformanceBuild.Run emul = TwoMachines.onEmulator(prog);
        assertThat(emul.status()).as("x86run status; stderr: %s", emul.stderr()).isZero();
        System.out.println("emulated CPUID:\n" + emul.stdout());
        Map<String, Long> f = fields(emul.stdout());
        assertThat(f).containsKeys("leaf0.eax", "leaf1.edx", "leaf1.ecx");
        long edx = f.get("leaf1.edx"), ecx = f.get("leaf1.ecx");
        assertThat(edx & 1).as("FPU").isEqualTo(1);
        assertThat(edx >> 15 & 1).as("CMOV").isEqualTo(1);
        assertThat(edx >> 23 & 1).as("MMX").isZero();
        assertThat(edx >> 25 & 1).as("SSE").isZero();
        assertThat(edx >> 26 & 1).as("SSE2").isZero();
        assertThat(ecx & (1 | 1 << 9 | 1 << 19 | 1 << 20 | 1 << 28)).as("SSE3/SSSE3/SSE4.1/SSE4.2/AVX").isZero();
        if (f.containsKey("leaf7.ebx"))
            assertThat(f.get("leaf7.ebx") & (1 << 3 | 1 << 8)).as("BMI1/BMI2").isZero();
    }

    @Test
    void repBsfIsBsfOnTheEmulatorWhateverTheHostDoes() throws Exception {
        Path prog = ConformanceBuild.program("tzcnt", List.of(), "probes/tzcnt.S", "probes/tzcnt_report.c");
        ConformanceBuild.Run host = TwoMachines.onHost(prog);
        boolean hostTzcnt = host.stdout().contains("zero source: dest=00000020") && host.stdout().contains("CF=1");
        System.out.println("host F3 0F BC behaves as " + (hostTzcnt ? "TZCNT (the host has BMI1)" : "BSF")
                + ":\n" + host.stdout());
        ConformanceBuild.Run emul = TwoMachines.onEmulator(prog);
        assertThat(emul.status()).as("x86run status; stderr: %s", emul.stderr()).isZero();
        // BSF with a zero source sets ZF (its destination is undefined and not checked);
        // with source 8 it finds bit 3 and clears ZF.
        assertThat(emul.stdout()).contains("zero source: dest=").contains(" ZF=1 ");
        assertThat(emul.stdout()).contains("source 8: dest=00000003 ZF=0");
    }

    private static Map<String, Long> fields(String text) {
        Map<String, Long> m = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0)
                m.put(line.substring(0, eq).strip(), Long.parseLong(line.substring(eq + 1).strip(), 16));
        }
        return m;
    }
}
