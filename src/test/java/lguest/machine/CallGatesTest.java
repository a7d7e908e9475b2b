package lguest.machine;

import static org.assertj.core.api.Assertions.assertThat;

import lguest.machine.Rig.Trap;
import org.junit.jupiter.api.Test;

/**
 * Call gates (SDM vol. 3, 5.8.3-5.8.6): far CALL and JMP through a gate in the GDT, the
 * privilege checks on the gate and its target, the stack switch with parameter copying
 * on a call inward, and the far RET with an immediate that undoes it.
 */
class CallGatesTest {
    static final int GATE = 0x58, KERNEL_CODE = 0xA000;

    /** lcall $sel,$0 (the offset in the instruction is ignored for a gate). */
    static int[] lcall(int sel) { return new int[] {0x9A, 0, 0, 0, 0, sel & 0xFF, sel >> 8}; }

    @Test
    void aCallFromRing3ThroughAGateSwitchesToTheTssStackAndCopiesTheParameters() {
        Rig m = new Rig();
        m.callGate(GATE, Rig.KCODE, Rig.HOST + 0x900, 3, 2, true);
        m.ring(3);
        m.code(0x68).code32(0x11111111).code(0x68).code32(0x22222222);   // push; push
        int call = m.pc;
        m.code(lcall(GATE | 3));
        int back = m.pc;
        m.code(0xCC);                                                     // int3
        assertThat(m.cpu.run(100)).isEqualTo(Exit.HOST_CODE);
        assertThat(m.cpu.eip).isEqualTo(Rig.HOST + 0x900);
        assertThat(m.cpu.cpl()).isZero();
        assertThat(m.cpu.segmentSelector(Cpu.CS)).isEqualTo(Rig.KCODE);
        assertThat(m.cpu.segmentSelector(Cpu.SS)).isEqualTo(Rig.KDATA);
        int sp = m.cpu.r[Cpu.ESP];
        assertThat(sp).isEqualTo(Rig.KSTACK - 6 * 4);
        int[] frame = new int[6];
        for (int k = 0; k < 6; k++) frame[k] = m.mem.read32(sp + 4 * k);
        assertThat(frame).containsExactly(back, Rig.UCODE, 0x22222222, 0x11111111, Rig.USTACK - 8, Rig.UDATA);
        assertThat(call).isEqualTo(back - 7);

        m.mem.write8(KERNEL_CODE, 0xCA);                                  // lret $8: back out, dropping both parameters
        m.mem.write16(KERNEL_CODE + 1, 8);
        m.cpu.eip = KERNEL_CODE;
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.BP);
        assertThat(t.eip).isEqualTo(back + 1);
        assertThat(t.cs).isEqualTo(Rig.UCODE);
        assertThat(t.esp).as("both stacks released the parameters").isEqualTo(Rig.USTACK);
        assertThat(t.ss).isEqualTo(Rig.UDATA);
    }

    @Test
    void aSixteenBitGatePushesWordsAndKeepsOnlyTheLowHalfOfItsOffset() {
        Rig m = new Rig();
        m.callGate(GATE, Rig.KCODE, 0xFFFF0000 | Rig.HOST + 0x900, 3, 1, false);
        m.ring(3);
        m.code(0x66, 0x68, 0x34, 0x12);                                   // pushw $0x1234
        m.code(lcall(GATE | 3));
        int back = m.pc;
        assertThat(m.cpu.run(100)).isEqualTo(Exit.HOST_CODE);
        assertThat(m.cpu.eip).isEqualTo(Rig.HOST + 0x900);
        int sp = m.cpu.r[Cpu.ESP];
        assertThat(sp).isEqualTo(Rig.KSTACK - 5 * 2);
        int[] frame = new int[5];
        for (int k = 0; k < 5; k++) frame[k] = m.mem.read16(sp + 2 * k);
        assertThat(frame).containsExactly(back & 0xFFFF, Rig.UCODE, 0x1234, (Rig.USTACK - 2) & 0xFFFF, Rig.UDATA);
    }

    @Test
    void aGateToTheSameRingPushesOnlyCsAndEipOnTheCurrentStack() {
        Rig m = new Rig();
        int target = Rig.CODE + 0x100;
        m.callGate(GATE, Rig.UCODE, target, 3, 3, true);
        m.ring(3);
        m.code(lcall(GATE | 3));
        int back = m.pc;
        m.pc = target;
        m.code(0xCC);
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.BP);
        assertThat(t.eip).isEqualTo(target + 1);
        assertThat(t.esp).isEqualTo(Rig.USTACK - 8);
        assertThat(m.mem.read32(Rig.USTACK - 8)).isEqualTo(back);
        assertThat(m.mem.read32(Rig.USTACK - 4)).isEqualTo(Rig.UCODE);
    }

    @Test
    void aGateWhoseDplIsBelowCplOrRplIsGPWithTheGateSelector() {
        Rig m = new Rig();
        m.callGate(GATE, Rig.KCODE, Rig.HOST + 0x900, 0, 0, true);
        m.ring(3);
        m.code(lcall(GATE | 3));
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.GP);
        assertThat(t.error).isEqualTo(GATE);
        assertThat(t.eip).isEqualTo(Rig.CODE);
        Rig n = new Rig();
        n.callGate(GATE, Rig.KCODE, Rig.HOST + 0x900, 1, 0, true);
        n.ring(1);
        n.code(lcall(GATE | 3));                                          // RPL 3 above the gate's DPL 1
        assertThat(n.run().error).isEqualTo(GATE);
    }

    @Test
    void aGateThatIsNotPresentIsNPAndAGateOutwardIsGP() {
        Rig m = new Rig();
        m.callGate(GATE, Rig.KCODE, Rig.HOST + 0x900, 3, 0, true);
        m.mem.write8(Rig.GDT + GATE + 5, m.mem.read8(Rig.GDT + GATE + 5) & 0x7F);
        m.ring(3);
        m.code(lcall(GATE | 3));
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.NP);
        assertThat(t.error).isEqualTo(GATE);
        Rig n = new Rig();
        n.callGate(GATE, Rig.UCODE, Rig.CODE, 3, 0, true);
        n.ring(1);
        n.code(lcall(GATE | 1));                                          // from ring 1 to ring-3 code: never outward
        Trap u = n.run();
        assertThat(u.vector).isEqualTo(Vectors.GP);
        assertThat(u.error).isEqualTo(Rig.UCODE & 0xFFFC);
    }

    @Test
    void aJumpThroughAGateGoesSidewaysButNeverInward() {
        Rig m = new Rig();
        int target = Rig.CODE + 0x100;
        m.callGate(GATE, Rig.UCODE, target, 3, 0, true);
        m.ring(3);
        m.code(0xEA, 0, 0, 0, 0, GATE | 3, 0);                            // ljmp $GATE|3,$0
        m.pc = target;
        m.code(0xCC);
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.BP);
        assertThat(t.eip).isEqualTo(target + 1);
        assertThat(t.esp).as("a jump pushes nothing").isEqualTo(Rig.USTACK);
        Rig n = new Rig();
        n.callGate(GATE, Rig.KCODE, Rig.HOST + 0x900, 3, 0, true);
        n.ring(3);
        n.code(0xEA, 0, 0, 0, 0, GATE | 3, 0);
        Trap u = n.run();
        assertThat(u.vector).isEqualTo(Vectors.GP);
        assertThat(u.error).isEqualTo(Rig.KCODE);
    }

    @Test
    void aFaultWhileCopyingTheParametersLeavesTheCallerAsItWas() {
        Rig m = new Rig();
        m.callGate(GATE, Rig.KCODE, Rig.HOST + 0x900, 3, 2, true);
        m.ring(3);
        m.cpu.r[Cpu.ESP] = 0x3FFFFC;                                      // the second parameter is past the map
        m.code(lcall(GATE | 3));
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.PF);
        assertThat(m.cpu.cr2()).isEqualTo(0x400000);
        assertThat(t.eip).isEqualTo(Rig.CODE);
        assertThat(t.cs).isEqualTo(Rig.UCODE);
        assertThat(t.esp).isEqualTo(0x3FFFFC);
        assertThat(t.ss).isEqualTo(Rig.UDATA);
    }

    @Test
    void aFarCallStraightToAMorePrivilegedSegmentIsGP() {
        Rig m = new Rig();
        m.ring(3);
        m.code(lcall(Rig.KCODE));
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.GP);
        assertThat(t.error).isEqualTo(Rig.KCODE);
    }
}
