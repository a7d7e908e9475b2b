package lguest.launcher.net;

import static lguest.launcher.net.Frame.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The user-mode network (L:700) driven by a Guest made of frames: the test builds what a
 * Guest's stack would send and reads what the Launcher sends back.
 */
class GatewayTest {
    static final byte[] GUEST_MAC = {0x02, 0x00, 0x01, 0x00, 0x00, 0x00};
    final LinkedBlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
    Gateway gw;

    Gateway start(List<Gateway.Forward> fw) throws Exception {
        gw = new Gateway(fw, () -> {
            byte[] f;
            while ((f = gw.nextForGuest()) != null) inbox.add(f);
        });
        return gw;
    }

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
    }

    byte[] next() throws InterruptedException {
        byte[] f = inbox.poll(5, TimeUnit.SECONDS);
        assertThat(f).as("a frame from the Launcher").isNotNull();
        return f;
    }

    static byte[] ipFrame(int src, int dst, int proto, byte[] payload) {
        byte[] f = ip(Gateway.ROUTER_MAC, GUEST_MAC, src, dst, proto, payload.length);
        System.arraycopy(payload, 0, f, ETH + 20, payload.length);
        return f;
    }

    @Test
    void theRouterAnswersArp() throws Exception {
        start(List.of());
        byte[] f = new byte[ETH + 28];
        Arrays.fill(f, 0, 6, (byte) -1);
        System.arraycopy(GUEST_MAC, 0, f, 6, 6);
        put16(f, 12, ETHERTYPE_ARP);
        put16(f, ETH, 1);
        put16(f, ETH + 2, ETHERTYPE_IP);
        f[ETH + 4] = 6;
        f[ETH + 5] = 4;
        put16(f, ETH + 6, 1);
        System.arraycopy(GUEST_MAC, 0, f, ETH + 8, 6);
        put32(f, ETH + 14, Gateway.GUEST);
        put32(f, ETH + 24, Gateway.ROUTER);
        gw.fromGuest(f);
        byte[] r = next();
        assertThat(u16(r, ETH + 6)).isEqualTo(2);
        assertThat(Arrays.copyOfRange(r, ETH + 8, ETH + 14)).isEqualTo(Gateway.ROUTER_MAC);
        assertThat(u32(r, ETH + 14)).isEqualTo(Gateway.ROUTER);
        assertThat(Arrays.copyOfRange(r, 0, 6)).isEqualTo(GUEST_MAC);
    }

    @Test
    void theRouterAnswersPing() throws Exception {
        start(List.of());
        byte[] echo = {8, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g'};
        put16(echo, 2, checksum(echo, 0, echo.length, 0));
        gw.fromGuest(ipFrame(Gateway.GUEST, Gateway.ROUTER, PROTO_ICMP, echo));
        byte[] r = next();
        assertThat(u8(r, ETH + 9)).isEqualTo(PROTO_ICMP);
        assertThat(u8(r, ETH + 20)).isZero();
        assertThat(u16(r, ETH + 24)).isEqualTo(0x1234);
        assertThat(checksum(r, ETH + 20, echo.length, 0)).isZero();
        assertThat(checksum(r, ETH, 20, 0)).isZero();
    }

    @Test
    void dhcpOffersAndAcknowledgesTheGuestsAddress() throws Exception {
        start(List.of());
        for (int type : new int[] {1, 3}) {
            byte[] m = new byte[244];
            m[0] = 1;
            m[1] = 1;
            m[2] = 6;
            put32(m, 4, 0xCAFE0000 + type);
            System.arraycopy(GUEST_MAC, 0, m, 28, 6);
            put32(m, 236, 0x63825363);
            m[240] = 53;
            m[241] = 1;
            m[242] = (byte) type;
            m[243] = (byte) 255;
            gw.fromGuest(ipFrame(0, 0xFFFFFFFF, PROTO_UDP, udp(68, 67, 0, 0xFFFFFFFF, m)));
            byte[] r = next();
            int u = ETH + 20;
            assertThat(u16(r, u + 2)).isEqualTo(68);
            assertThat(u32(r, u + 8 + 4)).isEqualTo(0xCAFE0000 + type);
            assertThat(u32(r, u + 8 + 16)).isEqualTo(Gateway.GUEST);
            assertThat(r[u + 8 + 242]).isEqualTo((byte) (type == 1 ? 2 : 5));
        }
    }

    static byte[] udp(int sport, int dport, int src, int dst, byte[] data) {
        byte[] p = new byte[8 + data.length];
        put16(p, 0, sport);
        put16(p, 2, dport);
        put16(p, 4, p.length);
        System.arraycopy(data, 0, p, 8, data.length);
        put16(p, 6, checksum(p, 0, p.length, pseudo(src, dst, PROTO_UDP, p.length)));
        return p;
    }

    @Test
    void udpGoesOutThroughAHostSocketAndTheAnswerComesBack() throws Exception {
        start(List.of());
        try (DatagramSocket echo = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Thread t = new Thread(() -> {
                try {
                    DatagramPacket p = new DatagramPacket(new byte[100], 100);
                    echo.receive(p);
                    byte[] back = ("echo:" + new String(p.getData(), 0, p.getLength())).getBytes();
                    echo.send(new DatagramPacket(back, back.length, p.getSocketAddress()));
                } catch (Exception e) {
                    /* the test fails on its own */
                }
            });
            t.start();
            gw.fromGuest(ipFrame(Gateway.GUEST, Gateway.ROUTER, PROTO_UDP,
                    udp(5555, echo.getLocalPort(), Gateway.GUEST, Gateway.ROUTER, "hi".getBytes())));
            byte[] r = next();
            int u = ETH + 20;
            assertThat(u32(r, ETH + 12)).isEqualTo(Gateway.ROUTER);
            assertThat(u16(r, u)).isEqualTo(echo.getLocalPort());
            assertThat(u16(r, u + 2)).isEqualTo(5555);
            assertThat(new String(r, u + 8, r.length - u - 8)).isEqualTo("echo:hi");
            assertThat(checksum(r, u, r.length - u, pseudo(Gateway.ROUTER, Gateway.GUEST, PROTO_UDP, r.length - u))).isZero();
        }
    }

    /**
     * The Guest's half of a TCP connection, as small as a test can make it: in-order
     * data only, every segment acknowledged; frames the test chooses to drop are
     * neither read nor acknowledged, as a full ring would do.
     */
    final class GuestTcp {
        final int port, farIp, farPort;
        int sndNxt = 1000, rcvNxt;
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        boolean finReceived;

        GuestTcp(int port, int farIp, int farPort) {
            this.port = port;
            this.farIp = farIp;
            this.farPort = farPort;
        }

        void send(int flags, byte[] data) {
            byte[] p = new byte[20 + data.length];
            put16(p, 0, port);
            put16(p, 2, farPort);
            put32(p, 4, sndNxt);
            put32(p, 8, rcvNxt);
            p[12] = 0x50;
            p[13] = (byte) flags;
            put16(p, 14, 8192);
            System.arraycopy(data, 0, p, 20, data.length);
            put16(p, 16, checksum(p, 0, p.length, pseudo(Gateway.GUEST, farIp, PROTO_TCP, p.length)));
            gw.fromGuest(ipFrame(Gateway.GUEST, farIp, PROTO_TCP, p));
            sndNxt += data.length + ((flags & (TcpFlow.SYN | TcpFlow.FIN)) != 0 ? 1 : 0);
        }

        /** Reads segments until FIN, dropping each data segment with probability drop. */
        void receiveAll(double drop, Random rnd) throws InterruptedException {
            while (!finReceived) {
                byte[] f = next();
                int t = ETH + 20, flags = u8(f, t + 13), seq = u32(f, t + 4), off = (u8(f, t + 12) >> 4) * 4;
                assertThat(checksum(f, t, f.length - t, pseudo(farIp, Gateway.GUEST, PROTO_TCP, f.length - t))).isZero();
                int len = f.length - t - off;
                assertThat(flags & TcpFlow.RST).as("a reset in the middle of the transfer").isZero();
                if (len > 0 && rnd.nextDouble() < drop) continue;
                if (seq == rcvNxt && len > 0) {
                    got.write(f, t + off, len);
                    rcvNxt += len;
                }
                if ((flags & TcpFlow.FIN) != 0 && seq + len == rcvNxt) {
                    rcvNxt++;
                    finReceived = true;
                }
                send(TcpFlow.ACK, new byte[0]);
            }
        }
    }

    @Test
    void aTcpConnectionFromTheGuestReachesAHostServerDespiteLostFrames() throws Exception {
        start(List.of());
        byte[] payload = new byte[100_000];
        new Random(7).nextBytes(payload);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] req = new byte[5];
                    int n = 0;
                    while (n < 5) n += in.read(req, n, 5 - n);
                    OutputStream o = s.getOutputStream();
                    o.write(payload);
                    o.flush();
                } catch (Exception e) {
                    /* the test fails on its own */
                }
            });
            t.start();
            GuestTcp c = new GuestTcp(33000, Gateway.ROUTER, server.getLocalPort());
            c.send(TcpFlow.SYN, new byte[0]);
            byte[] synack = next();
            assertThat(u8(synack, ETH + 33) & 0x3F).isEqualTo(TcpFlow.SYN | TcpFlow.ACK);
            assertThat(u32(synack, ETH + 28)).isEqualTo(1001);
            c.rcvNxt = u32(synack, ETH + 24) + 1;
            c.send(TcpFlow.ACK, new byte[0]);
            c.send(TcpFlow.ACK | TcpFlow.PSH, "GET /".getBytes());
            c.receiveAll(0.2, new Random(1));
            assertThat(c.got.toByteArray()).isEqualTo(payload);
            c.send(TcpFlow.FIN | TcpFlow.ACK, new byte[0]);
            t.join(5000);
        }
    }

    @Test
    void aConnectionToAClosedPortIsRefusedWithAReset() throws Exception {
        start(List.of());
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        GuestTcp c = new GuestTcp(33001, Gateway.ROUTER, port);
        c.send(TcpFlow.SYN, new byte[0]);
        byte[] r = next();
        assertThat(u8(r, ETH + 33) & TcpFlow.RST).isNotZero();
        assertThat(u32(r, ETH + 28)).isEqualTo(1001);
    }

    @Test
    void hostfwdOpensAConnectionIntoTheGuest() throws Exception {
        int hostPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            hostPort = s.getLocalPort();
        }
        start(List.of(new Gateway.Forward(hostPort, 80)));
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), hostPort)) {
            byte[] syn = next();
            int t = ETH + 20;
            assertThat(u8(syn, t + 13)).isEqualTo(TcpFlow.SYN);
            assertThat(u16(syn, t + 2)).isEqualTo(80);
            GuestTcp g = new GuestTcp(80, Gateway.ROUTER, u16(syn, t));
            g.rcvNxt = u32(syn, t + 4) + 1;
            g.send(TcpFlow.SYN | TcpFlow.ACK, new byte[0]);
            byte[] ack = next();
            assertThat(u32(ack, t + 8)).isEqualTo(g.sndNxt);
            g.send(TcpFlow.ACK | TcpFlow.PSH, "HTTP/1.0 200 OK\r\n\r\nhello".getBytes());
            g.send(TcpFlow.FIN | TcpFlow.ACK, new byte[0]);
            byte[] all = client.getInputStream().readAllBytes();
            assertThat(new String(all)).isEqualTo("HTTP/1.0 200 OK\r\n\r\nhello");
        }
    }

    @Test
    void optionsAreParsedOrRefused() {
        assertThat(Gateway.parse("user")).isEmpty();
        assertThat(Gateway.parse("user,hostfwd=tcp::8080-:80")).containsExactly(new Gateway.Forward(8080, 80));
        assertThat(Gateway.parse("user,hostfwd=tcp:127.0.0.1:8080-10.0.2.15:80")).hasSize(1);
        assertThat(Gateway.parse("tap")).isNull();
        assertThat(Gateway.parse("user,hostfwd=udp::1-:2")).isNull();
        assertThat(Gateway.parse("user,hostfwd=tcp::99999-:80")).isNull();
    }
}
