package lguest.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import lguest.machine.fpu.X87;
import org.junit.jupiter.api.Test;

/**
 * The x87 rows of the instruction table and the FPU agree on which encodings exist: a row
 * for every (escape, ModRM) that {@link X87#isDefined} accepts, and none for the others,
 * so no defined instruction decodes to #UD and no undefined one reaches the FPU.
 */
class X87MapTest {

    @Test
    void everyDefinedEncodingHasARowAndNoOtherDoes() {
        List<String> wrong = new ArrayList<>();
        for (int op = 0xD8; op <= 0xDF; op++) {
            for (int modrm = 0; modrm < 256; modrm++) {
                boolean row = X87Map.MAP.find(op, modrm) != null, defined = X87.isDefined(op, modrm);
                if (row != defined)
                    wrong.add(String.format("%02X %02X: %s", op, modrm, row ? "a row, but undefined" : "defined, but no row"));
            }
        }
        assertThat(wrong).isEmpty();
    }
}
