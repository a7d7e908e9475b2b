package lguest.machine;

/**
 * An exception the processor raises (a vector with an optional error code). Thrown inside
 * the CPU and turned into an interrupt-gate delivery; it never escapes {@link Cpu#run}.
 * Public because the Host's tests and the x87 may meet it.
 */
public final class CpuFault extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public final int vector;
    public final int errorCode;
    public final boolean hasErrorCode;

    public CpuFault(int vector, int errorCode, boolean hasErrorCode) {
        super(null, null, false, false);
        this.vector = vector;
        this.errorCode = errorCode;
        this.hasErrorCode = hasErrorCode;
    }

    @Override
    public String getMessage() {
        return Vectors.name(vector) + (hasErrorCode ? " error " + Integer.toHexString(errorCode) : "");
    }
}
