package lguest.gdb;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import lguest.host.GuestDebug;
import lguest.host.GuestDebug.Resume;
import lguest.host.GuestDebug.Stop;

/**
 * {@code --gdb=PORT}: a gdb remote stub for one Guest, on 127.0.0.1. Registers, guest-virtual
 * memory, INT3 breakpoints, write watchpoints, single step (the CPU's TF), continue, ^C,
 * detach and kill.
 */
public final class GdbStub implements GuestDebug.Stopper {
    private final ServerSocket server;
    private final GuestDebug guest;
    private boolean waitFirst;
    private final Object connected = new Object();
    private volatile RemoteConnection conn;
    private volatile boolean userInterrupt, freshConnection;

    /** Breakpoints gdb asked for, by guest-virtual address. */
    private final TreeSet<Integer> breakpoints = new TreeSet<>();
    /** Those in guest memory now (only while the Guest runs): address to original byte. */
    private final Map<Integer, Byte> inserted = new LinkedHashMap<>();
    /** Write watchpoints: guest-virtual address to the bytes last seen there. */
    private final Map<Integer, byte[]> watches = new LinkedHashMap<>();
    private boolean steppingOver, userStep, running;

    private GdbStub(ServerSocket server, GuestDebug guest, boolean waitForGdb) {
        this.server = server;
        this.guest = guest;
        this.waitFirst = waitForGdb;
    }

    /** Listens on 127.0.0.1:port (0: any free port) and attaches to the Guest. */
    public static GdbStub listen(int port, GuestDebug guest, boolean waitForGdb) throws IOException {
        ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
        GdbStub stub = new GdbStub(s, guest, waitForGdb);
        guest.attach(stub, waitForGdb);
        Thread t = new Thread(stub::acceptLoop, "lguest-gdb-accept");
        t.setDaemon(true);
        t.start();
        return stub;
    }

