package lguest.host;

import static lguest.host.Abi.*;

import lguest.machine.Cpu;
import lguest.machine.Exit;
import lguest.machine.PhysicalMemory;

/**
 * The world switch: the Switcher's pages at 0xFFC00000 in every shadow page directory,
 * the entry into the guest (an IRET the CPU executes) and the way back (a trap the CPU
 * delivers through the IDT into the register page).
 */
final class Switcher {
    /*S:020 Where the Switcher lives.  lguest put it at 0xFFC00000, the last 4 MB of
     * the address space, the one slot of the page directory that a 2.6.23 kernel can
     * be told to keep away from (reserve_mem).  For lguest the same address in the
     * Host and in every Guest was the whole trick: the Switcher itself executed the
     * instruction that loads the Guest's page tables, and the instruction after it
     * had better still be there once they were loaded.
     *
     * Here that instruction is not the Switcher's.  Java puts the shadow directory
     * into CR3 (S:080) before the CPU has fetched a byte, and the Host, being Java,
     * has no address space of its own for the Switcher to share.  What still needs
     * a fixed address in the Guest's is everything the CPU touches while it
     * crosses with no Java in between: switch_to_guest runs with the Guest's page
     * tables already loaded, and on the way back the IDT, the GDT, the TSS, the
     * stack in the register page and the stubs are all found through them, in the
     * middle of delivering a trap.  So the Switcher is mapped into every shadow, at
     * an address the Guest has promised never to use; lguest's slot is as good as
     * any, and keeps the numbers familiar.
     *
     * Our layout is four pages.  lguest had three (code, then two per CPU: registers
     * and read-only state); we split its code page in two, because on this machine
     * "host code" is a property of a physical page: the CPU hands control back to Java
     * the moment it starts executing a page so marked.  The trap stubs are such a
     * page, and Java plays their part.  The code that goes *into* the Guest must be
     * run by the CPU itself, so it gets a page of its own. */
    static final int SWITCHER_ADDR = 0xFFC00000;
    static final int SWITCHER_PGD_INDEX = SWITCHER_ADDR >>> 22;
    static final int STUBS = SWITCHER_ADDR, ENTRY = SWITCHER_ADDR + 0x1000, REGS_PAGE = SWITCHER_ADDR + 0x2000,
            RO_STATE = SWITCHER_ADDR + 0x3000;
    /** One stub per vector, 16 bytes apart: 256 of them fill the page exactly. */
    static final int STUB_SIZE = 16;
    /* The read-only state page: the Guest's IDT, GDT and TSS as the CPU will use them. */
    static final int RO_IDT = 0, RO_GDT = 0x800, RO_TSS = 0x900, TSS_SIZE = 104, RO_LDT = 0xA00;
    /*:*/

    /*S:030 struct lguest_regs, ending exactly at the end of the register page.  The
     * TSS says "ring 0's stack ends here", so when the CPU takes a trap from the
     * Guest it pushes SS, ESP, EFLAGS, CS, EIP (and maybe an error code) into the
     * last words of this structure, and the stub pushes the rest in front of them.
     * The registers are saved by the act of trapping: no copy anywhere. */
    static final int REGS_SIZE = 72;
    static final int R_EBX = 0, R_ECX = 4, R_EDX = 8, R_ESI = 12, R_EDI = 16, R_EBP = 20, R_GS = 24,
            R_EAX = 28, R_FS = 32, R_DS = 36, R_ES = 40, R_TRAPNUM = 44, R_ERRCODE = 48, R_EIP = 52,
            R_CS = 56, R_EFLAGS = 60, R_ESP = 64, R_SS = 68;
    static final int REGS = REGS_PAGE + 4096 - REGS_SIZE;
    /*:*/

    static final int CHANGED_IDT = 1, CHANGED_GDT = 2, CHANGED_GDT_TLS = 4, CHANGED_LDT = 8, CHANGED_ALL = 15;
    /** The vector a host interrupt arrives on while a guest runs (Linux's local timer vector). */
    static final int HOST_IRQ_VECTOR = 0xEF;

