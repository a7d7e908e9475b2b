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

/*M:600 Reading a trace.  The Quest tells what the Host does; `--trace` shows it
 * doing it.  Boot busybox's shell with
 *
 *   bin/lguest 64m target/guest/kernel --initrd=target/busybox/busybox \
 *       --trace=all --trace-file=t.txt quiet -- sh -c 'echo hi | cat'
 *
 * and t.txt has some four and a half thousand lines, each like this one:
 *
 *    911298 [H:345] syscall 120 clone(0x1200011, 0x0, 0x0) from 0x080d59d2
 *           (ring 3, pgdir 0x001fb000)
 *
 * (a trace line is one line; the book folds the long ones).  The number is
 * the Guest's: instructions it had retired when the Host saw the event, the
 * same count its time-stamp counter reads (X:640), so it never goes back.
 * Lines with the same number are things the Host did between two of the
 * Guest's instructions, and however many there are, the Guest's own clock
 * says they took no time at all.  The label is the section that explains the
 * event: `make Host` and look for [H:345].  The rest says what happened and
 * where the Guest was: EIP, its ring, and for ring 3 the page directory,
 * which is the only name the Host has for a process (H:730).
 *
 * The categories are hypercalls, traps, irqs, switches, dma, pagefaults and
 * syscalls.  `all` is the place to start and the place to get lost, so ask for
 * fewer (`--trace=syscalls,irqs`), or only for what happened in user space
 * (`--trace-eip=0-0xbfffffff`). :*/

/*M:610 A fork, from the Host's chair.  In the shell's trace, find the clone:
 *
 *    936226 [S:090] out of the Guest: trap 128 (system call) at 0x080d59d2 …
 *    936226 [H:345] syscall 120 clone(0x1200011, 0x0, 0x0) from 0x080d59d2 …
 *    936226 [S:080] into the Guest at 0xc0100440 (ring 1) on shadow 0xf000a000
 *    936425 [S:090] out of the Guest: trap 14 (#PF) at 0xc010a387 (ring 1)
 *    936425 [H:440] page fault 0xc020f000 write at 0xc010a387 (ring 1):
 *           shadow filled from guest pte 0x0020f063
 *
 * The system call came out only because it was traced (H:345), and went back
 * in at the Guest's own entry point.  Then the kernel, copying the parent's
 * memory for the child (U:320), writes pages it has never touched: even the
 * kernel's own memory is filled into the shadow one fault at a time (H:440),
 * and every fresh copy of a page is one such fault, a hundred and sixty-odd
 * instructions after the last.  What is not there is as telling: not one
 * SET_PTE for the child's entries.  Its page directory has never been
 * loaded, so the Host has no shadow of it to keep up to date (U:320), and
 * will read each entry from the Guest's table at the first fault on it, once
 * the child runs.  What does come through the async ring is the switch to
 * the child, queued in lazy mode and run at the FLUSH_ASYNC that ends it
 * (G:200, G:640):
 *
 *    992774 [H:450] hypercall SET_STACK(0x69, 0xc014c000, 0x2) from the
 *           async ring, slot 59 (H:210)
 *    992774 [H:510] hypercall LOAD_TLS(0x126758) from the async ring, slot 60
 *
 * Then NEW_PGTABLE names the child's directory (0x20f000), the Host gives it
 * a shadow of its own (0xf000f000), and a run of faults fills it, kernel
 * pages first.  The child's exec is where the SET_PTEs are, hundreds of them
 * from the ring (G:685), the new program's pages going in at once.
 * NEW_PGTABLE lines then name the page directories taking turns, the shell
 * and its two children, and since four shadows are kept (H:410), `--stats`
 * finds theirs cached at most loads. :*/

/*M:620 Questions a trace answers, and one it raises.
 *
 * Where is the dirty-bit trick?  H:430 says the first write to a page the
 * Guest mapped clean faults to the Host.  Search a busybox trace for [H:430]
 * and you will find none: this Guest maps every writable page with DIRTY
 * already set (U:115), so its shadows are writable from the start.  A Guest
 * that left DIRTY clear until the first write, as Linux does for the pages of
 * a file it maps, would show the trick each time.  What would this Guest lose
 * by doing the same, and what would it gain?
 *
 * What does a system call cost?  Run one shell with `--stats` alone and with
 * `--stats --trace=syscalls`: the second shows "#128=" exits, one per system
 * call, where the first shows none (H:700).  Each costs a world switch there
 * and back; compare the two runs' times, and you have the price of lguest's
 * direct traps, or rather of their absence.
 *
 * Why may a piped shell's trace begin with GETDMA failing, "error 2", before
 * the Guest has printed anything?  Its input was there before the console
 * driver had offered a buffer (L:310, L:320): the Launcher knocks, finds no
 * buffer (ENOENT), and knocks again a little later.
 *
 * And who interrupts whom?  `--trace=irqs` shows irq 0, the clock (G:500),
 * arriving in ring 3 of one process and then of another: the ends of time
 * slices (G:694), seen from outside. :*/

/*M:630 How the trace keeps its word.  A trace that cites the wrong section
 * is worse than none: a reader believes it.  So TraceCitesTheQuestTest runs
 * a shell with `--trace=all` and holds every line to two rules: the section
 * it cites exists, and the section's code is the code that did what the line
 * reports (a SET_PTE line must cite a section showing guestSetPte, a page
 * fault one showing demandPage, and so on, in a table in the test).  Moving a
 * handler to another section, or renumbering one, fails the test rather than
 * misleading the next reader.  Lines a shell never prints (a DMA between two
 * Guests, an emulated IN) have their labels checked in Trace's source.
 * TraceTest checks that every category appears, that only the categories
 * asked for do, that the address filter holds, and that a traced shell prints
 * exactly what an untraced one does.  The cost of tracing off is a null test
 * at each trace point; `make bench` shows it in the noise. :*/

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
        assertThat(any(ls, "H:440", "(ring 3, pgdir 0x")).isTrue();
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
    void theDetourServesAHandWrittenGuestToo() {
        // ring3.S makes 1000 system calls through its own trap gate, then spins in ring 3
        // until the clock interrupts it: detoured, every call is seen and still served.
        TestGuests.Run r = TestGuests.launch(new Host(), "4m", TestGuests.build("ring3").toString(), "--trace=syscalls");
        assertThat(r.out()).contains("ring 3 interrupted after 1000 direct system calls");
        assertThat(r.status()).isZero();
        assertThat(lines(r.err()).stream().filter(m -> m.group(2).equals("H:345")).count()).isEqualTo(1000);
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
