package lguest.launcher.net;

import static lguest.launcher.net.Frame.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** One TCP connection of the Guest's, spliced onto one host socket. */
final class TcpFlow {
    static final int FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;
    /** Bytes we hold in each direction, and so the largest window either side sees. */
    static final int BUF = 65535;
    static final int OUR_MSS = 1460;
    private static final byte[] EOF = new byte[0];

    private enum State { CONNECTING, SYN_RCVD, SYN_SENT, ESTABLISHED, CLOSED }

    final int guestIp, guestPort, farIp, farPort;
    private final Gateway gw;
    private Socket socket;
    private State state;
    /* Our side: iss, what the Guest has acknowledged (sndUna), what we sent (sndNxt),
     * the window it offers and the segment size it takes.  out[0..outLen) holds the
     * host's bytes from sndUna on, sent or not. */
    private int iss, sndUna, sndNxt, sndWnd, mss = 536;
    /** The furthest we have ever sent: a rewind (L:790) moves sndNxt back, not this. */
    private int sndMax;
    private final byte[] out = new byte[BUF];
    private int outLen;
    private boolean hostEof, finSent, finAcked;
    /* The Guest's side: the next sequence number we expect, and its FIN. */
    private int rcvNxt;
    private boolean guestFin;
    private final LinkedBlockingQueue<byte[]> toHost = new LinkedBlockingQueue<>();
    private final AtomicInteger buffered = new AtomicInteger();
    private int advertised = BUF;
    /* Retransmission. */
    private long lastProgress = System.nanoTime();
    private long rtoNanos = 200_000_000L;
    private int retries;
    /** Acknowledgements in a row that acknowledged nothing new (L:790). */
    private int duplicates;
    /** While filling holes after a fast retransmit: sndMax when it began; else null. */
    private Integer recover;

    TcpFlow(Gateway gw, int guestIp, int guestPort, int farIp, int farPort) {
        this.gw = gw;
        this.guestIp = guestIp;
        this.guestPort = guestPort;
        this.farIp = farIp;
        this.farPort = farPort;
        this.iss = ThreadLocalRandom.current().nextInt();
    }

