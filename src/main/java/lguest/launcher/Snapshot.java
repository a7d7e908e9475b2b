package lguest.launcher;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * {@code --save=FILE} and {@code --restore=FILE}: a whole Guest in one file (M:670).
 */
final class Snapshot {
    private Snapshot() { }

    /*M:670 Snapshots.  A Guest here is a few plain things: the bytes of its memory, the
     * Host's notes about it (M:672), and its devices.  Written down together at a
     * moment when the Guest is not running, they are the Guest, and a Launcher in
     * another process (or on another machine with the same disk file) can take it up
     * where it stopped.  The moment is the one BREAK already gives the console's
     * waker (L:070): `kill -USR1` on the Launcher breaks the Guest out of the Host's
     * run loop at its top, where the registers are whole in the register page and
     * every hypercall the last exit asked for is done.
     *
     * The file, version 2: the sixteen bytes "LGUEST-SNAPSHOT\n", the version as a
     * 32-bit big-endian number, then a deflated body, then the CRC-32 of everything
     * before it.  The body, in Java's DataOutput encoding: the RAM size, pfn_limit's
     * address, the kernel's start and page_offset and the page directory INITIALIZE was
     * first given; the devices past the console, each with its type (a block device
     * also its file's path and size and either that file's SHA-256 or, for
     * `,snapshot`, the sectors of its overlay); the Guest's memory from 0 to
     * pfn_limit, device pages included; the console's unread input; the Host's
     * state; and 0x600DF00D.  A file that is not a snapshot, of another version, or
     * whose sum is wrong, is refused with one line, before anything is built from it.
     *
     * The Launcher stops after saving.  A Guest that ran on would go on writing to
     * its disk, and the disk would then be ahead of the memory in the file: restored,
     * the Guest would believe in blocks and inodes that had changed under it.  So
     * the snapshot records what the disk was, and a restore refuses a disk that is no
     * longer that. :*/
    /*M:678 What live migration would add.  A snapshot moves a Guest the slow way: stop
     * it, write all its memory, carry the file over, read it all back.  The Guest is
     * stopped for the whole of that, and for a busy Guest with a gigabyte of memory
     * that is seconds.  Live migration (Xen's and KVM's "pre-copy") sends the memory
     * while the Guest still runs, then sends again the pages it dirtied meanwhile,
     * round after round, until what is left is small enough to send in the short
     * stop at the end, with the registers and the Host's state of M:672.
     *
     * The one thing that needs is to know which pages were written since the last
     * round, and this Host nearly has it: the dirty-bit trick (H:430) already
     * makes a shadow entry read-only and fills in the write permission at the
     * Guest's first write through it, though only while the Guest's own entry is
     * clean, and this Guest marks its writable pages dirty from the start.  A
     * migrating Host would throw the shadows' write permissions away at the start
     * of each round (a CR3 load does the rest) and log each page whose write fault
     * it fills.  It must log its own writes too, since DMA, a disk block read or a
     * key pressed, goes into guest memory without a fault: every such copy passes
     * through the Host or the Launcher already, so that is a line each.  The disk must be
     * reachable from both machines, or copied the same way (an overlay, L:410, is a
     * ready-made log of written sectors).  The console would have to become a
     * socket the Guest's user reconnects to, and --sharenet, a file on one machine,
     * could not follow at all; DMA between two Guests of one Host cannot either.
     * (Nor, today, can --net=user: its connections are the Launcher's own sockets.)
     * What real hypervisors fear most is the easy part here: the CPU on the far
     * side is the same emulated i686, so no feature the Guest has seen in CPUID can
     * be missing there; only the snapshot's version must match, which open() checks.
     * And the clock must not go back (M:672), which it already does not. :*/

    static final byte[] MAGIC = "LGUEST-SNAPSHOT\n".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 2, END = 0x600DF00D;   // 2: the LDT (H:520)
    static final int T_BLOCK = 2;

