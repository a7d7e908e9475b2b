package lguest.host;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import lguest.machine.fpu.FpuBus;
import lguest.machine.fpu.X87;

/**
 * The Host's part of a snapshot: what lguest kept in {@code struct lguest} for one Guest,
 * written out and read back. Guest memory and devices are the Launcher's to save.
 */
final class GuestState {
    private GuestState() { }

    /*M:672 What the Host knows about a Guest that is not in the Guest's memory.  Less
     * than one might fear, because the design put almost everything in places a
     * snapshot of memory already holds: lguest_data, the async hypercall ring and
     * the device pages are guest memory, and the Guest's registers, between two runs,
     * are the register page (S:030), which is 72 bytes to copy.  What remains is the
     * Host's own bookkeeping: where lguest_data is and the noirq window, the next
     * slot of the hypercall ring, the kernel stack for traps from ring 3, TS, whether
     * the Guest halted, the interrupts pending, a DMA waiting for the Launcher, the
     * clock event (as the time left, not the time it was due: the restoring machine's
     * clock is another), the 64 gates of its IDT and its system-call gate, its GDT
     * and its LDT, as LOAD_IDT_ENTRY, LOAD_GDT and LOAD_LDT recorded them, its DMA
     * bindings, and the x87, which lives inside the CPU.  The shadow page tables are
     * not saved at all: they are a cache of the Guest's own tables, and a fresh Host
     * fills them on demand (H:440), as it does
     * after every LGUEST_INIT.  Only the page directory the Guest is using is kept,
     * and the stack pages are pinned again, as SET_STACK would.
     *
     * Time goes on while a snapshot sits in its file, and the Guest's clocks, which
     * are the Host's wall clock as written into lguest_data (U:260), jump forward on
     * restore by that much, as a laptop's do after a suspend.  They must never jump
     * back, which they would on a machine whose clock is behind the first one's: so
     * the restoring Host reads the last time the Guest was given, from the Guest's
     * own memory, and if its clock is behind that, it adds the difference to every
     * time it writes from then on. */
    static void write(Guest g, DataOutput out) throws IOException {
        byte[] regs = new byte[Switcher.REGS_SIZE];
        g.mem.read(g.switcher.regsPhys, regs, 0, regs.length);
        out.write(regs);
        out.writeInt(g.pages.guestPgdir());
        out.writeBoolean(g.haveData);
        for (int v : new int[] {g.lguestData, g.noirqStart, g.noirqEnd, g.nextHcall, g.esp1, g.ss1, g.stackPages})
            out.writeInt(v);
        out.writeBoolean(g.ts);
        out.writeBoolean(g.halted);
        out.writeInt(g.irqsPending.get());
        out.writeBoolean(g.dmaIsPending);
        out.writeInt(g.pendingDma);
        out.writeInt(g.pendingKey);
        java.util.concurrent.ScheduledFuture<?> clock = g.clockEvent;
        long left = clock == null || clock.isDone() ? -1 : Math.max(1, clock.getDelay(TimeUnit.NANOSECONDS));
        out.writeLong(left);
        for (int i = 0; i < g.traps.idtLo.length; i++) { out.writeInt(g.traps.idtLo[i]); out.writeInt(g.traps.idtHi[i]); }
        out.writeInt(g.traps.syscallLo);
        out.writeInt(g.traps.syscallHi);
        for (int i = 0; i < g.segments.lo.length; i++) { out.writeInt(g.segments.lo[i]); out.writeInt(g.segments.hi[i]); }
        out.writeInt(g.segments.ldtCount);
        for (int i = 0; i < g.segments.ldtCount; i++) { out.writeInt(g.segments.ldtLo[i]); out.writeInt(g.segments.ldtHi[i]); }
        for (Dma.Binding b : g.dma) {
            boolean bound = b.irq != 0 && b.key != null;
            out.writeBoolean(bound);
            if (!bound) continue;
            if (b.key.shared()) throw new IOException("a Guest with DMA on a shared file (--sharenet) cannot be saved");
            out.writeLong(b.key.offset());
            for (int v : new int[] {b.dmas, b.numDmas, b.nextDma, b.irq}) out.writeInt(v);
        }
        out.write(fpu(g.cpu.x87, null));
    }

