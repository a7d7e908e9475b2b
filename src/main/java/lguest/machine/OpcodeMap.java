package lguest.machine;

import java.util.List;

/**
 * An opcode map built from table rows: given the opcode byte (and the ModRM byte, for the
 * opcodes whose ModRM.reg field extends the opcode), the row that describes it.
 *
 * Encodings understood, after the map's escape bytes ("" for the one-byte map, "0F" for
 * the two-byte map): the opcode byte in hex; "+r" on it for the eight opcodes that name a
 * register in their low bits ("50+r"); "/0" to "/7" for a group member chosen by
 * ModRM.reg, "/r" for a plain ModRM; a hex byte after the opcode for an exact ModRM byte
 * ("D9 E8"), which implies mod = 3; "mem" or "reg" to split a group member by mod
 * (memory forms, register forms).
 */
final class OpcodeMap {
    private final Form[] plain = new Form[256];
    /** group[opcode][0..7]: by ModRM.reg for memory forms, [8..15] for register forms. */
    private final Form[][] group = new Form[256][];
    /** exact[opcode][modrm - 0xC0]: rows naming their whole ModRM byte. */
    private final Form[][] exact = new Form[256][];
    private final String escape;

    OpcodeMap(String escape, List<Form> rows) {
        this.escape = escape;
        for (Form f : rows) add(f);
    }

    private void add(Form f) {
        String enc = f.encoding();
        if (!escape.isEmpty()) {
            if (!enc.startsWith(escape + " ")) throw new IllegalArgumentException(f + ": not in map " + escape);
            enc = enc.substring(escape.length() + 1);
        }
        String[] t = enc.trim().split("\\s+");
        boolean plusR = t[0].endsWith("+r");
        int op = Integer.parseInt(plusR ? t[0].substring(0, t[0].length() - 2) : t[0], 16);
        int digit = -1, modrm = -1;
        boolean mem = true, reg = true;
        for (int k = 1; k < t.length; k++) {
            String s = t[k];
            if (s.matches("/[0-7]")) digit = s.charAt(1) - '0';
            else if (s.equals("/r") || s.startsWith("i") || s.startsWith("c")) continue;
            else if (s.equals("mem")) reg = false;
            else if (s.equals("reg")) mem = false;
            else if (s.matches("[0-9A-F]{2}")) modrm = Integer.parseInt(s, 16);
            else throw new IllegalArgumentException(f + ": encoding token " + s);
        }
        for (int o = op; o <= (plusR ? op + 7 : op); o++) {
            if (modrm >= 0) {
                if (exact[o] == null) exact[o] = new Form[64];
                put(exact[o], modrm - 0xC0, f);
            } else if (digit >= 0) {
                if (group[o] == null) group[o] = new Form[16];
                if (mem) put(group[o], digit, f);
                if (reg) put(group[o], 8 + digit, f);
            } else put(plain, o, f);
        }
    }

    private static void put(Form[] slots, int k, Form f) {
        if (slots[k] != null) throw new IllegalArgumentException(f + " and " + slots[k] + " share an encoding");
        slots[k] = f;
    }

    /** True when this opcode's row depends on the ModRM byte (a group, or exact rows). */
    boolean keyedByModRm(int op) { return group[op] != null || exact[op] != null; }

    /** The row for an opcode with no ModRM extension, or null. */
    Form find(int op) { return plain[op]; }

    /** The row for an opcode whose ModRM byte chooses among rows, or null when none is defined. */
    Form find(int op, int modrm) {
        if (modrm >= 0xC0 && exact[op] != null && exact[op][modrm - 0xC0] != null) return exact[op][modrm - 0xC0];
        if (group[op] != null) {
            Form f = group[op][((modrm >> 3) & 7) + (modrm >= 0xC0 ? 8 : 0)];
            if (f != null) return f;
        }
        return plain[op];
    }
}
