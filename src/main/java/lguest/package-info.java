/*P:010 Welcome, reader, to lguest in Java.
 *
 * A hypervisor is a program that runs whole operating systems as if they were
 * ordinary programs.  Most of them are too big to read: tens of thousands of
 * lines, every one of them there for a reason you cannot see.  In 2007 Rusty
 * Russell wrote lguest for Linux 2.6.23, a hypervisor small enough to read in an
 * evening, and wrote it as a story: the comments, pulled out of the source in
 * order, told you how it worked.  This project tells that story again.
 *
 * It is not a port.  lguest ran on a real Pentium; we cannot ask you to boot a
 * test kernel on yours, so this hypervisor brings its own hardware: an i686
 * emulated in Java, honest enough that its rings, page tables, gates and
 * segments are what keep a guest in its box, just as the silicon did for
 * lguest.  On top of it sit the same pieces lguest had: a Launcher that loads
 * the guest and plays its devices, a Host that runs it and catches everything
 * it may not do alone, a Switcher that flips the machine between the two
 * worlds, and a Guest kernel (in C, compiled by your gcc) that knows it is a
 * guest and asks politely, by hypercall, for whatever a kernel normally just
 * takes.
 *
 * The story comes in seven parts, each printed by `make` and its name:
 *
 * - Part I, Preparation (`make Preparation!`): this fly-over, one paragraph
 *   for every corner of the tree, so you know where things live.
 * - Part II, Guest: the paravirtualized kernel, and how it boots and lives
 *   without ever touching the hardware's privileged state.
 * - Part III, Drivers: the Guest's console, disk and network, all one trick:
 *   DMA buffers handed across the lguest bus.
 * - Part IV, Launcher: the program you actually run, which makes guest memory,
 *   loads the kernel and answers the Guest's device requests.
 * - Part V, Host: the heart.  Hypercalls, traps and interrupts, shadow page
 *   tables, segments, and Sudden Death for guests that break the rules.
 * - Part VI, Switcher: the few instructions that swap one world for another.
 * - Part VII, Mastery: what is left for you to do, and how we know the rest
 *   works.
 *
 * And an appendix, Silicon (`make Silicon`), which you may read first or
 * last: how the emulated i686 decodes, translates addresses and delivers
 * traps, since every protection in parts II to VI rests on it.
 *
 * `make Beer` prints the whole thing.  (lguest promised you a beer for
 * reading it all.  We cannot ship beer in a Maven build, but the target name
 * stays, as a promise.) `make docs` renders the same story as a web site, with
 * the code each section points at. :*/

/*P:020 This package is the top of the hypervisor; the layers below it are
 * the packages you will meet in the story, from the ground up:
 * `lguest.machine` is the emulated i686 and knows nothing about lguest;
 * `lguest.host` is what Linux's lg.ko was, plus the Switcher; `lguest.launcher`
 * is the user program that starts a guest; and `lguest.tools` holds the
 * instruments for readers and teachers, which sit beside the machine, never
 * inside it.  The Guest kernel itself is not Java at all: it lives in
 * src/guest, in C, because a guest kernel is exactly the kind of program a
 * hypervisor must run without understanding. :*/

/*M:010 Mastery.  Reading a hypervisor is one thing; bending it is another.
 * This part collects what was left undone on purpose, the places where this
 * hypervisor is simpler than it could be, and how the whole is checked: a CPU
 * compared instruction for instruction with the real one, guests that try to
 * break out and die trying, and a book that refuses to build with a chapter
 * missing.  Each is an invitation. :*/

/*M:999 That is the whole of it: a machine, a Host, a Switcher, a Launcher
 * and a Guest, each small enough to hold in your head, together enough to run
 * real programs.  If you read this far, you have earned the beer the Makefile
 * promised.  Go and break something. :*/
package lguest;
