package lguest.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import lguest.tools.X86Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** x86run's contract for bad input: one line on stderr, status 2, never a stack trace. */
class X86RunTest {
    @TempDir Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private int run(String... args) {
        return X86Run.main(args, new PrintStream(out, true), new PrintStream(err, true));
    }

    private String errText() { return err.toString(StandardCharsets.UTF_8); }

    private void assertOneLineAndStatus2(int status, String mentions) {
        assertThat(status).isEqualTo(2);
        assertThat(errText().lines().count()).isEqualTo(1);
        assertThat(errText()).contains(mentions).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void missingFile() {
        assertOneLineAndStatus2(run(dir.resolve("nope").toString()), "no such file");
    }

    @Test
    void notAnElf() throws IOException {
        Path p = dir.resolve("text");
        Files.writeString(p, "#!/bin/sh\necho this is not an ELF file at all, but it is long enough\n");
        assertOneLineAndStatus2(run(p.toString()), "not an ELF");
    }

    @Test
    void notI386() throws IOException {
        byte[] elf = new byte[64];
        elf[0] = 0x7F; elf[1] = 'E'; elf[2] = 'L'; elf[3] = 'F';
        elf[4] = 2; elf[5] = 1; elf[16] = 2; elf[18] = 62;      // ELFCLASS64, x86-64
        Path p = dir.resolve("amd64");
        Files.write(p, elf);
        assertOneLineAndStatus2(run(p.toString()), "not an i386");
    }

    @Test
    void noProgramAtAll() {
        assertOneLineAndStatus2(run(), "usage");
    }

    @Test
    void unknownOption() {
        assertOneLineAndStatus2(run("--frobnicate", "x"), "unknown option");
    }

    @Test
    void aThresholdThatIsNotACount() {
        // --translate=abc ended in a NumberFormatException's stack trace, and -5 quietly
        // meant "interpret only"; bin/lguest refuses both in one line, and so does x86run.
        assertOneLineAndStatus2(run("--translate=abc", "x"), "bad --translate=abc");
        err.reset();
        assertOneLineAndStatus2(run("--translate=-5", "x"), "bad --translate=-5");
    }

    /** A hand-made ELF: write(1, msg, 3); exit(5); the status and bytes must come through. */
    /** A tiny static ELF that writes "hi" and exits with 5. */
    private Path tiny() throws IOException {
        int base = 0x08048000, code = base + 0x54;
        byte[] prog = {
            (byte) 0xB8, 4, 0, 0, 0, (byte) 0xBB, 1, 0, 0, 0,                      // mov $4,%eax; mov $1,%ebx
            (byte) 0xB9, 0, 0, 0, 0, (byte) 0xBA, 3, 0, 0, 0,                      // mov $msg,%ecx; mov $3,%edx
            (byte) 0xCD, (byte) 0x80,
            (byte) 0xB8, 1, 0, 0, 0, (byte) 0xBB, 5, 0, 0, 0, (byte) 0xCD, (byte) 0x80,
            'h', 'i', '\n'};
        int msg = code + prog.length - 3;
        prog[11] = (byte) msg; prog[12] = (byte) (msg >> 8); prog[13] = (byte) (msg >> 16); prog[14] = (byte) (msg >> 24);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(0x54 + prog.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 1, 1, 1, 0}).put(new byte[8]);
        b.putShort((short) 2).putShort((short) 3).putInt(1).putInt(code).putInt(0x34).putInt(0).putInt(0)
            .putShort((short) 0x34).putShort((short) 0x20).putShort((short) 1).putShort((short) 0).putShort((short) 0).putShort((short) 0);
        b.putInt(1).putInt(0).putInt(base).putInt(base).putInt(0x54 + prog.length).putInt(0x54 + prog.length).putInt(5).putInt(0x1000);
        b.put(prog);
        Path p = dir.resolve("tiny");
        Files.write(p, b.array());
        return p;
    }

    @Test
    void tinyProgramWritesAndExits() throws IOException {
        Path p = tiny();
        assertThat(run(p.toString())).isEqualTo(5);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("hi\n");
    }

    /*
     * ASM is needed to translate, and to make the interpreter's step copies (X:146), but not
     * to run: with only lguest's own classes on the class path (as `make docs` runs the demo
     * Guest) the interpreter falls back on its shared template. It once did not.
     */
    @Test
    void runsWithoutAsmOnTheClassPath() throws Exception {
        Path p = tiny();
        String classes = Path.of(X86Run.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Process proc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classes, "lguest.tools.X86Run", p.toString()).redirectErrorStream(true).start();
        String text = new String(proc.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(proc.waitFor()).as(text).isEqualTo(5);
        assertThat(text).isEqualTo("hi\n");
    }
}
