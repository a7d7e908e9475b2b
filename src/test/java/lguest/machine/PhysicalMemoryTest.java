package lguest.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhysicalMemoryTest {
    @TempDir Path dir;

    @Test
    void regionsAreBoundsCheckedAndMayNotOverlap() {
        PhysicalMemory m = new PhysicalMemory();
        m.addRegion(0x10000, 0x2000);
        m.write32(0x11FFC, 0xDEADBEEF);
        assertThat(m.read32(0x11FFC)).isEqualTo(0xDEADBEEF);
        assertThat(m.read16(0x11FFE)).isEqualTo(0xDEAD);
        assertThatThrownBy(() -> m.read8(0x12000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.write32(0xFFFF, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.addRegion(0x11000, 0x1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.addRegion(0x20001, 0x1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.addRegion(0xFFFFF000, 0x2000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bulkCopiesCrossPages() {
        PhysicalMemory m = new PhysicalMemory();
        m.addRegion(0, 0x3000);
        byte[] src = new byte[6000];
        for (int i = 0; i < src.length; i++) src[i] = (byte) (i * 31);
        m.write(0x800, src, 0, src.length);
        byte[] back = new byte[src.length];
        m.read(0x800, back, 0, back.length);
        assertThat(back).isEqualTo(src);
    }

    @Test
    void twoMachinesMappingOneFileShareItsFrames() throws IOException {
        Path f = dir.resolve("shared");
        PhysicalMemory a = new PhysicalMemory(), b = new PhysicalMemory();
        try (FileChannel ca = open(f); FileChannel cb = open(f)) {
            a.addFileRegion(0x100000, 0x2000, ca);
            b.addFileRegion(0x800000, 0x2000, cb);
            a.write32(0x101004, 0x12345678);
            assertThat(b.read32(0x801004)).isEqualTo(0x12345678);
        }
    }

    @Test
    void theCpuRunsCodeAndStoresDataInAFileBackedFrame() throws IOException {
        PhysicalMemory m = new PhysicalMemory();
        m.addRegion(0, 0x10000);
        m.addFileRegion(0x10000, 0x1000, open(dir.resolve("frame")));
        Cpu c = new Cpu(m);
        // at 0x10000: mov $0x5A5A, %eax; mov %eax, 0x10800; hlt
        int[] code = {0xB8, 0x5A, 0x5A, 0, 0, 0xA3, 0x00, 0x08, 0x01, 0x00, 0xF4};
        for (int i = 0; i < code.length; i++) m.write8(0x10000 + i, code[i]);
        c.eip = 0x10000;
        assertThat(c.run(100)).isEqualTo(Exit.HALT);
        assertThat(m.read32(0x10800)).isEqualTo(0x5A5A);
    }

    @Test
    void aHoleReadsAsOnesAndSwallowsWrites() {
        PhysicalMemory m = new PhysicalMemory();
        m.addRegion(0, 0x1000);
        Cpu c = new Cpu(m);
        // mov %eax, 0x5000; mov 0x5000, %ebx; hlt
        int[] code = {0xA3, 0, 0x50, 0, 0, 0x8B, 0x1D, 0, 0x50, 0, 0, 0xF4};
        for (int i = 0; i < code.length; i++) m.write8(0x100 + i, code[i]);
        c.eip = 0x100;
        assertThat(c.run(100)).isEqualTo(Exit.HALT);
        assertThat(c.r[Cpu.EBX]).isEqualTo(-1);
    }

    @Test
    void oneCpuSeesCodeAnotherCpuWrote() {
        PhysicalMemory m = new PhysicalMemory();
        m.addRegion(0, 0x10000);
        Cpu runner = new Cpu(m), writer = new Cpu(m);
        // runner: mov $1,%eax; hlt
        int[] first = {0xB8, 1, 0, 0, 0, 0xF4};
        for (int i = 0; i < first.length; i++) m.write8(0x1000 + i, first[i]);
        runner.eip = 0x1000;
        runner.run(10);
        assertThat(runner.r[Cpu.EAX]).isEqualTo(1);
        // writer: movb $2, 0x1001; hlt  (rewrites the runner's immediate)
        int[] patch = {0xC6, 0x05, 0x01, 0x10, 0, 0, 0x02, 0xF4};
        for (int i = 0; i < patch.length; i++) m.write8(0x2000 + i, patch[i]);
        writer.eip = 0x2000;
        writer.run(10);
        runner.eip = 0x1000;
        runner.run(10);
        assertThat(runner.r[Cpu.EAX]).isEqualTo(2);
    }

    @Test
    void twoCpusShareMemoryInTwoThreadsAndTheLineStopsThem() throws Exception {
        PhysicalMemory m = new PhysicalMemory();
        m.addRegion(0, 0x10000);
        // at 0x1000 and 0x2000: 1: incl (counter); jmp 1b    (each CPU its own counter)
        int[][] loops = {{0xFF, 0x05, 0x00, 0x30, 0, 0, 0xEB, 0xF8}, {0xFF, 0x05, 0x04, 0x30, 0, 0, 0xEB, 0xF8}};
        Cpu[] cpus = {new Cpu(m), new Cpu(m)};
        Exit[] exits = new Exit[2];
        Thread[] threads = new Thread[2];
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < 8; i++) m.write8(0x1000 * (k + 1) + i, loops[k][i]);
            cpus[k].eip = 0x1000 * (k + 1);
            int n = k;
            threads[k] = new Thread(() -> exits[n] = cpus[n].run(0));
            threads[k].start();
        }
        while (m.read32(0x3000) == 0 || m.read32(0x3004) == 0) Thread.onSpinWait();
        for (Cpu c : cpus) c.raiseInterruptLine();
        for (Thread t : threads) t.join();
        assertThat(exits).containsOnly(Exit.INTERRUPT);
        // each counter was incremented exactly once per loop trip: two instructions a trip
        for (int k = 0; k < 2; k++)
            assertThat(cpus[k].retired() / 2).isBetween((long) m.read32(0x3000 + 4 * k) - 1, (long) m.read32(0x3000 + 4 * k));
    }

    private static FileChannel open(Path f) throws IOException {
        return FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
}
