package lguest.machine.fpu;

/** A flat little-endian memory and an EFLAGS/AX pair standing in for the integer CPU. */
final class FakeBus implements FpuBus {
    final byte[] mem;
    int eflags = 2;
    int ax;
    /** Writes at or above this address fail, as a read-only page would. */
    int faultFrom = Integer.MAX_VALUE;

    static final class Fault extends RuntimeException {
        Fault(int a) { super("page fault at " + Integer.toHexString(a)); }
    }

    FakeBus(int size) { mem = new byte[size]; }

    @Override public int read8(int a) { return mem[a] & 0xFF; }
    @Override public int read16(int a) { return read8(a) | read8(a + 1) << 8; }
    @Override public int read32(int a) { return read16(a) | read16(a + 2) << 16; }
    @Override public void write8(int a, int v) {
        if (a >= faultFrom) throw new Fault(a);
        mem[a] = (byte) v;
    }
    @Override public void write16(int a, int v) { write8(a, v); write8(a + 1, v >> 8); }
    @Override public void write32(int a, int v) { write16(a, v); write16(a + 2, v >> 16); }

    @Override public boolean carry() { return (eflags & 1) != 0; }
    @Override public boolean parity() { return (eflags & 4) != 0; }
    @Override public boolean zero() { return (eflags & 0x40) != 0; }

    @Override public void setCompareFlags(boolean zf, boolean pf, boolean cf) {
        eflags &= ~0x8D5;
        if (zf) eflags |= 0x40;
        if (pf) eflags |= 4;
        if (cf) eflags |= 1;
    }

    @Override public void setAX(int value) { ax = value & 0xFFFF; }

    void put(int a, byte[] bytes) { System.arraycopy(bytes, 0, mem, a, bytes.length); }

    byte[] get(int a, int n) {
        byte[] b = new byte[n];
        System.arraycopy(mem, a, b, 0, n);
        return b;
    }
}
