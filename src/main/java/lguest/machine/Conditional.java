package lguest.machine;

/**
 * SETcc and CMOVcc, which test one of the sixteen conditions like Jcc (see
 * {@link Control#jcc}); the condition comes from the row's mnemonic.
 */
final class Conditional {
    private Conditional() { }

    /** SETcc Eb: 1 or 0. */
    static void setcc(Cpu c, Insn i) { i.setA(c, c.cond(i.form().cc()) ? 1 : 0); }

    /** CMOVcc Gv,Ev: the source is read (and may fault) whether or not it is moved. */
    static void cmov(Cpu c, Insn i) {
        int v = i.b(c);
        if (c.cond(i.form().cc())) i.setA(c, v);
    }
}
