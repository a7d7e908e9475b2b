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
/**
 * Conformance of the emulated i686 with the host's CPU, instruction for instruction.
 */
package lguest.machine.conformance;
