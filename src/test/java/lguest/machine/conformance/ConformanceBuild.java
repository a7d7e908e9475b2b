package lguest.machine.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds the conformance programs under {@code src/test/conformance/} with the host's gcc
 * into {@code target/conformance/} of the project root, once per JVM.
 */
final class ConformanceBuild {

    /*M:580 The programs are built by the host's gcc, at test time, from the sources in
     * src/test/conformance. Nothing prebuilt is checked in: a binary in the repository would
     * be a claim nobody can re-check. If gcc cannot build 32-bit code (no gcc-multilib, say),
     * the tests fail and say why; skipping would turn "the CPU was never checked" into a
     * green bar. Each binary is built in a private directory and renamed into place, so
     * two builds of the same tree running at once do not trip over each other's halves.
     *
     * The emulated side runs through bin/x86run, the door a person uses (TwoMachines), so
     * the tool is checked along with the CPU: ELF loading, the initial stack, its four
     * system calls and the exit status. :*/
    static final List<String> CFLAGS = List.of(
            "-m32", "-march=i686", "-mno-sse", "-mno-mmx", "-ffreestanding", "-fno-pic", "-no-pie",
            "-fno-stack-protector", "-fcf-protection=none", "-fno-builtin",
            "-fno-tree-loop-distribute-patterns", "-fno-asynchronous-unwind-tables",
            "-O2", "-Wall", "-nostdlib", "-static");

    private static final Map<String, Path> BUILT = new ConcurrentHashMap<>();

    private ConformanceBuild() {
    }

    static Path root() {
        String prop = System.getProperty("lguest.root");
        Path p = prop != null && !prop.isBlank() ? Path.of(prop) : Path.of("");
        return p.toAbsolutePath().normalize();
    }

    static Path sources() {
        return root().resolve("src/test/conformance");
    }

    static Path outDir() throws IOException {
        return Files.createDirectories(root().resolve("target/conformance"));
    }

    /** The random-instruction program (generator, then gcc). */
    static synchronized Path randomProgram() throws IOException, InterruptedException {
        Path done = BUILT.get("conf_random");
        if (done != null)
            return done;
        Path work = Files.createTempDirectory(outDir(), "build-");
        try {
            Path gen = sources().resolve("random/FormGenerator.java");
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Run g = Run.exec(List.of(java.toString(), gen.toString(), work.toString()), Map.of(), 300);
            if (g.status() != 0)
                throw new AssertionError("the form generator failed:\n" + g.stdout() + g.stderr());
            Path src = sources();
            Path out = gcc("conf_random", work, List.of("-I" + src.resolve("random")), List.of(
                    src.resolve("runtime/start.S"), src.resolve("runtime/syscall.S"), src.resolve("runtime/rt.c"),
                    src.resolve("random/driver.c"), work.resolve("forms.c"), work.resolve("forms.S")));
            BUILT.put("conf_random", out);
            return out;
        } finally {
            deleteTree(work);
        }
    }

    /**
     * A program made of the runtime plus the given sources (relative to
     * src/test/conformance), with extra link flags such as {@code -Wl,-N}.
     */
    static Path program(String name, List<String> extraFlags, String... sources)
            throws IOException, InterruptedException {
        return program(name, true, extraFlags, sources);
    }

    /** As above; without the runtime's own _start when {@code runtimeStart} is false. */
    static synchronized Path program(String name, boolean runtimeStart, List<String> extraFlags, String... sources)
            throws IOException, InterruptedException {
        Path done = BUILT.get(name);
        if (done != null)
            return done;
        Path work = Files.createTempDirectory(outDir(), "build-");
        try {
            List<Path> srcs = new ArrayList<>();
            if (runtimeStart)
                srcs.add(sources().resolve("runtime/start.S"));
            srcs.add(sources().resolve("runtime/syscall.S"));
            srcs.add(sources().resolve("runtime/rt.c"));
            for (String s : sources)
                srcs.add(sources().resolve(s));
            Path out = gcc(name, work, extraFlags, srcs);
            BUILT.put(name, out);
            return out;
        } finally {
            deleteTree(work);
        }
    }

    private static Path gcc(String name, Path work, List<String> extra, List<Path> srcs)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("gcc");
        cmd.addAll(CFLAGS);
        cmd.addAll(extra);
        cmd.add("-o");
        Path tmp = work.resolve(name);
        cmd.add(tmp.toString());
        for (Path s : srcs)
            cmd.add(s.toString());
        Run r;
        try {
            r = Run.exec(cmd, Map.of(), 300);
        } catch (IOException e) {
            throw new AssertionError("cannot run gcc (is it installed?): " + e.getMessage(), e);
        }
        if (r.status() != 0 || !Files.isRegularFile(tmp))
            throw new AssertionError("gcc -m32 could not build " + name + " (status " + r.status()
                    + "); the conformance suite needs a gcc that can build 32-bit code"
                    + " (e.g. Debian's gcc-multilib)\n" + String.join(" ", cmd) + "\n" + r.stderr());
        Path dest = outDir().resolve(name);
        Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return dest;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir))
            return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList())
                Files.deleteIfExists(p);
        }
    }

    /** What a finished process left behind. */
    record Run(String stdout, String stderr, int status) {

        static Run exec(List<String> cmd, Map<String, String> env, long timeoutSeconds)
                throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().putAll(env);
            Path out = Files.createTempFile("conf-out", ".txt");
            Path err = Files.createTempFile("conf-err", ".txt");
            try {
                pb.redirectOutput(out.toFile());
                pb.redirectError(err.toFile());
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                Process p = pb.start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor();
                    throw new AssertionError("timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd)
                            + "\n" + tail(Files.readString(err, StandardCharsets.ISO_8859_1), 2000));
                }
                // Latin-1: a broken emulator may print any bytes, and every byte must show
                return new Run(Files.readString(out, StandardCharsets.ISO_8859_1),
                        Files.readString(err, StandardCharsets.ISO_8859_1), p.exitValue());
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        }
    }

    static String tail(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - max);
    }
}
