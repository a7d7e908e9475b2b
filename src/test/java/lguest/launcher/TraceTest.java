package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lguest.host.Host;
import lguest.host.TestGuests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --trace (H:730): every category shows its events, and only the categories asked for;
 * --trace-eip keeps a busybox shell's trace to its programs; the system-call detour
 * (H:345) changes nothing the Guest's programs can see; bad options get one line.
 * That every label cited exists, and explains its line, is TraceCitesTheQuestTest's.
 */
class TraceTest {
    private static BusyboxRig rig;

    /** A shell that reads console input, pipes between two processes and grows its heap. */
    static final String SCRIPT = "read x; echo \"got $x\" | cat; i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i";
    static final String INPUT = "typed\n";
    static final String OUTPUT = "got typed\n3\n";

    /** One trace line: the instruction count, the label, the text. */
    static final Pattern LINE = Pattern.compile(" *(\\d+) \\[([A-Z]:\\d{3})\\] (.*)");

    @BeforeAll
    static void find() {
        rig = BusyboxRig.find();
    }

    private static TestGuests.Run shell(String... options) {
        List<String> args = new ArrayList<>(List.of("64m", rig.kernel.toString(), "--initrd=" + rig.busybox));
        args.addAll(List.of(options));
        args.addAll(List.of("quiet", "--", "sh", "-c", SCRIPT));
        return TestGuests.launch(new Host(), new ByteArrayInputStream(INPUT.getBytes(StandardCharsets.ISO_8859_1)),
                args.toArray(new String[0]));
    }

    private static List<Matcher> lines(String trace) {
        List<Matcher> out = new ArrayList<>();
        for (String l : trace.split("\n")) {
            if (l.isEmpty()) continue;
            Matcher m = LINE.matcher(l);
            assertThat(m.matches()).as("a trace line: " + l).isTrue();
            out.add(m);
        }
        return out;
    }

    private static boolean any(List<Matcher> ls, String label, String text) {
        return ls.stream().anyMatch(m -> m.group(2).equals(label) && m.group(3).contains(text));
    }

    @Test
    void everyCategoryShowsItsEvents(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("trace.txt");
        TestGuests.Run r = shell("--trace=all", "--trace-file=" + file);
        assertThat(r.out()).isEqualTo(OUTPUT);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).as("the trace went to the file").isEmpty();
        List<Matcher> ls = lines(Files.readString(file));

        // hypercalls: the first one, a synchronous one, and some from the async ring
        assertThat(any(ls, "H:220", "hypercall LGUEST_INIT(")).isTrue();
        assertThat(any(ls, "H:460", "hypercall NEW_PGTABLE(")).isTrue();
        assertThat(any(ls, "H:470", "from the async ring")).isTrue();
        // pagefaults: the Host's own, filled, and the Guest's, handed back
        assertThat(any(ls, "H:440", ": shadow filled from guest pte 0x")).isTrue();
        assertThat(any(ls, "H:440", ": the Guest's own")).isTrue();
        // traps: a ring-3 page fault reflected to the Guest's handler
        assertThat(any(ls, "H:320", "trap 14 (#PF) at ")).isTrue();
        // irqs: the Launcher's console interrupt, then its injection
        assertThat(any(ls, "L:050", "the Launcher raises irq 1")).isTrue();
        assertThat(any(ls, "H:310", "irq 1 (vector 33) injected at ")).isTrue();
        // switches: both halves
        assertThat(any(ls, "S:080", "into the Guest at ")).isTrue();
        assertThat(any(ls, "S:090", "out of the Guest: trap ")).isTrue();
        // dma: the console's output to the Launcher, and the Launcher asking for an input buffer
        assertThat(any(ls, "H:640", "a private key, handed to the Launcher")).isTrue();
        assertThat(any(ls, "H:650", "GETDMA key 0x00000000 from the Launcher: buffer 0x")).isTrue();
        // syscalls: the shell's read of "typed", the pipe and the fork
        assertThat(any(ls, "H:345", "syscall 3 read(0x0, ")).isTrue();
        assertThat(any(ls, "H:345", " pipe")).isTrue();
        assertThat(any(ls, "H:345", " fork(") || any(ls, "H:345", " vfork(") || any(ls, "H:345", " clone(")).isTrue();
        // and the end: power-off is the last Sudden Death of all
        assertThat(ls.get(ls.size() - 1).group(3)).isEqualTo("Sudden Death: CRASH: Power down");

