/*P:680 Tools for readers and teachers sit beside the machine, never inside its hot loop.
 * x86run is the first: a Linux-shaped process runner that puts a static i386 program in
 * ring 3 of the emulated CPU, catches its int $0x80 in a host-code page, and answers four
 * system calls in Java. It is how the conformance suite compares the emulated silicon
 * with the real one, instruction by instruction, and how bench/cpu.sh measures it. :*/
package lguest.tools;
