package lguest.tools;

import static lguest.host.Abi.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import lguest.host.Host;
import lguest.launcher.Launcher;
import lguest.machine.PhysicalMemory;

/**
 * {@code AddressSpaceFigure OUT.puml [--at=TEXT] MEM KERNEL [Launcher options and ARGS...]}:
 * boots a Guest with the real Launcher and Host, stops to look the moment its console
 * prints TEXT (by default the first ring-3 program's greeting), and writes what it saw
 * as a PlantUML figure of the four address spaces: Guest virtual, Guest physical, the
 * Launcher's memory and the Host's own frames. {@code make docs} draws the Quest's map
 * this way, so that the map is of this code, not of a memory of it.
 */
public final class AddressSpaceFigure {
    static final String USAGE = "usage: AddressSpaceFigure OUT.puml [--at=TEXT] MEM KERNEL [Launcher options and ARGS...]";
    static final String DEFAULT_MOMENT = "hello from user space";
    /** Where the Switcher lives in every address space (S:020) and where the Host's frames start (H:040). */
    static final int SWITCHER = 0xFFC00000, HOST_FRAMES = 0xF0000000;
    static final String[] SWITCHER_PAGES = {"trap stubs", "switch_to_guest", "registers", "read-only state: IDT, GDT, TSS"};

