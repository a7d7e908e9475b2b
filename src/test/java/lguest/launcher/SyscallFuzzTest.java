package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lguest.HostPrerequisite;
import lguest.launcher.BusyboxRig.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: the Guest kernel's system calls, fuzzed from user space. The Guest boots with
 * src/guest/user/sysfuzz.c as its first process and an ext2 disk; its workers make random
 * system calls (every call the kernel implements, and random numbers) with arguments chosen
 * to break kernels. Only workers may die: the kernel must not panic, the Guest must power
 * off with sysfuzz's status 0 and its count of calls, and e2fsck must find the disk clean.
 *
 * <p>Seeds 1..fuzz.seeds (default 2; the first is fuzz.seed, default 1) of fuzz.calls calls
 * each (default 3,000); with fuzz.seconds, further seeds follow until that much time has
 * passed. {@code make fuzz} runs it for minutes; the figures go to standard output.
 */
class SyscallFuzzTest {
    @TempDir
    Path tmp;

    /** What the fuzzer found, asked directly ("sysfuzz check"): tgkill() ignored its thread
     * group, so a tgkill(any, 1, sig) killed process 1; setpgid() let a process join a group
     * of another session, and kill(0, sig) then reached process 1. */
    @Test
    void whatTheFuzzerFound() throws Exception {
        BusyboxRig rig = BusyboxRig.find();
        Path fuzzer = rig.kernel.resolveSibling("user/sysfuzz.elf");
        HostPrerequisite.require(Files.isRegularFile(fuzzer), "no " + fuzzer + " (run make guest)");
        Result r = HostileUserTest.run(List.of(Path.of("bin/lguest").toAbsolutePath().toString(), "16m",
                rig.kernel.toString(), "--initrd=" + fuzzer, "quiet", "--", "sysfuzz", "check", "x"), 120);
        assertThat(r.output()).doesNotContain("FAIL").contains("ok   tgkill").contains("ok   setpgid");
        assertThat(r.status()).isZero();
    }

    @Test
    void randomSystemCallsNeverPanicTheKernel() throws Exception {
        BusyboxRig rig = BusyboxRig.find();
        Path fuzzer = rig.kernel.resolveSibling("user/sysfuzz.elf");
        HostPrerequisite.require(Files.isRegularFile(fuzzer), "no " + fuzzer + " (run make guest)");
        HostPrerequisite.require(HostileDiskTest.tool("mke2fs") != null && HostileDiskTest.tool("e2fsck") != null,
                "no e2fsprogs");
        int seeds = Integer.getInteger("fuzz.seeds", 2), first = Integer.getInteger("fuzz.seed", 1);
        int calls = Integer.getInteger("fuzz.calls", 3000);
        long seconds = Long.getLong("fuzz.seconds", 0), t0 = System.nanoTime(), total = 0;
        Pattern summary = Pattern.compile("sysfuzz: seed (\\d+): (\\d+) calls, (\\d+) workers, (\\d+) killed, (\\d+) timed out");
        int seed = first;
        for (; seed < first + seeds || (System.nanoTime() - t0) / 1e9 < seconds; seed++) {
            Path disk = HostileDiskTest.image(tmp, null, 4096);
            List<String> cmd = List.of(Path.of("bin/lguest").toAbsolutePath().toString(), "32m",
                    rig.kernel.toString(), "--initrd=" + fuzzer, "--block=" + disk, "quiet", "--", "sysfuzz",
                    "" + seed, "" + calls);
            Result r = HostileUserTest.run(cmd, 600);
            String what = "seed " + seed + " (reproduce: " + String.join(" ", cmd) + ")\n" + r.output();
            assertThat(r.output()).as(what).doesNotContain("Kernel panic").doesNotContain("guest died");
            Matcher m = summary.matcher(r.output());
            assertThat(m.find()).as("sysfuzz's summary, " + what).isTrue();
            assertThat(r.status()).as("exit status, " + what).isZero();
            total += Long.parseLong(m.group(2));
            Result fsck = BusyboxRig.run(List.of(HostileDiskTest.tool("e2fsck"), "-fn", disk.toString()), null, tmp);
            assertThat(fsck.status()).as("e2fsck -fn after " + what + "\n" + fsck.output()).isZero();
        }
        System.out.printf("SyscallFuzzTest: %d seeds from %d, %d system calls, %.0f s%n", seed - first, first, total,
                (System.nanoTime() - t0) / 1e9);
    }
}
