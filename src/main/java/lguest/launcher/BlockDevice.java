package lguest.launcher;

import static lguest.host.Abi.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The block device (2.6.23 lguest_blk protocol) backed by a file, or, with
 *  {@code --block=FILE,snapshot}, by the file and an overlay of the sectors written. */
final class BlockDevice extends Device {
    private final FileChannel file;
    final Path path;
    final long size;
    /** The sectors the Guest wrote, by number, in snapshot mode; null otherwise (L:410).  Snapshots keep them (M:670). */
    final Map<Long, byte[]> overlay;

    BlockDevice(Path path) throws LaunchError {
        this(path, false);
    }

    BlockDevice(Path path, boolean snapshot) throws LaunchError {
        super(LGUEST_DEVICE_T_BLOCK, 0);
        this.path = path;
        overlay = snapshot ? new HashMap<>() : null;
        try {
            file = snapshot ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            size = file.size();
        } catch (IOException | SecurityException e) {
            throw new LaunchError("cannot open block file " + path + ": " + Launcher.why(e));
        }
        // The device page counts sectors in 32 bits: a bigger disk would wrap to a small one.
        if (size / 512 > 0xFFFF_FFFFL) {
            close();
            throw new LaunchError("block file " + path + " is too large (at most 2 TiB less 512 bytes)");
        }
    }

    @Override
    int key() { return page; }

    void setup(Launcher l) {
        l.mem.write32(page + BLK_NUM_SECTORS, (int) (size / 512));
    }

    /*L:400 A block request.  The Guest fills in its device page (read or write,
     * sector, bytes) and sends a DMA to the page's address: for a write the DMA
     * carries the data, for a read it is an empty "ping", and the data goes into the
     * one buffer the Guest bound at the same key.  We answer by filling in the result
     * (1 good, 2 bad) and raising the device's interrupt.  Two things 2.6.23's
     * Launcher did differently: a request beyond the end of the file is an error
     * result for the Guest, not the end of the Launcher; and a write is forced to the
     * file before its result is reported, so "done" means on the disk. */
    @Override
    int handleOutput(Launcher l, List<int[]> sections) throws IOException {
        int type = l.mem.read32(page + BLK_TYPE);
        long sector = Integer.toUnsignedLong(l.mem.read32(page + BLK_SECTOR));
        long bytes = Integer.toUnsignedLong(l.mem.read32(page + BLK_BYTES));
        long off = sector * 512;
        int result = 2, done = 0, written = 0;
        if (type == 1) {
            long len = 0;
            for (int[] s : sections) len += s[1];
            if (off < size && off + len <= size) {
                long pos = off;
                for (int[] s : sections) {
                    byte[] b = new byte[s[1]];
                    l.mem.read(s[0], b, 0, s[1]);
                    store(pos, b);
                    pos += b.length;
                }
                if (overlay == null) file.force(false);
                written = (int) len;
                result = len == bytes ? 1 : 2;
            }
        } else if (off < size && off + bytes <= size) {
            long dma = l.dev.write(LHREQ_GETDMA, key());
            List<int[]> reply = dma < 0 ? null : l.sections((int) dma);
            if (reply != null) {
                long pos = off;
                for (int[] s : reply) {
                    int n = (int) Math.min(s[1], off + bytes - pos);
                    if (n <= 0) break;
                    byte[] b = load(pos, n);
                    l.mem.write(s[0], b, 0, b.length);
                    pos += b.length;
                    done += b.length;
                }
                l.mem.write32((int) dma + DMA_USED_LEN, done);
                result = done == bytes ? 1 : 2;
            }
        }
        l.mem.write32(page + BLK_RESULT, result);
        l.dev.write(LHREQ_IRQ, irq());
        return written;
    }
    /*:*/

    /** Bytes of the file from pos on: n of them, or fewer where the file ends. */
    private byte[] readFile(long pos, int n) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(n);
        while (bb.hasRemaining() && file.read(bb, pos + bb.position()) > 0) { }
        return bb.position() == n ? bb.array() : java.util.Arrays.copyOf(bb.array(), bb.position());
    }

    /*L:410 Snapshots.  With --block=FILE,snapshot the Guest may scribble
     * on its disk as much as it likes and FILE stays as it was: the file is opened
     * read-only, and what the Guest writes goes to an overlay in our memory, one
     * 512-byte sector per entry, which dies with the Launcher.  Reads take each
     * sector from the overlay if the Guest has written it and from the file if
     * not.  A DMA section need not start or end on a sector boundary (the Guest
     * cuts its buffers at page boundaries, not ours), so a piece of a sector is
     * written into a copy of the whole sector: from the overlay if it is there
     * already, otherwise from the file.  It is what QEMU's -snapshot does, minus
     * the temporary file: a class project's disk image can be booted a hundred
     * times and fsck'ed never. */
    private void store(long pos, byte[] b) throws IOException {
        if (overlay == null) {
            ByteBuffer bb = ByteBuffer.wrap(b);
            while (bb.hasRemaining()) pos += file.write(bb, pos);
            return;
        }
        // LAB(block-snapshot) { throw new UnsupportedOperationException("lab block-snapshot: keep the Guest's writes in the overlay (read L:400, L:410)");
        for (int i = 0; i < b.length; ) {
            long sector = (pos + i) / 512;
            int at = (int) ((pos + i) % 512), n = Math.min(512 - at, b.length - i);
            byte[] copy = overlay.get(sector);
            if (copy == null) {
                copy = java.util.Arrays.copyOf(readFile(sector * 512, 512), 512);
                overlay.put(sector, copy);
            }
            System.arraycopy(b, i, copy, at, n);
            i += n;
        }
        // LAB(block-snapshot) }
    }

    private byte[] load(long pos, int n) throws IOException {
        byte[] b = readFile(pos, n);
        if (overlay == null) return b;
        // LAB(block-snapshot) { throw new UnsupportedOperationException("lab block-snapshot: read the Guest's writes back from the overlay (read L:400, L:410)");
        for (long sector = pos / 512; sector * 512 < pos + b.length; sector++) {
            byte[] copy = overlay.get(sector);
            if (copy == null) continue;
            long from = Math.max(pos, sector * 512), to = Math.min(pos + b.length, sector * 512 + 512);
            System.arraycopy(copy, (int) (from - sector * 512), b, (int) (from - pos), (int) (to - from));
        }
        return b;
        // LAB(block-snapshot) }
    }
    /*:*/

    void close() {
        try {
            file.close();
        } catch (IOException e) {
            /* nothing left to lose */
        }
    }
}
