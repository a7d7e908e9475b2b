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
 * - Part I, Preparation (`make Preparation!`): this fly-over.  A paragraph
 *   for every package and every folder, and the files of the Launcher, the
 *   Host and the Switcher by name, so that when the story sends you to a
 *   file you already know what lives next door.
 * - Part II, Guest: a kernel that knows it is a guest.  How it starts at a
 *   magic string, shares one page with its Host, turns each privileged
 *   instruction into a hypercall or a write to that page, and where its
 *   processes meet lguest: system calls that never leave the Guest,
 *   thread-local storage, the lazy FPU, page-table updates in batches, the
 *   clock.
 * - Part III, Drivers: the lguest bus and the drivers on it, console and
 *   disk, both built on one trick: buffers offered and sent by key, and
 *   whoever holds the other end of the key (the Launcher, or another Guest)
 *   does the reading and writing.
 * - Part IV, Launcher: the program you run.  It makes the Guest's memory,
 *   loads the kernel, writes down what the Guest must know at birth, and then
 *   plays every device the Guest has.
 * - Part V, Host: the heart.  The run loop, hypercalls, traps and interrupts,
 *   shadow page tables, segments, DMA, and Sudden Death for a Guest that
 *   breaks a rule.
 * - Part VI, Switcher: the few instructions, and the four pages they live in,
 *   that swap one world for the other.
 * - Part VII, Mastery: the course.  Labs that take a piece of this hypervisor
 *   out of the tree for you to write back, each naming the sections to read
 *   first and graded by tests that an empty answer cannot pass; and things
 *   that are not here yet, for you to build.
 *
 * Two appendices stand beside the story rather than in it; read them first,
 * last, or when a part sends you there:
 *
 * - Silicon (`make Silicon`): the emulated i686, how it decodes, walks page
 *   tables and delivers traps.  Every protection in parts II to VI rests on
 *   it, so it had better be honest.
 * - Unix (`make Unix`): the small Unix beneath busybox.  Processes, signals,
 *   pipes, files, ext2 and the terminal: what a kernel has to be before a real
 *   program will run on it.  It has nothing to do with lguest, and everything
 *   to do with why this Guest is worth running.
 *
 * `make Beer` prints the whole thing, every section with its label, so that
 * "(H:210)" in the text is something you can find.  (lguest promised a beer to
 * whoever read it all.  We cannot ship beer in a Maven build, but the target
 * name stays, as a promise.)  `make docs` renders the same story as a web site,
 * with the code each section points at. :*/

/*P:020 Before reading, run it.  `make demo` builds everything (the Java with
 * Maven, the Guest kernel with your own gcc), makes a one-megabyte ext2 disk
 * and boots the Guest with it.  The Guest lists what it found on the lguest
 * bus, prints a checksum of the disk's first sectors (the host computes the
 * same sum afterwards, for you to compare), runs one program in ring 3 and
 * powers itself off.  The last lines are the Launcher's --stats: instructions
 * run, exits from the Guest and what caused them, hypercalls (and how many of
 * them came on the async ring), page faults the Host filled without the Guest
 * ever knowing.  Every number there is explained somewhere in this book; by
 * the end you should be able to guess them before you look.
 *
 * Then `make run`, which boots a small system from a root disk as Linux
 * would, busybox's init and all, and gives you its shell (leave it with exit
 * or ^D, and it powers off), and then `make Guest`, which is where the story
 * proper begins.  If you would rather watch than read, open the project in
 * an IDE, run
 * lguest.launcher.Launcher with the arguments "64m target/guest/kernel", and
 * put a breakpoint just after switcher.runGuestOnce() in Guest.runGuest:
 * every exit from the Guest stops there, with the Guest's registers in the
 * register page, where the Switcher saved them. :*/

/*P:030 This package, lguest, is only the roof; the work is in the packages
 * under it, which you meet bottom up if you start with the appendix Silicon
 * and top down if you follow the parts.  lguest.machine is the emulated i686
 * (lguest.machine.fpu its x87) and knows nothing about lguest.  lguest.host is
 * what Linux's lg.ko was, with the Switcher inside it.  lguest.launcher is
 * the program that starts a Guest.  lguest.tools holds instruments for
 * readers and teachers, which sit beside the machine and never inside it.
 * The Guest is not Java at all: it is C, in src/guest, because a guest kernel
 * is exactly the kind of program a hypervisor must run without understanding
 * it.  The tests under src/test follow the same packages, and bring guests of
 * their own. :*/

