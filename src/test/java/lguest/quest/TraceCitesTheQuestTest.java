package lguest.quest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lguest.HostPrerequisite;
import lguest.host.Host;
import lguest.host.TestGuests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A trace line sends its reader to a section of the Quest (H:730): the section must
 * exist, and it must be the one that shows the code doing what the line reports.
 */
class TraceCitesTheQuestTest {
    private static final Pattern LABEL = Pattern.compile("\\b([PGDLHSMXU]:\\d{3})\\b");
    private static final Pattern HEADING = Pattern.compile("^\\[([A-Z]:\\d{3})\\]$", Pattern.MULTILINE);

    /** Every section of the book, label to text and code, as `make Beer` prints it. */
    private static Map<String, String> book;
    /** What a busybox shell traced with --trace=all. */
    private static String trace;

    @BeforeAll
    static void readTheBookAndRunAShell() throws Exception {
        QuestTool.Result r = QuestTool.run("--root", QuestTool.ROOT.toString(), "--beer");
        assertThat(r.status()).as(r.err()).isZero();
        book = new LinkedHashMap<>();
        Matcher m = HEADING.matcher(r.out());
        String label = null;
        int from = 0;
        while (m.find()) {
            if (label != null) book.put(label, r.out().substring(from, m.start()));
            label = m.group(1);
            from = m.end();
        }
        if (label != null) book.put(label, r.out().substring(from));
        assertThat(book).containsKeys("H:345", "H:730", "S:080");

        Path kernel = TestGuests.built("kernel");
        Path busybox = QuestTool.ROOT.resolve("target/busybox/busybox");
        HostPrerequisite.require(Files.isRegularFile(busybox), "no " + busybox + " (run make busybox)");
        TestGuests.Run run = TestGuests.launch(new Host(),
                new ByteArrayInputStream("typed\n".getBytes(StandardCharsets.ISO_8859_1)),
                "64m", kernel.toString(), "--initrd=" + busybox, "--trace=all", "quiet", "--", "sh", "-c",
                "read x; echo \"got $x\" | cat; ls /no/such/file; echo $((6*7))");
        assertThat(run.out()).contains("got typed").contains("42");
        trace = run.err();
    }

    @Test
    void everySectionATraceLineCitesExists() {
        Set<String> cited = new TreeSet<>();
        Matcher m = LABEL.matcher(trace);
        while (m.find()) cited.add(m.group(1));
        assertThat(cited).hasSizeGreaterThan(10);
        assertThat(book.keySet()).as("the sections the trace cites").containsAll(cited);
    }

    @Test
    void everySectionTheTraceCanCiteExists() throws Exception {
        // Some events (a DMA between two Guests, the dirty-bit trick, an emulated IN)
        // do not happen in a shell; the labels their lines would cite must exist too.
        String source = Files.readString(QuestTool.ROOT.resolve("src/main/java/lguest/host/Trace.java"));
        Set<String> quoted = new TreeSet<>();
        Matcher m = Pattern.compile("\"([PGDLHSMXU]:\\d{3})\"").matcher(source);
        while (m.find()) quoted.add(m.group(1));
        m = Pattern.compile("\\(([PGDLHSMXU]:\\d{3})\\)\"").matcher(source);
        while (m.find()) quoted.add(m.group(1));
        assertThat(quoted).contains("H:430", "H:350", "H:640", "H:345");
        assertThat(book.keySet()).containsAll(quoted);
    }

    /**
     * What each kind of line reports, and a name from the code that does it: the section
     * the line cites must show that code (or, for a hypercall, the handler's).
     */
    private static final Map<String, String> SHOWS = new HashMap<>();

