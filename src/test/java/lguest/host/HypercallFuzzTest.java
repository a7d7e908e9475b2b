package lguest.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lguest.HostPrerequisite;
import lguest.launcher.Launcher;
import org.junit.jupiter.api.Test;

/*M:800 How the project attacks itself.  A hypervisor is a promise made to
 * strangers: whatever a Guest does, the Host and every other Guest carry on.
 * A promise like that is not kept by reading the code with a kind eye, so the
 * tests read it with an unkind one, from every side a stranger can reach.  From
 * the command line and its files: a kernel that is not ELF, a memory size that
 * wraps, a block file of two tebibytes, a closed pipe (LauncherTest,
 * HostileInputTest).  From inside, one broken rule at a time: a guest per
 * rule, in assembler and in C, each killed with lguest's reason beside a
 * neighbour that must not notice (HostileGuestsTest, HostileKernelsTest).
 * From the Launcher's chair: a Launcher that lies to /dev/lguest, with
 * random requests and arguments, must ruin nothing but its own Guest
 * (DeviceFuzzTest).  From inside again, at random: the fuzzer below,
 * which says every sentence of the hypercall language, most of them almost
 * grammatical.  From the disk: a Launcher killed with SIGKILL in the middle of
 * a write, after which e2fsck must find nothing it cannot mend and every file
 * the Guest said it had synced must be whole (CrashConsistencyTest).  And by
 * weight of numbers: sixteen busybox Guests in one Host and more in processes
 * beside it, for minutes, every output checked (StressTest, `make stress`).
 * `make test` runs a few seeds of the fuzzer; `make fuzz` runs it, and every
 * other class whose name ends in FuzzTest, for as long as you like. :*/

/*M:805 What each rule of Sudden Death protects.  A rule that kills is only
 * worth its victims if it guards something, and each of the Host's does.
 * The address check (H:100), every guest-physical number below pfn_limit,
 * guards the Host's own frames, which live in the same physical space
 * (shadow page tables, the Switcher's pages), and the Launcher's memory above
 * the Guest's: an LGUEST_INIT that named a shadow page directory would hand
 * the Guest the tables the CPU really walks.  LGUEST_INIT first and only once
 * (H:220) guards the Host's reading of lguest_data, where it finds the async
 * ring, the interrupt flag and the noirq window on every exit.  The checks on
 * page-table entries (H:440, H:470), no page past the limit, no PSE or PWT,
 * nothing but 0x67 in a directory entry, guard the same memory where the CPU
 * rather than the Host does the reading (a large page would map four
 * megabytes that no one checked page by page).  The Switcher's slot (H:420)
 * guards the code that runs in ring 0 between the worlds, and the read-only
 * IDT, GDT and TSS beside it.  The GDT's rules (H:500, H:510), no more than 32
 * entries, the Host's five left alone, DPL 0 turned into 1, guard ring 0
 * itself: a Guest with a ring-0 code segment would be the Host.  The IDT's
 * (H:330), gates only, the selector always the Guest's kernel, vectors 2, 8,
 * 15 and 0x1F kept, guard ring 0 again and the exits the Host must always see;
 * direct traps that are trap gates only (H:340) guard the real interrupt
 * flag, without which the Host could never take its CPU back.  SET_STACK's
 * (H:450) guard against a fault while the CPU is already delivering one, a
 * double fault that would be the Host's.  The DMA rules (H:610 to H:640),
 * keys aligned and inside memory, every piece inside memory and inside one
 * page, 32 bindings, interrupts below 32, guard the *other* Guest of a
 * transfer, whose memory the Host writes, and the Host's own bookkeeping; the
 * Launcher applies the same to the DMA it serves (L:210).  An unhandled trap,
 * or a fault inside the Switcher, leaves nobody to deliver to, so the Guest
 * dies rather than loop.  One rule is ours, not lguest's: a Java exception in
 * the Host kills only the Guest it was working for, as "host error: ..."
 * (H:120), and that is why the fuzzer counts such a death as a failure: it is
 * a bug that was caught, not a rule that was broken. :*/

