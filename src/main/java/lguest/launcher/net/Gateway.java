package lguest.launcher.net;

import static lguest.launcher.net.Frame.*;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The user-mode network (--net=user): the Launcher plays the router at 10.0.2.2 and
 * carries the Guest's TCP and UDP over the host's own sockets.
 */
public final class Gateway {
    /*L:700 A network to the host without root.  lguest's --tunnet gave the Guest a
     * tap device, which needs root and a bridge or a route on the host.  A JVM
     * cannot make a tap device at all, so we do what QEMU's "user networking" does:
     * the Launcher itself is the only other machine on the Guest's Ethernet.  It
     * answers ARP and ping for the router's address, 10.0.2.2, hands out 10.0.2.15
     * by DHCP, and for every TCP connection and UDP exchange the Guest starts it
     * opens an ordinary socket on the host and copies bytes across.  Nothing is
     * routed: the Guest's packets end in the Launcher and the host's kernel makes
     * new ones, so the Guest can reach exactly what the user running the Launcher
     * could reach, by the same rules, and 10.0.2.2 means the host itself (its
     * loopback), as in QEMU.  In the other direction, "hostfwd" listens on a host
     * port and opens a connection into the Guest for each one accepted there.
     *
     * On the lguest bus this is the net device with the Launcher as a peer: the
     * Launcher's MAC sits in slot 0 of the device page, the Guest takes slot 1,
     * frames the Guest sends to slot 0's key come to the Launcher as DMA output,
     * and frames for the Guest go into the buffers it bound at its own slot's
     * key, just as console input does (L:320).  Frames for the Guest wait in a
     * queue until the Launcher's thread can copy them in, and a full queue drops
     * them, as a full ring would: TCP, on both sides, sends again. */
    public static final int NETWORK = 0x0A000200, ROUTER = 0x0A000202, DNS = 0x0A000203, GUEST = 0x0A00020F;
    static final byte[] ROUTER_MAC = {0x52, 0x55, 0x0A, 0x00, 0x02, 0x02};
    static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    /** Frames waiting for the Guest beyond this many are dropped. */
    static final int QUEUE_LIMIT = 256;