        long last = -1;
        for (Matcher m : ls) {
            long n = Long.parseLong(m.group(1));
            assertThat(n).as("instruction counts never go back: " + m.group()).isGreaterThanOrEqualTo(last);
            last = n;
        }
    }

    @Test
    void onlyTheCategoriesAskedFor() {
        TestGuests.Run r = shell("--trace=syscalls,irqs");
        assertThat(r.out()).isEqualTo(OUTPUT);
        assertThat(r.status()).isZero();
        List<Matcher> ls = lines(r.err());
        assertThat(ls).isNotEmpty();
        for (Matcher m : ls)
            assertThat(m.group(2)).as(m.group()).isIn("H:345", "H:310", "L:050", "H:110");
        assertThat(any(ls, "H:345", "syscall ")).isTrue();
        assertThat(any(ls, "H:310", "injected")).isTrue();
    }

    @Test
    void anAddressRangeKeepsToThePrograms() {
        TestGuests.Run r = shell("--trace=all", "--trace-eip=0-0xbfffffff");
        assertThat(r.out()).isEqualTo(OUTPUT);
        List<Matcher> ls = lines(r.err());
        assertThat(any(ls, "H:345", "syscall ")).isTrue();
        assertThat(any(ls, "H:440", "from ring 3")).isTrue();
        for (Matcher m : ls) {
            if (m.group(3).startsWith("Sudden Death")) continue; // a death is never filtered
            assertThat(m.group(3)).as("only events in user space").doesNotContain("(ring 1)").doesNotContain("hypercall");
            Matcher at = Pattern.compile("(?:at|from) 0x([0-9a-f]{8}) \\(ring").matcher(m.group(3));
            if (at.find())
                assertThat(Long.parseLong(at.group(1), 16)).as(m.group()).isLessThanOrEqualTo(0xbfffffffL);
        }
    }

    @Test
    void theDetourChangesNothingAProgramSees() {
        // Without a trace the same script, the same output: and with one, system calls
        // come out as trap 0x80 (H:345) where untraced they never leave the Guest (H:700).
        TestGuests.Run plain = shell("--stats");
        TestGuests.Run traced = shell("--stats", "--trace=syscalls", "--trace-file=/dev/null");
        assertThat(traced.out()).isEqualTo(plain.out()).isEqualTo(OUTPUT);
        assertThat(traced.status()).isEqualTo(plain.status()).isZero();
        assertThat(plain.err()).doesNotContain("#128=");
        assertThat(traced.err()).containsPattern("#128=[1-9]");
    }

    @Test
    void badTraceOptionsGetOneLine() {
        String k = rig.kernel.toString();
        String[][] cases = {
            {"--trace=hypercalls,nonsense", "unknown trace category 'nonsense'"},
            {"--trace=", "unknown trace category ''"},
            {"--trace-file=/tmp/x", "--trace-file needs --trace=WHAT"},
            {"--trace-eip=0-1", "--trace-eip needs --trace=WHAT"},
            {"--trace=all --trace-eip=12", "--trace-eip wants LO-HI"},
            {"--trace=all --trace-eip=0x10-0x5", "is an empty range"},
            {"--trace=all --trace-eip=0-0x100000000", "bad address '0x100000000'"},
            {"--trace=all --trace=irqs", "--trace given twice"},
            {"--trace=all --trace-file=/nonexistent/dir/t", "cannot write the trace file /nonexistent/dir/t"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("64m", k));
            args.addAll(List.of(c[0].split(" ")));
            TestGuests.Run r = TestGuests.launch(new Host(), args.toArray(new String[0]));
            assertThat(r.status()).as(c[0]).isEqualTo(1);
            assertThat(r.err()).as(c[0]).startsWith("lguest: ").contains(c[1]);
            assertThat(r.err().strip().lines().count()).as(c[0] + ": one line\n" + r.err()).isEqualTo(1);
        }
    }
}
