package lguest.machine;

/**
 * The operand kinds of the instruction table, in the notation of Intel's opcode maps
 * (SDM volume 2, appendix A): a capital letter says where the operand comes from, a small
 * one how wide it is. "Ev" is a register or memory operand (the ModRM r/m field) of the
 * operand size; "Gb" a byte register named by ModRM.reg; "Iz" an immediate of the
 * operand size; "AL", "eAX", "CL", "DX", "ES" are fixed registers. An operand is packed
 * into one int: kind in bits 0-4, width class in bits 5-7, a fixed register's number in
 * bits 8-11.
 */
final class Operand {
    private Operand() { }

    // Where the operand comes from.
    static final int NONE = 0;
    /** ModRM r/m: a register (mod = 3) or memory. */
    static final int E = 1;
    /** ModRM reg: a general register. */
    static final int G = 2;
    /** ModRM r/m that must be memory (mod = 3 is #UD): LEA, LES, BOUND, far pointers. */
    static final int M = 3;
    /** ModRM r/m read as a register whatever mod says (MOV to and from CRn and DRn). */
    static final int R = 4;
    /** A general register named by the opcode's low three bits ("50+r"). */
    static final int Z = 5;
    /** An immediate. */
    static final int I = 6;
    /** A relative jump target: the decoder stores the absolute target in Insn.imm. */
    static final int J = 7;
    /** A memory offset in the instruction (MOV AL, moffs): decoded into an Addr. */
    static final int O = 8;
    /** A far pointer in the instruction: offset in Insn.imm, selector in Insn.imm2. */
    static final int A = 9;
    /** A segment register named by ModRM.reg. */
    static final int S = 10;
    /** A control register named by ModRM.reg. */
    static final int C = 11;
    /** A debug register named by ModRM.reg. */
    static final int D = 12;
    /** A fixed general register (AL, CL, eAX, DX...): number in bits 8-11. */
    static final int REG = 13;
    /** A fixed segment register (PUSH ES): number in bits 8-11. */
    static final int SEG = 14;
    /** The constant 1 (D0 /4: SHL Eb,1). */
    static final int ONE = 15;
    /** The x87 stack top ST(0), and ST(i) named by ModRM.rm (for the x87 map). */
    static final int ST = 16, STI = 17;
    static final int KIND = 31;

    // How wide it is.
    static final int B = 1 << 5, W = 2 << 5, D32 = 3 << 5, V = 4 << 5, P = 5 << 5, PAIR = 6 << 5;
    static final int WIDTH = 7 << 5;

    static int kind(int op) { return op & KIND; }

    static int number(int op) { return (op >> 8) & 15; }

    /** The operand's width in bytes, given the instruction's operand size. */
    static int width(int op, int size) {
        switch (op & WIDTH) {
            case B: return 1;
            case W: return 2;
            case D32: return 4;
            default: return size;
        }
    }

    /** True for the kinds that come from ModRM's r/m field (and so may be memory). */
    static boolean isRm(int op) { int k = op & KIND; return k == E || k == M || k == R; }

    /** True for the kinds that may name memory: ModRM r/m, and a moffs (MOV AL, [1234]). */
    static boolean isRmOrOffset(int op) { int k = op & KIND; return k == E || k == M || k == R || k == O; }

    /** True for the kinds that need a ModRM byte. */
    static boolean needsModRm(int op) {
        int k = op & KIND;
        return k == E || k == M || k == R || k == G || k == S || k == C || k == D || k == STI;
    }

    private static final String[] REG8 = {"AL", "CL", "DL", "BL", "AH", "CH", "DH", "BH"};
    private static final String[] REG16 = {"AX", "CX", "DX", "BX", "SP", "BP", "SI", "DI"};
    private static final String[] SREG = {"ES", "CS", "SS", "DS", "FS", "GS"};

    /** The operand as a table writes it ("Ev", "AL"). */
    static String name(int op) {
        int k = op & KIND, n = number(op), w = op & WIDTH;
        if (k == REG) return w == B ? REG8[n] : w == W ? REG16[n] : "e" + REG16[n];
        if (k == SEG) return SREG[n];
        if (k == ONE) return "1";
        if (k == ST) return "ST";
        if (k == STI) return "STi";
        String letters = "?EGMRZIJOASCD";
        return letters.charAt(k) + (w == 0 ? "" : String.valueOf(" bwdvpa".charAt(w >> 5)));
    }

    /** Parses one operand of a table row: "Ev", "Gb", "Iz", "AL", "eAX", "DX", "ES", "1"... */
    static int parse(String s) {
        for (int n = 0; n < 8; n++) {
            if (s.equals(REG8[n])) return REG | B | n << 8;
            if (s.equals(REG16[n])) return REG | W | n << 8;
            if (s.equals("e" + REG16[n])) return REG | V | n << 8;
        }
        for (int n = 0; n < 6; n++) if (s.equals(SREG[n])) return SEG | W | n << 8;
        if (s.equals("1")) return ONE | B;
        if (s.equals("ST")) return ST;
        if (s.equals("STi")) return STI;
        int kind = "EGMRZIJOASCD".indexOf(s.charAt(0));
        if (kind < 0) throw new IllegalArgumentException("operand " + s);
        int[] kinds = {E, G, M, R, Z, I, J, O, A, S, C, D};
        String w = s.substring(1);
        int width = switch (w) {
            case "" -> 0;
            case "b" -> B;
            case "w" -> W;
            case "d" -> D32;
            case "v", "z" -> V;
            case "p" -> P;
            case "a" -> PAIR;
            default -> throw new IllegalArgumentException("operand width " + s);
        };
        return kinds[kind] | width;
    }
}