    static {
        SHOWS.put("hypercall LGUEST_INIT(", "initialize()");
        SHOWS.put("hypercall NEW_PGTABLE(", "void guestNewPagetable(");
        SHOWS.put("hypercall SET_PTE(", "void guestSetPte(");
        SHOWS.put("hypercall SET_PMD(", "void guestSetPmd(");
        SHOWS.put("hypercall FLUSH_TLB(", "void flushUser(");
        SHOWS.put("hypercall LOAD_IDT_ENTRY(", "void loadGuestIdtEntry(");
        SHOWS.put("hypercall SET_STACK(", "void guestSetStack(");
        SHOWS.put("hypercall LOAD_GDT(", "void loadGuestGdt(");
        SHOWS.put("hypercall LOAD_TLS(", "void guestLoadTls(");
        SHOWS.put("hypercall SET_CLOCKEVENT(", "void setClockevent(");
        SHOWS.put("hypercall BIND_DMA(", "int bindDma(");
        SHOWS.put("hypercall SEND_DMA(", "void sendDma(");
        SHOWS.put("hypercall HALT(", "g.halted");
        SHOWS.put("hypercall TS(", "return !ts;");
        SHOWS.put("hypercall CRASH(", "case LHCALL_CRASH");
        SHOWS.put("hypercall FLUSH_ASYNC(", "void doAsyncHcalls(");
        SHOWS.put(": shadow filled from guest pte", "boolean demandPage(");
        SHOWS.put(": the Guest's own", "boolean demandPage(");
        SHOWS.put("(DIRTY), shadow made writable", "private int gpteToSpte(");
        SHOWS.put(": reflected to the Guest's handler", "boolean deliverTrap(");
        SHOWS.put(") emulated", "boolean emulateInsn(");
        SHOWS.put(") injected at", "void maybeDoInterrupt(");
        SHOWS.put("the Launcher raises irq", "case LHREQ_IRQ");
        SHOWS.put("into the Guest at", "void runGuestOnce(");
        SHOWS.put("out of the Guest:", "private void comeBack(");
        SHOWS.put("SEND_DMA 0x", "void sendDma(");
        SHOWS.put("SEND_DMA to", "void sendDma(");
        SHOWS.put("GETDMA key", "long getDma(");
        SHOWS.put("syscall ", "private void detourSyscalls(");
        SHOWS.put("Sudden Death: ", "void kill(String reason)");
    }

    /** Holds every line of a trace to its section; returns the kinds of line seen. */
    private static Set<String> checkCitations(String text) {
        Pattern line = Pattern.compile(" *\\d+ \\[([A-Z]:\\d{3})\\] (.*)");
        Set<String> kinds = new TreeSet<>();
        for (String l : text.split("\n")) {
            if (l.isEmpty()) continue;
            Matcher m = line.matcher(l);
            assertThat(m.matches()).as("a trace line: " + l).isTrue();
            String kind = SHOWS.keySet().stream().filter(k -> m.group(2).contains(k)).findFirst().orElse(null);
            assertThat(kind).as("a line of a kind this test knows: " + l).isNotNull();
            kinds.add(kind);
            assertThat(book.get(m.group(1))).as(l + "\ncites a section showing " + SHOWS.get(kind))
                    .contains(SHOWS.get(kind));
        }
        return kinds;
    }

    @Test
    void everyLineCitesTheSectionThatShowsItsEvent() {
        assertThat(checkCitations(trace)).as("the kinds of line a shell's trace has").hasSizeGreaterThan(20);
    }

    @Test
    void linesAShellNeverPrintsCiteTheirSectionsToo() throws Exception {
        // Port I/O and the TS bit's #NM, from the chores test guest.
        TestGuests.Run chores = TestGuests.launch(new Host(), "4m", TestGuests.build("chores").toString(),
                "--trace=traps,hypercalls");
        assertThat(chores.status()).as(chores.err()).isZero();
        assertThat(checkCitations(chores.err())).contains(") emulated", ": reflected to the Guest's handler");
        assertThat(chores.err()).contains("[H:350] trap 13 (#GP) at ").contains(": IN (opcode 0xe4) emulated, reads all ones")
                .contains("[H:320] trap 7 (#NM) at ");
        // A DMA from one Guest into another's buffer, through a shared file.
        Path net = Files.createTempDirectory("trace-net").resolve("net");
        try {
            String peer = TestGuests.build("netpeer").toString();
            Host host = new Host(); // one Host: DMA between Guests never leaves it (H:600)
            java.util.concurrent.CompletableFuture<TestGuests.Run> a = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> TestGuests.launch(host, "4m", peer, "--sharenet=" + net, "--trace=dma"));
            TestGuests.Run b = TestGuests.launch(host, "4m", peer, "--sharenet=" + net, "--trace=dma");
            TestGuests.Run first = a.join();
            String both = first.err() + b.err();
            assertThat(checkCitations(both)).contains("SEND_DMA to");
            assertThat(both).containsPattern("\\[H:640\\] SEND_DMA to a shared key: 18 bytes into guest \\d+'s buffer");
        } finally {
            Files.deleteIfExists(net);
            Files.deleteIfExists(net.getParent());
        }
    }
}
