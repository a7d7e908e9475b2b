package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lguest.HostPrerequisite;
import lguest.launcher.BusyboxRig.Result;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Programs that use the corners of Linux's i386 ABI get what Linux gives them: the same
 * static binary from src/guest/user runs on this machine's Linux and as the first process
 * of a Guest, on both back ends, and must print the same lines.
 *
 * <p>signals.c catches its own faults (U:420-U:440): for each, the signal, si_code,
 * si_addr, trap number, error code and EIP from its ucontext, a sigreturn into the context
 * its handler changed, an old-style handler's sigcontext, and single-stepping through a
 * REP MOVSB, one trap per element (X:256). Before U:440 delivered faults to handlers, the
 * Guest ended the program at its first fault; before the Host cleared TF on delivery
 * (H:300), the first single-step trap killed the Guest; before X:256, the REP took one
 * trap for all its elements.
 *
 * <p>ldt.c makes a local descriptor table with modify_ldt (G:635, H:520, which lguest had
 * not), reads and writes through an LDT data segment, calls a 16-bit code segment of its
 * own (X:125: the decoder had taken all code for 32-bit) and forks with it.
 *
 * <p>resources.c sets and reads its limits (U:370: prlimit64 was ENOSYS, so busybox's
 * "ulimit -n" printed nonsense and could set nothing), its niceness (U:372), measures its own
 * and its child's CPU time (U:374: times() was ENOSYS, and the shell's "times" printed
 * whatever was on its stack), and waits on and wakes futexes (U:266: ENOSYS made glibc abort
 * "hostname -i"). Its busy wait for 30 ms of its own CPU time never ended in a Guest whose one
 * process computed without an alarm set: the clock moved only with interrupts (G:694). It
 * also sets its CPU affinity and I/O priority (U:373: taskset and ionice had ENOSYS).
 *
 * <p>vfork.c has a vfork child write its parent's memory (U:310: the child had a copy, so
 * busybox's wget never learned that "openssl" could not run, and https failed), and sends
 * bytes both ways through a socketpair, with shutdown() and end of file (U:526: it was
 * EOPNOTSUPP).
 *
 * <p>unixdgram.c sends datagrams between AF_UNIX sockets with names (U:877: socket(AF_UNIX,
 * SOCK_DGRAM) was EAFNOSUPPORT, so syslogd could not start), with the errors Linux gives.
 *
 * <p>stopcont.c stops and continues its children (U:402: the stop signals were ignored, so
 * `kill -STOP` did nothing and wait4(WUNTRACED) waited for the exit).
 *
 * <p>sigstack.c takes signals on a stack of its own (U:406: sigaltstack() was ENOSYS, so a
 * program could not catch the SIGSEGV of its own stack overflowing), nested, disarmed,
 * inherited, and one with no room left, as Linux's kernel selftests do. ldt.c also checks
 * the segments Linux refuses (G:630, G:635), which the kernel selftest ldt_gdt found
 * accepted or refused the other way.
 *
 * <p>sendfile.c copies between files, with and without an offset, and into a pipe (U:532:
 * sendfile() was ENOSYS, which busybox's cat and cp try first).
 *
 * <p>sysvipc.c shares a System V segment and a MAP_SHARED mapping with a child, passes
 * a semaphore back and forth, and sends messages by type through a queue (U:181 to U:199: ipc() was ENOSYS, so `syslogd -C`
 * could not start and logread had nothing to read, and MAP_SHARED memory was copied at
 * fork like private memory).
 *
 * <p>clock.c reads the clocks in a row (G:690, H:235: they moved only at the Guest's
 * interrupts, so that ping timed every round trip on the loopback as 0.000 ms).
 */
class LinuxAbiTest {
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"signals, --translate=0", "signals, --interpret", "ldt, --translate=0", "ldt, --interpret",
                "resources, --translate=0", "resources, --interpret", "vfork, --translate=0", "vfork, --interpret",
                "unixdgram, --translate=0", "unixdgram, --interpret", "stopcont, --translate=0", "stopcont, --interpret",
                "sigstack, --translate=0", "sigstack, --interpret", "sendfile, --translate=0", "sendfile, --interpret",
                "sysvipc, --translate=0", "sysvipc, --interpret", "clock, --translate=0", "clock, --interpret"})
    void theSameBinaryPrintsTheSameOnLinuxAndInAGuest(String program, String backEnd) throws Exception {
        BusyboxRig rig = BusyboxRig.find();
        Path elf = rig.kernel.resolveSibling("user/" + program + ".elf");
        HostPrerequisite.require(Files.isRegularFile(elf), "no " + elf + " (run make guest)");
        Result natively = BusyboxRig.run(List.of(elf.toString()), null, null);
        HostPrerequisite.require(natively.status() == 0 && !natively.output().isEmpty(),
                "this host cannot run i386 programs: " + natively.output());
        Result guest = HostileUserTest.run(List.of(Path.of("bin/lguest").toAbsolutePath().toString(), "16m",
                rig.kernel.toString(), backEnd, "--initrd=" + elf, "quiet", "--", program), 120);
        assertThat(guest.output()).isEqualTo(natively.output());
        assertThat(guest.status()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"signals, steps 00000007 copied abc", "ldt, 16-bit code returned 00005678 esp moved 00000002",
                "resources, FUTEX_WAIT 20 ms: ffffff92", "vfork, the parent reads what its child wrote: 00000002",
                "unixdgram, from unixdgram-b, name length 00000013",
                "stopcont, SIGSTOP, WUNTRACED: 00000001 0000137f 00000001",
                "sigstack, SIGSEGV handler on the signal stack code 00000001",
                "ldt, 0x11: 00000000 lar 00407f00 present: ffffffea"})
    void theHostSaysWhatTheProgramPromises(String program, String line) throws Exception {
        BusyboxRig rig = BusyboxRig.find();
        Path elf = rig.kernel.resolveSibling("user/" + program + ".elf");
        HostPrerequisite.require(Files.isRegularFile(elf), "no " + elf + " (run make guest)");
        Result natively = BusyboxRig.run(List.of(elf.toString()), null, null);
        HostPrerequisite.require(natively.status() == 0, "this host cannot run i386 programs: " + natively.output());
        assertThat(natively.output()).contains(line);
    }
}
