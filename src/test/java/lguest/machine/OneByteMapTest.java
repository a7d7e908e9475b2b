package lguest.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The one-byte table: complete, and read the way its rows are written. */
class OneByteMapTest {
    private static final int[] PREFIXES = {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3};

    /* An i686 defines every one-byte opcode except the prefixes and the escapes (0F, and
     * D8-DF for the x87): a missing row would turn an instruction into #UD silently. */
    @Test
    void everyOneByteOpcodeHasARow() {
        List<String> missing = new ArrayList<>();
        for (int op = 0; op < 256; op++) {
            if (isPrefix(op) || op == 0x0F || (op >= 0xD8 && op <= 0xDF)) continue;
            boolean found = Decoder.ONE_BYTE.find(op) != null;
            for (int modrm = 0; modrm < 256 && !found; modrm += 8) found = Decoder.ONE_BYTE.find(op, modrm) != null;
            if (!found) missing.add(String.format("%02X", op));
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void aRowIsParsedFromItsText() {
        Form add = Decoder.ONE_BYTE.find(0x01);
        assertThat(add.mnemonic()).isEqualTo("ADD");
        assertThat(Operand.kind(add.a())).isEqualTo(Operand.E);
        assertThat(Operand.kind(add.b())).isEqualTo(Operand.G);
        assertThat(add.has(Form.LOCK)).isTrue();
        assertThat(add.has(Form.BYTE)).isFalse();
        assertThat(Decoder.ONE_BYTE.find(0x00).has(Form.BYTE)).isTrue();
        assertThat(Decoder.ONE_BYTE.find(0x83, 0xF8).mnemonic()).isEqualTo("CMP");   // 83 /7
        assertThat(Decoder.ONE_BYTE.find(0x74).cc()).isEqualTo(4);                   // JE
        assertThat(Decoder.ONE_BYTE.find(0x7F).cc()).isEqualTo(15);                  // JG
        assertThat(Decoder.ONE_BYTE.find(0x55).toString()).isEqualTo("50+r  PUSH Zv");
    }

    @Test
    void twoRowsCannotShareAnEncoding() {
        Form a = Form.row("01 /r", "ADD Ev,Gv", Arithmetic::add);
        Form b = Form.row("01 /r", "SUB Ev,Gv", Arithmetic::sub);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new OpcodeMap("", List.of(a, b)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("share an encoding");
    }

    private static boolean isPrefix(int op) {
        for (int p : PREFIXES) if (p == op) return true;
        return false;
    }
}
