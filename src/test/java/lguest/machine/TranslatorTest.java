package lguest.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The translator against the interpreter: the same program on two identical machines,
 * one interpreting only and one translating every block at once (threshold 0), must end
 * in the same state: registers, EIP, EFLAGS, CR2, memory and the retired count.
 */
class TranslatorTest {

    /** Two Rigs, one per back end, with the same program written at CODE. */
    private static Rig[] twins(Consumer<Rig> program) {
        Rig interpreted = new Rig(), translated = new Rig();
        interpreted.cpu.execution.threshold = -1;
        translated.cpu.execution.threshold = 0;
        for (Rig r : new Rig[] {interpreted, translated}) program.accept(r);
        return new Rig[] {interpreted, translated};
    }

    private static void assertSameState(Rig a, Rig b) {
        Cpu x = a.cpu, y = b.cpu;
        for (int r = 0; r < 8; r++) assertThat(y.r[r]).as("register %d", r).isEqualTo(x.r[r]);
        assertThat(y.eip).as("EIP").isEqualTo(x.eip);
        assertThat(y.getEflags()).as("EFLAGS").isEqualTo(x.getEflags());
        assertThat(y.cr2).as("CR2").isEqualTo(x.cr2);
        assertThat(y.retired()).as("instructions retired").isEqualTo(x.retired());
        for (int p = 0; p < 0x80000; p += 4) {
            int v = a.mem.read32(p), w = b.mem.read32(p);
            if (v != w) assertThat(Integer.toHexString(w)).as("memory at %x", p).isEqualTo(Integer.toHexString(v));
        }
    }

    /*
     * A loop walking an array one word at a time off the end of the mapped memory: the
     * load in the middle of the block faults on trip 0x40000, long after the block was
     * translated and HotSpot compiled it. The page fault must report the load's EIP, the
     * flags of the ADD before it (still lazy), the registers as the instructions before
     * it left them, and the right count of retired instructions.
     */
    @Test
    void aFaultInTheMiddleOfATranslatedBlockIsPrecise() {
        Rig[] m = twins(r -> {
            r.mem.write32(Rig.PT + 4 * 0x200, 0);           // 0x200000 not present
            r.code(0xBE).code32(0x100000);                  // mov $0x100000, %esi
            r.code(0x31, 0xC9);                             // xor %ecx, %ecx
            int loop = r.pc;
            r.code(0x83, 0xC1, 0x01);                       // add $1, %ecx
            r.code(0x89, 0xCA);                             // mov %ecx, %edx
            r.code(0x83, 0xC6, 0x04);                       // add $4, %esi
            r.code(0x03, 0x06);                             // add (%esi), %eax   <- faults
            r.code(0x29, 0xD3);                             // sub %edx, %ebx
            r.code(0xEB, loop - (r.pc + 2));                // jmp loop
        });
        for (Rig r : m) {
            Rig.Trap t = new Rig.Trap(r.cpu.run(10_000_000), r);
            assertThat(t.vector).isEqualTo(Vectors.PF);
            assertThat(t.eip).isEqualTo(Rig.CODE + 7 + 8);
            assertThat(r.cpu.cr2).isEqualTo(0x200000);
        }
        assertSameState(m[0], m[1]);
        assertThat(m[1].cpu.execution.translatedInstructions).as("ran translated").isGreaterThan(1_000_000);
        assertThat(m[0].cpu.execution.translatedInstructions).isZero();
    }

    /*
     * Self-modifying code in a hot loop: after 50,000 trips the loop rewrites the
     * immediate of its own first instruction (add $1 becomes add $2). The store hits a
     * translated page, so the method stops after the storing instruction, and the next
     * trip must run the new bytes, on both back ends.
     */
    @Test
    void aLoopThatRewritesItselfRunsTheNewCode() {
        Rig[] m = twins(r -> {
            r.code(0x31, 0xDB, 0x31, 0xC9);                 // xor %ebx,%ebx; xor %ecx,%ecx
            int loop = r.pc;
            r.code(0x83, 0xC3, 0x01);                       // add $1, %ebx
            r.code(0x41);                                   // inc %ecx
            r.code(0x81, 0xF9).code32(50_000);              // cmp $50000, %ecx
            r.code(0x75, 0x07);                             // jne skip
            r.code(0xC6, 0x05).code32(loop + 2).code(0x02); // movb $2, loop+2
            r.code(0x81, 0xF9).code32(100_000);             // skip: cmp $100000, %ecx
            r.code(0x75, loop - (r.pc + 2));                // jne loop
            r.code(0xF4);                                   // hlt
        });
        long before = CodeCache.invalidations.get();
        for (Rig r : m) {
            assertThat(r.cpu.run(10_000_000)).isEqualTo(Exit.HALT);
            assertThat(r.cpu.r[Cpu.EBX]).isEqualTo(150_000);
        }
        assertSameState(m[0], m[1]);
        assertThat(CodeCache.invalidations.get()).as("the translation was invalidated").isGreaterThan(before);
    }

