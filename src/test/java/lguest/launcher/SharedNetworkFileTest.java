package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import lguest.host.Host;
import lguest.host.TestGuests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The --sharenet file is shared with other processes, who may be careless or hostile. */
class SharedNetworkFileTest {
    @TempDir
    Path tmp;

    /** A second JVM tries to take byte 0 of the file with an fcntl lock, as a second Launcher would. */
    private int slotZeroFromAnotherProcess(Path net) throws Exception {
        Path probe = tmp.resolve("Probe.java");
        Files.writeString(probe, "import java.nio.channels.*; import java.nio.file.*;\n"
                + "public class Probe { public static void main(String[] a) throws Exception {\n"
                + "  FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.READ, StandardOpenOption.WRITE);\n"
                + "  System.exit(c.tryLock(0, 1, false) == null ? 1 : 0); } }\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                probe.toString(), net.toString()).inheritIO().start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void aSecondProcessCannotTakeTheSlotOfARunningGuest() throws Exception {
        Path net = tmp.resolve("net");
        Launcher l = new Launcher(new PrintStream(new ByteArrayOutputStream()));
        NetDevice d = new NetDevice(net);
        try {
            d.page = 0x400000;
            l.mem.addFileRegion(d.page, 4096, d.channel());
            assertThat(slotZeroFromAnotherProcess(net)).as("the other process got slot 0 too").isEqualTo(1);
        } finally {
            d.close();
        }
    }

    @Test
    void truncatingTheFileUnderARunningGuestKillsThatGuestWithAReason() throws Exception {
        Path net = tmp.resolve("net");
        String peer = TestGuests.build("sharetoucher").toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Launcher.run(new Host(),
                new String[] {"4m", peer, "--sharenet=" + net}, InputStream.nullInputStream(), out,
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        for (int i = 0; i < 100 && (!Files.exists(net) || Files.size(net) < 4096); i++) Thread.sleep(50);
        Thread.sleep(300);
        try (RandomAccessFile f = new RandomAccessFile(net.toFile(), "rw")) {
            f.setLength(0);
        }
        int status = run.get(60, TimeUnit.SECONDS);
        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(status).as(e).isNotZero();
        assertThat(e).contains("shared network file").doesNotContain("\tat ");
        assertThat(List.of(e.split("\n"))).hasSize(1);
    }
}
