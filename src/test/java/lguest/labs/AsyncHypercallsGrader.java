package lguest.labs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for the lab "async-hypercalls" (labs/async-hypercalls.lab): the Guest's half of
 * the asynchronous hypercall ring, in src/guest/lguest.c.
 */
class AsyncHypercallsGrader {

    /*M:400 Lab: the asynchronous hypercall ring (Guest; medium, about 2 hours).
     *
     * `make lab async-hypercalls` takes out the Guest's side of lazy mode: the body
     * of async_hcall(), which puts one call into the ring in lguest_data, and of
     * lazy_mode_leave(), which makes the batched calls take effect.  The Guest still
     * builds, and panics with the lab's name the first time it tries to batch a call,
     * which is the first time it runs a program.  Put them back.
     *
     * Read G:110 (the ring's two arrays and why every status starts at 0xFF), G:200
     * and G:210 (what lazy mode is for), and the other side, H:210, which tells you
     * exactly what the Host expects: where it starts reading, what "waiting" and
     * "free" look like, and when it stops.  G:120 has the tools for the interrupt
     * flag.
     *
     * Hints.  The Guest and the Host each keep a cursor into the ring and never tell
     * each other where it is: they stay in step because both go round in the same
     * order and neither skips a slot.  A slot the Host has not run yet is not yours
     * to reuse; what do you do with a call when the ring is full, so that the calls
     * still run in the order they were made?  The status byte is the flag that hands
     * the slot over, so it is written last, with a barrier that keeps gcc from
     * writing it first.  An interrupt handler can batch a call too.  And when lazy
     * mode ends, the calls still sitting in the ring must run before the code after
     * it relies on them, and the Host looks at the ring only when it next gets
     * control, which may be a long time coming.
     *
     * Graded (`make grade async-hypercalls`) by booting the Guest you built: the
     * demonstration must run to a clean power-off (1 point); busybox's shell must
     * fork, exec and pipe through workloads whose page-table bursts fill the 64-slot
     * ring many times over and come out right (2 points); --stats must show the Host
     * taking the calls from the ring, with far fewer exits than hypercalls (2
     * points); and every burst must end with a flush the Host sees (1 point).  Making
     * every call synchronously boots and runs, and loses the batching points. :*/

    /** A shell that forks, pipes and execs, with a subshell of a big address space:
     *  every exec is a burst of SET_PTE calls longer than the ring (a fork's
     *  entries go to a directory the Host has not seen, and make none: U:320). */
    static final String WORKLOAD = "for i in 1 2 3 4 5 6 7 8 9 10; do echo $i | cat | wc -c; done | tr '\\n' ' '; echo;"
            + " x=$(seq 1 20000); echo \"$x\" | tail -1; (y=$(seq 1 30000); echo \"$y\" | md5sum)";
    static final String EXPECTED = "2 2 2 2 2 2 2 2 2 3 \n20000\n" + GuestLabRig.md5(GuestLabRig.seq(30000)) + "  -\n";

    private static GuestLabRig.Result shell;

    /** The workload runs once with --stats; three tests look at the result. */
    private static synchronized GuestLabRig.Result shell() throws Exception {
        if (shell == null) shell = GuestLabRig.busybox(List.of("--stats"), "sh", "-c", WORKLOAD);
        return shell;
    }

    @Test
    @Points(1)
    @DisplayName("The demonstration kernel boots, runs its ring-3 program and powers off cleanly")
    void demonstrationBoots() throws Exception {
        GuestLabRig.Result r = GuestLabRig.lguest(List.of("quest=1"), null);
        assertThat(r.output()).as("the Guest's console").doesNotContain("Kernel panic")
                .contains("hello from user space").contains("init: hello exited with status 0");
        assertThat(r.status()).as("the Launcher's exit status\n" + r.output()).isZero();
    }

    @Test
    @Points(2)
    @DisplayName("busybox's shell forks, execs and pipes correctly (bursts longer than the 64-slot ring)")
    void shellWorkloadComesOutRight() throws Exception {
        GuestLabRig.Result r = shell();
        assertThat(r.output()).as("the Guest's console").doesNotContain("Kernel panic").startsWith(EXPECTED);
        assertThat(r.status()).as("the shell's exit status\n" + r.output()).isZero();
    }

    @Test
    @Points(2)
    @DisplayName("Batched calls reach the Host through the ring: --stats counts them, and exits are few")
    void callsAreBatched() throws Exception {
        GuestLabRig.Result r = shell();
        assertThat(r.output()).startsWith(EXPECTED);
        long setPte = r.hypercall(14), total = r.hypercalls().values().stream().mapToLong(Long::longValue).sum();
        assertThat(setPte).as("SET_PTE hypercalls (a shell that forks makes thousands)").isGreaterThan(1000);
        assertThat(r.fromRing()).as("hypercalls the Host took from the async ring, against %d SET_PTEs\n%s",
                setPte, r.output()).isGreaterThan(setPte / 2);
        assertThat(r.hcallExits()).as("exits for hypercalls, against %d hypercalls made", total)
                .isLessThan(total / 4);
    }

    @Test
    @Points(1)
    @DisplayName("Leaving lazy mode flushes: the Host sees a FLUSH_ASYNC at the end of every burst")
    void leavingLazyModeFlushes() throws Exception {
        GuestLabRig.Result r = shell();
        assertThat(r.output()).startsWith(EXPECTED);
        // Every context switch is a burst (SET_STACK, LOAD_TLS, TS) that ends in lazy_mode_leave().
        assertThat(r.hypercall(0)).as("FLUSH_ASYNC hypercalls, against %d context switches (SET_STACK)\n%s",
                r.hypercall(7), r.output()).isGreaterThanOrEqualTo(r.hypercall(7)).isPositive();
    }
}
