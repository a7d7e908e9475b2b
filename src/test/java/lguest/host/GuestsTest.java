package lguest.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Well-behaved test guests, each exercising one piece of the Host, run through the real Launcher. */
class GuestsTest {
    private final Host host = new Host();

    @Test
    void initConsoleAndPowerOff() {
        TestGuests.Run r = TestGuests.launch(host, "4m", TestGuests.build("hello").toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("hello from the guest\n");
        assertThat(r.status()).isZero();
    }

    @Test
    void powerDownWithAStatusBecomesTheExitStatus() {
        TestGuests.Run r = TestGuests.launch(host, "4m", TestGuests.build("hello", "EXIT_STATUS=3").toString());
        assertThat(r.out()).isEqualTo("hello from the guest\n");
        assertThat(r.status()).isEqualTo(3);
    }

    @Test
    void pageFaultsAreFilledByTheHostOrReflectedWithCr2() {
        TestGuests.Run r = TestGuests.launch(host, "4m", TestGuests.build("pagefault").toString(), "--stats");
        assertThat(r.out()).isEqualTo("pf filled ok\nreflected ok\n");
        assertThat(r.status()).isZero();
        Matcher m = Pattern.compile("page faults: (\\d+) filled by the Host, (\\d+) reflected").matcher(r.err());
        assertThat(m.find()).as(r.err()).isTrue();
        assertThat(Long.parseLong(m.group(1))).isPositive();
        assertThat(Long.parseLong(m.group(2))).isEqualTo(1);
    }

    @Test
    void setPteReplacesAStaleShadowEntry() {
        TestGuests.Run r = TestGuests.launch(host, "4m", TestGuests.build("setpte").toString());
        assertThat(r.out()).isEqualTo("stale shadow seen\nsetpte ok\n");
        assertThat(r.status()).isZero();
    }

    @Test
    void theClockEventWakesAHaltedGuestWithAnInterrupt() {
        TestGuests.Run r = TestGuests.launch(host, "4m", TestGuests.build("timer").toString(), "--stats");
        assertThat(r.out()).isEqualTo("tick\n");
        assertThat(r.status()).isZero();
        assertThat(r.err()).containsPattern("interrupts injected: [1-9]");
        assertThat(r.err()).containsPattern("hypercalls:.* 10=[1-9]");
    }

    @Test
    void blockDeviceReadsWritesAndReportsOutOfRange(@TempDir Path tmp) throws Exception {
        Path disk = tmp.resolve("disk.img");
        byte[] img = new byte[8 * 512];
        byte[] head = "DISK-SECTOR-ZERO".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, img, 0, head.length);
        Files.write(disk, img);
        TestGuests.Run r = TestGuests.launch(host, "4m", TestGuests.build("block").toString(), "--block=" + disk);
        assertThat(r.out()).isEqualTo("DISK-SECTOR-ZEROwrite ok\noob error ok\n");
        assertThat(r.status()).isZero();
        byte[] after = Files.readAllBytes(disk);
        assertThat(new String(after, 512, 16, StandardCharsets.US_ASCII)).isEqualTo("written by guest");
        assertThat(after).hasSize(img.length);
    }

    @Test
    void portIoTsTlsAndTheAsyncRing() {
        TestGuests.Run r = TestGuests.launch(host, "4m", TestGuests.build("chores").toString(), "--stats");
        assertThat(r.out()).isEqualTo("port io ok\nts ok\ntls ok\nasync ok\n");
        assertThat(r.status()).isZero();
        assertThat(r.err()).contains("#7=1").containsPattern("of which [1-9]\\d* from the async ring");
    }

    @Test
    void theAsyncRingIsEmptiedOnEveryExitNotOnlyOnAHypercall() {
        // lguest 2.6.23 ran the ring at the top of run_guest whatever the exit; ours
        // once ran it only when the exit was a hypercall (H:210).
        TestGuests.Run r = TestGuests.launch(host, "4m", TestGuests.build("asyncring").toString(), "--stats");
        assertThat(r.out()).isEqualTo("page fault drained\nreflected trap drained\nhost interrupt drained\n");
        assertThat(r.status()).isZero();
        assertThat(r.err()).contains("of which 3 from the async ring");
    }

