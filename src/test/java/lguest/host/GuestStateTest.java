package lguest.host;

import static org.assertj.core.api.Assertions.assertThat;

import lguest.machine.fpu.X87;
import org.junit.jupiter.api.Test;

/** The x87 goes into a snapshot and comes out whole (M:674), and saving leaves it as it was. */
class GuestStateTest {
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
