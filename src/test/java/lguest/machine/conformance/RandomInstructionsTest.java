package lguest.machine.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Random cases over every integer instruction form busybox uses, run on the host CPU and
 * on the emulated one; the defined results must agree case for case.
 */
class RandomInstructionsTest {

    /* The program prints one line per form: the number of cases and a hash of every
     * defined output of every case (registers, flags under the form's mask, the compared
     * memory window, whether a branch was taken). That keeps a run of a hundred thousand
     * cases to under a thousand lines. When a hash differs, the test runs that one form
     * again on both machines with -v, which prints every case in full, and shows the first
     * case where the two part ways: its inputs, and the host's and the emulator's outputs
     * one above the other with carets under the differing digits. */
    private static final int MIN_FORMS = 300;
    private static final long MIN_CASES = 200_000;
    private static final int MAX_REPORTED_FORMS = 12;

    /* Each run draws other cases: the seed is new every time unless -Dseed= names one,
     * and it is printed, so that a failure seen once can be run again case for case. */
    private static final long SEED = Long.getLong("seed", (System.nanoTime() ^ System.currentTimeMillis()) & 0x7FFFFFFF);
    private static final int CASES_PER_FORM = 224;

    /** The program's arguments for this run's seed and case count, then any others. */
    static String[] args(String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("-n", Integer.toString(CASES_PER_FORM), "-s", Long.toString(SEED)));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    static void announceSeed() {
        System.out.println("random conformance seed " + SEED + " (-Dseed=" + SEED + " runs these cases again)");
    }

    @Test
    void theHostRunCoversEnoughFormsAndIsDeterministic() throws Exception {
        Path prog = ConformanceBuild.randomProgram();
        announceSeed();
        ConformanceBuild.Run first = TwoMachines.onHost(prog, args());
        assertThat(first.status()).as("host run status; stderr: %s", first.stderr()).isZero();
        FormSummary s = FormSummary.parse(first.stdout());

        StringBuilder list = new StringBuilder("Instruction forms covered by the random conformance program:\n");
        for (FormSummary.Form f : s.forms.values())
            list.append(String.format("  %4d  %-60s %6d cases%n", f.index(), f.name(), f.cases()));
        list.append(String.format("Total: %d forms, %d cases%n", s.totalForms, s.totalCases));
        System.out.print(list);

        assertThat(s.forms).hasSize(s.totalForms);
        assertThat(s.totalForms).isGreaterThanOrEqualTo(MIN_FORMS);
        assertThat(s.totalCases).isGreaterThanOrEqualTo(MIN_CASES);
        // Two host runs must agree to the byte: a case that depends on anything but its
        // seeded inputs (an uninitialised byte, a stack address) would otherwise show up
        // as an emulator bug.
        ConformanceBuild.Run second = TwoMachines.onHost(prog, args());
        assertThat(second.stdout()).isEqualTo(first.stdout());
    }

    @Test
    void theEmulatedCpuAgreesWithTheHostCpu() throws Exception {
        Path prog = ConformanceBuild.randomProgram();
        announceSeed();
        ConformanceBuild.Run host = TwoMachines.onHost(prog, args());
        assertThat(host.status()).as("host run status; stderr: %s", host.stderr()).isZero();
        ConformanceBuild.Run emul = TwoMachines.onEmulator(prog, args());
        String report = compare(prog, host, emul, false);
        FormSummary s = FormSummary.parse(host.stdout());
        System.out.printf("Random conformance: %d forms, %d cases compared with bin/x86run%n", s.totalForms, s.totalCases);
        if (!emul.stderr().isBlank())
            System.out.println("x86run stderr: " + ConformanceBuild.tail(emul.stderr().strip(), 2000));
        assertThat(report).as("emulated vs host").isNull();
    }

    /* A comparison that never fails proves nothing, so the harness is tested too: the
     * program can plant a one-bit error in one case of one form (-x), and the same
     * comparison that judges the emulator must find exactly that form and that case. */
    @Test
    void aPlantedErrorIsFoundAndShownAsTheFirstDifferingCase() throws Exception {
        Path prog = ConformanceBuild.randomProgram();
        ConformanceBuild.Run clean = TwoMachines.onHost(prog, args());
        ConformanceBuild.Run planted = TwoMachines.onHost(prog, args("-x", "0"));
        String report = compare(prog, clean, planted, true);
        String form0 = FormSummary.parse(clean.stdout()).forms.get(0).name();
        System.out.println("What a mismatch report looks like (a planted error, host against host):\n" + report);
        assertThat(report)
                .isNotNull()
                .contains("1 of ")
                .contains(form0 + " #5 ")
                .contains("host:", "emul:", "^");
    }

    /**
     * Null when the two runs agree; otherwise a report naming the differing forms and, for
     * the first few, the first differing case. With {@code plantedOnHost} the second run
     * is a host run with the planted error instead of an emulator run.
     */
    private static String compare(Path prog, ConformanceBuild.Run host, ConformanceBuild.Run other, boolean plantedOnHost)
            throws Exception {
        if (host.stdout().equals(other.stdout()) && host.status() == other.status())
            return null;
        FormSummary h = FormSummary.parse(host.stdout()), o = FormSummary.parse(other.stdout());
        List<Integer> bad = FormSummary.differingForms(h, o);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%d of %d forms differ (status host %d, emulated %d)%n",
                bad.size(), h.forms.size(), host.status(), other.status()));
        if (!other.stderr().isBlank())
            sb.append("stderr of the second run:\n").append(ConformanceBuild.tail(other.stderr(), 1500)).append('\n');
        for (int i = 0; i < bad.size(); i++) {
            int idx = bad.get(i);
            FormSummary.Form f = h.forms.get(idx);
            if (i >= 3 * MAX_REPORTED_FORMS) {
                sb.append(String.format("... and %d more forms%n", bad.size() - i));
                break;
            }
            sb.append(String.format("--- form %d: %s%n", idx, f.name()));
            if (i >= MAX_REPORTED_FORMS)
                continue;
            String n = Integer.toString(idx);
            ConformanceBuild.Run hv = TwoMachines.onHost(prog, args("-v", n));
            ConformanceBuild.Run ov = plantedOnHost ? TwoMachines.onHost(prog, args("-v", n, "-x", n))
                    : TwoMachines.onEmulator(prog, args("-v", n));
            String diff = FormSummary.firstDifferingCase(hv.stdout(), ov.stdout());
            sb.append(diff == null ? "(the verbose runs agree; the difference is in the summary run)\n" : diff);
            if (ov.status() != 0)
                sb.append("second run of this form ended with status ").append(ov.status()).append(": ")
                        .append(ConformanceBuild.tail(ov.stderr().strip(), 800)).append('\n');
        }
        return sb.toString();
    }
}
