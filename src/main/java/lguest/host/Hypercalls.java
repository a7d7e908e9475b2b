package lguest.host;

import static lguest.host.Abi.*;

import java.nio.charset.StandardCharsets;

/**
 * The hypercalls: the synchronous one in the registers and the asynchronous ring in
 * lguest_data, and LGUEST_INIT, which must come first.
 */
final class Hypercalls {
    private final Guest g;

    Hypercalls(Guest g) {
        this.g = g;
    }

    /*H:200 A hypercall is "int $0x1F" with the call number in EAX and arguments in
     * EDX, EBX and ECX: the Guest's kernel in ring 1 may make it (the gate has DPL 1),
     * its programs in ring 3 may not.  The Host reads the numbers from the register
     * page, where the trap saved them, does the call and writes any result into EAX
     * there, so the Guest finds it when it resumes.  Each argument is checked by the
     * code that uses it; a bad one kills the Guest.  BIND_DMA is the only call with
     * an answer; the others either work or are the last thing the Guest does. */
    private void doHcall(int eax, int edx, int ebx, int ecx, boolean sync) {
        // LAB(hypercalls) { throw new UnsupportedOperationException("lab hypercalls: dispatch the call in EAX to its handler (read H:200, H:100, H:110)");
        if (eax >= 0 && eax < g.stats.hypercalls.length()) g.stats.hypercalls.incrementAndGet(eax);
        switch (eax) {
            case LHCALL_FLUSH_ASYNC:
                break;
            case LHCALL_LGUEST_INIT:
                g.kill("already have lguest_data");
                break;
            case LHCALL_CRASH: {
                byte[] msg = g.read(edx, 128);
                int n = 0;
                while (n < 127 && msg[n] != 0) n++;
                g.kill("CRASH: " + new String(msg, 0, n, StandardCharsets.ISO_8859_1));
                break;
            }
            case LHCALL_FLUSH_TLB:
                if (edx != 0) g.pages.clearAll(); else g.pages.flushUser();
                break;
            case LHCALL_BIND_DMA: {
                int r = g.host.dma.bindDma(g, edx, ebx, (ecx >>> 8) & 0xFFFF, ecx & 0xFF);
                if (sync) g.setReg(Switcher.R_EAX, r);
                break;
            }
            case LHCALL_SEND_DMA:
                g.host.dma.sendDma(g, edx, ebx);
                break;
            case LHCALL_LOAD_GDT:
                g.segments.loadGuestGdt(edx, ebx);
                break;
            case LHCALL_LOAD_IDT_ENTRY:
                g.traps.loadGuestIdtEntry(edx, ebx, ecx);
                break;
            case LHCALL_NEW_PGTABLE:
                g.pages.guestNewPagetable(edx);
                break;
            case LHCALL_SET_STACK:
                g.pages.guestSetStack(edx, ebx, ecx);
                break;
            case LHCALL_SET_PTE:
                g.pages.guestSetPte(edx, ebx, ecx);
                break;
            case LHCALL_SET_PMD:
                g.pages.guestSetPmd(edx, ebx);
                break;
            case LHCALL_LOAD_TLS:
                g.segments.guestLoadTls(edx);
                break;
            case LHCALL_LOAD_LDT:
                g.segments.loadGuestLdt(edx, ebx);
                break;
            case LHCALL_SET_CLOCKEVENT:
                g.traps.setClockevent(edx);
                break;
            case LHCALL_TS:
                g.ts = edx != 0;
                break;
            case LHCALL_HALT:
                g.halted = true;
                break;
            default:
                g.kill("Bad hypercall " + eax);
        }
        // LAB(hypercalls) }
    }
    /*:*/

    /*H:210 The asynchronous ring.  Most page-table hypercalls come in bursts (exec
     * maps a whole program, a page-table entry at a time), and each one would be a
     * trip out of the Guest and back.  So the Guest may queue them in lguest_data
     * instead: 64 slots, each with a status byte (0xFF "free", 0 "please do this") and
     * four words of arguments, filled in order round the ring.  The Host runs the
     * queue whenever the Guest comes out, for whatever reason (H:230), starting where
     * it stopped last time and stopping at the first free slot.  Each slot is marked
     * free again when done, and results are thrown away: only calls without results
     * are worth queueing.  If one of them sends DMA to the Launcher, we stop, because
     * the Launcher has to see that before anything else happens.
     *
     * Most exits find the ring empty, so the first look is at one status byte, the
     * one under the cursor; lguest_data was checked whole at LGUEST_INIT and cannot
     * have moved since. */
    private void doAsyncHcalls() {
        // LAB(hypercalls) { throw new UnsupportedOperationException("lab hypercalls: run the calls queued on the async ring (read H:210, H:230)");
        if ((g.mem.read8(g.lguestData + LD_HCALL_STATUS + g.nextHcall) & 0xFF) == 0xFF) return;
        byte[] st = g.read(g.lguestData + LD_HCALL_STATUS, LHCALL_RING_SIZE);
        if (g.isDead()) return;
        for (int i = 0; i < LHCALL_RING_SIZE; i++) {
            int n = g.nextHcall;
            if ((st[n] & 0xFF) == 0xFF) break;
            if (++g.nextHcall == LHCALL_RING_SIZE) g.nextHcall = 0;
            int a = g.lguestData + LD_HCALLS + n * HCALL_ARGS_SIZE;
            byte[] args = g.read(a, HCALL_ARGS_SIZE);
            if (g.isDead()) return;
            g.stats.asyncHypercalls++;
            doHcall(Segments.word(args, 0), Segments.word(args, 4), Segments.word(args, 8), Segments.word(args, 12), false);
            if (!g.addressOk(g.lguestData + LD_HCALL_STATUS + n, 1)) { g.kill("Writing result for async hypercall"); return; }
            g.mem.write8(g.lguestData + LD_HCALL_STATUS + n, 0xFF);
            if (g.dmaIsPending || g.isDead()) break;
        }
        // LAB(hypercalls) }
    }
    /*:*/

