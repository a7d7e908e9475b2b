package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32;
import lguest.host.Host;
import lguest.host.TestGuests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project's own guest kernel (src/guest, built by `make guest` into target/guest, or
 * wherever -Dlguest.guest.dir points) booted by the real Launcher: banner, devices, the
 * block device's checksum, a ring-3 program's system calls, a clean power-off.
 */
class GuestKernelTest {
    @Test
    void bootsToPowerOffWithTheRightChecksum(@TempDir Path tmp) throws Exception {
        String named = System.getProperty("lguest.guest.dir");
        Path kernel = Path.of(named != null ? named : "target/guest").resolve("kernel");
        if (named != null) {
            // `make test` builds the kernel and names it: then it must be there.
            assertThat(kernel).as("the guest kernel make built").isRegularFile();
        } else {
            assumeTrue(Files.isRegularFile(kernel), "no guest kernel at " + kernel + " (run make guest)");
        }
        byte[] disk = new byte[64 * 512];
        new Random(2607).nextBytes(disk);
        Path img = tmp.resolve("disk.img");
        Files.write(img, disk);
        CRC32 crc = new CRC32();
        crc.update(disk, 0, 16 * 512);

        TestGuests.Run r = TestGuests.launch(new Host(), "64m", kernel.toString(), "--block=" + img, "--stats",
                "quest=1");
        assertThat(r.out()).contains("64 MiB").contains("quest=1")
                .contains("console").contains("block")
                .contains("hello from user space")
                .contains(String.format("lgba: crc32(sectors 0-15) = %08x", crc.getValue()));
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.err()).contains("0 exits for vector 0x80").doesNotContain("#128=");
    }
}
