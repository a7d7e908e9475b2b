package lguest.launcher;

import static lguest.host.Abi.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lguest.host.Host;
import lguest.launcher.net.Gateway;
import lguest.host.LguestDevice;
import lguest.host.Trace;
import lguest.machine.CodeCache;
import lguest.machine.PhysicalMemory;

/**
 * The Launcher: {@code lguest MEM KERNEL [--block=FILE[,snapshot]] [--initrd=FILE] [--verbose]
 * [--stats] [ARGS...]}.
 */
public final class Launcher {
    static final String USAGE = "usage: lguest MEM KERNEL [--block=FILE[,snapshot]] [--sharenet=FILE[,drop=PERCENT]] [--net=user[,hostfwd=tcp::HOSTPORT-:GUESTPORT]] [--initrd=FILE] [--verbose] [--stats] [--interpret | --translate=N]"
            + " [--trace=WHAT [--trace-file=F] [--trace-eip=LO-HI]] [--gdb=PORT [--gdb-wait]] [--save=FILE [--save-at-exit]] [ARGS...]"
            + "  (MEM like 64m; ARGS like root=/dev/lgba init=/bin/sh, or quiet -- PROGRAM ARGS; WHAT: all, or some of "
            + String.join(",", TraceOptions.WORDS) + "), or: lguest --restore=FILE [--save=FILE]";
    /** The least memory worth booting, and the most the Guest can use (LGUEST_MAX_RAM). */
    static final int MIN_MEM = 4 << 20, MAX_MEM = MAX_RAM;

    PhysicalMemory mem = new PhysicalMemory();
    int memBytes, top;
    /** What INITIALIZE was given: the kernel's entry, its page_offset, the first page directory. */
    int start, pageOffset, pgdir;
    LguestDevice dev;
    /** --trace, once the Launcher has opened it; closed when the Launcher ends. */
    Trace trace;
    volatile boolean finished;
    final List<Device> devices = new ArrayList<>();
    /** --save=FILE, and whether a SIGUSR1 has asked for it (M:676). */
    private Path saveTo;
    private volatile boolean saveRequested;
    private static volatile Launcher signalled;
    private final PrintStream err;
    private boolean verbose;
    /** --net=user's hostfwd rules (null without --net=user), and the --trace options. */
    private List<Gateway.Forward> userNet;
    private final TraceOptions traceOpts = new TraceOptions();

    /** The console is a terminal: the Guest's console then gets a line discipline (L:330). */
    private final boolean terminal;

    Launcher(PrintStream err) {
        this(err, false);
    }

