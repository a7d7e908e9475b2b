package lguest.host;

import static lguest.host.Abi.DMA_SIZE;
import static lguest.host.Abi.DMA_USED_LEN;
import static org.assertj.core.api.Assertions.assertThat;

import lguest.machine.PhysicalMemory;
import org.junit.jupiter.api.Test;

/** GETDMA hands out a binding's buffers round the array, as SEND_DMA fills them (H:650). */
class GetDmaOrderTest {
    @Test
    void getDmaStartsWhereTheLastOneLeftOff() {
        Host host = new Host();
        PhysicalMemory mem = new PhysicalMemory();
        mem.addRegion(0, 1 << 20);
        Guest g = host.newGuest(mem, Thread.currentThread(), (1 << 20) >>> 12, 0x1000, 0xC0100000, 0xC0000000, null);
        int key = 0x8000, dmas = 0x9000;
        for (int i = 0; i < 4; i++) mem.write16(dmas + i * DMA_SIZE + Abi.DMA_LEN, 64);
        assertThat(host.dma.bindDma(g, key, dmas, 4, 5)).isEqualTo(1);
        // The Launcher fills buffer 0 and the Guest empties it, the way a network driver
        // that goes round the array does: the next frame must go into buffer 1, where the
        // driver will look next. 2.6.23's GETDMA gave buffer 0 again.
        for (int want = 0; want < 6; want++) {
            long got = host.dma.getDma(g, key);
            assertThat(got).isEqualTo(dmas + (want % 4) * DMA_SIZE);
            assertThat(mem.read32((int) got + DMA_USED_LEN)).as("the interrupt, in used_len").isEqualTo(5);
            mem.write32((int) got + DMA_USED_LEN, 0);
        }
    }
}
