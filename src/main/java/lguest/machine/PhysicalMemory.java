package lguest.machine;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The emulated machine's physical address space: 4 KiB frames in regions that are added
 * one by one (the Host's own frames, each guest's RAM, file-backed shared regions).
 * Shared by every {@link Cpu}; every write through this interface drops the decoded
 * blocks of the frames it touches, as DMA does to a real CPU's caches.
 */
public final class PhysicalMemory {
    public static final int PAGE_SIZE = 4096;

    /*X:100 Physical memory is an array of frames indexed by physical page number: one
     * million slots cover the 32-bit physical space, and most stay null. A region is a
     * run of frames added at a page-aligned base; asking for memory where no region was
     * added is a bug in the Java that asked, so the Java interface throws. The CPU, on the
     * other hand, behaves like a PC's bus when a guest touches a hole: reads float to all
     * ones and writes vanish, and nothing in Java blows up. */
    private final Page[] frames = new Page[1 << 20];

    public synchronized void addRegion(int base, int size) {
        checkRange(base, size);
        for (int p = 0; p < size / PAGE_SIZE; p++) {
            int n = (base >>> 12) + p;
            frames[n] = new Page(n, new byte[PAGE_SIZE], null);
        }
    }
    /*:*/

    /**
     * Maps size bytes of an open file at physical address base (read/write, shared),
     * growing the file if needed. Two machines mapping one file share those frames, which
     * is how guests on --sharenet see each other's packets. The caller's channel stays
     * open and stays the caller's: opening and closing a channel of our own here would
     * drop every fcntl lock this process holds on the file (POSIX releases them all on
     * any close), and the Launcher's slot on the network is such a lock.
     */
    public synchronized void addFileRegion(int base, int size, FileChannel ch) throws IOException {
        checkRange(base, size);
        MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, Integer.toUnsignedLong(size));
        map.order(ByteOrder.LITTLE_ENDIAN);
        for (int p = 0; p < size / PAGE_SIZE; p++) {
            int n = (base >>> 12) + p;
            frames[n] = new Page(n, null, map.slice(p * PAGE_SIZE, PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN));
        }
    }

    private void checkRange(int base, int size) {
        if ((base & 0xFFF) != 0 || (size & 0xFFF) != 0 || size <= 0
                || Integer.toUnsignedLong(base) + Integer.toUnsignedLong(size) > 0x1_0000_0000L)
            throw new IllegalArgumentException("region must be page-aligned and inside 4 GiB: base "
                    + Integer.toHexString(base) + " size " + Integer.toHexString(size));
        for (int p = 0; p < size / PAGE_SIZE; p++)
            if (frames[(base >>> 12) + p] != null)
                throw new IllegalArgumentException("region overlaps at page " + Integer.toHexString((base >>> 12) + p));
    }

    /** True when a frame exists at this physical address. */
    public boolean isBacked(int phys) {
        return frames[phys >>> 12] != null;
    }

    /** Marks a physical page (by page number) as host code: the CPU exits when it begins executing there. */
    public void markHostCode(int physPage) {
        Page p = page(physPage << 12);
        p.hostCode = true;
        p.dropCode();
    }

    public boolean isHostCode(int physPage) {
        Page p = frames[physPage];
        return p != null && p.hostCode;
    }

    /** The frame at a physical address, or null where there is none (for the CPU). */
    Page frame(int phys) {
        return frames[phys >>> 12];
    }

    private Page page(int phys) {
        Page p = frames[phys >>> 12];
        if (p == null) throw new IllegalArgumentException("no memory at physical " + Integer.toHexString(phys));
        return p;
    }

    public int read8(int phys) {
        return page(phys).get8(phys & 0xFFF);
    }

    public int read16(int phys) {
        return read8(phys) | read8(phys + 1) << 8;
    }

    public int read32(int phys) {
        return read16(phys) | read16(phys + 2) << 16;
    }

    public void write8(int phys, int v) {
        page(phys).put8(phys & 0xFFF, v);
    }

    public void write16(int phys, int v) {
        write8(phys, v);
        write8(phys + 1, v >>> 8);
    }

    public void write32(int phys, int v) {
        write16(phys, v);
        write16(phys + 2, v >>> 16);
    }

    /** Copies len bytes from physical memory into dst. */
    public void read(int phys, byte[] dst, int off, int len) {
        while (len > 0) {
            Page p = page(phys);
            int o = phys & 0xFFF, n = Math.min(len, PAGE_SIZE - o);
            if (p.data != null) System.arraycopy(p.data, o, dst, off, n);
            else p.buffer.get(o, dst, off, n);
            phys += n; off += n; len -= n;
        }
    }

    /** Copies len bytes into physical memory, dropping decoded code on every frame touched. */
    public void write(int phys, byte[] src, int off, int len) {
        while (len > 0) {
            Page p = page(phys);
            int o = phys & 0xFFF, n = Math.min(len, PAGE_SIZE - o);
            p.dropCode();
            if (p.data != null) System.arraycopy(src, off, p.data, o, n);
            else p.buffer.put(o, src, off, n);
            // Once more after the copy: a CPU on another thread (a DMA from a
            // neighbour Guest) may have decoded the old bytes in between.
            p.dropCode();
            phys += n; off += n; len -= n;
        }
    }
}