    static void save(Launcher l, Path file) throws IOException, LaunchError {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.write(MAGIC);
        new DataOutputStream(raw).writeInt(VERSION);
        Deflater z = new Deflater(Deflater.BEST_SPEED);
        try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(raw, z, 1 << 16))) {
            out.writeInt(l.memBytes);
            out.writeInt(l.top);
            out.writeInt(l.start);
            out.writeInt(l.pageOffset);
            out.writeInt(l.pgdir);
            out.writeInt(l.devices.size() - 1);
            for (Device d : l.devices) {
                if (d instanceof Console) continue;
                if (!(d instanceof BlockDevice)) throw new LaunchError("a Guest with a network device (--sharenet, --net) cannot be saved");
                BlockDevice b = (BlockDevice) d;
                out.writeInt(T_BLOCK);
                out.writeUTF(b.path.toAbsolutePath().toString());
                out.writeLong(b.size);
                out.writeBoolean(b.overlay != null);
                if (b.overlay == null) out.write(sha256(b.path));
                else {
                    out.writeInt(b.overlay.size());
                    for (var e : b.overlay.entrySet()) { out.writeLong(e.getKey()); out.write(e.getValue()); }
                }
            }
            byte[] page = new byte[4096];
            for (int a = 0; a < l.top; a += 4096) {
                l.mem.read(a, page, 0, 4096);
                out.write(page);
            }
            byte[] input = l.console().pendingInput();
            out.writeInt(input.length);
            out.write(input);
            l.dev.saveState(out);
            out.writeInt(END);
        } finally {
            z.end();
        }
        CRC32 crc = new CRC32();
        crc.update(raw.toByteArray());
        new DataOutputStream(raw).writeInt((int) crc.getValue());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, raw.toByteArray());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A snapshot's body, checked: its stream is positioned at the Guest's memory. */
    static final class Image implements AutoCloseable {
        final DataInputStream in;
        final Path file;
        int memBytes, top, start, pageOffset, pgdir;

        Image(DataInputStream in, Path file) {
            this.in = in;
            this.file = file;
        }

        interface Step { void run() throws IOException, LaunchError; }

        /** One step of reading the snapshot: a failure to read is "damaged", in one line. */
        void read(Step s) throws LaunchError {
            try {
                s.run();
            } catch (IOException e) {
                throw damaged(file, e);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Opens a snapshot, refusing (one line) anything that is not an intact version-2 file. */
    static Image open(Path file) throws LaunchError {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException | OutOfMemoryError e) {
            throw new LaunchError("cannot read snapshot " + file + ": " + (e instanceof IOException
                    ? Launcher.why((IOException) e) : "too large"));
        }
        if (all.length < MAGIC.length + 8 || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC))
            throw new LaunchError(file + " is not an lguest snapshot");
        int version = word(all, MAGIC.length);
        if (version != VERSION)
            throw new LaunchError(file + " is a version " + version + " snapshot; this Launcher reads version " + VERSION);
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 4);
        if ((int) crc.getValue() != word(all, all.length - 4))
            throw new LaunchError(file + " is damaged (its checksum does not match)");
        InputStream body = new InflaterInputStream(new ByteArrayInputStream(all, MAGIC.length + 4, all.length - MAGIC.length - 8));
        Image img = new Image(new DataInputStream(body), file);
        try {
            img.memBytes = img.in.readInt();
            img.top = img.in.readInt();
            img.start = img.in.readInt();
            img.pageOffset = img.in.readInt();
            img.pgdir = img.in.readInt();
        } catch (IOException e) {
            throw damaged(file, e);
        }
        return img;
    }

    /** The devices the snapshot names, made again; a disk that has changed is refused. */
    static void readDevices(Image img, java.util.List<Device> devices) throws LaunchError, IOException {
        int n = img.in.readInt();
        if (n < 0 || n > 15) throw new LaunchError(img.file + " is damaged (" + n + " devices)");
        for (int i = 0; i < n; i++) {
            if (img.in.readInt() != T_BLOCK) throw new LaunchError(img.file + " names a device this Launcher cannot make");
            Path path = Path.of(img.in.readUTF());
            long size = img.in.readLong();
            boolean overlaid = img.in.readBoolean();
            BlockDevice b = new BlockDevice(path, overlaid);
            devices.add(b);
            if (b.size != size) throw new LaunchError("the disk " + path + " has changed size since the snapshot");
            if (!overlaid) {
                byte[] want = new byte[32];
                img.in.readFully(want);
                if (!Arrays.equals(want, sha256(path)))
                    throw new LaunchError("the disk " + path + " has changed since the snapshot was saved");
            } else {
                int sectors = img.in.readInt();
                for (int s = 0; s < sectors; s++) {
                    long sector = img.in.readLong();
                    byte[] data = new byte[512];
                    img.in.readFully(data);
                    b.overlay.put(sector, data);
                }
            }
        }
    }

    /** The Guest's memory, from 0 to pfn_limit. */
    static void readMemory(Image img, Launcher l) throws IOException {
        byte[] page = new byte[4096];
        for (int a = 0; a < img.top; a += 4096) {
            img.in.readFully(page);
            l.mem.write(a, page, 0, 4096);
        }
        int n = img.in.readInt();
        if (n < 0 || n > (1 << 20)) throw new IOException("bad console input length " + n);
        byte[] input = new byte[n];
        img.in.readFully(input);
        l.console().unread(input);
    }

    static void readEnd(Image img) throws IOException {
        if (img.in.readInt() != END) throw new IOException("no end marker");
    }

    static LaunchError damaged(Path file, IOException e) {
        String why = e instanceof EOFException ? "it ends too soon" : e instanceof ZipException ? "bad compressed data" : e.getMessage();
        return new LaunchError(file + " is damaged (" + why + ")");
    }

    private static byte[] sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }

    private static int word(byte[] b, int o) {
        return (b[o] & 0xFF) << 24 | (b[o + 1] & 0xFF) << 16 | (b[o + 2] & 0xFF) << 8 | (b[o + 3] & 0xFF);
    }
}