/*P:500 The labs live in labs/: a NAME.lab file for each (its title, part,
 * difficulty, the time to plan for, the sections to read first and its
 * grader), with the code it takes away marked in the sources between
 * LAB(NAME) lines that the book does not show.  labs/Labs.java is what `make
 * labs`, `make lab NAME`, `make grade NAME` and `make lab-reset NAME` run.
 * The graders are JUnit tests in src/test/java/lguest/labs, and `make test`
 * proves, lab by lab, that each grader fails on the stubbed tree and passes on
 * the whole one, so that no grader can be pleased by an empty answer.  `make
 * lab` will not touch a file with uncommitted changes: commit first, then
 * break things. :*/

/*P:990 That is the lay of the land.  You now know where everything lives and
 * nothing yet about how it works, which is the right amount to set out with.
 *
 * The quest starts where a Guest does, at its first instruction, in a world it
 * believes it has to itself: `make Guest`.  It will ask its Host for things you
 * have not yet seen anyone give; be patient, the Drivers and the Launcher
 * (parts III and IV) come next, then the Host (V), who has been granting those
 * wishes all along, and the Switcher (VI), which is how the machine gets from
 * one side to the other and back.  When you wonder what the silicon really
 * does, Silicon is there; when you wonder why a hypervisor's guest is doing so
 * much Unix, so is Unix.  And Mastery is where you stop reading and start
 * writing.
 *
 * Off you go: `make Guest`. :*/

/*M:010 Mastery.  Reading a hypervisor is one thing; bending it is another.
 * This part is a course.  Its labs take real code out of the tree, code you
 * have read in the parts before, and ask you to write it back: the Host's
 * hypercall dispatcher, its shadow page tables, the GDT rules and the direct
 * traps that keep a Guest out of ring 0, the Launcher's ELF loader, the world
 * switch, the Guest's descriptors and its side of the hypercall ring, the
 * block driver, and two pieces of the emulated silicon.  Three more ask for
 * something this hypervisor never had: LRU eviction of shadow page
 * directories, a snapshot disk, and read-ahead in the block driver.
 * After the labs comes how the whole is checked: a CPU compared instruction
 * for instruction with the real one, guests that try to break out and die
 * trying, and a book that refuses to build with a chapter missing.
 *
 * The rhythm of a lab is always the same:
 *
 *   make labs              pick one; the list says its part, level and time
 *   make Host              read the sections its statement names
 *   make lab hypercalls    the code leaves the tree; the tree still builds
 *   make grade hypercalls  run the grader as often as you like
 *   make lab-reset hypercalls   when you want the original back
 *
 * A stub fails loudly the first time anything reaches it, naming the lab and
 * the sections to read, so a Guest that dies with "lab hypercalls: dispatch
 * the call in EAX to its handler (read H:200, H:100, H:110)" is telling you
 * where you are, not that something broke. :*/

/*M:020 For the teacher.  Every lab's grader is itself tested, in
 * `make test`: on the whole tree it must give full marks, and on the tree
 * with that lab's code taken out it must give less (M:150).  So a grader
 * that a student could satisfy with an empty answer is caught before it
 * reaches a student.  A new lab is four pieces, described in labs/FORMAT.md:
 * a labs/NAME.lab file, marker lines around the code in the sources, a
 * grader class with @Points on its tests, and an M: section telling the
 * student what to do.  The labs are ordered by the book, not by difficulty;
 * a course of twelve weeks might take one Host lab a week after the first
 * month of reading, and leave the three "build" labs for projects. :*/

/*M:999 That is the whole of it: a machine, a Host, a Switcher, a Launcher
 * and a Guest, each small enough to hold in your head, together enough to run
 * real programs.  If you read this far, you have earned the beer the Makefile
 * promised.  Go and break something. :*/
package lguest;
