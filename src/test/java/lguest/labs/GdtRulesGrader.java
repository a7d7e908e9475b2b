package lguest.labs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import lguest.host.TestGuests;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*M:220 Lab `gdt-rules`: what a Guest may put in its GDT.  The Guest's kernel
 * hands the Host a table of segment descriptors (LOAD_GDT) and, on every
 * process switch, three thread-local ones (LOAD_TLS).  The CPU will use them
 * from the Switcher's read-only page, beside five entries that are the
 * Host's.  `make lab gdt-rules` takes out the four small methods of
 * Segments.java that stand between the two: which entries the Guest may not
 * touch, the fix-ups made to the rest, and the two hypercalls that read the
 * Guest's table in.  Without them, no Guest gets as far as its first
 * instruction.
 *
 * Read first: H:500 and H:510 (the rules and the two calls), S:100 (the
 * Host's own entries, and why they are where they are), X:410 (what the CPU
 * checks when a segment register is loaded, and what it writes), and H:100
 * (every number from a Guest is a lie until checked).
 *
 * Hints.  lguest's rules are few, and each one answers a question you can ask
 * the CPU: what would a ring-1 kernel do with a descriptor of DPL 0 (and what
 * would it do if it could load one)?  What does the CPU write into the GDT
 * when it loads a segment, and where is that GDT?  What happens to the next
 * world switch if the Guest's table lands on entry 10, 11 or 16?  The Host's
 * record of the table is the arrays lo[] and hi[], one pair per descriptor;
 * copyGdt, below your code, takes it to the CPU's page, and g.changed tells
 * the Switcher that it must (H:100 has the helper that reads Guest memory
 * safely).  LOAD_TLS touches entries 6 to 8 and nothing else.
 *
 * Graded (10 points) by guests: a careless but honest one whose descriptors
 * all say DPL 0, one that loads a segment never accessed before, one that
 * writes over the Host's entries and then reaches for the Host's data
 * segment, a hostile one with 33 entries beside a neighbour that must not
 * notice, and Debian's busybox, whose C library keeps its thread pointer in a
 * TLS segment. :*/
class GdtRulesGrader {

    @Test
    @Points(2)
    @DisplayName("descriptors with DPL 0 become the guest's own (DPL 1): its kernel segments and a data segment work")
    void dplZeroBecomesOne() {
        TestGuests.Run r = HostLabRig.guest("labs/gdtdpl0");
        assertThat(r.out()).as("the guest's console (stderr: %s)", r.err()).isEqualTo(
                "kernel segments with DPL 0 survived a trip through the Host\na DPL-0 data segment loads in ring 1\n");
        assertThat(r.status()).isZero();
    }

    @Test
    @Points(2)
    @DisplayName("loading a segment never accessed before works: the Host set the accessed bit in advance")
    void theAccessedBitIsSetInAdvance() {
        TestGuests.Run r = HostLabRig.guest("labs/gdtaccessed");
        assertThat(r.out()).as("the guest's console (stderr: %s)", r.err()).isEqualTo("a never-accessed segment loads\n");
        assertThat(r.status()).isZero();
    }

    @Test
    @Points(2)
    @DisplayName("a guest that writes over the Host's entries (10, 11, 16, 17, 31) changes nothing: 0x58 is still ring 0")
    void theHostsEntriesStayTheHosts() {
        TestGuests.Run r = HostLabRig.guest("labs/gdthost");
        assertThat(r.out()).as("the guest's console (stderr: %s)", r.err())
                .isEqualTo("the Switcher still works\nthe Host's data segment is still ring 0\n");
        assertThat(r.status()).isZero();
        TestGuests.Run dpl0 = HostLabRig.beside("hostile/dpl0");
        assertThat(HostLabRig.deathOf(dpl0)).as("loading LGUEST_DS with no GDT of its own (stderr: %s)", dpl0.err())
                .startsWith("unhandled trap 13 at 0x");
    }

    @Test
    @Points(2)
    @DisplayName("Sudden Death: LOAD_GDT with 33 entries kills the guest; its neighbour carries on")
    void tooManyEntries() {
        TestGuests.Run r = HostLabRig.beside("hostile/gdt33");
        assertThat(r.out()).isEqualTo("hostile: more than 32 GDT entries\n");
        assertThat(HostLabRig.deathOf(r)).as("the reason (stderr: %s)", r.err()).isEqualTo("too many gdt entries 33");
        assertThat(r.status()).isEqualTo(1);
    }

    @Test
    @Points(2)
    @DisplayName("LOAD_TLS: a TLS segment works in the kernel (chores) and for busybox's C library in ring 3")
    void threadLocalStorage() {
        TestGuests.Run chores = HostLabRig.guest("chores");
        assertThat(chores.out()).as("the guest's console (stderr: %s)", chores.err()).contains("tls ok\n");
        TestGuests.Run r = HostLabRig.busybox(List.of(), "sh", "-c", "echo $((6 * 7)) | cat");
        assertThat(r.out()).as("busybox's output (stderr: %s)", r.err()).endsWith("42\n");
        assertThat(r.status()).as("exit status (stderr: %s)", r.err()).isZero();
    }
}