    private AddressSpaceFigure() { }

    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    /** Does the whole job; returns the exit status and never throws. */
    static int run(String[] args, PrintStream err) {
        if (args.length < 3) {
            err.println(USAGE);
            return 2;
        }
        Path out = Path.of(args[0]);
        String moment = DEFAULT_MOMENT;
        List<String> launcherArgs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (launcherArgs.isEmpty() && args[i].startsWith("--at=")) moment = args[i].substring(5);
            else launcherArgs.add(args[i]);
        }
        List<String> positional = launcherArgs.stream().filter(a -> !a.startsWith("--")).limit(2).toList();
        if (positional.size() < 2) {
            err.println(USAGE);
            return 2;
        }
        try {
            Figure f = capture(moment, Path.of(positional.get(1)), launcherArgs.toArray(String[]::new), err);
            if (f.snapshot == null) {
                err.println("AddressSpaceFigure: the guest never printed \"" + moment + "\" (status " + f.status
                        + "); console said:\n" + f.console);
                return 1;
            }
            if (f.status != 0) {
                err.println("AddressSpaceFigure: the guest did not end well (status " + f.status
                        + "), and a map of a broken guest is no map; console said:\n" + f.console);
                return 1;
            }
            if (out.getParent() != null) Files.createDirectories(out.getParent());
            Files.writeString(out, f.snapshot.plantuml(moment));
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("AddressSpaceFigure: " + e);
            return 1;
        }
    }

    /** What one run gave: the look taken at the moment (null if it never came), the console text, the status. */
    record Figure(Snapshot snapshot, String console, int status) { }

    /*H:720 A map drawn from life.  The Quest's figure of the four address spaces is
     * not drawn by hand: `make docs` boots the demo Guest with the real Launcher and
     * Host, and when the Guest's first ring-3 program prints its greeting, stops to
     * look.  That is a good moment, because the greeting is console output: a DMA to
     * the Launcher, so the Guest is parked outside the CPU in the middle of a
     * hypercall, with the program's own page tables still in CR3.  Nothing is asked of
     * the Host beyond the View of H:710.  The rest is found the way the CPU or a
     * debugger would find it: slot 1023 of the shadow directory in CR3 leads to the
     * Switcher's page table and its four pages; the Guest's own directory says what
     * it believes is mapped; the device page at the end of RAM says which devices
     * there are; and asking the physical memory, page by page, which frames exist
     * shows the Launcher's regions and the Host's frames above them. */
    static Figure capture(String moment, Path kernel, String[] launcherArgs, PrintStream err) {
        Host host = new Host();
        Snapshot[] seen = new Snapshot[1];
        ByteArrayOutputStream console = new ByteArrayOutputStream() {
            @Override
            public synchronized void write(byte[] b, int off, int len) {
                super.write(b, off, len);
                if (seen[0] == null && toString(StandardCharsets.ISO_8859_1).contains(moment))
                    seen[0] = Snapshot.look(host.views().get(0), kernel);
            }
        };
        int status = Launcher.run(host, launcherArgs, InputStream.nullInputStream(), console, err);
        return new Figure(seen[0], console.toString(StandardCharsets.ISO_8859_1), status);
    }
    /*:*/

    /** One run of virtual pages, contiguous, with the flags of its first page. */
    record Run(int start, int pages, int flags, boolean linear) {
        long end() { return Integer.toUnsignedLong(start) + (long) pages * 4096 - 1; }
    }

    /** A PT_LOAD segment of the kernel, at its physical address. */
    record Segment(int paddr, int memsz, int flags) { }

    /** A device descriptor on the bus page. */
    record BusDevice(int index, int type, int status, int pfn, int pages) { }

    /** Everything the figure says, read at one moment. */
    static final class Snapshot {
        Host.View view;
        int ramBytes;
        List<Run> userRuns = new ArrayList<>(), kernelRuns = new ArrayList<>();
        TreeSet<Integer> userFrames = new TreeSet<>();
        int guestPageTables;
        int shadowPgdEntries, shadowUserPtes, shadowKernelPtes;
        List<Integer> shadowTables = new ArrayList<>();
        int switcherTable;
        int[] switcherFrames = new int[4], switcherFlags = new int[4];
        boolean stubsAreHostCode;
        List<long[]> physicalRegions = new ArrayList<>();
        int hostFrames;
        List<BusDevice> devices = new ArrayList<>();
        List<Segment> kernelSegments = new ArrayList<>();

        static Snapshot look(Host.View v, Path kernel) {
            Snapshot s = new Snapshot();
            PhysicalMemory mem = v.memory();
            s.view = v;
            /* The boot parameters' one e820 entry (L:180): all of RAM. */
            s.ramBytes = mem.read32(0x2D8);
            for (int i = 0; i < LGUEST_MAX_DEVICES; i++) {
                int d = s.ramBytes + i * DESC_SIZE;
                int type = mem.read16(d + DESC_TYPE);
                if (type != 0)
                    s.devices.add(new BusDevice(i, type, mem.read16(d + DESC_STATUS), mem.read32(d + DESC_PFN),
                            mem.read16(d + DESC_NUM_PAGES)));
            }
            s.walkGuestTables(mem);
            s.walkShadow(mem);
            long start = -1;
            for (long p = 0; p <= 0xFFFFF; p++) {
                boolean backed = mem.isBacked((int) (p << 12));
                if (backed && start < 0) start = p << 12;
                if ((!backed || p == 0xFFFFF) && start >= 0) {
                    long end = backed ? (p + 1) << 12 : p << 12;
                    s.physicalRegions.add(new long[] {start, end});
                    if (start >= Integer.toUnsignedLong(HOST_FRAMES)) s.hostFrames += (int) ((end - start) >>> 12);
                    start = -1;
                }
            }
            s.kernelSegments = segments(kernel);
            return s;
        }

        /* The Guest's own page tables: what it believes is mapped. */
        private void walkGuestTables(PhysicalMemory mem) {
            int pgdir = view.guestPgdir() & ~0xFFF;
            List<int[]> user = new ArrayList<>(), kern = new ArrayList<>();
            for (int i = 0; i < 1024; i++) {
                int pde = mem.read32(pgdir + i * 4);
                if ((pde & 1) == 0 || (pde & 0x80) != 0 || !mem.isBacked(pde & ~0xFFF)) continue;
                guestPageTables++;
                for (int j = 0; j < 1024; j++) {
                    int pte = mem.read32((pde & ~0xFFF) + j * 4);
                    if ((pte & 1) == 0) continue;
                    int va = (i << 22) | (j << 12);
                    int[] page = {va, pte & ~0xFFF, pte & 0xFFF};
                    if (Integer.compareUnsigned(va, view.pageOffset()) < 0) {
                        user.add(page);
                        userFrames.add(pte & ~0xFFF);
                    } else {
                        kern.add(page);
                    }
                }
            }
            userRuns = runs(user, view.pageOffset(), false);
            kernelRuns = runs(kern, view.pageOffset(), true);
        }

        private static List<Run> runs(List<int[]> pages, int pageOffset, boolean kernel) {
            List<Run> out = new ArrayList<>();
            int start = 0, n = 0, flags = 0;
            boolean linear = true;
            int next = 0;
            for (int[] p : pages) {
                boolean lin = p[1] == p[0] - pageOffset;
                boolean sameKind = kernel ? lin == linear : (p[2] & 6) == (flags & 6);
                if (n > 0 && p[0] == next && sameKind) {
                    n++;
                } else {
                    if (n > 0) out.add(new Run(start, n, flags, linear));
                    start = p[0];
                    n = 1;
                    flags = p[2];
                    linear = lin;
                }
                next = p[0] + 4096;
            }
            if (n > 0) out.add(new Run(start, n, flags, linear));
            return out;
        }

        /* The shadow directory in CR3: what the CPU really walks. */
        private void walkShadow(PhysicalMemory mem) {
            int cr3 = view.cr3() & ~0xFFF;
            for (int i = 0; i < 1024; i++) {
                int pde = mem.read32(cr3 + i * 4);
                if ((pde & 1) == 0) continue;
                int pt = pde & ~0xFFF;
                if (i == SWITCHER >>> 22) {
                    switcherTable = pt;
                    for (int k = 0; k < 4; k++) {
                        int pte = mem.read32(pt + k * 4);
                        switcherFrames[k] = pte & ~0xFFF;
                        switcherFlags[k] = pte & 0xFFF;
                    }
                    stubsAreHostCode = mem.isHostCode(switcherFrames[0] >>> 12);
                    continue;
                }
                shadowPgdEntries++;
                shadowTables.add(pt);
                for (int j = 0; j < 1024; j++) {
                    if ((mem.read32(pt + j * 4) & 1) == 0) continue;
                    if (Integer.compareUnsigned(i << 22, view.pageOffset()) < 0) shadowUserPtes++;
                    else shadowKernelPtes++;
                }
            }
        }

        /** The kernel's PT_LOAD segments (the Launcher loaded them at p_paddr, L:120). */
        static List<Segment> segments(Path kernel) {
            List<Segment> out = new ArrayList<>();
            try {
                ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(kernel)).order(ByteOrder.LITTLE_ENDIAN);
                int phoff = b.getInt(28), phentsize = b.getShort(42) & 0xFFFF, phnum = b.getShort(44) & 0xFFFF;
                for (int i = 0; i < phnum; i++) {
                    int ph = phoff + i * phentsize;
                    if (b.getInt(ph) == 1 && b.getInt(ph + 20) != 0)
                        out.add(new Segment(b.getInt(ph + 12), b.getInt(ph + 20), b.getInt(ph + 24)));
                }
            } catch (IOException | RuntimeException e) {
                /* The Launcher loaded it, so this does not happen; if it does, the figure just omits it. */
            }
            return out;
        }

        // --------------------------------------------------------------------------
        //  The figure
        // --------------------------------------------------------------------------

        String plantuml(String moment) {
            Host.View v = view;
            StringBuilder b = new StringBuilder();
            b.append("@startuml\n");
            b.append("' Drawn by lguest.tools.AddressSpaceFigure (H:720) from a live Guest; do not edit.\n");
            b.append(String.format("' The moment: the Guest's console printed \"%s\".\n", esc(moment)));
            b.append("!pragma layout smetana\n");
            b.append("skinparam shadowing false\nskinparam defaultFontName sans-serif\n");
            b.append("skinparam rectangle {\n  BackgroundColor #FFFFFF\n  BorderColor #555555\n}\n");
            b.append("skinparam ArrowColor #7A2518\n");

            /* Guest virtual, as the CPU walks it. */
            b.append(String.format("rectangle \"**Guest virtual**\\nthe CPU walks CR3 = %s,\\na shadow directory (%d slots filled)\" as V #F7F3EF {\n",
                    hex(v.cr3()), shadowPgdEntries));
            StringBuilder t = new StringBuilder();
            for (int k = 0; k < 4; k++)
                t.append(String.format("\\n%s %s%s", hex(SWITCHER + k * 4096), SWITCHER_PAGES[k],
                        (switcherFlags[k] & 2) != 0 ? ", writable" : ""));
            b.append(String.format("  rectangle \"**the Switcher**, in every Guest%s\\nno USER bit; CR0.WP makes the read-only\\nones read-only for ring 1 too\\nIDTR %s, GDTR %s\" as Vsw\n",
                    t, hex(v.idtrBase()), hex(v.gdtrBase())));
            t.setLength(0);
            for (Run r : kernelRuns)
                t.append(String.format("\\n%s–%s  %s%s", hex(r.start()), hex((int) r.end()), pages(r.pages()),
                        r.linear() ? "" : ", not linear"));
            b.append(String.format("  rectangle \"**the kernel**, from PAGE_OFFSET %s%s\\n%d of these pages in the shadow so far\" as Vk\n",
                    hex(v.pageOffset()), t, shadowKernelPtes));
            t.setLength(0);
            int shown = 0;
            for (Run r : userRuns) {
                if (shown++ == 8) { t.append(String.format("\\n… and %d more runs of pages", userRuns.size() - 8)); break; }
                t.append(String.format("\\n%s–%s  %s, %s", hex(r.start()), hex((int) r.end()), pages(r.pages()),
                        (r.flags() & 2) != 0 ? "writable" : "read-only"));
            }
            b.append(String.format("  rectangle \"**user space**: the running program, ring 3%s\\n%d of these pages in the shadow so far\" as Vu\n",
                    t, shadowUserPtes));
            b.append("}\n");

            /* Guest physical. */
            b.append(String.format("rectangle \"**Guest physical**\\npfn_limit %#x: nothing from\\n%s up is the Guest's\" as P #EEF3F8 {\n",
                    v.pfnLimit(), hex(v.pfnLimit() << 12)));
            t.setLength(0);
            for (BusDevice d : devices)
                t.append(String.format("\\n%s device %d, %s (%s)", hex(d.pfn() << 12), d.index(), typeName(d.type()),
                        status(d.status())));
            b.append(String.format("  rectangle \"**the devices' own pages**%s\" as Pdev\n", t));
            b.append(String.format("  rectangle \"**%s the device descriptor page**\\njust above RAM: %d device%s on the bus\" as Pdesc\n",
                    hex(ramBytes), devices.size(), devices.size() == 1 ? "" : "s"));
            t.setLength(0);
            for (Segment sg : kernelSegments)
                t.append(String.format("\\n%s–%s the kernel's %s", hex(sg.paddr()), hex(sg.paddr() + sg.memsz() - 1),
                        (sg.flags() & 1) != 0 ? "code" : (sg.flags() & 2) != 0 ? "data" : "read-only data"));
            if (v.lguestData() != 0) {
                boolean inImage = kernelSegments.stream()
                        .anyMatch(sg -> Integer.compareUnsigned(v.lguestData() - sg.paddr(), sg.memsz()) < 0);
                t.append(String.format("\\n%s lguest_data%s", hex(v.lguestData()), inImage ? ", in the kernel's data" : ""));
            }
            t.append(String.format("\\n%s the Guest's own page directory,\\nwith %d page tables", hex(v.guestPgdir() & ~0xFFF),
                    guestPageTables));
            if (!userFrames.isEmpty())
                t.append(String.format("\\nthe program's %d frames: %s … %s", userFrames.size(), hex(userFrames.first()),
                        hex(userFrames.last())));
            b.append(String.format("  rectangle \"**RAM: %s**, from 0x00000000%s\" as Pram\n", size(ramBytes), t));
            b.append("}\n");

            /* The Launcher's memory: which frames exist below the Host's. */
            t.setLength(0);
            for (long[] r : physicalRegions)
                if (r[0] < Integer.toUnsignedLong(HOST_FRAMES))
                    t.append(String.format("\\n%s–%s\\n(%s)", hex((int) r[0]), hex((int) (r[1] - 1)), size(r[1] - r[0])));
            b.append("rectangle \"**the Launcher's memory**\\nguest-physical addresses\\nare its own\" as L #FFFFFF {\n");
            b.append(String.format("  rectangle \"the regions it made%s:\\nRAM, the descriptor page,\\na page per device\" as Lm\n}\n", t));

            /* The Host's frames. */
            int named = 4 + 1 + 1 + shadowTables.size();
            b.append(String.format("rectangle \"**Host frames**\\n%d from %s up (H:040),\\nbeyond any pfn_limit\" as H #F3F0EA {\n",
                    hostFrames, hex(HOST_FRAMES)));
            t.setLength(0);
            for (int k = 0; k < 4; k++)
                t.append(String.format("\\n%s %s%s", hex(switcherFrames[k]), SWITCHER_PAGES[k],
                        k == 0 && stubsAreHostCode ? ", host code" : ""));
            t.append(String.format("\\n%s their page table", hex(switcherTable)));
            b.append(String.format("  rectangle \"**the Switcher's pages**%s\" as Hsw\n", t));
            b.append(String.format("  rectangle \"%s the shadow directory in CR3\\nand %d shadow page tables\" as Hpd\n",
                    hex(v.cr3() & ~0xFFF), shadowTables.size()));
            b.append(String.format("  rectangle \"%d more: other shadow directories\\nand their tables (H:410), or free\" as Hrest\n",
                    Math.max(0, hostFrames - named)));
            b.append("}\n");

            b.append("Vsw -[hidden]down- Vk\nVk -[hidden]down- Vu\n");
            b.append("Pdev -[hidden]down- Pdesc\nPdesc -[hidden]down- Pram\n");
            b.append("Hsw -[hidden]down- Hpd\nHpd -[hidden]down- Hrest\n");
            b.append(String.format("Vk -right-> Pram : virtual − %s\n", hex(v.pageOffset())));
            b.append("Vk -right-> Pdesc : device pages,\\nmapped by the Guest (D:100)\n");
            b.append(String.format("Vu -right-> Pram : %d frames\n", userFrames.size()));
            b.append("Vsw -right-> Hsw : slot 1023\n");
            b.append("Pram -right-> Lm : the same numbers\n");
            b.append("@enduml\n");
            return b.toString();
        }
    }

    static String hex(int v) {
        return String.format("0x%08X", v);
    }

    static String size(long bytes) {
        long mib = bytes >> 20, kib = (bytes >> 10) & 1023;
        if (bytes % 1024 != 0) return bytes + " bytes";
        if (mib == 0) return kib + " KiB";
        return kib == 0 ? mib + " MiB" : mib + " MiB + " + kib + " KiB";
    }

    static String pages(int n) {
        return n == 1 ? "1 page" : n + " pages";
    }

    static String typeName(int type) {
        switch (type) {
            case LGUEST_DEVICE_T_CONSOLE: return "console";
            case LGUEST_DEVICE_T_NET: return "net";
            case LGUEST_DEVICE_T_BLOCK: return "block";
            default: return "type " + type;
        }
    }

    static String status(int s) {
        if ((s & LGUEST_DEVICE_S_FAILED) != 0) return "driver failed";
        if ((s & LGUEST_DEVICE_S_DRIVER_OK) != 0) return "driver OK";
        if ((s & LGUEST_DEVICE_S_DRIVER) != 0) return "driver probing";
        if ((s & LGUEST_DEVICE_S_ACKNOWLEDGE) != 0) return "seen, no driver";
        return "not seen";
    }

    /** Text inside a PlantUML quoted label. */
    static String esc(String s) {
        return s.replace("\"", "'");
    }
}
