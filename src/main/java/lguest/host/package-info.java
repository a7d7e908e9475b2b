/*P:300 lguest.host is the Host, what lguest called lg.ko: the code that sits
 * between the Launcher and the hardware.  It offers /dev/lguest (here a Java
 * interface with the same four writes and the same running read), it runs the
 * Guest on the emulated CPU, and every time the Guest comes out it decides what
 * happened: a hypercall to serve, a page fault to fill from the shadow page
 * tables, a trap to reflect back into the Guest, an interrupt to deliver, or a
 * rule broken, which earns the Guest Sudden Death.  The Switcher lives here
 * too, because it is the Host's code even though it is mapped into every
 * Guest. :*/

/*P:310 The Host's files, in the order the story meets them:
 *
 * - LguestDevice.java and GuestFile.java: /dev/lguest, the interface a
 *   Launcher holds and the one open file behind it (lguest_user.c in lguest).
 * - Host.java: the module itself: sixteen guest slots, one lock, the timers.
 * - Guest.java: one Guest, lguest's struct lguest: its checked view of guest
 *   memory, Sudden Death, and run_guest, the loop everything else hangs from.
 * - Abi.java: the numbers and offsets shared with the Guest's lguest.h.
 * - HostFrames.java: where the Host keeps pages of its own, out of every
 *   Guest's reach.
 * - Hypercalls.java: the call in the registers, the async ring, LGUEST_INIT.
 * - Traps.java: the Guest's IDT, direct and reflected traps, virtual
 *   interrupts, port I/O and the clock.
 * - ShadowPageTables.java: the page tables the CPU really walks.
 * - Segments.java: the Guest's GDT, and the entries it may not touch.
 * - Dma.java: keys, bindings, and the copying between Guests (io.c).
 * - Stats.java: what --stats prints, counted at the exits.
 * - Trace.java: what --trace prints, and where.
 * - GuestDebug.java: what a debugger may see of a stopped Guest, and the hooks
 *   that stop it (M:650); GuestState.java: the Host's part of a snapshot (M:672). :*/

/*P:320 The Switcher is one file, Switcher.java, and four pages at 0xFFC00000
 * in every Guest's address space: the trap stubs, the instructions that enter
 * the Guest, the register page, and a read-only page holding the IDT, GDT and
 * TSS the CPU uses while the Guest runs.  lguest wrote its Switcher in
 * assembler, since changing stacks, segments and page tables between two
 * instructions is not something C can say.  Here the way in is a dozen real
 * bytes the emulated CPU executes, and the way out is Java standing in for
 * assembler at exactly the point where a real CPU would start running the
 * stubs. :*/

/*H:010 Part V, the Host.  A guest kernel believes it runs a machine; the Host
 * makes that belief cheap to keep.  The Guest's kernel runs in ring 1, where
 * the CPU itself stops it from touching page tables, descriptor tables or
 * interrupts, so every such attempt lands here.  The Host's job is to do those
 * things on the Guest's behalf, checking each request, since a guest that can
 * trick its Host into mapping the wrong page owns the machine.
 *
 * The road: first what the Host is made of (its numbers, its own pages, its
 * guests), then the loop at its heart, run_guest, and then each kind of exit
 * that loop meets, in the order a booting Guest meets them: hypercalls, traps
 * and interrupts, page faults and the shadow page tables behind them, segments,
 * and DMA. :*/

/*H:990 That is the Host: a loop that serves hypercalls, fills page faults,
 * reflects traps, injects interrupts and copies DMA, and kills the Guest that
 * cheats, all of it between two of the Guest's instructions.  One line of that
 * loop it calls every time and has never explained: switcher.runGuestOnce(),
 * the moment the Host stops and the Guest goes on.  How a machine can be one
 * world and then, an instruction later, another is the last piece of the
 * hypervisor, and the smallest: `make Switcher`. :*/

/*S:010 Part VI, the Switcher.  Two worlds share one CPU: the Host's, and the
 * Guest's with its own page tables, descriptor tables and stack.  Going from
 * one to the other is not a function call: every register that says "where am
 * I and what may I do" changes at once, and so does the meaning of every
 * address.  In lguest the Switcher was a page of assembler mapped at the same
 * address in both worlds, so that it could stand in the doorway while the walls
 * moved.  Our Host is Java, which has no address space the CPU can see, so the
 * doorway is narrower and stranger: Java sets the CPU's registers and lets it
 * run a few real instructions into the Guest, and a trap brings the CPU back
 * through the Switcher's stubs, where Java takes over again. :*/

/*S:990 And so a trap comes home.  The Guest's registers are in the register
 * page, saved by the act of trapping; the Host reads them where they lie, decides,
 * writes some back, and the Switcher puts them into the CPU again with one IRET.
 * You have now seen every piece lguest had: the Guest that asks, the Drivers
 * that ask by DMA, the Launcher that answers, the Host that decides, and the
 * Switcher that carries the question and the answer across.
 *
 * Reading is the easy half.  Mastery is the other: labs that take these pieces
 * out again for you to write back, and things this hypervisor does not do yet,
 * for you to make it do: `make Mastery`. :*/
package lguest.host;
