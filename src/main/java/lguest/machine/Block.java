package lguest.machine;

/** A straight run of decoded instructions ending at a jump, a page end or 32 instructions. */
final class Block {
    final int startEip;
    final Insn[] insns;
    /** The same instructions as the interpreter runs them (see Step). */
    final Step first;
    /** eips[i] is where instruction i starts; eips[insns.length] is where the block falls through. */
    final int[] eips;

    /*X:130 Chaining. Most blocks end by going to one of two places, so each block remembers
     * the block it last went to on each side (the branch taken, and the fall-through), and
     * the next trip skips the lookup altogether. A link is trusted only while nothing that
     * could change where an EIP leads has happened: the CPU's epoch counts TLB flushes,
     * INVLPGs, CS and CPL changes, and a block whose frame was written is marked invalid.
     * A link and its epoch are one immutable pair, because blocks are shared by every CPU
     * on the same memory: two separate fields could be read one old and one new, a block
     * from another CPU's address space with this CPU's epoch. */
    record Link(Block block, long epoch) {
        /** The block, if the CPU is going where it starts, in the epoch the link was made in, and it is valid. */
        Block follow(Cpu c) {
            return follow(c.epoch, c.eip);
        }

        /** The same for a CPU whose epoch and EIP are these (a translation's locals, X:620). */
        Block follow(long epochNow, int eip) {
            return epoch == epochNow && block.startEip == eip && block.valid ? block : null;
        }
    }

    Link taken, fallThrough;
    volatile boolean valid = true;
    /*:*/

    /** False for a block whose instruction straddles two pages: it is never chained. */
    final boolean cacheable;

    /*X:135 One instruction can start on one page and end on the next: x86 code is not
     * aligned, so in a binary the size of busybox a few dozen instructions do, and one of
     * them sat in the loop of ash's arithmetic, decoded afresh every time round because a
     * block is filed under the frame of its first byte, and a write to the *second* frame
     * would not drop it. Decoding an instruction costs far more than reading it again, so
     * such a block (always a single instruction) keeps a copy of the bytes it has on the
     * second page, its tail, and is filed like any other; each time it is looked up the
     * tail is read again through the current page tables and compared. If the second page
     * was written, or now maps another frame, the bytes differ and the instruction is
     * decoded again. It is never chained to its neighbours, so the comparison is never
     * skipped. */
    byte[] tail;

    boolean tailStillReads(Cpu c, int lin) {
        int next = (lin | 0xFFF) + 1;
        for (int k = 0; k < tail.length; k++)
            if ((byte) c.fetch8(next + k) != tail[k]) return false;
        return true;
    }
    /*:*/

    /** The frame this block was decoded from and is filed under (null if none). */
    Page frame;
    /** Times the interpreter has run this block (counts up to the translation threshold). */
    int heat;
    /** The translation of this block's page that has an entry for it, or null. */
    volatile Translation code;

    /** Where the block falls through (eips[insns.length]). */
    final int endEip;

    Block(int startEip, Insn[] insns, boolean cacheable) {
        this.startEip = startEip;
        this.insns = insns;
        this.first = Step.chain(insns);
        this.cacheable = cacheable;
        int n = insns.length;
        this.eips = new int[n + 1];
        for (int i = 0; i < n; i++) eips[i] = insns[i].eip();
        eips[n] = insns[n - 1].next();
        this.endEip = eips[n];
    }
}
