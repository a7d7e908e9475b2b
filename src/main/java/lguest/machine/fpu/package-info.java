/*P:620 The x87, the i686's floating-point unit, in its own package because it is a
 * little machine of its own: eight 80-bit registers used as a stack, a control word that
 * chooses how results are rounded and which errors trap, a status word that remembers
 * which errors happened. Static glibc and busybox reach for it whenever a program touches
 * a float: awk's arithmetic, printf("%f"), strtod, even "sleep 0.1". The integer CPU
 * (lguest.machine) decodes the escape opcodes D8-DF, computes the operand's address and
 * calls X87.execute through FpuBus, which is all the x87 may see of the rest of the
 * machine: memory through paging, three EFLAGS bits, and AX.
 *
 * The rule here is the real chip's bits, not Java's doubles. Ext80 is one register's
 * value; Arithmetic computes exactly and rounds once, as IEEE 754 and Intel require;
 * Formats converts to and from float, double and packed BCD; Transcendental does the
 * sines and logarithms. The tests hold it to the host processor's own x87, bit for bit,
 * on tens of thousands of random operands. :*/
package lguest.machine.fpu;
