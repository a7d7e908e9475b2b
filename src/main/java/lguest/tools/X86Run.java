package lguest.tools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lguest.machine.CodeCache;
import lguest.machine.Cpu;
import lguest.machine.Exit;
import lguest.machine.PhysicalMemory;
import lguest.machine.Vectors;

/**
 * {@code x86run PROG [ARGS...]}: runs a static, freestanding i386 ELF in ring 3 of the
 * emulated machine, with a four-call Linux system-call interface (exit, write, brk,
 * exit_group) reached through INT 0x80.
 */
public final class X86Run {
    /*X:650 x86run is a tiny operating system whose kernel is Java. It builds what a
     * real kernel would: a GDT with ring-0 and ring-3 flat segments and a TSS, an IDT
     * whose gates all lead into one page that the machine marks as host code, and page
     * tables for the program. When the program executes INT 0x80 (gate DPL 3, so ring 3
     * may use it), the CPU does everything a real one does: reads esp0 from the TSS,
     * switches to the ring-0 stack, pushes SS, ESP, EFLAGS, CS and EIP, and jumps to the
     * gate's handler, which lies in the host-code page. Beginning to execute there is
     * what makes run() return. Java reads the registers, does the call, and resumes the
     * program the architectural way: it points EIP at a one-byte IRET in an ordinary
     * ring-0 page, and the CPU pops the frame and drops back to ring 3. This is the same
     * path, in miniature, that the Host and its Switcher take with a guest. :*/
    static final int HOST_CODE = 0xFFC00000, STUBS = 0xFFC01000, KSTACK_TOP = 0xFFC04000,
            GDT = 0xFFC04000, IDT = 0xFFC05000, TSS = 0xFFC06000;
    static final int STACK_TOP = 0xC0000000, STACK_MAX = 64 << 20;
    static final int KCODE = 0x08, KDATA = 0x10, UCODE = 0x1B, UDATA = 0x23, TSS_SEL = 0x28;
    static final int ENOSYS = -38, EFAULT = -14, EBADF = -9;

    private final PhysicalMemory mem = new PhysicalMemory();
    private final Cpu cpu = new Cpu(mem);
    private int nextFrame = 0x00100000;
    private final int pageDir;
    private final int[] pte = new int[1 << 20];
    private int brkStart, brk;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    private final PrintStream stdout, stderr;

    X86Run(PrintStream stdout, PrintStream stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
        pageDir = newFrame();
    }

    private int newFrame() {
        int f = nextFrame;
        mem.addRegion(f, PhysicalMemory.PAGE_SIZE);
        nextFrame += PhysicalMemory.PAGE_SIZE;
        return f;
    }

    /** Maps one virtual page to a fresh zeroed frame (user, and writable if asked); returns the frame. */
    private int map(int virt, boolean user, boolean writable) {
        int vpn = virt >>> 12;
        if (pte[vpn] != 0) return pte[vpn] & 0xFFFFF000;
        int pdeAddr = pageDir + ((virt >>> 22) << 2);
        int pde = mem.read32(pdeAddr);
        if ((pde & 1) == 0) {
            pde = newFrame() | 7;
            mem.write32(pdeAddr, pde);
        }
        int frame = newFrame();
        int entry = frame | 1 | (writable ? 2 : 0) | (user ? 4 : 0);
        mem.write32((pde & 0xFFFFF000) + (((virt >>> 12) & 0x3FF) << 2), entry);
        pte[vpn] = entry;
        return frame;
    }

    /** Removes a user page, and flushes its translation as a kernel's munmap must. */
    private void unmap(int virt) {
        int vpn = virt >>> 12;
        if (pte[vpn] == 0) return;
        int pde = mem.read32(pageDir + ((virt >>> 22) << 2));
        mem.write32((pde & 0xFFFFF000) + ((vpn & 0x3FF) << 2), 0);
        pte[vpn] = 0;
        cpu.invlpg(virt);
    }

    private void poke(int virt, byte[] data, int off, int len) {
        while (len > 0) {
            int n = Math.min(len, 4096 - (virt & 0xFFF));
            mem.write((pte[virt >>> 12] & 0xFFFFF000) | (virt & 0xFFF), data, off, n);
            virt += n; off += n; len -= n;
        }
    }

    private void poke32(int virt, int v) {
        byte[] b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
        poke(virt, b, 0, 4);
    }

    private static void descriptor(PhysicalMemory m, int at, int base, int limit, int access, int flags) {
        m.write32(at, (limit & 0xFFFF) | (base << 16));
        m.write32(at + 4, ((base >>> 16) & 0xFF) | (access << 8) | (limit & 0xF0000) | (flags << 20) | (base & 0xFF000000));
    }

