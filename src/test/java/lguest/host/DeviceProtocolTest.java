package lguest.host;

import static lguest.host.Abi.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import lguest.machine.PhysicalMemory;
import org.junit.jupiter.api.Test;

/** /dev/lguest's writes and reads, with 2.6.23's error codes. */
class DeviceProtocolTest {
    private final Host host = new Host();

    private static PhysicalMemory ram() {
        PhysicalMemory m = new PhysicalMemory();
        m.addRegion(0, 1 << 20);
        return m;
    }

    private static long init(LguestDevice d) {
        return d.write(LHREQ_INITIALIZE, (1 << 20) >>> 12, 0x1000, 0xC0100000, 0xC0000000);
    }

    @Test
    void requestsBeforeInitializeAreInvalidAndASecondInitializeIsBusy() {
        LguestDevice d = host.open(ram());
        assertThat(d.write(LHREQ_IRQ, 1)).isEqualTo(-EINVAL);
        assertThat(d.read(new byte[8])).isEqualTo(-EINVAL);
        assertThat(init(d)).isEqualTo(16);
        assertThat(init(d)).isEqualTo(-EBUSY);
        assertThat(d.write(LHREQ_IRQ, 32)).isEqualTo(-EINVAL);
        assertThat(d.write(LHREQ_IRQ, 31)).isZero();
        assertThat(d.write(LHREQ_GETDMA, 0)).isEqualTo(-ENOENT);
        assertThat(d.write(99)).isEqualTo(-EINVAL);
        d.close();
    }

    @Test
    void sixteenGuestsFitAndTheSeventeenthGetsNoSpace() {
        List<LguestDevice> open = new ArrayList<>();
        for (int i = 0; i < Host.MAX_GUESTS; i++) {
            LguestDevice d = host.open(ram());
            assertThat(init(d)).isEqualTo(16);
            open.add(d);
        }
        LguestDevice extra = host.open(ram());
        assertThat(init(extra)).isEqualTo(-ENOSPC);
        open.get(3).close();
        assertThat(init(extra)).as("a closed guest frees its slot").isEqualTo(16);
        open.forEach(LguestDevice::close);
        extra.close();
    }

    /** One megabyte with the given code at virtual 0xC00FF000 and page tables mapping it. */
    private static PhysicalMemory bootable(byte... code) {
        PhysicalMemory m = ram();
        m.write(0xFF000, code, 0, code.length);
        m.write32(0x1000 + (0xC0000000 >>> 22) * 4, 0x2000 | 7);
        for (int i = 0; i < 256; i++) m.write32(0x2000 + i * 4, (i << 12) | 7);
        return m;
    }

    private static long boot(LguestDevice d) {
        return d.write(LHREQ_INITIALIZE, 256, 0x1000, 0xC00FF000, 0xC0000000);
    }

    @Test
    void onlyTheOwnerMaySteerButAnyoneMayBreak() throws Exception {
        LguestDevice d = host.open(bootable((byte) 0xEB, (byte) 0xFE));
        assertThat(boot(d)).isEqualTo(16);
        long otherIrq = CompletableFuture.supplyAsync(() -> d.write(LHREQ_IRQ, 1)).get();
        assertThat(otherIrq).isEqualTo(-EPERM);
        CompletableFuture<Long> breaker = CompletableFuture.supplyAsync(() -> d.write(LHREQ_BREAK, 1));
        /* The guest is "jmp ." forever, until the break. */
        assertThat(d.read(new byte[8])).isEqualTo(-EAGAIN);
        assertThat(breaker).isNotDone();
        assertThat(d.write(LHREQ_BREAK, 0)).isZero();
        assertThat(breaker.get()).isZero();
        d.close();
    }

    @Test
    void aDeadGuestSaysENOENTThenItsReason() {
        /* movl $5,%eax; int $0x1F: a hypercall before LGUEST_INIT. */
        LguestDevice d = host.open(bootable((byte) 0xB8, (byte) 5, (byte) 0, (byte) 0, (byte) 0, (byte) 0xCD, (byte) 0x1F));
        assertThat(boot(d)).isEqualTo(16);
        byte[] buf = new byte[128];
        assertThat(d.read(buf)).isEqualTo(-ENOENT);
        int n = d.read(buf);
        assertThat(new String(buf, 0, n - 1, StandardCharsets.US_ASCII)).isEqualTo("hypercall 5 before LGUEST_INIT");
        assertThat(buf[n - 1]).isZero();
        assertThat(d.write(LHREQ_IRQ, 1)).isEqualTo(-ENOENT);
        d.close();
    }
}
