package lguest.labs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/*M:150 Who grades the graders?  A grader that passes on an empty answer is
 * worse than none: the student learns nothing and believes otherwise.  So
 * `make test` runs every lab twice.  On the whole tree its grader must give
 * full marks.  Then the tree is copied, the lab's code taken out exactly as
 * `make lab` would, the copy compiled (the stubs must build), the Guest kernel
 * rebuilt if the lab is in C, and the grader run on the copy: it must give
 * less than full marks, and it must say so by failing tests, not by crashing
 * or hanging.  Each run is a fresh JVM in the copy's own directory, so the
 * grader's guests, started with bin/lguest, run the stubbed classes too. */
class LabsTest {
    static final Path ROOT = Paths.get(System.getProperty("lguest.root", ".")).toAbsolutePath().normalize();
    static final long MINUTES = 6;

    @Test
    void everyLabIsWellFormedAndThereAreEnoughForACourse() throws Exception {
        Run check = java(List.of(ROOT.resolve("labs/Labs.java").toString(), "check"), ROOT);
        assertThat(check.status()).as(check.output()).isZero();
        assertThat(labs()).as("labs in labs/*.lab").hasSizeGreaterThanOrEqualTo(10);
    }

    @TestFactory
    Stream<DynamicTest> everyGraderPassesTheWholeTreeAndFailsTheStubbedOne() throws IOException {
        return labs().stream().flatMap(lab -> Stream.of(
                DynamicTest.dynamicTest(lab + ": the whole tree gets full marks", () -> {
                    Run r = grade(ROOT, ROOT.resolve("target/guest"), lab);
                    System.out.printf("lab %-18s whole tree:   %s%n", lab, score(r));
                    assertThat(r.status()).as("grader on the whole tree:\n" + r.output()).isZero();
                }),
                DynamicTest.dynamicTest(lab + ": the stubbed tree builds and its grader fails", () -> {
                    Path copy = stubbedCopy(lab);
                    try {
                        Run r = grade(copy, copy.resolve("target/guest"), lab);
                        System.out.printf("lab %-18s stubbed tree: %s%n", lab, score(r));
                        assertThat(r.status()).as("grader on the stubbed tree (1 = less than full marks):\n"
                                + r.output()).isEqualTo(1);
                        assertThat(r.output()).contains("FAIL");
                    } finally {
                        deleteTree(copy);
                    }
                })));
    }
    /*:*/

    /** The grader's last line, "score: N/M", or what went wrong instead. */
    static String score(Run r) {
        return r.output().lines().filter(l -> l.startsWith("score: ")).reduce((a, b) -> b)
                .orElse("no score (status " + r.status() + ")");
    }

    static List<String> labs() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("labs"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".lab"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
        }
    }

    /*M:160 The stubbed copy is a small tree of its own: the sources, bin/ and
     * labs/ copied; the stubs put in by labs/Labs.java; the Java compiled with
     * the JDK's own compiler into the copy's target/; the Guest kernel built
     * there when the lab is in C, or borrowed from the real tree when it is
     * not; busybox borrowed always. */
    static Path stubbedCopy(String lab) throws Exception {
        Path copy = Files.createTempDirectory("lab-" + lab + "-");
        for (String d : List.of("src", "bin", "labs")) copyTree(ROOT.resolve(d), copy.resolve(d));
        Run stub = java(List.of(ROOT.resolve("labs/Labs.java").toString(), "stub", lab, "--root", copy.toString()),
                copy);
        assertThat(stub.status()).as("stubbing " + lab + ": " + stub.output()).isZero();

        Files.createDirectories(copy.resolve("target"));
        Files.createSymbolicLink(copy.resolve("target/busybox"), ROOT.resolve("target/busybox"));
        String deps = Files.readString(ROOT.resolve("target/test-classpath.txt")).strip();
        compile(copy.resolve("src/main/java"), copy.resolve("target/classes"), deps);
        compile(copy.resolve("src/test/java"), copy.resolve("target/test-classes"),
                copy.resolve("target/classes") + File.pathSeparator + deps);
        copyTree(ROOT.resolve("src/test/resources"), copy.resolve("target/test-classes"));

        if (field(lab, "guest").equals("yes")) {
            Run make = run(List.of("make", "-s", "-C", copy.resolve("src/guest").toString(),
                    "O=" + copy.resolve("target/guest")), copy);
            assertThat(make.status()).as("the stubbed Guest kernel builds:\n" + make.output()).isZero();
        } else {
            Files.createSymbolicLink(copy.resolve("target/guest"), ROOT.resolve("target/guest"));
        }
        return copy;
    }
    /*:*/

    static void compile(Path sources, Path into, String classpath) throws IOException {
        List<String> files;
        try (Stream<Path> all = Files.walk(sources)) {
            files = all.map(Path::toString).filter(n -> n.endsWith(".java")).toList();
        }
        Files.createDirectories(into);
        List<String> args = new ArrayList<>(List.of("-d", into.toString(), "-cp", classpath, "--release", "17",
                "-proc:none", "-nowarn", "-encoding", "UTF-8"));
        args.addAll(files);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
        int status = javac.run(null, errors, errors, args.toArray(new String[0]));
        assertThat(status).as("the stubbed tree compiles:\n" + errors.toString(StandardCharsets.UTF_8)).isZero();
    }

    /** Runs the lab's grader in its own JVM, in the tree at root. */
    static Run grade(Path root, Path guestDir, String lab) throws Exception {
        String deps = Files.readString(ROOT.resolve("target/test-classpath.txt")).strip();
        String cp = String.join(File.pathSeparator, root.resolve("target/test-classes").toString(),
                root.resolve("target/classes").toString(), deps);
        return run(List.of(javaBin(), "-Xss16m", "-XX:+UseSerialGC", "-cp", cp, "-Dlguest.root=" + root,
                "-Dlguest.guest.dir=" + guestDir, "-Dlguest.strict=true", "lguest.labs.GradeRunner", lab), root);
    }

    static String field(String lab, String key) throws IOException {
        return Files.readAllLines(ROOT.resolve("labs/" + lab + ".lab")).stream()
                .filter(l -> l.startsWith(key + ":")).map(l -> l.substring(key.length() + 1).replaceFirst("#.*", "").strip())
                .findFirst().orElse("");
    }

    record Run(int status, String output) {}

    static Run java(List<String> args, Path cwd) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(javaBin()));
        cmd.addAll(args);
        return run(cmd, cwd);
    }

    static String javaBin() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    static Run run(List<String> cmd, Path dir) throws Exception {
        Path out = Files.createTempFile("lab-run", ".out");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!p.waitFor(MINUTES, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                return new Run(-1, "timed out after " + MINUTES + " minutes: " + String.join(" ", cmd) + "\n"
                        + Files.readString(out));
            }
            return new Run(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        if (!Files.exists(from)) return;
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