    private void buildSystem() {
        for (int va = HOST_CODE; va != KSTACK_TOP + 3 * 4096; va += 4096) map(va, false, true);
        mem.markHostCode(pte[HOST_CODE >>> 12] >>> 12);
        int stubs = pte[STUBS >>> 12] & 0xFFFFF000;
        mem.write8(stubs, 0xCF);                                     // iret
        mem.write32(stubs + 16, 0xCF04C483);                         // add $4,%esp; iret
        int gdt = pte[GDT >>> 12] & 0xFFFFF000;
        descriptor(mem, gdt + 8, 0, 0xFFFFF, 0x9A, 0xC);
        descriptor(mem, gdt + 16, 0, 0xFFFFF, 0x92, 0xC);
        descriptor(mem, gdt + 24, 0, 0xFFFFF, 0xFA, 0xC);
        descriptor(mem, gdt + 32, 0, 0xFFFFF, 0xF2, 0xC);
        descriptor(mem, gdt + 40, TSS, 0x67, 0x89, 0);
        int tss = pte[TSS >>> 12] & 0xFFFFF000;
        mem.write32(tss + 4, KSTACK_TOP);
        mem.write32(tss + 8, KDATA);
        mem.write16(tss + 0x66, 0x68);
        int idt = pte[IDT >>> 12] & 0xFFFFF000;
        for (int v = 0; v < 32; v++) gate(idt, v, HOST_CODE + v * 16, 0);
        gate(idt, 3, HOST_CODE + 3 * 16, 3);                       // int3 and into are for
        gate(idt, 4, HOST_CODE + 4 * 16, 3);                       // user code, as on Linux
        gate(idt, 0x80, HOST_CODE + 0x800, 3);
        cpu.loadGdtr(GDT, 47);
        cpu.loadIdtr(IDT, 256 * 8 - 1);
        cpu.setCr3(pageDir);
        cpu.setCr0(cpu.cr0() | Cpu.CR0_PG | Cpu.CR0_WP | Cpu.CR0_NE | Cpu.CR0_AM);
        cpu.farJump(KCODE, STUBS);
        cpu.loadSegment(Cpu.SS, KDATA);
        cpu.loadTaskRegister(TSS_SEL);
        for (int s : new int[] {Cpu.DS, Cpu.ES, Cpu.FS, Cpu.GS}) cpu.loadSegment(s, UDATA);
    }

    private void gate(int idt, int vec, int handler, int dpl) {
        mem.write32(idt + vec * 8, (KCODE << 16) | (handler & 0xFFFF));
        mem.write32(idt + vec * 8 + 4, (handler & 0xFFFF0000) | 0x8E00 | (dpl << 13));
    }

