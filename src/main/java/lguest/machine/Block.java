package lguest.machine;

/** A straight run of decoded instructions ending at a jump, a page end or 32 instructions. */
final class Block {
    final int startEip;
    final Op[] ops;
    /** eips[i] is where instruction i starts; eips[ops.length] is where the block falls through. */
    final int[] eips;

    /*X:130 Chaining. Most blocks end by going to one of two places, so each block remembers
     * the block it last went to on each side (the branch taken, and the fall-through), and
     * the next trip skips the lookup altogether. A link is trusted only while nothing that
     * could change where an EIP leads has happened: the CPU's epoch counts TLB flushes,
     * INVLPGs, CS and CPL changes, and a block whose frame was written is marked invalid. */
    Block taken, fallThrough;
    long takenEpoch, fallThroughEpoch;
    volatile boolean valid = true;
    /*:*/

    /** False for a block whose instruction straddles two pages: it is decoded afresh each time. */
    final boolean cacheable;

    /** Where the block falls through (eips[ops.length]). */
    final int endEip;

    Block(int startEip, Op[] ops, int[] eips, boolean cacheable) {
        this.startEip = startEip;
        this.endEip = eips[ops.length];
        this.cacheable = cacheable;
        this.ops = ops;
        this.eips = eips;
    }
}
