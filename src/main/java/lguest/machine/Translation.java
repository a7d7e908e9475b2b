package lguest.machine;

/**
 * Blocks of one frame compiled into one JVM method (see {@link Translator}). The generated
 * subclass is a hidden class; this superclass holds what its exception and stop paths
 * need to leave the CPU exactly as the interpreter would.
 */
abstract class Translation {
    /** The blocks this method has an entry for, in layout order. */
    Block[] blocks;
    /** For instruction number g of the method (across blocks): where it starts, ... */
    int[] insnEip;
    /** ... how many instructions of its block come before it, ... */
    int[] insnIndex;
    /** ... and where execution continues after it (-1 for a block's last: it set EIP itself). */
    int[] insnNext;
    /** Bytes of its class file (run() and the rest), for the memory bound (X:622). */
    int codeBytes;
    /** Blocks whose code field still points here; at zero the translation is dead. */
    int liveBlocks;
    /** False once invalidated (its frame was written), replaced or evicted. */
    volatile boolean valid = true;
    /** Set on every entry; the evictor's clock clears it (second chance). */
    boolean used;

    /**
     * Runs from the block at c.eip until control leaves the translated blocks, an
     * instruction stops the run (brk), an exit is pending, the interrupt line is raised,
     * TF or RF is set, the address space changes (epoch), or the next block would retire
     * more than limit.
     */
    final void run(Cpu c, long limit) {
        int[] r = c.r;
        body(c, limit, c.epoch, c.eip, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
                c.fOp, c.fA, c.fB, c.fR, c.fMask, c.fCin, c.retired);
    }

    /** run() with the Cpu's state as arguments, which become the method's locals (X:615, X:620). */
    abstract void body(Cpu c, long limit, long epoch, int eip, int eax, int ecx, int edx, int ebx, int esp, int ebp,
                       int esi, int edi, int op, int a, int b, int r, int mask, int cin, long retired);

    /*X:617 A fault in the middle. An instruction that may fault first stores its number
     * g in the method into a local, G; the whole method is covered by one entry in the
     * JVM's exception table, and its handler spills the locals, which hold exactly what
     * they held before the faulting instruction, because the emitter writes every
     * instruction to check whatever can fault before it changes anything, and then calls
     * faultAt with G. Knowing g is then knowing two constants, where instruction g starts
     * and how many instructions of its block ran before it; the handler adds the second
     * to the retired count, points EIP at the first and lets the exception go on to the
     * run loop, which delivers it exactly as it would from the interpreter. Storing G
     * costs nothing in compiled code: C2 only records, at each call that can throw, which
     * constant G holds there. */
    final CpuFault faultAt(CpuFault f, Cpu c, int g) {
        c.retired += insnIndex[g];
        c.eip = insnEip[g];
        c.brk = false;
        return f;
    }
    /*:*/

    /** Instruction g asked the block to stop after it (brk): retire it and leave. */
    final void stopAfter(Cpu c, int g) {
        c.brk = false;
        c.retired += insnIndex[g] + 1;
        if (insnNext[g] != -1) c.eip = insnNext[g];
    }

    /** The instructions the method calls through their semantics (X:618). */
    Insn[] called;

    /** One call site for every semantics call of every translation (X:618). */
    static void call(Insn i, Cpu c) {
        i.form().op().exec(c, i);
    }

    /** For each exit of the method: the block it was last seen to lead to, and the epoch then (X:620). */
    Block.Link[] links;
    /** How deep runs may nest through links before one returns to the run loop. */
    static final int MAX_DEPTH = Integer.getInteger("lguest.translate.links", 16);

