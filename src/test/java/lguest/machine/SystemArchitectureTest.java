package lguest.machine;

import static org.assertj.core.api.Assertions.assertThat;

import lguest.machine.Rig.Trap;
import org.junit.jupiter.api.Test;

/**
 * One test per rule of the SDM that a hypervisor relies on, each on hand-made tables in
 * emulated memory (see {@link Rig}): the exception is raised by a real cause, and the
 * frame, error code and CR2 it leaves are checked.
 */
class SystemArchitectureTest {

    @Test
    void divideByZeroIsDEAtTheDivide() {
        Rig m = new Rig();
        m.ring(3);
        m.code(0xB8).code32(7).code(0x31, 0xC9, 0x31, 0xD2);      // mov $7,%eax; xor %ecx,%ecx; xor %edx,%edx
        int div = m.pc;
        m.code(0xF7, 0xF1);                                       // div %ecx
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.DE);
        assertThat(t.eip).isEqualTo(div);
        assertThat(t.cs).isEqualTo(Rig.UCODE);
        assertThat(m.cpu.r[Cpu.EAX]).isEqualTo(7);
    }

    @Test
    void quotientOverflowIsDEToo() {
        Rig m = new Rig();
        m.ring(3);
        m.code(0xBA).code32(5).code(0xB9).code32(2).code(0xF7, 0xF1);   // edx=5, ecx=2, div %ecx
        assertThat(m.run().vector).isEqualTo(Vectors.DE);
    }

    @Test
    void icebpIsADebugTrapAfterTheInstruction() {
        Rig m = new Rig();
        m.ring(3);
        m.code(0xF1);
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.DB);
        assertThat(t.eip).isEqualTo(Rig.CODE + 1);
    }

    @Test
    void int3IsABreakpointTrapWithTheNextEip() {
        Rig m = new Rig();
        m.ring(3);
        m.code(0x90, 0xCC);
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.BP);
        assertThat(t.eip).isEqualTo(Rig.CODE + 2);
        assertThat(t.error).isEqualTo(-1);
    }

    @Test
    void intoTrapsOnlyWhenOverflowIsSet() {
        Rig m = new Rig();
        m.ring(3);
        m.code(0xCE);                                             // into with OF clear: nothing
        m.code(0xB8).code32(0x7FFFFFFF).code(0x83, 0xC0, 0x01);   // mov; add $1 -> OF
        m.code(0xCE);
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.OF);
        assertThat(t.eip).isEqualTo(m.pc);
        assertThat(t.eflags & Cpu.OF).isNotZero();
    }

    @Test
    void boundOutOfRangeIsBR() {
        Rig m = new Rig();
        m.ring(3);
        m.mem.write32(Rig.DATA, 10);
        m.mem.write32(Rig.DATA + 4, 20);
        m.code(0xB8).code32(15).code(0x62, 0x05).code32(Rig.DATA);     // in range
        int second = m.pc;
        m.code(0xB8).code32(21).code(0x62, 0x05).code32(Rig.DATA);
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.BR);
        assertThat(t.eip).isEqualTo(second + 5);
    }

    @Test
    void ud2AndUnknownOpcodesAreUD() {
        Rig m = new Rig();
        m.ring(3);
        m.code(0x0F, 0x0B);
        assertThat(m.run().vector).isEqualTo(Vectors.UD);
        Rig n = new Rig();
        n.ring(3);
        n.code(0x0F, 0x28, 0xC1);                                 // movaps: no SSE here
        Trap t = n.run();
        assertThat(t.vector).isEqualTo(Vectors.UD);
        assertThat(t.eip).isEqualTo(Rig.CODE);
        Rig l = new Rig();
        l.ring(3);
        l.code(0xF0, 0x01, 0x05).code32(Rig.DATA);               // lock add %eax,DATA: fine
        int bad = l.pc;
        l.code(0xF0, 0x01, 0xC0);                                 // lock add %eax,%eax: #UD
        Trap u = l.run();
        assertThat(u.vector).isEqualTo(Vectors.UD);
        assertThat(u.eip).isEqualTo(bad);
    }

    @Test
    void x87WithTaskSwitchedOrEmulateIsNM() {
        Rig m = new Rig();
        m.ring(3);
        m.cpu.setCr0(m.cpu.cr0 | Cpu.CR0_TS);
        m.code(0xD9, 0xE8);                                       // fld1
        assertThat(m.run().vector).isEqualTo(Vectors.NM);
        Rig n = new Rig();
        n.ring(3);
        n.cpu.setCr0(n.cpu.cr0 | Cpu.CR0_EM);
        n.code(0xD9, 0xE8);
        assertThat(n.run().vector).isEqualTo(Vectors.NM);
    }

    @Test
    void fwaitFaultsOnlyWithMonitorAndTaskSwitched() {
        Rig m = new Rig();
        m.ring(3);
        m.cpu.setCr0(m.cpu.cr0 | Cpu.CR0_TS);
        m.code(0x9B, 0x0F, 0x0B);                                 // fwait; ud2
        assertThat(m.run().vector).isEqualTo(Vectors.UD);
        Rig n = new Rig();
        n.ring(3);
        n.cpu.setCr0(n.cpu.cr0 | Cpu.CR0_TS | Cpu.CR0_MP);
        n.code(0x9B);
        assertThat(n.run().vector).isEqualTo(Vectors.NM);
    }

    @Test
    void unmaskedX87ExceptionIsMFAtTheNextWaitingInstruction() {
        Rig m = new Rig();
        m.ring(3);
        m.cpu.setCr0(m.cpu.cr0 | Cpu.CR0_NE);
        m.mem.write16(Rig.DATA, 0x037B);                          // all masked but zero-divide
        m.code(0xD9, 0x2D).code32(Rig.DATA);                      // fldcw DATA
        m.code(0xD9, 0xEE, 0xD9, 0xE8, 0xD8, 0xF1);               // fldz; fld1; fdiv %st(1),%st
        m.code(0xDB, 0xE4, 0xDB, 0xE0, 0xDB, 0xE1);               // fnsetpm; fneni; fndisi: 8087 leftovers,
        m.code(0xDF, 0xE0, 0xD9, 0x3D).code32(Rig.DATA + 4);      // fnstsw %ax; fnstcw: none of them wait
        int fwait = m.pc;
        m.code(0x9B);                                             // fwait
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.MF);
        assertThat(t.eip).isEqualTo(fwait);
        assertThat(t.error).isEqualTo(-1);
    }

    @Test
    void misalignedAccessWithAlignmentCheckOnIsAC() {
        Rig m = new Rig();
        m.ring(3);
        m.cpu.setCr0(m.cpu.cr0 | Cpu.CR0_AM);
        m.code(0xA1).code32(Rig.DATA + 1);                        // misaligned, but AC is clear
        m.code(0x9C, 0x81, 0x0C, 0x24).code32(Cpu.AC).code(0x9D); // pushf; orl $AC,(%esp); popf
        m.code(0xA1).code32(Rig.DATA + 4);                        // aligned: fine
        int bad = m.pc;
        m.code(0xA1).code32(Rig.DATA + 2);
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.AC);
        assertThat(t.error).isZero();
        assertThat(t.eip).isEqualTo(bad);
    }

    @Test
    void faultWhileDeliveringGPBecomesDoubleFault() {
        Rig m = new Rig();
        m.ring(3);
        m.mem.write32(Rig.IDT + 13 * 8 + 4, m.mem.read32(Rig.IDT + 13 * 8 + 4) & ~0x8000);   // #GP gate not present
        m.code(0xFA);                                             // cli at CPL 3, IOPL 0: #GP
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.DF);
        assertThat(t.error).isZero();
    }

    @Test
    void pageFaultWhileDeliveringPageFaultIsDoubleFault() {
        Rig m = new Rig();
        m.ring(3);
        m.mem.write32(Rig.PT + 4 * ((Rig.KSTACK - 1) >>> 12), 0);   // the ring-0 stack is not mapped
        m.code(0xA1).code32(0x00700000);                          // a read outside the mapped 4 MiB
        Trap t = m.run();
        assertThat(t.exit).isEqualTo(Exit.SHUTDOWN);              // PF -> PF on push -> DF -> PF on push: shutdown
    }

    @Test
    void badRing1StackInTheTssIsTS() {
        Rig m = new Rig();
        m.ring(3);
        m.gate(0x82, Rig.R1CODE, Rig.RING1_CODE, 3, false);
        m.mem.write32(Rig.TSS + 16, Rig.UDATA);                   // ss1 names a ring-3 segment
        m.code(0xCD, 0x82);
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.TS);
        assertThat(t.error).isEqualTo(Rig.UDATA & 0xFFFC);
        assertThat(t.eip).isEqualTo(Rig.CODE);
    }

    @Test
    void loadingANotPresentSegmentIsNPWithTheSelector() {
        Rig m = new Rig();
        m.ring(3);
        m.code(0xB8).code32(Rig.ABSENT_SEL).code(0x8E, 0xD8);    // mov %ax,%ds
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.NP);
        assertThat(t.error).isEqualTo(Rig.ABSENT_SEL & 0xFFFC);
    }

    @Test
    void stackSegmentLimitIsSS() {
        Rig m = new Rig();
        m.ring(3);
        m.code(0xB8).code32(Rig.SMALL_SEL).code(0x8E, 0xD0);     // mov %ax,%ss (limit 0xFFF)
        m.code(0x36, 0xA1).code32(0xFFC);                         // ss:0xffc is fine
        int bad = m.pc;
        m.code(0x36, 0xA1).code32(0xFFE);                         // ss:0xffe..0x1001 is not
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.SS);
        assertThat(t.error).isZero();
        assertThat(t.eip).isEqualTo(bad);
    }

    @Test
    void dataSegmentLimitIsGP() {
        Rig m = new Rig();
        m.ring(3);
        m.mem.write32(Rig.SMALL + 0xFFC, 0xCAFE);
        m.code(0xB8).code32(Rig.SMALL_SEL).code(0x8E, 0xC0);     // mov %ax,%es
        m.code(0x26, 0xA1).code32(0xFFC);                         // es:0xffc
        m.code(0x89, 0xC3);                                       // mov %eax,%ebx
        m.code(0x26, 0xA1).code32(0x1000);
        Trap t = m.run();
        assertThat(m.cpu.r[Cpu.EBX]).isEqualTo(0xCAFE);
        assertThat(t.vector).isEqualTo(Vectors.GP);
        assertThat(t.error).isZero();
    }

    @Test
    void gsBaseWrapsAroundForNegativeTlsOffsets() {
        Rig m = new Rig();
        m.ring(3);
        m.mem.write32(0x00021000 - 4, 0x7155);
        m.code(0xB8).code32(Rig.GSWRAP_SEL).code(0x8E, 0xE8);    // mov %ax,%gs
        m.code(0x65, 0xA1).code32(-4);                            // mov %gs:-4,%eax
        m.code(0xCD, 0x80);
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(0x80);
        assertThat(m.cpu.r[Cpu.EAX]).isEqualTo(0x7155);
    }

    @Test
    void privilegedInstructionsAtRing1And3AreGP() {
        int[][] programs = {{0x0F, 0x20, 0xC0}, {0xF4}, {0x0F, 0x22, 0xD8}, {0x0F, 0x01, 0x15, 0, 0, 2, 0},
            {0x0F, 0x06}, {0x0F, 0x01, 0x38}};
        for (int ring : new int[] {1, 3}) {
            for (int[] p : programs) {
                Rig m = new Rig();
                m.ring(ring);
                m.code(p);
                Trap t = m.run();
                assertThat(t.vector).as("ring %d, opcode %x", ring, p[0]).isEqualTo(Vectors.GP);
                assertThat(t.error).isZero();
                assertThat(t.eip).isEqualTo(Rig.CODE);
            }
        }
    }

    @Test
    void cliAndStiDependOnIopl() {
        Rig m = new Rig();
        m.ring(3);
        m.cpu.setEflags(0x3202);                                  // IOPL 3
        m.code(0xFA, 0xCD, 0x80);
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(0x80);
        assertThat(t.eflags & Cpu.IF).isZero();
    }

    @Test
    void intToADpl0GateFromRing3IsGPWithTheIdtSelector() {
        Rig m = new Rig();
        m.ring(3);
        m.code(0xCD, 0x81);
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.GP);
        assertThat(t.error).isEqualTo(0x81 * 8 + 2);
        assertThat(t.eip).isEqualTo(Rig.CODE);
        Rig n = new Rig();
        n.ring(3);
        n.code(0xCD, 14);                                         // "int $14" cannot fake a page fault
        Trap u = n.run();
        assertThat(u.vector).isEqualTo(Vectors.GP);
        assertThat(u.error).isEqualTo(14 * 8 + 2);
    }

    @Test
    void ioFollowsIoplAndTheTssBitmap() {
        Rig m = new Rig();
        m.ring(3);
        m.mem.write8(Rig.TSS + 0x68 + (0x60 >> 3), 0xFE);        // allow port 0x60 only
        m.code(0xE4, 0x60);                                       // in $0x60,%al
        int denied = m.pc;
        m.code(0xE4, 0x61);
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.GP);
        assertThat(t.eip).isEqualTo(denied);
        assertThat(m.cpu.r[Cpu.EAX] & 0xFF).isEqualTo(0xFF);
        Rig w = new Rig();
        w.ring(3);
        w.mem.write8(Rig.TSS + 0x68 + (0x60 >> 3), 0xFE);
        w.code(0x66, 0xE5, 0x60);                                 // in $0x60,%ax touches 0x61 too
        assertThat(w.run().vector).isEqualTo(Vectors.GP);
        Rig s = new Rig();
        s.ring(3);
        s.mem.write8(Rig.TSS + 0x68 + (0x60 >> 3), 0xFE);
        s.code(0xBA).code32(0x61).code(0x6E);                     // outsb to port 0x61: denied too
        assertThat(s.run().vector).isEqualTo(Vectors.GP);
        Rig p = new Rig();
        p.ring(3);
        p.cpu.setEflags(0x3002);                                  // IOPL 3: no bitmap needed
        p.code(0xE4, 0x61, 0xCD, 0x80);
        assertThat(p.run().vector).isEqualTo(0x80);
    }

    @Test
    void pageFaultErrorCodesAndCr2() {
        // not present, user read
        Rig m = new Rig();
        m.ring(3);
        m.mem.write32(Rig.PT + 4 * (Rig.DATA >>> 12), 0);
        m.code(0xA1).code32(Rig.DATA + 0x10);
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.PF);
        assertThat(t.error).isEqualTo(4);
        assertThat(m.cpu.cr2()).isEqualTo(Rig.DATA + 0x10);
        // not present, user write
        m = new Rig();
        m.ring(3);
        m.mem.write32(Rig.PT + 4 * (Rig.DATA >>> 12), 0);
        m.code(0xA3).code32(Rig.DATA + 0x20);
        t = m.run();
        assertThat(t.error).isEqualTo(6);
        assertThat(m.cpu.cr2()).isEqualTo(Rig.DATA + 0x20);
        // user read of a supervisor page: protection
        m = new Rig();
        m.ring(3);
        m.code(0xA1).code32(Rig.GDT);
        t = m.run();
        assertThat(t.error).isEqualTo(5);
        assertThat(m.cpu.cr2()).isEqualTo(Rig.GDT);
        // user write to a read-only page
        m = new Rig();
        m.ring(3);
        m.mem.write32(Rig.PT + 4 * (Rig.DATA >>> 12), Rig.DATA | 5);
        m.code(0xA1).code32(Rig.DATA).code(0xA3).code32(Rig.DATA + 4);
        t = m.run();
        assertThat(t.error).isEqualTo(7);
        assertThat(t.eip).isEqualTo(Rig.CODE + 5);
        // the directory entry's R/W bit counts too (WP off, so the CPU itself may still push
        // the frame onto the ring-0 stack, which lives under the same directory entry)
        m = new Rig();
        m.ring(3);
        m.cpu.setCr0(m.cpu.cr0 & ~Cpu.CR0_WP);
        m.mem.write32(Rig.PD, Rig.PT | 5);
        m.code(0xA3).code32(Rig.DATA);
        assertThat(m.run().error).isEqualTo(7);
    }

    @Test
    void writeProtectBindsTheSupervisorOnlyWhenSet() {
        Rig m = new Rig();
        m.ring(1);
        m.mem.write32(Rig.PT + 4 * (Rig.DATA >>> 12), Rig.DATA | 5);
        m.code(0xA3).code32(Rig.DATA);                            // ring 1 writes a read-only page
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.PF);
        assertThat(t.error).isEqualTo(3);
        Rig n = new Rig();
        n.ring(1);
        n.cpu.setCr0(n.cpu.cr0 & ~Cpu.CR0_WP);
        n.mem.write32(Rig.PT + 4 * (Rig.DATA >>> 12), Rig.DATA | 5);
        n.code(0xB8).code32(0xAB).code(0xA3).code32(Rig.DATA).code(0xCD, 0x80);
        assertThat(n.run().vector).isEqualTo(0x80);
        assertThat(n.mem.read32(Rig.DATA)).isEqualTo(0xAB);
    }

    @Test
    void accessedAndDirtyBitsAreSetInThePageTables() {
        Rig m = new Rig();
        m.ring(3);
        int pte = Rig.PT + 4 * (Rig.DATA >>> 12), pte2 = pte + 4;
        m.code(0xA1).code32(Rig.DATA).code(0xA3).code32(Rig.DATA + 0x1000).code(0xCD, 0x80);
        m.run();
        assertThat(m.mem.read32(pte) & 0x60).isEqualTo(0x20);
        assertThat(m.mem.read32(pte2) & 0x60).isEqualTo(0x60);
        assertThat(m.mem.read32(Rig.PD) & 0x20).isEqualTo(0x20);
    }

    @Test
    void aStaleTlbEntrySurvivesUntilInvlpg() {
        Rig m = new Rig();
        m.ring(0);
        int pte = Rig.PT + 4 * (Rig.DATA >>> 12);
        m.mem.write32(Rig.DATA, 0x1111);
        m.mem.write32(Rig.DATA + 0x1000, 0x2222);
        m.code(0xA1).code32(Rig.DATA);                            // mov DATA,%eax (fills the TLB)
        m.code(0xC7, 0x05).code32(pte).code32((Rig.DATA + 0x1000) | 7);   // remap DATA to the next frame
        m.code(0x8B, 0x1D).code32(Rig.DATA);                      // mov DATA,%ebx: still the old frame
        m.code(0xB8).code32(Rig.DATA).code(0x0F, 0x01, 0x38);     // invlpg (%eax)
        m.code(0x8B, 0x0D).code32(Rig.DATA);                      // mov DATA,%ecx: the new frame
        m.code(0xF4);
        assertThat(m.cpu.run(1000)).isEqualTo(Exit.HALT);
        assertThat(m.cpu.r[Cpu.EBX]).isEqualTo(0x1111);
        assertThat(m.cpu.r[Cpu.ECX]).isEqualTo(0x2222);
    }

    @Test
    void aStaleTlbEntrySurvivesUntilCr3IsLoaded() {
        Rig m = new Rig();
        m.ring(0);
        int pte = Rig.PT + 4 * (Rig.DATA >>> 12);
        m.mem.write32(Rig.DATA, 0x1111);
        m.mem.write32(Rig.DATA + 0x1000, 0x2222);
        m.code(0xA1).code32(Rig.DATA);
        m.code(0xC7, 0x05).code32(pte).code32(0);                 // unmap DATA altogether
        m.code(0x8B, 0x1D).code32(Rig.DATA);                      // still readable through the TLB
        m.code(0x0F, 0x20, 0xD8, 0x0F, 0x22, 0xD8);               // mov %cr3,%eax; mov %eax,%cr3
        m.code(0x8B, 0x0D).code32(Rig.DATA);                      // now it faults
        Trap t = m.run();
        assertThat(m.cpu.r[Cpu.EBX]).isEqualTo(0x1111);
        assertThat(t.vector).isEqualTo(Vectors.PF);
        assertThat(t.error).isEqualTo(0);
    }

    @Test
    void ring3TrapGateToRing1SwitchesToEsp1AndIretReturns() {
        Rig m = new Rig();
        m.ring(3);
        m.gate(0x82, Rig.R1CODE, Rig.RING1_CODE, 3, false);
        // ring-1 handler: mov %esp,%ebx; mov %ss,%ecx; pushf; pop %edx; iret
        int at = Rig.RING1_CODE;
        for (int b : new int[] {0x89, 0xE3, 0x8C, 0xD1, 0x9C, 0x5A, 0xCF}) m.mem.write8(at++, b);
        m.cpu.setEflags(0x202);
        m.code(0xCD, 0x82);                                       // int $0x82
        int back = m.pc;
        m.code(0x89, 0xE6, 0xCD, 0x80);                           // mov %esp,%esi; int $0x80
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(0x80);
        assertThat(m.cpu.r[Cpu.EBX]).isEqualTo(Rig.R1STACK - 20);
        assertThat(m.cpu.r[Cpu.ECX]).isEqualTo(Rig.R1DATA);
        assertThat(m.cpu.r[Cpu.EDX] & Cpu.IF).as("a trap gate leaves IF set").isNotZero();
        assertThat(m.cpu.r[Cpu.ESI]).isEqualTo(Rig.USTACK);
        assertThat(m.mem.read32(Rig.R1STACK - 20)).isEqualTo(back);
        assertThat(m.mem.read32(Rig.R1STACK - 16)).isEqualTo(Rig.UCODE);
        assertThat(m.mem.read32(Rig.R1STACK - 4)).isEqualTo(Rig.UDATA);
        assertThat(t.cs).isEqualTo(Rig.UCODE);
        assertThat(t.eip).isEqualTo(back + 4);
    }

    @Test
    void iretCannotRaiseIoplOrIfFromRing1() {
        Rig m = new Rig();
        m.ring(1);
        m.cpu.setEflags(0x002);
        // push a frame for ring 1 itself with IOPL 3 and IF set, then iret
        m.code(0x6A, Rig.R1DATA).code(0x68).code32(Rig.R1STACK - 0x80);
        m.code(0x68).code32(0x3202).code(0x6A, Rig.R1CODE);
        m.code(0x68).code32(Rig.CODE + 0x40).code(0xCF);
        m.pc = Rig.CODE + 0x40;
        m.code(0x9C, 0x58, 0xCD, 0x80);                           // pushf; pop %eax; int $0x80
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(0x80);
        assertThat(m.cpu.r[Cpu.EAX] & (Cpu.IOPL | Cpu.IF)).isZero();
    }

    @Test
    void aFaultIsPushedWithRfSetATrapWithout() {
        Rig m = new Rig();
        m.ring(3);
        m.cpu.setEflags(0x202);
        m.code(0x0F, 0x0B);                                       // ud2: a fault
        assertThat(m.run().eflags & Cpu.RF).as("RF in a fault's image").isNotZero();
        m.ring(3);
        m.code(0x90, 0xCC);                                       // nop; int3: a trap
        assertThat(m.run().eflags & Cpu.RF).as("RF in a trap's image").isZero();
    }

    @Test
    void popfNeverLoadsRf() {
        Rig m = new Rig();
        m.ring(3);
        m.code(0x68).code32(0x10202).code(0x9D, 0xCC);            // push $RF|IF; popf; int3
        Trap t = m.run();
        assertThat(t.vector).isEqualTo(Vectors.BP);
        assertThat(t.eflags & Cpu.RF).isZero();
    }

    @Test
    void iretLoadsRfAndTheNextInstructionClearsIt() {
        Rig m = new Rig();
        m.ring(1);
        m.cpu.setEflags(0x002);
        m.code(0x68).code32(0x10002).code(0x6A, Rig.R1CODE);       // an IRET frame for ring 1 with RF
        m.code(0x68).code32(Rig.CODE + 0x40).code(0xCF);
        m.pc = Rig.CODE + 0x40;
        m.code(0x90, 0x90, 0xCC);                                 // nop; nop; int3
        assertThat(m.cpu.run(4)).isEqualTo(Exit.BUDGET);
        assertThat(m.cpu.getEflags() & Cpu.RF).as("after the IRET").isNotZero();
        assertThat(m.cpu.run(1)).isEqualTo(Exit.BUDGET);
        assertThat(m.cpu.getEflags() & Cpu.RF).as("after the instruction it resumed").isZero();
        assertThat(m.run().eflags & Cpu.RF).isZero();
    }

    @Test
    void tripleFaultShutsTheProcessorDown() {
        Rig m = new Rig();
        m.ring(3);
        m.cpu.loadIdtr(Rig.IDT, 0);
        m.code(0x0F, 0x0B);
        assertThat(m.cpu.run(1000)).isEqualTo(Exit.SHUTDOWN);
    }

    @Test
    void hostCodePageExitComesWithTheFrameAlreadyPushed() {
        Rig m = new Rig();
        m.ring(3);
        m.cpu.setEflags(0x246);
        m.code(0xB8).code32(42).code(0xCD, 0x80);
        Trap t = m.run();
        assertThat(t.exit).isEqualTo(Exit.HOST_CODE);
        assertThat(m.cpu.eip).isEqualTo(Rig.HOST + 0x800);
        assertThat(m.cpu.cpl()).isZero();
        assertThat(m.cpu.r[Cpu.ESP]).isEqualTo(Rig.KSTACK - 20);
        assertThat(t.eip).isEqualTo(Rig.CODE + 7);
        assertThat(t.cs).isEqualTo(Rig.UCODE);
        assertThat(t.eflags & 0xFFF).isEqualTo(0x246);
        assertThat(t.esp).isEqualTo(Rig.USTACK);
        assertThat(t.ss).isEqualTo(Rig.UDATA);
        assertThat(m.cpu.getEflags() & Cpu.IF).as("interrupt gate clears IF").isZero();
        assertThat(m.cpu.r[Cpu.EAX]).isEqualTo(42);
    }

    @Test
    void budgetAndInterruptLineStopTheRun() {
        Rig m = new Rig();
        m.ring(3);
        m.code(0x40, 0xEB, 0xFD);                                 // inc %eax; jmp back
        long before = m.cpu.retired();                            // the LRET that entered ring 3
        assertThat(m.cpu.run(1001)).isEqualTo(Exit.BUDGET);
        assertThat(m.cpu.retired() - before).isEqualTo(1001);
        assertThat(m.cpu.r[Cpu.EAX]).isEqualTo(501);
        m.cpu.raiseInterruptLine();
        assertThat(m.cpu.run(0)).isEqualTo(Exit.INTERRUPT);
    }

    @Test
    void aFaultThatRepeatsForeverStillEndsTheBudget() {
        Rig m = new Rig();
        m.ring(0);
        m.mem.write32(Rig.PT + 4 * (Rig.HOST >>> 12), 0);           // every handler is unmapped...
        m.mem.write32(Rig.PT + 4 * (Rig.CODE >>> 12), 0);           // ...and so is the code
        m.cpu.r[Cpu.ESP] = 0x3FF000;                                // a deep ring-0 stack
        assertThat(m.cpu.run(500)).isEqualTo(Exit.BUDGET);
        assertThat(m.cpu.retired()).isZero();
    }

    @Test
    void markingAPageAsHostCodeDropsBlocksAlreadyDecodedThere() {
        Rig m = new Rig();
        m.ring(0);
        m.code(0x40, 0xEB, 0xFD);                                   // inc %eax; jmp back
        assertThat(m.cpu.run(100)).isEqualTo(Exit.BUDGET);
        m.mem.markHostCode(Rig.CODE >>> 12);
        assertThat(m.cpu.run(100)).isEqualTo(Exit.HOST_CODE);
    }

    @Test
    void selfModifyingCodeSeesItsOwnStores() {
        Rig m = new Rig();
        m.ring(0);
        int target = m.pc + 10;
        // movb $0x42, target+1 ; mov $0x11,%eax (its immediate is rewritten to 0x42 before it runs)
        m.code(0xC6, 0x05).code32(target + 1).code(0x42);
        m.code(0x90, 0x90, 0x90);
        m.code(0xB8).code32(0x11).code(0xF4);
        assertThat(m.cpu.run(100)).isEqualTo(Exit.HALT);
        assertThat(m.cpu.r[Cpu.EAX]).isEqualTo(0x42);
        // and a DMA-style write through PhysicalMemory drops the decoded block too
        m.mem.write32(target + 1, 0x77);
        m.cpu.eip = Rig.CODE;
        m.run();
        assertThat(m.cpu.r[Cpu.EAX]).isEqualTo(0x42);
        m.cpu.eip = target;
        m.cpu.run(100);
        assertThat(m.cpu.r[Cpu.EAX]).isEqualTo(0x42);
    }

    @Test
    void anInstructionAcrossTwoPagesIsDecodedOnceYetSeesWritesToItsSecondPage() {
        Rig m = new Rig();
        m.ring(0);
        int straddle = Rig.CODE + 0x1000 - 2;                     // mov $imm32,%eax: B8 and one byte on the
        m.code(0xB9).code32(1000);                                // first page, three on the next
        m.code(0xE9).code32(straddle - (m.pc + 4));               // mov $1000,%ecx; jmp straddle
        m.pc = straddle;
        m.code(0xB8).code32(0x11223344);
        m.code(0x49, 0x75, 0xF8, 0xF4);                           // dec %ecx; jnz straddle; hlt
        long before = m.cpu.blocksDecoded();
        assertThat(m.cpu.run(100_000)).isEqualTo(Exit.HALT);
        assertThat(m.cpu.r[Cpu.EAX]).isEqualTo(0x11223344);
        assertThat(m.cpu.blocksDecoded() - before).as("blocks decoded for 1000 trips round the loop").isLessThan(10);
        // The three bytes on the second page change (as DMA would change them): the cached
        // instruction must not survive, though nothing wrote the page it is filed under.
        m.mem.write8(straddle + 2, 0x55);
        m.cpu.r[Cpu.ECX] = 1;
        m.cpu.eip = straddle;
        assertThat(m.cpu.run(100)).isEqualTo(Exit.HALT);
        assertThat(m.cpu.r[Cpu.EAX]).isEqualTo(0x11225544);
    }

    @Test
    void cpuidAdvertisesOnlyWhatIsImplemented() {
        Rig m = new Rig();
        m.ring(3);
        m.code(0xB8).code32(1).code(0x0F, 0xA2, 0xCD, 0x80);
        m.run();
        assertThat(m.cpu.r[Cpu.EDX]).isEqualTo(1 | 0x10 | 0x100 | 0x8000);
        assertThat(m.cpu.r[Cpu.ECX]).isZero();
        Rig n = new Rig();
        n.ring(3);
        n.code(0xB8).code32(0x80000000).code(0x0F, 0xA2, 0xCD, 0x80);
        n.run();
        assertThat(Integer.toUnsignedLong(n.cpu.r[Cpu.EAX])).isLessThanOrEqualTo(0x80000000L);
    }
}
