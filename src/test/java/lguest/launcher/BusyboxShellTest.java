package lguest.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lguest.launcher.BusyboxRig.Result;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Busybox's shell in the Guest, with many processes: fork, execve, wait4, pipes, dup2,
 * signals (ash's SIGCHLD handler and rt_sigsuspend) and the console's end of file. Each
 * script runs natively ({@code busybox sh -c ...}) and in the Guest, and both must print
 * the same bytes (stdout and stderr together) and exit with the same status.
 */
class BusyboxShellTest {
    private static BusyboxRig rig;

    @BeforeAll
    static void find() {
        rig = BusyboxRig.find();
    }

    /** busybox ARGS natively and in the Guest, with the same stdin; both must agree. */
    private static Result same(String stdin, String... args) throws Exception {
        Result n = BusyboxRig.run(rig.nativeCommand(args), stdin, null);
        Result g = BusyboxRig.run(rig.guestCommand(List.of(), args), stdin, null);
        assertThat(g.output()).as("output of " + String.join(" ", args)).isEqualTo(n.output());
        assertThat(g.status()).as("exit status of " + String.join(" ", args)).isEqualTo(n.status());
        return g;
    }

    private static Result sh(String script) throws Exception {
        return same(null, "sh", "-c", script);
    }

    @Test
    void aPipeBetweenTwoProcesses() throws Exception {
        assertThat(sh("echo a | cat").output()).isEqualTo("a\n");
    }

    @Test
    void aLoopIntoAPipe() throws Exception {
        assertThat(sh("for i in 1 2 3; do echo $i; done | wc -l").output()).isEqualTo("3\n");
    }

    @Test
    void commandSubstitutionAndExitStatus() throws Exception {
        Result r = sh("x=$(echo hi); echo \"<$x>\"; exit 3");
        assertThat(r.output()).isEqualTo("<hi>\n");
        assertThat(r.status()).isEqualTo(3);
    }

    @Test
    void andOrLists() throws Exception {
        assertThat(sh("false || echo no; true && echo yes").output()).isEqualTo("no\nyes\n");
    }

    @Test
    void aSubshellsStatusReachesItsParent() throws Exception {
        assertThat(sh("echo one; (echo two; exit 4); echo $?").output()).isEqualTo("one\ntwo\n4\n");
    }

    @Test
    void aBackgroundJobAndWait() throws Exception {
        // ash's wait: WNOHANG, then rt_sigsuspend until its SIGCHLD handler has run.
        assertThat(sh("sleep 0.1 & wait; echo done").output()).isEqualTo("done\n");
    }

    @Test
    void aCommandThatWaitsForItsOwnChildUnderAShell() throws Exception {
        // busybox time vforks its command and sleeps in wait4 with SIGCHLD at its
        // default; its question "has a child of mine exited?" was once asked as
        // whichever process ran the scheduler, and it hung for ever (U:232).
        assertThat(sh("busybox time true 2>/dev/null; echo after").output()).isEqualTo("after\n");
    }

    @Test
    void execveRunsAppletsByPath() throws Exception {
        // "/bin/echo" makes ash exec instead of running its builtin; $$ differs from its child.
        assertThat(sh("/bin/echo via exec; exec /usr/bin/printf '%s\\n' replaced").output())
                .isEqualTo("via exec\nreplaced\n");
        assertThat(sh("test $$ != $(sh -c 'echo $$') && echo different").output()).isEqualTo("different\n");
    }

    @Test
    void aNameThatIsNoAppletIsNotFound() throws Exception {
        // without a root disk a name means busybox only if busybox has that applet (U:342);
        // it once ran busybox anyway, which said "applet not found" as if the exec had worked
        assertThat(sh("nosuchcmd 2>&1; echo $?; /usr/bin/nosuchthing 2>&1; echo $?").output())
                .isEqualTo("sh: nosuchcmd: not found\n127\nsh: /usr/bin/nosuchthing: not found\n127\n");
    }

    @Test
    void awkStartsCommandsWithPosixSpawnAndPopen() throws Exception {
        // system() is glibc's posix_spawn: clone(CLONE_VM | CLONE_VFORK) on a stack of its own.
        assertThat(same(null, "awk", "BEGIN{r = system(\"echo from-system; exit 3\"); print r; "
                + "while ((\"seq 1 3\" | getline l) > 0) s += l; print s}").output())
                .isEqualTo("from-system\n3\n6\n");
    }

    @Test
    void signalsKillAndAreCaught() throws Exception {
        assertThat(sh("trap 'echo caught' USR1; kill -USR1 $$; echo after").output())
                .isEqualTo("caught\nafter\n");
        // (2>&- keeps the parent's "Terminated" out: whether ash prints it depends on
        // what it inherits from whoever started it, natively.)
        assertThat(sh("sh -c 'kill -TERM $$' 2>&-; echo $?; sh -c 'kill -9 $$' 2>&-; echo $?").output())
                .isEqualTo("143\n137\n");
    }

    @Test
    void killStopsAndContinuesABackgroundJob() throws Exception {
        // the stop signals were ignored, so the job went on sleeping, "S", when stopped (U:402)
        assertThat(sh("sleep 2 & p=$!; kill -STOP $p; sleep 0.2; grep State /proc/$p/status; kill -CONT $p; "
                + "sleep 0.1; grep State /proc/$p/status; kill -9 $p; wait $p 2>/dev/null; echo st $?").output())
                .isEqualTo("State:\tT (stopped)\nState:\tS (sleeping)\nst 137\n");
    }

    @Test
    void aShortSleepBesideALongOneIsShort() throws Exception {
        // A sleep first waits for a clock tick; the scheduler, halting for the other process's
        // later deadline, set the one alarm past that tick, and "sleep 0.05" took a second.
        assertThat(sh("for i in 1 2 3 4 5; do sleep 1 & t0=$(cut -d' ' -f1 /proc/uptime); sleep 0.05; "
                + "t1=$(cut -d' ' -f1 /proc/uptime); awk -v a=$t0 -v b=$t1 'BEGIN { print (b - a < 0.8) ? \"short\" : \"long\" }'; "
                + "wait; done").output()).isEqualTo("short\n".repeat(5));
    }

    @Test
    void aBusyBackgroundJobDoesNotStarveTheShell() throws Exception {
        // yes makes system calls, the loop none: both must be preempted, and killed.
        assertThat(sh("yes > /dev/null & sleep 0.2; kill $!; wait $! 2>/dev/null; echo \"ok $?\"").output())
                .isEqualTo("ok 143\n");
        assertThat(sh("i=0; while :; do i=$((i+1)); done & sleep 0.1; echo started; kill $!; "
                + "wait $! 2>/dev/null; echo $?").output()).isEqualTo("started\n143\n");
    }

    @Test
    void hundredsOfForksWithTheTimerRunning() throws Exception {
        // Every $( | ) is two forks, a pipe and three waits; the timer's preemption
        // strikes at random points of them. It once struck in the instant between
        // "int $0x80" and the kernel knowing it was in a system call, and a signal
        // delivered there sent the kernel to eip 0x7b (G:696).
        Result r = sh("trap 'n=$((n+1))' USR1; n=0; for i in $(seq 1 300); do x=$(echo $i | cat); "
                + "kill -USR1 $$; done; echo $x $n");
        assertThat(r.output()).isEqualTo("300 300\n");
    }

    @Test
    void aHundredBackgroundJobsAtOnce() throws Exception {
        // The process table once had 31 slots, each with its kernel stack in the kernel's
        // image; the 31st sleep said "can't fork" (U:205 takes a slot's stack from the allocator).
        assertThat(sh("for i in $(seq 100); do sleep 1 & done; n=0; for p in $(jobs -p); do "
                + "n=$((n+1)); done; wait; echo $n started, all done").output())
                .isEqualTo("100 started, all done\n");
    }

    @Test
    void kernelStacksAreFoundOnTheFreeListOnceRamHasBeenFull() throws Exception {
        // In 16 MiB a RAM-disk file, then awk's array (killed when it runs out), take every
        // page the allocator's pointer had; the stacks of the slots not used before must then
        // come from the free list, two neighbouring pages at a time (U:106). Guest only: the
        // numbers are this Guest's.
        List<String> cmd = new ArrayList<>(rig.guestCommand(List.of(), "sh", "-c",
                "dd if=/dev/zero of=/big bs=1k count=19800 2>/dev/null; "
                + "(awk 'BEGIN { for (i = 0; i < 200000; i++) a[i] = i }') 2>/dev/null; rm /big; "
                + "for i in $(seq 100); do sleep 1 & done; n=0; for p in $(jobs -p); do n=$((n+1)); done; "
                + "wait; echo $n started"));
        cmd.set(1, "16m");
        assertThat(BusyboxRig.run(cmd, null, null).output()).endsWith("100 started\n").doesNotContain("fork");
    }

    @Test
    void aReaderThatQuitsStopsTheWriter() throws Exception {
        // head exits after one line; yes then gets SIGPIPE (or EPIPE) and the pipeline ends.
        assertThat(sh("yes | head -2; echo end").output()).isEqualTo("y\ny\nend\n");
    }

    @Test
    void bigPipelines() throws Exception {
        assertThat(sh("seq 1 2000 | sort -r | head -3").output()).isEqualTo("999\n998\n997\n");
        assertThat(sh("seq 1 20000 | wc -c").output()).isEqualTo("108894\n");
    }

    @Test
    void redirectionsWithDup2() throws Exception {
        assertThat(sh("{ echo out; echo err >&2; } 2>&1 | cat; exec 3>&1; echo three >&3").output())
                .isEqualTo("out\nerr\nthree\n");
    }

    @Test
    void aScriptOnStandardInputEndsAtItsEnd() throws Exception {
        Result r = same("echo hi\nexit 5\n", "sh");
        assertThat(r.output()).isEqualTo("hi\n");
        assertThat(r.status()).isEqualTo(5);
        assertThat(same("echo a\necho b | cat\n", "sh").output()).isEqualTo("a\nb\n");
        assertThat(same("one\ntwo\n", "cat").output()).isEqualTo("one\ntwo\n");
    }
}
