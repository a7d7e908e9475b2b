package lguest.machine;

/**
 * The run loop of one {@link Cpu}: finds the block at CS:EIP (decoding it the first time),
 * runs it in the interpreter or, once it is hot, as translated JVM bytecode, and turns
 * faults into exceptions delivered the way the hardware would.
 */
final class Execution {
    private final Cpu c;
    /** Blocks decoded by this CPU (a measure of how well the block cache is doing). */
    long decoded;
    /** Instructions this CPU retired inside translated code. */
    long translatedInstructions;
    /** Calls into translated code. */
    long entries;
    /** Runs entered through a link from another translation (X:620), not from this loop. */
    long chained;
    /** Set by interpret() when the block ended in an exception (delivered already). */
    private boolean faulted;
    /** Executions of a block in the interpreter before its page is translated (see X:611). */
    int threshold = CodeCache.defaultThreshold();
    /** Bytes of bytecode translated for this CPU (the compile budget, X:623). */
    long bytesMade;

    Execution(Cpu c) {
        this.c = c;
    }

    /*X:600 The loop. Find the block that starts at CS:EIP (the fetch TLB gives the frame,
     * the frame's array gives the block already decoded from there), check that the frame
     * is not host code, then run it: translated, if its page has been translated, or one
     * instruction after another. No per-instruction counting, tracing or EIP bookkeeping:
     * before the block runs, EIP is set to where it falls through, and the one instruction
     * that may jump (always the last) overwrites it. If an instruction throws a fault, its
     * index in the block says both how many were retired and where EIP must point for a
     * restart, so the count stays exact for free. */
    Exit run(long budget) {
        long start = c.retired, translated = translatedInstructions, entered = entries, linked = chained;
        try {
            return loop(budget);
        } finally {
            CodeCache.instructions.addAndGet(c.retired - start);
            CodeCache.translatedInstructions.addAndGet(translatedInstructions - translated);
            CodeCache.entries.addAndGet(entries - entered);
            CodeCache.chained.addAndGet(chained - linked);
        }
    }

    private Exit loop(long budget) {
        long stop = budget <= 0 ? Long.MAX_VALUE : c.retired + budget;
        c.pendingExit = null;
        c.exitFrom = null;
        Block prev = null;
        long delivered = 0;   // exceptions delivered: they spend budget too, so a fault loop still ends
        while (true) {
            if (c.interruptLine) { c.interruptLine = false; return Exit.INTERRUPT; }
            if (c.retired + delivered >= stop) return Exit.BUDGET;
            Block b = prev == null ? null : chained(prev);
            if (b == null && c.exitFrom != null) {   // a translation just left through a link slot
                b = c.exitFrom.linked(c.exitSlot, c);
                if (b != null) c.exitFrom = null;
            }
            if (b == null) {
                try {
                    b = lookup();
                } catch (CpuFault f) {
                    c.raise(f, c.eip);
                    delivered++;
                    if (c.pendingExit != null) return c.pendingExit;
                    prev = null;
                    continue;
                }
                if (b == null) return Exit.HOST_CODE;
                link(prev, b);
                if (c.exitFrom != null && b.cacheable) c.exitFrom.link(c.exitSlot, b, c.epoch);   // as link()
                c.exitFrom = null;
            }
            if (b.cacheable && (c.flags & (Cpu.TF | Cpu.RF)) == 0 && threshold >= 0) {
                Translation t = b.code;
                if (t == null && ++b.heat > threshold) t = CodeCache.translate(c, b);
                if (t != null && stop - delivered - c.retired >= b.insns.length) {   // else: the budget's last few
                    prev = null;
                    delivered += runTranslated(t, stop - delivered);
                    if (c.pendingExit != null) return c.pendingExit;
                    continue;
                }
            }
            prev = interpret(b, stop - delivered);
            if (faulted) { faulted = false; delivered++; }
            if (c.pendingExit != null) return c.pendingExit;
        }
    }
    /*:*/

    /** The block the previous one last went to on this side, if that link still holds. */
    private Block chained(Block prev) {
        boolean fall = c.eip == prev.endEip;
        Block.Link l = fall ? prev.fallThrough : prev.taken;
        return l == null ? null : l.follow(c);
    }

    private void link(Block prev, Block b) {
        if (prev == null || !b.cacheable) return;
        if (c.eip == prev.endEip) prev.fallThrough = new Block.Link(b, c.epoch);
        else prev.taken = new Block.Link(b, c.epoch);
    }

