/*M:500 How do we know the emulated CPU is right? Not by reading it again: by running the
 * same programs on the real CPU of the machine the tests run on, and on ours, and asking
 * for the same output to the byte. This package holds those tests; the programs live in
 * src/test/conformance (a tiny freestanding runtime, a generator of random single-
 * instruction cases, hand-written whole programs, and two probes of what the CPU says it
 * is). They are C and GNU as, built by the host's gcc at test time, so every claim the
 * suite makes can be re-checked by anyone with gcc -m32. :*/
/**
 * Conformance of the emulated i686 with the host's CPU, instruction for instruction.
 */
package lguest.machine.conformance;
