/*M:500 How we know it works.  A test that asks the code what it thinks it
 * did proves little; every test here asks a witness that does not share the
 * code's mistakes.  The emulated CPU answers to the real one: the same
 * freestanding programs run on the silicon of the machine the tests run on and
 * under bin/x86run, and must print the same bytes (this package, the x87
 * replays in lguest.machine.fpu, and the programs of src/test/x86).  What a
 * user program cannot see, traps, error codes, CR2 and trap frames, answers
 * to the SDM, one rule to a test (SystemArchitectureTest).  The Host answers
 * to hostile guests, each breaking one rule and killed with lguest's reason
 * while a well-behaved guest runs on beside it (HostileGuestsTest).  The Java
 * constants answer to the C header, compiled and printed by gcc (AbiTest).
 * The Guest answers to Debian's busybox, which must print inside it what it
 * prints on the host (BusyboxTest).  And the book answers to the extractor and
 * to a browser (M:900).  The next few sections follow the CPU's witness, since
 * the CPU has the most ways to be quietly wrong.
 *
 * Its programs live in src/test/conformance: a tiny freestanding runtime, a
 * generator of random single-instruction cases, hand-written whole programs,
 * and two probes of what the CPU says it is.  They are C and GNU as, built by
 * the host's gcc at test time, so anyone with gcc -m32 can check every claim. :*/

/*M:590 Other people's witnesses.  Every test so far was written by us, and a
 * test shares the blind spots of whoever wrote it: a form nobody thought to
 * generate is a form nobody checks.  So `make third-party` runs programs that
 * other emulators' authors wrote for the same purpose, unmodified: QEMU's
 * test-i386 (every integer form with its flags, BCD, 16-bit addressing,
 * segments made with modify_ldt, a call into 16-bit code, string
 * instructions, faults caught as signals, single steps) and its x87 tests;
 * valgrind's none/tests/x86, whose insn_basic alone checks a thousand cases
 * from a table; and five of Linux's own x86 selftests.  Each is built from
 * Debian's source package, run natively, then as the first process of a
 * Guest on each back end, and must print the same bytes and end with the
 * same status.  They found what our own tests had not: the 16-bit double
 * shifts past 16 (X:225), REP string instructions under single-step (X:256)
 * and BSWAP under 0x66 (Bits.bswap) in the CPU; the signal frame's layout
 * (U:420), the LDT (G:635) and the signal stack (U:406) in the Guest kernel.
 * What they may rightly print otherwise is written down in the script
 * (src/test/third-party/run.sh): programs made of instructions an i686 does
 * not have, and tests of a 64-bit kernel.  It is not part of `make test`,
 * since it fetches some 180 MB of sources and runs for minutes. :*/
/**
 * Conformance of the emulated i686 with the host's CPU, instruction for instruction.
 */
package lguest.machine.conformance;
