/*P:690 lguest.gdb lets gdb, the real one, debug the Guest's kernel while the Host runs it:
 * `--gdb=PORT` on the Launcher's command line, and `target remote :PORT` in gdb.  It is a
 * tool, like those in lguest.tools, and it keeps the same distance: it knows nothing of the
 * CPU's insides, only what GuestDebug, the Host's window onto one Guest, lets it see and
 * change (the register page and the Guest's memory, as the Guest's own page tables map it),
 * and it stops the Guest only at the top of the Host's run loop, where the Guest's state is
 * whole.  The story is in the Mastery part, M:650 to M:668. :*/

/*M:650 A debugger for the Guest.  Parts II to VI were read with a Java debugger beside
 * them, stepping through the Host; the other side of the Switcher stayed dark.  gdb
 * speaks a plain text protocol to "remote stubs" (the same that lets it debug a board over
 * a serial line, or a QEMU guest), so a stub of a few hundred lines brings the whole
 * of gdb to the Guest's kernel: its symbols and source lines (the kernel is built with -g,
 * which changes none of its loaded bytes), backtraces, breakpoints, watchpoints, stepping.
 *
 * Two rules shape it.  The first is the house's own: the Host drives the CPU through
 * architectural state only, and a debugger is no exception, so a breakpoint is an INT3
 * byte in guest memory and a step is the CPU running one instruction and taking #DB, the
 * way a kernel debugger on real hardware does it, and both CPU back ends serve it alike.
 * The second is lguest's: nothing a Guest does reaches the Host, and a debugger attached
 * to the Guest is on the Guest's side of that line.  It can read and write anything the
 * Guest could, and nothing else, however the Guest's page tables have been arranged. :*/

/*M:666 A debugging run, step by step.  Build the kernel (`make guest`) and the demo disk
 * (`make demo` makes target/guest/disk.img), and start the Guest held at its first
 * instruction:
 *
 *     bin/lguest 64m target/guest/kernel --block=target/guest/disk.img --gdb=1234 --gdb-wait
 *     lguest: gdb stub on 127.0.0.1:1234, waiting for gdb
 *
 * In another terminal, `gdb target/guest/kernel`, then `target remote :1234`.  gdb says
 * `0xc010000d in lguest_entry ()`: the byte after the magic string, where INITIALIZE
 * left EIP (L:065), and `info registers` shows CS 0x61 and SS 0x69, the kernel's
 * selectors with RPL 1, because this kernel runs in ring 1.  ESP is 0: the Guest has no
 * stack yet, and its first instructions make one.
 *
 * `break crc32`, `continue`.  The Guest boots, prints its banner and finds its devices,
 * and stops in the demonstration's checksum: `Breakpoint 1, crc32 (crc=crc@entry=0,
 * buf=buf@entry=0xc01... <sector_buffer>, len=len@entry=8192) at crc32.c:27`.  `bt`
 * walks the Guest's stack through the DWARF call frames, from crc32 through
 * demonstration and kernel_main to lguest_init and lguest_entry.  `print crc_table[1]`
 * says 0: the table is computed at first use, and this is the first use.
 *
 * `step`, and again `step`: each is a run of single instructions, one trip through the
 * Switcher apiece, until gdb sees a new source line; the second lands in crc32_init,
 * inlined into crc32.  `watch crc_table[1]` and `continue` stops soon after, with
 * `Old value = 0, New value = 1996959894` (0x77073096, the table's entry for the byte
 * 1), in crc32_init.  `x/4xw 0xffc02000`, the Switcher's register page,
 * gets `Cannot access memory`: the Guest cannot see it, so neither can its debugger.
 * `delete`, `continue`, and the Guest prints the rest of its demonstration and powers
 * off; gdb reports `[Inferior 1 (Remote target) exited normally]`, the hello program's
 * exit status having become the Guest's.  ^C in gdb stops a running Guest wherever it
 * is, ring 3 included; `detach` lets it run on without a debugger, and a new gdb may
 * attach later; `kill` kills it, which the Launcher reports as "killed by the debugger".
 *
 * GdbBatchTest runs this session with Debian's gdb under `make test` and checks gdb's
 * answers. :*/
package lguest.gdb;