    /*:*/

    /*M:673 A snapshot is a file, and a file can be written by anyone: restoring one
     * must not hand the Guest more than its hypercalls ever could.  So the gates go back
     * in through LOAD_IDT_ENTRY's own checks (H:330), the GDT through LOAD_GDT's fix-ups
     * (H:500), the LDT through LOAD_LDT's (H:520), the kernel stack through SET_STACK's,
     * and the registers are held to what a trap from the Guest can push: the Switcher's
     * IRET runs in ring 0 and would go wherever the register page says, so a CS or SS of
     * ring 0, a selector of the Host's code, data, TSS or LDT entries, or an EFLAGS with
     * IOPL or VM would be a way into the Host.  Any of them, and the file is refused. A
     * selector with its TI bit set names the Guest's own LDT, whatever its index, and
     * is the Guest's business: the Switcher's own load will check it against that LDT. */
    /** Reads what write() wrote into a Guest that INITIALIZE has just made. */
    static void read(Guest g, DataInput in) throws IOException {
        byte[] regs = new byte[Switcher.REGS_SIZE];
        in.readFully(regs);
        g.mem.write(g.switcher.regsPhys, regs, 0, regs.length);
        int pgdir = in.readInt();
        if (pgdir != g.pages.guestPgdir()) g.pages.guestNewPagetable(pgdir);
        g.haveData = in.readBoolean();
        g.lguestData = in.readInt();
        g.noirqStart = in.readInt();
        g.noirqEnd = in.readInt();
        g.nextHcall = in.readInt();
        int esp1 = in.readInt(), ss1 = in.readInt(), stackPages = in.readInt();
        g.ts = in.readBoolean();
        g.halted = in.readBoolean();
        g.irqsPending.set(in.readInt());
        g.dmaIsPending = in.readBoolean();
        g.pendingDma = in.readInt();
        g.pendingKey = in.readInt();
        long left = in.readLong();
        for (int i = 0; i < g.traps.idtLo.length; i++) g.traps.loadGuestIdtEntry(i, in.readInt(), in.readInt());
        g.traps.loadGuestIdtEntry(Abi.SYSCALL_VECTOR, in.readInt(), in.readInt());
        for (int i = 0; i < g.segments.lo.length; i++) { g.segments.lo[i] = in.readInt(); g.segments.hi[i] = in.readInt(); }
        g.segments.fixupGdtTable(0, g.segments.lo.length);
        int ldt = in.readInt();
        if (Integer.compareUnsigned(ldt, Abi.LDT_ENTRIES) > 0) throw new IOException("bad LDT size");
        int[] ldtLo = new int[ldt], ldtHi = new int[ldt];
        for (int i = 0; i < ldt; i++) { ldtLo[i] = in.readInt(); ldtHi[i] = in.readInt(); }
        g.segments.setLdt(ldtLo, ldtHi, ldt);
        for (Dma.Binding b : g.dma) {
            if (!in.readBoolean()) continue;
            long key = in.readLong();
            if ((key & 3) != 0 || !g.addressOk((int) key, 4) || key >>> 32 != 0) throw new IOException("bad DMA key");
            b.key = new Dma.Key(g, key, false);
            b.dmas = in.readInt();
            b.numDmas = in.readInt();
            b.nextDma = in.readInt();
            b.irq = in.readInt();
        }
        byte[] fpu = new byte[FPU_BYTES];
        in.readFully(fpu);
        fpu(g.cpu.x87, fpu);
        if (g.nextHcall < 0 || g.nextHcall >= Abi.LHCALL_RING_SIZE) throw new IOException("bad hypercall ring slot");
        if (g.haveData && g.addressOk(g.lguestData, Abi.LD_SIZE) && g.backed(g.lguestData, Abi.LD_SIZE)) {
            long seen = Integer.toUnsignedLong(g.mem.read32(g.lguestData + Abi.LD_TIME)) * 1000
                    + g.mem.read32(g.lguestData + Abi.LD_TIME + 4) / 1_000_000;
            g.clockBehindMillis = Math.max(0, seen - System.currentTimeMillis());
        }
        checkRegisters(g);
        g.changed = Switcher.CHANGED_ALL;
        if (ss1 != 0 || stackPages != 0) g.pages.guestSetStack(ss1, esp1, stackPages);
        if (left > 0) g.traps.setClockevent((int) Math.min(left, 0xFFFF_FFFFL));
        if (g.isDead()) throw new IOException("the saved Guest breaks the Host's rules: " + g.deadReason());
    }

