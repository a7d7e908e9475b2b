package lguest.machine;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every system-architecture test again, on CPUs that translate each block the first time
 * it runs: faults, gates, rings, paging and TSS work must come out the same from
 * translated code as from the interpreter.
 */
class SystemArchitectureTranslatedTest extends SystemArchitectureTest {
    private static int saved;

    @BeforeAll
    static void translateEverything() {
        saved = CodeCache.defaultThreshold();
        CodeCache.translateAfter(0);
    }

    @AfterAll
    static void restore() {
        if (saved < 0) CodeCache.interpretOnly(); else CodeCache.translateAfter(saved);
    }
}