    /** Loads the ELF, or returns an error line. */
    String load(Path prog, List<String> args) throws IOException {
        byte[] f;
        try {
            f = Files.readAllBytes(prog);
        } catch (NoSuchFileException e) {
            return prog + ": no such file";
        } catch (IOException e) {
            return prog + ": cannot read (" + e.getMessage() + ")";
        }
        if (f.length < 52 || f[0] != 0x7F || f[1] != 'E' || f[2] != 'L' || f[3] != 'F') return prog + ": not an ELF file";
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        if (f[4] != 1 || f[5] != 1 || b.getShort(18) != 3) return prog + ": not an i386 (32-bit little-endian x86) ELF";
        if (b.getShort(16) != 2) return prog + ": not a static executable (ELF type " + b.getShort(16) + ")";
        int entry = b.getInt(24), phoff = b.getInt(28), phentsize = b.getShort(42) & 0xFFFF, phnum = b.getShort(44) & 0xFFFF;
        buildSystem();
        int phdrVirt = 0, end = 0;
        for (int i = 0; i < phnum; i++) {
            int p = phoff + i * phentsize;
            if (p + 32 > f.length) return prog + ": truncated program headers";
            int type = b.getInt(p), off = b.getInt(p + 4), va = b.getInt(p + 8), filesz = b.getInt(p + 16),
                memsz = b.getInt(p + 20), flg = b.getInt(p + 24);
            if (type == 6) phdrVirt = va;
            if (type != 1 || memsz == 0) continue;
            if (Integer.toUnsignedLong(va) + Integer.toUnsignedLong(memsz) > Integer.toUnsignedLong(STACK_TOP) - STACK_MAX
                    || off < 0 || filesz < 0 || (long) off + filesz > f.length)
                return prog + ": bad program header " + i;
            for (long a = va & ~0xFFFL; a < Integer.toUnsignedLong(va) + memsz; a += 4096) map((int) a, true, (flg & 2) != 0);
            poke(va, f, off, filesz);
            if (phoff >= off && phoff < off + filesz && phdrVirt == 0) phdrVirt = va + phoff - off;
            end = Math.max(end, va + memsz);
        }
        brkStart = brk = (end + 0xFFF) & ~0xFFF;
        // The initial stack, as Linux's execve leaves it.
        int sp = STACK_TOP;
        map(sp - 4096, true, true);
        List<Integer> argv = new ArrayList<>();
        for (String a : args) {
            byte[] s = (a + "\0").getBytes(StandardCharsets.UTF_8);
            sp -= s.length;
            for (int v = sp & ~0xFFF; v < STACK_TOP; v += 4096) map(v, true, true);
            poke(sp, s, 0, s.length);
            argv.add(sp);
        }
        sp -= 16;
        int random = sp;
        byte[] rnd = new byte[16];
        new java.util.Random(0x1A6E57L).nextBytes(rnd);
        poke(random, rnd, 0, 16);
        List<Integer> words = new ArrayList<>();
        words.add(args.size());
        words.addAll(argv);
        words.add(0);
        words.add(0);
        if (phdrVirt != 0) { words.add(3); words.add(phdrVirt); words.add(4); words.add(phentsize); words.add(5); words.add(phnum); }
        words.add(6); words.add(4096);
        words.add(9); words.add(entry);
        words.add(25); words.add(random);
        words.add(0); words.add(0);
        sp = (sp - 4 * words.size()) & ~15;
        for (int v = sp & ~0xFFF; v < STACK_TOP; v += 4096) map(v, true, true);
        for (int i = 0; i < words.size(); i++) poke32(sp + 4 * i, words.get(i));
        // Enter ring 3 by IRET from the ring-0 stack, like the end of execve.
        int k = KSTACK_TOP - 20;
        int[] frame = {entry, UCODE, 0x202, sp, UDATA};
        for (int i = 0; i < 5; i++) poke32(k + 4 * i, frame[i]);
        cpu.r[Cpu.ESP] = k;
        cpu.eip = STUBS;
        return null;
    }

    private int kernelStackWord(int i) {
        int va = cpu.r[Cpu.ESP] + 4 * i;
        return mem.read32((pte[va >>> 12] & 0xFFFFF000) | (va & 0xFFF));
    }

    private static boolean hasErrorCode(int v) {
        return v == 8 || (v >= 10 && v <= 14) || v == 17;
    }

    /** Runs to the end; returns the exit status. */
    int run() {
        while (true) {
            Exit e = cpu.run(0);
            if (e == Exit.SHUTDOWN) {
                flush();
                stderr.println("x86run: triple fault: the processor shut down");
                return 128 + 11;
            }
            if (e != Exit.HOST_CODE) {
                flush();
                stderr.println("x86run: unexpected exit " + e + " at EIP 0x" + Integer.toHexString(cpu.eip));
                return 128 + 11;
            }
            int off = cpu.eip - HOST_CODE;
            if (off == 0x800) {
                Integer status = syscall();
                if (status != null) { flush(); return status; }
                cpu.eip = STUBS;
                continue;
            }
            int vec = off / 16;
            boolean ec = hasErrorCode(vec);
            int faultEip = kernelStackWord(ec ? 1 : 0);
            if (vec == Vectors.PF && demandPage(cpu.cr2(), kernelStackWord(0))) {
                cpu.eip = STUBS + 16;
                continue;
            }
            flush();
            int sig = vec == Vectors.UD ? 4 : vec == Vectors.DE || vec == Vectors.MF ? 8
                    : vec == Vectors.BP || vec == Vectors.DB ? 5 : vec == Vectors.AC ? 7 : 11;
            stderr.println("x86run: killed by " + Vectors.name(vec) + " (vector " + vec + ") at EIP 0x"
                    + String.format("%08x", faultEip)
                    + (vec == Vectors.PF ? " (address 0x" + String.format("%08x", cpu.cr2()) + ")" : ""));
            return 128 + sig;
        }
    }

    /** Maps a page of heap or stack on first touch, as Linux would; false means a real fault. */
    private boolean demandPage(int addr, int errorCode) {
        if ((errorCode & 1) != 0) return false;
        long a = Integer.toUnsignedLong(addr);
        boolean heap = a >= Integer.toUnsignedLong(brkStart) && a < Integer.toUnsignedLong(brk);
        boolean stack = a < Integer.toUnsignedLong(STACK_TOP) && a >= Integer.toUnsignedLong(STACK_TOP) - STACK_MAX;
        if (!heap && !stack) return false;
        map(addr & ~0xFFF, true, true);
        return true;
    }

