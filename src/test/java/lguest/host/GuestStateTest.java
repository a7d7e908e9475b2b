package lguest.host;

import static org.assertj.core.api.Assertions.assertThat;

import lguest.machine.fpu.X87;
import org.junit.jupiter.api.Test;

/** The x87 goes into a snapshot and comes out whole (M:674), and saving leaves it as it was; the saved selectors are held to the Guest's (M:673). */
class GuestStateTest {
    @Test
    void savedSelectorsMayNameTheGuestsEntriesButNotTheHosts() {
        for (int index : new int[] {Abi.GDT_ENTRY_LGUEST_CS, Abi.GDT_ENTRY_LGUEST_DS, Abi.GDT_ENTRY_TSS, Abi.GDT_ENTRY_LDT,
                Abi.GDT_ENTRY_DOUBLEFAULT_TSS})
            assertThat(GuestState.guestSelector(index << 3 | 1)).as("GDT entry %d", index).isFalse();
        assertThat(GuestState.guestSelector(Abi.KERNEL_CS)).as("a ring-0 selector").isFalse();
        assertThat(GuestState.guestSelector(0x10000 | 0x7B)).as("more than 16 bits").isFalse();
        assertThat(GuestState.guestSelector(0)).as("the null selector").isTrue();
        assertThat(GuestState.guestSelector(Abi.KERNEL_CS | 1)).as("the Guest kernel's code").isTrue();
        assertThat(GuestState.guestSelector(Abi.GDT_ENTRY_TLS_MIN << 3 | 3)).as("a TLS entry").isTrue();
        // An LDT selector, TI set, names the Guest's own table, even with the index of one of the Host's GDT entries.
        for (int index : new int[] {0, Abi.GDT_ENTRY_LGUEST_CS, Abi.GDT_ENTRY_LGUEST_DS, Abi.LDT_ENTRIES - 1})
            assertThat(GuestState.guestSelector(index << 3 | 4 | 3)).as("LDT entry %d", index).isTrue();
    }

    @Test
    void theX87SurvivesASnapshot() {
        X87 x87 = new X87();
        x87.execute(0xD9, 0xE8, 0, 0x1000, null);   // FLD1
        x87.execute(0xD9, 0xEB, 0, 0x1002, null);   // FLDPI
        x87.execute(0xDE, 0xC1, 0, 0x1004, null);   // FADDP: st0 = pi + 1
        x87.execute(0xD9, 0xEE, 0, 0x1006, null);   // FLDZ
        String before = describe(x87);

        byte[] saved = GuestState.fpu(x87, null);
        assertThat(describe(x87)).as("saving leaves the unit as it was").isEqualTo(before);

        X87 fresh = new X87();
        assertThat(describe(fresh)).isNotEqualTo(before);
        GuestState.fpu(fresh, saved);
        assertThat(describe(fresh)).isEqualTo(before);
    }

    private static String describe(X87 x) {
        StringBuilder b = new StringBuilder(String.format("cw %04x sw %04x tw %04x", x.controlWord(), x.statusWord(), x.tagWord()));
        for (int i = 0; i < 8; i++) b.append(x.isEmpty(i) ? " empty" : " " + x.st(i));
        return b.toString();
    }
}
