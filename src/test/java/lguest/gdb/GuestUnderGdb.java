package lguest.gdb;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lguest.host.Host;
import lguest.launcher.Launcher;

/** A Launcher run with --gdb=0 on a thread of this JVM: its port, and its end. */
final class GuestUnderGdb implements AutoCloseable {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread thread;
    private volatile int status = -1;

    GuestUnderGdb(String... args) {
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        thread = new Thread(() -> status = Launcher.run(new Host(), args, java.io.InputStream.nullInputStream(),
                out, e), "guest-under-gdb");
        thread.setDaemon(true);
        thread.start();
    }

    /** The port the stub says it listens on (waits for the line). */
    int port() throws InterruptedException {
        Pattern p = Pattern.compile("gdb stub on 127\\.0\\.0\\.1:(\\d+)");
        for (int i = 0; i < 600; i++) {
            Matcher m = p.matcher(err());
            if (m.find()) return Integer.parseInt(m.group(1));
            if (!thread.isAlive()) break;
            Thread.sleep(50);
        }
        throw new AssertionError("the stub never said where it listens: " + err());
    }

    /** Waits for the Launcher to return; its exit status. */
    int end(long seconds) throws InterruptedException {
        thread.join(TimeUnit.SECONDS.toMillis(seconds));
        if (thread.isAlive()) throw new AssertionError("the guest did not end; console: " + out() + err());
        return status;
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
