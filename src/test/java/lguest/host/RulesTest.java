package lguest.host;

import static lguest.host.Abi.*;
import static org.assertj.core.api.Assertions.assertThat;

import lguest.machine.PhysicalMemory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The IDT and GDT rules, looked at from inside the Host: what it keeps, what the CPU gets. */
class RulesTest {
    private final Host host = new Host();
    private Guest g;
    private PhysicalMemory mem;

    @BeforeEach
    void boot() {
        mem = new PhysicalMemory();
        mem.addRegion(0, 1 << 20);
        LguestDevice d = host.open(mem);
        assertThat(d.write(LHREQ_INITIALIZE, 256, 0x1000, 0xC0100000, 0xC0000000)).isEqualTo(16);
        g = host.guests().get(0);
    }

    private static int lo(int handler) { return (0x60 << 16) | (handler & 0xFFFF); }

    private static int hi(int handler, int typeDplP) { return (handler & 0xFFFF0000) | typeDplP; }

    private int realIdt(int v, int word) {
        return mem.read32(g.switcher.roPhys + Switcher.RO_IDT + v * 8 + word * 4);
    }

    @Test
    void theHostsVectorsAreIgnoredAndTheSelectorIsAlwaysTheGuestKernels() {
        for (int v : new int[] {2, 8, 15, 0x1F}) g.traps.loadGuestIdtEntry(v, lo(0xC0101234), hi(0xC0101234, 0x8F00));
        for (int v : new int[] {2, 8, 15, 0x1F}) assertThat(g.traps.idtHi[v]).as("vector %d", v).isZero();
        g.traps.loadGuestIdtEntry(3, 0x00081234, hi(0xC0101234, 0xEF00));
        assertThat(g.traps.idtLo[3] >>> 16).isEqualTo(KERNEL_CS | GUEST_PL);
        g.traps.loadGuestIdtEntry(3, 0, 0x0F00);
        assertThat(g.traps.idtHi[3]).as("not present is stored as nothing").isZero();
        assertThat(g.isDead()).isFalse();
    }

    @Test
    void onlyTrapGatesBelow32OrAt0x80ExceptTheHostsOwnBecomeDirect() {
        int h = 0xC0105678;
        g.traps.loadGuestIdtEntry(0x80, lo(h), hi(h, 0xEF00));
        g.traps.loadGuestIdtEntry(3, lo(h), hi(h, 0xEF00));
        g.traps.loadGuestIdtEntry(14, lo(h), hi(h, 0x8F00));
        g.traps.loadGuestIdtEntry(13, lo(h), hi(h, 0x8F00));
        g.traps.loadGuestIdtEntry(4, lo(h), hi(h, 0x8E00));
        g.traps.copyTraps(g.switcher.roPhys + Switcher.RO_IDT);
        assertThat(realIdt(0x80, 0)).isEqualTo(((KERNEL_CS | GUEST_PL) << 16) | 0x5678);
        assertThat(realIdt(0x80, 1)).isEqualTo(0xC010EF00);
        assertThat(realIdt(3, 1)).isEqualTo(0xC010EF00);
        for (int v : new int[] {14, 13, 4}) {
            int stub = Switcher.STUBS + v * Switcher.STUB_SIZE;
            assertThat(realIdt(v, 0)).as("vector %d goes to its stub", v).isEqualTo((LGUEST_CS << 16) | (stub & 0xFFFF));
            assertThat(realIdt(v, 1)).isEqualTo((stub & 0xFFFF0000) | 0x8E00);
        }
    }

    @Test
    void dplZeroBecomesOneAndTheHostsEntriesNeverReachTheCpu() {
        int table = 0x3000;
        for (int i = 0; i < 32; i++) {
            mem.write32(table + i * 8, 0x0000FFFF);
            mem.write32(table + i * 8 + 4, 0x00CF9200);
        }
        g.segments.loadGuestGdt(table, 32);
        int gdt = g.switcher.roPhys + Switcher.RO_GDT;
        g.segments.copyGdt(gdt);
        assertThat(mem.read32(gdt + 20 * 8 + 4)).isEqualTo(0x00CFB300);
        assertThat(mem.read32(gdt + GDT_ENTRY_LGUEST_CS * 8 + 4)).isEqualTo(0x00CF9B00);
        assertThat(mem.read32(gdt + GDT_ENTRY_LGUEST_DS * 8 + 4)).isEqualTo(0x00CF9300);
        assertThat(mem.read32(gdt + GDT_ENTRY_TSS * 8 + 4) & 0x1F00).isEqualTo(0x0900);
        assertThat(g.isDead()).isFalse();
    }

    @Test
    void loadTlsTouchesOnlyEntriesSixToEight() {
        int tls = 0x3000;
        for (int i = 0; i < 3; i++) {
            mem.write32(tls + i * 8, 0x1234FFFF);
            mem.write32(tls + i * 8 + 4, 0x00CFF200);
        }
        int before = g.segments.hi[9];
        g.segments.guestLoadTls(tls);
        for (int i = 6; i <= 8; i++) assertThat(g.segments.hi[i]).isEqualTo(0x00CFF300);
        assertThat(g.segments.hi[9]).isEqualTo(before);
        assertThat(g.changed & Switcher.CHANGED_GDT_TLS).isNotZero();
    }
}