    /*L:780 A connection the Guest opens.  Its SYN must not be answered before the
     * host's connect() has: a SYN-ACK says "the other side is there", and if the
     * host then refused we would have lied.  So the connect runs on a thread of its
     * own while the Guest waits (and, being TCP, sends its SYN again, which we
     * ignore); success sends the SYN-ACK, failure a reset, which the Guest's
     * connect() reports as "connection refused", just as it would on a real
     * network. */
    void connectOut(byte[] syn) {
        synchronized (this) {
            state = State.CONNECTING;
            rcvNxt = u32(syn, 4) + 1;
            sndWnd = u16(syn, 14);
            mss = peerMss(syn);
        }
        Thread t = new Thread(() -> {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(Gateway.hostAddress(farIp), farPort), 10_000);
                s.setTcpNoDelay(true);
            } catch (IOException | RuntimeException e) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    /* it never opened */
                }
                synchronized (this) {
                    segment(0, RST | ACK, null, 0, 0);
                    state = State.CLOSED;
                }
                gw.forget(this);
                return;
            }
            synchronized (this) {
                socket = s;
                state = State.SYN_RCVD;
                sndUna = iss;
                sndNxt = iss + 1;
                segment(iss, SYN | ACK, null, 0, 0);
                progress();
            }
        }, "lguest-tcp-connect");
        t.setDaemon(true);
        t.start();
    }

    /** A connection from the host (hostfwd): we send the SYN. */
    synchronized void connectIn(Socket s) throws IOException {
        s.setTcpNoDelay(true);
        socket = s;
        state = State.SYN_SENT;
        sndUna = iss;
        sndNxt = iss + 1;
        segment(iss, SYN, null, 0, 0);
        progress();
    }
    /*:*/

    /*L:785 Every segment the Guest sends us.  A reset ends it all.  Otherwise the
     * acknowledgement frees what the Guest has received from our queue, and its
     * data is taken only if it is the very next byte we expect: anything else
     * (a segment sent again after we had it, or after one we lost) gets an ACK
     * that says where we are, and the Guest's own retransmission does the rest.
     * What we take is limited by what we can hold, and the window we advertise
     * says so, which is how a slow host socket slows the Guest down. */
    synchronized void fromGuest(byte[] p) {
        int flags = u8(p, 13), seq = u32(p, 4), ack = u32(p, 8), off = (u8(p, 12) >> 4) * 4;
        if (off < 20 || off > p.length) return;
        int len = p.length - off;
        if ((flags & RST) != 0) {
            abort(false);
            return;
        }
        if (state == State.SYN_SENT) {
            if ((flags & (SYN | ACK)) == (SYN | ACK) && ack == iss + 1) established(seq + 1, u16(p, 14), peerMss(p));
            return;
        }
        if ((flags & SYN) != 0) {
            if (state == State.SYN_RCVD) segment(iss, SYN | ACK, null, 0, 0);
            return;
        }
        if ((flags & ACK) != 0) acknowledged(ack, u16(p, 14));
        if (state != State.ESTABLISHED) return;
        if (len > 0) {
            int take = seq == rcvNxt && !guestFin ? Math.min(len, BUF - buffered.get()) : 0;
            if (take > 0) {
                toHost.add(java.util.Arrays.copyOfRange(p, off, off + take));
                buffered.addAndGet(take);
                rcvNxt += take;
            }
            segment(sndNxt, ACK, null, 0, 0);
        }
        if ((flags & FIN) != 0 && !guestFin && seq + len == rcvNxt) {
            guestFin = true;
            rcvNxt++;
            toHost.add(EOF);
            segment(sndNxt, ACK, null, 0, 0);
        } else if ((flags & FIN) != 0 && guestFin) {
            segment(sndNxt, ACK, null, 0, 0);
        }
    }

    private void acknowledged(int ack, int window) {
        if (state == State.SYN_RCVD && ack == iss + 1) {
            established(rcvNxt, window, mss);
            return;
        }
        if (state != State.ESTABLISHED) return;
        int acked = ack - sndUna;
        if (acked == 0 && sndMax != sndUna && recover == null && ++duplicates == 3) {
            recover = sndMax;                   /* fast retransmit: fill the hole, once */
            gw.fastRetransmits.incrementAndGet();
            resendFirst();
        }
        if (acked > 0 && acked <= sndMax - sndUna) {
            duplicates = 0;
            int data = Math.min(acked, outLen);
            System.arraycopy(out, data, out, 0, outLen - data);
            outLen -= data;
            sndUna = ack;
            if (sndNxt - ack < 0) sndNxt = ack;          /* acknowledged from before a rewind */
            if (acked > data) finAcked = true;
            if (recover != null && ack - recover >= 0) recover = null;
            else if (recover != null) resendFirst();   /* the next hole of the same window */
            progress();
            notifyAll();
        }
        sndWnd = window;
        transmit(false);
    }
    /*:*/

    private void established(int next, int window, int peerMss) {
        rcvNxt = next;
        sndUna = iss + 1;
        sndNxt = sndUna;
        sndMax = sndUna;
        sndWnd = window;
        mss = peerMss;
        state = State.ESTABLISHED;
        if (socket != null && !pumping) {
            pumping = true;
            pumps();
        }
        segment(sndNxt, ACK, null, 0, 0);
        progress();
    }

    /** The two threads of L:795 have been started (once, whichever way the connection opened). */
    private boolean pumping;

    /*L:790 Sending the host's bytes to the Guest: as many segments as the window
     * the Guest last offered allows, each no bigger than the segment size it asked
     * for in its SYN, and then, once the host has closed its side and every byte
     * is out, our FIN.  Nothing is thrown away until it is acknowledged: the
     * Guest's receive ring may be full and drop a frame (L:700), and then the
     * timer (tick) rewinds to the first unacknowledged byte and sends it all again,
     * waiting twice as long each time.  It need not wait when the Guest says so:
     * three acknowledgements in a row of the same byte mean segments after a hole
     * are arriving, so we send the first missing segment at once ("fast
     * retransmit"), and then each next one as soon as the acknowledgement moves
     * without reaching what we had sent (RFC 6582's "partial acknowledgement"),
     * rather than everything after the hole, which the Guest mostly has.  A window of zero gets the same treatment
     * with one byte, the "window probe", so that a lost window update cannot
     * leave both sides waiting for ever. */
    private void transmit(boolean probe) {
        if (state != State.ESTABLISHED) return;
        int sent = sndNxt - sndUna;
        int limit = Math.min(outLen, Math.max(sndWnd, probe ? 1 : 0));
        while (sent < limit) {
            int n = Math.min(mss, limit - sent);
            segment(sndUna + sent, ACK | PSH, out, sent, n);
            sent += n;
        }
        if (sent > sndNxt - sndUna) sndNxt = sndUna + sent;
        if (hostEof && !finSent && sent == outLen) {
            segment(sndUna + outLen, FIN | ACK, null, 0, 0);
            finSent = true;
            sndNxt = sndUna + outLen + 1;
        }
        if (sndNxt - sndMax > 0) sndMax = sndNxt;
    }

    /** Sends again the first unacknowledged segment (or the FIN), and nothing else. */
    private void resendFirst() {
        if (outLen > 0) segment(sndUna, ACK | PSH, out, 0, Math.min(mss, outLen));
        else if (finSent) segment(sndUna, FIN | ACK, null, 0, 0);
    }

    synchronized void tick() {
        long now = System.nanoTime();
        if (state == State.CLOSED) return;
        if (guestFin && finAcked && toHost.isEmpty() && buffered.get() == 0) {
            close();
            return;
        }
        boolean waiting = sndNxt != sndUna || outLen > 0 && sndWnd == 0;
        if (state == State.CONNECTING || !waiting || now - lastProgress < rtoNanos) return;
        if (++retries > 12) {
            abort(true);
            return;
        }
        lastProgress = now;
        rtoNanos = Math.min(rtoNanos * 2, 3_000_000_000L);
        gw.timeouts.incrementAndGet();
        if (state == State.SYN_SENT) segment(iss, SYN, null, 0, 0);
        else if (state == State.SYN_RCVD) segment(iss, SYN | ACK, null, 0, 0);
        else {
            sndNxt = sndUna;
            finSent = false;
            recover = null;
            duplicates = 0;
            transmit(true);
        }
    }

    private void progress() {
        lastProgress = System.nanoTime();
        rtoNanos = 200_000_000L;
        retries = 0;
    }
    /*:*/

    /*L:795 The two threads of a connection: one reads the host socket into our
     * queue for the Guest (blocking while the queue is full, which is how a Guest
     * that does not read slows the host down), the other writes what the Guest
     * sent to the host socket, and, when our advertised window had closed, tells
     * the Guest it has opened again. */
    private void pumps() {
        Thread reader = new Thread(this::hostToGuest, "lguest-tcp-in-" + guestPort);
        Thread writer = new Thread(this::guestToHost, "lguest-tcp-out-" + guestPort);
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private void hostToGuest() {
        byte[] buf = new byte[BUF];
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                int room;
                synchronized (this) {
                    while (outLen >= BUF && state == State.ESTABLISHED) wait();
                    if (state != State.ESTABLISHED) return;
                    room = BUF - outLen;
                }
                int n = in.read(buf, 0, room);
                synchronized (this) {
                    if (n < 0) {
                        hostEof = true;
                        transmit(false);
                        return;
                    }
                    System.arraycopy(buf, 0, out, outLen, n);
                    outLen += n;
                    transmit(false);
                }
            }
        } catch (IOException | InterruptedException e) {
            synchronized (this) {
                hostEof = true;
                transmit(false);
            }
        }
    }

    private void guestToHost() {
        try {
            OutputStream o = socket.getOutputStream();
            while (true) {
                byte[] b = toHost.take();
                if (b == EOF) {
                    socket.shutdownOutput();
                    return;
                }
                o.write(b);
                int now = buffered.addAndGet(-b.length);
                synchronized (this) {
                    if (advertised < 2 * OUR_MSS && BUF - now >= 2 * OUR_MSS) segment(sndNxt, ACK, null, 0, 0);
                }
            }
        } catch (IOException | InterruptedException e) {
            synchronized (this) {
                abort(true);
            }
        }
    }
    /*:*/

    /** One segment to the Guest: from the far end, carrying data[at..at+n). */
    private void segment(int seq, int flags, byte[] data, int at, int n) {
        int opt = (flags & SYN) != 0 ? 4 : 0;
        byte[] f = ip(gw.guestMac, Gateway.ROUTER_MAC, farIp, guestIp, PROTO_TCP, 20 + opt + n);
        int t = ETH + 20;
        put16(f, t, farPort);
        put16(f, t + 2, guestPort);
        put32(f, t + 4, seq);
        put32(f, t + 8, (flags & ACK) != 0 ? rcvNxt : 0);
        f[t + 12] = (byte) ((20 + opt) / 4 << 4);
        f[t + 13] = (byte) flags;
        advertised = Math.max(0, BUF - buffered.get());
        put16(f, t + 14, advertised);
        if (opt > 0) {
            f[t + 20] = 2;
            f[t + 21] = 4;
            put16(f, t + 22, OUR_MSS);
        }
        if (n > 0) System.arraycopy(data, at, f, t + 20 + opt, n);
        transportChecksum(f, 16);
        gw.send(f);
    }

    /** The MSS option of a SYN, or TCP's default of 536. */
    private static int peerMss(byte[] p) {
        int end = Math.min((u8(p, 12) >> 4) * 4, p.length);
        for (int o = 20; o + 1 < end; ) {
            int kind = u8(p, o);
            if (kind == 0) break;
            if (kind == 1) {
                o++;
                continue;
            }
            int len = u8(p, o + 1);
            if (kind == 2 && len == 4 && o + 3 < end) return Math.max(64, Math.min(u16(p, o + 2), OUR_MSS));
            if (len < 2) break;
            o += len;
        }
        return 536;
    }

    /** The answer to a segment for no connection: a reset, as RFC 793 words it. */
    static void reset(Gateway gw, int src, int sport, int dst, int dport, byte[] p) {
        TcpFlow f = new TcpFlow(gw, src, sport, dst, dport);
        int flags = u8(p, 13), len = p.length - (u8(p, 12) >> 4) * 4;
        if ((flags & ACK) != 0) {
            f.segment(u32(p, 8), RST, null, 0, 0);
        } else {
            f.rcvNxt = u32(p, 4) + len + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
            f.segment(0, RST | ACK, null, 0, 0);
        }
    }

    synchronized void abort() { abort(true); }

    private void abort(boolean tellGuest) {
        if (state == State.CLOSED) return;
        if (tellGuest && state != State.CONNECTING) segment(sndNxt, RST | ACK, null, 0, 0);
        close();
    }

    private void close() {
        state = State.CLOSED;
        notifyAll();
        toHost.add(EOF);
        try {
            if (socket != null) socket.close();
        } catch (IOException e) {
            /* closing anyway */
        }
        gw.forget(this);
    }
}
