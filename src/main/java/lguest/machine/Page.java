package lguest.machine;

import java.nio.ByteBuffer;

/**
 * One 4 KiB frame of emulated physical memory: its bytes, whether the machine treats it
 * as host code, and the blocks of instructions decoded from it.
 */
final class Page {
    /*X:110 A frame is the unit of everything that matters for speed. The software TLB
     * maps a virtual page straight to this object's byte array, so a guest load is an
     * array index, not a search. Decoded blocks hang off the frame they were decoded
     * from: when anybody writes the frame, the blocks are simply dropped, and the next
     * fetch decodes the new bytes. A frame backed by a file (a shared region) has no
     * array; the CPU then takes its slow path through the ByteBuffer. :*/
    final int number;
    final byte[] data;
    final ByteBuffer buffer;
    volatile boolean hostCode;
    volatile Block[] blocks;
    /** Times this frame has been translated (see CodeCache). */
    int rewrites;

    Page(int number, byte[] data, ByteBuffer buffer) {
        this.number = number;
        this.data = data;
        this.buffer = buffer;
    }

    int get8(int off) {
        return data != null ? data[off] & 0xFF : buffer.get(off) & 0xFF;
    }

    /** Forgets every block decoded from this frame; true if there were any. */
    boolean dropCode() {
        Block[] bs = blocks;
        if (bs == null) return false;
        blocks = null;
        rewrites = 0;
        for (Block b : bs) {
            if (b == null) continue;
            b.valid = false;
            Translation t = b.code;
            if (t != null) CodeCache.invalidated(t);
        }
        return true;
    }

    void put8(int off, int v) {
        if (blocks != null) dropCode();
        if (data != null) data[off] = (byte) v; else buffer.put(off, (byte) v);
    }
}
