package lguest;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * A test that has run far longer than any test should is a hang: an emulated CPU
 * spinning, a console that will never print what we wait for. Rather than let the
 * whole run sit until CI's clock kills it with nothing said, this listener (found by
 * the JUnit launcher through META-INF/services) watches every running test; one past
 * the limit (lguest.watchdog.seconds, which the pom sets to 300 for Maven's runs,
 * about ten times the slowest test) gets its name and every thread's stack written to
 * target/watchdog.txt and stderr, and the test JVM is stopped, so the run fails at
 * once and says where it stood. Without the property (a test run from an IDE), or
 * under a debugger, it does nothing: a student stopped at a breakpoint is not a hang.
 */
public final class Watchdog implements TestExecutionListener {
    private static final long LIMIT_MS = Long.getLong("lguest.watchdog.seconds", 0) * 1000;
    private final Map<TestIdentifier, Long> running = new ConcurrentHashMap<>();

    public Watchdog() {
        boolean debugged = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.contains("jdwp"));
        if (LIMIT_MS <= 0 || debugged) return;
        Thread t = new Thread(this::watch, "watchdog");
        t.setDaemon(true);
        t.start();
    }

    @Override public void executionStarted(TestIdentifier id) {
        if (id.isTest()) running.put(id, System.currentTimeMillis());
    }

    @Override public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        running.remove(id);
    }

    private void watch() {
        while (true) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.currentTimeMillis();
            for (Map.Entry<TestIdentifier, Long> e : running.entrySet()) {
                if (now - e.getValue() > LIMIT_MS) bark(e.getKey(), now - e.getValue());
            }
        }
    }

    /** A hung test may be waiting for a Launcher or x86run it started: their stacks too. */
    private static void children(ProcessHandle p, StringBuilder s) {
        String cmd = p.info().commandLine().orElse("?");
        s.append("child process ").append(p.pid()).append(": ").append(cmd).append('\n');
        if (!cmd.contains("java")) return;
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(p.pid()), "Thread.print").redirectErrorStream(true).start();
            s.append(new String(jcmd.getInputStream().readAllBytes()));
            jcmd.waitFor();
        } catch (IOException | InterruptedException e) {
            s.append("(no stacks: ").append(e).append(")\n");
        }
    }

    private static void bark(TestIdentifier id, long ms) {
        StringBuilder s = new StringBuilder();
        s.append("watchdog: ").append(id.getUniqueId()).append(" has run ").append(ms / 1000)
                .append(" s, past the limit of ").append(LIMIT_MS / 1000).append(" s; every thread:\n");
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            s.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState()).append('\n');
            for (StackTraceElement f : t.getStackTrace()) s.append("    at ").append(f).append('\n');
        }
        ProcessHandle.current().descendants().forEach(p -> children(p, s));
        try {
            Path dir = Path.of(System.getProperty("lguest.root", "."), "target");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("watchdog.txt"), s);
        } catch (IOException ignored) {
            // stderr still has it
        }
        PrintStream err = System.err;
        err.print(s);
        err.flush();
        Runtime.getRuntime().halt(3);
    }
}
