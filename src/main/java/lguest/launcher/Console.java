package lguest.launcher;

import static lguest.host.Abi.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.List;

/** The console: output is DMA sent to key 0, input goes into the buffer bound at key 0. */
final class Console extends Device {
    private final OutputStream out;
    private final ArrayDeque<Byte> input = new ArrayDeque<>();
    private final long[] ctrlC = new long[3];
    private int ctrlCs;
    volatile boolean quit;
    /** Standard input has ended; {@link #eofSent} once the Guest has been told. */
    private volatile boolean eof, eofSent;
    /** The Guest's buffer we last filled: not to be filled again until it is free. */
    private int lastDma = -1;
    /** The used_len that means "end of input" (see L:325). */
    static final int CONSOLE_EOF = 0xFFFFFFFF;

    Console(OutputStream out) {
        this(out, false);
    }

    /*L:330 Is the console a terminal?  lguest's Guest ran Linux's hvc console,
     * which is a tty whatever the Launcher's input is, with Linux's line discipline
     * echoing and editing in the Guest; that is why lguest could put the Host's
     * terminal in raw mode (L:190) and lose nothing.  Our Guest's console is a bare
     * byte stream unless told otherwise, which suits a script piped in (no echo, no
     * "\r\n", byte for byte what busybox prints natively) but leaves somebody typing
     * at a raw terminal blind: no echo, no editing, ^C just a byte.  So when our
     * standard input is a terminal, we set a feature bit of our own in the console's
     * descriptor, LGUEST_DEVICE_F_TTY (bit 0; lguest used only bit 15, RANDOMNESS),
     * and the Guest's console becomes a tty with a line discipline of its own, which
     * the appendix Unix tells (U:800).  The bit is in the descriptor before the Guest
     * boots, so the Guest's driver sees it at probe time and it never changes. */
    Console(OutputStream out, boolean terminal) {
        super(LGUEST_DEVICE_T_CONSOLE, LGUEST_DEVICE_F_RANDOMNESS | (terminal ? LGUEST_DEVICE_F_TTY : 0));
        this.out = out;
        this.terminal = terminal;
    }
    /*:*/

    /** Only a person at a terminal types ^C three times to get out; a pipe may carry 0x03 as data. */
    private final boolean terminal;

    /*L:335 Where the Guest's output goes may stop taking it: the reader of a pipe
     * exits (`lguest ... | head -1`), or the disk under a redirection fills up.
     * A Launcher that ignored that would run its Guest for ever, printing into
     * the void, or exit 0 having lost the output.  So a failed write stops the
     * Launcher: quietly with status 141 for a closed pipe, as a process that
     * SIGPIPE stopped would, and with one line for anything else. */
    static final class OutputError extends IOException {
        OutputError(IOException cause) {
            super(cause.getMessage(), cause);
        }

        boolean brokenPipe() {
            return "Broken pipe".equals(getMessage());
        }
    }
    /*:*/

    @Override
    int key() { return LGUEST_CONSOLE_DMA_KEY; }

    /*L:300 Console output: the Guest sends a DMA to key 0, the Host hands it to us
     * through read(), and we write every piece to standard output.  The result, the
     * number of bytes, goes back into the Guest's used_len. */
    @Override
    int handleOutput(Launcher l, List<int[]> sections) throws IOException {
        int total = 0;
        for (int[] s : sections) {
            byte[] b = new byte[s[1]];
            l.mem.read(s[0], b, 0, s[1]);
            try {
                out.write(b);
            } catch (IOException e) {
                throw new OutputError(e);
            }
            total += s[1];
        }
        try {
            out.flush();
        } catch (IOException e) {
            throw new OutputError(e);
        }
        return total;
    }
    /*:*/

    /*L:310 Console input arrives on a thread of its own, the waker.  lguest's waker
     * was a child process sitting in select(); ours sits in read() on standard input.
     * Either way, when input comes it must get the Launcher's attention while the
     * Launcher's thread is lent to the Guest, and the way to do that is BREAK: the
     * Guest stops, read() returns -EAGAIN, the Launcher feeds the input to the Guest
     * and lets the waker go with BREAK 0.  Three ^C within a second (a raw terminal
     * does not turn them into signals) mean "get me out of here". */
    /** Input read but not yet given to the Guest (a snapshot keeps a copy, M:670). */
    byte[] pendingInput() {
        synchronized (input) {
            byte[] b = new byte[input.size()];
            int i = 0;
            for (byte x : input) b[i++] = x;
            return b;
        }
    }

    /** Puts input back in front of whatever the waker reads next. */
    void unread(byte[] b) {
        synchronized (input) {
            for (int i = b.length - 1; i >= 0; i--) input.addFirst(b[i]);
        }
    }

