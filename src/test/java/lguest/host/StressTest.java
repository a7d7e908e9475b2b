package lguest.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import lguest.launcher.Launcher;
import org.junit.jupiter.api.Test;

/**
 * `make stress` (issue 10): for -Dstress.minutes minutes, sixteen Guests in this JVM,
 * all in one Host (every slot it has), and -Dstress.processes separate bin/lguest processes
 * (default 3, each held to a 256 MiB heap), all running busybox workloads at once. Every
 * workload's output is compared with what the same busybox prints natively; every
 * in-JVM Guest must power off with status 0, every process must still be running when the
 * time is up. Memory: this JVM's heap after a full collection is reported at the start,
 * half way and at the end, and must not grow by more than 256 MiB; each process's RSS is
 * reported, and a leak in one would end it with "not enough Java heap" long before the end.
 * Without -Dstress.minutes (as under `make test`) it is skipped.
 */
class StressTest {
    static final String MINUTES = System.getProperty("stress.minutes");
    static final int PROCESSES = Integer.getInteger("stress.processes", 3);

    /** Workloads: each a shell command line whose output natively is the yardstick. */
    static final List<String> WORKLOADS = List.of(
            "seq 1 3000 | sort -r | md5sum",
            "i=0; while [ $i -lt 200 ]; do echo line $i; i=$((i+1)); done | wc -l",
            "yes abc | head -n 20000 | tr a-z A-Z | uniq -c",
            "awk 'BEGIN { s = 0; for (i = 0; i < 20000; i++) s += i * i % 7; print s }'",
            "for i in 1 2 3 4 5 6 7 8 9 10; do echo $i | cat | cat | cat; done | tr '\\n' ' '; echo",
            "seq 1 2000 | awk '{ s += $1 } END { print s }' | sed 's/^/sum /'");

    private static Path kernel() {
        String named = System.getProperty("lguest.guest.dir");
        return Path.of(named != null ? named : "target/guest").resolve("kernel").toAbsolutePath();
    }

    private static final Path BUSYBOX = Path.of("target/busybox/busybox").toAbsolutePath();

