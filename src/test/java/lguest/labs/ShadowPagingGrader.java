package lguest.labs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lguest.host.TestGuests;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*M:210 Lab `shadow-paging`: demand paging in the shadow page tables.  The CPU
 * never walks a Guest's page tables; it walks the shadows the Host builds from
 * them, one entry at a time, when it faults on a hole.  `make lab
 * shadow-paging` takes out the two methods that do the building in
 * ShadowPageTables.java: demandPage, the Host's answer to a page fault, and
 * gpteToSpte, which turns a Guest's entry into the shadow's.  With them gone,
 * the first page fault of any Guest is the last thing it does.
 *
 * Read first: H:400 (why shadows at all), H:420 and H:430 (the Switcher's
 * slot, and the two bits the shadow must not copy as they are), H:440 (what
 * demandPage decides), and H:130, where the run loop calls it and what it does
 * with your answer: true means "the Host dealt with it, run the Guest again",
 * false means "the fault is the Guest's own, deliver it".  H:100 tells why a
 * number read from a Guest's table is a lie until checked.
 *
 * Hints.  Walk two levels, as the CPU would: the Guest's directory entry (from
 * the CR3 it gave with NEW_PGTABLE), then its page-table entry.  Missing at
 * either level, or present but forbidding this access (look at the error
 * code's write and user bits), and the fault goes back to the Guest.  A
 * shadow page table that does not exist yet is a frame from g.frames.  The
 * helpers checkGpgd and checkGpte hold the rules (a page beyond pfn_limit, a
 * large page); call them before you trust an entry, and return as soon as the
 * Guest is dead.  The CPU sets ACCESSED, and DIRTY on a write, in the entry it
 * walks; since it walks the shadow, you set them in the Guest's entry.  The
 * dirty-bit trick is the subtle part: a page that has only been read gets a
 * shadow without WRITABLE, so that the first write comes back to you.
 *
 * Graded (10 points) by small guests that watch their own page tables: faults
 * filled and reflected, the bits the Host leaves behind, a read-only page
 * written; hostile guests that name memory they do not have; and Debian's
 * busybox running a pipeline in the Guest kernel, which is a page-fault storm
 * with a shell on top. :*/
class ShadowPagingGrader {

    @Test
    @Points(2)
    @DisplayName("a fault on a hole is filled without the guest noticing; one the guest's tables forbid reaches its handler")
    void filledOrReflected() {
        TestGuests.Run r = HostLabRig.guest("pagefault", "--stats");
        assertThat(r.out()).as("the guest's console (stderr: %s)", r.err()).isEqualTo("pf filled ok\nreflected ok\n");
        assertThat(r.status()).isZero();
        Matcher m = Pattern.compile("page faults: (\\d+) filled by the Host, (\\d+) reflected").matcher(r.err());
        assertThat(m.find()).as("--stats: %s", r.err()).isTrue();
        assertThat(Long.parseLong(m.group(1))).as("faults filled by the Host").isPositive();
        assertThat(Long.parseLong(m.group(2))).as("faults reflected to the guest").isEqualTo(1);
    }

    @Test
    @Points(2)
    @DisplayName("the dirty-bit trick: a read sets ACCESSED only, the first write after it sets DIRTY")
    void theDirtyBitTrick() {
        TestGuests.Run r = HostLabRig.guest("labs/dirtybit");
        assertThat(r.out()).as("the guest's console (stderr: %s)", r.err())
                .isEqualTo("read: accessed, not dirty\nwrite: dirty\n");
        assertThat(r.status()).isZero();
    }

    @Test
    @Points(2)
    @DisplayName("a write to a page the guest mapped read-only is the guest's own fault, with cr2 and a clean entry")
    void aReadOnlyPageIsTheGuestsBusiness() {
        TestGuests.Run r = HostLabRig.guest("labs/readonly");
        assertThat(r.out()).as("the guest's console (stderr: %s)", r.err())
                .isEqualTo("read ok\nwrite reflected to the guest\n");
        assertThat(r.status()).isZero();
    }

    @Test
    @Points(2)
    @DisplayName("Sudden Death: a page or page table beyond the guest's memory, a large page, the Switcher's pages")
    void entriesThatBreakTheRules() {
        TestGuests.Run pte = HostLabRig.beside("hostile/ptebeyond");
        assertThat(HostLabRig.deathOf(pte)).as("a PTE beyond the limit (stderr: %s)", pte.err())
                .isEqualTo("bad page table entry");
        TestGuests.Run pgd = HostLabRig.beside("labs/pgdbeyond");
        assertThat(HostLabRig.deathOf(pgd)).as("a page table beyond the limit (stderr: %s)", pgd.err())
                .matches("bad page directory entry|bad read address 0x7ffff000 len 4");
        TestGuests.Run large = HostLabRig.beside("labs/largepage");
        assertThat(HostLabRig.deathOf(large)).as("a large page (stderr: %s)", large.err())
                .isEqualTo("bad page table entry");
        TestGuests.Run sw = HostLabRig.beside("hostile/switcher");
        assertThat(HostLabRig.deathOf(sw)).as("writing the Switcher (stderr: %s)", sw.err())
                .isEqualTo("attempt to access switcher pages");
        for (TestGuests.Run r : List.of(pte, pgd, large, sw)) {
            assertThat(r.out()).as("the hostile guest got no further").doesNotContain("still alive?");
        }
    }

    @Test
    @Points(2)
    @DisplayName("busybox's shell runs a pipeline of three processes in the Guest kernel")
    void busyboxPipeline() {
        TestGuests.Run r = HostLabRig.busybox(List.of("--stats"), "sh", "-c",
                "echo one two three | tr ' ' '\\n' | sort -r");
        assertThat(r.out()).as("busybox's output (stderr: %s)", r.err()).endsWith("two\nthree\none\n");
        assertThat(r.status()).as("exit status (stderr: %s)", r.err()).isZero();
    }
}
