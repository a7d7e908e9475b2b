package lguest.host;

import static lguest.host.Abi.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import lguest.machine.PhysicalMemory;
import org.junit.jupiter.api.Test;

/**
 * /dev/lguest from a Launcher that lies: random requests with random arguments (an
 * INITIALIZE whose pfn_limit, page directory, start and page_offset are nearly right or
 * plainly wrong, GETDMA and IRQ with any number, unknown request codes, short requests,
 * reads with buffers of any size, BREAKs from another thread to bound each run of a guest
 * that is mostly random bytes), while a companion guest runs in the same Host. A lying
 * Launcher may ruin its own Guest; it must never make the Host throw, never kill its Guest
 * through a Java bug ("host error"), and never touch the companion.
 *
 * <p>-Dfuzz.seeds=N (default 4) seeds from -Dfuzz.seed=S (default 1); -Dfuzz.seconds=T stops
 * starting new seeds after T seconds (0: no limit).
 */
class DeviceFuzzTest {
    static final long SEEDS = Long.getLong("fuzz.seeds", 4);
    static final long FIRST = Long.getLong("fuzz.seed", 1);
    static final long SECONDS = Long.getLong("fuzz.seconds", 0);

    /** Memory as a Launcher would build it: RAM plus a page, a page table mapping RAM high, noise. */
    private static PhysicalMemory memory(Random r, int bytes) {
        PhysicalMemory m = new PhysicalMemory();
        m.addRegion(0, bytes);
        byte[] noise = new byte[4096];
        for (int i = 0, n = r.nextInt(8); i < n; i++) {
            r.nextBytes(noise);
            m.write(r.nextInt(bytes >>> 12) << 12, noise, 0, noise.length);
        }
        int pgdir = bytes - 8192, ptes = bytes - 4096;
        for (int i = 0; i < Math.min(1024, bytes >>> 12); i++) m.write32(ptes + i * 4, (i << 12) | 7);
        m.write32(pgdir + (0xC0000000 >>> 22) * 4, ptes | 7);
        return m;
    }

    private static int nearly(Random r, int good) {
        switch (r.nextInt(6)) {
            case 0: return r.nextInt();
            case 1: return good + r.nextInt(9) - 4;
            default: return good;
        }
    }

    @Test
    void aLyingLauncherNeverMakesTheHostThrowOrReachAnotherGuest() throws Exception {
        Host host = new Host();
        String companion = TestGuests.build("companion").toString();
        AtomicBoolean stop = new AtomicBoolean();
        List<String> harmed = Collections.synchronizedList(new ArrayList<>());
        long[] companionRuns = {0};
        Thread neighbour = new Thread(() -> {
            while (!stop.get()) {
                TestGuests.Run run = TestGuests.launch(host, "4m", companion);
                companionRuns[0]++;
                if (run.status() != 0 || !run.out().endsWith("companion done\n") || !run.err().isEmpty())
                    harmed.add("companion: status " + run.status() + " " + run.err());
            }
        }, "device-fuzz-companion");
        neighbour.start();

        List<String> problems = new ArrayList<>();
        long t0 = System.nanoTime(), requests = 0, seeds = 0;
        try {
            for (long s = FIRST; s < FIRST + SEEDS && problems.isEmpty(); s++) {
                if (SECONDS > 0 && System.nanoTime() - t0 > SECONDS * 1_000_000_000L) break;
                seeds++;
                requests += oneSeed(host, s, problems);
            }
        } finally {
            stop.set(true);
            neighbour.join(60_000);
        }
        System.out.printf("device fuzz: %d seeds from %d, %d requests in %.1f s; companion ran %d times%n", seeds, FIRST,
                requests, (System.nanoTime() - t0) / 1e9, companionRuns[0]);
        ANSWERS.forEach((k, v) -> System.out.printf("  %6d  %s%n", v, k));
        ANSWERS.clear();
        assertThat(problems).isEmpty();
        assertThat(harmed).isEmpty();
        assertThat(host.guests()).as("guests left in the Host").isEmpty();
    }

