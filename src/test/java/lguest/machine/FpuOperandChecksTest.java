package lguest.machine;

import static org.assertj.core.api.Assertions.assertThat;

import lguest.machine.Rig.Trap;
import org.junit.jupiter.api.Test;

/**
 * An x87 memory operand is checked whole against its segment before the FPU starts: an
 * 8-byte store that runs past the limit, or any store to a read-only segment, is #GP(0)
 * with nothing written and the FPU stack as it was.
 */
class FpuOperandChecksTest {

    static final int READ_ONLY = 0x5B;   // a ring-3 read-only data segment over SMALL

    static Rig machine() {
        Rig m = new Rig();
        m.desc(READ_ONLY, Rig.SMALL, 0xFFF, 0xF0, 0x4);
        m.cpu.gdtrLimit = 0x5F;
        m.ring(3);
        m.code(0xD9, 0xE8);                                      // fld1
        return m;
    }

    static Rig withEs(int sel) {
        Rig m = machine();
        m.code(0xB8).code32(sel).code(0x8E, 0xC0);               // mov %ax,%es
        return m;
    }

    @Test
    void aStoreThatRunsPastTheLimitIsGPAndWritesNothing() {
        Rig m = withEs(Rig.SMALL_SEL);
        m.mem.write32(Rig.SMALL + 0xFFC, 0x11111111);
        int at = m.pc;
        m.code(0x26, 0xDD, 0x1D).code32(0xFFC);                  // fstpl %es:0xffc (8 bytes, limit 0xfff)
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.GP);
        assertThat(t.error).isZero();
        assertThat(t.eip).isEqualTo(at);
        assertThat(m.mem.read32(Rig.SMALL + 0xFFC)).isEqualTo(0x11111111);
        assertThat(m.cpu.x87.isEmpty(0)).as("ST0 still holds the 1.0 FSTP would have popped").isFalse();
    }

    @Test
    void aLoadThatRunsPastTheLimitIsGPToo() {
        Rig m = withEs(Rig.SMALL_SEL);
        m.code(0x26, 0xDB, 0x2D).code32(0xFF8);                  // fldt %es:0xff8 (10 bytes)
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.GP);
        assertThat(m.cpu.x87.isEmpty(1)).as("nothing was pushed").isTrue();
    }

    @Test
    void anOperandThatFitsIsStored() {
        Rig m = withEs(Rig.SMALL_SEL);
        m.code(0x26, 0xDD, 0x1D).code32(0xFF8).code(0xCD, 0x80); // fstpl %es:0xff8; int $0x80
        assertThat(m.run().vector).isEqualTo(0x80);
        assertThat(m.mem.read32(Rig.SMALL + 0xFFC)).isEqualTo(0x3FF00000);   // 1.0's high word
    }

    @Test
    void storesToAReadOnlySegmentAreGPButLoadsAreFine() {
        Rig m = withEs(READ_ONLY);
        m.code(0x26, 0xDD, 0x05).code32(0x100);                  // fldl %es:0x100
        m.code(0x26, 0xD9, 0x35).code32(0x200);                  // fnstenv %es:0x200
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.GP);
        assertThat(t.eip).isEqualTo(m.pc - 7);
        assertThat(m.cpu.x87.isEmpty(1)).as("the load went through").isFalse();
    }
}
