package lguest.labs;

import static org.assertj.core.api.Assertions.assertThat;

import lguest.host.TestGuests;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*M:240 Lab `direct-traps`: the Guest's IDT, and which of its gates the CPU
 * may use without asking the Host.  A Guest kernel installs its interrupt
 * and trap handlers one at a time with LOAD_IDT_ENTRY; the Host records them,
 * delivers to them what comes out to it, and copies a few of them into the
 * IDT the CPU really uses, so that those traps (above all the system call,
 * int $0x80) go from the Guest's ring 3 to its ring 1 without leaving the
 * Guest at all.  `make lab direct-traps` takes out four methods of
 * Traps.java: loadGuestIdtEntry and setTrap, which decide what of a Guest's
 * gate is kept, and directTrap and copyTrap, which decide what the CPU gets.
 * Until they are back, no Guest runs a single instruction.
 *
 * Read first: H:300 (the three kinds of interruption), H:330 and H:340 (the
 * rules), H:130 (which traps the Host must see, and why), S:060 (the Host's
 * own gates, the ones a vector gets when it is not direct), and H:700 (why a
 * direct trap never shows in --stats).
 *
 * Hints.  A gate is two words: the handler's address split across both, a
 * selector in the low one, and present bit, DPL and type in the high one
 * (the helpers idtPresent, idtType and idtAddress read them).  For each rule,
 * ask what a Guest could do if the Host did not enforce it: keep a vector the
 * Host needs (a double fault, the hypercall), pick the segment its handler
 * runs in, make a page fault bypass the shadow page tables, or clear the real
 * interrupt flag.  The Host's vectors are ignored quietly, but a gate of the
 * wrong type is a broken rule.  Whatever goes into the real IDT that is not
 * the Guest's gate is the Switcher's stub for that vector, and one of those
 * stubs must be reachable from ring 1.
 *
 * Graded (10 points) by guests: a thousand system calls from ring 3 that must
 * never leave the Guest; a Guest that asks for trap gates at 13, 14 and 0x1F
 * and must not get them; int3 through a gate with a bogus selector; a system
 * call through an interrupt gate; and two hostile guests beside a neighbour
 * that must not notice. :*/
class DirectTrapsGrader {

    @Test
    @Points(3)
    @DisplayName("1000 system calls through a DPL-3 trap gate at 0x80 go straight to the guest kernel (no exits)")
    void systemCallsAreDirect() {
        TestGuests.Run r = HostLabRig.guest("ring3", "--stats");
        assertThat(r.out()).as("the guest's console (stderr: %s)", r.err())
                .contains("ring 3 interrupted after 1000 direct system calls");
        assertThat(r.status()).isZero();
        assertThat(r.err()).as("--stats: no exits for vector 0x80").doesNotContain("#128=")
                .containsPattern("interrupts injected: [1-9]");
    }

    @Test
    @Points(2)
    @DisplayName("trap gates at 13, 14 and 0x1F do not take port I/O, page faults or hypercalls away from the Host")
    void theHostKeepsWhatItNeeds() {
        TestGuests.Run r = HostLabRig.guest("labs/hostvectors", "--stats");
        assertThat(r.out()).as("the guest's console (stderr: %s)", r.err()).isEqualTo("the Host kept 13, 14 and 0x1F\n");
        assertThat(r.status()).isZero();
        assertThat(r.err()).as("--stats: the Host saw the #GP and the page faults").contains("#13=1")
                .containsPattern("page faults: [1-9]\\d* filled");
    }

    @Test
    @Points(2)
    @DisplayName("the guest names its handler, not its segment: int3 through a gate with selector 0x08 runs in 0x61")
    void theSelectorIsTheGuestKernels() {
        TestGuests.Run r = HostLabRig.guest("labs/selector");
        assertThat(r.out()).as("the guest's console (stderr: %s)", r.err()).isEqualTo(
                "int3 ran in the guest's kernel code segment\na fault of the guest's own reached its handler\n");
        assertThat(r.status()).isZero();
    }

    @Test
    @Points(1)
    @DisplayName("an interrupt gate at 0x80 is never made direct (it would clear the real interrupt flag)")
    void interruptGatesAreNotDirect() {
        TestGuests.Run r = HostLabRig.guest("labs/int80gate", "--stats");
        assertThat(r.out()).as("the guest's console (stderr: %s)", r.err())
                .isEqualTo("int $0x80 from ring 3 is a #GP: the gate stayed the Host's\n");
        assertThat(r.status()).isZero();
    }

    @Test
    @Points(2)
    @DisplayName("Sudden Death: a gate of type 5; int 0x1F from ring 3. The neighbour carries on")
    void brokenRules() {
        TestGuests.Run bad = HostLabRig.beside("hostile/badidt");
        assertThat(HostLabRig.deathOf(bad)).as("a task gate (stderr: %s)", bad.err()).isEqualTo("bad IDT type 5");
        TestGuests.Run int1f = HostLabRig.beside("hostile/int1f");
        assertThat(HostLabRig.deathOf(int1f)).as("a hypercall from ring 3 (stderr: %s)", int1f.err())
                .startsWith("unhandled trap 13 at ").endsWith("(0xfa)");
        assertThat(bad.out() + int1f.out()).doesNotContain("still alive?");
    }
}
