package lguest.labs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lguest.HostPrerequisite;
import lguest.host.Host;
import lguest.host.TestGuests;

/**
 * What the Host labs' graders share: running the Host's small test guests (src/test/guests)
 * and the Guest kernel through the real Launcher in this JVM, so that a grader runs exactly
 * the code in the student's tree.
 */
final class HostLabRig {
    private HostLabRig() { }

    /** A test guest (src/test/guests/NAME.S, built with -D defines) in 4 MB, with the Launcher's options. */
    static TestGuests.Run guest(String name, List<String> defines, String... options) {
        List<String> args = new ArrayList<>(List.of("4m",
                TestGuests.build(name, defines.toArray(String[]::new)).toString()));
        args.addAll(List.of(options));
        return TestGuests.launch(new Host(), args.toArray(String[]::new));
    }

    static TestGuests.Run guest(String name, String... options) {
        return guest(name, List.of(), options);
    }

    /**
     * A guest expected to die, run beside the well-behaved companion in the same Host: the
     * companion must finish untouched, whatever happened to its neighbour.
     */
    static TestGuests.Run beside(String name) {
        Host host = new Host();
        String companion = TestGuests.build("companion").toString();
        String bad = TestGuests.build(name).toString();
        CompletableFuture<TestGuests.Run> good = CompletableFuture.supplyAsync(() -> TestGuests.launch(host, "4m", companion));
        TestGuests.Run r = TestGuests.launch(host, "4m", bad);
        TestGuests.Run ok = good.join();
        assertThat(ok.out()).as("the companion guest in the same Host").endsWith("companion done\n");
        assertThat(ok.status()).as("the companion's exit status (its stderr: %s)", ok.err()).isZero();
        return r;
    }

    /** The reason the Launcher gave for a guest's death, or "" if it did not die. */
    static String deathOf(TestGuests.Run r) {
        Matcher m = Pattern.compile("lguest: guest died: (.*)").matcher(r.err());
        return m.find() ? m.group(1) : "";
    }

    /** The Guest kernel `make guest` built (-Dlguest.guest.dir, else target/guest). */
    static Path kernel() {
        String named = System.getProperty("lguest.guest.dir");
        Path kernel = Path.of(named != null ? named : "target/guest").resolve("kernel").toAbsolutePath();
        if (named != null) assertThat(kernel).as("the guest kernel make built").isRegularFile();
        else HostPrerequisite.require(Files.isRegularFile(kernel), "no guest kernel at " + kernel + " (run make guest)");
        return kernel;
    }

    /** Debian's busybox, from `make busybox`. */
    static Path busybox() {
        Path busybox = Path.of("target/busybox/busybox").toAbsolutePath();
        if (System.getProperty("lguest.guest.dir") != null) assertThat(busybox).as("busybox from make busybox").isRegularFile();
        else HostPrerequisite.require(Files.isRegularFile(busybox), "no " + busybox + " (run make busybox)");
        return busybox;
    }

    /** The Guest kernel in 64 MB with busybox as its initrd, running ARGS (busybox's own argv). */
    static TestGuests.Run busybox(List<String> options, String... args) {
        List<String> cmd = new ArrayList<>(List.of("64m", kernel().toString(), "--initrd=" + busybox()));
        cmd.addAll(options);
        cmd.addAll(List.of("quiet", "--"));
        cmd.addAll(List.of(args));
        return TestGuests.launch(new Host(), cmd.toArray(String[]::new));
    }
}