/**
 * The seeded hypercall and DMA fuzzer (src/test/guests/fuzz.c) against one Host, two
 * fuzzers at a time sharing a --sharenet file (so DMA really crosses between guests),
 * each with a small --block file, while a well-behaved companion guest runs over and over
 * in the same Host. Fails on: a Java exception escaping any thread, a fuzzer that dies
 * without a reason (or of a Java bug the Host caught: "host error"), one that neither dies
 * nor finishes in time, one that survives a broken rule, and a companion that is harmed.
 *
 * <p>-Dfuzz.seeds=N (default 4) seeds from -Dfuzz.seed=S (default 1); -Dfuzz.seconds=T
 * stops starting new seeds after T seconds (default 0: no limit); -Dfuzz.rounds=R rounds
 * per seed (default 2000); -Dfuzz.timeout=T seconds before a fuzzer counts as hung
 * (default 120). `make fuzz SEEDS=... SECONDS=...` runs it long.
 */
class HypercallFuzzTest {
    static final long SEEDS = Long.getLong("fuzz.seeds", 4);
    static final long FIRST = Long.getLong("fuzz.seed", 1);
    static final long SECONDS = Long.getLong("fuzz.seconds", 0);
    static final int ROUNDS = Integer.getInteger("fuzz.rounds", 2000);
    static final long TIMEOUT = Long.getLong("fuzz.timeout", 120);

    private static final Path SRC = Path.of("src/test/guests").toAbsolutePath();
    private static Path fuzzer;

