package lguest.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Host's emulation of port I/O from the Guest's kernel (H:350). */
class PortIoTest {
    /* IN AX (0x66 0xED) once set all of %eax to 0x0000FFFF, clearing the upper half
     * the instruction never names; the guest then powered off with status 2. */
    @Test
    void anInReadsAllOnesInExactlyTheBytesItNames() {
        TestGuests.Run r = TestGuests.launch(new Host(), "4m", TestGuests.build("portio").toString());
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("port io ok");
    }
}
