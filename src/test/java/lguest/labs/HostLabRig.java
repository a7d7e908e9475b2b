package lguest.labs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    /** How long a guest may take: a student's Host can loop for ever (a fault filled again and again). */
    static final int SECONDS = 120;

    /**
     * The Launcher on a thread of its own, so that a guest that never finishes fails the
     * test instead of hanging the grader.  The thread is a daemon and is left behind: the
     * Host gives no way to stop a guest from outside, and the JVM ends without it.
     */
    static TestGuests.Run launch(Host host, String... args) {
        FutureTask<TestGuests.Run> run = new FutureTask<>(() -> TestGuests.launch(host, args));
        Thread t = new Thread(run, "lab guest " + String.join(" ", args));
        t.setDaemon(true);
        t.start();
        try {
            return run.get(SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the guest did not finish within " + SECONDS + " s: " + String.join(" ", args)
                    + " (is a fault being filled, or a call made, again and again?)");
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A test guest (src/test/guests/NAME.S, built with -D defines) in 4 MB, with the Launcher's options. */
    static TestGuests.Run guest(String name, List<String> defines, String... options) {
        List<String> args = new ArrayList<>(List.of("4m",
                TestGuests.build(name, defines.toArray(String[]::new)).toString()));
        args.addAll(List.of(options));
        return launch(new Host(), args.toArray(String[]::new));
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
        FutureTask<TestGuests.Run> good = new FutureTask<>(() -> launch(host, "4m", companion));
        Thread t = new Thread(good, "companion");
        t.setDaemon(true);
        t.start();
        TestGuests.Run r = launch(host, "4m", bad);
        TestGuests.Run ok;
        try {
            ok = good.get();
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertThat(ok.out()).as("the well-behaved companion in the same Host (its stderr: %s)", ok.err())
                .endsWith("companion done\n");
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
        return TestGuests.built("kernel");
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
        return launch(new Host(), cmd.toArray(String[]::new));
    }
}
