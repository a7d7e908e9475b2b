package lguest.labs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.nio.file.Files;
import lguest.host.Host;
import lguest.host.TestGuests;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*M:200 Lab `hypercalls`: the hypercall dispatcher.  A Guest asks its Host for
 * everything with `int $0x1F`, and one Java method decides what each number
 * means.  `make lab hypercalls` takes out two pieces of Hypercalls.java: the
 * body of doHcall, which turns a call number and three arguments into the Host's
 * action, and the body of doAsyncHcalls, which runs the calls the Guest queued
 * in lguest_data's ring.  Until both are back, every Guest dies at its first
 * exit after LGUEST_INIT, which tells you more about the Host than a working
 * one ever did.
 *
 * Read first: H:200 and H:210 (what the two methods do), H:230 (who calls them,
 * when, and in what order), H:100 and H:110 (why a bad argument is a death and not
 * an exception).  The numbers are in Abi (H:020); the handlers they lead to
 * already exist, in ShadowPageTables, Segments, Traps and Dma, so you are
 * writing a switchboard, not the machinery behind it.
 *
 * Hints.  Count every call in g.stats.hypercalls (--stats prints them), but do
 * not let a hostile number index past the array.  BIND_DMA answers in EAX, and
 * only when the call came in the registers: an answer to a queued call has
 * nowhere to go.  A number the Host does not know is a broken rule, and so is
 * a second LGUEST_INIT; the Launcher prints the reason, so spell it as lguest
 * did ("Bad hypercall 11", "already have lguest_data").  In the ring, the
 * status bytes are what the Guest reads: 0xFF means free, and the Guest reuses
 * a slot only when you have written 0xFF back.  Stop at the first free slot,
 * and stop early when a queued call left DMA for the Launcher.
 *
 * Graded (10 points) by running guests: the smallest one, which prints a line
 * and powers off; guests that exercise the page-table, IDT, clock and DMA calls
 * and BIND_DMA's answer; one that queues a SET_PTE on the ring; two hostile ones
 * beside a well-behaved neighbour that must not notice; and the Guest kernel
 * itself, booting to its user program. :*/
class HypercallsGrader {

    @Test
    @Points(1)
    @DisplayName("the smallest guest prints a line and powers off with its status (CRASH, SEND_DMA)")
    void helloAndPowerOff() {
        TestGuests.Run r = HostLabRig.guest("hello");
        assertThat(r.err()).as("what the Launcher said").isEmpty();
        assertThat(r.out()).isEqualTo("hello from the guest\n");
        assertThat(r.status()).isZero();
        TestGuests.Run three = HostLabRig.guest("hello", List.of("EXIT_STATUS=3"));
        assertThat(three.status()).as("\"Power down 3\" is exit status 3 (stderr: %s)", three.err()).isEqualTo(3);
    }

    @Test
    @Points(2)
    @DisplayName("page-table, IDT, clock and halt calls reach their handlers; BIND_DMA answers in EAX; --stats counts them")
    void synchronousCallsReachTheirHandlers() {
        TestGuests.Run pte = HostLabRig.guest("setpte");
        assertThat(pte.out()).as("NEW_PGTABLE, then SET_PTE (stderr: %s)", pte.err())
                .isEqualTo("stale shadow seen\nsetpte ok\n");
        TestGuests.Run clock = HostLabRig.guest("timer", "--stats");
        assertThat(clock.out()).as("LOAD_IDT_ENTRY, SET_CLOCKEVENT, HALT (stderr: %s)", clock.err()).isEqualTo("tick\n");
        assertThat(clock.err()).as("--stats counts SET_CLOCKEVENT (9) and HALT (10)")
                .containsPattern("hypercalls:.* 9=1 .*10=[1-9]");
        TestGuests.Run bind = HostLabRig.guest("labs/bindanswer");
        assertThat(bind.out()).as("BIND_DMA's answer (stderr: %s)", bind.err()).isEqualTo("bind answers ok\n");
        assertThat(bind.status()).isZero();
    }

    @Test
    @Points(2)
    @DisplayName("a SET_PTE queued on the async ring runs at the next hypercall and its slot is freed")
    void theAsyncRing() {
        TestGuests.Run r = HostLabRig.guest("chores", "--stats");
        assertThat(r.out()).as("port I/O, TS, LOAD_TLS, then the ring (stderr: %s)", r.err())
                .isEqualTo("port io ok\nts ok\ntls ok\nasync ok\n");
        assertThat(r.status()).isZero();
        assertThat(r.err()).as("--stats").containsPattern("of which [1-9]\\d* from the async ring");
    }

    @Test
    @Points(2)
    @DisplayName("hypercall 11 kills the guest with \"Bad hypercall 11\"; its neighbour carries on")
    void anUnknownNumberIsSuddenDeath() {
        TestGuests.Run r = HostLabRig.beside("hostile/badhcall");
        assertThat(r.out()).isEqualTo("hostile: hypercall 11\n");
        assertThat(HostLabRig.deathOf(r)).as("the reason (stderr: %s)", r.err()).isEqualTo("Bad hypercall 11");
        assertThat(r.status()).isEqualTo(1);
    }

    @Test
    @Points(1)
    @DisplayName("a second LGUEST_INIT kills the guest with \"already have lguest_data\"")
    void aSecondInitIsSuddenDeath() {
        TestGuests.Run r = HostLabRig.beside("hostile/secondinit");
        assertThat(r.out()).isEqualTo("hostile: a second LGUEST_INIT\n");
        assertThat(HostLabRig.deathOf(r)).as("the reason (stderr: %s)", r.err()).isEqualTo("already have lguest_data");
    }

    @Test
    @Points(2)
    @DisplayName("the Guest kernel boots, runs its user program, reads its disk and powers off")
    void theGuestKernelBoots(@TempDir Path tmp) throws Exception {
        byte[] disk = new byte[64 * 512];
        new Random(200).nextBytes(disk);
        Path img = tmp.resolve("disk.img");
        Files.write(img, disk);
        TestGuests.Run r = HostLabRig.launch(new Host(), "64m", HostLabRig.kernel().toString(), "--block=" + img,
                "--stats", "lab=hypercalls");
        assertThat(r.out()).as("the Guest's console (stderr: %s)", r.err())
                .contains("lab=hypercalls").contains("hello from user space").contains("lgba: crc32");
        assertThat(r.status()).as("exit status (stderr: %s)", r.err()).isZero();
        assertThat(r.err()).as("--stats: NEW_PGTABLE (4) and SET_PTE (14) were counted")
                .containsPattern("hypercalls:.* 4=[1-9]").containsPattern("hypercalls:.* 14=[1-9]");
    }
}
