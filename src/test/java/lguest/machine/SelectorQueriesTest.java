package lguest.machine;

import static org.assertj.core.api.Assertions.assertThat;

import lguest.machine.Rig.Trap;
import org.junit.jupiter.api.Test;

/**
 * LAR, LSL, VERR and VERW against the SDM's rules, on descriptors a user program cannot
 * make for itself (the conformance program programs/selectors.c checks the ones it has
 * against the host CPU): privilege, conforming code, execute-only code, read-only data,
 * not-present segments, and the system descriptors each instruction does or does not
 * answer for.
 */
class SelectorQueriesTest {

    // Extra descriptors after Rig's own (which end at 0x50).
    static final int CONFORMING0 = 0x58, EXEC_ONLY3 = 0x60, READ_ONLY3 = 0x68, LDT3 = 0x70, CALL_GATE3 = 0x78,
            INT_GATE3 = 0x80, RESERVED3 = 0x88, TSS16_3 = 0x90, TASK_GATE3 = 0x98, LAST = 0x9F;

    static final int LAR = 0x02, LSL = 0x03;

    /** A result: ZF, and EBX (which started as 0x5A5A5A5A). */
    record Answer(boolean zf, int ebx) { }

    static Rig machine() {
        Rig m = new Rig();
        m.desc(CONFORMING0, 0, 0xFFFFF, 0x9E, 0xC);
        m.desc(EXEC_ONLY3, 0x10000, 0x0FFFF, 0xF8, 0x4);
        m.desc(READ_ONLY3, 0, 0x00FFF, 0xF0, 0x4);
        m.desc(LDT3, 0x7000, 0x7F, 0xE2, 0);
        m.desc(CALL_GATE3, 0, 0, 0xEC, 0);
        m.desc(INT_GATE3, 0, 0, 0xEE, 0);
        m.desc(RESERVED3, 0, 0x1234, 0xE8, 0);
        m.desc(TSS16_3, 0x3000, 0x2B, 0xE1, 0);
        m.desc(TASK_GATE3, 0, 0, 0xE5, 0);
        m.cpu.gdtrLimit = LAST;
        return m;
    }

    /** Runs "mov $sel,%eax; mov $0x5a5a5a5a,%ebx; INSN; int $0x80" in the given ring. */
    static Answer ask(int ring, int sel, int... insn) {
        Rig m = machine();
        m.ring(ring);
        m.code(0xB8).code32(sel).code(0xBB).code32(0x5A5A5A5A).code(insn).code(0xCD, 0x80);
        Trap t = m.run();
        assertThat(t.vector).as("the query itself must not fault").isEqualTo(0x80);
        return new Answer((t.eflags & Cpu.ZF) != 0, m.cpu.r[Cpu.EBX]);
    }

    static Answer lar(int ring, int sel) { return ask(ring, sel, 0x0F, LAR, 0xD8); }          // lar %eax,%ebx
    static Answer lsl(int ring, int sel) { return ask(ring, sel, 0x0F, LSL, 0xD8); }          // lsl %eax,%ebx
    static boolean verr(int ring, int sel) { return ask(ring, sel, 0x0F, 0x00, 0xE0).zf(); }  // verr %ax
    static boolean verw(int ring, int sel) { return ask(ring, sel, 0x0F, 0x00, 0xE8).zf(); }  // verw %ax

    static final Answer NO = new Answer(false, 0x5A5A5A5A);

    @Test
    void larReportsTheSecondDescriptorWordMaskedToTheAccessRights() {
        // UDATA is the data segment the rig loaded into DS, ES and SS on the way to ring 3,
        // from the GDT, as hardware does, and so marked accessed (type 3, not 2)
        assertThat(lar(3, Rig.UDATA)).isEqualTo(new Answer(true, 0x00CFF300));
        assertThat(lar(3, EXEC_ONLY3)).isEqualTo(new Answer(true, 0x0040F800));
        // the 16-bit form writes the access byte and keeps EBX's upper half
        assertThat(ask(3, Rig.UDATA, 0x66, 0x0F, LAR, 0xD8)).isEqualTo(new Answer(true, 0x5A5AF300));
        // a segment that is not present still has access rights to report
        assertThat(lar(3, Rig.ABSENT_SEL)).isEqualTo(new Answer(true, 0x00CF7200));
    }

    @Test
    void lslReportsTheLimitInBytesScaledByGranularity() {
        assertThat(lsl(3, Rig.UDATA)).isEqualTo(new Answer(true, 0xFFFFFFFF));
        assertThat(lsl(3, Rig.SMALL_SEL)).isEqualTo(new Answer(true, 0xFFF));
        assertThat(ask(3, Rig.UDATA, 0x66, 0x0F, LSL, 0xD8)).isEqualTo(new Answer(true, 0x5A5AFFFF));
    }

