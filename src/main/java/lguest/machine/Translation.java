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
    /** Bytes of bytecode in run(), for the memory bound. */
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
     * TF is set, the address space changes (epoch), or the next block would retire
     * more than limit.
     */
    abstract void run(Cpu c, long limit);

    /*X:615 A fault in the middle. Each guest instruction in the method is one call
     * covered by its own entry in the JVM's exception table, and the handler of entry
     * g knows two constants: where instruction g starts and how many instructions of its
     * block ran before it. The fault path is the only one that pays for knowing: the
     * handler adds those to the retired count, points EIP at the faulting instruction
     * and lets the exception go on to the run loop, which delivers it exactly as it
     * would from the interpreter. Nothing else needs undoing, because every instruction
     * checks whatever can fault before it changes anything, and the registers and lazy
     * flags live in the Cpu object, never in JVM locals that would have to be written
     * back. */
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

    /** Whether the next block may still run (the budget allows n more instructions). */
    static boolean room(Cpu c, long limit, int n) {
        return c.retired + n <= limit;
    }

    /** Whether the run must leave between blocks: an exit, an interrupt, TF, a new address space. */
    static boolean leave(Cpu c, long epoch) {
        return c.pendingExit != null || c.interruptLine || (c.flags & Cpu.TF) != 0 || c.epoch != epoch;
    }
}
