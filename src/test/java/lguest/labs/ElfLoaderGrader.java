package lguest.labs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import lguest.host.Host;
import lguest.host.TestGuests;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*M:310 Lab elf-loader: from a file to a Guest that can start.  (Launcher, easy, about
 * an hour.)
 *
 * Before there is a Guest there is a file, and before the Host is told anything
 * the Launcher must put that file's pieces where the Guest expects them.  The lab
 * takes out the body of KernelImage.load after the file has been read: the checks
 * on the ELF header, the walk over the program headers that copies each PT_LOAD
 * segment into guest memory at its physical address, the page_offset every segment
 * must agree on, and the search for the magic string that says where the Guest
 * starts.  `make lab elf-loader` leaves a method that throws; write it back.
 *
 * Read L:110 (what guest memory is) and L:120 (what loading means here) first.
 * The formats are in the System V ABI and its i386 supplement, or `man 5 elf`:
 * the header is 52 bytes (e_ident, e_type at 16, e_machine at 18, e_phoff at 28,
 * e_phentsize at 42, e_phnum at 44) and a program header is 32 (p_type, p_offset,
 * p_vaddr, p_paddr, p_filesz, p_memsz, in that order).  Hints: only PT_LOAD (type
 * 1) segments are loaded, every other kind is skipped whatever its addresses say.
 * A segment's bytes in the file are p_filesz long; the rest of p_memsz is bss,
 * which must read as zeros.  Guest memory starts out zeroed (lguest's came from
 * /dev/zero), so bss needs no writing, but it must not be filled from whatever
 * follows the segment in the file.  Check every number that comes from the file
 * before you use it: the file is the user's, and a bad one must get one line, not
 * a stack trace (LaunchError is that line).  The grader asks for these words in
 * it: "is not an ELF file" (too short, or no \177ELF); "is not a 32-bit i386 ELF
 * executable" (class, byte order, machine or type wrong); "program headers out of
 * the file"; "segments disagree about page_offset"; "does not fit in" (a segment
 * past the end of memory); "segment out of the file"; "has no loadable segment";
 * and, without the magic string, "Is this image a genuine lguest?".
 *
 * Graded by running the real Launcher: the project's Guest kernel must boot to
 * its power-off; a hand-made kernel with a data segment far from its code, a
 * large bss and a note header that must be skipped must find its data and a
 * zeroed bss; and a dozen broken files must each be refused with the right line
 * and a non-zero exit. :*/

/** Grader of lab elf-loader (labs/elf-loader.lab): KernelImage.load, through the real Launcher. */
class ElfLoaderGrader {
    @TempDir
    Path tmp;

    /** A kernel with its code at 1 MB, its data and a 64 KiB bss at 3 MB, and a note header between. */
    private static final String CRAFTED = """
            #include "common.S"
            \t.section .note.lab, "a"
            \t.long 4, 4, 1
            \t.ascii "lab\\0"
            \t.long 0x2607
            \t.data
            words:\t.long 0x600DDA7A, 0xE1F10AD0
            \t.bss
            \t.align 4096
            zeros:\t.space 65536
            \t.text
            main:
            \tcmpl $0x600DDA7A, words
            \tjne 1f
            \tcmpl $0xE1F10AD0, words + 4
            \tjne 1f
            \tmovl $zeros, %edi
            \tmovl $16384, %ecx
            \txorl %eax, %eax
            \tcld
            \trepe scasl
            \tjne 2f
            \tsay "data found, bss zero"
            \txorl %eax, %eax
            \tret
            1:\tsay "the data segment is not where it belongs"
            \tmovl $4, %eax
            \tret
            2:\tsay "the bss is not zero"
            \tmovl $5, %eax
            \tret
            """;

