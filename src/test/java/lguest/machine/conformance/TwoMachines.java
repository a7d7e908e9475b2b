package lguest.machine.conformance;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one program on the host's CPU and on the emulated i686 ({@code bin/x86run}).
 */
final class TwoMachines {

    /* The emulated side runs through bin/x86run, the same door a person uses, so the
     * test checks the tool as well as the CPU: ELF loading, the initial stack, the four
     * system calls and the exit status. x86run finds its classes in LGUEST_CLASSES; from
     * inside the test JVM the right directory is the one on our own class path that holds
     * lguest/tools/X86Run.class, so the test runs the classes it was compiled with and not
     * whatever an earlier build left in target/classes. */
    static final long HOST_TIMEOUT_S = 120;
    static final long EMULATOR_TIMEOUT_S = 300;

    private TwoMachines() {
    }

    static ConformanceBuild.Run onHost(Path program, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(program.toString());
        cmd.addAll(List.of(args));
        return ConformanceBuild.Run.exec(cmd, Map.of(), HOST_TIMEOUT_S);
    }

    /*
     * The emulator has two back ends, and conformance means both: the interpreter alone
     * (--interpret) and the translator with every block translated the first time it
     * runs (--translate=0), so that no instruction gets away with being interpreted.
     */
    static final List<String> BACK_ENDS = List.of("--interpret", "--translate=0");

    static ConformanceBuild.Run onEmulator(Path program, String... args) throws IOException, InterruptedException {
        return onEmulator(List.of(), program, args);
    }

    /** Runs under bin/x86run with these x86run options (a back end) before the program. */
    static ConformanceBuild.Run onEmulator(List<String> options, Path program, String... args)
            throws IOException, InterruptedException {
        Path x86run = ConformanceBuild.root().resolve("bin/x86run");
        if (!Files.isExecutable(x86run))
            throw new AssertionError("bin/x86run is missing or not executable: " + x86run);
        List<String> cmd = new ArrayList<>();
        cmd.add(x86run.toString());
        cmd.addAll(options);
        cmd.add(program.toString());
        cmd.addAll(List.of(args));
        String classes = classesDirectory();
        return ConformanceBuild.Run.exec(cmd, classes == null ? Map.of() : Map.of("LGUEST_CLASSES", classes),
                EMULATOR_TIMEOUT_S);
    }

    /** The class-path directory that holds the emulator's x86run entry point, if any. */
    static String classesDirectory() {
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (entry.isEmpty())
                continue;
            Path dir = Path.of(entry);
            if (Files.isRegularFile(dir.resolve("lguest/tools/X86Run.class")))
                return dir.toAbsolutePath().toString();
        }
        return null;
    }
}
