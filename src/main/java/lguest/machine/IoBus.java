package lguest.machine;

/** What IN and OUT talk to once the privilege checks have passed. */
public interface IoBus {
    int in(int port, int size);
    void out(int port, int size, int value);

    /** A bus with nothing on it: reads float high, writes vanish. */
    IoBus EMPTY = new IoBus() {
        @Override public int in(int port, int size) { return size == 1 ? 0xFF : size == 2 ? 0xFFFF : -1; }
        @Override public void out(int port, int size, int value) { }
    };
}