    @Test
    void aMorePrivilegedSegmentIsInvisibleUnlessItIsConformingCode() {
        assertThat(lar(3, Rig.KCODE)).isEqualTo(NO);
        assertThat(lsl(3, Rig.KDATA)).isEqualTo(NO);
        assertThat(verr(3, Rig.KDATA)).isFalse();
        assertThat(lar(1, Rig.KCODE)).isEqualTo(NO);
        assertThat(lar(0, Rig.KCODE).zf()).isTrue();
        // the selector's RPL counts as well as CPL
        assertThat(lar(0, Rig.KCODE | 3)).isEqualTo(NO);
        assertThat(lar(1, Rig.R1DATA | 1).zf()).isTrue();
        assertThat(lar(1, (Rig.R1DATA & ~3) | 2)).isEqualTo(NO);
        // conforming code may be used from any ring, and so may be asked about
        assertThat(lar(3, CONFORMING0)).isEqualTo(new Answer(true, 0x00CF9E00));
        assertThat(verr(3, CONFORMING0 | 3)).isTrue();
    }

    @Test
    void verrWantsReadableAndVerwWantsWritableData() {
        assertThat(verr(3, Rig.UDATA)).isTrue();
        assertThat(verw(3, Rig.UDATA)).isTrue();
        assertThat(verr(3, Rig.UCODE)).isTrue();          // readable code
        assertThat(verw(3, Rig.UCODE)).isFalse();         // code is never writable
        assertThat(verr(3, EXEC_ONLY3)).isFalse();
        assertThat(verr(3, READ_ONLY3)).isTrue();
        assertThat(verw(3, READ_ONLY3)).isFalse();
        assertThat(verr(3, Rig.ABSENT_SEL)).isTrue();     // presence is not their question
        assertThat(verw(3, CONFORMING0)).isFalse();
    }

    @Test
    void systemDescriptorsAnswerOnlyTheQuestionsThatFitThem() {
        assertThat(lar(3, LDT3)).isEqualTo(new Answer(true, 0x0000E200));
        assertThat(lsl(3, LDT3)).isEqualTo(new Answer(true, 0x7F));
        assertThat(lar(3, TSS16_3)).isEqualTo(new Answer(true, 0x0000E100));
        assertThat(lsl(3, TSS16_3)).isEqualTo(new Answer(true, 0x2B));
        assertThat(lar(3, CALL_GATE3)).isEqualTo(new Answer(true, 0x0000EC00));
        assertThat(lsl(3, CALL_GATE3)).isEqualTo(NO);
        assertThat(lar(3, TASK_GATE3)).isEqualTo(new Answer(true, 0x0000E500));
        assertThat(lsl(3, TASK_GATE3)).isEqualTo(NO);
        assertThat(lar(3, INT_GATE3)).isEqualTo(NO);
        assertThat(lar(3, RESERVED3)).isEqualTo(NO);
        assertThat(verr(3, LDT3)).isFalse();
        assertThat(verw(3, TSS16_3)).isFalse();
        // the busy 32-bit TSS Rig's LTR left behind has DPL 0: visible from ring 0 only
        assertThat(lar(0, Rig.TSS_SEL)).isEqualTo(new Answer(true, 0x00008B00));
        assertThat(lsl(0, Rig.TSS_SEL)).isEqualTo(new Answer(true, 0x68 + 32));
        assertThat(lar(3, Rig.TSS_SEL)).isEqualTo(NO);
    }

    @Test
    void selectorsThatNameNothingClearZfWithoutAFault() {
        for (int sel : new int[] {0, 3, LAST + 1, 0xFFF8, 0x0004, 0x000F}) {
            assertThat(lar(3, sel)).as("lar %x", sel).isEqualTo(NO);
            assertThat(lsl(3, sel)).as("lsl %x", sel).isEqualTo(NO);
            assertThat(verr(3, sel)).as("verr %x", sel).isFalse();
            assertThat(verw(3, sel)).as("verw %x", sel).isFalse();
        }
    }

    @Test
    void arplRaisesTheDestinationRplToTheSourcesAndSaysSo() {
        // mov $0x12340008,%eax was loaded as "sel"; arpl %cx,%ax with CX = 3, then with CX = 0
        Rig m = machine();
        m.ring(3);
        m.code(0xB8).code32(0x12340008).code(0xB9).code32(0xFFFF0003).code(0x63, 0xC8)        // arpl %cx,%ax
                .code(0x9C, 0x5A)                                                              // pushf; pop %edx
                .code(0x63, 0xC8).code(0xCD, 0x80);
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(0x80);
        assertThat(m.cpu.r[Cpu.EAX]).isEqualTo(0x1234000B);
        assertThat(m.cpu.r[Cpu.EDX] & Cpu.ZF).isEqualTo(Cpu.ZF);
        assertThat(t.eflags & Cpu.ZF).as("already at RPL 3: nothing to raise").isZero();
    }
}
