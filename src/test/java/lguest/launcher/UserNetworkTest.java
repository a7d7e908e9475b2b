package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import lguest.HostPrerequisite;

/**
 * --net=user (L:700): a Guest reaches a server on the host at 10.0.2.2, and a client on the
 * host reaches busybox httpd in the Guest through hostfwd.
 */
class UserNetworkTest {
    private static BusyboxRig rig;

    @TempDir
    Path tmp;
    private final List<NetworkTest.GuestProcess> guests = new ArrayList<>();
    private HttpServer server;

    @BeforeAll
    static void find() {
        rig = BusyboxRig.find();
    }

    @AfterEach
    void stop() {
        for (NetworkTest.GuestProcess g : guests) g.kill();
        if (server != null) server.stop(0);
    }

    private NetworkTest.GuestProcess guest(String... options) throws Exception {
        NetworkTest.GuestProcess g = new NetworkTest.GuestProcess(rig.guestCommand(List.of(options), "sh"));
        guests.add(g);
        g.send("ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up && route add default gw 10.0.2.2 && echo UP\n");
        g.await("UP\n", 60);
        return g;
    }

    /** A server on the host's loopback whose every page is this text. */
    private void serve(String text) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", x -> {
            byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            x.sendResponseHeaders(200, bytes.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(bytes);
            }
        });
        server.start();
    }

    @Test
    void wgetInTheGuestFetchesAMegabyteFromAServerOnTheHost() throws Exception {
        byte[] big = new byte[1 << 20];
        new Random(11).nextBytes(big);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/big", x -> {
            x.sendResponseHeaders(200, big.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(big);
            }
        });
        server.start();
        String want = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big));
        NetworkTest.GuestProcess g = guest("--net=user");
        assertThat(g.run("ping -c 1 10.0.2.2", 30)).contains("1 packets received");
        long t0 = System.nanoTime();
        String r = g.run("wget -q -O - http://10.0.2.2:" + server.getAddress().getPort() + "/big | sha256sum", 120);
        System.out.printf("wget of 1 MiB host to guest over --net=user: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertThat(r).contains(want + "  -");
    }

    @Test
    void aClientOnTheHostReachesTheGuestsHttpdThroughHostfwd() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree/www"));
        Files.writeString(tree.resolve("index.html"), "<h1>served by busybox in a guest</h1>\n");
        Path image = tmp.resolve("disk.img");
        String mke2fs = Files.isExecutable(Path.of("/sbin/mke2fs")) ? "/sbin/mke2fs" : "/usr/sbin/mke2fs";
        HostPrerequisite.require(Files.isExecutable(Path.of(mke2fs)), "no mke2fs");
        Process mk = new ProcessBuilder(mke2fs, "-q", "-t", "ext2", "-b", "1024", "-d", tmp.resolve("tree").toString(),
                image.toString(), "4096").redirectErrorStream(true).start();
        assertThat(mk.waitFor(60, TimeUnit.SECONDS)).isTrue();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        NetworkTest.GuestProcess g = guest("--block=" + image, "--net=user,hostfwd=tcp::" + port + "-:80");
        g.run("httpd -p 80 -h /www", 30);
        HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
        HttpResponse<String> resp = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html"))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.body()).isEqualTo("<h1>served by busybox in a guest</h1>\n");
    }

    @Test
    void aConnectionToAPortNobodyListensOnIsRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        NetworkTest.GuestProcess g = guest("--net=user");
        assertThat(g.run("wget -q -O - http://10.0.2.2:" + port + "/ 2>&1", 60)).containsIgnoringCase("refused");
    }

    /** route, arp and netstat read /proc/net (U:791): what they print is the Guest's own tables. */
    @Test
    void routeArpAndNetstatReadTheGuestsTables() throws Exception {
        try (ServerSocket host = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            NetworkTest.GuestProcess g = guest("--net=user");
            assertThat(g.run("route add -host 10.0.2.99 gw 10.0.2.2 && route -n", 30))
                    .containsPattern("10\\.0\\.2\\.0 +0\\.0\\.0\\.0 +255\\.255\\.255\\.0 +U +0 +0 +0 eth0\\n")
                    .containsPattern("0\\.0\\.0\\.0 +10\\.0\\.2\\.2 +0\\.0\\.0\\.0 +UG +0 +0 +0 eth0\\n")
                    .containsPattern("10\\.0\\.2\\.99 +10\\.0\\.2\\.2 +255\\.255\\.255\\.255 +UGH +0 +0 +0 eth0\\n");
            g.run("ping -c 1 10.0.2.2 >/dev/null", 30);
            assertThat(g.run("arp -n", 30)).containsPattern("\\? \\(10\\.0\\.2\\.2\\) at [0-9a-f:]{17} \\[ether\\] +on eth0");
            g.run("sleep 100 | nc -l -p 1234 & sleep 100 | nc 10.0.2.2 " + host.getLocalPort() + " & sleep 1", 30);
            host.accept();
            String tcp = g.run("netstat -tan 2>/dev/null", 30);
            assertThat(tcp).containsPattern("tcp +0 +0 0\\.0\\.0\\.0:1234 +0\\.0\\.0\\.0:\\* +LISTEN")
                    .containsPattern("tcp +0 +0 10\\.0\\.2\\.15:\\d+ +10\\.0\\.2\\.2:" + host.getLocalPort() + " +ESTABLISHED");
            /* the connection's inode in /proc/net/tcp is the one nc's descriptor names */
            String inode = g.run("grep ' 01 ' /proc/net/tcp | awk '{print $10}'", 30).split("\n")[0].trim();
            assertThat(inode).matches("\\d+");
            assertThat(g.run("ls -l /proc/*/fd 2>/dev/null | grep -c 'socket:\\[" + inode + "\\]'", 30)).startsWith("1\n");
        }
    }

    /** ip speaks rtnetlink (U:900): the configuration ifconfig and route make, and the lists. */
    @Test
    void ipConfiguresTheGuestAndListsWhatItSet() throws Exception {
        serve("configured by ip\n");
        NetworkTest.GuestProcess g = new NetworkTest.GuestProcess(rig.guestCommand(List.of("--net=user"), "sh"));
        guests.add(g);
        // it said "ip: socket: Address family not supported by protocol"
        String r = g.run("ip link set eth0 up && ip addr add 10.0.2.15/24 brd + dev eth0 && ip route add default via 10.0.2.2"
                + " && ip addr show dev eth0 && ip route && ifconfig eth0", 60);
        assertThat(r).contains("eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500")
                .contains("inet 10.0.2.15/24 brd 10.0.2.255 scope global eth0")
                .contains("10.0.2.0/24 dev eth0 scope link  src 10.0.2.15").contains("default via 10.0.2.2 dev eth0")
                .contains("inet addr:10.0.2.15  Bcast:10.0.2.255  Mask:255.255.255.0");
        assertThat(g.run("wget -q -O - http://10.0.2.2:" + server.getAddress().getPort() + "/", 60))
                .contains("configured by ip");
        assertThat(g.run("ip neigh", 30)).containsPattern("10\\.0\\.2\\.2 dev eth0 lladdr [0-9a-f:]{17} REACHABLE");
        assertThat(g.run("ip addr add 10.0.2.15/24 dev eth0 2>&1; ip route del default; ip route; ip link show lo", 30))
                .contains("RTNETLINK answers: File exists").doesNotContain("default")
                .contains("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536");
        assertThat(g.run("ip addr flush dev eth0; ip -4 addr show dev eth0; ifconfig eth0 | grep -c 'inet addr'", 30))
                .startsWith("0\n");
    }

    /** udhcpc and arping over packet sockets (U:875), with the root disk's own script, from the Launcher's server (L:760). */
    @Test
    void udhcpcConfiguresTheGuestFromTheLaunchersDhcpServer() throws Exception {
        Path tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve("bin"));
        Files.createDirectories(tree.resolve("etc/udhcpc"));
        Files.copy(rig.busybox, tree.resolve("bin/busybox"));
        Files.createSymbolicLink(tree.resolve("bin/sh"), Path.of("busybox"));
        Path script = tree.resolve("etc/udhcpc/default.script");
        Files.copy(Path.of("src/guest/rootfs/etc/udhcpc/default.script"), script);
        assertThat(script.toFile().setExecutable(true)).isTrue();
        Path image = tmp.resolve("disk.img");
        String mke2fs = Files.isExecutable(Path.of("/sbin/mke2fs")) ? "/sbin/mke2fs" : "/usr/sbin/mke2fs";
        HostPrerequisite.require(Files.isExecutable(Path.of(mke2fs)), "no mke2fs");
        Process mk = new ProcessBuilder(mke2fs, "-q", "-t", "ext2", "-b", "1024", "-d", tree.toString(),
                image.toString(), "8192").redirectErrorStream(true).start();
        assertThat(mk.waitFor(60, TimeUnit.SECONDS)).isTrue();
        serve("hello over a leased address\n");
        NetworkTest.GuestProcess g = new NetworkTest.GuestProcess(rig.guestCommand(List.of("--block=" + image, "--net=user"), "sh"));
        guests.add(g);
        String r = g.run("udhcpc -i eth0 -n -q 2>&1; ifconfig eth0; route -n; cat /etc/resolv.conf", 60);
        assertThat(r).contains("lease of 10.0.2.15 obtained from 10.0.2.2").contains("inet addr:10.0.2.15")
                .containsPattern("0\\.0\\.0\\.0 +10\\.0\\.2\\.2 +0\\.0\\.0\\.0 +UG +0 +0 +0 eth0")
                .contains("nameserver 10.0.2.3");
        assertThat(g.run("wget -q -O - http://10.0.2.2:" + server.getAddress().getPort() + "/", 60))
                .contains("hello over a leased address");
        /* arping is a packet socket too, for ARP, and checks the hardware type of what it hears */
        assertThat(g.run("arping -c 1 -I eth0 10.0.2.2", 60)).contains("Received 1 response");
    }
}
