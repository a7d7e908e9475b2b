/*P:200 lguest.launcher is the program you run: `bin/lguest 64m kernel`.  In
 * lguest the Launcher was an ordinary Linux process whose own memory became the
 * Guest's memory; here it is the part of the JVM that owns the Guest's emulated
 * RAM.  It lays that memory out, loads the kernel into it, describes the
 * devices on the lguest bus, and then lends its thread to the Guest by
 * "reading" /dev/lguest.  Whenever the Guest wants something only the outside
 * world can give, a character printed or a disk block read, the read returns
 * and the Launcher does it. :*/

/*P:210 The Launcher's files:
 *
 * - Launcher.java: the command line, the layout of guest memory, the boot
 *   parameters and the first page tables, INITIALIZE, and the loop around
 *   read() that serves the Guest until it powers off.
 * - KernelImage.java: the ELF loader, and the hunt for "GenuineLguest", the
 *   magic string after which the Guest begins.
 * - Device.java: what every device on the bus is to the Launcher: a
 *   descriptor, a page of its own, a key to send to, an interrupt.
 * - Console.java: standard output, and standard input fed in by a waker
 *   thread that breaks the Guest out of its run when you type.
 * - BlockDevice.java: /dev/lgba, a file served one request at a time.
 * - NetDevice.java: --sharenet, a network that is nothing but a file several
 *   Launchers share; between Guests of one Host it only picks a slot, and for
 *   a Guest in another process it carries frames through rings in the file.
 * - UserNetDevice.java: --net=user, a network whose only other machine is the
 *   Launcher itself, the router of the net package below.
 * - TraceOptions.java: --trace and its filters, handed to the Host's Trace.
 * - Terminal.java: your terminal in raw mode while a Guest has it, and back
 *   the way it was afterwards.
 * - Snapshot.java: --save and --restore, a whole Guest in one file (M:670).
 * - LaunchError.java: the one-line complaint and non-zero exit that a mistyped
 *   file name deserves, instead of a stack trace. :*/

/*L:010 Part IV, the Launcher, starts from the command line and ends with a
 * running guest.  Along the way it has to decide where everything goes in guest
 * memory (kernel, boot parameters, initial page tables, the device page just
 * above RAM), because the Guest is born knowing nothing but what the Launcher
 * wrote down for it.  Then it becomes the Guest's hands: every line printed
 * and every disk block is a request that comes back from the Host for the
 * Launcher to serve.  (The network between Guests of one Host, 2.6.23 style, is
 * the exception: once set up, it is the Host's business alone.)
 *
 * We start, though, on the other side of the one door between them,
 * /dev/lguest, because the Launcher is written entirely in terms of what that
 * door lets through. :*/

/*L:990 And that is all a Launcher is: a memory layout, a kernel loader, a few
 * devices that turn DMA into files and file descriptors, and a loop that keeps
 * calling read().  It never runs a single Guest instruction itself, and never
 * sees a page fault, a hypercall or a trap; all of that happens inside the
 * read(), on the far side of /dev/lguest, in code that the Launcher's thread
 * only visits.  That code is the Host, and it is where the real work of a
 * hypervisor is done: `make Host`. :*/
package lguest.launcher;
