package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import lguest.HostPrerequisite;
import lguest.launcher.BusyboxRig.Result;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, rows 2 and 11: disks that ask too much of the Guest's ext2. A tree 400
 * directories deep must be made, found and removed as busybox does it natively (one
 * descriptor per level); and an image whose superblock lies about its geometry must be
 * refused, never written outside the structures the driver means to write.
 */
class HostileDiskTest {
    private static BusyboxRig rig;

    @TempDir
    Path tmp;

    @BeforeAll
    static void find() {
        rig = BusyboxRig.find();
        HostPrerequisite.require(tool("mke2fs") != null && tool("e2fsck") != null && tool("debugfs") != null,
                "no e2fsprogs");
    }

    static String tool(String name) {
        for (String dir : List.of("/sbin", "/usr/sbin", "/bin", "/usr/bin"))
            if (Files.isExecutable(Path.of(dir, name))) return dir + "/" + name;
        return null;
    }

    /** An ext2 image of blocks 1 KiB blocks holding tree (null: empty). */
    static Path image(Path dir, Path tree, int blocks, String... extra) throws Exception {
        Path image = dir.resolve("disk.img");
        Files.deleteIfExists(image);
        List<String> cmd = new java.util.ArrayList<>(List.of(tool("mke2fs"), "-q", "-t", "ext2", "-b", "1024"));
        cmd.addAll(Arrays.asList(extra));
        if (tree != null) cmd.addAll(List.of("-d", tree.toString()));
        cmd.addAll(List.of("-F", image.toString(), "" + blocks));
        Result r = BusyboxRig.run(cmd, null, dir);
        assertThat(r.status()).as("mke2fs: " + r.output()).isZero();
        return image;
    }

    static final String DEEP = "d=a; i=1; while [ $i -lt 400 ]; do d=$d/a; i=$((i+1)); done;"
            + " mkdir -p $d && echo made; find a -type d | wc -l;"
            + " cd $d && pwd | wc -c; cd /; rm -rf a && echo removed; ls";

    @Test
    void aTreeFourHundredDeepIsMadeFoundAndRemoved() throws Exception {
        Path nativeDir = Files.createDirectories(tmp.resolve("native"));
        Result n = BusyboxRig.run(rig.nativeCommand("sh", "-c", DEEP.replace("cd /;", "cd " + nativeDir + ";")),
                null, nativeDir);
        Path image = image(tmp, null, 8192);
        Result g = HostileUserTest.run(rig.guestCommand(List.of("--block=" + image), "sh", "-c", DEEP), 300);
        // pwd is 400 times "/a" and a newline; natively the temporary directory comes first.
        assertThat(n.output()).isEqualTo("made\n400\n" + (801 + nativeDir.toString().length())
                + "\nremoved\n");
        assertThat(g.output()).as("the Guest, as busybox natively").isEqualTo("made\n400\n801\nremoved\nlost+found\n");
        assertThat(g.status()).isZero();
        Result fsck = BusyboxRig.run(List.of(tool("e2fsck"), "-fn", image.toString()), null, tmp);
        assertThat(fsck.status()).as("e2fsck -fn:\n" + fsck.output()).isZero();
    }
}
