package lguest.labs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grader for the lab "guest-descriptors" (labs/guest-descriptors.lab): the segment
 * descriptors and interrupt gates the Guest hands the Host, in src/guest/lguest.c.
 */
class GuestDescriptorsGrader {

    /*M:440 Lab: segment descriptors and interrupt gates (Guest; easy, about an hour).
     *
     * Every i386 kernel writes these eight-byte descriptors once and never looks
     * at them again, which is why nobody remembers where the bits go.  `make lab
     * guest-descriptors` empties flat_segment(), which builds the four flat 4 GiB
     * segments of G:160 (kernel and user, code and data), and load_idt_entry(),
     * which packs one gate of G:150 into the two words LOAD_IDT_ENTRY carries.
     * The Guest panics with the lab's name at its first descriptor, before it has
     * a GDT at all.
     *
     * Read G:150 and G:160, then the Host's side, which says what it copies, what
     * it forces and what it refuses: H:500 and H:510 for the GDT, H:330 and H:340
     * for the IDT and the direct trap your system calls should take.  Intel's manual, volume 3, chapter 3 (segment descriptors) and
     * chapter 6 (gate descriptors), has the pictures; the callers in traps.c show
     * which type and privilege each gate asks for.
     *
     * Hints.  A descriptor's base and limit are each scattered over both words;
     * a flat segment's base is 0 and its limit 0xFFFFF in 4 KiB units.  The access
     * byte holds present, privilege, "code or data" and the type.  Mark the
     * segment accessed already: the Host would set the bit for you anyway, and
     * H:500 says why the CPU must never be left to write it.  The privilege of
     * the user segments is the one that matters; a kernel segment of privilege 0
     * is quietly raised to 1.  A gate's handler address is split in two halves,
     * with the selector between them.
     *
     * Graded (`make grade guest-descriptors`) by booting the Guest you built: the
     * demonstration runs its ring-3 program and reads its disk through the device
     * pages above RAM (1 point); busybox forks, execs and pipes in ring 3 on the
     * user segments (2 points); and its system calls go straight to the Guest
     * through the 0x80 trap gate, never through the Host (1 point). :*/

    @TempDir
    Path tmp;

    @Test
    @Points(1)
    @DisplayName("The demonstration boots, reads its disk and runs its ring-3 program")
    void demonstrationBoots() throws Exception {
        byte[] disk = new byte[32 * 512];
        new Random(440).nextBytes(disk);
        Path img = tmp.resolve("disk.img");
        Files.write(img, disk);
        CRC32 crc = new CRC32();
        crc.update(disk, 0, 16 * 512);
        GuestLabRig.Result r = GuestLabRig.lguest(List.of("--block=" + img, "quest=1"), null);
        assertThat(r.output()).as("the Guest's console").contains("timer: woke up")
                .contains(String.format("lgba: crc32(sectors 0-15) = %08x", crc.getValue()))
                .contains("hello from user space").contains("init: hello exited with status 0");
        assertThat(r.status()).isZero();
    }

    @Test
    @Points(2)
    @DisplayName("busybox forks, execs and pipes in ring 3 on the user segments")
    void busyboxRuns() throws Exception {
        GuestLabRig.Result r = GuestLabRig.busybox(List.of(), "sh", "-c",
                "for i in 1 2 3; do echo $i | cat; done | tr '\\n' ' '; echo; x=$(seq 1 5000); echo \"$x\" | tail -1;"
                        + " awk 'BEGIN { printf \"%.3f\\n\", 1/3 }'");
        assertThat(r.output()).as("the shell's output").isEqualTo("1 2 3 \n5000\n0.333\n");
        assertThat(r.status()).isZero();
    }

    @Test
    @Points(1)
    @DisplayName("System calls take the 0x80 trap gate straight to the Guest: no exits for them")
    void systemCallsAreDirectTraps() throws Exception {
        GuestLabRig.Result r = GuestLabRig.busybox(List.of("--stats"), "sh", "-c", "echo one; echo two | cat");
        assertThat(r.output()).as("the shell's output").startsWith("one\ntwo\n");
        assertThat(r.output()).as("--stats: exits by trap").containsPattern("(?m)^exits by trap:")
                .doesNotContainPattern("(?m)^exits by trap:.* #128=");
    }
}
