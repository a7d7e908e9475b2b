package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import lguest.HostPrerequisite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*M:845 Pulling the plug.  A disk is attacked without a single bad byte:
 * kill the Launcher while the Guest writes, and the image holds whatever part
 * of the write had reached it.  ext2 has no journal, so nothing promises a
 * clean file system afterwards; what is promised is narrower and checkable.
 * The Launcher forces every block write to the file before it reports the
 * write done (L:400), and the Guest's sync() returns only when its dirty
 * blocks are written; so a file the Guest said was synced before the kill must
 * be there afterwards, whole, once e2fsck has mended whatever the kill tore.
 * The test kills with SIGKILL, which no JVM can catch or tidy up after, three
 * times on the same image, a little later into the next write each time. :*/

/**
 * Crash consistency (issue 10): busybox in the Guest writes files on its ext2 root and runs
 * sync after each, saying "synced N"; the bin/lguest process is killed with SIGKILL in the
 * middle of the next write. Then e2fsck -fy must repair the image (status 0 or 1) and leave
 * it clean, and every file the Guest said was synced must be there, whole, and the log it
 * appended to must hold every synced line. Three rounds on the same image, each killed at
 * a different point, each checking all the rounds before it too.
 */
class CrashConsistencyTest {
    @TempDir
    Path tmp;

    private static String tool(String name) {
        for (String dir : List.of("/sbin", "/usr/sbin", "/bin", "/usr/bin"))
            if (Files.isExecutable(Path.of(dir, name))) return dir + "/" + name;
        return null;
    }

    /** What round r writes as its i-th file: "r file i" repeated, a size that varies. */
    private static String content(int round, int i) {
        return ("" + round + " file " + i + "\n").repeat(i * 397 % 3000 + 1);
    }

    private static String script(int round) {
        return "i=0; while [ $i -lt 2000 ]; do i=$((i+1)); "
                + "yes '" + round + " file '$i | head -n $((i*397%3000+1)) > r" + round + "_f$i; "
                + "echo " + round + " $i >> log; sync; echo synced $i; done";
    }

    private static BusyboxRig.Result run(String... cmd) throws Exception {
        return BusyboxRig.run(List.of(cmd), null, null);
    }

    @Test
    void everyFileSyncedBeforeSigkillIsIntactAfterFsck() throws Exception {
        BusyboxRig rig = BusyboxRig.find();
        HostPrerequisite.require(tool("mke2fs") != null && tool("e2fsck") != null && tool("debugfs") != null,
                "no e2fsprogs");
        Path image = tmp.resolve("root.img");
        assertThat(run(tool("mke2fs"), "-q", "-t", "ext2", "-b", "1024", "-F", image.toString(), "8192").status()).isZero();

        int[] killAfter = {3, 7, 5};
        int[] synced = new int[killAfter.length + 1];
        for (int round = 1; round <= killAfter.length; round++) {
            synced[round] = writeAndKill(rig, image, round, killAfter[round - 1]);

            BusyboxRig.Result fix = run(tool("e2fsck"), "-fy", image.toString());
            assertThat(fix.status()).as("e2fsck -fy after the kill in round " + round + ":\n" + fix.output()).isBetween(0, 1);
            System.out.printf("crash consistency: round %d killed after %d syncs; e2fsck -fy status %d%n", round,
                    synced[round], fix.status());
            BusyboxRig.Result check = run(tool("e2fsck"), "-fn", image.toString());
            assertThat(check.status()).as("e2fsck -fn after the repair:\n" + check.output()).isZero();

            Path dump = Files.createDirectories(tmp.resolve("dump" + round));
            BusyboxRig.Result r = run(tool("debugfs"), "-R", "rdump / " + dump, image.toString());
            assertThat(r.status()).as("debugfs rdump: " + r.output()).isZero();
            List<String> log = Files.readAllLines(dump.resolve("log"));
            for (int past = 1; past <= round; past++) {
                for (int i = 1; i <= synced[past]; i++) {
                    Path f = dump.resolve("r" + past + "_f" + i);
                    assertThat(f).as("round %d's file %d, synced before the kill", past, i).exists();
                    assertThat(Files.readString(f)).as("round %d's file %d", past, i).isEqualTo(content(past, i));
                }
                final String tag = past + " ";
                List<String> mine = log.stream().filter(l -> l.startsWith(tag)).toList();
                List<String> want = new ArrayList<>();
                for (int i = 1; i <= synced[past]; i++) want.add(past + " " + i);
                assertThat(mine.subList(0, Math.min(mine.size(), want.size()))).as("round %d's synced log lines", past)
                        .isEqualTo(want);
            }
        }
    }

    /** Boots the Guest on the image, lets it sync at least n times, then SIGKILLs it mid-write. */
    private int writeAndKill(BusyboxRig rig, Path image, int round, int n) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(rig.guestCommand(List.of("--block=" + image), "sh", "-c", script(round)))
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("PATH", System.getProperty("java.home") + "/bin:/usr/bin:/bin");
        Process p = pb.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.ISO_8859_1))) {
                for (String l; (l = in.readLine()) != null; ) lines.add(l);
            } catch (Exception e) {
                /* the process is gone */
            }
            lines.add("<end>");
        });
        reader.setDaemon(true);
        reader.start();
        int last = 0;
        StringBuilder said = new StringBuilder();
        try {
            while (last < n) {
                String l = lines.poll(60, TimeUnit.SECONDS);
                assertThat(l).as("the Guest stopped saying anything; so far:\n" + said).isNotNull().isNotEqualTo("<end>");
                said.append(l).append('\n');
                if (l.startsWith("synced ")) last = Integer.parseInt(l.substring(7).trim());
            }
            /* The next file is already being written: let it get a little way in. */
            Thread.sleep(round * 40L);
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        reader.join(10_000);
        for (String l; (l = lines.poll()) != null; )
            if (l.startsWith("synced ")) last = Math.max(last, Integer.parseInt(l.substring(7).trim()));
        assertThat(p.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        return last;
    }
}