    private static final String CRAFTED_LDS = """
            ENTRY(start)
            PHDRS { text PT_LOAD; note PT_NOTE; data PT_LOAD; }
            SECTIONS
            {
            \t. = 0xC0100000;
            \t.text : AT(0x100000) { *(.text) *(.text.*) *(.rodata) *(.rodata.*) } :text
            \t.note.lab : { *(.note.lab) } :text :note
            \t. = 0xC0300000;
            \t.data : AT(0x300000) { *(.data) *(.data.*) } :data
            \t.bss : { *(.bss) *(.bss.*) *(COMMON) } :data
            \t/DISCARD/ : { *(.note.GNU*) *(.note.gnu*) *(.eh_frame*) *(.comment) }
            }
            """;

    private Path crafted() throws IOException, InterruptedException {
        Path src = tmp.resolve("crafted.S"), lds = tmp.resolve("crafted.lds"), out = tmp.resolve("crafted");
        Files.writeString(src, CRAFTED);
        Files.writeString(lds, CRAFTED_LDS);
        List<String> cmd = List.of("gcc", "-m32", "-nostdlib", "-static", "-no-pie", "-fno-pic", "-Wl,--build-id=none",
                "-Wl,-T," + lds, "-I", Path.of("src/test/guests").toAbsolutePath().toString(), "-o", out.toString(),
                src.toString());
        TestGuests.gcc(cmd, "the hand-made kernel");
        /* The note header gets addresses no loader should act on: 2 GB up, far outside memory. */
        byte[] b = Files.readAllBytes(out);
        ByteBuffer e = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int notes = 0;
        for (int i = 0; i < (e.getShort(44) & 0xFFFF); i++) {
            int ph = e.getInt(28) + i * (e.getShort(42) & 0xFFFF);
            if (e.getInt(ph) != 4) continue;
            e.putInt(ph + 8, 0xF0000000);
            e.putInt(ph + 12, 0x80000000);
            notes++;
        }
        assertThat(notes).as("the hand-made kernel has its note header").isEqualTo(1);
        Files.write(out, b);
        return out;
    }

    /** The hello test guest as bytes, to be broken in one place. */
    private static byte[] hello() throws IOException {
        return Files.readAllBytes(TestGuests.build("hello"));
    }