    /*S:040 switch_to_guest, the last few instructions the Host's CPU runs before it
     * is the Guest's.  ESP points at the saved registers; pop them (the segment
     * registers too: a selector the Guest should not have would fault right here,
     * inside the Switcher), step over trapnum and errcode, and IRET.  The IRET pops
     * EIP, CS, EFLAGS, ESP and SS with a CS of RPL 1 or 3, so the CPU drops from ring
     * 0 to the Guest's ring and loads the Guest's stack, all in one instruction.
     * These are real bytes, executed by the emulated CPU:
     *   pop %ebx; pop %ecx; pop %edx; pop %esi; pop %edi; pop %ebp; pop %gs;
     *   pop %eax; pop %fs; pop %ds; pop %es; add $8,%esp; iret */
    private static final byte[] SWITCH_TO_GUEST = {
        0x5B, 0x59, 0x5A, 0x5E, 0x5F, 0x5D, 0x0F, (byte) 0xA9, 0x58, 0x0F, (byte) 0xA1, 0x1F, 0x07,
        (byte) 0x83, (byte) 0xC4, 0x08, (byte) 0xCF };
    /*:*/

    private final Guest g;
    private final PhysicalMemory mem;
    final int stubsPhys, entryPhys, regsFrame, roPhys, ptePhys;
    final int regsPhys;
    /** CR2 as read right after a page-fault exit. */
    int cr2;

    Switcher(Guest g) {
        this.g = g;
        this.mem = g.mem;
        HostFrames f = g.frames;
        stubsPhys = f.alloc();
        entryPhys = f.alloc();
        regsFrame = f.alloc();
        roPhys = f.alloc();
        ptePhys = f.alloc();
        regsPhys = regsFrame + 4096 - REGS_SIZE;
        /*S:050 Building the pages, once per Guest (lguest built them once per CPU;
         * here every Guest has a CPU of its own).  The stub page is filled with INT3
         * bytes that are never executed: the machine stops at the page's edge because
         * it is marked as host code, and Java does what switcher.S's stubs did.  The
         * Switcher's page table maps the four pages with PRESENT and ACCESSED, and
         * WRITABLE only for the registers.  None has the USER bit, so ring 3 cannot
         * see them at all, and because the Host runs the Guest with CR0.WP set, ring 1
         * cannot write the read-only ones either: the CPU checks that on every access,
         * nobody in Java has to. */
        for (int i = 0; i < 4096; i++) mem.write8(stubsPhys + i, 0xCC);
        mem.markHostCode(stubsPhys >>> 12);
        mem.write(entryPhys, SWITCH_TO_GUEST, 0, SWITCH_TO_GUEST.length);
        mem.write32(ptePhys, stubsPhys | 0x21);
        mem.write32(ptePhys + 4, entryPhys | 0x21);
        mem.write32(ptePhys + 8, regsFrame | 0x63);
        mem.write32(ptePhys + 12, roPhys | 0x21);
        /*:*/
        /*S:060 The default IDT: every vector is an interrupt gate to its stub, in
         * the Host's code segment LGUEST_CS (ring 0), so any trap the Guest does not
         * handle directly comes out here.  Their DPL is 0, so a Guest cannot fake one
         * with INT n, except 0x1F, the hypercall, whose DPL 1 lets the Guest's kernel
         * (but not its ring-3 programs) call it. */
        for (int v = 0; v < 256; v++) {
            int handler = STUBS + v * STUB_SIZE;
            int flags = 0x8E00 | (v == LGUEST_TRAP_ENTRY ? GUEST_PL << 13 : 0);
            mem.write32(roPhys + RO_IDT + v * 8, (LGUEST_CS << 16) | (handler & 0xFFFF));
            mem.write32(roPhys + RO_IDT + v * 8 + 4, (handler & 0xFFFF0000) | flags);
        }
        /*:*/
        /*S:070 The TSS.  Its only jobs here are the stacks: ESP0/SS0 point at the end
         * of the register page, so a trap into ring 0 lands in lguest_regs, and
         * ESP1/SS1 (copied in from SET_STACK before every switch) are where a trap
         * from the Guest's ring 3 to its ring 1 finds the Guest's kernel stack.  The
         * I/O bitmap offset points past the TSS limit, which the CPU reads as "every
         * port denied", so IN and OUT from the Guest's kernel trap to us. */
        mem.write32(roPhys + RO_TSS + 4, REGS_PAGE + 4096);
        mem.write32(roPhys + RO_TSS + 8, LGUEST_DS);
        mem.write16(roPhys + RO_TSS + 0x66, TSS_SIZE);
        Segments.setupDefaultGdtEntries(mem, roPhys + RO_GDT, RO_STATE + RO_TSS);
        /*:*/
    }

