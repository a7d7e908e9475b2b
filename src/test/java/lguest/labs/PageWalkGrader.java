package lguest.labs;

import static org.assertj.core.api.Assertions.assertThat;

import lguest.labs.SiliconRig.Trap;
import lguest.machine.Cpu;
import lguest.machine.Exit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*M:370 Lab page-walk: two levels down, and what to write on the way back.  (Silicon,
 * medium, about two hours.)
 *
 * Every address a program uses is linear; the memory holds physical ones; between
 * them sit a page directory and a page table, and the CPU's software TLB (X:300)
 * remembers the answers.  The lab takes out the walk that finds an answer when the
 * TLB has none, the body of translate() in Mmu.java after the "paging off" line.
 * `make lab page-walk` leaves a method that throws; with it, nothing past the
 * moment CR0.PG goes on can run at all, which is a fair picture of how much a
 * machine depends on these few lines.
 *
 * Read X:300, X:305 and X:310 first; the Intel SDM volume 3, "4.3 32-bit paging", has the
 * formats if you want the real thing.  What to write: the directory entry is
 * picked by the top ten bits of the address from the page at CR3, the table entry
 * by the next ten from the page the directory entry names.  Each must be present;
 * a user access (mode 1) needs U/S in both; a write needs R/W in both when it comes
 * from user mode, and from the supervisor too when CR0.WP is set.  A failure
 * throws the page fault that pageFault() builds, with the error code: bit 0 "the
 * page was there, the rights were not", bit 1 "write", bit 2 "user".  A success
 * sets the accessed bit of both entries and, for a write, the dirty bit of the
 * table entry, in memory (physRead32 and physWrite32 are there for that), and
 * hands the frame to fill(), which makes the TLB entry.  Hints: a missing entry is
 * an error code without bit 0, whichever level was missing; write back an entry
 * only when a bit really changes, because a write to a page table is a write to
 * memory that may hold decoded code.
 *
 * Graded on the bare machine, with hand-built tables under a linear address of
 * its own (0x40000000): reads and writes land in the frames the tables name,
 * absent entries at either level give error codes 0, 2, 4 and 6 with CR2 and the
 * faulting EIP, the protection rules of both levels give 5, 7 and (with CR0.WP) 3,
 * and the accessed and dirty bits appear in the tables exactly when they should. :*/

/** Grader of lab page-walk (labs/page-walk.lab): the two-level walk of Mmu.translate. */
class PageWalkGrader {
    /** The linear address the graded tables map, with its own directory entry and table. */
    private static final int LIN = 0x40000000;
    private static final int FRAME = 0x200000;

    private static final int PDE = SiliconRig.PD + 4 * (LIN >>> 22);

    /** A machine with paging on, where LIN + n * 4096 maps FRAME + n * 4096 with the given bits. */
    private static SiliconRig machine(int pdeBits, int pteBits) {
        SiliconRig m = new SiliconRig(true);
        m.mem.write32(PDE, SiliconRig.PT2 | pdeBits);
        for (int n = 0; n < 16; n++) m.mem.write32(pte(n), (FRAME + n * 4096) | pteBits);
        return m;
    }

    private static int pte(int n) {
        return SiliconRig.PT2 + 4 * n;
    }

    /** Runs the machine and expects a page fault with that error code, raised by the instruction at CODE. */
    private static void expectFault(SiliconRig m, int error, int address, String what) {
        Trap t = m.run();
        assertThat(t.vector()).as(what + ": the exception (got " + t + ")").isEqualTo(SiliconRig.PF);
        assertThat(t.error()).as(what + ": the error code").isEqualTo(error);
        assertThat(m.cpu.cr2()).as(what + ": CR2 holds the address").isEqualTo(address);
        assertThat(t.eip()).as(what + ": EIP points at the faulting instruction").isEqualTo(SiliconRig.CODE);
    }

    @Test
    @Points(2)
    @DisplayName("Reads and writes reach the frames that the directory and the table name")
    void translationFollowsBothLevels() {
        SiliconRig m = machine(7, 7);
        m.mem.write32(FRAME, 0x11111111);
        m.mem.write32(FRAME + 0x5010, 0x55555555);
        m.ring(3);
        m.code(0xA1).code32(LIN);                                 // mov LIN,%eax
        m.code(0x8B, 0x1D).code32(LIN + 0x5010);                  // mov LIN+0x5010,%ebx
        m.code(0xB9).code32(0xC0FFEE);                            // mov $0xC0FFEE,%ecx
        m.code(0x89, 0x0D).code32(LIN + 0x7FFC);                  // mov %ecx,LIN+0x7FFC
        m.code(0xCD, 0x80);                                       // int $0x80: done
        Trap t = m.run();
        assertThat(t.vector()).as("ran to its INT 0x80 (got " + t + ")").isEqualTo(0x80);
        assertThat(m.cpu.r[Cpu.EAX]).as("the word at LIN, from frame %#x", FRAME).isEqualTo(0x11111111);
        assertThat(m.cpu.r[Cpu.EBX]).as("the word at LIN + 0x5010, from frame %#x", FRAME + 0x5000)
                .isEqualTo(0x55555555);
        assertThat(m.mem.read32(FRAME + 0x7FFC)).as("the word written at LIN + 0x7FFC").isEqualTo(0xC0FFEE);

        // The same linear page in another machine whose table entry alone points elsewhere.
        SiliconRig n = machine(7, 7);
        n.mem.write32(pte(0), 0x300000 | 7);
        n.mem.write32(0x300000 + 8, 0x30303030);
        n.ring(0);
        n.code(0xA1).code32(LIN + 8).code(0xF4);
        assertThat(n.cpu.run(100)).isEqualTo(Exit.HALT);
        assertThat(n.cpu.r[Cpu.EAX]).as("the word at LIN + 8 after the table entry moved to 0x300000")
                .isEqualTo(0x30303030);
    }

