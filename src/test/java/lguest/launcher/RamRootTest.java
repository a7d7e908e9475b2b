package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import lguest.launcher.BusyboxRig.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * U:600, U:602: a Guest without an ext2 disk has a root all the same, a RAM disk with /proc,
 * /dev and /tmp, as Linux has its rootfs. Before, every name but /proc's and /dev's was
 * ENOENT without a disk, so a busybox script could not write /tmp/x, make a directory, or
 * even `cd /`. (mkfs itself is checked by e2fsck in `make -C src/guest selftest`.)
 */
class RamRootTest {
    @Test
    void aGuestWithoutADiskHasAWritableRoot() throws Exception {
        Result r = guest("64m", List.of(),
                "cd / && pwd; ls /; stat -c '%a %F' /tmp; echo hi > /tmp/f; cat /tmp/f; mkdir -p /a/b/c; ls -R /a | tr '\\n' ' ';"
                        + " echo; t=$(mktemp); case $t in /tmp/tmp.*) echo mktemp ok;; esac;"
                        + " grep ' / ' /proc/mounts; df / | awk 'NR == 2 { print $1, $2 }'; ls /dev | grep -c lgba; echo end");
        assertThat(r.output()).isEqualTo("/\ndev\nproc\ntmp\n1777 directory\nhi\n/a: b  /a/b: c  /a/b/c: \n"
                + "mktemp ok\n/dev/ram0 / ext2 rw 0 0\n/dev/ram0 32768\n0\nend\n");
        assertThat(r.status()).isZero();
    }

    @Test
    void aDeletedFileGivesItsMemoryBack() throws Exception {
        // The RAM disk frees the page behind every block ext2 frees (disk_discard): 8 MiB
        // written and removed leaves MemFree where it was, give or take the cache's pages.
        Result r = guest("64m", List.of(),
                "echo > /tmp/warm; a=$(awk '/MemFree/ { print $2 }' /proc/meminfo);"
                        + " dd if=/dev/zero of=/tmp/big bs=1M count=8 2>/dev/null;"
                        + " b=$(awk '/MemFree/ { print $2 }' /proc/meminfo); rm /tmp/big;"
                        + " c=$(awk '/MemFree/ { print $2 }' /proc/meminfo);"
                        + " echo $((a - b > 8000)) $((a - c < 200))");
        assertThat(r.output()).isEqualTo("1 1\n");
    }

    @Test
    void aDiskOfSomethingElseStaysARawDevice(@TempDir Path dir) throws Exception {
        // Not ext2: the root is RAM, and /dev/lgba still reads the disk's own bytes.
        byte[] junk = new byte[64 << 10];
        new Random(7).nextBytes(junk);
        Path disk = Files.write(dir.resolve("junk.img"), junk);
        Result r = guest("64m", List.of("--block=" + disk),
                "echo x > /tmp/x && cat /tmp/x; dd if=/dev/lgba bs=1024 count=64 2>/dev/null | md5sum | cut -c1-32");
        assertThat(r.output()).isEqualTo("x\n" + md5(junk) + "\n");
    }

    @Test
    void aTinyGuestGoesWithoutAndStillRuns() throws Exception {
        // 4 MiB holds busybox and a shell and not a megabyte more: no root then, as before.
        Result r = guest("4m", List.of(), "[ -d / ] || echo no root; echo done");   // builtins: no fork
        assertThat(r.output()).isEqualTo("no root\ndone\n");
        assertThat(r.status()).isZero();
    }

    private static Result guest(String mem, List<String> options, String script) throws Exception {
        return HostileUserTest.guest(BusyboxRig.find(), mem, options, script);
    }

    private static String md5(byte[] b) throws Exception {
        StringBuilder s = new StringBuilder();
        for (byte x : java.security.MessageDigest.getInstance("MD5").digest(b)) s.append(String.format("%02x", x));
        return s.toString();
    }
}
