package lguest.launcher;

import static lguest.host.Abi.*;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** --sharenet=FILE: a network shared through a file that several Launchers map. */
final class NetDevice extends Device {
    /** Features: the NOCSUM bit; the low bits carry our slot. */
    static final int NOCSUM = 0x4000;
    final Path file;
    private final FileChannel lockChannel;
    private final FileLock slotLock;
    final int slot;

    /*L:500 The shared network, 2.6.23 style, has no network code in the Launcher at
     * all.  The device page is a file that every Launcher on the "network" maps
     * shared, so every Guest sees the same page, and the Host sees that keys in it
     * are shared: a Guest that sends to another Guest's slot key is copied straight
     * into that Guest's buffers by the Host.  The Launcher's only job is to pick a
     * free slot, which lguest did with an fcntl lock on byte N of the file; a Java
     * file lock on the same byte does the same across processes, and within one JVM
     * the lock that is already held shows up as an overlap.
     *
     * One honest limit: the Host that compares keys lives in a JVM, so Guests talk
     * only when their Launchers run in the same JVM (as the tests do).  Two
     * `bin/lguest` processes on one file each see the other's slot taken, but their
     * Hosts never meet, and their packets go nowhere. */
    NetDevice(Path file) throws LaunchError {
        super(LGUEST_DEVICE_T_NET, NOCSUM);
        this.file = file.toAbsolutePath().normalize();
        if (Files.exists(this.file) && !Files.isRegularFile(this.file))
            throw new LaunchError("shared network file " + file + " is not a regular file");
        try {
            lockChannel = FileChannel.open(this.file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock got = null;
            int n = 0;
            for (; n < LGUEST_MAX_DEVICES && got == null; n++) {
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

    @Override
    int features() { return NOCSUM | slot; }

    /** Never the Launcher's: sends to a shared key are delivered by the Host. */
    @Override
    int key() { return -1; }

    @Override
    int handleOutput(Launcher l, List<int[]> sections) {
        return 0;
    }

    /** The open file that holds this Launcher's slot lock (see PhysicalMemory.addFileRegion). */
    FileChannel channel() {
        return lockChannel;
    }

    void close() {
        try {
            slotLock.release();
            lockChannel.close();
        } catch (IOException e) {
            /* the slot is free once we exit anyway */
        }
    }
}