    void startWaker(Launcher l, InputStream in) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[256];
            try {
                while (true) {
                    int n = in.read(buf);
                    if (n < 0) {
                        eof = true;
                        n = 0;
                    }
                    synchronized (input) {
                        for (int i = 0; i < n; i++) {
                            input.add(buf[i]);
                            if (terminal && buf[i] == 3 && threeCtrlC()) quit = true;
                        }
                    }
                    if (n > 0 || driverOk(l)) l.dev.write(LHREQ_BREAK, 1);
                    while (pending() && !quit && !l.finished) {
                        Thread.sleep(20);
                        if (n > 0 || driverOk(l)) l.dev.write(LHREQ_BREAK, 1);
                    }
                    if (eof) break;
                }
            } catch (IOException | InterruptedException e) {
                /* Input is gone: the Guest simply gets no more. */
            } catch (RuntimeException e) {
                /* The Launcher ended under us (its memory already let go, say):
                 * this thread has nobody left to wake, and no business dying loudly
                 * in a JVM where other Guests may still run. */
            }
        }, "lguest-waker");
        t.setDaemon(true);
        t.start();
    }
    /*:*/

    private boolean threeCtrlC() {
        long now = System.nanoTime();
        ctrlC[ctrlCs++ % 3] = now;
        return ctrlCs >= 3 && now - ctrlC[ctrlCs % 3] < 1_000_000_000L;
    }

    boolean pending() {
        synchronized (input) {
            return !input.isEmpty() || (eof && !eofSent);
        }
    }

    /*L:320 Feeding input in: ask the Host for the buffer the Guest bound at key 0
     * (GETDMA), copy as much as fits into its pieces, write the length into used_len
     * and raise the console's interrupt.  If the Guest has not offered a buffer yet,
     * the input waits and the waker knocks again a little later. */
    void deliverInput(Launcher l) {
        synchronized (input) {
            if (lastDma != -1 && l.mem.read32(lastDma + DMA_USED_LEN) != 0) return;
            if (input.isEmpty()) {
                if (eof && !eofSent) deliverEof(l);
                return;
            }
            long dma = l.dev.write(LHREQ_GETDMA, key());
            if (dma < 0) return;
            int udma = (int) dma;
            int irq = l.mem.read32(udma + DMA_USED_LEN);
            List<int[]> secs = l.sections(udma);
            if (secs == null) return;
            int total = 0;
            for (int[] s : secs) {
                int n = 0;
                while (n < s[1] && !input.isEmpty()) l.mem.write8(s[0] + n++, input.poll());
                total += n;
                if (input.isEmpty()) break;
            }
            l.mem.write32(udma + DMA_USED_LEN, total);
            l.dev.write(LHREQ_IRQ, irq);
            lastDma = udma;
        }
    }
    /*:*/

    /*L:325 The end of standard input, which lguest never had to tell its Guest:
     * a terminal does not end.  Ours can be a pipe or a file, and then a shell in
     * the Guest should see end of file and exit.  So this is our one addition to
     * lguest's console: once every byte is in, the Launcher fills the Guest's
     * buffer once more, with no bytes and the impossible length 0xFFFFFFFF in
     * used_len, which no buffer can hold, and the Guest's driver takes it to mean
     * "no more, ever" (D:315).  A zero length would not do: 0 is how the Guest
     * says its buffer is free.
     *
     * Both this and ordinary input wait until the Guest has emptied the buffer we
     * filled last (its used_len is 0 again): GETDMA hands out a buffer that is
     * still full when there is no free one, and writing into it would lose what
     * the Guest has not read yet, or replace the last line of a script with the
     * end of the file.
     *
     * The end is only worth a BREAK once the Guest's console driver is there to
     * hear it (DRIVER_OK in the device's status, L:150): most Guests start with an
     * empty standard input, and a Guest with no console driver at all would
     * otherwise be broken out of its run fifty times a second, for nothing. */
    private boolean driverOk(Launcher l) {
        int status = l.mem.read16(l.memBytes + index * DESC_SIZE + DESC_STATUS);
        return (status & LGUEST_DEVICE_S_DRIVER_OK) != 0;
    }

    private void deliverEof(Launcher l) {
        if (!driverOk(l)) return;
        long dma = l.dev.write(LHREQ_GETDMA, key());
        if (dma < 0) return;
        int udma = (int) dma;
        int irq = l.mem.read32(udma + DMA_USED_LEN);
        l.mem.write32(udma + DMA_USED_LEN, CONSOLE_EOF);
        l.dev.write(LHREQ_IRQ, irq);
        lastDma = udma;
        eofSent = true;
    }
    /*:*/
}
