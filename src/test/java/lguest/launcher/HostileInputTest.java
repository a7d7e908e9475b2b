package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import lguest.host.Host;
import lguest.host.TestGuests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of issue 10 that come through the Launcher's command line, its files and
 * its standard streams: each gets one clear line (or, for a closed pipe, a quiet stop),
 * never a wrapped number, a stack trace or a run that never ends.
 */
class HostileInputTest {
    @TempDir
    Path tmp;

    record Result(int status, String out, String err) {}

    private static Result run(InputStream in, OutputStream out, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Launcher.run(new Host(), args, in, out, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(), err.toString(StandardCharsets.UTF_8));
    }

    private static Result run(String... args) {
        return run(InputStream.nullInputStream(), new ByteArrayOutputStream(), args);
    }

    private static void assertOneLine(Result r, String expected) {
        assertThat(r.status()).as(r.err()).isNotZero();
        assertThat(r.err()).startsWith("lguest: ").contains(expected).doesNotContain("Exception");
        assertThat(r.err().lines()).hasSize(1);
    }

    @Test
    void aMemorySizeThatOverflowsIsTooLargeNotSixtyFourMegabytes() {
        String k = TestGuests.build("hello").toString();
        assertOneLine(run("17592186044480m", k), "too large");
        assertOneLine(run("9223372036854775807k", k), "too large");
    }

    @Test
    void moreMemoryThanTheGuestCanUseIsRefused() {
        // The Guest uses 896 MiB at most (LGUEST_MAX_RAM): given 1g, it looked for its
        // devices at 896 MiB while the Launcher had put them at 1 GiB (no disk, no
        // network), and an initrd at the top of memory was out of its reach (a panic).
        String k = TestGuests.build("hello").toString();
        assertOneLine(run("1g", k), "at most 896m");
        assertOneLine(run("897m", k), "at most 896m");
    }

    @Test
    void anInitrdThatIsNotAnI386ProgramIsRefused() throws Exception {
        // The Guest runs its initrd as its first program. A text file used to boot the
        // demonstration instead, and an x86-64 program ended, under "quiet", with status
        // 127 and not a word.
        String k = TestGuests.build("hello").toString();
        Path text = tmp.resolve("notes.txt");
        Files.writeString(text, "not a program, only text that is long enough to be read as a header\n");
        assertOneLine(run("64m", k, "--initrd=" + text), "is not an ELF file");
        byte[] elf = new byte[64];
        elf[0] = 0x7F; elf[1] = 'E'; elf[2] = 'L'; elf[3] = 'F';
        elf[4] = 2; elf[5] = 1; elf[16] = 2; elf[18] = 62;      // ELFCLASS64, x86-64
        Path amd64 = tmp.resolve("amd64");
        Files.write(amd64, elf);
        assertOneLine(run("64m", k, "--initrd=" + amd64), "is not a 32-bit i386 ELF executable");
    }

    @Test
    void aSharedNetworkOptionThatIsNotADropPercentageIsRefused() throws Exception {
        // ",drop=200", ",drop=abc" and a misspelt ",dorp=5" used to become part of the
        // file's name: a Guest on "net,drop=200" shared nothing with one on "net".
        String k = TestGuests.build("hello").toString();
        Path net = tmp.resolve("net");
        assertOneLine(run("64m", k, "--sharenet=" + net + ",drop=200"), "drop=PERCENT");
        assertOneLine(run("64m", k, "--sharenet=" + net + ",drop=abc"), "drop=PERCENT");
        assertOneLine(run("64m", k, "--sharenet=" + net + ",dorp=5"), "unknown");
        try (var files = Files.list(tmp)) {
            assertThat(files).as("files made").isEmpty();
        }
    }

    @Test
    void programHeadersNearTwoGigabytesAreOutOfTheFile() throws Exception {
        byte[] b = Files.readAllBytes(TestGuests.build("hello"));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(28, 0x7FFFFFF0);
        Path f = tmp.resolve("phoff");
        Files.write(f, b);
        assertOneLine(run("4m", f.toString()), "program headers out of the file");
    }

