package lguest.host;


import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lguest.launcher.Launcher;
import lguest.HostPrerequisite;

/**
 * Builds the test guests under src/test/guests/ with the host's gcc (-m32) and runs them
 * through the real Launcher, in this JVM, on a given Host.
 */
public final class TestGuests {
    private TestGuests() { }

    private static final Path SRC = Path.of("src/test/guests").toAbsolutePath();
    private static final Map<String, Path> BUILT = new ConcurrentHashMap<>();
    private static Path dir;

    /** The guest built from src/test/guests/NAME.S (NAME may be "hostile/x"), with -D defines. */
    public static synchronized Path build(String name, String... defines) {
        String tag = name.replace('/', '_') + String.join("", defines).replaceAll("[^A-Za-z0-9]", "_");
        Path done = BUILT.get(tag);
        if (done != null) return done;
        try {
            if (dir == null) dir = Files.createTempDirectory("lguest-test-guests");
            Path out = dir.resolve(tag);
            List<String> cmd = new ArrayList<>(List.of("gcc", "-m32", "-nostdlib", "-static", "-no-pie", "-fno-pic",
                    "-Wl,--build-id=none", "-Wl,-T," + SRC.resolve("guest.lds")));
            for (String d : defines) cmd.add("-D" + d);
            cmd.addAll(List.of("-o", out.toString(), SRC.resolve(name + ".S").toString()));
            gcc(cmd, "test guest " + name);
            BUILT.put(tag, out);
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A file `make guest` built (the Guest kernel is "kernel"), in the directory
     * -Dlguest.guest.dir names, or target/guest. Under make test, which names it, the file
     * must be there; from an IDE without it, the test is skipped, saying what to run.
     */
    public static Path built(String name) {
        String named = System.getProperty("lguest.guest.dir");
        Path file = Path.of(named != null ? named : "target/guest").resolve(name).toAbsolutePath();
        if (named != null && !Files.isRegularFile(file)) throw new AssertionError(file + " was not built by make guest");
        HostPrerequisite.require(Files.isRegularFile(file), "no " + file + " (run make guest)");
        return file;
    }

    /**
     * Runs a gcc command line that builds a test guest and returns what gcc said. A host
     * without gcc, or whose gcc cannot make 32-bit code, is a missing prerequisite (a
     * failure under make test); any other error fails the test, naming what was built.
     */
    public static String gcc(List<String> cmd, String what) {
        try {
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            } catch (IOException e) {
                HostPrerequisite.require(false, "no gcc on this host");
                return "";
            }
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            HostPrerequisite.require(rc == 0 || !log.contains("-m32"), "gcc cannot build 32-bit code here: " + log);
            if (rc != 0) throw new AssertionError("building " + what + " failed:\n" + log);
            return log;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** What one Launcher run left behind. */
    public record Run(int status, String out, String err) { }

    public static Run launch(Host host, String... args) {
        return launch(host, InputStream.nullInputStream(), args);
    }

    public static Run launch(Host host, InputStream in, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Launcher.run(host, args, in, out, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
