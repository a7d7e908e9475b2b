package lguest.labs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import lguest.HostPrerequisite;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for the lab "semaphores" (labs/semaphores.lab): try_ops() of the Guest kernel's
 * System V semaphores, in src/guest/ipc.c.
 */
class SemaphoresGrader {

    /*M:450 Lab: System V semaphores, all or nothing (Guest, the Unix beneath busybox;
     * medium, about 2 hours).
     *
     * `make lab semaphores` empties try_ops(), the heart of semop(): given a set and
     * a list of operations, apply them all or none.  Everything round it is still
     * there: the system calls, the sleeping and the waking (U:190), the table of
     * undos (U:188), sem_exit().  The first semop() a program makes panics the Guest
     * with the lab's name; `syslogd -C` makes one as it starts.
     *
     * Read U:187 (what an operation means: add, take and maybe wait, wait for zero),
     * U:188 (how an undo is kept) and U:189 (what try_ops() returns: 0, 1 with the
     * operation that must wait in *blocked, or an error), then U:190, which calls it
     * in a loop.
     *
     * Hints.  Work on a copy of the counters and make it the set's only when every
     * operation went: an operation later in the list may have to wait, and then the
     * ones before it must not have happened.  The operations apply in order, and two
     * on the same counter see each other.  A counter pushed past SEMVMX is ERANGE,
     * not a wait.  SEM_UNDO's adjustment is the negation of what the operation did,
     * kept per process and counter by undo_of(); find (or make) every entry you need
     * before you change anything, so that a full table (ENOSPC) changes nothing
     * either.  Record who last changed each counter (GETPID), the time (sem_otime),
     * and tell the sleepers that the set changed.
     *
     * Graded by a program of the tree's own, user/sysvipc.c, run on this host's
     * Linux and then as the Guest's first process: every line must be the same
     * (semaphores taken and given, a list of two of which one must wait, a timeout,
     * a parent woken by its child, SEM_UNDO at a child's end, ERANGE, EFBIG, a set
     * removed under a sleeper); and by busybox: `syslogd -C` writing its log to
     * shared memory and `logread`, plain and following, reading it, both guarding
     * the log with a set of two semaphores. :*/

    @Test
    @Points(5)
    @DisplayName("sysvipc.c prints in the Guest what it prints on Linux")
    void theProgramPrintsWhatLinuxPrints() throws Exception {
        Path elf = GuestLabRig.kernel().resolveSibling("user/sysvipc.elf");
        assertThat(elf).as("the tree's user programs, built with the kernel").isRegularFile();
        GuestLabRig.Result linux = GuestLabRig.run(List.of(elf.toString()), null, 60);
        HostPrerequisite.require(linux.status() == 0 && !linux.output().isEmpty(),
                "this host cannot run i386 programs: " + linux.output());
        GuestLabRig.Result guest = GuestLabRig.lguest(List.of("--initrd=" + elf, "quiet"), null);
        assertThat(guest.output()).isEqualTo(linux.output());
        assertThat(guest.status()).isZero();
    }

    @Test
    @Points(3)
    @DisplayName("logread reads what syslogd -C keeps in shared memory, and follows it")
    void logreadReadsSyslogdsLog() throws Exception {
        GuestLabRig.Result r = GuestLabRig.busybox(List.of(), "sh", "-c", String.join("; ",
                "mkdir -p /tmp; syslogd -n -C16 & for i in 1 2 3 4 5 6 7 8 9 10; do logread > /dev/null 2>&1 && break; sleep 0.2; done",
                "logread -f > /tmp/follow & sleep 0.5",
                "logger -t lab one; seq 50 | logger -t many; logger -t lab two; sleep 0.5",
                "echo logread: $(logread | grep -c many:) $(logread | grep -o 'lab: .*' | tr '\\n' ' ')",
                "echo follow: $(grep -c many: /tmp/follow) $(grep -o 'lab: .*' /tmp/follow | tr '\\n' ' ')",
                "kill %1 %2; wait"));
        assertThat(r.output()).contains("logread: 50 lab: one lab: two\n").contains("follow: 50 lab: one lab: two\n");
    }
}
