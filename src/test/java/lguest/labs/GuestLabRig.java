package lguest.labs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import lguest.HostPrerequisite;

/**
 * What the Guest and Drivers labs' graders share: the Guest kernel as the tree builds it
 * (-Dlguest.guest.dir, as for the other tests), Debian's busybox, e2fsprogs, and a run of
 * bin/lguest as its own process, so that a student's Guest that hangs is stopped after a
 * time limit rather than hanging the grader.
 */
final class GuestLabRig {
    private GuestLabRig() { }

    /** The tree being graded: the working tree, or the stubbed copy LabsTest makes. */
    static final Path ROOT = Path.of(System.getProperty("lguest.root", ".")).toAbsolutePath().normalize();
    static final Path LGUEST = ROOT.resolve("bin/lguest");

    /** The Guest kernel: under `make test`/`make grade` it must exist; from an IDE, skip without it. */
    static Path kernel() {
        String named = System.getProperty("lguest.guest.dir");
        Path kernel = (named != null ? Path.of(named) : ROOT.resolve("target/guest")).resolve("kernel").toAbsolutePath();
        if (named != null) assertThat(kernel).as("the guest kernel make built").isRegularFile();
        else HostPrerequisite.require(Files.isRegularFile(kernel), "no guest kernel at " + kernel + " (run make guest)");
        return kernel;
    }

    static Path busybox() {
        Path busybox = ROOT.resolve("target/busybox/busybox");
        HostPrerequisite.require(Files.isRegularFile(busybox), "no " + busybox + " (run make busybox)");
        return busybox;
    }

    static String tool(String name) {
        for (String dir : List.of("/sbin", "/usr/sbin", "/bin", "/usr/bin"))
            if (Files.isExecutable(Path.of(dir, name))) return dir + "/" + name;
        HostPrerequisite.require(false, "no " + name + " (e2fsprogs)");
        return null;
    }

    record Result(int status, String output) {
        /** Fails first, and plainly, when the Guest panicked (a lab's stub does) or the
         *  Launcher gave up: the line that says why, not a page of console to compare. */
        Result ran() {
            Matcher panic = Pattern.compile("Kernel panic: [^\n]*").matcher(output);
            if (panic.find()) throw new AssertionError("the Guest panicked: " + panic.group());
            Matcher launcher = Pattern.compile("(?m)^lguest: [^\n]*").matcher(output);
            if (status != 0 && launcher.find()) throw new AssertionError("the Launcher stopped: " + launcher.group());
            return this;
        }

        /** The Launcher's --stats: hypercalls by number. */
        Map<Integer, Long> hypercalls() {
            Map<Integer, Long> m = new TreeMap<>();
            Matcher line = Pattern.compile("(?m)^hypercalls:(.*)$").matcher(output);
            assertThat(line.find()).as("--stats printed its hypercall line:\n" + output).isTrue();
            Matcher c = Pattern.compile(" (\\d+)=(\\d+)").matcher(line.group(1));
            while (c.find()) m.put(Integer.parseInt(c.group(1)), Long.parseLong(c.group(2)));
            return m;
        }

        long hypercall(int n) {
            return hypercalls().getOrDefault(n, 0L);
        }

        /** The Launcher's --stats: how many hypercalls the Host took from the async ring. */
        long fromRing() {
            Matcher m = Pattern.compile("of which (\\d+) from the async ring").matcher(output);
            assertThat(m.find()).as("--stats printed the async ring's count:\n" + output).isTrue();
            return Long.parseLong(m.group(1));
        }

        /** The Launcher's --stats: exits for hypercalls (trap 0x1F). */
        long hcallExits() {
            Matcher m = Pattern.compile("(?m)^exits by trap:.* hcall=(\\d+)").matcher(output);
            assertThat(m.find()).as("--stats printed the exits:\n" + output).isTrue();
            return Long.parseLong(m.group(1));
        }
    }

    /** bin/lguest 64m KERNEL OPTIONS... ARGS..., stdin as given (null: none), output and errors
     *  together; a Guest that panicked or a Launcher that gave up fails here, saying why. */
    static Result lguest(List<String> optionsAndArgs, String stdin) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(LGUEST.toString(), "64m", kernel().toString()));
        cmd.addAll(optionsAndArgs);
        return run(cmd, stdin, 120).ran();
    }

    /** busybox ARGS in the Guest, as its first process: options first (--block=...), then "quiet -- ARGS". */
    static Result busybox(List<String> options, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("--initrd=" + busybox()));
        all.addAll(options);
        all.add("quiet");
        all.add("--");
        all.addAll(List.of(args));
        return lguest(all, null);
    }

    static Result run(List<String> cmd, String stdin, int seconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("guest-lab", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            if (stdin == null) pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("PATH", System.getProperty("java.home") + "/bin:/usr/bin:/bin:/usr/sbin:/sbin");
            Process p = pb.start();
            if (stdin != null) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
            if (!done) p.destroyForcibly().waitFor();
            String text = new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1);
            assertThat(done).as("finished within " + seconds + " s: " + String.join(" ", cmd) + "\n" + text).isTrue();
            return new Result(p.exitValue(), text);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** An ext2 image of blocks blocks of blockSize bytes holding tree (mke2fs -d). */
    static void mkext2(Path tree, Path image, int blockSize, int blocks) throws IOException, InterruptedException {
        Files.deleteIfExists(image);
        Result r = run(List.of(tool("mke2fs"), "-q", "-t", "ext2", "-b", "" + blockSize, "-d", tree.toString(), "-F",
                image.toString(), "" + blocks), null, 60);
        assertThat(r.status()).as("mke2fs: " + r.output()).isZero();
    }

    /** The contents of a file inside an ext2 image, by debugfs. */
    static String debugfsCat(Path image, String path) throws IOException, InterruptedException {
        Result r = run(List.of(tool("debugfs"), "-R", "cat " + path, image.toString()), null, 60);
        assertThat(r.status()).as("debugfs: " + r.output()).isZero();
        return r.output().replaceFirst("(?s)^debugfs [^\n]*\n", "");
    }

    /** e2fsck -fn on an image: 0 when clean. */
    static Result fsck(Path image) throws IOException, InterruptedException {
        return run(List.of(tool("e2fsck"), "-fn", image.toString()), null, 60);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String sha256(Path p) throws IOException {
        return sha256(Files.readAllBytes(p));
    }

    static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** What `seq 1 n` prints. */
    static String seq(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) sb.append(i).append('\n');
        return sb.toString();
    }
}