    /*H:220 LGUEST_INIT, the first hypercall of every Guest and the only one allowed
     * before it.  Until then the Host does not know where lguest_data is, so there is
     * nowhere to read the async ring or the interrupt flag from, and any other call
     * is a broken rule.  The Host checks the whole structure lies in the Guest's
     * memory, reads the noirq window (the Guest filled it in before calling), writes
     * what the Guest should know about its Host (the memory it must keep away from at
     * the top, the guest id, the TSC speed: 0 here, since this machine's TSC counts
     * instructions and is no clock) and the time, then throws away every shadow, since
     * the Guest is about to take charge of its page tables.  A second LGUEST_INIT is
     * a broken rule too. */
    private void initialize() {
        int eax = g.reg(Switcher.R_EAX);
        if (eax != LHCALL_LGUEST_INIT) {
            g.kill("hypercall " + eax + " before LGUEST_INIT");
            return;
        }
        g.stats.hypercalls.incrementAndGet(LHCALL_LGUEST_INIT);
        int data = g.reg(Switcher.R_EDX);
        if (!g.addressOk(data, LD_SIZE) || !g.backed(data, LD_SIZE)) {
            g.kill(String.format("bad guest page %#x", data));
            return;
        }
        if (g.trace != null) g.trace.init(g, data);
        g.lguestData = data;
        g.haveData = true;
        g.noirqStart = g.mem.read32(data + LD_NOIRQ_START);
        g.noirqEnd = g.mem.read32(data + LD_NOIRQ_END);
        g.mem.write32(data + LD_TSC_KHZ, 0);
        g.mem.write16(data + LD_GUESTID, g.guestid);
        g.mem.write32(data + LD_RESERVE_MEM, 4 << 20);
        g.writeTimestamp();
        g.pages.clearAll();
    }
    /*:*/

    /*H:230 do_hypercalls, at the top of every trip round the run loop, whatever
     * brought the Guest out: a hypercall, a page fault, a reflected trap, a host
     * interrupt.  That is lguest's rule, and the Guest's lazy mode relies on it
     * (G:200): a call queued on the ring is done before the Guest runs another
     * instruction, before any interrupt is injected into it, and before the call
     * in the registers, if the exit was one.  Only then, and only if the ring did
     * not stop for the Launcher, is the synchronous call made, and trapnum becomes
     * 255, so that a trip round the loop that does not enter the Guest (an
     * interrupt to inject, a DMA for the Launcher) does not perform it twice.
     * Before LGUEST_INIT there is no ring to look at, and the only call allowed is
     * LGUEST_INIT itself. */
    void doHypercalls() {
        boolean hcall = g.trapnum() == LGUEST_TRAP_ENTRY;
        if (!g.haveData) {
            if (hcall) {
                initialize();
                g.setReg(Switcher.R_TRAPNUM, 255);
            }
            return;
        }
        if (g.trace != null) g.trace.asyncRingBefore(g);
        doAsyncHcalls();
        if (g.trace != null) g.trace.asyncRingDone(g);
        if (hcall && !g.dmaIsPending && !g.isDead()) {
            g.writeTimestamp();   /* every call brings the time (H:235) */
            if (g.trace != null) g.trace.hypercall(g, g.reg(Switcher.R_EAX), g.reg(Switcher.R_EDX), g.reg(Switcher.R_EBX), g.reg(Switcher.R_ECX));
            doHcall(g.reg(Switcher.R_EAX), g.reg(Switcher.R_EDX), g.reg(Switcher.R_EBX), g.reg(Switcher.R_ECX), true);
            g.setReg(Switcher.R_TRAPNUM, 255);
        }
    }
    /*:*/
}
