package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import lguest.launcher.BusyboxRig.Result;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Busybox with every block translated the first time it runs (--translate=0): the
 * emitter's bytecode (X:615) and the links between translations (X:620) carry the
 * whole Guest, its kernel and a thousand different blocks of busybox, and the bound
 * on live translations (X:622) evicts as it goes. Each workload must print what it
 * prints natively, and under the interpreter (--interpret) too.
 */
class TranslatedBusyboxTest {
    private static BusyboxRig rig;

    @BeforeAll
    static void find() {
        rig = BusyboxRig.find();
    }

    private static void same(String... args) throws Exception {
        Result n = BusyboxRig.run(rig.nativeCommand(args), null, null);
        for (String backEnd : new String[] {"--translate=0", "--interpret"}) {
            Result g = BusyboxRig.run(rig.guestCommand(List.of(backEnd), args), null, null);
            assertThat(g.output()).as(backEnd + ": output of " + String.join(" ", args)).isEqualTo(n.output());
            assertThat(g.status()).as(backEnd + ": exit status of " + String.join(" ", args)).isEqualTo(n.status());
        }
    }

    @Test
    void aShellLoopWithArithmeticPipesAndSubshells() throws Exception {
        same("sh", "-c", "i=0; s=0; while [ $i -lt 400 ]; do s=$(( (s * 31 + i) % 1000003 )); i=$((i + 1)); done;"
                + " echo $s; echo $s | sed 's/0/zero/g' | tr a-z A-Z; (exit 7); echo status $?");
    }

    @Test
    void awkWithFloatingPointAndStrings() throws Exception {
        same("awk", "BEGIN { for (i = 1; i <= 3000; i++) { s += 1 / i; t = t substr(\"abcdef\", i % 6 + 1, 1) }"
                + " printf \"%.10f %d %s\\n\", s, length(t), substr(t, 100, 20) }");
    }

    @Test
    void factorSortAndDigests() throws Exception {
        same("sh", "-c", "factor 600851475143 9999999967 1234567890123;"
                + " seq 1 2000 | sort -r | head -3; seq 1 5000 | md5sum; seq 1 5000 | sha256sum");
    }
}
