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
package lguest.machine;
