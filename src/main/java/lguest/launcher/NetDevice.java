package lguest.launcher;

import static lguest.host.Abi.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/** --sharenet=FILE: a network shared through a file that several Launchers map. */
final class NetDevice extends Device {
    /** Features: the NOCSUM bit; the low bits carry our slot. */
    static final int NOCSUM = 0x4000;
    /** Slots on one network: the bytes of the file a Launcher may lock. */
    static final int SLOTS = LGUEST_MAX_DEVICES;
    /** The largest frame: an Ethernet header and 1500 bytes, no checksum. */
    static final int MAX_FRAME = 1514;
    /** Frames one Guest may have on their way to another in the file. */
    static final int RING = 16;
    static final int ENTRY = 1536;
    /** Where the rings' indices start (the page before is the Guests'), and their frames. */
    static final int HEADERS = 4096, FRAMES = 8192;
    final Path file;
    private final FileChannel lockChannel;
    private final FileLock slotLock;
    final int slot;
    /** --sharenet=FILE,drop=PERCENT: lose that share of the frames, to see TCP cope. */
    private final int dropPercent;
    /** One die for the sending thread (the Launcher's), one for the receiving one. */
    private final SplittableRandom dice = new SplittableRandom(0x5EED), inDice = new SplittableRandom(0xD1CE);
    private volatile Thread receiver;
    private volatile boolean closed;
    long framesOut, framesIn, framesDropped, framesRejected;

    /** The Launchers of this JVM on each file, by slot, so a sender can wake a receiver at once. */
    private static final Map<Path, NetDevice[]> HERE = new ConcurrentHashMap<>();

