package lguest.host;

import static lguest.host.Abi.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import lguest.machine.PhysicalMemory;
import org.junit.jupiter.api.Test;

/*M:840 What the fuzzer found.  Its first long run, a hundred seeds, ended
 * with a Launcher that said "read of /dev/lguest failed: error -30": not a
 * Guest's death, a Launcher's confusion.  Two fuzzers shared a network; one
 * sent to a key where the other had bound buffers with a bad piece, and the
 * Host, checking the receiver's side, killed the receiver, from the sender's
 * thread, while the receiver's Launcher was busy elsewhere.  Its next read()
 * found the Guest already dead and answered as a dead Guest's second read
 * does, with the reason and its length, and the Launcher, expecting 8 or
 * -ENOENT, took 30 for an error (and would have taken a reason of exactly
 * seven letters for a DMA to serve).  lguest 2.6.23 had the same race, as far
 * as can be seen.  Now the first read after any death says -ENOENT, whoever
 * did the killing (L:080).  The test below pins it down without the fuzzer;
 * the fuzzer keeps looking for the next one.
 *
 * Reading the Host with the fuzzer's questions in mind turned up a second bug
 * that no death would ever reveal.  The CPU obeys the stricter of a directory
 * entry and a page-table entry, but the Host made every shadow directory entry
 * with all permissions and checked only the page-table entry, so a directory
 * entry without USER or WRITABLE protected nothing (lguest 2.6.23 did the
 * same, and got away with it because Linux puts its protections in the
 * page-table entries).  So does our Guest kernel; one that protected a whole
 * directory entry would have found its processes reading through.  Now the shadow entry carries the Guest's
 * permissions and demand paging checks both levels (H:440). :*/

/** Host bugs the hypercall fuzzer (HypercallFuzzTest) found, each pinned down on its own. */
class FuzzFindingsTest {
    private static PhysicalMemory ram() {
        PhysicalMemory m = new PhysicalMemory();
        m.addRegion(0, 1 << 20);
        return m;
    }

    /**
     * Found by seeds 102/103: a Guest can be killed while its Launcher is away from read(),
     * by another Guest whose SEND_DMA finds this one's bound buffers bad. Its Launcher's next
     * read must still say -ENOENT first, as after any death, and only then the reason; a read
     * that answered with the reason at once left the Launcher with a length it took for an
     * error ("read of /dev/lguest failed: error -30"), or, for a reason of seven letters, for
     * a DMA to serve.
     */
    @Test
    void aGuestKilledWhileItsLauncherWasAwayStillSaysENOENTFirst() {
        Host host = new Host();
        LguestDevice d = host.open(ram());
        assertThat(d.write(LHREQ_INITIALIZE, 256, 0x1000, 0xC0100000, 0xC0000000)).isEqualTo(16);
        host.guests().get(0).kill("bad registered DMA buffer");
        byte[] buf = new byte[128];
        assertThat(d.read(buf)).isEqualTo(-ENOENT);
        int n = d.read(buf);
        assertThat(new String(buf, 0, n - 1, StandardCharsets.US_ASCII)).isEqualTo("bad registered DMA buffer");
        d.close();
    }

    /**
     * Found while reading the Host for the fuzzer's sake: the CPU takes the stricter of a
     * page-directory entry and a page-table entry, but the Host built its shadow directory
     * entries with every permission and checked only the page-table entry, so a directory
     * entry without USER (or without WRITABLE) protected nothing. lguest 2.6.23 did the same;
     * a Guest kernel that protects a whole 4 MiB at the directory level would find its
     * processes reading (and its own kernel writing) straight through.
     */
    @Test
    void aDirectoryEntryWithoutUserOrWritableProtectsItsWholeTable() {
        TestGuests.Run r = TestGuests.launch(new Host(), "4m", TestGuests.build("pgdprotect").toString());
        assertThat(r.out()).isEqualTo("ring 1 write faulted\nring 3 read faulted\n");
        assertThat(r.status()).as(r.err()).isZero();
    }
}
