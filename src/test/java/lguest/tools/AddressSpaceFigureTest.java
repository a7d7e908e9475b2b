package lguest.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The map of the address spaces is drawn from a live Guest (H:720): boot the project's
 * own kernel with different memory sizes and check that the figure follows the machine,
 * not a picture of it someone once drew.
 */
class AddressSpaceFigureTest {
    static Path kernel() {
        return lguest.host.TestGuests.built("kernel");
    }

    static String draw(Path out, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 1];
        all[0] = out.toString();
        System.arraycopy(args, 0, all, 1, args.length);
        int status = AddressSpaceFigure.run(all, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        try {
            return Files.readString(out);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex + " in\n" + text).isTrue();
        return Long.decode(m.group(1));
    }

    @Test
    void theFigureIsOfTheGuestThatRan(@TempDir Path tmp) throws Exception {
        Path k = kernel();
        Path disk = tmp.resolve("disk.img");
        Files.write(disk, new byte[64 * 512]);

        String small = draw(tmp.resolve("a.puml"), "32m", k.toString());
        String big = draw(tmp.resolve("b.puml"), "48m", k.toString(), "--block=" + disk);

        assertThat(small).startsWith("@startuml").endsWith("@enduml\n").contains("RAM: 32 MiB")
                .contains("0x02000000 the device descriptor page").contains("1 device on the bus")
                .contains("pfn_limit 0x2002").contains("console (driver OK)").doesNotContain("block");
        assertThat(big).contains("RAM: 48 MiB").contains("0x03000000 the device descriptor page")
                .contains("2 devices on the bus").contains("pfn_limit 0x3003")
                .contains("0x03002000 device 1, block (driver OK)");
        assertThat(count(small, "\\{")).as("braces balance").isEqualTo(count(small, "\\}"));

        for (String f : new String[] {small, big}) {
            /* The CPU walks a shadow directory in a Host frame, and the Switcher's pages,
             * found through slot 1023 of it, are Host frames too; the stubs are host code. */
            assertThat(number(f, "CR3 = (0x[0-9A-F]{8})")).isGreaterThanOrEqualTo(0xF0000000L);
            assertThat(number(f, "(0x[0-9A-F]{8}) trap stubs, host code")).isGreaterThanOrEqualTo(0xF0000000L);
            assertThat(f).contains("0xFFC02000 registers, writable").contains("0xFFC03000 read-only state: IDT, GDT, TSS\\n")
                    .contains("IDTR 0xFFC03000, GDTR 0xFFC03800");
            /* The running program, hello, is in ring 3 below PAGE_OFFSET, at the usual place. */
            assertThat(f).contains("0x08048000–").contains("from PAGE_OFFSET 0xC0000000").contains("0xC0000000–");
            assertThat(number(f, "the program's (\\d+) frames")).isGreaterThan(0);
            assertThat(number(f, "Host frames\\*\\*\\\\n(\\d+) from")).isGreaterThanOrEqualTo(7);
        }
    }

    @Test
    void noMomentNoFigure(@TempDir Path tmp) throws Exception {
        Path k = kernel();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path out = tmp.resolve("never.puml");
        int status = AddressSpaceFigure.run(new String[] {out.toString(), "--at=no guest ever says this", "32m",
                k.toString()}, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("never printed \"no guest ever says this\"")
                .contains("hello from user space");
        assertThat(out).doesNotExist();

        /* A guest that says its line and then breaks a rule: the moment came, but a
         * map of a guest the Host killed is no map for the book. */
        err.reset();
        Path hostile = k.resolveSibling("hostile").resolve("switcher-write");
        assumeTrue(Files.isRegularFile(hostile), "no hostile guest at " + hostile);
        status = AddressSpaceFigure.run(new String[] {out.toString(), "--at=hostile:", "32m", hostile.toString()},
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("did not end well")
                .contains("attempt to access switcher pages");
        assertThat(out).doesNotExist();

        err.reset();
        assertThat(AddressSpaceFigure.run(new String[] {out.toString()}, new PrintStream(err, true, StandardCharsets.UTF_8)))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("usage: AddressSpaceFigure");
    }

    static int count(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        int n = 0;
        while (m.find()) n++;
        return n;
    }
}
