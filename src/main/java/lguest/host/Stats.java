package lguest.host;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What one guest cost: counted by the Host at its exits, never inside the CPU's loop.
 */
public final class Stats {
    /*H:700 Statistics are counted where the Host already stands: on the way out of
     * the Guest.  That makes them free, and also blind.  A system call that goes
     * straight from the Guest's ring 3 to its ring 1 through a direct trap gate never
     * leaves the Guest, so it is never counted here: the figure for vector 0x80 stays
     * 0 because the trick works, not because nobody called.  The same blindness is
     * why lguest was fast. :*/
    /** Exits by trap number (256 = fault inside the Switcher, 0xEF = a host interrupt). */
    public final AtomicLongArray exits = new AtomicLongArray(257);
    public final AtomicLongArray hypercalls = new AtomicLongArray(18);
    public volatile long pageFaultsFilled, pageFaultsReflected, trapsReflected, interruptsInjected,
            asyncHypercalls, instructions;
    /** NEW_PGTABLE calls, and those that found their shadow page directory already cached (H:460). */
    public volatile long pgdirLookups, pgdirHits;
    public volatile long runNanos;

    public String report() {
        StringBuilder sb = new StringBuilder();
        double secs = runNanos / 1e9;
        sb.append(String.format("guest instructions: %d in %.3f s (%.1f MIPS)%n", instructions, secs,
                secs > 0 ? instructions / secs / 1e6 : 0.0));
        sb.append("exits by trap:");
        for (int i = 0; i < exits.length(); i++)
            if (exits.get(i) != 0) sb.append(String.format(" %s=%d", exitName(i), exits.get(i)));
        sb.append(exits.get(0x80) == 0 ? String.format("%n  (0 exits for vector 0x80: system calls taken as direct traps never leave the guest)%n")
                : String.format("%n  (#128: system calls, brought out of the guest by --trace=syscalls, H:345)%n"));
        sb.append("hypercalls:");
        for (int i = 0; i < hypercalls.length(); i++)
            if (hypercalls.get(i) != 0) sb.append(String.format(" %d=%d", i, hypercalls.get(i)));
        sb.append(String.format(" (of which %d from the async ring)%n", asyncHypercalls));
        sb.append(String.format("page faults: %d filled by the Host, %d reflected; other traps reflected: %d%n",
                pageFaultsFilled, pageFaultsReflected, trapsReflected));
        sb.append(String.format("interrupts injected: %d%n", interruptsInjected));
        sb.append(String.format("shadow page directories: %d of %d CR3 loads found theirs cached (%.1f%% hits)%n",
                pgdirHits, pgdirLookups, pgdirLookups > 0 ? 100.0 * pgdirHits / pgdirLookups : 0.0));
        return sb.toString();
    }

    private static String exitName(int i) {
        if (i == 256) return "switcher";
        if (i == 0x1F) return "hcall";
        if (i == Switcher.HOST_IRQ_VECTOR) return "hostirq";
        return "#" + i;
    }
}