    /*L:500 The shared network, 2.6.23 style.  The device page is a file that every
     * Launcher on the "network" maps shared, so every Guest sees the same page: a
     * slot per Guest, where each writes its MAC address.  The Launcher's first job
     * is to pick a free slot, which lguest did with an fcntl lock on byte N of the
     * file; a Java file lock on the same byte does the same across processes (and
     * the kernel lets go of it when the process dies, however it dies, which is
     * what makes a dead Guest's slot free for the next one), and within one JVM the
     * lock that is already held shows up as an overlap.
     *
     * Guests under one Host never need the Launcher again: the Host sees that keys
     * in the page are shared and copies between them (H:640).  Guests whose
     * Launchers are separate processes need more, and that is the rest of the
     * file (L:510). */
    NetDevice(Path file, int dropPercent) throws LaunchError {
        super(LGUEST_DEVICE_T_NET, NOCSUM);
        this.file = file.toAbsolutePath().normalize();
        this.dropPercent = dropPercent;
        if (Files.exists(this.file) && !Files.isRegularFile(this.file))
            throw new LaunchError("shared network file " + file + " is not a regular file");
        try {
            lockChannel = FileChannel.open(this.file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock got = null;
            int n = 0;
            for (; n < SLOTS && got == null; n++) {
                try {
                    got = lockChannel.tryLock(n, 1, false);
                } catch (OverlappingFileLockException e) {
                    got = null;
                }
            }
            if (got == null) throw new LaunchError("no free slot on the shared network " + file);
            slotLock = got;
            slot = n - 1;
        } catch (IOException | SecurityException e) {
            throw new LaunchError("cannot open shared network file " + file + ": " + Launcher.why(e));
        }
    }
    /*:*/

    NetDevice(Path file) throws LaunchError {
        this(file, 0);
    }

    /**
     * FILE, or FILE,drop=PERCENT (a test's way to lose frames on purpose). A last
     * ",word=..." is an option, never part of the name: one that is not a drop
     * percentage from 0 to 99 is refused, not made into a file nobody else opens.
     */
    static NetDevice fromOption(String v) throws LaunchError {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(.*),([a-z]+)=(.*)").matcher(v);
        if (!m.matches()) return new NetDevice(Path.of(v));
        if (!m.group(2).equals("drop"))
            throw new LaunchError("unknown option " + m.group(2) + " in --sharenet=" + v + " (want FILE[,drop=PERCENT])");
        if (!m.group(3).matches("\\d{1,2}"))
            throw new LaunchError("bad --sharenet=" + v + " (want FILE[,drop=PERCENT], PERCENT from 0 to 99)");
        return new NetDevice(Path.of(m.group(1)), Integer.parseInt(m.group(3)));
    }

    @Override
    int features() { return NOCSUM | slot; }

    /** Sends to shared keys normally never come to the Launcher: see ownsKey. */
    @Override
    int key() { return -1; }

    /** The slot a key names: the Guest on slot N binds its buffers at page + 4N. */
    private int slotOf(int key) {
        long off = Integer.toUnsignedLong(key) - Integer.toUnsignedLong(page);
        if (off < 0 || off >= 4 * SLOTS || (off & 3) != 0) return -1;
        return (int) (off / 4);
    }

    @Override
    boolean ownsKey(int key) { return slotOf(key) >= 0; }

    /*L:510 The file between processes.  Two Hosts cannot copy into each other's
     * Guests, so when our Guest sends to a slot whose holder no Guest of our Host
     * is, the Host hands the send to us (H:645), and we leave the frame in the file
     * for the receiver's Launcher to find.  Past the Guests' page the file holds a
     * ring for every ordered pair of slots: a sender writes only its own rings'
     * frames and producer counts, a receiver only its consumer counts, so nobody
     * ever waits for a lock, and a process that dies halfway leaves nothing locked.
     * A full ring drops the frame (0 in used_len, as 2.6.23's SEND_DMA left it when
     * the receiver had no room): a network may lose frames, and a sender that
     * waited for a stuck receiver would be a Guest hanging for another's sake.
     *
     * Everything read back from the file is checked, because anything may have
     * written there: a count that runs ahead of the other by more than a ring is
     * garbage, and the receiver drops the ring's contents and starts afresh from
     * the producer's count; a length no frame has spoils only its own entry, which
     * the receiver counts as rejected and steps over. */
    @Override
    int handleOutput(Launcher l, List<int[]> sections) {
        return 0;
    }

    @Override
    int handleOutput(Launcher l, int key, List<int[]> sections) throws IOException {
        int to = slotOf(key);
        int len = 0;
        for (int[] s : sections) len += s[1];
        if (to < 0 || to == slot || len < 14 || len > MAX_FRAME || !listening(to)) return 0;
        if (dropPercent > 0 && dice.nextInt(100) < dropPercent) { framesDropped++; return len; }
        byte[] frame = new byte[4 + len];
        ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putInt(0, len);
        int at = 4;
        for (int[] s : sections) { l.mem.read(s[0], frame, at, s[1]); at += s[1]; }
        ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        long hdr = header(to, slot);
        lockChannel.read(h, hdr);       // short (a new file, nobody's counts yet): zeros
        int prod = h.getInt(0), cons = h.getInt(4);
        if (Integer.compareUnsigned(prod - cons, RING) >= 0) { framesDropped++; return 0; }
        lockChannel.write(ByteBuffer.wrap(frame), entry(to, slot, prod));
        h.clear();
        h.putInt(0, prod + 1).limit(4);
        lockChannel.write(h, hdr);
        framesOut++;
        NetDevice[] here = HERE.get(file);
        NetDevice peer = here == null ? null : here[to];
        if (peer != null && peer.receiver != null) LockSupport.unpark(peer.receiver);
        return len;
    }
    /*:*/

    /*L:515 Nobody home.  A frame for a slot that nobody holds would wait in its ring
     * for the slot's next holder, which empties its rings before it starts (L:520),
     * and so would be lost after SEND_DMA said it was sent: a Guest that sends once
     * and then waits for the answer (the test guest netpeer does) would wait for ever,
     * and did, now and then, when it sent before the other Launcher had started. So a
     * frame goes into the file only if somebody may read it: a Launcher of this JVM
     * that has started (HERE, which it joins only after emptying its rings), or
     * another process that holds the slot's lock. Otherwise the send is dropped, 0 in
     * used_len, and the sender may try again. (Another process can still take the lock
     * and empty its rings just after we looked: across processes the file offers no
     * ordering finer than the lock.) */
    private boolean listening(int to) {
        NetDevice[] here = HERE.get(file);
        if (here != null && here[to] != null) return true;
        try {
            FileLock held = lockChannel.tryLock(to, 1, false);
            if (held == null) return true;        // another process holds it
            held.release();
            return false;                         // nobody
        } catch (OverlappingFileLockException e) {
            return false;                         // a Launcher of this JVM that has not started
        } catch (IOException e) {
            return true;
        }
    }
    /*:*/

    private static long header(int receiver, int sender) {
        return HEADERS + (receiver * SLOTS + sender) * 8L;
    }

    private static long entry(int receiver, int sender, int n) {
        return FRAMES + ((receiver * SLOTS + sender) * (long) RING + Integer.remainderUnsigned(n, RING)) * ENTRY;
    }

    /*L:520 The receiving end: a thread per Launcher that watches its slot's rings
     * and hands each frame to the Host to finish the send (H:655).  lguest's
     * Launcher had a waker that slept in select() on its file descriptors; a file's
     * contents changing wakes no select(), so this one looks, and looks less often
     * the longer nothing comes (from 50 microseconds to 2 ms).  A sender in the same
     * JVM wakes it at once.  When the Guest has no free buffer the frame stays
     * where it is, first in its ring, and the ring fills behind it; the senders
     * then drop, which is how the network tells a sender to slow down.
     *
     * A new holder of a slot starts by emptying its rings: what was sent to the
     * slot's last holder is not for us. */
    void start(Launcher l) {
        listen();
        Thread t = new Thread(() -> receive(l), "lguest-net-" + slot);
        t.setDaemon(true);
        receiver = t;
        t.start();
    }

    /** Empties this slot's rings, then lets senders know that frames for it will be read (L:515). */
    void listen() {
        try {
            for (int s = 0; s < SLOTS; s++) {
                ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                lockChannel.read(h, header(slot, s));
                h.putInt(4, h.getInt(0)).position(4);
                lockChannel.write(h, header(slot, s) + 4);
            }
        } catch (IOException e) {
            /* the receiver below will find the same trouble and drop frames */
        }
        HERE.computeIfAbsent(file, f -> new NetDevice[SLOTS])[slot] = this;   // after emptying: see listening()
    }

    /*:*/

    /*L:525 The loop itself: read every sender's counts at once, take what each ring
     * holds in order, and stop at the first frame the Guest has no room for, so that
     * it is the first one delivered later; a count from the file that makes no sense
     * empties that ring. */
    private void receive(Launcher l) {
        ByteBuffer hs = ByteBuffer.allocate(8 * SLOTS).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer one = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        byte[] frame = new byte[4 + MAX_FRAME];
        long idle = 50_000;
        int next = 0;
        while (!closed && !l.finished) {
            boolean moved = false, stuck = false;
            try {
                hs.clear();
                if (lockChannel.read(hs, header(slot, 0)) < 8 * SLOTS) { park(2_000_000); continue; }
                for (int i = 0; i < SLOTS && !stuck; i++) {
                    int s = (next + i) % SLOTS;
                    int prod = hs.getInt(8 * s), cons = hs.getInt(8 * s + 4);
                    if (prod == cons || s == slot) continue;
                    if (Integer.compareUnsigned(prod - cons, RING) > 0) {
                        framesRejected++;
                        writeCons(one, s, prod);
                        continue;
                    }
                    while (cons != prod) {
                        ByteBuffer f = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
                        lockChannel.read(f, entry(slot, s, cons));
                        int len = f.getInt(0);
                        if (len < 14 || len > MAX_FRAME) {
                            framesRejected++;
                        } else if (dropPercent > 0 && inDice.nextInt(100) < dropPercent) {
                            framesDropped++;
                        } else {
                            byte[] body = java.util.Arrays.copyOfRange(frame, 4, 4 + len);
                            if (l.dev.deliverShared(page + 4 * slot, body, len) == 0) { stuck = true; break; }
                            framesIn++;
                        }
                        cons++;
                        moved = true;
                    }
                    writeCons(one, s, cons);
                }
                next = (next + 1) % SLOTS;
            } catch (IOException | RuntimeException e) {
                /* the file went away or shrank under us: nothing arrives, nothing breaks */
                stuck = true;
            }
            if (moved) idle = 50_000;
            else idle = Math.min(2_000_000, idle * 2);
            park(stuck && !moved ? 1_000_000 : idle);
        }
    }

    private void writeCons(ByteBuffer one, int sender, int cons) throws IOException {
        one.clear();
        one.putInt(0, cons);
        lockChannel.write(one, header(slot, sender) + 4);
    }

    private static void park(long ns) {
        LockSupport.parkNanos(ns);
    }
    /*:*/

    /** The open file that holds this Launcher's slot lock (see PhysicalMemory.addFileRegion). */
    FileChannel channel() {
        return lockChannel;
    }

    /** Leaves the network: our MAC out of the page, so that nobody sends to us any more. */
    void close() {
        closed = true;
        NetDevice[] here = HERE.get(file);
        if (here != null && here[slot] == this) here[slot] = null;
        try {
            lockChannel.write(ByteBuffer.wrap(new byte[6]), slot * 6L);
        } catch (IOException | RuntimeException e) {
            /* a truncated file has no MAC to clear */
        }
        try {
            slotLock.release();
            lockChannel.close();
        } catch (IOException e) {
            /* the slot is free once we exit anyway */
        }
    }

    String report() {
        return String.format("net slot %d: %d frames out, %d in, %d dropped, %d rejected from the file%n",
                slot, framesOut, framesIn, framesDropped, framesRejected);
    }
}