    /*S:080 run_guest_once: the Host's half of the switch.  First copy_in_guest_info:
     * hook the Switcher into whichever shadow page directory is current (the Guest
     * may have switched since last time), put the Guest's kernel stack into the TSS,
     * and copy the IDT and GDT into the read-only page only if they changed, and the
     * LDT too (ours, H:520), whose LDTR the CPU keeps between runs and is loaded again
     * only then, after TR.
     * trapnum = 256 is a sentinel: a real trap overwrites it, so if it is still 256
     * after we come back, we faulted inside the Switcher itself.
     *
     * Then the CPU is loaded with what switcher.S loaded into it, except that
     * switcher.S did it from inside, one instruction after another, and Java does it
     * from outside, before the CPU runs at all: the shadow page directory into CR3,
     * the Guest's GDT and IDT (at their Switcher addresses) into GDTR and IDTR, the
     * TSS into TR (its busy bit cleared first, or LTR would refuse it), interrupts
     * off as in the Switcher, then a far jump to LGUEST_CS:switch_to_guest and a load
     * of SS with LGUEST_DS, which the CPU checks and reads from that same GDT as it
     * would for lguest's far call, and ESP at the saved registers.  CR0 gets WP, which
     * makes the read-only Switcher pages read-only for ring 1 too, and TS when the
     * Guest asked for it.  WP comes after LTR for a reason the hardware imposes: LTR
     * marks the TSS descriptor busy by writing the GDT, and the GDT sits in that
     * read-only page, so with WP already set the load would fault.  The two segment
     * loads after it write nothing: S:100 made both descriptors with their accessed
     * bits already set.  Then the CPU runs until something brings it back. */
    void runGuestOnce() {
        Cpu cpu = g.cpu;
        int spgdir = g.pages.currentShadow();
        mem.write32(spgdir + SWITCHER_PGD_INDEX * 4, ptePhys | 0x63);
        mem.write32(roPhys + RO_TSS + 12, g.esp1);
        mem.write32(roPhys + RO_TSS + 16, g.ss1);
        if ((g.changed & CHANGED_IDT) != 0) g.traps.copyTraps(roPhys + RO_IDT);
        if ((g.changed & CHANGED_GDT) != 0) g.segments.copyGdt(roPhys + RO_GDT);
        else if ((g.changed & CHANGED_GDT_TLS) != 0) g.segments.copyGdtTls(roPhys + RO_GDT);
        boolean ldt = (g.changed & CHANGED_LDT) != 0;
        if (ldt) g.segments.copyLdt(roPhys + RO_LDT, RO_STATE + RO_LDT, roPhys + RO_GDT);
        g.changed = 0;
        g.setReg(R_TRAPNUM, 256);
        if (g.trace != null) g.trace.enter(g, spgdir);

        // LAB(world-switch) { throw new UnsupportedOperationException("lab world-switch: load the CPU with the Guest's CR3, GDT, IDT, TSS and the Switcher's entry, then run it (read S:080, S:040, S:070)");
        int tssDesc = roPhys + RO_GDT + GDT_ENTRY_TSS * 8 + 5;
        mem.write8(tssDesc, mem.read8(tssDesc) & ~2);
        cpu.setCr3(spgdir);
        cpu.setCr0(Cpu.CR0_PE | Cpu.CR0_ET | Cpu.CR0_PG);
        cpu.loadGdtr(RO_STATE + RO_GDT, GDT_ENTRIES * 8 - 1);
        cpu.loadIdtr(RO_STATE + RO_IDT, 256 * 8 - 1);
        cpu.loadTaskRegister(GDT_ENTRY_TSS * 8);
        if (ldt) cpu.loadLdt(g.segments.ldtCount == 0 ? 0 : GDT_ENTRY_LDT * 8);
        cpu.setCr0(Cpu.CR0_PE | Cpu.CR0_ET | Cpu.CR0_PG | Cpu.CR0_WP | Cpu.CR0_MP | (g.ts ? Cpu.CR0_TS : 0));
        cpu.setEflags(0x2);
        cpu.farJump(LGUEST_CS, ENTRY);
        cpu.loadSegment(Cpu.SS, LGUEST_DS);
        cpu.r[Cpu.ESP] = REGS;
        Exit exit = cpu.run(0);
        comeBack(exit);
        // LAB(world-switch) }
    }
    /*:*/

