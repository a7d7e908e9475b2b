package lguest.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sudden Death: each hostile guest breaks one rule and is killed with lguest's reason,
 * while a well-behaved guest in the same Host, on its own thread, runs to the end.
 */
class HostileGuestsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "switcher   | hostile: writing the Switcher          | attempt to access switcher pages",
        "dpl0       | hostile: loading a DPL-0 segment       | unhandled trap 13 at 0x",
        "ptebeyond  | hostile: a PTE beyond the memory limit | bad page table entry",
        "badidt     | hostile: a bad IDT type                | bad IDT type 5",
        "gdt33      | hostile: more than 32 GDT entries      | too many gdt entries 33",
        "dma        | hostile: DMA outside memory            | bad sending DMA key 0x7ffff000",
        "beforeinit |                                        | hypercall 13 before LGUEST_INIT",
        "int1f      | hostile: int 0x1f from ring 3          | (0xfa)",
        "secondinit | hostile: a second LGUEST_INIT          | already have lguest_data",
        "badstack   | hostile: a bad stack page              | bad stack page 0x40001000",
        "badhcall   | hostile: hypercall 11                  | Bad hypercall 11",
        "badgdt     | hostile: a bogus GDT entry in use      | unhandled trap 256",
    })
    void killedWithItsReasonWhileItsNeighbourCarriesOn(String name, String banner, String reason) {
        Host host = new Host();
        String companion = TestGuests.build("companion").toString();
        String hostile = TestGuests.build("hostile/" + name).toString();
        CompletableFuture<TestGuests.Run> good = CompletableFuture.supplyAsync(() -> TestGuests.launch(host, "4m", companion));
        TestGuests.Run bad = TestGuests.launch(host, "4m", hostile);
        TestGuests.Run ok = good.join();

        assertThat(bad.out()).isEqualTo(banner == null ? "" : banner + "\n");
        assertThat(bad.err()).startsWith("lguest: guest died: ").contains(reason);
        assertThat(bad.err().lines()).hasSize(1);
        assertThat(bad.status()).isEqualTo(1);

        assertThat(ok.status()).isZero();
        assertThat(ok.out()).endsWith("companion done\n");
        assertThat(ok.err()).isEmpty();
    }
}