    private static void checkRegisters(Guest g) throws IOException {
        int cs = g.reg(Switcher.R_CS), ss = g.reg(Switcher.R_SS), fl = g.reg(Switcher.R_EFLAGS);
        boolean ok = ((cs & 3) == Abi.GUEST_PL || (cs & 3) == 3) && (ss & 3) == (cs & 3)
                && (fl & 0x23000) == 0 && (fl & 0x200) != 0;
        for (int off : new int[] {Switcher.R_CS, Switcher.R_SS, Switcher.R_DS, Switcher.R_ES, Switcher.R_FS, Switcher.R_GS})
            if (!guestSelector(g.reg(off))) ok = false;
        if (!ok) throw new IOException(String.format("its registers are not a Guest's (cs %#x ss %#x eflags %#x)", cs, ss, fl));
    }

    /** Whether a saved segment register could be the Guest's: 16 bits, ring 1 to 3 unless null, and none of the Host's GDT entries (an LDT selector, TI set, names the Guest's own LDT). */
    static boolean guestSelector(int sel) {
        if ((sel & ~0xFFFF) != 0 || (sel > 3 && (sel & 3) == 0)) return false;
        return (sel & 4) != 0 || !Segments.ignoredGdt(sel >>> 3);
    }
    /*:*/

    static final int FPU_BYTES = 108;

    /*M:674 The x87 is the one piece of Guest state inside the emulated CPU, and the CPU
     * offers no getter for it, nor should it: the architecture already has a way out
     * and back in, FNSAVE and FRSTOR, 108 bytes in the layout every i386 manual
     * prints.  So the Host executes those two on the x87 against a small bus that is
     * a byte array.  FNSAVE also resets the unit, as on silicon, so saving is FNSAVE
     * then FRSTOR of the same bytes; restoring is FRSTOR alone. */
    static byte[] fpu(X87 x87, byte[] restore) {
        byte[] b = restore != null ? restore : new byte[FPU_BYTES];
        FpuBus bus = new FpuBus() {
            @Override public int read8(int a) { return b[a] & 0xFF; }
            @Override public int read16(int a) { return read8(a) | read8(a + 1) << 8; }
            @Override public int read32(int a) { return read16(a) | read16(a + 2) << 16; }
            @Override public void write8(int a, int v) { b[a] = (byte) v; }
            @Override public void write16(int a, int v) { write8(a, v); write8(a + 1, v >> 8); }
            @Override public void write32(int a, int v) { write16(a, v); write16(a + 2, v >> 16); }
            @Override public boolean carry() { return false; }
            @Override public boolean parity() { return false; }
            @Override public boolean zero() { return false; }
            @Override public void setCompareFlags(boolean zf, boolean pf, boolean cf) { }
            @Override public void setAX(int value) { }
        };
        int modrm = 0x30;   // mod 00, reg /6 or /4, a memory operand at "address" 0 of the array
        if (restore == null) x87.execute(0xDD, modrm, 0, 0, bus);      // FNSAVE
        x87.execute(0xDD, 0x20, 0, 0, bus);                             // FRSTOR
        return b;
    }
    /*:*/
}