    private static String nativeOutput(String workload) throws Exception {
        Process p = new ProcessBuilder(BUSYBOX.toString(), "sh", "-c", workload)
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("native " + workload + ": " + out).isZero();
        return out;
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) System.gc();
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static long rssKiB(Process p) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")))
                if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", ""));
        } catch (Exception e) {
            /* gone */
        }
        return -1;
    }

    @Test
    void sixteenGuestsInOneJvmAndSeveralProcessesForMinutes() throws Exception {
        assumeTrue(MINUTES != null, "make stress sets -Dstress.minutes");
        assertThat(kernel()).isRegularFile();
        assertThat(BUSYBOX).isRegularFile();
        long millis = (long) (Double.parseDouble(MINUTES) * 60_000);
        List<String> expected = new ArrayList<>();
        for (String w : WORKLOADS) expected.add(nativeOutput(w));

        List<String> escaped = Collections.synchronizedList(new ArrayList<>());
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            StringWriter w = new StringWriter();
            e.printStackTrace(new PrintWriter(w));
            escaped.add(t.getName() + ": " + w);
        });
        long heap0 = heapAfterGc();
        long t0 = System.nanoTime(), deadline = t0 + millis * 1_000_000L;

        /* The processes: one Guest each, running every workload in turn until killed. */
        StringBuilder loop = new StringBuilder("n=0; while true; do n=$((n+1)); ");
        for (int i = 0; i < WORKLOADS.size(); i++)
            loop.append("echo '<w").append(i).append(">'; ( ").append(WORKLOADS.get(i)).append(" ); ");
        loop.append("echo \"<round $n>\"; done");
        List<Process> procs = new ArrayList<>();
        List<Path> outs = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            Path out = Files.createTempFile("stress-proc", ".out");
            ProcessBuilder pb = new ProcessBuilder(Path.of("bin/lguest").toAbsolutePath().toString(), "64m",
                    kernel().toString(), "--initrd=" + BUSYBOX, "quiet", "--", "sh", "-c", loop.toString())
                    .redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("LGUEST_JAVA_OPTS", "-Xmx256m");
            pb.environment().put("PATH", System.getProperty("java.home") + "/bin:/usr/bin:/bin");
            procs.add(pb.start());
            outs.add(out);
        }

        /* Sixteen Guests in this JVM, in one Host: each thread boots one after another. */
        Host host = new Host();
        AtomicLong runs = new AtomicLong();
        List<String> harmed = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int g = 0; g < Host.MAX_GUESTS; g++) {
            final int id = g;
            Thread t = new Thread(() -> {
                for (int k = id; System.nanoTime() < deadline && harmed.isEmpty(); k++) {
                    int w = k % WORKLOADS.size();
                    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
                    int status = Launcher.run(host, new String[] {"32m", kernel().toString(), "--initrd=" + BUSYBOX,
                            "quiet", "--", "sh", "-c", WORKLOADS.get(w)}, InputStream.nullInputStream(), out,
                            new PrintStream(err, true, StandardCharsets.UTF_8));
                    String o = out.toString(StandardCharsets.UTF_8), e = err.toString(StandardCharsets.UTF_8);
                    if (status != 0 || !o.equals(expected.get(w)) || !e.isEmpty())
                        harmed.add("guest " + id + ", workload " + w + ": status " + status + ", err " + e + ", out " + o);
                    runs.incrementAndGet();
                }
            }, "stress-" + g);
            threads.add(t);
            t.start();
        }
        long heapMid = -1;
        List<Long> rssMid = new ArrayList<>();
        while (System.nanoTime() < deadline && harmed.isEmpty()) {
            Thread.sleep(1000);
            if (heapMid < 0 && System.nanoTime() > t0 + millis * 500_000L) {
                heapMid = heapAfterGc();
                for (Process p : procs) rssMid.add(rssKiB(p));
            }
            for (Process p : procs) if (!p.isAlive()) harmed.add("process " + p.pid() + " ended early, status " + p.exitValue());
        }
        for (Thread t : threads) t.join(300_000);
        List<Long> rssEnd = new ArrayList<>();
        for (Process p : procs) rssEnd.add(rssKiB(p));
        for (Process p : procs) {
            if (!p.isAlive() && harmed.isEmpty()) harmed.add("process " + p.pid() + " ended early, status " + p.exitValue());
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        long heapEnd = heapAfterGc();
        Thread.setDefaultUncaughtExceptionHandler(before);

        /* Each process's output: the workloads in order, round after round, each as natively. */
        long rounds = 0;
        for (int i = 0; i < procs.size(); i++) {
            String text = Files.readString(outs.get(i), StandardCharsets.UTF_8);
            Files.deleteIfExists(outs.get(i));
            String[] parts = text.split("<round \\d+>\n", -1);
            for (int r = 0; r < parts.length - 1; r++) {
                StringBuilder want = new StringBuilder();
                for (int w = 0; w < WORKLOADS.size(); w++) want.append("<w").append(w).append(">\n").append(expected.get(w));
                if (!parts[r].equals(want.toString()))
                    harmed.add("process " + i + ", round " + (r + 1) + ":\n" + parts[r] + "\nwanted:\n" + want);
                rounds++;
            }
            if (parts.length < 2) harmed.add("process " + i + " finished no round: " + text);
        }
        System.out.printf("stress: %.1f min; %d busybox runs by %d guests in one JVM, %d rounds of %d workloads by %d "
                + "processes; heap after GC %d MiB at the start, %d MiB half way, %d MiB at the end; process RSS half way %s KiB,"
                + " at the end %s KiB%n", (System.nanoTime() - t0) / 6e10, runs.get(), Host.MAX_GUESTS, rounds,
                WORKLOADS.size(), procs.size(), heap0 >> 20, heapMid >> 20, heapEnd >> 20, rssMid, rssEnd);

        assertThat(escaped).as("Java exceptions that escaped a thread").isEmpty();
        assertThat(harmed).as("workloads harmed").isEmpty();
        assertThat(host.guests()).as("guests left in the Host").isEmpty();
        assertThat(heapEnd - heap0).as("heap growth after GC, bytes").isLessThan(256L << 20);
    }
}
