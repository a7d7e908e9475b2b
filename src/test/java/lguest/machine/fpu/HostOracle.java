package lguest.machine.fpu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds and runs the freestanding C programs of src/test/fpu on the host CPU, whose own
 * x87 is the reference. Everything goes to target/fpu-conformance under the project root.
 */
final class HostOracle {
    private HostOracle() { }

    static Path root() {
        return Paths.get(System.getProperty("lguest.root", System.getProperty("user.dir")));
    }

    static Path outputDir() throws IOException {
        Path d = root().resolve("target").resolve("fpu-conformance");
        Files.createDirectories(d);
        return d;
    }

    /** Compiles src/test/fpu/NAME.c to a 32-bit static binary; null if the host cannot. */
    static Path build(String name) throws IOException, InterruptedException {
        Path src = root().resolve("src/test/fpu").resolve(name + ".c");
        Path exe = outputDir().resolve(name);
        if (Files.exists(exe) && Files.getLastModifiedTime(exe).compareTo(Files.getLastModifiedTime(src)) > 0) {
            return exe;
        }
        List<String> cmd = List.of("gcc", "-m32", "-O1", "-ffreestanding", "-nostdlib", "-static", "-fno-pic",
                "-fno-stack-protector", "-o", exe.toString(), src.toString());
        Result r = run(cmd);
        if (r.exit != 0) {
            System.err.println("cannot build " + name + ": " + r.stderr);
            return null;
        }
        return exe;
    }

    record Result(int exit, String stdout, String stderr) { }

    static Result run(List<String> cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            return new Result(-1, "", e.toString());
        }
        p.getOutputStream().close();
        byte[][] out = new byte[2][];
        Thread err = new Thread(() -> out[1] = readAll(p.getErrorStream()));
        err.start();
        out[0] = readAll(p.getInputStream());
        if (!p.waitFor(300, TimeUnit.SECONDS)) { p.destroyForcibly(); throw new IOException("timeout: " + cmd); }
        err.join();
        return new Result(p.exitValue(), new String(out[0], StandardCharsets.ISO_8859_1),
                new String(out[1] == null ? new byte[0] : out[1], StandardCharsets.ISO_8859_1));
    }

    private static byte[] readAll(InputStream in) {
        try { return in.readAllBytes(); } catch (IOException e) { return new byte[0]; }
    }

    static List<String> lines(String s) {
        List<String> l = new ArrayList<>();
        for (String line : s.split("\n")) if (!line.isEmpty()) l.add(line);
        return l;
    }
}
