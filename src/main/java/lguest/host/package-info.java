/*P:300 The Host is what lguest called lg.ko: the code that sits between the
 * Launcher and the hardware.  It offers /dev/lguest (here a Java interface with
 * the same four writes and the same running read), it runs the Guest on the
 * emulated CPU, and every time the Guest traps out it decides what happened: a
 * hypercall to serve, a page fault to fill from the shadow page tables, a trap
 * to reflect back into the Guest, an interrupt to deliver, or a rule broken,
 * which earns the Guest Sudden Death.  The Switcher lives here too, because it
 * is the Host's code even though it is mapped into every guest. :*/

/*H:010 Part V, the Host.  A guest kernel believes it runs a machine; the Host
 * makes that belief cheap to keep.  The Guest's kernel runs in ring 1, where
 * the CPU itself stops it from touching page tables, descriptor tables or
 * interrupts, so every such attempt lands here.  The Host's job is to do those
 * things on the Guest's behalf, checking each request, since a guest that can
 * trick its Host into mapping the wrong page owns the machine. :*/

/*S:010 Part VI, the Switcher.  Two worlds share one CPU: the Host's, and the
 * Guest's with its own page tables, descriptor tables and stack.  Going from
 * one to the other is not a function call: every register that defines "where
 * am I and what may I do" changes at once.  The Switcher is the small piece of
 * code, mapped at the same address in both worlds, that makes the swap. :*/
package lguest.host;
