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

    Console(OutputStream out) {
        super(LGUEST_DEVICE_T_CONSOLE, LGUEST_DEVICE_F_RANDOMNESS);
        this.out = out;
    }

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
            out.write(b);
            total += s[1];
        }
        out.flush();
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
    void startWaker(Launcher l, InputStream in) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[256];
            try {
                while (true) {
                    int n = in.read(buf);
                    if (n <= 0) break;
                    synchronized (input) {
                        for (int i = 0; i < n; i++) {
                            input.add(buf[i]);
                            if (buf[i] == 3 && threeCtrlC()) quit = true;
                        }
                    }
                    l.dev.write(LHREQ_BREAK, 1);
                    while (pending() && !quit && !l.finished) {
                        Thread.sleep(20);
                        l.dev.write(LHREQ_BREAK, 1);
                    }
                }
            } catch (IOException | InterruptedException e) {
                /* Input is gone: the Guest simply gets no more. */
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
            return !input.isEmpty();
        }
    }

    /*L:320 Feeding input in: ask the Host for the buffer the Guest bound at key 0
     * (GETDMA), copy as much as fits into its pieces, write the length into used_len
     * and raise the console's interrupt.  If the Guest has not offered a buffer yet,
     * the input waits and the waker knocks again a little later. */
    void deliverInput(Launcher l) {
        synchronized (input) {
            if (input.isEmpty()) return;
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
        }
    }
    /*:*/
}