    Launcher(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** The command-line entry point: exits with the guest's status. */
    public static void main(String[] args) {
        Terminal term = Terminal.rawIfInteractive();
        List<String> saveSignals = new ArrayList<>(List.of("USR1"));
        if (List.of(args).contains("--save-at-exit")) saveSignals.addAll(List.of("TERM", "HUP"));
        for (String name : saveSignals) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
                    Launcher l = signalled;
                    if (l != null) l.requestSave();
                    else if (!name.equals("USR1")) System.exit(128 + s.getNumber());
                });
            } catch (IllegalArgumentException e) {
                // a signal this system lacks: nobody can send it either
            }
        }
        int status;
        try {
            // Not System.out: a PrintStream swallows write errors, and a Launcher
            // whose reader has gone must notice (see Console.OutputError).
            status = run(new Host(), args, System.in, new java.io.FileOutputStream(java.io.FileDescriptor.out),
                    System.err, term.interactive());
        } finally {
            term.restore();
        }
        System.exit(status);
    }

    /** Runs one guest to its end; returns the exit status lguest would have. Never throws. */
    public static int run(Host host, String[] args, InputStream in, OutputStream out, PrintStream err) {
        return run(host, args, in, out, err, false);
    }

    /** As {@link #run(Host, String[], InputStream, OutputStream, PrintStream)}, saying whether
     *  the console is a terminal (main: standard input is one; tests may pretend). */
    static int run(Host host, String[] args, InputStream in, OutputStream out, PrintStream err, boolean terminal) {
        int status;
        do status = runOnce(host, args, in, out, err, terminal); while (status == RESTART);
        return status;
    }

    private static int runOnce(Host host, String[] args, InputStream in, OutputStream out, PrintStream err, boolean terminal) {
        Launcher l = new Launcher(err, terminal);
        try {
            return l.launch(host, args, in, out);
        } catch (LaunchError e) {
            err.println("lguest: " + e.getMessage());
            return 1;
        } catch (Console.OutputError e) {
            if (e.brokenPipe()) return 141; // as a shell reports a process that SIGPIPE stopped
            err.println("lguest: cannot write the guest's output: " + why(e));
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("lguest: " + why(e));
            return 1;
        } catch (OutOfMemoryError e) {
            l.mem = null;
            err.println("lguest: not enough Java heap for that much guest memory (raise it with LGUEST_JAVA_OPTS=-Xmx...)");
            return 1;
        } finally {
            l.finished = true;
            if (l.dev != null) l.dev.close();
            if (l.trace != null) l.trace.close();
            for (Device d : l.devices) {
                if (d instanceof BlockDevice) ((BlockDevice) d).close();
                if (d instanceof NetDevice) ((NetDevice) d).close();
                if (d instanceof UserNetDevice) ((UserNetDevice) d).close();
            }
        }
    }

    static String why(Exception e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /*L:100 The command line, as lguest's: the memory size and the kernel, options,
     * and whatever is left over becomes the Guest's kernel command line, starting
     * at the first word that is not an option (a bare "--" counts as one: it is
     * the Guest kernel's own separator between its words and its first
     * program's).  Every mistake is one line and a non-zero exit; a stack trace is
     * no way to tell somebody they mistyped a file name.  An option that names one
     * thing (--block, --initrd) may be given once: a second is refused, not a
     * silent override of the first.  And a Guest command line longer than the
     * Guest keeps (LGUEST_COMMAND_LINE_SIZE in lguest.h, 2,048 bytes with its NUL)
     * is refused here, where it can still be said, instead of reaching a kernel
     * that would run the front of it. */
    private int launch(Host host, String[] args, InputStream in, OutputStream out) throws LaunchError, IOException {
        List<String> pos = new ArrayList<>();
        List<String> cmdline = new ArrayList<>();
        Path block = null, initrd = null;
        List<String> nets = new ArrayList<>();
        boolean stats = false, snapshot = false, gdbWait = false, saveAtExit = false;
        Integer gdbPort = null;
        Path restore = null;
        for (String a : args) {
            if (pos.size() >= 2 && (!a.startsWith("--") || a.equals("--"))) { cmdline.add(a); continue; }
            if (!cmdline.isEmpty()) { cmdline.add(a); continue; }
            if (a.startsWith("--block=")) {
                snapshot = a.endsWith(",snapshot");
                block = once(block, "--block", Path.of(a.substring(8, a.length() - (snapshot ? 9 : 0))));
            }
            else if (a.startsWith("--sharenet=")) nets.add(a.substring(11));
            else if (a.startsWith("--net=")) {
                List<Gateway.Forward> fw = Gateway.parse(a.substring(6));
                if (fw == null) throw new LaunchError("bad " + a + " (want --net=user[,hostfwd=tcp::HOSTPORT-:GUESTPORT]...)");
                userNet = once(userNet, "--net", fw);
            }
            else if (a.startsWith("--initrd=")) initrd = once(initrd, "--initrd", Path.of(a.substring(9)));
            else if (a.equals("--verbose")) verbose = true;
            else if (a.equals("--stats")) stats = true;
            else if (traceOpts.accept(a)) continue;
            else if (a.startsWith("--gdb=")) gdbPort = once(gdbPort, "--gdb", port(a.substring(6)));
            else if (a.equals("--gdb-wait")) gdbWait = true;
            else if (a.startsWith("--save=")) saveTo = once(saveTo, "--save", Path.of(a.substring(7)));
            else if (a.equals("--save-at-exit")) saveAtExit = true;
            else if (a.startsWith("--restore=")) restore = once(restore, "--restore", Path.of(a.substring(10)));
            else if (a.equals("--interpret")) CodeCache.interpretOnly();
            else if (a.startsWith("--translate=")) CodeCache.translateAfter(threshold(a.substring(12)));
            else if (a.startsWith("--")) throw new LaunchError("unknown option " + a + " (run lguest alone for usage)");
            else pos.add(a);
        }
        if (restore != null && (!pos.isEmpty() || block != null || initrd != null || !nets.isEmpty() || userNet != null))
            throw new LaunchError("--restore brings its own memory, kernel and devices: name none of them");
        if (restore == null && pos.size() < 2) throw new LaunchError(USAGE);
        if (gdbWait && gdbPort == null) throw new LaunchError("--gdb-wait needs --gdb=PORT");
        if (saveAtExit && saveTo == null) throw new LaunchError("--save-at-exit needs --save=FILE");
        int length = kernelCommandLine(cmdline).getBytes(StandardCharsets.UTF_8).length;
        if (length >= COMMAND_LINE_SIZE)   // the Guest would keep the front and lose the rest
            throw new LaunchError("the Guest's command line is " + length + " bytes, and it holds "
                    + (COMMAND_LINE_SIZE - 1) + " (pass the rest in a file on --block, or through a script)");
        /*:*/
        Snapshot.Image img = restore == null ? null : Snapshot.open(restore);
        try {
            return launch(host, img, pos, cmdline, block, snapshot, initrd, nets, in, out, stats, gdbPort,
                    gdbWait);
        } finally {
            if (img != null) img.close();
            if (signalled == this) signalled = null;
        }
    }

    private int launch(Host host, Snapshot.Image img, List<String> pos, List<String> cmdline, Path block,
            boolean snapshot, Path initrd, List<String> nets, InputStream in, OutputStream out, boolean stats,
            Integer gdbPort, boolean gdbWait) throws LaunchError, IOException {
        memBytes = img != null ? img.memBytes : parseMem(pos.get(0));

        /*L:110 Guest memory.  In lguest the Guest's physical memory *was* the
         * Launcher's memory from address 0, so a guest-physical address and a
         * Launcher pointer were the same number.  Here the Launcher owns an emulated
         * physical address space and puts RAM at 0, then the device page and one page
         * per device just above it; the first page past all that is pfn_limit, and
         * the Host will not let the Guest name anything from there up. */
        Console console = new Console(out, terminal);
        devices.add(console);
        if (img != null) img.read(() -> Snapshot.readDevices(img, devices));
        if (block != null) devices.add(new BlockDevice(block, snapshot));
        for (String n : nets) devices.add(NetDevice.fromOption(n));
        if (userNet != null) devices.add(new UserNetDevice(userNet));
        top = memBytes + 4096 * (1 + devices.size());
        if (img != null && (img.top != top || memBytes < MIN_MEM || memBytes > MAX_MEM))
            throw Snapshot.damaged(img.file, new IOException("its memory does not add up"));
        mem.addRegion(0, memBytes + 4096);
        for (int i = 0; i < devices.size(); i++) {
            Device d = devices.get(i);
            d.index = i;
            d.page = memBytes + 4096 * (1 + i);
            if (d instanceof NetDevice) mapShared((NetDevice) d);
            else mem.addRegion(d.page, 4096);
            d.describe(this);
            if (d instanceof BlockDevice) ((BlockDevice) d).setup(this);
            if (d instanceof UserNetDevice) ((UserNetDevice) d).setup(this);
        }
        /*:*/
        String kernel = img != null ? "from " + img.file : pos.get(1);
        if (img != null) {
            img.read(() -> Snapshot.readMemory(img, this));
            start = img.start;
            pageOffset = img.pageOffset;
            pgdir = img.pgdir;
        } else {
            KernelImage k = KernelImage.load(Path.of(kernel), mem, memBytes);
            int initrdBytes = 0;
            if (initrd != null) initrdBytes = loadInitrd(initrd, k);
            pgdir = setupPagetables(memBytes - initrdBytes, k.pageOffset);
            writeBootParams(kernelCommandLine(cmdline));
            start = k.start;
            pageOffset = k.pageOffset;
        }
        if (verbose)
            err.printf("lguest: %d MB, kernel %s page_offset %#x start %#x, pgdir %#x, pfnlimit %#x%n",
                    memBytes >>> 20, kernel, pageOffset, start, pgdir, top >>> 12);

        /*L:185 Tell the Host: INITIALIZE with pfnlimit, the page directory, the start
         * address and page_offset.  From here on the Guest exists.  Not lguest: with
         * --trace, /dev/lguest is opened with somewhere to write what the Host does for
         * this Guest (H:730), since a Java Host has no printk to read it from. */
        trace = traceOpts.open(err);
        dev = trace == null ? host.open(mem) : host.open(mem, trace);
        long r = dev.write(LHREQ_INITIALIZE, top >>> 12, pgdir, start, pageOffset);
        if (r < 0) throw new LaunchError("cannot initialize the guest: error " + (-r)
                + (r == -ENOSPC ? " (all " + Host.MAX_GUESTS + " guest slots are in use)" : ""));
        /*:*/
        for (Device d : devices)
            if (d instanceof NetDevice) {
                dev.mapShared(d.page, 4096, ((NetDevice) d).file);
                ((NetDevice) d).start(this);
            }
        if (img != null) img.read(() -> {
            dev.restoreState(img.in);
            Snapshot.readEnd(img);
        });
        if (saveTo != null) signalled = this;
        console.startWaker(this, in);
        for (Device d : devices)
            if (d instanceof UserNetDevice) ((UserNetDevice) d).startWaker(this);
        lguest.gdb.GdbStub gdb = gdbPort == null ? null : gdbStub(gdbPort, gdbWait);
        int status = 1;
        try {
            status = runGuest(console);
        } finally {
            if (gdb != null) gdb.guestEnded(status);
        }
        if (stats) {
            err.print(dev.stats().report() + CodeCache.report());
            for (Device d : devices) if (d instanceof NetDevice) err.print(((NetDevice) d).report());
            for (Device d : devices) if (d instanceof UserNetDevice) err.print(((UserNetDevice) d).gateway.report());
        }
        return status;
    }

    /*L:105 The Guest gets its command line as one string, and lguest's Launcher
     * made it by joining its arguments with spaces.  That loses the boundaries
     * between them: awk's 'BEGIN{printf "%d\n", 1}' arrives as three words.  So
     * every argument that a shell would split or unquote is written the way a
     * shell would read it back, in single quotes, with each quote inside
     * written '\'' (close, an escaped quote, open again).  The Guest's
     * split_words() reads exactly that back; plain words pass unchanged, so
     * "quiet" and "quest=1" look as they always did. */
    static String kernelCommandLine(List<String> args) {
        StringBuilder b = new StringBuilder();
        for (String a : args) {
            if (b.length() > 0) b.append(' ');
            if (!a.isEmpty() && a.chars().noneMatch(c -> c <= ' ' || c == '\'' || c == '"' || c == '\\')) b.append(a);
            else b.append('\'').append(a.replace("'", "'\\''")).append('\'');
        }
        return b.toString();
    }
    /*:*/

    /*M:664 --gdb=PORT puts a gdb stub on 127.0.0.1 beside the Guest (M:650), and says
     * where, since PORT 0 lets the system choose; with --gdb-wait the Guest stands at
     * its first instruction until a gdb has connected.  Only the loopback address: a
     * debugger can rewrite the Guest's kernel, which is not a service to offer the
     * network. */
    private lguest.gdb.GdbStub gdbStub(int port, boolean wait) throws LaunchError {
        try {
            lguest.gdb.GdbStub s = lguest.gdb.GdbStub.listen(port, dev.debug(), wait);
            err.println("lguest: gdb stub on 127.0.0.1:" + s.port() + (wait ? ", waiting for gdb" : ""));
            return s;
        } catch (IOException e) {
            throw new LaunchError("cannot listen for gdb on 127.0.0.1:" + port + ": " + why(e));
        }
    }
    /*:*/

    private static int threshold(String s) throws LaunchError {
        return number(s, 0, Integer.MAX_VALUE, "bad --translate=" + s + " (runs of a block before it is translated: 0 or more)");
    }

    private static int port(String s) throws LaunchError {
        return number(s, 0, 65535, "bad --gdb port " + s + " (a number from 0 to 65535)");
    }

    /** s as a number from lo to hi, or the one line that says what was wanted. */
    private static int number(String s, int lo, int hi, String complaint) throws LaunchError {
        try {
            int n = Integer.parseInt(s);
            if (n >= lo && n <= hi) return n;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new LaunchError(complaint);
    }

    /** An option that names one thing may be given once: a second one is a mistake, not an override. */
    private static <T> T once(T before, String option, T value) throws LaunchError {
        if (before != null) throw new LaunchError(option + " given twice (" + before + " and " + value + ")");
        return value;
    }

    private static int parseMem(String s) throws LaunchError {
        String t = s.toLowerCase();
        long mult = 1 << 20;
        if (t.endsWith("m")) t = t.substring(0, t.length() - 1);
        else if (t.endsWith("g")) { mult = 1L << 30; t = t.substring(0, t.length() - 1); }
        else if (t.endsWith("k")) { mult = 1 << 10; t = t.substring(0, t.length() - 1); }
        long v;
        try {
            v = Math.multiplyExact(Long.parseLong(t), mult);
        } catch (NumberFormatException e) {
            throw new LaunchError("bad memory size " + s + " (say 64m)");
        } catch (ArithmeticException e) {
            v = Long.MAX_VALUE; // too many digits to count in 64 bits: certainly too large
        }
        if (v < MIN_MEM) throw new LaunchError("memory " + s + " is too small (at least 4m)");
        if (v > MAX_MEM) throw new LaunchError("memory " + s + " is too large (at most " + (MAX_MEM >> 20) + "m, all the Guest can use)");
        return (int) (v & ~0xFFFL);
    }

    /*L:160 The initrd goes at the very top of RAM, and the boot parameters say where.
     * To our Guest an initrd is its first program (G:708), so the Launcher looks at
     * its ELF header first: any other file would boot the demonstration, or end under
     * "quiet" with status 127 and nothing said, where one line here says what is wrong. */
    private int loadInitrd(Path f, KernelImage k) throws LaunchError {
        byte[] b;
        try {
            if (Files.size(f) > memBytes) throw new LaunchError("initrd " + f + " does not fit in memory");
            b = Files.readAllBytes(f);
        } catch (IOException | SecurityException e) {
            throw new LaunchError("cannot read initrd " + f + ": " + why(e));
        }
        if (b.length < 52 || word(b, 0) != 0x464C457F)
            throw new LaunchError("initrd " + f + " is not an ELF file (the Guest runs its initrd as its first program)");
        if (b[4] != 1 || b[5] != 1 || (b[16] | b[17] << 8) != 2 || (b[18] | b[19] << 8) != 3)
            throw new LaunchError("initrd " + f + " is not a 32-bit i386 ELF executable, which is all the Guest can run");
        int size = (b.length + 4095) & ~4095;
        int at = memBytes - size;
        if (at < k.highestPhys + (64 << 10)) throw new LaunchError("initrd " + f + " does not fit in memory");
        mem.write(at, b, 0, b.length);
        mem.write32(BOOT_RAMDISK_IMAGE, at);
        mem.write32(BOOT_RAMDISK_SIZE, b.length);
        mem.write8(0x210, 0xFF);
        return size;
    }
    /*:*/

    /*L:170 The initial page tables, just below the initrd (or the top of RAM).  They
     * map all of RAM at page_offset and nothing at 0: a 2.6.23 Guest starts with
     * paging on, at its virtual entry point, and only ever looks at memory through
     * its kernel mapping until it builds tables of its own.  Each entry has PRESENT,
     * WRITABLE and USER (flags 7); the Guest tightens them when it takes over. */
    private int setupPagetables(int below, int pageOffset) throws LaunchError {
        long mappable = 0x1_0000_0000L - Integer.toUnsignedLong(pageOffset);
        int pages = (int) Math.min(memBytes / 4096L, mappable / 4096);
        int ptePages = (pages + 1023) / 1024;
        int ptes = (below - ptePages * 4096) & ~0xFFF;
        int pgdir = ptes - 4096;
        if (pgdir < (2 << 20)) throw new LaunchError("memory too small for the page tables");
        for (int i = 0; i < pages; i++) mem.write32(ptes + i * 4, (i << 12) | 7);
        for (int i = 0; i < ptePages; i++)
            mem.write32(pgdir + ((pageOffset >>> 22) + i) * 4, (ptes + i * 4096) | 7);
        return pgdir;
    }
    /*:*/

    /*L:180 The boot parameters, Linux's "zero page" at physical 0, as lguest filled
     * it: one e820 memory region covering all of RAM, the command line at 4096 with
     * its pointer at 0x228, and 1 at 0x23C, the field later called hardware_subarch,
     * which told a kernel "you are an lguest guest". */
    private void writeBootParams(String cmdline) {
        byte[] c = cmdline.getBytes(StandardCharsets.UTF_8);   // its length was checked in launch()
        mem.write8(BOOT_E820_ENTRIES, 1);
        mem.write32(BOOT_E820_MAP, 0);
        mem.write32(BOOT_E820_MAP + 4, 0);
        mem.write32(BOOT_E820_MAP + 8, memBytes);
        mem.write32(BOOT_E820_MAP + 12, 0);
        mem.write32(BOOT_E820_MAP + 16, E820_RAM);
        mem.write32(BOOT_CMD_LINE_PTR, BOOT_CMD_LINE);
        mem.write(BOOT_CMD_LINE, c, 0, c.length);
        mem.write8(BOOT_CMD_LINE + c.length, 0);
        mem.write32(BOOT_SUBARCH, 1);
    }
    /*:*/

    /*L:200 The Launcher's loop: read() runs the Guest; it comes back with a DMA for
     * one of our devices, with -EAGAIN because the waker broke in, or with -ENOENT
     * because the Guest died, in which case a second read says why.  "CRASH: Power
     * down" is how a Guest powers off, and a number after it is its exit status. */
    /** The shared network's page, mapped from its file: a file that cannot be mapped (a /proc file, say) is named. */
    private void mapShared(NetDevice d) throws LaunchError {
        try {
            mem.addFileRegion(d.page, 4096, d.channel());
        } catch (IOException e) {
            throw new LaunchError("cannot map shared network file " + d.file + ": " + why(e));
        }
    }

    private int runGuest(Console console) throws IOException, LaunchError {
        byte[] buf = new byte[256];
        while (true) {
            int r = dev.read(buf);
            if (console.quit) {
                err.println("lguest: three ^C in a second, quitting");
                return 130;
            }
            if (r == 8) {
                int dma = word(buf, 0), key = word(buf, 4);
                handleOutput(dma, key);
            } else if (r == -EAGAIN) {
                if (saveRequested && saved()) return 0;
                console.deliverInput(this);
                for (Device d : devices) d.deliverInput(this);
                dev.write(LHREQ_BREAK, 0);
            } else if (r == -ENOENT) {
                int n = dev.read(buf);
                String reason = new String(buf, 0, Math.max(0, n), StandardCharsets.ISO_8859_1);
                int nul = reason.indexOf('\0');
                if (nul >= 0) reason = reason.substring(0, nul);
                return exitStatus(reason);
            } else if (r == -ERESTARTSYS) {
                throw new LaunchError("interrupted");
            } else {
                throw new LaunchError("read of /dev/lguest failed: error " + (-r));
            }
        }
    }

    /*:*/

    /*L:205 A Guest that asks to be restarted (reboot(), U:770) says so with
     * "CRASH: Restarting", as lguest's later Guests did.  lguest's Launcher then
     * executed itself again with its own arguments; ours starts over with the
     * same arguments in the same JVM: a new Guest, new memory, the devices
     * opened afresh, the same standard input and output (run() above loops).
     * Anything else that is not a power-off is a death, and its reason is
     * worth a line. */
    static final int RESTART = -1;

    int exitStatus(String reason) {
        if (reason.equals("CRASH: Restarting")) return RESTART;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("CRASH: Power down(?: (\\d+))?\\s*").matcher(reason);
        if (m.matches()) return m.group(1) == null ? 0 : Integer.parseInt(m.group(1)) & 0xFF;
        err.println("lguest: guest died: " + reason);
        return 1;
    }
    /*:*/

    /*M:676 SIGUSR1 asks for a snapshot, and so, with --save-at-exit, do SIGTERM and
     * SIGHUP: what a machine sends its processes as it powers off, or a terminal as
     * it closes, then saves the Guest instead of losing it.  The signal comes on a
     * thread of the JVM's, and BREAK from there brings the Launcher's own thread back
     * from the Host (L:070) at the top of the run loop; there, with the Guest
     * standing still, Snapshot.save writes it down, and the Launcher ends with status
     * 0 and one line saying where the Guest went.  A save that fails (a full disk, a
     * network device) says why, and the Guest runs on: losing it would be worse.
     * BREAK waits for an answer, so it is sent from a thread of its own, which the
     * Launcher's ending releases. */
    void requestSave() {
        saveRequested = true;
        Thread t = new Thread(() -> dev.write(LHREQ_BREAK, 1), "lguest-save");
        t.setDaemon(true);
        t.start();
    }

    /** Saves the Guest; if that cannot be done, says why and lets it run on. */
    private boolean saved() {
        saveRequested = false;
        try {
            Snapshot.save(this, saveTo);
            err.println("lguest: saved the guest to " + saveTo);
            return true;
        } catch (IOException | LaunchError e) {
            err.println("lguest: cannot save the guest to " + saveTo + ": "
                    + (e instanceof IOException ? why((IOException) e) : e.getMessage()) + "; it runs on");
            return false;
        }
    }
    /*:*/

    Console console() { return (Console) devices.get(0); }

    /*L:210 A DMA for the Launcher: find the device by its key, check every piece of
     * the buffer lies in the Guest's memory (the Host checked nothing, since a
     * private key is the Launcher's business), let the device serve it and write its
     * answer into used_len. */
    private void handleOutput(int dma, int key) throws IOException, LaunchError {
        List<int[]> secs = sections(dma);
        if (secs == null) throw new LaunchError(String.format("Invalid address in DMA %#x", dma));
        for (Device d : devices) {
            if (d.ownsKey(key)) {
                int res = d.handleOutput(this, key, secs);
                mem.write32(dma + DMA_USED_LEN, res);
                return;
            }
        }
        if (verbose) err.printf("lguest: pending dma %#x, key %#x: no device%n", dma, key);
    }

    /** The pieces of an lguest_dma at a guest-physical address, or null if any lies outside the guest. */
    List<int[]> sections(int dma) {
        if (dma < 0 || (long) dma + DMA_SIZE > top) return null;
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < LGUEST_MAX_DMA_SECTIONS; i++) {
            int len = mem.read16(dma + DMA_LEN + 2 * i);
            if (len == 0) break;
            int addr = mem.read32(dma + DMA_ADDR + 4 * i);
            if (addr < 0 || (long) addr + len > top) return null;
            out.add(new int[] {addr, len});
        }
        return out;
    }
    /*:*/

    private static int word(byte[] b, int o) {
        return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8 | (b[o + 2] & 0xFF) << 16 | (b[o + 3] & 0xFF) << 24;
    }
}
