package lguest.launcher.net;

import static lguest.launcher.net.Frame.*;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** The user-mode network's DHCP server: one client, one address, 10.0.2.15. */
final class Dhcp {
    private final Gateway gw;

    Dhcp(Gateway gw) {
        this.gw = gw;
    }

    /*L:760 DHCP, so that busybox's udhcpc can configure the Guest as it would on
     * any network.  The client broadcasts DISCOVER (message type 1) from 0.0.0.0;
     * we OFFER (2) the one address there is; it REQUESTs (3) it; we ACK (5).  Each
     * answer carries the address in yiaddr and, as options, who we are (54), the
     * subnet mask (1), the router (3), a name server (6) and a lease time (51).
     * udhcpc then runs its script, which sets the address and the default route.
     * The messages are BOOTP's: a fixed 236-byte header, a magic cookie, options as
     * type-length-value. */
    void request(byte[] m) {
        if (m.length < 240 || m[0] != 1 || u32(m, 236) != 0x63825363) return;
        int type = option(m, 53);
        if (type != 1 && type != 3) return;
        byte[] r = new byte[300];
        r[0] = 2;                                          /* BOOTREPLY */
        r[1] = 1;
        r[2] = 6;
        System.arraycopy(m, 4, r, 4, 4);                   /* the transaction id */
        System.arraycopy(m, 10, r, 10, 2);                 /* flags */
        put32(r, 16, Gateway.GUEST);                       /* yiaddr */
        put32(r, 20, Gateway.ROUTER);                      /* siaddr */
        System.arraycopy(m, 28, r, 28, 16);                /* the client's hardware address */
        put32(r, 236, 0x63825363);
        int o = 240;
        o = put(r, o, 53, type == 1 ? 2 : 5, 1);
        o = put(r, o, 54, Gateway.ROUTER, 4);
        o = put(r, o, 51, 86400, 4);
        o = put(r, o, 1, 0xFFFFFF00, 4);
        o = put(r, o, 3, Gateway.ROUTER, 4);
        o = put(r, o, 6, Gateway.DNS, 4);
        r[o] = (byte) 255;
        gw.udpToGuest(Gateway.ROUTER, 67, 0xFFFFFFFF, 68, r);
    }
    /*:*/

    /** The value of a one-byte option, or -1. */
    private static int option(byte[] m, int code) {
        for (int o = 240; o + 1 < m.length; ) {
            int c = m[o] & 0xFF;
            if (c == 255) break;
            if (c == 0) {
                o++;
                continue;
            }
            int len = m[o + 1] & 0xFF;
            if (c == code && len >= 1 && o + 2 < m.length) return m[o + 2] & 0xFF;
            o += 2 + len;
        }
        return -1;
    }

    private static int put(byte[] r, int o, int code, int value, int len) {
        r[o] = (byte) code;
        r[o + 1] = (byte) len;
        if (len == 1) r[o + 2] = (byte) value;
        else put32(r, o + 2, value);
        return o + 2 + len;
    }

    /** The host's first name server (from /etc/resolv.conf), or its loopback. */
    static InetAddress nameserver() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/resolv.conf"))) {
                String[] w = line.trim().split("\\s+");
                if (w.length >= 2 && w[0].equals("nameserver") && !w[1].contains(":"))
                    return InetAddress.getByName(w[1]);
            }
        } catch (IOException | SecurityException e) {
            /* no resolver configured: fall through */
        }
        return InetAddress.getLoopbackAddress();
    }
}
