package lguest.labs;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/*M:140 Grading.  `make grade NAME` runs the lab's grader, a plain JUnit class,
 * through JUnit's own launcher rather than through Maven, so that it can print
 * what a student wants to see: every test with its points, what went wrong in
 * one line, and a total.  The same runner is what the lab tests use to prove
 * that a grader gives less than full marks on the stubbed tree and full marks
 * on the whole one; its exit status says which (0 for full marks, 1 for
 * less, 2 when the grader could not be run at all, which is never a pass). */
public final class GradeRunner {

    /** One graded test: its name, its points, and what happened. */
    record Mark(String name, int points, boolean passed, String why) {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: GradeRunner LAB   (run by make grade LAB)");
            System.exit(2);
        }
        System.exit(grade(args[0], Paths.get(System.getProperty("lguest.root", ".")), System.out));
    }

    static int grade(String lab, Path root, PrintStream out) throws Exception {
        Path file = root.resolve("labs").resolve(lab + ".lab");
        Optional<String> grader = Files.exists(file)
                ? Files.readAllLines(file).stream().filter(l -> l.startsWith("grader:"))
                        .map(l -> l.substring(7).replaceFirst("#.*", "").strip()).findFirst()
                : Optional.empty();
        if (grader.isEmpty()) {
            out.println("grade: no lab '" + lab + "' (make labs lists them)");
            return 2;
        }
        Class<?> graderClass;
        try {
            graderClass = Class.forName(grader.get());
        } catch (ClassNotFoundException | LinkageError e) {
            out.println("grade: lab " + lab + ": cannot load its grader " + grader.get() + " (" + e + ")");
            return 2;
        }
        List<Mark> marks = run(graderClass);
        int got = 0, max = 0;
        out.println("grading lab " + lab + " with " + grader.get());
        for (Mark m : marks) {
            max += m.points();
            if (m.passed()) got += m.points();
            out.printf("  %-4s %2d/%-2d  %s%n", m.passed() ? "ok" : "FAIL", m.passed() ? m.points() : 0,
                    m.points(), m.name());
            if (!m.passed()) out.println("               " + m.why());
        }
        out.printf("score: %d/%d%n", got, max);
        if (marks.isEmpty()) return 2;
        return marks.stream().allMatch(Mark::passed) ? 0 : 1;
    }
    /*:*/

    /** Runs every test of the grader class, in one JUnit launcher session. */
    static List<Mark> run(Class<?> grader) {
        List<Mark> marks = new ArrayList<>();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(grader)).build(),
                new TestExecutionListener() {
                    @Override
                    public void executionSkipped(TestIdentifier id, String reason) {
                        if (id.isTest()) marks.add(new Mark(id.getDisplayName(), points(id), false, "skipped: " + reason));
                    }

                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        if (id.isTest()) {
                            boolean ok = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
                            marks.add(new Mark(id.getDisplayName(), points(id), ok, ok ? "" : why(result)));
                        } else if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                            // A failure outside any test (in @BeforeAll, say) fails the lot.
                            marks.add(new Mark(id.getDisplayName() + " (set-up)", 0, false, why(result)));
                        }
                    }
                });
        return marks;
    }

    private static int points(TestIdentifier id) {
        return id.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast).map(s -> {
            try {
                Method m = s.getJavaClass().getDeclaredMethod(s.getMethodName(),
                        s.getMethodParameterTypes().isEmpty() ? new Class<?>[0] : parameterTypes(s));
                Points p = m.getAnnotation(Points.class);
                return p == null ? 1 : p.value();
            } catch (ReflectiveOperationException e) {
                return 1;
            }
        }).orElse(1);
    }

    private static Class<?>[] parameterTypes(MethodSource s) throws ClassNotFoundException {
        List<Class<?>> types = new ArrayList<>();
        for (String n : s.getMethodParameterTypes().split(",\\s*")) types.add(Class.forName(n));
        return types.toArray(new Class<?>[0]);
    }

    private static String why(TestExecutionResult result) {
        return result.getThrowable().map(t -> {
            String m = String.valueOf(t.getMessage()).strip().replaceAll("\\s+", " ");
            return t.getClass().getSimpleName() + ": " + (m.length() > 200 ? m.substring(0, 200) + "…" : m);
        }).orElse("failed");
    }
}
