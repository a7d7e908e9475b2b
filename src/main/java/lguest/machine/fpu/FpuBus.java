package lguest.machine.fpu;

/**
 * What the x87 needs from the rest of the CPU: memory at linear addresses (through the
 * CPU's paging, so an access may throw the CPU's own fault exception), the integer flags
 * that FCMOVcc reads and FCOMI writes, and the instruction pointer FNSTENV records.
 *
 * The contract that keeps exceptions precise: {@link X87#execute} performs every read,
 * and checks every page it will write, before it changes any FPU state, so a fault
 * thrown from here leaves the instruction restartable.
 */
public interface FpuBus {
    int read8(int linear);
    int read16(int linear);
    int read32(int linear);
    void write8(int linear, int value);
    void write16(int linear, int value);
    void write32(int linear, int value);

    /** CF, PF and ZF of EFLAGS, as FCMOVcc and FUCOMI need them. */
    boolean carry();
    boolean parity();
    boolean zero();

    /** FCOMI/FUCOMI and their popping forms set ZF, PF, CF and clear OF, SF, AF. */
    void setCompareFlags(boolean zf, boolean pf, boolean cf);

    /** FNSTSW AX (DF E0) writes the status word here. */
    void setAX(int value);
}
