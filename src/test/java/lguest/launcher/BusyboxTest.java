package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import lguest.host.Host;
import lguest.host.TestGuests;
import lguest.launcher.BusyboxRig.Result;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Debian's unmodified static i386 busybox (target/busybox/busybox, from `make busybox`) as
 * the Guest kernel's first process: {@code bin/lguest 64m kernel --initrd=busybox quiet --
 * APPLET ARGS} must print exactly what {@code busybox APPLET ARGS} prints on this machine
 * (stdout and stderr together) and exit with the same status.
 */
class BusyboxTest {
    private static BusyboxRig rig;
    private static Path kernel, busybox;

    @BeforeAll
    static void find() {
        rig = BusyboxRig.find();
        kernel = rig.kernel;
        busybox = rig.busybox;
    }

    /** busybox APPLET ARGS natively, then in the Guest; both must agree. Returns the Guest's run. */
    private static Result same(String... appletAndArgs) throws Exception {
        Result n = BusyboxRig.run(rig.nativeCommand(appletAndArgs), null, null);
        Result g = BusyboxRig.run(rig.guestCommand(List.of(), appletAndArgs), null, null);
        assertThat(g.output()).as("output of " + String.join(" ", appletAndArgs)).isEqualTo(n.output());
        assertThat(g.status()).as("exit status of " + String.join(" ", appletAndArgs)).isEqualTo(n.status());
        return g;
    }

    @Test
    void awkPrintsFloatsAsNatively() throws Exception {
        Result r = same("awk", "BEGIN{printf \"%.10f %g %e\\n\", 1/3, 2*0.5, 1e300*10}");
        assertThat(r.output()).isEqualTo("0.3333333333 1 1.000000e+301\n");
        assertThat(r.status()).isZero();
    }

    @Test
    void awkWithoutMathSupportFailsAsNatively() throws Exception {
        Result r = same("awk", "BEGIN{printf \"%.10f %g %e\\n\", 1/3, 2^0.5, 1e300*10}");
        assertThat(r.output()).contains("Math support is not compiled in");
        assertThat(r.status()).isEqualTo(1);
    }

    @Test
    void sleepSleeps() throws Exception {
        Result r = same("sleep", "0.1");
        assertThat(r.status()).isZero();
        assertThat(r.millis()).as("wall time of sleep 0.1 in the Guest").isGreaterThanOrEqualTo(100);
        // The JVM's start-up alone could pass that, so: the Host's own clock says a Guest
        // running sleep 0.3 ran for 0.3 s at least, and spent the time halted, not spinning:
        // about as many instructions as for sleep 0.
        TestGuests.Run zero = TestGuests.launch(new Host(), "64m", kernel.toString(), "--initrd=" + busybox,
                "--stats", "quiet", "--", "sleep", "0");
        TestGuests.Run some = TestGuests.launch(new Host(), "64m", kernel.toString(), "--initrd=" + busybox,
                "--stats", "quiet", "--", "sleep", "0.3");
        assertThat(zero.status()).isZero();
        assertThat(some.status()).isZero();
        assertThat(Double.parseDouble(stat(some.err(), "in ([0-9.,]+) s").replace(',', '.'))).as("seconds the Guest ran")
                .isGreaterThanOrEqualTo(0.3);
        assertThat(Long.parseLong(stat(some.err(), "guest instructions: (\\d+)")))
                .as("instructions for sleep 0.3 against sleep 0")
                .isLessThan(2 * Long.parseLong(stat(zero.err(), "guest instructions: (\\d+)")));
    }

    @Test
    void ulimitSetsTheLimitsItReports() throws Exception {
        Result r = same("sh", "-c", "ulimit -n 100; ulimit -n; ulimit -Sn 50; ulimit -n; ulimit -Hn; ulimit -Sn 60 && echo ok");
        assertThat(r.output()).isEqualTo("100\n50\n100\nok\n");
    }

    @Test
    void timesReportsTheShellAndItsChildren() throws Exception {
        String spin = "i=0; while [ $i -lt 3000 ]; do i=$((i + 1)); done";
        Result r = BusyboxRig.run(rig.guestCommand(List.of(), "sh", "-c", spin + "; sh -c '" + spin + "'; times"), null, null);
        assertThat(r.status()).isZero();
        assertThat(r.output()).as("the shell's own times, then its children's: user time, and no system time (U:374)")
                .matches("(\\d+m\\d+\\.\\d{3}s 0m0\\.000s\n){2}");
        assertThat(r.output().split("\n")).as("both spent some").doesNotContain("0m0.000s 0m0.000s");
    }