    /** Runs translated code; returns the exceptions delivered (0 or 1). */
    private int runTranslated(Translation t, long limit) {
        long before = c.retired;
        entries++;
        t.used = true;
        c.exitFrom = null;
        try {
            t.run(c, limit);
            return 0;
        } catch (CpuFault f) {
            c.exitFrom = null;
            c.brk = false;
            c.raise(f, c.eip);
            return 1;
        } finally {
            c.depth = 0;   // a fault (or anything else thrown) skips the links' own count-down
            translatedInstructions += c.retired - before;
        }
    }

    /*X:605 Running a block.  The first step runs the whole block (each
     * step calls the next, see X:145); a `brk` from an instruction that changed
     * the rules (a segment load, a write to code, an exit) stops the block
     * early with EIP set just past that instruction.  A fault anywhere rewinds
     * EIP to the faulting instruction, retires the ones before it, and is
     * delivered as the hardware would. Returns the block to chain from, or null
     * when it did not run to its end. This is the path of nearly every block,
     * and it is kept small enough for HotSpot to inline into the loop; near
     * the end of a budget, under single-step, or with RF set (X:512), interpretPart
     * runs the block one instruction at a time instead, so the count stops exactly
     * where asked and RF is cleared as soon as one instruction has completed. */
    private Block interpret(Block b, long limit) {
        int n = b.insns.length;
        if (n == 0 || limit - c.retired < n || (c.flags & (Cpu.TF | Cpu.RF)) != 0) return interpretPart(b, limit);
        c.eip = b.eips[n];
        try {
            b.first.run(c);
        } catch (CpuFault f) {
            return fault(b, f);
        }
        if (c.brk) {
            c.brk = false;
            int i = c.pos + 1;
            c.retired += i;
            if (i < n) c.eip = b.eips[i];
            return null;
        }
        c.retired += n;
        return b.cacheable ? b : null;
    }
    /*:*/

    /** The first instructions of a block, as many as the budget allows, or one under single-step (X:520) or RF (X:512). */
    private Block interpretPart(Block b, long limit) {
        Insn[] insns = b.insns;
        boolean step = (c.flags & Cpu.TF) != 0, resume = (c.flags & Cpu.RF) != 0;
        int n = (int) Math.min(insns.length, step || resume ? 1 : limit - c.retired);
        if (step) c.stepHeld = false;
        c.rfLoaded = false;
        c.eip = b.eips[n];
        int i = 0;
        try {
            for (; i < n; i++) {
                c.pos = i;
                Insn in = insns[i];
                in.form().op().exec(c, in);
                if (c.brk) {
                    c.brk = false;
                    i++;
                    if (i < insns.length) c.eip = b.eips[i];
                    break;
                }
            }
        } catch (CpuFault f) {
            return fault(b, f);
        }
        c.retired += i;
        if (resume && i > 0 && !c.rfLoaded) c.flags &= ~Cpu.RF;
        if (step && i > 0) c.delivery.afterStep();
        return null;
    }

    /** Retires the instructions before the faulting one (c.pos), points EIP at it and delivers the fault. */
    private Block fault(Block b, CpuFault f) {
        int i = c.pos;
        c.retired += i;
        c.eip = b.eips[i];
        c.brk = false;
        c.raise(f, c.eip);
        faulted = true;
        return null;
    }

    private Block lookup() {
        int eip = c.eip;
        if (Integer.compareUnsigned(eip, c.segLimit[Cpu.CS]) > 0) throw Cpu.gp(0);
        int lin = c.segBase[Cpu.CS] + eip;
        Page p = c.fetchPage(lin);
        if (p == null) { decoded++; return Decoder.decode(c, eip, false); }
        if (p.hostCode) return null;
        if (c.code16) { decoded++; return Decoder.decode(c, eip, false); }   // X:125
        Block[] bs = p.blocks;
        int off = lin & 0xFFF;
        if (bs != null) {
            Block b = bs[off];
            if (b != null && b.startEip == eip && (b.tail == null || b.tailStillReads(c, lin))) return b;
        }
        decoded++;
        Block b = Decoder.decode(c, eip, true);
        if ((b.endEip - eip <= 4096 - off && b.cacheable) || b.tail != null) {
            bs = p.blocks;
            if (bs == null) p.blocks = bs = new Block[4096];
            bs[off] = b;
            b.frame = p;
        }
        return b;
    }
}
