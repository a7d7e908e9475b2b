package lguest.machine;

/** Why {@link Cpu#run} handed control back to Java. */
public enum Exit {
    /** The CPU began executing in a page marked as host code; the trap frame is already pushed. */
    HOST_CODE,
    /** Somebody raised the external interrupt line (from any thread). */
    INTERRUPT,
    /** HLT executed (at CPL 0); EIP points after it. */
    HALT,
    /** Triple fault: the processor shut down. */
    SHUTDOWN,
    /** The instruction budget given to run() is spent. */
    BUDGET
}
