package lguest;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests that compare the emulator with the real CPU need this host's gcc -m32 and its
 * ability to run i386 programs. From an IDE on a machine without them such a test is
 * skipped, saying why; under {@code make test} (which sets {@code -Dlguest.strict=true})
 * a missing tool is a failure, so CI can never pass by comparing nothing.
 */
public final class HostPrerequisite {
    private HostPrerequisite() {}

    public static boolean strict() {
        return Boolean.getBoolean("lguest.strict");
    }

    public static void require(boolean ok, String why) {
        if (ok) return;
        if (strict()) fail("missing on this host (required under make test): " + why);
        assumeTrue(false, why);
    }
}