    /** How the requests were answered, to see what the dice reached. */
    private static final java.util.Map<String, Integer> ANSWERS = new java.util.concurrent.ConcurrentSkipListMap<>();

    private static int oneSeed(Host host, long seed, List<String> problems) throws Exception {
        Random r = new Random(seed);
        int bytes = (1 + r.nextInt(8)) << 20;
        PhysicalMemory m = memory(r, bytes);
        LguestDevice d = host.open(m);
        int n = 20 + r.nextInt(40);
        String where = "seed " + seed + ": ";
        try {
            for (int i = 0; i < n; i++) {
                long res;
                String what;
                switch (r.nextInt(8)) {
                    case 0 -> {
                        int[] req = {LHREQ_INITIALIZE, nearly(r, bytes >>> 12), nearly(r, bytes - 8192),
                                nearly(r, 0xC0000000 + r.nextInt(bytes)), nearly(r, 0xC0000000)};
                        int len = r.nextInt(8) == 0 ? r.nextInt(5) : 5;
                        int[] cut = new int[len];
                        System.arraycopy(req, 0, cut, 0, len);
                        what = "INITIALIZE " + java.util.Arrays.toString(cut);
                        res = d.write(cut);
                    }
                    case 1 -> {
                        int key = r.nextBoolean() ? r.nextInt(bytes) & ~3 : r.nextInt();
                        what = "GETDMA " + key;
                        res = d.write(LHREQ_GETDMA, key);
                    }
                    case 2 -> {
                        int irq = r.nextBoolean() ? r.nextInt(40) : r.nextInt();
                        what = "IRQ " + irq;
                        res = d.write(LHREQ_IRQ, irq);
                    }
                    case 3 -> {
                        int code = r.nextInt(3) == 0 ? r.nextInt() : r.nextInt(8);
                        if (code == LHREQ_BREAK) code = 99;
                        what = "request " + code;
                        res = d.write(code, r.nextInt(), r.nextInt());
                    }
                    case 4 -> {
                        what = "empty request";
                        res = d.write();
                    }
                    default -> {
                        /* Run it, with a BREAK from another thread to bring it back. */
                        byte[] buf = new byte[r.nextInt(4) == 0 ? r.nextInt(16) : 256];
                        what = "read(" + buf.length + ")";
                        Thread breaker = new Thread(() -> {
                            try {
                                Thread.sleep(20);
                                d.write(LHREQ_BREAK, 1);
                            } catch (Throwable e) {
                                problems.add(where + "BREAK threw " + e);
                            }
                        }, "device-fuzz-breaker");
                        breaker.start();
                        res = d.read(buf);
                        if (res == -EAGAIN) d.write(LHREQ_BREAK, 0);
                        breaker.join(5000);
                        if (res > 0 && res != 8) {
                            String reason = new String(buf, 0, (int) res, StandardCharsets.ISO_8859_1);
                            if (reason.startsWith("host error")) problems.add(where + "a Java bug killed the guest: " + reason);
                        }
                        if (breaker.isAlive()) {
                            d.write(LHREQ_BREAK, 0);
                            breaker.join(5000);
                            if (breaker.isAlive()) problems.add(where + "a BREAK never came back after " + what);
                        }
                    }
                }
                ANSWERS.merge(what.replaceAll(" .*|\\(.*", "") + " -> " + (res > 16 ? "address or length" : res), 1,
                        Integer::sum);
                if (res == -EFAULT) {
                    /* GuestFile answers EFAULT only when it caught a Java exception. */
                    problems.add(where + what + " made the Host throw (EFAULT)");
                }
            }
            Guest g = host.guests().stream().filter(x -> x.mem == m).findFirst().orElse(null);
            if (g != null && g.deadReason() != null && g.deadReason().startsWith("host error"))
                problems.add(where + "a Java bug killed the guest: " + g.deadReason());
        } catch (Throwable e) {
            problems.add(where + "the device threw " + e);
        } finally {
            d.close();
        }
        return n;
    }
}
