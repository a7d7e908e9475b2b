package lguest.launcher;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import lguest.host.Trace;

/**
 * The Launcher's --trace options: which events (H:730), where to (stderr or a file), and
 * which Guest addresses. Each may be given once, and the last two only with the first.
 */
final class TraceOptions {
    static final String[] WORDS = Trace.words();

    private String what, file, eip;

    /** Takes one command-line word if it is a --trace option; false if it is not one. */
    boolean accept(String a) throws LaunchError {
        if (a.startsWith("--trace=")) what = once(what, "--trace", a.substring(8));
        else if (a.startsWith("--trace-file=")) file = once(file, "--trace-file", a.substring(13));
        else if (a.startsWith("--trace-eip=")) eip = once(eip, "--trace-eip", a.substring(12));
        else return false;
        return true;
    }

    private static String once(String before, String option, String value) throws LaunchError {
        if (before != null) throw new LaunchError(option + " given twice (" + before + " and " + value + ")");
        return value;
    }

    /** The trace the options ask for, writing to err or to the --trace-file; null without --trace. */
    Trace open(PrintStream err) throws LaunchError {
        if (what == null) {
            if (file != null) throw new LaunchError("--trace-file needs --trace=WHAT");
            if (eip != null) throw new LaunchError("--trace-eip needs --trace=WHAT");
            return null;
        }
        Set<Trace.Category> cats;
        try {
            cats = Trace.categories(what);
        } catch (IllegalArgumentException e) {
            throw new LaunchError(e.getMessage());
        }
        long lo = 0, hi = 0xFFFF_FFFFL;
        if (eip != null) {
            int dash = eip.indexOf('-');
            if (dash < 0) throw new LaunchError("--trace-eip wants LO-HI, e.g. --trace-eip=0-0xbfffffff");
            lo = address(eip.substring(0, dash));
            hi = address(eip.substring(dash + 1));
            if (lo > hi) throw new LaunchError("--trace-eip=" + eip + " is an empty range");
        }
        if (file == null) return new Trace(cats, err, false, lo, hi);
        try {
            PrintStream out = new PrintStream(new BufferedOutputStream(Files.newOutputStream(Path.of(file)), 1 << 16),
                    false, StandardCharsets.UTF_8);
            return new Trace(cats, out, true, lo, hi);
        } catch (IOException | RuntimeException e) {
            throw new LaunchError("cannot write the trace file " + file + ": " + Launcher.why(e instanceof IOException
                    ? (IOException) e : new IOException(e.getMessage())));
        }
    }

    private static long address(String s) throws LaunchError {
        try {
            long v = Long.decode(s.trim());
            if (v >= 0 && v <= 0xFFFF_FFFFL) return v;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new LaunchError("--trace-eip: bad address '" + s + "' (a number from 0 to 0xffffffff)");
    }
}
