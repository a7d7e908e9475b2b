package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lguest.launcher.BusyboxRig.Result;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, row 1: what user space does must never bring the Guest kernel down. A fork bomb
 * in a Guest of a few megabytes, and a pipe that holds 100 MB in a 64 MiB Guest, run the
 * kernel out of pages; every allocation a process can cause must then fail with an error
 * (or kill that process, as Linux's OOM killer would), and the shell that started it all
 * must go on and power the Guest off cleanly.
 */
class HostileUserTest {
    private static BusyboxRig rig;

    @BeforeAll
    static void find() {
        rig = BusyboxRig.find();
    }

    /** bin/lguest MEM KERNEL --initrd=BUSYBOX quiet -- sh -c SCRIPT. */
    static Result guest(BusyboxRig rig, String mem, List<String> options, String script) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of("bin/lguest").toAbsolutePath().toString(), mem,
                rig.kernel.toString(), "--initrd=" + rig.busybox));
        cmd.addAll(options);
        cmd.addAll(List.of("quiet", "--", "sh", "-c", script));
        return BusyboxRig.run(cmd, null, null);
    }

    /** BusyboxRig.run with a longer limit, for work that is slow on a loaded machine. */
    static Result run(List<String> cmd, int seconds) throws Exception {
        Path out = java.nio.file.Files.createTempFile("hostile", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("PATH", System.getProperty("java.home") + "/bin:/usr/bin:/bin");
            long t0 = System.nanoTime();
            Process p = pb.start();
            boolean done = p.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS);
            if (!done) p.destroyForcibly().waitFor();
            String text = java.nio.file.Files.readString(out, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(done).as("finished within " + seconds + " s: " + cmd + "\n" + text).isTrue();
            return new Result(p.exitValue(), text, (System.nanoTime() - t0) / 1_000_000);
        } finally {
            java.nio.file.Files.deleteIfExists(out);
        }
    }

    static void survived(Result r) {
        assertThat(r.output()).as("the Guest's output").doesNotContain("Kernel panic").doesNotContain("guest died")
                .contains("survived");
        assertThat(r.status()).as("the Guest powered off with the shell's status\n" + r.output()).isZero();
    }

    @Test
    void aForkBombInATinyGuestKillsNoKernel() throws Exception {
        // The bomb never ends by itself: process 1's exit powers the Guest off under it.
        // The shell shares the CPU with its bomb from its first fork on (G:694; a process
        // that had started alone used to keep the CPU until it waited), so the bomb may take
        // the memory before the shell's own next fork, which then fails as in 4 MiB.
        survivedOrRefused(guest(rig, "5m", List.of(), "f(){ f|f& }; f; sleep 3; echo survived"));
    }

    @Test
    void aForkBombInAFourMegabyteGuest() throws Exception {
        // 4 MiB leaves room for one shell and little else: its first fork may already fail
        // with ENOMEM, and a non-interactive ash gives up then ("can't fork", status 2), as it
        // does natively. What counts is that the kernel said no and powered off cleanly.
        survivedOrRefused(guest(rig, "4m", List.of(), "f(){ f|f& }; f; sleep 3; echo survived"));
    }

    /** The shell went on to the end; or a fork or a pipe of its own was refused (ENOMEM, U:920),
     * which ends a non-interactive ash with status 2, natively too. Either way the kernel lived.
     * (Since the shell shares the CPU from its first fork on, G:694, the hogs may take the memory
     * before its next pipe as well as before its next fork; ash then names the errno of a close
     * it made after the failed pipe(), EBADF, not ENOMEM.) */
    static void survivedOrRefused(Result r) {
        assertThat(r.output()).as("the Guest's output").doesNotContain("Kernel panic").doesNotContain("guest died");
        if (r.output().contains("survived")) {
            survived(r);
        } else {
            assertThat(r.output()).containsAnyOf("can't fork: Cannot allocate memory", "can't create pipe");
            assertThat(r.status()).as("ash's own status for a refused fork or pipe\n" + r.output()).isEqualTo(2);
        }
    }

    @Test
    void aHundredMegabytesInAPipeThenLs() throws Exception {
        // dd's 100 MB buffer cannot be had; what it did get is given back when the kernel
        // says no (the OOM killer ends dd), and ls, and the shell, still run. The shell
        // waits for the pipeline with its builtin: a fork while dd still holds the memory
        // would rightly fail, and a "sleep 1" made that a race with the CPU's speed.
        survived(guest(rig, "64m", List.of(),
                "dd if=/dev/zero bs=100M count=1 2>/dev/null | cat >/dev/null & wait $!; ls / >/dev/null 2>&1;"
                        + " ls /proc >/dev/null; echo survived"));
    }

    /** One of src/guest/user's programs as the first process of a Guest of 8 MiB. */
    private Result inAnEightMegabyteGuest(String program) throws Exception {
        Path elf = rig.kernel.resolveSibling("user/" + program + ".elf");
        return run(List.of(Path.of("bin/lguest").toAbsolutePath().toString(), "8m", rig.kernel.toString(),
                "--initrd=" + elf, "quiet", "--", program), 120);
    }

    @Test
    void aWaitForMemoryIsEndedOnlyBySIGKILL() throws Exception {
        // src/guest/user/oomwait.c: the OOM killer ends a child while its parent's read() waits
        // for pages, and the child's SIGCHLD used to end that wait: read() failed with EFAULT,
        // and a shell whose signal frame could not be written the same way died of SIGSEGV
        // (about one run in twenty of the test below). U:240, U:920.
        Result r = inAnEightMegabyteGuest("oomwait");
        assertThat(r.output()).isEqualTo(
                "child ready 00000021 read 00010000 child status 00000009 SIGCHLD caught 00000001\n");
        assertThat(r.status()).isZero();
    }

    @Test
    void theOomKillerSparesAProcessWhoseDeathWouldFreeNothing() throws Exception {
        // src/guest/user/oomshm.c: a process holding shared memory mapped the most pages, and
        // the OOM killer ended it first, though its death freed nothing: the first process
        // held the memory too (U:920).
        Result r = inAnEightMegabyteGuest("oomshm");
        assertThat(r.output()).isEqualTo(
                "the filler ready 00000021 the eater's end 00000009 the holder still there 00000001\n");
        assertThat(r.status()).isZero();
    }

    @Test
    void memoryEatenByManyProcessesThenMore() throws Exception {
        // Each background dd holds as much as it can get; the shell must still run commands.
        survivedOrRefused(guest(rig, "16m", List.of(),
                "for i in 1 2 3 4 5 6; do dd if=/dev/zero bs=8M count=1 2>/dev/null | sleep 1000 & done;"
                        + " sleep 1; echo a | cat >/dev/null; ls /proc >/dev/null; echo survived"));
    }
}