    /** The fuzzer guest: fuzz.S (the boot code of every test guest) and fuzz.c. */
    static synchronized Path fuzzer() throws IOException, InterruptedException {
        if (fuzzer != null) return fuzzer;
        Path out = Files.createTempDirectory("lguest-fuzz").resolve("fuzz");
        List<String> cmd = List.of("gcc", "-m32", "-march=i686", "-mno-sse", "-mno-sse2", "-mno-mmx",
                "-mgeneral-regs-only", "-ffreestanding", "-fno-pic", "-fno-pie", "-no-pie", "-nostdlib", "-static",
                "-fno-stack-protector", "-fno-builtin", "-O2", "-Wall", "-Werror", "-fno-asynchronous-unwind-tables",
                "-Wl,--build-id=none", "-Wl,-z,noexecstack", "-Wl,-T," + SRC.resolve("guest.lds"),
                "-o", out.toString(), SRC.resolve("fuzz.S").toString(), SRC.resolve("fuzz.c").toString());
        TestGuests.gcc(cmd, "the fuzzer");
        Process nm = new ProcessBuilder("nm", out.toString()).redirectErrorStream(true).start();
        for (String l : new String(nm.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            String[] f = l.trim().split("\\s+");
            if (f.length == 3 && f[2].equals("iter")) iterPhys = (int) (Long.parseLong(f[0], 16) - 0xC0000000L);
        }
        nm.waitFor();
        if (iterPhys == 0) throw new AssertionError("no symbol iter in the fuzzer");
        fuzzer = out;
        return out;
    }

    /** Where the fuzzer counts its rounds: the watchdog's measure of progress. */
    private static int iterPhys;
    /** Seconds without a new round before the watchdog looks closer. */
    static final long STALL = Long.getLong("fuzz.stall", 15);

    /*M:835 The watchdog.  A fuzzer can lose control of itself with no help
     * from the Host: an IRET through a frame it scribbled on lands in a code
     * segment the dice made, and there it may spin for ever through a page of
     * zeros, each "add %al,(%eax)" as legal as the last.  The Host is right to
     * keep running it, and it will never finish.  So when a fuzzer's round
     * counter (read from its memory) stands still, the watchdog looks closer.
     * If its CPU still retires instructions, it ran wild: the watchdog kills
     * it, and that is a test too, since Sudden Death must be able to stop a
     * Guest that never exits on its own.  If it is halted with its clock event
     * fired (or another interrupt pending) and not blocked, the Host lost a
     * wake-up; if it neither runs nor sleeps, something in the Host is stuck.
     * Those two are failures. */
    private static String watch(Host host, Map<Guest, long[]> seen, long now) {
        for (Guest g : host.guests()) {
            if (!g.owner.getName().startsWith("fuzz-") || g.isDead()) continue;
            long iter = g.mem.read32(iterPhys), retired = g.cpu.retired();
            long[] s = seen.get(g);
            if (s == null || s[0] != iter) { seen.put(g, new long[] {iter, retired, now}); continue; }
            if (now - s[2] < STALL * 1_000_000_000L) continue;
            java.util.concurrent.ScheduledFuture<?> t = g.clockEvent;
            int blocked = g.mem.read32(g.lguestData + Abi.LD_BLOCKED_INTERRUPTS), eip = g.reg(Switcher.R_EIP);
            boolean noirq = Integer.compareUnsigned(eip, g.noirqStart) >= 0 && Integer.compareUnsigned(eip, g.noirqEnd) < 0;
            int wakeable = ((t != null && t.isDone() && !t.isCancelled() ? 1 : 0) | g.irqsPending.get()) & ~blocked;
            if (g.halted && wakeable != 0 && !noirq)
                return "a lost wake-up: halted with its clock event fired and unblocked" + hung(host);
            if (!g.halted && retired == s[1]) return "stuck: no new round and no instruction for "
                    + STALL + " s" + hung(host);
            g.kill(String.format("fuzz watchdog: ran wild at %#x", g.cpu.eip));
            s[2] = now;
        }
        return null;
    }
    /*:*/

    /** Keeps the last few KiB of what a guest printed, and counts the rest. */
    static final class Tail extends OutputStream {
        private final byte[] buf = new byte[4096];
        private long n;

        @Override
        public synchronized void write(int b) {
            buf[(int) (n++ % buf.length)] = (byte) b;
        }

        synchronized String text() {
            int len = (int) Math.min(n, buf.length), start = (int) ((n - len) % buf.length);
            byte[] b = new byte[len];
            for (int i = 0; i < len; i++) b[i] = buf[(start + i) % buf.length];
            return new String(b, StandardCharsets.ISO_8859_1);
        }
    }

    record Outcome(long seed, int status, String out, String err) { }

    /** A death the Host gave a reason for: anything but a Java bug it caught. */
    private static final Pattern REASONED = Pattern.compile(
            "lguest: (guest died: (?!host error)(?!CRASH: fuzz)\\S.*|Invalid address in DMA 0x\\p{XDigit}+)");
    private static final Pattern HYPERCALLS = Pattern.compile("^hypercalls:((?: \\d+=\\d+)*) \\(of which (\\d+) from",
            Pattern.MULTILINE);

    static Outcome fuzz(Host host, long seed, Path net, Path block) throws Exception {
        Tail out = new Tail();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Launcher.run(host, new String[] {"4m", fuzzer().toString(), "--stats", "--sharenet=" + net,
                "--block=" + block, Long.toString(seed), Integer.toString(ROUNDS)}, InputStream.nullInputStream(),
                out, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(seed, status, out.text(), err.toString(StandardCharsets.UTF_8));
    }

    /*M:830 What counts as failure.  A fuzzer may end two ways: it finishes
     * its rounds and powers off with a line that says so, or the Host kills it
     * and the Launcher prints one line with the reason (or refuses a DMA it was
     * handed, which is the Launcher's half of the same rule).  Everything else
     * is the Host's fault: a death with no reason or with a Java bug's name, a
     * second line from the Launcher, another exit status, a power-off before the
     * last round, or the fuzzer's own confession that a broken rule went
     * unpunished.  Around this, the test watches what the fuzzers cannot
     * report: an exception escaping any thread of the JVM (a default handler
     * catches it), and the companion, a well-behaved guest booted over and over
     * in the same Host, whose every run must end in status 0 with its last
     * line intact.  Each verdict names the seed and its partner, since a pair
     * shares a network and one can be the other's undoing.  A seed fixes the
     * fuzzer's choices, not the Host's timing: clock events, the partner's DMA
     * and the companion interleave as the machine pleases, so a failing pair is
     * worth rerunning a few times, not once. */
    static String judge(Outcome o) {
        List<String> said = o.err().lines().filter(l -> l.startsWith("lguest:")).toList();
        if (o.out().contains("fuzz survived")) return "survived a broken rule";
        if (o.status() == 0) {
            if (!o.out().contains("fuzz seed " + o.seed() + " done:")) return "powered off without finishing";
            return said.isEmpty() ? null : "finished but the Launcher said " + said;
        }
        if (o.status() != 1) return "exit status " + o.status();
        if (said.size() != 1) return "died with " + said.size() + " lines from the Launcher: " + said;
        if (!REASONED.matcher(said.get(0)).matches()) return "died without a proper reason: " + said.get(0);
        return null;
    }
    /*:*/

    /** The death's reason with its numbers blurred, to count kinds of death. */
    static String kind(Outcome o) {
        if (o.status() == 0) return "finished";
        String l = o.err().lines().filter(s -> s.startsWith("lguest:")).findFirst().orElse("?");
        l = l.replaceFirst("^lguest: (guest died: )?", "");
        if (l.startsWith("CRASH: ")) return "CRASH: ...";
        if (l.startsWith("fuzz watchdog: ran wild")) return "ran wild (killed by the watchdog)";
        return l.replaceAll("0x\\p{XDigit}+|\\b\\d+\\b", "N");
    }

    @Test
    void randomHypercallsKillOnlyTheFuzzerAndAlwaysWithAReason() throws Exception {
        Path built = fuzzer();
        List<String> escaped = Collections.synchronizedList(new ArrayList<>());
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            StringWriter w = new StringWriter();
            e.printStackTrace(new PrintWriter(w));
            escaped.add(t.getName() + ": " + w);
        });
        Path dir = Files.createTempDirectory("lguest-fuzz-run");
        Host host = new Host();
        String companion = TestGuests.build("companion").toString();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong companionRuns = new AtomicLong();
        List<String> harmed = Collections.synchronizedList(new ArrayList<>());
        Thread neighbour = new Thread(() -> {
            while (!stop.get()) {
                TestGuests.Run r = TestGuests.launch(host, "4m", companion);
                companionRuns.incrementAndGet();
                if (r.status() != 0 || !r.out().endsWith("companion done\n") || !r.err().isEmpty())
                    harmed.add("status " + r.status() + ", err " + r.err() + ", out ..."
                            + r.out().substring(Math.max(0, r.out().length() - 200)));
            }
        }, "fuzz-companion");
        neighbour.start();

        long t0 = System.nanoTime(), hypercalls = 0, queued = 0, seeds = 0;
        List<String> problems = new ArrayList<>();
        Map<String, Integer> kinds = new TreeMap<>();
        try {
            for (long s = FIRST; s < FIRST + SEEDS && problems.isEmpty() && harmed.isEmpty() && escaped.isEmpty(); s += 2) {
                if (SECONDS > 0 && System.nanoTime() - t0 > SECONDS * 1_000_000_000L) break;
                Path net = dir.resolve("net" + s), blockA = dir.resolve("a" + s), blockB = dir.resolve("b" + s);
                Files.write(blockA, new byte[65536]);
                Files.write(blockB, new byte[65536]);
                final long a = s, b = s + 1;
                CompletableFuture<Outcome> fa = run(() -> fuzz(host, a, net, blockA), "fuzz-" + a);
                CompletableFuture<Outcome> fb = FIRST + SEEDS > b
                        ? run(() -> fuzz(host, b, net, blockB), "fuzz-" + b) : null;
                Map<Guest, long[]> seen = new java.util.HashMap<>();
                long started = System.nanoTime();
                while (!(fa.isDone() && (fb == null || fb.isDone()))
                        && System.nanoTime() - started < TIMEOUT * 1_000_000_000L) {
                    Thread.sleep(200);
                    String stuck = watch(host, seen, System.nanoTime());
                    if (stuck != null) { problems.add("seeds " + a + "/" + b + ": " + stuck); break; }
                }
                for (CompletableFuture<Outcome> f : fb == null ? List.of(fa) : List.of(fa, fb)) {
                    Outcome o;
                    try {
                        o = f.get(problems.isEmpty() ? 10 : 1, TimeUnit.SECONDS);
                    } catch (TimeoutException e) {
                        problems.add("seeds " + a + "/" + b + ": a fuzzer neither died nor finished in " + TIMEOUT + " s"
                                + hung(host));
                        continue;
                    }
                    seeds++;
                    String wrong = judge(o);
                    if (wrong != null)
                        problems.add("seed " + o.seed() + " (run beside seed " + (o.seed() == a ? b : a) + "): " + wrong
                                + "\n  stderr: " + o.err().lines().filter(l -> l.startsWith("lguest")).toList()
                                + "\n  output ends: " + o.out().substring(Math.max(0, o.out().length() - 300))
                                        .replaceAll("[^\\x20-\\x7e\\n]", "?"));
                    kinds.merge(kind(o), 1, Integer::sum);
                    Matcher m = HYPERCALLS.matcher(o.err());
                    if (m.find()) {
                        for (String kv : m.group(1).trim().split(" "))
                            if (!kv.isEmpty()) hypercalls += Long.parseLong(kv.substring(kv.indexOf('=') + 1));
                        queued += Long.parseLong(m.group(2));
                    }
                }
                Files.deleteIfExists(net);
                Files.deleteIfExists(blockA);
                Files.deleteIfExists(blockB);
            }
        } finally {
            stop.set(true);
            neighbour.join(60_000);
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("hypercall fuzz: %d seeds from %d, %d rounds each, %d hypercalls (%d of them from the async ring) "
                + "in %.1f s; companion ran %d times%n", seeds, FIRST, ROUNDS, hypercalls, queued, secs, companionRuns.get());
        kinds.forEach((k, v) -> System.out.printf("  %6d  %s%n", v, k));

        assertThat(escaped).as("Java exceptions that escaped a thread").isEmpty();
        assertThat(problems).as("fuzzers that ended badly (rerun one with -Dfuzz.seed=S -Dfuzz.seeds=2)").isEmpty();
        assertThat(harmed).as("the companion harmed").isEmpty();
        assertThat(companionRuns.get()).isPositive();
        assertThat(seeds).isPositive();
        assertThat(hypercalls).as("hypercalls counted").isPositive();
        assertThat(host.guests()).as("guests left in the Host").isEmpty();
        assertThat(lingering()).as("Launcher threads still alive after their guests ended").isEmpty();
    }

    /** The Launchers' waker threads, which must end with their Launchers (give them a moment). */
    private static List<String> lingering() throws InterruptedException {
        List<String> alive = List.of();
        for (int i = 0; i < 50; i++) {
            alive = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().equals("lguest-waker")).map(Thread::toString).toList();
            if (alive.isEmpty()) break;
            Thread.sleep(100);
        }
        return alive;
    }

    /** What the guests still in the Host are doing, and where their threads are. */
    private static String hung(Host host) {
        StringBuilder sb = new StringBuilder();
        for (Guest g : host.guests()) {
            sb.append(String.format("%n  guest %d on %s: eip %#x trapnum %d halted %s pending %#x dead %s instructions %d",
                    g.guestid, g.owner.getName(), g.reg(Switcher.R_EIP), g.trapnum(), g.halted, g.irqsPending.get(),
                    g.deadReason(), g.cpu.retired()));
            for (StackTraceElement e : g.owner.getStackTrace()) sb.append("\n    at ").append(e);
        }
        return sb.toString();
    }

    interface Job { Outcome call() throws Exception; }

    private static CompletableFuture<Outcome> run(Job job, String name) {
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(job.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return f;
    }
}