    @Test
    void consoleInputReachesTheBufferTheGuestBound() {
        java.io.InputStream typed = new java.io.ByteArrayInputStream("typed line\n".getBytes(StandardCharsets.US_ASCII));
        TestGuests.Run r = TestGuests.launch(host, typed, "4m", TestGuests.build("echo").toString());
        assertThat(r.out()).isEqualTo("got:\ntyped line\n");
        assertThat(r.status()).isZero();
    }

    @Test
    void inputWaitsForTheGuestToEmptyItsBuffer() {
        // Two pieces of input, the second while the Guest has not yet read the first:
        // GETDMA hands out the full buffer when none is free, and the Launcher used to
        // write the second piece over the first.
        java.io.InputStream typed = new java.io.InputStream() {
            private int reads;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                byte[] piece = switch (reads++) {
                    case 0 -> "first\n".getBytes(StandardCharsets.US_ASCII);
                    case 1 -> "second\n".getBytes(StandardCharsets.US_ASCII);
                    default -> null;
                };
                if (reads == 2) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (piece == null) return -1;
                System.arraycopy(piece, 0, b, off, piece.length);
                return piece.length;
            }
        };
        TestGuests.Run r = TestGuests.launch(host, typed, "4m", TestGuests.build("slowreader").toString());
        assertThat(r.out()).isEqualTo("got:\nfirst\n");
        assertThat(r.status()).isZero();
    }

    @Test
    void twoGuestsOnOneSharedFileTalkThroughTheHostAlone(@TempDir Path tmp) {
        String peer = TestGuests.build("netpeer").toString();
        String net = "--sharenet=" + tmp.resolve("net");
        java.util.concurrent.CompletableFuture<TestGuests.Run> a =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> TestGuests.launch(host, "4m", peer, net, "--stats"));
        TestGuests.Run b = TestGuests.launch(host, "4m", peer, net, "--stats");
        TestGuests.Run first = a.join();
        assertThat(java.util.List.of(first.out(), b.out()))
                .containsExactlyInAnyOrder("hello from slot 0\n", "hello from slot 1\n");
        assertThat(first.status()).isZero();
        assertThat(b.status()).isZero();
        /* Each heard the other through SEND_DMA to a shared key: nothing went to a Launcher but console output. */
        assertThat(first.err()).containsPattern("hypercalls:.* 12=1 ");
    }

    @Test
    void systemCallsAreDirectTrapsAndUserModeCanBeInterrupted() {
        TestGuests.Run r = TestGuests.launch(host, "4m", TestGuests.build("ring3").toString(), "--stats");
        assertThat(r.out()).contains("ring 3 interrupted after 1000 direct system calls");
        assertThat(r.status()).isZero();
        assertThat(r.err()).doesNotContain("#128=").containsPattern("interrupts injected: [1-9]");
    }

    @Test
    void aStormOfHostInterruptsChangesNothingTheGuestCanSee() throws Exception {
        String companion = TestGuests.build("companion").toString();
        java.util.concurrent.CompletableFuture<TestGuests.Run> run =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> TestGuests.launch(host, "4m", companion));
        long exitsForced = 0;
        while (!run.isDone()) {
            for (Guest g : host.guests()) g.cpu.raiseInterruptLine();
            exitsForced++;
            Thread.sleep(0, 200_000);
        }
        TestGuests.Run r = run.get();
        assertThat(r.out()).isEqualTo("companion working\n".repeat(20) + "companion done\n");
        assertThat(r.status()).isZero();
        assertThat(exitsForced).isGreaterThan(10);
    }

    @Test
    void setPmdAndBothStrengthsOfFlushTlbDropStaleShadows() {
        TestGuests.Run r = TestGuests.launch(host, "4m", TestGuests.build("flush").toString());
        assertThat(r.out()).isEqualTo("set_pmd ok\nflush user ok\nflush all ok\n");
        assertThat(r.status()).isZero();
    }
}