    private final ConcurrentLinkedQueue<byte[]> toGuest = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final Runnable wake;
    private final Map<Long, TcpFlow> tcp = new ConcurrentHashMap<>();
    private final Map<Integer, UdpFlow> udp = new ConcurrentHashMap<>();
    private final List<ServerSocket> listeners = new ArrayList<>();
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lguest-usernet-timer");
        t.setDaemon(true);
        return t;
    });
    volatile byte[] guestMac = BROADCAST;
    volatile int guestIp = GUEST;
    private final AtomicInteger nextPort = new AtomicInteger(40000);
    final Dhcp dhcp = new Dhcp(this);
    /** Counters for --stats. */
    public final AtomicInteger framesIn = new AtomicInteger(), framesOut = new AtomicInteger(),
            dropped = new AtomicInteger(), fastRetransmits = new AtomicInteger(), timeouts = new AtomicInteger();
    volatile boolean closed;
    /*:*/

    /** A "hostfwd=tcp::HOSTPORT-:GUESTPORT" rule. */
    public record Forward(int hostPort, int guestPort) { }

    public Gateway(List<Forward> forwards, Runnable wake) throws IOException {
        this.wake = wake;
        timer.scheduleAtFixedRate(this::tick, 100, 100, TimeUnit.MILLISECONDS);
        for (Forward f : forwards) listen(f);
    }

    private static final java.util.regex.Pattern HOSTFWD = java.util.regex.Pattern
            .compile("hostfwd=tcp:(?:127\\.0\\.0\\.1)?:(\\d{1,5})-(?:10\\.0\\.2\\.15)?:(\\d{1,5})");

    /** Parses "user" or "user,hostfwd=tcp::8080-:80[,hostfwd=...]"; null if it is not that. */
    public static List<Forward> parse(String spec) {
        String[] parts = spec.split(",");
        if (!parts[0].equals("user")) return null;
        List<Forward> fw = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            java.util.regex.Matcher m = HOSTFWD.matcher(parts[i]);
            if (!m.matches()) return null;
            int h = Integer.parseInt(m.group(1)), g = Integer.parseInt(m.group(2));
            if (h < 1 || h > 65535 || g < 1 || g > 65535) return null;
            fw.add(new Forward(h, g));
        }
        return fw;
    }

    /** The next frame for the Guest, or null. */
    public byte[] nextForGuest() {
        byte[] f = toGuest.poll();
        if (f != null) queued.decrementAndGet();
        return f;
    }

    /** Whether frames wait for the Guest. */
    public boolean hasFramesForGuest() { return !toGuest.isEmpty(); }

    void send(byte[] frame) {
        if (closed) return;
        if (queued.incrementAndGet() > QUEUE_LIMIT) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        toGuest.add(frame);
        framesOut.incrementAndGet();
        wake.run();
    }

    /*L:720 A frame from the Guest.  The Ethernet type says ARP or IPv4 (anything
     * else, IPv6 say, is dropped: there is no one here to talk to); for IPv4 the
     * protocol says which of our small servers answers.  The Guest's MAC address
     * and IP address are learned from what it sends, so nothing needs configuring. */
    public void fromGuest(byte[] f) {
        if (f.length < ETH + 20 && !(f.length >= ETH + 28 && u16(f, 12) == ETHERTYPE_ARP)) return;
        framesIn.incrementAndGet();
        if ((f[6] & 1) == 0) guestMac = java.util.Arrays.copyOfRange(f, 6, 12);
        if (u16(f, 12) == ETHERTYPE_ARP) {
            arp(f);
            return;
        }
        if (u16(f, 12) != ETHERTYPE_IP || (f[ETH] & 0xF0) != 0x40) return;
        int ihl = (f[ETH] & 0xF) * 4, total = u16(f, ETH + 2);
        if (ihl < 20 || total < ihl || ETH + total > f.length || checksum(f, ETH, ihl, 0) != 0) return;
        if ((u16(f, ETH + 6) & 0x3FFF) != 0) return;        /* fragments: not here */
        int src = u32(f, ETH + 12), dst = u32(f, ETH + 16), proto = u8(f, ETH + 9);
        byte[] payload = java.util.Arrays.copyOfRange(f, ETH + ihl, ETH + total);
        if (src != 0 && (src & 0xFFFFFF00) == NETWORK) guestIp = src;
        switch (proto) {
            case PROTO_ICMP -> icmp(src, dst, payload);
            case PROTO_UDP -> udp(src, dst, payload);
            case PROTO_TCP -> tcp(src, dst, payload);
            default -> { }
        }
    }
    /*:*/

    /*L:725 ARP: "who has 10.0.2.2?"  We have it, and every other address on the
     * network but the Guest's own: whatever the Guest asks for, the answer is the
     * Launcher's MAC, because every frame ends here anyway. */
    private void arp(byte[] f) {
        if (u16(f, ETH + 6) != 1) return;                   /* requests only */
        int target = u32(f, ETH + 24);
        if (target == guestIp || (target & 0xFFFFFF00) != NETWORK) return;
        byte[] r = new byte[ETH + 28];
        System.arraycopy(f, 6, r, 0, 6);
        System.arraycopy(ROUTER_MAC, 0, r, 6, 6);
        put16(r, 12, ETHERTYPE_ARP);
        System.arraycopy(f, ETH, r, ETH, 6);                /* hardware and protocol types, sizes */
        put16(r, ETH + 6, 2);
        System.arraycopy(ROUTER_MAC, 0, r, ETH + 8, 6);
        put32(r, ETH + 14, target);
        System.arraycopy(f, ETH + 8, r, ETH + 18, 10);      /* the asker's MAC and IP */
        send(r);
    }
    /*:*/

    /*L:730 Ping.  Only the Launcher's own addresses answer, the router and the name
     * server: echoing to the outside world would need ICMP sockets, which an
     * unprivileged JVM does not have.  An echo request to 10.0.2.2 (or .3) comes back with type 0 and the same identifier, sequence and data. */
    private void icmp(int src, int dst, byte[] p) {
        if (p.length < 8 || u8(p, 0) != 8 || dst != ROUTER && dst != DNS) return;
        if (checksum(p, 0, p.length, 0) != 0) return;
        byte[] r = ip(guestMac, ROUTER_MAC, dst, src, PROTO_ICMP, p.length);
        System.arraycopy(p, 0, r, ETH + 20, p.length);
        r[ETH + 20] = 0;
        put16(r, ETH + 22, 0);
        put16(r, ETH + 22, checksum(r, ETH + 20, p.length, 0));
        send(r);
    }
    /*:*/

    /** Where a Guest's destination is on the host: the router is the host's loopback. */
    static InetAddress hostAddress(int dst) throws UnknownHostException {
        if (dst == ROUTER) dst = 0x7F000001;
        if (dst == DNS) return Dhcp.nameserver();
        return InetAddress.getByAddress(new byte[] {(byte) (dst >>> 24), (byte) (dst >> 16), (byte) (dst >> 8), (byte) dst});
    }

    /** The address the Guest sees for a host address (the inverse of hostAddress for loopback). */
    static int guestView(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length != 4 || a.isLoopbackAddress()) return ROUTER;
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    private void udp(int src, int dst, byte[] p) {
        if (p.length < 8 || u16(p, 4) > p.length || u16(p, 4) < 8) return;
        int sport = u16(p, 0), dport = u16(p, 2), len = u16(p, 4);
        if (u16(p, 6) != 0 && checksum(p, 0, len, pseudo(src, dst, PROTO_UDP, len)) != 0) return;
        byte[] data = java.util.Arrays.copyOfRange(p, 8, len);
        if (dport == 67) {
            dhcp.request(data);
            return;
        }
        if (dst == 0xFFFFFFFF || (dst & 0xFF) == 0xFF) return;
        UdpFlow flow = udp.computeIfAbsent(sport, port -> UdpFlow.open(this, port));
        if (flow != null) flow.toHost(dst, dport, data);
    }

    /** Sends a UDP datagram to the Guest. */
    void udpToGuest(int src, int sport, int dst, int dport, byte[] data) {
        byte[] f = ip(dst == 0xFFFFFFFF ? BROADCAST : guestMac, ROUTER_MAC, src, dst, PROTO_UDP, 8 + data.length);
        int u = ETH + 20;
        put16(f, u, sport);
        put16(f, u + 2, dport);
        put16(f, u + 4, 8 + data.length);
        System.arraycopy(data, 0, f, u + 8, data.length);
        transportChecksum(f, 6);
        send(f);
    }

    void forget(UdpFlow f) { udp.remove(f.guestPort, f); }

    /*L:740 TCP.  A connection is named by its four numbers (the Guest's address and
     * port, the far address and port); a segment for a connection we do not know
     * starts one if it is a SYN, and gets a reset otherwise, as a host with nothing
     * listening would answer. */
    private void tcp(int src, int dst, byte[] p) {
        if (p.length < 20 || checksum(p, 0, p.length, pseudo(src, dst, PROTO_TCP, p.length)) != 0) return;
        int sport = u16(p, 0), dport = u16(p, 2), flags = u8(p, 13);
        long key = (long) sport << 48 | (long) dport << 32 | (dst & 0xFFFFFFFFL);
        TcpFlow flow = tcp.get(key);
        if (flow == null && (flags & TcpFlow.SYN) != 0 && (flags & TcpFlow.ACK) == 0) {
            flow = new TcpFlow(this, src, sport, dst, dport);
            tcp.put(key, flow);
            flow.connectOut(p);
            return;
        }
        if (flow == null) {
            if ((flags & TcpFlow.RST) == 0) TcpFlow.reset(this, src, sport, dst, dport, p);
            return;
        }
        flow.fromGuest(p);
    }
    /*:*/

    void forget(TcpFlow f) {
        tcp.remove((long) f.guestPort << 48 | (long) f.farPort << 32 | (f.farIp & 0xFFFFFFFFL), f);
    }

    /*L:750 hostfwd: a listening socket on the host's loopback for each rule; every
     * connection accepted there becomes a connection the Launcher opens into the
     * Guest, from the router's address and a port of its own. */
    private void listen(Forward f) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), f.hostPort()));
        listeners.add(s);
        Thread t = new Thread(() -> {
            while (!closed) {
                try {
                    Socket c = s.accept();
                    int port = nextPort.getAndUpdate(p -> p >= 60000 ? 40000 : p + 1);
                    TcpFlow flow = new TcpFlow(this, guestIp, f.guestPort(), ROUTER, port);
                    tcp.put((long) f.guestPort() << 48 | (long) port << 32 | (ROUTER & 0xFFFFFFFFL), flow);
                    flow.connectIn(c);
                } catch (IOException e) {
                    return;
                }
            }
        }, "lguest-hostfwd-" + f.hostPort());
        t.setDaemon(true);
        t.start();
    }
    /*:*/

    private void tick() {
        for (TcpFlow f : tcp.values()) f.tick();
        for (UdpFlow f : udp.values()) f.tick();
    }

    public void close() {
        closed = true;
        timer.shutdownNow();
        for (ServerSocket s : listeners) {
            try {
                s.close();
            } catch (IOException e) {
                /* closing anyway */
            }
        }
        for (TcpFlow f : tcp.values()) f.abort();
        for (UdpFlow f : udp.values()) f.close();
    }

    public int connections() { return tcp.size(); }

    /** The --stats line. */
    public String report() {
        return String.format("usernet: %d frames from the guest, %d to it, %d dropped (queue full); "
                + "TCP: %d fast retransmits, %d timeouts%n", framesIn.get(), framesOut.get(), dropped.get(),
                fastRetransmits.get(), timeouts.get());
    }
}
