package lguest.gdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lguest.HostPrerequisite;
import lguest.host.TestGuests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's gdb, in batch mode, on the Guest kernel's ELF, against --gdb --gdb-wait: the
 * debugging run of M:666, with its answers checked.
 */
class GdbBatchTest {
    static final Path GDB = Path.of("/usr/bin/gdb");

    @Test
    void gdbBreaksStepsWatchesAndSeesThePowerOff(@TempDir Path tmp) throws Exception {
        HostPrerequisite.require(Files.isExecutable(GDB), "no /usr/bin/gdb (bin/setup test installs it)");
        Path kernel = TestGuests.built("kernel");
        Path disk = tmp.resolve("disk.img");
        byte[] sectors = new byte[32 * 512];
        for (int i = 0; i < sectors.length; i++) sectors[i] = (byte) (i * 7);
        Files.write(disk, sectors);

        try (GuestUnderGdb guest = new GuestUnderGdb("64m", kernel.toString(), "--block=" + disk,
                "--gdb=0", "--gdb-wait")) {
            int port = guest.port();
            /* Each command an -ex of its own: in a script, gdb would stop at the first
             * error, and one of these is meant to be refused. */
            List<String> cmd = new ArrayList<>(List.of(GDB.toString(), "-batch", "-nx"));
            for (String c : List.of(
                    "set pagination off",
                    "target remote 127.0.0.1:" + port,
                    "info registers cs eip",
                    "break crc32",
                    "continue",
                    "bt",
                    "print len",
                    "print crc_table[1]",
                    "print/x $pc",
                    "step",
                    "print/x $pc",
                    "info symbol $pc",
                    "stepi",
                    "print/x $pc",
                    "x/4xw 0xffc02000",
                    "watch crc_table[1]",
                    "continue",
                    "delete",
                    "continue")) {
                cmd.add("-ex");
                cmd.add(c);
            }
            cmd.add(kernel.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            Thread watchdog = new Thread(() -> {
                try {
                    if (!p.waitFor(180, TimeUnit.SECONDS)) p.destroyForcibly();   // a hung session fails, not hangs
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            });
            watchdog.setDaemon(true);
            watchdog.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("gdb finished").isTrue();

            // Stopped at the first instruction: the Guest kernel's code segment, ring 1.
            assertThat(out).as(out).containsPattern("cs +0x61 ");
            // A breakpoint in a kernel function, with its arguments; the call chain.
            assertThat(out).containsPattern("Breakpoint 1, crc32 \\(crc=.*len=len@entry=8192\\) at crc32.c");
            assertThat(out).containsPattern("#1 .*demonstration \\(\\) at main.c").contains("kernel_main () at main.c");
            assertThat(out).contains("$1 = 8192").contains("$2 = 0");
            // A source step moves on inside crc32; a stepi moves by one instruction.
            List<Long> pcs = hexes(out, "\\$[3-5] = (0x[0-9a-f]+)");
            assertThat(pcs).hasSize(3);
            assertThat(pcs.get(1)).isNotEqualTo(pcs.get(0));
            assertThat(out).contains("crc32 + ");
            assertThat(pcs.get(2) - pcs.get(1)).isBetween(1L, 15L);
            // The Switcher's register page is not the Guest's to see.
            assertThat(out).contains("Cannot access memory at address 0xffc02000");
            // A write watchpoint sees crc32_init fill the table.
            assertThat(out).contains("Hardware watchpoint 2: crc_table[1]").contains("Old value = 0")
                    .contains("New value = 1996959894").contains("crc32_init () at crc32.c");
            // And the Guest powers off, with gdb told.
            assertThat(out).contains("exited normally");
            assertThat(guest.end(60)).as(guest.out() + guest.err()).isZero();
            assertThat(guest.out()).contains("hello from user space").contains("init: hello exited with status 0");
        }
    }

    private static List<Long> hexes(String out, String regex) {
        List<Long> l = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(out);
        while (m.find()) l.add(Long.decode(m.group(1)));
        return l;
    }
}