    private static String stat(String stats, String regex) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(stats);
        assertThat(m.find()).as(regex + " in the stats: " + stats).isTrue();
        return m.group(1);
    }

    @Test
    void everyoneStaysRoot() throws Exception {
        // set*id() was ENOSYS, so traceroute, which drops to its real ids (0), said "setgid:
        // Function not implemented"; becoming anybody else is EPERM (U:082)
        Result r = BusyboxRig.run(rig.guestCommand(List.of(), "sh", "-c",
                "traceroute -n -m 1 -q 1 127.0.0.1 2>&1 | tail -n 1 | cut -c1-13; httpd -u 65534 -f; echo $?; id"),
                null, null);
        assertThat(r.output()).isEqualTo(" 1  127.0.0.1\nhttpd: setgroups: Operation not permitted\n1\nuid=0 gid=0\n");
    }

    @Test
    void echoAndExitStatuses() throws Exception {
        assertThat(same("echo", "hi").output()).isEqualTo("hi\n");
        assertThat(same("false").status()).isEqualTo(1);
    }

    @Test
    void argumentsSurviveTheCommandLine() throws Exception {
        // Spaces, both quotes, backslashes, an empty argument and a lone "--".
        Result r = same("echo", "a  b", "it's", "\"q\"", "back\\slash", "", "--", "tab\there");
        assertThat(r.output()).isEqualTo("a  b it's \"q\" back\\slash  -- tab\there\n");
    }

    @Test
    void everyWordOfALongCommandLineArrives() throws Exception {
        // 300 words: the Guest used to keep the first 32 words of its command line and
        // drop the rest without a word.
        String[] args = new String[301];
        args[0] = "echo";
        for (int i = 1; i <= 300; i++) args[i] = Integer.toString(i);
        assertThat(same(args).output()).endsWith(" 299 300\n");
    }

    @Test
    void aCommandLineTheGuestCannotHoldIsRefusedWithOneLine() {
        // Past the boot protocol's 2048 bytes the Guest would see only the front of it.
        String[] args = new String[7];
        args[0] = "64m";
        args[1] = kernel.toString();
        args[2] = "--initrd=" + busybox;
        args[3] = "quiet";
        args[4] = "--";
        args[5] = "echo";
        args[6] = "x".repeat(3000);
        TestGuests.Run r = TestGuests.launch(new Host(), args);
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("lguest: the Guest's command line").contains("2047").endsWith("\n")
                .hasLineCount(1);
    }

    @Test
    void aProgramCanBeGivenAThousandArguments() throws Exception {
        // The Guest kernel used to refuse a program more than 32 arguments (E2BIG), so
        // "cat *.txt" failed in a directory of 40 files. Now a thousand, and 200 variables.
        Result r = same("sh", "-c", "/bin/echo $(seq 1 1000) | wc -w; set -- $(seq 1000 1999); /bin/true \"$@\"; echo $?;"
                + " env $(seq 1 200 | sed 's/.*/V&=&/') sh -c 'echo $V200'");
        assertThat(r.output()).isEqualTo("1000\n0\n200\n");
    }

    @Test
    void aBareDoubleDashStartsTheCommandLine() {
        // Without "quiet" before it, "--" used to be taken for an unknown option.
        TestGuests.Run r = TestGuests.launch(new Host(), "64m",
                kernel.toString(), "--initrd=" + busybox, "--", "echo", "hi");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("command line \"-- echo hi\"").contains("\nhi\n")
                .endsWith("init: echo exited with status 0\n");
        assertThat(r.status()).isZero();
    }

    @Test
    void theLauncherQuotesLikeAShell() {
        assertThat(Launcher.kernelCommandLine(List.of("quiet", "--", "awk", "BEGIN{x}", "a b", "it's", "",
                "back\\slash", "\"q\"")))
                .isEqualTo("quiet -- awk BEGIN{x} 'a b' 'it'\\''s' '' 'back\\slash' '\"q\"'");
        assertThat(Launcher.kernelCommandLine(List.of("quest=1"))).isEqualTo("quest=1");
        assertThat(Launcher.kernelCommandLine(List.of())).isEmpty();
    }
}