    /*
     * Code written from outside the CPU: a hot loop is stopped by its budget, the Host
     * (PhysicalMemory.write8) or a device (PhysicalMemory.write, the DMA path) rewrites
     * the loop's immediate, and the rest of the loop must add the new value.
     */
    @Test
    void codeRewrittenByTheHostOrByDmaRunsAsWritten() {
        for (boolean dma : new boolean[] {false, true}) {
            Rig[] m = twins(r -> {
                r.code(0x31, 0xDB);                         // xor %ebx, %ebx
                r.code(0xB9).code32(100_000);               // mov $100000, %ecx
                int loop = r.pc;
                r.code(0x83, 0xC3, 0x01);                   // add $1, %ebx
                r.code(0x49);                               // dec %ecx
                r.code(0x75, loop - (r.pc + 2));            // jnz loop
                r.code(0xF4);                               // hlt
            });
            for (Rig r : m) {
                assertThat(r.cpu.run(2 + 3 * 60_000)).isEqualTo(Exit.BUDGET);
                assertThat(r.cpu.r[Cpu.EBX]).isEqualTo(60_000);
                if (dma) r.mem.write(Rig.CODE + 9, new byte[] {5}, 0, 1);
                else r.mem.write8(Rig.CODE + 9, 5);
                assertThat(r.cpu.run(10_000_000)).isEqualTo(Exit.HALT);
                assertThat(r.cpu.r[Cpu.EBX]).as(dma ? "after DMA" : "after a Host write").isEqualTo(60_000 + 5 * 40_000);
            }
            assertSameState(m[0], m[1]);
            assertThat(m[1].cpu.execution.translatedInstructions).isGreaterThan(100_000);
        }
    }

    /*
     * Chaining: a loop on one page calls a function on the next, so every trip leaves one
     * translation for another twice (the CALL and the RET), and the links (X:620) turn
     * those trips into nested calls. After 0x40000 trips the function's load walks off
     * the mapped memory, inside a run nested several links deep: the page fault must
     * still name the load, with the registers, flags, stack and count the interpreter has.
     */
    @Test
    void linkedTranslationsKeepAFaultPreciseSeveralLinksDeep() {
        Rig[] m = twins(r -> {
            r.mem.write32(Rig.PT + 4 * 0x200, 0);           // 0x200000 not present
            r.code(0xBE).code32(0x100000);                  // mov $0x100000, %esi
            r.code(0x31, 0xC9);                             // xor %ecx, %ecx
            int loop = r.pc;
            r.code(0x41);                                   // inc %ecx
            int f = Rig.CODE + 0x1000, rel = f - (r.pc + 5);
            r.code(0xE8).code32(rel);                       // call f
            r.code(0x01, 0xC3);                             // add %eax, %ebx
            r.code(0xEB, loop - (r.pc + 2));                // jmp loop
            r.pc = f;
            r.code(0x83, 0xC6, 0x04);                       // f: add $4, %esi
            r.code(0x8B, 0x06);                             // mov (%esi), %eax   <- faults
            r.code(0x31, 0xC8);                             // xor %ecx, %eax
            r.code(0xC3);                                   // ret
        });
        for (Rig r : m) {
            Rig.Trap t = new Rig.Trap(r.cpu.run(10_000_000), r);
            assertThat(t.vector).isEqualTo(Vectors.PF);
            assertThat(t.eip).isEqualTo(Rig.CODE + 0x1000 + 3);
        }
        assertSameState(m[0], m[1]);
        long trips = m[1].cpu.r[Cpu.ECX];
        assertThat(m[1].cpu.execution.translatedInstructions).isGreaterThan(5 * (trips - 10));
        assertThat(m[1].cpu.execution.entries).as("entries from the run loop, with links").isLessThan(trips / 2);
    }

