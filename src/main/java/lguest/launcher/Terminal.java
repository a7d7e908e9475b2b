package lguest.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The controlling terminal in raw mode while a guest runs, through stty (no JLine here). */
final class Terminal {
    /*L:190 A Guest's shell wants every key as it is pressed, not a line at a time
     * after the terminal has had its way with it, so lguest switched off the tty's
     * line editing, echo and signal keys (but not its output processing, so "\n"
     * still starts a new line).
     * The JVM cannot do that by itself and this project takes no new libraries, so we
     * ask stty, through /bin/sh with the terminal as its input, and put the old
     * settings back on the way out.  When there is no terminal (a pipe, a test) we
     * leave everything alone, and the console works line by line. :*/
    private final String saved;

    private Terminal(String saved) {
        this.saved = saved;
    }

    static Terminal rawIfInteractive() {
        if (System.console() == null) return new Terminal(null);
        try {
            String saved = sh("stty -g < /dev/tty").trim();
            sh("stty -isig -icanon -echo min 1 < /dev/tty");
            Terminal t = new Terminal(saved);
            Runtime.getRuntime().addShutdownHook(new Thread(t::restore));
            return t;
        } catch (IOException | InterruptedException e) {
            return new Terminal(null);
        }
    }

    /** Standard input is a terminal, now in raw mode: the Guest's console should be one too. */
    boolean interactive() {
        return saved != null && !saved.isEmpty();
    }

    void restore() {
        if (saved == null || saved.isEmpty()) return;
        try {
            sh("stty " + saved + " < /dev/tty");
        } catch (IOException | InterruptedException e) {
            /* the terminal is somebody else's problem now */
        }
    }

    private static String sh(String cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-c", cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
