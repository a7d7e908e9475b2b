package lguest.launcher.net;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;

/** One Guest UDP port's traffic, carried by one host datagram socket. */
final class UdpFlow {
    /*L:770 UDP has no connections, so a "flow" is simply a Guest port: the first
     * datagram from it opens a host socket on a port of the host's choosing, every
     * datagram from that Guest port goes out through it (to whatever address the
     * Guest named), and whatever comes back to the socket goes to the Guest's port,
     * from the address it came from.  A flow quiet for a minute is closed: there is
     * no FIN to tell us it is over. */
    static final long IDLE_NANOS = 60_000_000_000L;
    final int guestPort;
    private final Gateway gw;
    private final DatagramSocket socket;
    private volatile long lastUse = System.nanoTime();
    /** The address the Guest used for each host address it sent to (10.0.2.3 for the name server). */
    private final java.util.Map<java.net.SocketAddress, Integer> seenAs = new java.util.concurrent.ConcurrentHashMap<>();

    private UdpFlow(Gateway gw, int guestPort, DatagramSocket socket) {
        this.gw = gw;
        this.guestPort = guestPort;
        this.socket = socket;
    }

    static UdpFlow open(Gateway gw, int guestPort) {
        try {
            UdpFlow f = new UdpFlow(gw, guestPort, new DatagramSocket());
            Thread t = new Thread(f::receive, "lguest-udp-" + guestPort);
            t.setDaemon(true);
            t.start();
            return f;
        } catch (SocketException e) {
            return null;
        }
    }

    void toHost(int dst, int port, byte[] data) {
        lastUse = System.nanoTime();
        try {
            InetSocketAddress to = new InetSocketAddress(Gateway.hostAddress(dst), port);
            seenAs.put(to, dst);
            socket.send(new DatagramPacket(data, data.length, to));
        } catch (IOException e) {
            /* unreachable, refused: UDP says nothing */
        }
    }

    private void receive() {
        byte[] buf = new byte[65536];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                lastUse = System.nanoTime();
                byte[] data = java.util.Arrays.copyOf(p.getData(), p.getLength());
                if (data.length > 1472) continue;                  /* no fragments on our Ethernet */
                int from = seenAs.getOrDefault(p.getSocketAddress(), Gateway.guestView(p.getAddress()));
                gw.udpToGuest(from, p.getPort(), gw.guestIp, guestPort, data);
            } catch (IOException e) {
                return;
            }
        }
    }
    /*:*/

    void tick() {
        if (System.nanoTime() - lastUse > IDLE_NANOS) {
            close();
            gw.forget(this);
        }
    }

    void close() { socket.close(); }
}
