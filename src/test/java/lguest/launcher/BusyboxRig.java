package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import lguest.HostPrerequisite;

/**
 * What the busybox tests share: where the Guest kernel and Debian's busybox are, and how to
 * run a command, natively or under bin/lguest, and collect its output and status. Native
 * runs get the environment the Guest kernel gives its first process (HOME, PATH, TERM),
 * plus TZ=UTC: the Guest has no zone files, so UTC is what it shows.
 */
final class BusyboxRig {
    static final Map<String, String> ENV = Map.of("HOME", "/", "PATH", "/bin", "TERM", "linux", "TZ", "UTC");

    final Path kernel, busybox;

    private BusyboxRig(Path kernel, Path busybox) {
        this.kernel = kernel;
        this.busybox = busybox;
    }

    /** Under `make test` (-Dlguest.guest.dir) both must exist; from an IDE without them, skip. */
    static BusyboxRig find() {
        String named = System.getProperty("lguest.guest.dir");
        Path kernel = Path.of(named != null ? named : "target/guest").resolve("kernel").toAbsolutePath();
        Path busybox = Path.of("target/busybox/busybox").toAbsolutePath();
        if (named != null) {
            assertThat(kernel).as("the guest kernel make built").isRegularFile();
            assertThat(busybox).as("busybox from `make busybox`").isRegularFile();
        } else {
            HostPrerequisite.require(Files.isRegularFile(kernel), "no guest kernel at " + kernel + " (run make guest)");
            HostPrerequisite.require(Files.isRegularFile(busybox), "no " + busybox + " (run make busybox)");
        }
        return new BusyboxRig(kernel, busybox);
    }

    record Result(int status, String output, long millis) { }

    /** busybox ARGS on this machine. */
    List<String> nativeCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(busybox.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** bin/lguest 64m KERNEL --initrd=BUSYBOX OPTIONS... quiet -- ARGS. */
    List<String> guestCommand(List<String> options, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of("bin/lguest").toAbsolutePath().toString(), "64m",
                kernel.toString(), "--initrd=" + busybox));
        cmd.addAll(options);
        cmd.addAll(List.of("quiet", "--"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs cmd in dir (null: here) with stdin as given (null: /dev/null), stdout and stderr together. */
    static Result run(List<String> cmd, String stdin, Path dir) throws IOException, InterruptedException {
        Path out = Files.createTempFile("busybox-test", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            if (stdin == null) pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            if (dir != null) pb.directory(dir.toFile());
            pb.environment().clear();
            pb.environment().putAll(ENV);
            if (cmd.get(0).endsWith("bin/lguest"))
                pb.environment().put("PATH", System.getProperty("java.home") + "/bin:/usr/bin:/bin");
            long t0 = System.nanoTime();
            Process p = pb.start();
            if (stdin != null) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            boolean done = p.waitFor(120, TimeUnit.SECONDS);
            if (!done) p.destroyForcibly().waitFor();
            String text = new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1);
            assertThat(done).as("finished within 120 s: " + cmd + "\n" + text).isTrue();
            return new Result(p.exitValue(), text, (System.nanoTime() - t0) / 1_000_000);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
