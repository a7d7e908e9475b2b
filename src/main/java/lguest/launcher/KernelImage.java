package lguest.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import lguest.machine.PhysicalMemory;

/** An ELF i386 kernel image: its loadable segments, its page offset and its entry point. */
final class KernelImage {
    static final byte[] MAGIC = "GenuineLguest".getBytes(StandardCharsets.US_ASCII);

    final int pageOffset;
    final int start;
    final int highestPhys;

    private KernelImage(int pageOffset, int start, int highestPhys) {
        this.pageOffset = pageOffset;
        this.start = start;
        this.highestPhys = highestPhys;
    }

    /*L:120 Loading the kernel.  lguest mapped each PT_LOAD segment of the ELF file
     * at its *physical* address (p_paddr), because guest-physical memory is the
     * Launcher's memory, and worked out page_offset, where the kernel expects to see
     * physical memory in its virtual address space, as p_vaddr - p_paddr: a kernel
     * linked at 0xC0100000 and loaded at 0x100000 says "0xC0000000" without being
     * asked.  Every segment must agree, and every segment must fit in the memory we
     * were given; a file that is not a 32-bit i386 executable is refused before we
     * touch anything.  A segment's bss (memsz beyond filesz) is not written at
     * all: the Guest's memory is fresh and already zero, as lguest's mapping of
     * /dev/zero was.
     *
     * Then the magic string.  A 2.6.23 kernel built for lguest carries
     * "GenuineLguest" just before its lguest entry point, and the Launcher simply
     * searches the loaded image for it: no boot protocol, no header to parse.  The
     * Guest starts at the next byte, at its virtual address. */
    static KernelImage load(Path file, PhysicalMemory mem, int memBytes) throws LaunchError {
        byte[] img;
        try {
            if (Files.size(file) > memBytes) throw new LaunchError(file + " is larger than the guest's memory");
            img = Files.readAllBytes(file);
        } catch (IOException | SecurityException e) {
            throw new LaunchError("cannot read kernel " + file + ": " + Launcher.why(e));
        }
        ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        // LAB(elf-loader) { throw new UnsupportedOperationException("lab elf-loader: check the ELF header, copy each PT_LOAD segment and find the magic string (read L:120, L:110)");
        if (img.length < 52 || b.getInt(0) != 0x464C457F)
            throw new LaunchError(file + " is not an ELF file");
        if (img[4] != 1 || img[5] != 1 || b.getShort(18) != 3 || b.getShort(16) != 2)
            throw new LaunchError(file + " is not a 32-bit i386 ELF executable");
        int phoff = b.getInt(28), phentsize = b.getShort(42) & 0xFFFF, phnum = b.getShort(44) & 0xFFFF;
        Integer pageOffset = null;
        int highest = 0;
        int start = -1;
        for (int i = 0; i < phnum; i++) {
            long where = Integer.toUnsignedLong(phoff) + (long) i * phentsize;
            if (where + 32 > img.length) throw new LaunchError(file + ": program headers out of the file");
            int ph = (int) where;
            if (b.getInt(ph) != 1) continue;
            int off = b.getInt(ph + 4), vaddr = b.getInt(ph + 8), paddr = b.getInt(ph + 12);
            int filesz = b.getInt(ph + 16), memsz = b.getInt(ph + 20);
            if (pageOffset == null) pageOffset = vaddr - paddr;
            else if (pageOffset != vaddr - paddr)
                throw new LaunchError(file + ": segments disagree about page_offset");
            long end = Integer.toUnsignedLong(paddr) + Integer.toUnsignedLong(memsz);
            if (end > Integer.toUnsignedLong(memBytes))
                throw new LaunchError(String.format("%s: segment at %#x-%#x does not fit in %d MB of memory", file,
                        paddr, end, memBytes >>> 20));
            if (filesz < 0 || off < 0 || (long) off + filesz > img.length || filesz > memsz)
                throw new LaunchError(file + ": segment out of the file");
            mem.write(paddr, img, off, filesz);
            highest = (int) Math.max(highest, end);
            /* The magic string: the Guest starts at the byte after it. */
            int at = indexOf(img, MAGIC, off, off + filesz);
            if (at >= 0 && start == -1) start = vaddr + (at - off) + MAGIC.length;
        }
        if (pageOffset == null) throw new LaunchError(file + " has no loadable segment");
        if (start == -1) throw new LaunchError("Is this image a genuine lguest? (no GenuineLguest in " + file + ")");
        return new KernelImage(pageOffset, start, highest);
        // LAB(elf-loader) }
    }
    /*:*/

    private static int indexOf(byte[] hay, byte[] needle, int from, int to) {
        outer:
        for (int i = from; i + needle.length <= to; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