    private Integer syscall() {
        int[] r = cpu.r;
        switch (r[Cpu.EAX]) {
            case 1: case 252:
                return r[Cpu.EBX] & 0xFF;
            case 4: {
                int fd = r[Cpu.EBX], buf = r[Cpu.ECX], len = r[Cpu.EDX];
                if (fd != 1 && fd != 2) { r[Cpu.EAX] = EBADF; break; }
                if (len < 0) { r[Cpu.EAX] = -22; break; }
                ByteArrayOutputStream to = fd == 1 ? out : err;
                byte[] tmp = new byte[len];
                for (int i = 0; i < len; ) {
                    int va = buf + i, e = pte[va >>> 12];
                    if ((e & 5) != 5) { r[Cpu.EAX] = EFAULT; return null; }
                    int n = Math.min(len - i, 4096 - (va & 0xFFF));
                    mem.read((e & 0xFFFFF000) | (va & 0xFFF), tmp, i, n);
                    i += n;
                }
                to.write(tmp, 0, len);
                if (to.size() > 1 << 16) flush();
                r[Cpu.EAX] = len;
                break;
            }
            case 45: {
                int want = r[Cpu.EBX];
                if (Integer.compareUnsigned(want, brkStart) >= 0
                        && Integer.compareUnsigned(want, STACK_TOP - STACK_MAX) < 0) {
                    // Shrinking releases whole pages, so growing again finds them zeroed, as on Linux.
                    for (int va = (want + 0xFFF) & ~0xFFF; Integer.compareUnsigned(va, brk) < 0; va += 4096) unmap(va);
                    brk = want;
                }
                r[Cpu.EAX] = brk;
                break;
            }
            default:
                r[Cpu.EAX] = ENOSYS;
        }
        return null;
    }

    private void flush() {
        stdout.write(out.toByteArray(), 0, out.size());
        stdout.flush();
        out.reset();
        stderr.write(err.toByteArray(), 0, err.size());
        stderr.flush();
        err.reset();
    }

    long retired() { return cpu.retired(); }

    /** s as a count (0 or more), or -1 if it is not one. */
    private static int count(String s) {
        return s.matches("\\d{1,9}") ? Integer.parseInt(s) : -1;
    }

    /** The whole command line; returns the exit status (2 for a bad invocation). */
    public static int main(String[] argv, PrintStream stdout, PrintStream stderr) {
        boolean stats = false;
        int i = 0;
        while (i < argv.length && argv[i].startsWith("--")) {
            if (argv[i].equals("--stats")) stats = true;
            else if (argv[i].equals("--interpret")) CodeCache.interpretOnly();
            else if (argv[i].startsWith("--translate=")) {
                int n = count(argv[i].substring(12));
                if (n < 0) {
                    stderr.println("x86run: bad " + argv[i] + " (runs of a block before it is translated: 0 or more)");
                    return 2;
                }
                CodeCache.translateAfter(n);
            }
            else if (argv[i].equals("--")) { i++; break; }
            else { stderr.println("x86run: unknown option " + argv[i]); return 2; }
            i++;
        }
        if (i >= argv.length) { stderr.println("usage: x86run [--stats] [--interpret | --translate=N] PROG [ARGS...]"); return 2; }
        List<String> args = new ArrayList<>(List.of(argv).subList(i, argv.length));
        X86Run x = new X86Run(stdout, stderr);
        try {
            String problem = x.load(Path.of(argv[i]), args);
            if (problem != null) { stderr.println("x86run: " + problem); return 2; }
        } catch (IOException | RuntimeException e) {
            stderr.println("x86run: " + argv[i] + ": cannot load (" + e + ")");
            return 2;
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime(), c0 = threads.getCurrentThreadCpuTime();
        int status = x.run();
        long t1 = System.nanoTime(), c1 = threads.getCurrentThreadCpuTime();
        if (stats) {
            double secs = (t1 - t0) / 1e9, cpu = (c1 - c0) / 1e9;
            stderr.printf("x86run: %d instructions in %.3f s: %.1f MIPS (cpu %.3f s: %.1f MIPS)%n",
                    x.retired(), secs, x.retired() / secs / 1e6, cpu, x.retired() / cpu / 1e6);
            stderr.print("x86run: " + CodeCache.report());
        }
        return status;
    }

    public static void main(String[] argv) {
        PrintStream o = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
        int status = main(argv, o, System.err);
        o.flush();
        System.exit(status);
    }
}