    public int port() { return server.getLocalPort(); }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                synchronized (connected) {
                    if (live() != null) { s.close(); continue; }   // one gdb at a time
                    freshConnection = true;
                    conn = new RemoteConnection(s, () -> { userInterrupt = true; guest.requestStop(); },
                            guest::requestStop);
                    connected.notifyAll();
                }
                guest.requestStop();   // gdb expects to find its target stopped
            } catch (IOException e) {
                return;
            }
        }
    }

    /** The Guest has ended with this exit status: tell a gdb that is waiting for it, and stop listening. */
    public void guestEnded(int status) {
        RemoteConnection c = conn;
        if (c != null) {
            if (running) c.reply(String.format("W%02x", status & 0xFF));
            c.close();
        }
        try {
            server.close();
        } catch (IOException e) {
            // closed already
        }
    }

    @Override
    public boolean breakpointAt(int vaddr) { return inserted.containsKey(vaddr); }

    /*M:660 A stop, as the stub sees it.  Not every stop is gdb's business: stepping
     * over a breakpoint before continuing, and watching memory, are steps the stub
     * takes on its own, and the Guest goes on without a word to gdb.  A watchpoint is
     * the cheap kind: the machine has no debug registers, so the stub steps the Guest
     * one instruction at a time and compares the watched bytes after each.  That is
     * what gdb would do itself for a "software watchpoint", minus a network round trip
     * per instruction.  Every instruction is then a trip through the Switcher, with a
     * CR3 load that empties the TLB: the demonstration's 740,000-odd instructions take
     * some four seconds instead of half a second (gdb's own start included, measured
     * with `watch` on a word nobody writes).  Delete the watchpoint and the Guest is
     * back at full speed.  Breakpoints are INT3 bytes in the Guest's code only while
     * it runs, and taken out at every stop, so that gdb (and the reader of an `x/i`)
     * sees the Guest's own code. */
    @Override
    public Resume stopped(GuestDebug g, Stop why) {
        boolean gdbIsWaiting = running;
        running = false;
        RemoteConnection c = live();
        if (c == null && waitFirst) c = awaitConnection();
        if (c == null) return forgetAll(null);        // nobody listens: the Guest runs free
        String reply = stopReply(why);
        if (reply == null) return resume(userStep);   // a step of the stub's own: gdb hears nothing
        waitFirst = false;
        removeBreakpoints();
        userInterrupt = false;
        /* A gdb that has just come is told where the Guest stands when it asks ("?"). */
        if (gdbIsWaiting && !freshConnection) c.reply(reply);
        freshConnection = false;
        while (true) {
            String p = c.next();
            if (p == null) return forgetAll(c);
            Resume r = command(c, p, reply);
            if (r != null) return r;
        }
    }
    /*:*/

    /** What gdb is told about this stop, or null if it is not told at all. */
    private String stopReply(Stop why) {
        if (why == Stop.BREAKPOINT) return "T05swbreak:;";
        if (why == Stop.REQUESTED) {
            /* A stop asked for by ^C, or by a gdb that has just come and must find the
             * Guest stopped.  A new gdb may already have been told, though, by a stop
             * that waited for it: then this one is nobody's, and the Guest goes on. */
            if (userInterrupt) return "S02";
            if (freshConnection || conn == null) return "S05";
            return null;
        }
        Integer hit = watchHit();
        if (hit != null) return String.format("T05watch:%08x;", hit);
        steppingOver = false;
        return userStep ? "S05" : null;
    }

    private RemoteConnection awaitConnection() {
        synchronized (connected) {
            while (live() == null && !server.isClosed()) {
                try {
                    connected.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return live();
        }
    }

    private RemoteConnection live() {
        RemoteConnection c = conn;
        return c == null || c.closed() ? null : c;
    }

    /** gdb has gone: its breakpoints and watchpoints go with it, and the Guest runs free. */
    private Resume forgetAll(RemoteConnection gone) {
        removeBreakpoints();
        userInterrupt = false;
        synchronized (connected) {
            if (gone != null && conn == gone) conn = null;   // a newer gdb may already be there: not that one
        }
        breakpoints.clear();
        watches.clear();
        userStep = steppingOver = running = false;
        return Resume.CONTINUE;
    }

    /** One packet; a Resume when the Guest should go on (or die), null to read the next. */
    private Resume command(RemoteConnection c, String p, String lastStop) {
        char op = p.isEmpty() ? ' ' : p.charAt(0);
        String a = p.substring(Math.min(1, p.length()));
        try {
            switch (op) {
                case '?': c.reply(lastStop); return null;
                case 'g': c.reply(registers()); return null;
                case 'G': c.reply(setRegisters(a)); return null;
                case 'p': c.reply(register(Integer.parseInt(a, 16))); return null;
                case 'P': {
                    String[] kv = a.split("=");
                    c.reply(guest.setRegister(Integer.parseInt(kv[0], 16), le32(kv[1], 0)) ? "OK" : "E01");
                    return null;
                }
                case 'm': c.reply(readMemory(a)); return null;
                case 'M': c.reply(writeMemory(a)); return null;
                case 'Z': case 'z': c.reply(breakOrWatch(op == 'Z', a)); return null;
                case 'c': case 's': case 'C': case 'S': {
                    String addr = op == 'c' || op == 's' ? a : (a.contains(";") ? a.substring(a.indexOf(';') + 1) : "");
                    if (!addr.isEmpty()) guest.setRegister(GuestDebug.EIP, (int) Long.parseLong(addr, 16));
                    return resume(op == 's' || op == 'S');
                }
                case 'D':
                    forgetAll(c);      // first, so that a gdb that comes the moment it reads OK is let in
                    c.reply("OK");
                    c.close();
                    return Resume.CONTINUE;
                case 'k':
                    return Resume.KILL;
                case 'v':
                    if (p.startsWith("vKill")) { c.reply("OK"); return Resume.KILL; }
                    c.reply("");
                    return null;
                case 'H': c.reply("OK"); return null;
                case 'q':
                    if (p.startsWith("qSupported")) c.reply("PacketSize=1000;swbreak+");
                    else if (p.equals("qAttached")) c.reply("1");
                    else c.reply("");
                    return null;
                default: c.reply(""); return null;
            }
        } catch (RuntimeException e) {
            c.reply("E01");   // a malformed packet: gdb says so, the Guest is untouched
            return null;
        }
    }

    /*M:662 Going on.  Continuing from a breakpoint would hit it again at once, so the
     * stub first steps over it with its INT3 still out, then puts every breakpoint
     * in and lets the Guest run.  A step holds the Guest's interrupts back (M:656); a
     * watched continue does not, since it is a continue, only slower. */
    private Resume resume(boolean step) {
        int eip = guest.registers()[GuestDebug.EIP];
        userStep = step;
        steppingOver = !step && breakpoints.contains(eip);
        for (Map.Entry<Integer, byte[]> w : watches.entrySet())
            w.setValue(guest.read(w.getKey(), w.getValue().length));
        insertBreakpoints(steppingOver || step ? eip : null);
        running = true;
        if (step || steppingOver) return Resume.STEP;
        return watches.isEmpty() ? Resume.CONTINUE : Resume.STEP_WITH_INTERRUPTS;
    }
    /*:*/

    private void insertBreakpoints(Integer except) {
        for (int va : breakpoints) {
            if (except != null && va == except) {
                Byte orig = inserted.remove(va);
                if (orig != null) guest.write(va, new byte[] {orig});
                continue;
            }
            if (inserted.containsKey(va)) continue;
            byte[] old = guest.read(va, 1);
            if (old.length == 1 && guest.write(va, new byte[] {(byte) 0xCC})) inserted.put(va, old[0]);
        }
    }

    private void removeBreakpoints() {
        for (Map.Entry<Integer, Byte> e : inserted.entrySet()) {
            byte[] now = guest.read(e.getKey(), 1);
            if (now.length == 1 && now[0] == (byte) 0xCC) guest.write(e.getKey(), new byte[] {e.getValue()});
        }
        inserted.clear();
    }

    private Integer watchHit() {
        for (Map.Entry<Integer, byte[]> w : watches.entrySet()) {
            byte[] now = guest.read(w.getKey(), w.getValue().length);
            if (!Arrays.equals(now, w.getValue())) return w.getKey();
        }
        return null;
    }

    private String breakOrWatch(boolean insert, String a) {
        String[] f = a.split("[,;]");
        int type = Integer.parseInt(f[0]);
        int addr = (int) Long.parseLong(f[1], 16);
        int len = Integer.parseInt(f[2], 16);
        if (type == 0 || type == 1) {
            if (!insert) breakpoints.remove(addr);
            else if (guest.translate(addr) < 0) return "E0e";
            else breakpoints.add(addr);
            return "OK";
        }
        if (type == 2) {
            if (!insert) { watches.remove(addr); return "OK"; }
            if (len < 1 || len > 64) return "E16";
            byte[] now = guest.read(addr, len);
            if (now.length != len) return "E0e";
            watches.put(addr, now);
            return "OK";
        }
        return "";   // read and access watchpoints: the comparison cannot see a read
    }

    private String registers() {
        StringBuilder b = new StringBuilder();
        for (int v : guest.registers()) b.append(hex32(v));
        return b.toString();
    }

    private String register(int n) {
        return n < GuestDebug.REGISTERS ? hex32(guest.registers()[n]) : "E00";
    }

    private String setRegisters(String hex) {
        boolean ok = true;
        for (int i = 0; i < GuestDebug.REGISTERS && (i + 1) * 8 <= hex.length(); i++)
            ok &= guest.setRegister(i, le32(hex, i * 8));
        return ok ? "OK" : "E01";
    }

    private String readMemory(String a) {
        String[] f = a.split(",");
        int len = Math.min(Integer.parseInt(f[1], 16), 0x800);
        byte[] b = guest.read((int) Long.parseLong(f[0], 16), len);
        if (b.length == 0 && len > 0) return "E0e";
        StringBuilder s = new StringBuilder();
        for (byte x : b) s.append(String.format("%02x", x & 0xFF));
        return s.toString();
    }

    private String writeMemory(String a) {
        String[] f = a.split("[,:]");
        int len = Integer.parseInt(f[1], 16);
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) Integer.parseInt(f[2].substring(2 * i, 2 * i + 2), 16);
        return guest.write((int) Long.parseLong(f[0], 16), b) ? "OK" : "E0e";
    }

    private static String hex32(int v) {
        return String.format("%02x%02x%02x%02x", v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, v >>> 24);
    }

    private static int le32(String hex, int at) {
        int v = 0;
        for (int i = 3; i >= 0; i--) v = (v << 8) | Integer.parseInt(hex.substring(at + 2 * i, at + 2 * i + 2), 16);
        return v;
    }
}
