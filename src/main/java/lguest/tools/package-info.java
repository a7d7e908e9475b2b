/*P:680 Tools for readers and teachers sit beside the machine, never inside its hot loop.
 * x86run is the first: a Linux-shaped process runner that puts a static i386 program in
 * ring 3 of the emulated CPU, catches its int $0x80 in a host-code page, and answers four
 * system calls in Java. It is how the conformance suite compares the emulated silicon
 * with the real one, instruction by instruction, and how bench/cpu.sh measures it.
 *
 * AddressSpaceFigure is the second: it boots a guest with the real Launcher and Host,
 * stops when the console prints a given line (by default hello's greeting), and writes
 * a PlantUML map of the four address spaces from what it reads at that moment: CR3 and
 * the descriptor-table registers through Host.views() (H:710), the shadow and the
 * Guest's own page tables, the device page and the physical frames that exist.
 * `make docs` draws Part V's map this way (H:720); try it yourself with
 * `java -cp target/classes lguest.tools.AddressSpaceFigure out.puml 64m target/guest/kernel`. :*/
package lguest.tools;
