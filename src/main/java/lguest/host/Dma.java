package lguest.host;

import static lguest.host.Abi.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * DMA between guests and to the Launcher (lguest 2.6.23's io.c): keys, bindings,
 * BIND_DMA, SEND_DMA and GETDMA. All of it under the Host's one lock.
 */
final class Dma {
    /*H:600 2.6.23's I/O is one idea used three times.  A Guest offers buffers to
     * receive at a "key" (BIND_DMA) and sends buffers to a key (SEND_DMA).  A key is
     * an address in the Guest's memory, and what makes two keys equal is what makes
     * two futexes equal in Linux: the same page of the same *file*, for memory shared
     * between Launchers, or the same address of the same process otherwise.  So a key
     * in memory that several Guests map from one file is shared: sending to it copies
     * straight into another Guest's buffers, with no Launcher involved, which is how
     * --sharenet's guests talk.  A key in private memory can only mean this Guest's
     * own Launcher, and the send is handed to it through read(). :*/
    static final int LGUEST_MAX_DMA = 32;

    /** A key: which memory (a guest's own, or a shared file) and where in it. */
    record Key(Object space, long offset, boolean shared) { }

    /** One BIND_DMA: a guest's array of num lguest_dma structures, offered at key. */
    static final class Binding {
        Key key;
        int dmas, numDmas, nextDma, irq;
    }

    /** A file the Launcher mapped shared at a guest-physical range (what MAP_SHARED tells the kernel). */
    record SharedRegion(int base, int size, Path file) { }

    private final Host host;

    Dma(Host host) {
        this.host = host;
    }

    /*H:610 From an address to a key, as get_futex_key did: it must be 4-byte
     * aligned and inside the Guest's memory; inside a shared region it names the
     * file and the offset, elsewhere the Guest and the address. */
    private static Key key(Guest g, int addr) {
        if ((addr & 3) != 0 || !g.addressOk(addr, 4)) return null;
        for (SharedRegion r : g.shared) {
            long off = Integer.toUnsignedLong(addr) - Integer.toUnsignedLong(r.base());
            if (off >= 0 && off < Integer.toUnsignedLong(r.size())) return new Key(r.file(), off, true);
        }
        return new Key(g, Integer.toUnsignedLong(addr), false);
    }
    /*:*/

    /*H:620 BIND_DMA: key, the address of an array of lguest_dma, and in ECX the
     * number of them (bits 8 and up) and the interrupt to raise when one is filled.
     * Interrupt 0 means "unbind"; an interrupt of 32 or more is refused (the answer
     * is 0), and so is a 33rd binding.  The Host keeps its own copy of the binding;
     * it reads the buffers themselves from the Guest only when it uses them. */
    int bindDma(Guest g, int ukey, int dmas, int numDmas, int irq) {
        if (Integer.compareUnsigned(irq, LGUEST_IRQS) >= 0) return 0;
        synchronized (host.lock) {
            Key k = key(g, ukey);
            if (k == null) {
                g.kill(String.format("bad dma key %#x", ukey));
                return 0;
            }
            if (irq == 0) return unbind(g, k, dmas);
            for (int i = 0; i < LGUEST_MAX_DMA; i++) {
                Binding b = g.dma[i];
                if (b.irq != 0) continue;
                b.key = k;
                b.dmas = dmas;
                b.numDmas = numDmas;
                b.nextDma = 0;
                b.irq = irq;
                return 1;
            }
            return 0;
        }
    }

    private int unbind(Guest g, Key k, int dmas) {
        for (Binding b : g.dma) {
            if (b.irq != 0 && k.equals(b.key) && b.dmas == dmas) {
                b.irq = 0;
                b.key = null;
                return 1;
            }
        }
        return 0;
    }
    /*:*/

    void unbindAll(Guest g) {
        synchronized (host.lock) {
            for (Binding b : g.dma) { b.irq = 0; b.key = null; }
        }
    }

    /*H:630 Checking a DMA description.  Each of its (up to 16) pieces must lie in
     * the Guest's memory and within one page; the list ends at the first length of
     * zero.  The Host copies with these addresses, so one unchecked piece would let a
     * Guest read or write anything. */
    private static List<int[]> dmaSections(Guest g, int udma, String what) {
        byte[] d = g.read(udma, DMA_SIZE);
        List<int[]> out = new ArrayList<>();
        if (g.isDead()) return out;
        for (int i = 0; i < LGUEST_MAX_DMA_SECTIONS; i++) {
            int len = (d[DMA_LEN + 2 * i] & 0xFF) | (d[DMA_LEN + 2 * i + 1] & 0xFF) << 8;
            if (len == 0) break;
            int addr = Segments.word(d, DMA_ADDR + 4 * i);
            if (!g.addressOk(addr, len) || (addr & 0xFFF) + len > 4096 || !g.backed(addr, len)) {
                g.kill(String.format("bad address in %s DMA", what));
                return out;
            }
            out.add(new int[] {addr, len});
        }
        return out;
    }
    /*:*/

    /*H:640 SEND_DMA.  For a shared key, find the first binding of that key owned by
     * some *other* Guest (a Guest does not talk to itself), find a free buffer in it
     * (used_len 0) starting from where the last send stopped, copy the pieces across,
     * write the length into the sender's used_len and then the receiver's, and
     * interrupt the receiver.  The receiver is interrupted even when it had no room,
     * so that it empties its buffers, and the send is tried once more (in lguest,
     * after dropping the lock, so the receiver had a chance to run).  For a private key
     * the Launcher must act: note it, and the run loop returns from read(). */
    void sendDma(Guest g, int ukey, int udma) {
        synchronized (host.lock) {
            Key k = key(g, ukey);
            if (k == null) {
                g.kill(String.format("bad sending DMA key %#x", ukey));
                return;
            }
            if (!k.shared()) {
                g.dmaIsPending = true;
                g.pendingDma = udma;
                g.pendingKey = ukey;
                if (g.trace != null) g.trace.dmaToLauncher(g, ukey, udma);
                return;
            }
            for (int attempt = 0; attempt < 2; attempt++) {
                Binding b = null;
                Guest other = null;
                for (Guest o : host.guests()) {
                    if (o == g || o.isDead()) continue;
                    for (Binding x : o.dma) {
                        if (x.irq != 0 && k.equals(x.key)) { b = x; other = o; break; }
                    }
                    if (b != null) break;
                }
                if (b == null && g.trace != null) g.trace.dmaUnbound(g, ukey);
                if (b == null && attempt == 0) {
                    outward(g, ukey, udma);
                    return;
                }
                if (b == null || transfer(g, udma, other, b)) return;
            }
        }
    }
    /** Copies into the first free buffer of b; false when there was none (worth one retry). */
    private boolean transfer(Guest src, int udma, Guest dst, Binding b) {
        List<int[]> from = dmaSections(src, udma, "sending");
        if (src.isDead()) return true;
        boolean delivered = false;
        for (int n = 0; n < b.numDmas; n++) {
            int j = (b.nextDma + n) % b.numDmas;
            int dd = b.dmas + j * DMA_SIZE;
            if (!dst.addressOk(dd, DMA_SIZE) || !dst.backed(dd, DMA_SIZE)) { dst.kill("bad registered DMA buffer"); return true; }
            if (dst.mem.read32(dd + DMA_USED_LEN) != 0) continue;
            List<int[]> to = dmaSections(dst, dd, "registered");
            if (dst.isDead()) return true;
            int bytes = copy(src, from, dst, to);
            src.write32(udma + DMA_USED_LEN, bytes);
            dst.mem.write32(dd + DMA_USED_LEN, bytes);
            b.nextDma = j + 1;
            delivered = true;
            if (src.trace != null) src.trace.dmaShared(src, dst, bytes, b.irq);
            break;
        }
        if (!delivered && src.trace != null) src.trace.dmaShared(src, dst, -1, b.irq);
        dst.irqsPending.getAndUpdate(p -> p | (1 << b.irq));
        dst.wake();
        return delivered;
    }

    private static int copy(Guest src, List<int[]> from, Guest dst, List<int[]> to) {
        int total = 0, si = 0, so = 0;
        for (int[] t : to) {
            int to_off = 0;
            while (to_off < t[1] && si < from.size()) {
                int[] f = from.get(si);
                int n = Math.min(t[1] - to_off, f[1] - so);
                byte[] buf = new byte[n];
                src.mem.read(f[0] + so, buf, 0, n);
                dst.mem.write(t[0] + to_off, buf, 0, n);
                to_off += n; so += n; total += n;
                if (so == f[1]) { si++; so = 0; }
            }
        }
        return total;
    }
    /*:*/

    /*H:645 The one place this Host parts from 2.6.23's SEND_DMA.  There, every
     * Guest on a shared file ran under one kernel, so a shared key that no other
     * Guest had bound meant nobody was listening, and the send simply went
     * nowhere.  Here a Host is a JVM, and two `bin/lguest` commands on one file
     * are two Hosts that cannot see each other's Guests, let alone copy into
     * their memory.  So a shared key with no binder among *our* Guests is handed
     * to the sender's Launcher, exactly as a private key is (the run loop returns
     * from read()): the Launcher knows the file, and can leave the bytes there
     * for whichever process holds the receiving end (L:520).  Inside one JVM
     * nothing changes: a bound key is still served by the copy above, and the
     * Launcher never hears of it. */
    private static void outward(Guest g, int ukey, int udma) {
        g.dmaIsPending = true;
        g.pendingDma = udma;
        g.pendingKey = ukey;
    }
    /*:*/

    /*H:655 The other half of that crossing.  A Launcher that finds, in the file, a
     * frame another process's Guest sent to one of our keys asks its Host to finish
     * the send for it (LguestDevice.deliverShared): the second half of H:640, the
     * copy into the first free buffer bound at that key, the length in used_len
     * and the interrupt, with the Launcher's bytes where the sender's memory would
     * have been.  No free buffer is no delivery (0): the Launcher leaves the frame
     * where it is and tries again later, so a busy Guest slows its senders down
     * rather than losing what is already on its way. */
    int deliverShared(Guest g, int ukey, byte[] frame, int len) {
        synchronized (host.lock) {
            Key k = key(g, ukey);
            if (k == null || !k.shared() || g.isDead()) return 0;
            for (Binding b : g.dma) {
                if (b.irq == 0 || !k.equals(b.key)) continue;
                for (int n = 0; n < b.numDmas; n++) {
                    int j = (b.nextDma + n) % b.numDmas;
                    int dd = b.dmas + j * DMA_SIZE;
                    if (!g.addressOk(dd, DMA_SIZE) || !g.backed(dd, DMA_SIZE)) { g.kill("bad registered DMA buffer"); return 0; }
                    if (g.mem.read32(dd + DMA_USED_LEN) != 0) continue;
                    List<int[]> to = dmaSections(g, dd, "registered");
                    if (g.isDead()) return 0;
                    int done = 0;
                    for (int[] t : to) {
                        int n2 = Math.min(t[1], len - done);
                        if (n2 <= 0) break;
                        g.mem.write(t[0], frame, done, n2);
                        done += n2;
                    }
                    if (done == 0) return 0;
                    g.mem.write32(dd + DMA_USED_LEN, done);
                    b.nextDma = j + 1;
                    g.irqsPending.getAndUpdate(p -> p | (1 << b.irq));
                    g.wake();
                    return done;
                }
                g.irqsPending.getAndUpdate(p -> p | (1 << b.irq));
                g.wake();
                return 0;
            }
            return 0;
        }
    }
    /*:*/

    /*H:650 GETDMA, from the Launcher: "which buffer has the Guest offered me at this
     * key?"  A free one of the Guest's binding at that key, with a quirk kept from
     * 2.6.23: the binding's interrupt number is written into that buffer's used_len,
     * which is how the Launcher learns which interrupt to raise when it has filled it
     * (and it overwrites used_len with the length then anyway).  If every buffer is in
     * use the last one looked at is returned regardless, also as 2.6.23 did.
     *
     * One change: 2.6.23 looked from the first buffer every time; we look from the
     * binding's cursor, where a SEND_DMA would fill next (H:640), and move it on.  A
     * Guest that empties its buffers round the array, as a network driver must to
     * keep frames in order (D:630), then gets the Launcher's frames in the order the
     * Launcher put them in.  Looking from the first, a batch that wrapped round the
     * driver's position came out of order, and TCP in the Guest threw the early ones
     * away (L:796). */
    long getDma(Guest g, int ukey) {
        synchronized (host.lock) {
            Key k = key(g, ukey);
            if (k == null) return -EINVAL;
            for (Binding b : g.dma) {
                if (b.irq == 0 || !k.equals(b.key)) continue;
                if (b.numDmas == 0) return -ENOENT;
                int addr = 0;
                for (int n = 0; n < b.numDmas; n++) {
                    int j = (b.nextDma + n) % b.numDmas;
                    addr = b.dmas + j * DMA_SIZE;
                    if (!g.addressOk(addr, DMA_SIZE)) return -EFAULT;
                    if (g.mem.read32(addr + DMA_USED_LEN) == 0) {
                        b.nextDma = j + 1;
                        break;
                    }
                }
                g.mem.write32(addr + DMA_USED_LEN, b.irq);
                return Integer.toUnsignedLong(addr);
            }
            return -ENOENT;
        }
    }
    /*:*/
}
