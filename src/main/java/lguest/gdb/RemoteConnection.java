package lguest.gdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One gdb on the other end of a socket, speaking the remote serial protocol: packets
 * {@code $data#cs} acknowledged with {@code +}, and a bare 0x03 byte for ^C.
 */
final class RemoteConnection {
    /*M:658 The wire.  gdb's remote protocol was made for serial lines, and it shows:
     * every packet is `$`, the data, `#` and two hex digits of a modulo-256 sum, and
     * each side answers a packet with `+` (or `-`, "send it again").  Over a socket
     * nothing is ever garbled, but gdb still waits for its `+`, so we send one.  The
     * only thing that is not a packet is ^C, a lone 0x03 byte that can arrive at any
     * moment, in particular while the Guest runs and nobody is reading packets; so a
     * thread of its own reads the socket, turns ^C into a stop request at once, and
     * queues packets for the Guest's thread, which is the only one that touches the
     * Guest.  A packet received while the Guest runs is queued for its next stop;
     * in all-stop mode gdb sends none. :*/
    private static final String EOF = new String("EOF");
    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<String> packets = new LinkedBlockingQueue<>();
    private final Runnable onInterrupt, onHangup;

    /** onInterrupt: a ^C came; onHangup: gdb has gone (while the Guest runs, it should stop to tidy up). */
    RemoteConnection(Socket socket, Runnable onInterrupt, Runnable onHangup) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.onInterrupt = onInterrupt;
        this.onHangup = onHangup;
        socket.setTcpNoDelay(true);
        Thread t = new Thread(this::readLoop, "lguest-gdb-reader");
        t.setDaemon(true);
        t.start();
    }

    private void readLoop() {
        try (InputStream in = socket.getInputStream()) {
            int c;
            while ((c = in.read()) >= 0) {
                if (c == 0x03) { onInterrupt.run(); continue; }
                if (c != '$') continue;        // acks, and noise between packets
                StringBuilder b = new StringBuilder();
                int sum = 0;
                while ((c = in.read()) >= 0 && c != '#') {
                    sum += c;
                    if (c == '}') { c = in.read(); sum += c; c ^= 0x20; }
                    b.append((char) c);
                }
                int hi = in.read(), lo = in.read();
                if (lo < 0) break;
                boolean ok = Integer.parseInt("" + (char) hi + (char) lo, 16) == (sum & 0xFF);
                send(ok ? "+" : "-");
                if (ok) packets.add(b.toString());
            }
        } catch (IOException | NumberFormatException e) {
            // the end of this gdb, however it came
        } finally {
            close();
            packets.add(EOF);
            onHangup.run();
        }
    }

    /** The next packet, or null when gdb has gone. */
    String next() {
        try {
            String p = packets.take();
            if (p == EOF) { packets.add(EOF); return null; }
            return p;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    void reply(String data) {
        StringBuilder b = new StringBuilder("$");
        int sum = 0;
        for (char c : data.toCharArray()) {
            if (c == '$' || c == '#' || c == '}' || c == '*') { b.append('}'); sum += '}'; c ^= 0x20; }
            b.append(c);
            sum += c;
        }
        b.append('#').append(String.format("%02x", sum & 0xFF));
        send(b.toString());
    }

    private synchronized void send(String s) {
        try {
            out.write(s.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException e) {
            close();
        }
    }

    boolean closed() { return socket.isClosed(); }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
