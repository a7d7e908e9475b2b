package lguest.machine;

/**
 * One row of the instruction table: how an instruction is encoded, what it is called,
 * what it does. {@code encoding} is written as the SDM writes it ("01 /r", "80 /0",
 * "50+r", "0F AF /r"); {@code mnemonic} is the name alone ("ADD"); the operands, parsed
 * from the row's text ("ADD Ev,Gv"), are packed {@link Operand} codes: a is the first
 * (the destination, when there is one), b the second, c the third. cc is the condition
 * a Jcc, SETcc or CMOVcc tests, read from its mnemonic (JE: 4), or -1.
 */
record Form(String encoding, String mnemonic, Semantics op, int traits, int a, int b, int c, int cc) {

    /** The instruction may change EIP, CPL, the mode or the rules: the block ends after it. */
    static final int ENDS = 1;
    /** LOCK is legal, when the r/m operand is memory (read-modify-write instructions). */
    static final int LOCK = 2;
    /** Computed: every operand that is not an immediate is a byte (the "b" forms). */
    static final int BYTE = 4;
    /** Computed: a ModRM byte follows the opcode. */
    static final int MODRM = 8;
    /** Computed: a row of a table (made by row()), not a stand-in made by the decoder. */
    static final int TABLE = 16;

    /** A table row: "ADD Ev,Gv" is the mnemonic ADD with operands Ev and Gv. */
    static Form row(String encoding, String text, Semantics op, int... traits) {
        int t = 0;
        for (int x : traits) t |= x;
        int sp = text.indexOf(' ');
        String name = sp < 0 ? text : text.substring(0, sp);
        int[] ops = new int[3];
        if (sp >= 0) {
            String[] parts = text.substring(sp + 1).split(",");
            for (int k = 0; k < parts.length; k++) ops[k] = Operand.parse(parts[k].trim());
        }
        t |= TABLE;
        boolean sawByte = false, sawWide = false;
        for (int o : ops) {
            if (Operand.needsModRm(o)) t |= MODRM;
            int k = Operand.kind(o), w = o & Operand.WIDTH;
            if (k == Operand.I || k == Operand.J || k == Operand.A) continue;
            if (w == Operand.B) sawByte = true;
            if (w == Operand.V || w == Operand.P || w == Operand.PAIR) sawWide = true;
        }
        if (sawByte && !sawWide) t |= BYTE;
        if (encoding.contains("/")) t |= MODRM;
        return new Form(encoding, name, op, t, ops[0], ops[1], ops[2], condition(name));
    }

    private static final String[][] CONDITIONS = {
        {"O"}, {"NO"}, {"B", "C", "NAE"}, {"AE", "NB", "NC"}, {"E", "Z"}, {"NE", "NZ"}, {"BE", "NA"},
        {"A", "NBE"}, {"S"}, {"NS"}, {"P", "PE"}, {"NP", "PO"}, {"L", "NGE"}, {"GE", "NL"},
        {"LE", "NG"}, {"G", "NLE"},
    };

    /** The condition code (0-15) of a Jcc, SETcc or CMOVcc mnemonic, or -1. */
    static int condition(String name) {
        for (String stem : new String[] {"J", "SET", "CMOV"}) {
            if (!name.startsWith(stem) || name.equals("JMP")) continue;
            String cc = name.substring(stem.length());
            for (int k = 0; k < 16; k++) for (String s : CONDITIONS[k]) if (s.equals(cc)) return k;
        }
        return -1;
    }

    boolean has(int trait) { return (traits & trait) != 0; }

    /** The row as the table prints it: "01 /r  ADD Ev,Gv". */
    @Override public String toString() {
        StringBuilder s = new StringBuilder(encoding).append("  ").append(mnemonic);
        String sep = " ";
        for (int o : new int[] {a, b, c}) {
            if (o == 0) break;
            s.append(sep).append(Operand.name(o));
            sep = ",";
        }
        return s.toString();
    }
}