    /*X:620 Chaining between translations. A page is one method, and a busybox program's
     * hot path crosses pages every ten instructions or so: a call into a function
     * elsewhere, the return from it, a jump into the next function's page. Going back to
     * the run loop for each costs a lookup and a call whose target the JVM cannot
     * predict. So each exit of a method has a slot: one per target outside the page that
     * a jump names, and a few more, picked by the EIP's low bits, for RETs and indirect
     * jumps. When the run loop finds the block an exit led to, it writes it into that
     * exit's slot, with the epoch (X:130), if it is a block the interpreter would chain to
     * (X:130; not one whose last instruction runs onto the next page, X:135); the next time, the exit goes straight to that
     * block's translation: a Java call of its body() with this method's locals as the
     * arguments, which become the callee's locals, so the registers and flags are not
     * written into the Cpu and read back at every crossing (they were, until that was
     * measured as a good part of a crossing's cost). A link is followed only if the block still
     * starts where the guest is going, is still valid, and the epoch has not moved, since
     * an epoch is an address space and a ring: with both unchanged, the lookup would find
     * the same block. Runs nest, one Java frame per link, so after MAX_DEPTH links the
     * next exit returns to the run loop, which then starts the nest afresh. A link to a block
     * that is not translated (yet) still spares the run loop its lookup. */
    final Translation next(Cpu c, int slot, int eip, long epoch) {
        Block.Link l = links[slot];
        Block b;
        Translation t;
        if (l == null || c.depth >= MAX_DEPTH || epoch != c.epoch || (b = l.follow(epoch, eip)) == null
                || (t = b.code) == null)
            return null;
        t.used = true;
        c.execution.chained++;
        c.depth++;
        return t;
    }

    /** After the run next() let in has returned: one link fewer deep. */
    static void back(Cpu c) {
        c.depth--;
    }

    /** The way out when no translation follows: the run loop may still use the slot's link (X:600). */
    final void exitThrough(Cpu c, int slot) {
        if (slot < 0) return;
        c.exitFrom = this;
        c.exitSlot = slot;
    }

    /** The block slot links to, if the link still holds (Block.Link.follow). */
    final Block linked(int slot, Cpu c) {
        Block.Link l = links[slot];
        return l == null ? null : l.follow(c);
    }

    /** Called by the run loop with the block it found after this method left through slot. */
    final void link(int slot, Block b, long epoch) {
        links[slot] = new Block.Link(b, epoch);   // one immutable pair, as X:130 says why
    }
    /*:*/

    /** Whether the run must leave after a called instruction: an exit, an interrupt, TF or RF (X:512), a new address space. */
    static boolean leave(Cpu c, long epoch) {
        return c.pendingExit != null || c.interruptLine || (c.flags & (Cpu.TF | Cpu.RF)) != 0 || c.epoch != epoch;
    }

    /*X:619 What the generated code calls. The methods below are small, and C2 inlines
     * them into the translated method for as long as its inlining budget for that method
     * lasts (a budget counted in bytecodes, the caller's own included, so a big page gets
     * fewer of them inlined than a small one). spill() is the way back from locals to the
     * Cpu (X:615). The flag helpers answer for a record the emitter did not write itself,
     * by putting it where the interpreter keeps it and asking the interpreter's own
     * question. Everything else the emitted code calls is the interpreter's own: Addr.linear
     * for an address whose effective part came from the locals (with its first line, the
     * flat model's "the linear address is the effective one", also written out in front of
     * the call, so that C2 keeps the common case in line even when a big page has used up
     * its inlining budget: measured on sha256, 415 against 470 MIPS), the Cpu's stackLin and
     * read32 and friends, and Alu's CF and OF of a shift or an IMUL. */
    static void spill(Cpu c, int eax, int ecx, int edx, int ebx, int esp, int ebp, int esi, int edi,
                      int op, int a, int b, int r, int mask, int cin, long retired) {
        int[] g = c.r;
        g[0] = eax; g[1] = ecx; g[2] = edx; g[3] = ebx; g[4] = esp; g[5] = ebp; g[6] = esi; g[7] = edi;
        spill(c, op, a, b, r, mask, cin);
        c.retired = retired;
    }

    static int cf(Cpu c, int op, int a, int b, int r, int mask, int cin) {
        spill(c, op, a, b, r, mask, cin);
        return c.cf();
    }

    static boolean cond(Cpu c, int cc, int op, int a, int b, int r, int mask, int cin) {
        spill(c, op, a, b, r, mask, cin);
        return c.cond(cc);
    }

    /** CF = cf, the other flags as the record has them (BT). */
    static void carry(Cpu c, int op, int a, int b, int r, int mask, int cin, int cf) {
        spill(c, op, a, b, r, mask, cin);
        c.setCF(cf != 0);
    }

    private static void spill(Cpu c, int op, int a, int b, int r, int mask, int cin) {
        c.lazy(op, a, b, r, mask);   // r is already masked
        c.fCin = cin;
    }

    /*:*/
}
