/*P:200 The Launcher is the program you run: `bin/lguest 64m kernel`.  In
 * lguest it was an ordinary Linux process, and its memory became the guest's
 * memory; here it is the part of the JVM that owns the guest's RAM region, loads
 * the kernel image into it, describes the devices on the lguest bus and then
 * sits in a loop "reading" /dev/lguest, which is how a Launcher lends its time
 * to the Guest.  Whenever the Guest wants something only the outside world can
 * give, a character printed or a disk block read, the read returns and the
 * Launcher does it. :*/

/*L:010 Part IV, the Launcher, starts from the command line and ends with a
 * running guest.  Along the way it has to decide where everything goes in guest
 * memory (kernel, boot parameters, initial page tables, the device page just
 * above RAM), because the Guest is born knowing nothing but what the Launcher
 * wrote down for it.  Then it becomes the Guest's hands: console, disk and
 * network are all requests that come back from the Host for the Launcher to
 * serve. :*/
package lguest.launcher;
