package lguest.machine.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import lguest.HostPrerequisite;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Small whole programs (control flow, recursion, self-modifying code, code across page
 * boundaries, string copies, brk, argv, the initial registers and auxv, exit status,
 * faults that kill the program, 16-bit addressing, the selector queries and the 16-bit
 * x87 environment) run natively and under bin/x86run, on each of its back ends: same
 * stdout, same status.
 */
class HandWrittenProgramsTest {

    /** The faults of programs/faults.c: each kills the program with a signal (see M:566). */
    static final List<String> FAULTS = List.of("div0", "idiv-overflow", "ud2", "ud0", "lock-nop", "lock-reg",
            "lock-mov", "lock-cmp", "hlt", "cli", "out", "int3", "into", "int81", "mov-cr0", "null-read",
            "null-write", "text-write", "jump-to-null", "too-long", "alignment-check", "int1", "aam0");

    /** addr16 puts 48 KiB at 0x4000, where 16-bit addresses can reach (see addr16.S). */
    static final List<String> LOW_WINDOW = List.of("-Wl,--section-start=.low=0x4000");

    static Stream<Arguments> programs() {
        return TwoMachines.BACK_ENDS.stream().flatMap(backEnd -> programsOn(backEnd));
    }

    private static Stream<Arguments> programsOn(String backEnd) {
        return Stream.concat(Stream.of(
                Arguments.of("control", List.of(), List.of()),
                Arguments.of("strings", List.of(), List.of()),
                Arguments.of("smc", List.of("-Wl,-N"), List.of()),
                Arguments.of("pagecross", List.of("-Wl,-N"), List.of()),
                Arguments.of("initial", List.of(), List.of("one", "two")),
                Arguments.of("brk", List.of(), List.of()),
                Arguments.of("syscalls", List.of(), List.of()),
                Arguments.of("args", List.of(), List.of("alpha", "two words", "", "42")),
                Arguments.of("args", List.of(), List.of("exit", "9")),
                Arguments.of("args", List.of(), List.of()),
                Arguments.of("selectors", List.of(), List.of()),
                Arguments.of("fpuenv16", List.of(), List.of()),
                Arguments.of("bcd", List.of(), List.of()),
                Arguments.of("undefined", List.of(), List.of()),
                Arguments.of("addr16", LOW_WINDOW, List.of())),
                FAULTS.stream().map(k -> Arguments.of("faults", List.of(), List.of(k))))
                .map(a -> Arguments.of(a.get()[0], a.get()[1], a.get()[2], backEnd));
    }

    @ParameterizedTest(name = "{0} {2} {3}")
    @MethodSource("programs")
    void runsTheSameOnTheHostAndEmulated(String name, List<String> flags, List<String> args, String backEnd)
            throws Exception {
        Path prog = switch (name) {
            case "pagecross" -> ConformanceBuild.program(name, flags, "programs/pagecross.S", "programs/pagecross.c");
            case "initial" -> ConformanceBuild.program(name, false, flags, "programs/initial_start.S", "programs/initial.c");
            case "addr16" -> {
                HostPrerequisite.require(lowestMappable() <= 0x4000, "addr16 maps memory at 0x4000, below"
                        + " /proc/sys/vm/mmap_min_addr; lower it to 4096 to run the 16-bit addressing programs");
                yield ConformanceBuild.program(name, flags, "programs/addr16.S", "programs/addr16.c");
            }
            default -> ConformanceBuild.program(name, flags, "programs/" + name + ".c");
        };
        String[] argv = args.toArray(String[]::new);
        ConformanceBuild.Run host = TwoMachines.onHost(prog, argv);
        assertThat(host.stdout()).as("the host run printed something").isNotEmpty();
        if (name.equals("faults"))
            assertThat(host.status()).as("on the host, %s kills the program with a signal", args).isGreaterThan(128);
        ConformanceBuild.Run emul = TwoMachines.onEmulator(List.of(backEnd), prog, argv);
        assertThat(emul.stdout()).as("stdout of %s %s under x86run %s (stderr: %s)", name, args, backEnd,
                ConformanceBuild.tail(emul.stderr(), 1000)).isEqualTo(host.stdout());
        assertThat(emul.status()).as("exit status of %s %s under x86run %s (stderr: %s)", name, args, backEnd,
                ConformanceBuild.tail(emul.stderr(), 1000)).isEqualTo(host.status());
    }

    /** The lowest address Linux lets a process map (vm.mmap_min_addr); 64 KiB if unknown. */
    static long lowestMappable() {
        try {
            return Long.parseLong(Files.readString(Path.of("/proc/sys/vm/mmap_min_addr")).strip());
        } catch (IOException | NumberFormatException e) {
            return 65536;
        }
    }
}
