package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import lguest.host.Host;
import lguest.host.TestGuests;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The C wing of the rogues' gallery (src/guest/hostile, built by `make guest` into
 * target/guest/hostile): the real kernel's boot, then one rule broken, each with the
 * outcome src/guest/BOOT.md section 12 expects, while a well-behaved guest on the same
 * Host carries on. The assembler wing is HostileGuestsTest.
 */
class HostileKernelsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        switcher-write   | hostile: write to the Switcher's pages at 0xFFC00000 | lguest: guest died: attempt to access switcher pages
        dpl0-segment     | hostile: load a privilege-0 segment                  | lguest: guest died: CRASH: trap 13 (general protection), error 0x58
        pte-beyond-limit | hostile: page-table entry beyond the memory limit    | lguest: guest died: bad page table entry
        bad-idt-type     | hostile: IDT gate of a bad type (task gate)          | lguest: guest died: bad IDT type
        gdt-too-many     | hostile: LOAD_GDT with 33 entries                    | lguest: guest died: too many gdt entries
        dma-outside      | hostile: DMA outside the Guest's memory              | lguest: Invalid address in DMA
        early-hcall      |                                                      | lguest: guest died: hypercall 13 before LGUEST_INIT
        second-init      | hostile: second LGUEST_INIT                          | lguest: guest died: already have lguest_data
        bad-stack        | hostile: SET_STACK with unmapped stack pages         | lguest: guest died: bad stack page
        ldt-gate         | hostile: LOAD_LDT with a call gate                   | lguest: guest died: bad ldt entry 1: not a code or data segment
        """)
    void killedForTheRightReasonWhileItsNeighbourCarriesOn(String name, String banner, String reason) {
        Path hostile = built("hostile/" + name);
        Host host = new Host();
        String companion = TestGuests.build("companion").toString();
        CompletableFuture<TestGuests.Run> good = CompletableFuture.supplyAsync(() -> TestGuests.launch(host, "4m", companion));
        TestGuests.Run bad = TestGuests.launch(host, "16m", hostile.toString());
        TestGuests.Run ok = good.join();

        if (banner == null) assertThat(bad.out()).doesNotContain("hostile:");
        else assertThat(bad.out()).contains(banner);
        assertThat(bad.out()).doesNotContain("survived");
        assertThat(bad.err()).startsWith(reason);
        assertThat(bad.status()).isEqualTo(1);
        assertThat(ok.status()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.err()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource("ring3-hcall")
    void aHypercallFromRingThreeIsAGeneralProtectionFaultNotADeath(String name) {
        TestGuests.Run r = TestGuests.launch(new Host(), "16m", built("hostile/" + name).toString());
        assertThat(r.out()).contains("user: trap 13 (general protection), error 0xfa")
                .contains("init: hcall exited with status 139").doesNotContain("survived");
        assertThat(r.status()).as(r.out() + r.err()).isEqualTo(139);
    }

    private static Path built(String name) {
        return TestGuests.built(name);
    }
}
