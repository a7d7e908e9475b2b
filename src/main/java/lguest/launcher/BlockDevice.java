package lguest.launcher;

import static lguest.host.Abi.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** The block device (2.6.23 lguest_blk protocol) backed by a file. */
final class BlockDevice extends Device {
    private final FileChannel file;
    private final long size;

    BlockDevice(Path path) throws LaunchError {
        super(LGUEST_DEVICE_T_BLOCK, 0);
        try {
            file = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
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
                    ByteBuffer bb = ByteBuffer.wrap(b);
                    while (bb.hasRemaining()) pos += file.write(bb, pos);
                }
                file.force(false);
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
                    ByteBuffer bb = ByteBuffer.allocate(n);
                    while (bb.hasRemaining() && file.read(bb, pos + bb.position()) > 0) { }
                    l.mem.write(s[0], bb.array(), 0, bb.position());
                    pos += bb.position();
                    done += bb.position();
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

    void close() {
        try {
            file.close();
        } catch (IOException e) {
            /* nothing left to lose */
        }
    }
}