    /*
     * Conditions asked right after the instruction that set the flags, in the same block,
     * are answered from that record directly (X:616): every condition after every kind of
     * flag writer, at every width, for operands that straddle the signed and unsigned
     * boundaries, each result stored with SETcc, must be what the interpreter says.
     */
    @Test
    void everyConditionAfterEveryFlagWriterIsTheInterpretersAnswer() {
        int[][] writers = {
            {0x38, 0xD8}, {0x66, 0x39, 0xD8}, {0x39, 0xD8},                // cmp %bl,%al; cmp %bx,%ax; cmp %ebx,%eax
            {0x29, 0xD8}, {0x01, 0xD8}, {0x21, 0xD8}, {0x84, 0xD8},        // sub, add, and; test %bl,%al
            {0x40}, {0x48}, {0xF7, 0xD8}, {0xC1, 0xE0, 0x03}, {0xC1, 0xF8, 0x05}, {0x0F, 0xA3, 0xD8},
                                                                            // inc, dec, neg, shl $3, sar $5, bt %ebx,%eax
            {0x39, 0xD8, 0x11, 0xD8}, {0x01, 0xD8, 0x19, 0xD8}, {0x21, 0xD8, 0x11, 0xD8},   // ... then adc or sbb,
            {0xC1, 0xE0, 0x03, 0x19, 0xD8}, {0x48, 0x11, 0xD8}, {0x39, 0xD8, 0x40},         // or inc: CF carried
        };
        int[] values = {0, -1, 0x7F, 0x80, 0x8000, 0x7FFFFFFF, 0x80000000};
        Rig[] m = twins(r -> {
            r.code(0xBF).code32(Rig.DATA);                          // mov $DATA, %edi
            for (int[] w : writers)
                for (int a : values)
                    for (int b : new int[] {values[3], a ^ 0x80}) {
                        r.code(0xB8).code32(a);                     // mov $a, %eax
                        r.code(0xBB).code32(b);                     // mov $b, %ebx
                        r.code(w);
                        for (int cc = 0; cc < 16; cc++)
                            r.code(0x0F, 0x90 + cc, 0x07, 0x8D, 0x7F, 0x01);   // setcc (%edi); lea 1(%edi), %edi
                        r.code(0xEB, 0x00);                         // jmp . + 2: a new block
                    }
            r.code(0xF4);                                           // hlt
        });
        for (Rig r : m) assertThat(r.cpu.run(10_000_000)).isEqualTo(Exit.HALT);
        assertSameState(m[0], m[1]);
    }

    /* A budget ends a translated run on exactly the instruction it names, as it does interpreted. */
    @Test
    void aBudgetStopsTranslatedCodeOnTheExactInstruction() {
        Rig[] m = twins(r -> {
            int loop = r.pc;
            r.code(0x43, 0x01, 0xD8, 0x41, 0x29, 0xC8);     // inc %ebx; add %ebx,%eax; inc %ecx; sub %ecx,%eax
            r.code(0xEB, loop - (r.pc + 2));                // jmp loop
        });
        for (long budget : new long[] {1, 7, 12_345, 1_000_003}) {
            for (Rig r : m) assertThat(r.cpu.run(budget)).isEqualTo(Exit.BUDGET);
            assertSameState(m[0], m[1]);
        }
    }

    /* The bound: evicted translations leave their blocks to the interpreter, which may translate them again. */
    @Test
    void evictionKeepsTheLiveCountWithinTheBound() {
        int pages = 700;
        Rig[] m = twins(r -> {
            // 700 pages of code, each one block that counts and jumps to the next page
            for (int p = 0; p < pages - 1; p++) {
                r.pc = 0x100000 + p * 0x1000;
                r.code(0x43);                               // inc %ebx
                r.code(0xE9).code32(0x1000 - 6);            // jmp to the next page
            }
            r.pc = 0x100000 + (pages - 1) * 0x1000;
            r.code(0xF4);                                   // hlt
            r.cpu.eip = 0x100000;
        });
        long before = CodeCache.evictions.get();
        int bound = CodeCache.maxLive;
        CodeCache.maxLive = 64;
        try {
            for (Rig r : m) assertThat(r.cpu.run(10_000_000)).isEqualTo(Exit.HALT);
            assertThat(CodeCache.live()).isLessThanOrEqualTo(64);
        } finally {
            CodeCache.maxLive = bound;
        }
        assertSameState(m[0], m[1]);
        assertThat(m[1].cpu.r[Cpu.EBX]).isEqualTo(pages - 1);
        assertThat(CodeCache.evictions.get() - before).isGreaterThanOrEqualTo(pages - 1 - 64);
    }
}
