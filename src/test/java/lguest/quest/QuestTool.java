package lguest.quest;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The extractor as the tests see it: extract-tool/Quest.java is a single-file
 * program outside the Maven build, so it is compiled here once, with the JDK's
 * own compiler, and its run(args, out, err) called in-process.
 */
final class QuestTool {
    static final Path ROOT = Paths.get(System.getProperty("lguest.root", ".")).toAbsolutePath().normalize();

    /** What one run printed, and its exit status. */
    record Result(int status, String out, String err) { }

    private static Method run;

    static synchronized Result run(String... args) throws Exception {
        if (run == null) {
            Path classes = ROOT.resolve("target/quest-tool-classes");
            Files.createDirectories(classes);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            int rc = javac.run(null, null, null, "-d", classes.toString(),
                    ROOT.resolve("extract-tool/Quest.java").toString());
            if (rc != 0) throw new IllegalStateException("extract-tool/Quest.java does not compile");
            URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                    QuestTool.class.getClassLoader());
            run = loader.loadClass("Quest").getMethod("run", String[].class, PrintStream.class, PrintStream.class);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = (int) run.invoke(null, args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Path fixture(String name) {
        return ROOT.resolve("src/test/resources/quest").resolve(name);
    }

    private QuestTool() { }
}
