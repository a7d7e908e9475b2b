package lguest.host;

/**
 * One open /dev/lguest, with lguest 2.6.23's semantics. A request is written as an array
 * of 32-bit words (the code first); a negative result is a negated Linux error number.
 */
public interface LguestDevice {
    /*L:020 /dev/lguest is the whole interface between a Launcher and its Host, and it
     * is tiny on purpose.  Four writes: INITIALIZE (here is my memory, my page
     * directory and where to start), GETDMA (which buffer did the Guest offer me at
     * this key?), IRQ (please interrupt the Guest) and BREAK (stop running it for a
     * moment, I have input).  And one read, which does not read anything: it lends
     * the caller's thread to the Guest until the Guest wants the Launcher for
     * something.  The rest is what lguest did not say through write and read:
     * close is closing the file, mapShared is the mmap by which lguest's Host
     * learned of shared memory, and the others are ours alone: deliverShared brings
     * a frame from a Guest in another process (H:655), and debug, saveState,
     * restoreState and stats serve the debugger, snapshots and --stats (M:650,
     * M:672).  A Java interface keeps the shape of those calls, with the error
     * numbers a C Launcher would have seen in errno, so that our Launcher, in
     * lguest.launcher, reads like lguest's in Documentation/lguest. :*/

    /** Writes a request: {code, args...}. Returns the request's result or -errno. */
    long write(int... request);

    /**
     * Runs the guest. Returns 8 with {dma address, key} in buf when the guest sent DMA to
     * the Launcher, -EAGAIN after a BREAK, -ERESTARTSYS when the calling thread is
     * interrupted, -ENOENT when the guest died; once dead, the reason string (NUL-terminated,
     * as many bytes as fit) and its length.
     */
    int read(byte[] buf);

    /** Releases the guest: timer, DMA bindings, shadow page tables, the slot. */
    void close();

    /**
     * Tells the Host that guest-physical [base, base+size) is a file the Launcher maps
     * shared, as mmap(MAP_SHARED) would have told the kernel: DMA keys there are shared.
     */
    void mapShared(int base, int size, java.nio.file.Path file);

    /**
     * Not lguest (H:655): finishes a SEND_DMA that a Guest of another Host made to a shared
     * key of this Guest's, with the frame the Launcher found in the shared file. Any thread
     * may call it. Returns the bytes delivered, 0 when no buffer was free (or none is bound).
     */
    int deliverShared(int key, byte[] frame, int len);
    /** The Host's debug port for this Guest (M:650); null before INITIALIZE. */
    GuestDebug debug();

    /**
     * Writes the Host's state for this Guest (M:672), between two reads by the thread that
     * runs it; the Guest's memory is the caller's to save.
     */
    void saveState(java.io.DataOutput out) throws java.io.IOException;

    /** Reads saved state into the Guest INITIALIZE has just made (M:672); IOException if it will not do. */
    void restoreState(java.io.DataInput in) throws java.io.IOException;

    /** The figures behind --stats. */
    Stats stats();
}
