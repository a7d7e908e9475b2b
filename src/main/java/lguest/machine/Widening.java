package lguest.machine;

/** MOVZX and MOVSX: a byte or a word into a wider register. */
final class Widening {
    private Widening() { }

    /** MOVZX Gv,Eb / Gv,Ew: operand b is read at its own width, so it arrives zero-extended. */
    static void movzx(Cpu c, Insn i) { i.setA(c, i.b(c)); }

    /** MOVSX Gv,Eb / Gv,Ew. */
    static void movsx(Cpu c, Insn i) {
        int v = i.b(c);
        i.setA(c, Operand.width(i.form().b(), i.size()) == 1 ? (byte) v : (short) v);
    }
}
