/*P:600 lguest.machine is the hardware.  lguest ran on a real Pentium and
 * trusted it: the rings, the page tables and the gates are what kept a guest
 * in its box.  We bring our own i686 instead, emulated in Java, and it has to
 * deserve the same trust, so it is written to the Intel manual rather than to
 * the needs of this one hypervisor.  It knows nothing about lguest; the Host
 * drives it the way lg.ko drove a real CPU, through registers and through
 * tables in (emulated) physical memory. :*/

/*X:010 The appendix, Silicon.  Everything in parts II to VI assumes a CPU
 * that refuses: that will not let ring 1 load CR3, will not let ring 3 write a
 * read-only page, will deliver a trap through exactly the gate the IDT names,
 * onto exactly the stack the TSS names.  This appendix is about the machine
 * that does the refusing: how an instruction is fetched, decoded and cached,
 * how flags are kept without being computed, how a virtual address becomes a
 * physical one (and why a stale translation is a feature a hypervisor must
 * respect), and how a fault travels from the instruction that caused it to
 * the handler that will deal with it. :*/

/*P:610 The public face of the machine, which is all the Host and the tests may touch:
 *   PhysicalMemory  the frames: addRegion(base, size), addFileRegion(base, size, channel),
 *                   markHostCode(physPage), read8/16/32, write8/16/32, read/write(bytes).
 *                   Shared by every Cpu; writes through it keep decoded code coherent.
 *   Cpu             one processor: r[EAX..EDI], eip, getEflags/setEflags, cr0..cr4 (set
 *                   through setCr0/setCr3/setCr4, which flush as hardware does; cr2 read
 *                   after a page fault), gdtrBase/Limit and idtrBase/Limit, loadSegment,
 *                   setFlatSegment (a flat segment put straight into the hidden part, as
 *                   lguest's far call into the Switcher left CS), segmentSelector,
 *                   loadTaskRegister, loadLdt, invlpg, flushTlb, cpl(),
 *                   deliverInterrupt(vector), retired(), and Exit run(long budget), plus
 *                   raiseInterruptLine() from any thread.
 *   Exit            HOST_CODE, INTERRUPT, HALT, SHUTDOWN, BUDGET: the only ways back to Java.
 *   CpuFault, Vectors, IoBus   exceptions by vector, their names, and the port bus.
 * Each Cpu runs in one thread; up to sixteen may share one PhysicalMemory. Everything
 * else in here (the opcode maps, Decoder, Insn, Block, the TLB arrays, the lazy flags) is the silicon's own
 * business and package-private, as a real CPU's decoder is nobody's business but Intel's. :*/

package lguest.machine;
