package lguest.launcher.net;

/**
 * Reading and writing the headers of an Ethernet frame carrying IPv4, as the user-mode
 * network needs them: big-endian fields at fixed offsets, and the Internet checksum.
 */
final class Frame {
    private Frame() { }

    static final int ETH = 14, ETHERTYPE_IP = 0x0800, ETHERTYPE_ARP = 0x0806;
    static final int PROTO_ICMP = 1, PROTO_TCP = 6, PROTO_UDP = 17;

    static int u8(byte[] b, int at) { return b[at] & 0xFF; }

    static int u16(byte[] b, int at) { return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF); }

    static int u32(byte[] b, int at) { return u16(b, at) << 16 | u16(b, at + 2); }

    static void put16(byte[] b, int at, int v) { b[at] = (byte) (v >> 8); b[at + 1] = (byte) v; }

    static void put32(byte[] b, int at, int v) { put16(b, at, v >>> 16); put16(b, at + 2, v); }

    /*L:715 The Internet checksum, which every IPv4 header and every UDP and TCP
     * segment carries: the ones'-complement sum of the data as 16-bit words, folded
     * and inverted.  A receiver sums the same words, checksum included, and expects
     * all ones.  lguest's network set NOCSUM, "don't bother", because its frames
     * only ever crossed the Host's memory; ours leave for the host's real sockets
     * through a stack in the Launcher that checks what the Guest sends, and the
     * Guest's stack checks what we send it, so both sides compute it honestly. */
    static int sum(byte[] b, int at, int len, int start) {
        long s = start;
        int i = 0;
        for (; i + 1 < len; i += 2) s += u16(b, at + i);
        if (i < len) s += (b[at + i] & 0xFF) << 8;
        while ((s >> 16) != 0) s = (s & 0xFFFF) + (s >> 16);
        return (int) s;
    }

    static int checksum(byte[] b, int at, int len, int start) {
        return ~sum(b, at, len, start) & 0xFFFF;
    }

    /** The pseudo-header's share of a UDP or TCP checksum: addresses, protocol, length. */
    static int pseudo(int src, int dst, int proto, int len) {
        return (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF) + proto + len;
    }
    /*:*/

    /** A new frame: Ethernet header, then an IPv4 header for PAYLOAD bytes of PROTO. */
    static byte[] ip(byte[] dstMac, byte[] srcMac, int src, int dst, int proto, int payload) {
        byte[] f = new byte[ETH + 20 + payload];
        System.arraycopy(dstMac, 0, f, 0, 6);
        System.arraycopy(srcMac, 0, f, 6, 6);
        put16(f, 12, ETHERTYPE_IP);
        f[ETH] = 0x45;
        put16(f, ETH + 2, 20 + payload);
        f[ETH + 6] = 0x40;                       /* don't fragment */
        f[ETH + 8] = 64;                         /* time to live */
        f[ETH + 9] = (byte) proto;
        put32(f, ETH + 12, src);
        put32(f, ETH + 16, dst);
        put16(f, ETH + 10, checksum(f, ETH, 20, 0));
        return f;
    }

    /** Fills in the UDP or TCP checksum of an IPv4 frame built by {@link #ip}. */
    static void transportChecksum(byte[] f, int offset) {
        int src = u32(f, ETH + 12), dst = u32(f, ETH + 16), proto = u8(f, ETH + 9);
        int len = f.length - ETH - 20;
        put16(f, ETH + 20 + offset, 0);
        int c = checksum(f, ETH + 20, len, pseudo(src, dst, proto, len));
        if (proto == PROTO_UDP && c == 0) c = 0xFFFF;
        put16(f, ETH + 20 + offset, c);
    }

    static String addr(int a) {
        return (a >>> 24) + "." + (a >> 16 & 0xFF) + "." + (a >> 8 & 0xFF) + "." + (a & 0xFF);
    }
}