    /*S:090 The way back.  The Guest traps; the CPU looks the vector up in our IDT,
     * finds an interrupt gate into ring 0, switches to the stack named by the TSS
     * (the end of the register page), pushes the Guest's SS, ESP, EFLAGS, CS, EIP and
     * perhaps an error code, and jumps to the stub, where it stops, because the stub
     * page is host code.  What switcher.S's stub did next, Java does now, in the same
     * order: push a zero error code for the vectors where the CPU pushes none, push
     * the vector number, then the general and segment registers in lguest_regs
     * order.  They are pushed at the CPU's ESP, wherever that is: after a trap from the
     * Guest that is exactly lguest_regs; after a fault inside switch_to_guest it is
     * somewhere lower, and trapnum keeps its 256.
     *
     * A host interrupt (the CPU's interrupt line: a timer, a BREAK, another guest's
     * DMA) comes back differently: the CPU stops at an instruction boundary with the
     * Guest still loaded.  We let the CPU take it as the real one would, through the
     * IDT on vector 0xEF, which lands in the same stubs.  If the line went up while we
     * were still in switch_to_guest, with interrupts off, the real CPU would have held
     * it until the IRET; we simply record the vector and go round again, as the
     * registers in the page are still whole.  And if the line went up just after
     * the CPU delivered a trap but before it fetched the stub, the trap is what
     * counts: its frame is already half in the page, and the interrupt is left
     * pending for the next entry, which it will end at once. */
    private void comeBack(Exit exit) {
        Cpu cpu = g.cpu;
        if (exit == Exit.INTERRUPT) {
            if (cpu.cpl() == 0 && (cpu.eip & ~0xFFF) == STUBS) {
                /* A trap was delivered and the line went up before the CPU fetched
                 * the stub: the trap is what happened, the interrupt waits. */
                cpu.raiseInterruptLine();
            } else if (cpu.cpl() == 0) {
                g.setReg(R_TRAPNUM, HOST_IRQ_VECTOR);
                return;
            } else {
                cpu.deliverInterrupt(HOST_IRQ_VECTOR);
            }
        } else if (exit == Exit.SHUTDOWN) {
            g.kill(String.format("unhandled trap 8 at %#x (triple fault)", cpu.eip));
            return;
        } else if (exit != Exit.HOST_CODE) {
            g.kill("unexpected exit " + exit + " at " + Integer.toHexString(cpu.eip));
            return;
        }
        if ((cpu.eip & ~0xFFF) != STUBS || cpu.cpl() != 0) {
            g.kill(String.format("unhandled trap 256 at %#x", cpu.eip));
            return;
        }
        // LAB(world-switch) { throw new UnsupportedOperationException("lab world-switch: push the trap frame into the register page as the stub would (read S:090, S:030)");
        int vector = (cpu.eip - STUBS) / STUB_SIZE;
        int sp = cpu.r[Cpu.ESP];
        if (!Traps.hasErr(vector)) sp = push(sp, 0);
        sp = push(sp, vector);
        sp = push(sp, cpu.segmentSelector(Cpu.ES));
        sp = push(sp, cpu.segmentSelector(Cpu.DS));
        sp = push(sp, cpu.segmentSelector(Cpu.FS));
        sp = push(sp, cpu.r[Cpu.EAX]);
        sp = push(sp, cpu.segmentSelector(Cpu.GS));
        sp = push(sp, cpu.r[Cpu.EBP]);
        sp = push(sp, cpu.r[Cpu.EDI]);
        sp = push(sp, cpu.r[Cpu.ESI]);
        sp = push(sp, cpu.r[Cpu.EDX]);
        sp = push(sp, cpu.r[Cpu.ECX]);
        push(sp, cpu.r[Cpu.EBX]);
        if (vector == 14) cr2 = cpu.cr2();
        // LAB(world-switch) }
    }
    /*:*/

    /** A push onto the Switcher's stack, which is always inside the register page. */
    private int push(int sp, int v) {
        sp -= 4;
        if ((sp & ~0xFFF) == REGS_PAGE) mem.write32(regsFrame + (sp & 0xFFF), v);
        return sp;
    }
}