    @Test
    @Points(2)
    @DisplayName("Absent entries: #PF with error codes 0, 2, 4 and 6, CR2 = the address, EIP = the instruction")
    void notPresentAtEitherLevel() {
        SiliconRig m = machine(7, 7);
        m.mem.write32(pte(3), 0);
        m.ring(0).code(0xA1).code32(LIN + 0x3004);
        expectFault(m, 0, LIN + 0x3004, "kernel read, table entry absent");

        m = machine(6, 7);                                        // directory entry without P
        m.ring(0).code(0xA3).code32(LIN + 0x100);
        expectFault(m, 2, LIN + 0x100, "kernel write, directory entry absent");

        m = machine(7, 7);
        m.mem.write32(pte(1), (FRAME + 4096) | 6);                // U/S and R/W, but not P
        m.ring(3).code(0x8B, 0x1D).code32(LIN + 0x1FFC);
        expectFault(m, 4, LIN + 0x1FFC, "user read, table entry absent");

        m = machine(0, 7);
        m.ring(3).code(0xA3).code32(LIN + 0x2000);
        expectFault(m, 6, LIN + 0x2000, "user write, directory entry absent");
        assertThat(m.mem.read32(PDE)).as("a failed walk writes no accessed bit").isEqualTo(SiliconRig.PT2);
    }

    @Test
    @Points(2)
    @DisplayName("Protection: U/S and R/W of both levels give error codes 5 and 7, and nothing is written")
    void userAndWriteRightsAtBothLevels() {
        SiliconRig m = machine(7, 7);
        m.ring(3).code(0xA1).code32(SiliconRig.GDT + 8);
        expectFault(m, 5, SiliconRig.GDT + 8, "user read of the (supervisor) GDT");

        m = machine(7, 5);                                        // table entries read-only
        m.mem.write32(FRAME + 0x40, 0x1234);
        m.ring(3).code(0xA3).code32(LIN + 0x40);
        expectFault(m, 7, LIN + 0x40, "user write to a read-only table entry");
        assertThat(m.mem.read32(FRAME + 0x40)).as("the faulting write changed nothing").isEqualTo(0x1234);

        m = machine(3, 7);                                        // directory entry: supervisor only
        m.ring(3).code(0xA1).code32(LIN + 0x10);
        expectFault(m, 5, LIN + 0x10, "user read under a supervisor directory entry");

        m = machine(5, 7);                                        // directory entry: read-only
        m.ring(3).code(0xA1).code32(LIN + 0x10).code(0xA3).code32(LIN + 0x20);
        Trap t = m.run();
        assertThat(t.vector()).as("user write under a read-only directory entry (got " + t + ")")
                .isEqualTo(SiliconRig.PF);
        assertThat(t.error()).as("user write under a read-only directory entry: the error code").isEqualTo(7);
        assertThat(t.eip()).as("the read before it went through").isEqualTo(SiliconRig.CODE + 5);
        assertThat(m.cpu.cr2()).isEqualTo(LIN + 0x20);
    }

    @Test
    @Points(1)
    @DisplayName("CR0.WP: the kernel may write a read-only page only while WP is clear (error code 3)")
    void writeProtectBindsTheKernel() {
        SiliconRig m = machine(7, 5);
        m.ring(0).code(0xA3).code32(LIN + 0x80);
        expectFault(m, 3, LIN + 0x80, "kernel write to a read-only page with CR0.WP set");

        SiliconRig n = machine(7, 5);
        n.cpu.setCr0(n.cpu.cr0() & ~Cpu.CR0_WP);
        n.cpu.r[Cpu.EAX] = 0xAB;
        n.ring(0).code(0xA3).code32(LIN + 0x80).code(0xF4);
        assertThat(n.cpu.run(100)).as("kernel write to a read-only page with CR0.WP clear").isEqualTo(Exit.HALT);
        assertThat(n.mem.read32(FRAME + 0x80)).isEqualTo(0xAB);
    }

    @Test
    @Points(2)
    @DisplayName("Accessed and dirty bits: a read sets A, a write sets A and D, in both entries' memory")
    void accessedAndDirtyBits() {
        SiliconRig m = machine(7, 7);
        m.ring(3);
        m.code(0xA1).code32(LIN);                                 // read page 0
        m.code(0xA3).code32(LIN + 0x1000);                        // write page 1
        m.code(0xA1).code32(LIN + 0x2000);                        // read page 2, then write it
        m.code(0xA3).code32(LIN + 0x2004);
        m.code(0xCD, 0x80);
        Trap t = m.run();
        assertThat(t.vector()).as("ran to its INT 0x80 (got " + t + ")").isEqualTo(0x80);
        assertThat(m.mem.read32(PDE) & 0x60).as("the directory entry: accessed").isEqualTo(0x20);
        assertThat(m.mem.read32(pte(0)) & 0x60).as("page 0, read: accessed, not dirty").isEqualTo(0x20);
        assertThat(m.mem.read32(pte(1)) & 0x60).as("page 1, written: accessed and dirty").isEqualTo(0x60);
        assertThat(m.mem.read32(pte(2)) & 0x60).as("page 2, read then written: accessed and dirty").isEqualTo(0x60);
        assertThat(m.mem.read32(pte(3)) & 0x60).as("page 3, untouched: neither").isZero();
        assertThat(m.mem.read32(pte(1)) & ~0x60).as("the rest of a table entry stays as it was")
                .isEqualTo((FRAME + 4096) | 7);
    }
}