    private Path file(String name, byte[] b) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, b);
        return f;
    }

    /** The offset of the n-th program header of type PT_LOAD. */
    private static int load(byte[] b, int n) {
        ByteBuffer e = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0, seen = 0; i < (e.getShort(44) & 0xFFFF); i++) {
            int ph = e.getInt(28) + i * (e.getShort(42) & 0xFFFF);
            if (e.getInt(ph) == 1 && seen++ == n) return ph;
        }
        throw new AssertionError("no PT_LOAD number " + n);
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** One line on stderr, starting "lguest: " and holding the expected words; a non-zero exit. */
    private static void refused(Path kernel, String expected, String what) {
        TestGuests.Run r = TestGuests.launch(new Host(), "8m", kernel.toString());
        assertThat(r.status()).as(what + ": the exit status (stderr: " + r.err() + ")").isNotZero();
        assertThat(r.err()).as(what).startsWith("lguest: ").contains(expected)
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.err().lines()).as(what + ": one line").hasSize(1);
        assertThat(r.out()).as(what + ": no Guest ran").isEmpty();
    }

    @Test
    @Points(2)
    @DisplayName("The project's Guest kernel loads, starts at its magic string and boots to a clean power-off")
    void theGuestKernelBoots() {
        Path kernel = TestGuests.built("kernel");
        TestGuests.Run r = TestGuests.launch(new Host(), "64m", kernel.toString());
        assertThat(r.out()).as(r.err()).contains("64 MiB").contains("hello from user space");
        assertThat(r.status()).as(r.out() + r.err()).isZero();

        TestGuests.Run hello = TestGuests.launch(new Host(), "4m", TestGuests.build("hello").toString());
        assertThat(hello.out()).as(hello.err()).isEqualTo("hello from the guest\n");
        assertThat(hello.status()).isZero();
    }

    @Test
    @Points(2)
    @DisplayName("Each PT_LOAD segment lands at its physical address, its bss reads as zeros, other headers are skipped")
    void segmentsBssAndOtherHeaders() throws Exception {
        TestGuests.Run r = TestGuests.launch(new Host(), "8m", crafted().toString());
        assertThat(r.out()).as(r.err()).isEqualTo("data found, bss zero\n");
        assertThat(r.status()).isZero();
    }

    @Test
    @Points(1)
    @DisplayName("A file that is not ELF at all (a poem, or an ELF header cut short) is refused in one line")
    void notElfAtAll() throws Exception {
        refused(file("poem", "this is not a kernel, it is a poem about kernels\n".getBytes(StandardCharsets.US_ASCII)),
                "is not an ELF file", "a text file");
        refused(file("short", Arrays.copyOf(hello(), 40)), "is not an ELF file", "the first 40 bytes of an ELF file");
        refused(file("empty", new byte[0]), "is not an ELF file", "an empty file");
    }

    @Test
    @Points(2)
    @DisplayName("ELF of the wrong kind (64-bit, big-endian, not i386, not an executable) is refused in one line")
    void elfOfTheWrongKind() throws Exception {
        String words = "is not a 32-bit i386 ELF executable";
        byte[] b = hello();
        b[4] = 2;
        refused(file("class64", b), words, "ELFCLASS64");
        b = hello();
        b[5] = 2;
        refused(file("msb", b), words, "big-endian");
        b = hello();
        le(b).putShort(18, (short) 62);
        refused(file("x86_64", b), words, "e_machine x86-64");
        b = hello();
        le(b).putShort(16, (short) 1);
        refused(file("relocatable", b), words, "a relocatable object (e_type 1)");
    }

    @Test
    @Points(2)
    @DisplayName("Segments outside memory or outside the file, headers out of the file, a split page_offset: refused")
    void badSegments() throws Exception {
        byte[] b = hello();
        int ph = load(b, 0);
        le(b).putInt(ph + 8, le(b).getInt(ph + 8) + 0x10000000);
        le(b).putInt(ph + 12, le(b).getInt(ph + 12) + 0x10000000);
        refused(file("high", b), "does not fit in", "a segment at 257 MB in 8 MB of memory");
        b = hello();
        le(b).putInt(load(b, 1) + 20, 0x00800000);
        refused(file("huge", b), "does not fit in", "a bss that runs past the end of memory");
        b = hello();
        ph = load(b, 0);
        le(b).putInt(ph + 4, b.length - 16);
        refused(file("pastend", b), "segment out of the file", "a segment whose bytes run past the end of the file");
        b = hello();
        le(b).putInt(load(b, 0) + 4, -4096);
        refused(file("negative", b), "segment out of the file", "a segment at a negative file offset");
        b = hello();
        le(b).putInt(28, b.length - 8);
        refused(file("phoff", b), "program headers out of the file", "e_phoff near the end of the file");
        b = hello();
        ph = load(b, 1);
        le(b).putInt(ph + 8, le(b).getInt(ph + 8) - 0x40000000);
        refused(file("split", b), "segments disagree about page_offset", "a second segment at another page_offset");
    }

    @Test
    @Points(1)
    @DisplayName("No magic string, or nothing loadable: refused in one line")
    void noMagicNoSegments() throws Exception {
        byte[] b = hello();
        byte[] magic = "GenuineLguest".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + magic.length <= b.length; i++)
            if (Arrays.equals(b, i, i + magic.length, magic, 0, magic.length)) b[i] = 'X';
        refused(file("nomagic", b), "Is this image a genuine lguest?", "an ELF file without GenuineLguest");
        b = hello();
        le(b).putInt(load(b, 1), 0);
        le(b).putInt(load(b, 0), 0);
        refused(file("noload", b), "has no loadable segment", "program headers that are all PT_NULL");
    }
}
