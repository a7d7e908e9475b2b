package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lguest.HostPrerequisite;
import lguest.launcher.BusyboxRig.Result;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A program that catches its own faults gets what Linux gives it (U:420-U:440): the same
 * static i386 binary, src/guest/user/signals.c, runs on this machine's Linux and as the
 * first process of a Guest, on both back ends, and must print the same lines: for each
 * fault the signal, si_code, si_addr, trap number, error code and EIP from its ucontext,
 * a sigreturn into the context its handler changed, an old-style handler's sigcontext,
 * and single-stepping through a REP MOVSB, one trap per element (X:256). Before U:440
 * delivered faults to handlers, the Guest ended the program at its first fault; before
 * the Host cleared TF on delivery (H:300), the first single-step trap killed the Guest;
 * before X:256, the REP took one trap for all its elements.
 */
class SignalsTest {
    @ParameterizedTest
    @ValueSource(strings = {"--translate=0", "--interpret"})
    void faultsReachTheProgramsHandlersAsOnLinux(String backEnd) throws Exception {
        BusyboxRig rig = BusyboxRig.find();
        Path program = rig.kernel.resolveSibling("user/signals.elf");
        HostPrerequisite.require(Files.isRegularFile(program), "no " + program + " (run make guest)");
        Result natively = BusyboxRig.run(List.of(program.toString()), null, null);
        HostPrerequisite.require(natively.status() == 0 && natively.output().contains("single step"),
                "this host cannot run i386 programs: " + natively.output());
        Result guest = HostileUserTest.run(List.of(Path.of("bin/lguest").toAbsolutePath().toString(), "16m",
                rig.kernel.toString(), backEnd, "--initrd=" + program, "quiet", "--", "signals"), 120);
        assertThat(guest.output()).isEqualTo(natively.output());
        assertThat(guest.status()).isZero();
        assertThat(natively.output()).contains("steps 00000007 copied abc");
    }
}
