package lguest.machine;

import static org.assertj.core.api.Assertions.assertThat;

import lguest.machine.Rig.Trap;
import org.junit.jupiter.api.Test;

/**
 * EFLAGS.TF (SDM vol. 3, 17.3.1.4 and 6.8.3): a #DB trap with DR6.BS after each
 * instruction that began with TF set; none after the instruction that sets it, one after
 * the instruction that clears it; none for an INT n, which clears TF on its way into the
 * handler; and none between a MOV to SS and the instruction after it.
 */
class SingleStepTest {

    private static void assertStep(Trap t, int eip) {
        assertThat(t.vector).isEqualTo(Vectors.DB);
        assertThat(t.eip).as("a trap: EIP is the next instruction's").isEqualTo(eip);
        assertThat(t.error).isEqualTo(-1);
    }

    @Test
    void thePopfThatSetsTfIsNotTrappedButTheInstructionAfterItIs() {
        Rig m = new Rig();
        m.ring(3);
        m.code(0x9C, 0x81, 0x0C, 0x24).code32(Cpu.TF).code(0x9D);         // pushf; orl $TF,(%esp); popf
        int first = m.pc;
        m.code(0x40, 0x40, 0x40);                                         // inc %eax, three times
        Trap t = m.run();
        assertStep(t, first + 1);
        assertThat(m.cpu.r[Cpu.EAX]).isEqualTo(1);
        assertThat(t.eflags & Cpu.TF).as("the saved EFLAGS keeps TF").isNotZero();
        assertThat(m.cpu.getEflags() & Cpu.TF).as("the handler runs without it").isZero();
        assertThat(m.cpu.debugRegister(6) & Cpu.DR6_BS).isNotZero();
    }

    @Test
    void aDebuggerStepsOneInstructionPerIret() {
        Rig m = new Rig();
        m.ring(3);
        m.cpu.setEflags(0x2 | Cpu.TF);
        m.code(0x40, 0xEB, 0x02, 0x90, 0x90, 0x40, 0x40);                 // inc; jmp +2; (nop nop); inc; inc
        m.mem.write8(0xA000, 0xCF);                                       // the handler's iret
        int[] stops = {Rig.CODE + 1, Rig.CODE + 5, Rig.CODE + 6, Rig.CODE + 7};
        for (int stop : stops) {
            Trap t = m.run();
            assertStep(t, stop);
            assertThat(t.cs).isEqualTo(Rig.UCODE);
            m.cpu.eip = 0xA000;                                           // still ring 0, on the trap frame
        }
        assertThat(m.cpu.r[Cpu.EAX]).isEqualTo(3);
    }

    @Test
    void thePopfThatClearsTfIsStillTrapped() {
        Rig m = new Rig();
        m.ring(3);
        m.mem.write32(Rig.USTACK - 4, 0x2);
        m.cpu.r[Cpu.ESP] = Rig.USTACK - 4;
        m.cpu.setEflags(0x2 | Cpu.TF);
        m.code(0x9D, 0x40);                                               // popf; inc %eax
        Trap t = m.run();
        assertStep(t, Rig.CODE + 1);
        assertThat(t.eflags & Cpu.TF).isZero();
        assertThat(m.cpu.r[Cpu.EAX]).isZero();
    }

    @Test
    void intNEntersItsHandlerWithTfClearAndNoStepTrap() {
        Rig m = new Rig();
        m.ring(3);
        m.cpu.setEflags(0x2 | Cpu.TF);
        m.code(0xCD, 0x80);
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(0x80);
        assertThat(t.eip).isEqualTo(Rig.CODE + 2);
        assertThat(t.eflags & Cpu.TF).isNotZero();
        assertThat(m.cpu.getEflags() & Cpu.TF).isZero();
        assertThat(m.cpu.debugRegister(6) & Cpu.DR6_BS).isZero();
    }

    @Test
    void aMovToSsHoldsTheTrapUntilAfterTheNextInstruction() {
        Rig m = new Rig();
        m.ring(3);
        m.cpu.r[Cpu.EAX] = Rig.UDATA;
        m.cpu.setEflags(0x2 | Cpu.TF);
        m.code(0x8E, 0xD0, 0x40, 0x40);                                   // mov %eax,%ss; inc; inc
        Trap t = m.run();
        assertStep(t, Rig.CODE + 3);
        assertThat(m.cpu.r[Cpu.EAX]).isEqualTo(Rig.UDATA + 1);
    }

    @Test
    void anIretThatSetsTfStepsTheFirstInstructionItReturnsTo() {
        Rig m = new Rig();
        m.ring(0);
        int frame = Rig.KSTACK - 0x40;
        int[] words = {Rig.CODE + 0x100, Rig.UCODE, 0x2 | Cpu.TF, Rig.USTACK, Rig.UDATA};
        for (int k = 0; k < 5; k++) m.mem.write32(frame + 4 * k, words[k]);
        m.cpu.r[Cpu.ESP] = frame;
        m.code(0xCF);                                                     // iret
        m.pc = Rig.CODE + 0x100;
        m.code(0x40, 0x40);
        Trap t = m.run();
        assertStep(t, Rig.CODE + 0x101);
        assertThat(t.cs).isEqualTo(Rig.UCODE);
        assertThat(m.cpu.r[Cpu.EAX]).isEqualTo(1);
    }

    @Test
    void aFaultingInstructionIsNotSteppedItFaults() {
        Rig m = new Rig();
        m.ring(3);
        m.cpu.setEflags(0x2 | Cpu.TF);
        m.code(0x8B, 0x05).code32(0x00500000);                            // mov 0x500000,%eax: beyond the map
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.PF);
        assertThat(t.eip).isEqualTo(Rig.CODE);
        assertThat(m.cpu.debugRegister(6) & Cpu.DR6_BS).isZero();
    }
}