    @Test
    void anOptionGivenTwiceIsAnError() throws Exception {
        String k = TestGuests.build("hello").toString();
        Path a = tmp.resolve("a.img"), b = tmp.resolve("b.img");
        Files.write(a, new byte[4096]);
        Files.write(b, new byte[4096]);
        assertOneLine(run("4m", k, "--block=" + a, "--block=" + b), "--block given twice");
        assertOneLine(run("4m", k, "--initrd=" + a, "--initrd=" + b), "--initrd given twice");
    }

    @Test
    void aBlockFileTooBigForThirtyTwoBitSectorsIsRefused() throws Exception {
        String k = TestGuests.build("hello").toString();
        Path big = tmp.resolve("big.img");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(2L << 40); // sparse: 2 TiB is 2^32 sectors, one more than the ABI can name
        }
        assertOneLine(run("4m", k, "--block=" + big), "too large");
    }

    @Test
    void anInitrdLargerThanMemoryIsRefusedBeforeItIsRead() throws Exception {
        String k = TestGuests.build("hello").toString();
        Path big = tmp.resolve("initrd");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(3L << 30); // sparse; reading it would take 3 GiB of heap
        }
        long t0 = System.nanoTime();
        assertOneLine(run("64m", k, "--initrd=" + big), "does not fit in memory");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(20);
    }

    @Test
    void aDmaDescriptorJustBelowTwoGigabytesIsAnInvalidAddressNotAWrap() {
        Result r = run("4m", TestGuests.build("dmawrap").toString());
        assertOneLine(r, "Invalid address in DMA 0x7ffffff0");
    }

    @Test
    void aSharedNetworkFileMustBeARegularFile() {
        String k = TestGuests.build("hello").toString();
        assertOneLine(run("4m", k, "--sharenet=/dev/null"), "not a regular file");
        // a regular file that cannot be mapped said only "lguest: Input/output error"
        assertOneLine(run("4m", k, "--sharenet=/proc/version"), "cannot map shared network file /proc/version");
    }

    @Test
    void aClosedPipeStopsTheLauncherQuietlyAsSigpipeWould() {
        String k = TestGuests.build("hello").toString();
        OutputStream closed = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        Result r = run(InputStream.nullInputStream(), closed, "4m", k);
        assertThat(r.status()).isEqualTo(141);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aFullDiskForTheOutputIsAnErrorNotSilence() throws Exception {
        String k = TestGuests.build("hello").toString();
        Process p = new ProcessBuilder(Path.of("bin/lguest").toAbsolutePath().toString(), "4m", k)
                .redirectOutput(new File("/dev/full")).redirectInput(new File("/dev/null")).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(err).isEqualTo(1);
        assertThat(err).startsWith("lguest: cannot write the guest's output").contains("No space left on device");
        assertThat(err.lines()).hasSize(1);
    }

    @Test
    void threeCtrlCsWithinASecondAtATerminalQuit() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Launcher.run(new Host(), new String[] {"4m", TestGuests.build("echo").toString()},
                new ByteArrayInputStream(new byte[] {3, 3, 3}), new ByteArrayOutputStream(),
                new PrintStream(err, true, StandardCharsets.UTF_8), true);
        assertThat(status).isEqualTo(130);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("lguest: three ^C in a second, quitting\n");
    }

    @Test
    void threeCtrlCsInPipedInputAreJustBytes() throws Exception {
        BusyboxRig rig = BusyboxRig.find();
        byte[] input = {3, 3, 3, 'a', 'b', 'c'};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Result r = run(new ByteArrayInputStream(input), out, "64m", rig.kernel.toString(),
                "--initrd=" + rig.busybox, "quiet", "--", "wc", "-c");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEqualTo("6");
    }
}
