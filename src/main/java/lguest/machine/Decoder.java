package lguest.machine;

import static lguest.machine.Cpu.CS;
import static lguest.machine.Cpu.DS;
import static lguest.machine.Cpu.EBP;
import static lguest.machine.Cpu.EBX;
import static lguest.machine.Cpu.EDI;
import static lguest.machine.Cpu.ES;
import static lguest.machine.Cpu.ESI;
import static lguest.machine.Cpu.ESP;
import static lguest.machine.Cpu.SS;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the bytes at an EIP into a {@link Block} of {@link Insn}s, driven by the opcode
 * maps: the one-byte map ({@link OneByteMap}), the two-byte map behind 0F, and the x87
 * escapes D8-DF.
 */
final class Decoder {
    static final int MAX_BLOCK = 32;

    static final OpcodeMap ONE_BYTE = new OpcodeMap("", java.util.stream.Stream.of(
            OneByteMap.ROWS, Strings.ROWS, Bcd.ROWS, SelectorQueries.ROWS).flatMap(List::stream).toList());

    /** What an opcode with no row decodes to: an instruction that raises #UD. */
    static final Form UNDEFINED = Form.row("--", "(undefined)", Control::undefined, Form.ENDS);
    /** More than fifteen bytes of prefixes: #GP. */
    static final Form TOO_LONG = Form.row("--", "(overlong)", Control::tooLong, Form.ENDS);

    private final Cpu c;
    private int pos;
    /** The instruction just decoded ends the block. */
    private boolean ends;
    // The prefixes of the instruction being decoded.
    private int start, osz, asz, seg, rep;
    private boolean lock;

    private Decoder(Cpu c, int eip) {
        this.c = c;
        this.pos = eip;
    }

    static Block decode(Cpu c, int eip, boolean cacheable) {
        Decoder d = new Decoder(c, eip);
        List<Insn> insns = new ArrayList<>();
        int startPage = (c.segBase[CS] + eip) >>> 12;
        boolean single = false;
        while (true) {
            Insn in;
            try {
                in = d.one();
            } catch (CpuFault f) {
                if (insns.isEmpty()) throw f;
                break;
            }
            int endPage = (c.segBase[CS] + d.pos - 1) >>> 12;
            if (endPage != startPage) {
                if (!insns.isEmpty()) break;
                single = true;
            }
            insns.add(in);
            if (d.ends || single || insns.size() >= MAX_BLOCK) break;
            if (((c.segBase[CS] + d.pos) >>> 12) != startPage) break;
        }
        Block b = new Block(eip, insns.toArray(new Insn[0]), cacheable && !single);
        if (single && cacheable) {
            int lin = c.segBase[CS] + eip, next = (lin | 0xFFF) + 1;
            b.tail = new byte[lin + (b.endEip - eip) - next];
            for (int k = 0; k < b.tail.length; k++) b.tail[k] = (byte) c.fetch8(next + k);
        }
        return b;
    }

    private int fetch8() {
        if (Integer.compareUnsigned(pos, c.segLimit[CS]) > 0) throw Cpu.gp(0);
        int v = c.fetch8(c.segBase[CS] + pos);
        pos++;
        return v;
    }

    private int fetch16() { int lo = fetch8(); return lo | fetch8() << 8; }

    private int fetch32() { int lo = fetch16(); return lo | fetch16() << 16; }

    /*X:123 A block is decoded once per address and kept (X:110): a straight line of
     * instructions that ends at anything that may change EIP or the rules (the rows
     * marked ENDS), at the end of the page (so all of a block's bytes live in one frame,
     * and a write to that frame is all that can make it stale), or after 32
     * instructions. :*/

    /*X:125 A 16-bit code segment. A code segment's descriptor has a D bit, and with it
     * clear the segment holds 16-bit code: the default operand and address sizes are 16,
     * and the prefixes 0x66 and 0x67 ask for 32 instead (X:255 tells what 0x67 changes;
     * 0x66 changes the width of every operand the row calls "v"). Nothing else differs
     * in the decoding, which is why it is one line below. A protected-mode
     * kernel rarely runs such code, but its programs may: DOS and Windows 3.1 emulation
     * under Wine, and the test suites that ask for one with modify_ldt (G:635). The block
     * cache is keyed by address alone, and the same bytes mean different instructions in
     * the two kinds of segment, so blocks decoded under a 16-bit CS are never filed or
     * translated (Execution.lookup): they are decoded each time they run, which is slow
     * and rare. Where the stack is, SP or ESP, is not the code segment's business but the
     * stack segment's (its B bit), and this CPU's stack is always ESP. :*/

    /*X:124 Decoding one instruction is reading the table backwards. The prefixes come
     * first and only set the decoder's state (operand size, address size, segment,
     * repeat, lock). Then the opcode byte picks a row of the map, or, for a group, the
     * opcode byte and the reg field of the ModRM byte that follows. From then on the row
     * says everything: whether a ModRM byte follows, which operands are immediates and
     * how wide, whether LOCK is legal and whether the block ends here. No opcode is
     * mentioned again below this point. */
    private Insn one() {
        int def = c.code16 ? 2 : 4;   // X:125
        start = pos;
        osz = def; asz = def; seg = -1; rep = 0; lock = false;
        int b;
        while (true) {
            b = fetch8();
            if (b == 0x66) osz = 6 - def;
            else if (b == 0x67) asz = 6 - def;
            else if (b == 0xF0) lock = true;
            else if (b == 0xF2 || b == 0xF3) rep = b;
            else if (b == 0x26) seg = ES;
            else if (b == 0x2E) seg = CS;
            else if (b == 0x36) seg = SS;
            else if (b == 0x3E) seg = DS;
            else if (b == 0x64) seg = Cpu.FS;
            else if (b == 0x65) seg = Cpu.GS;
            else break;
            if (pos - start > 14) return plain(TOO_LONG);
        }
        if (b == 0x0F) return twoByte();
        if (b >= 0xD8 && b <= 0xDF) return x87(b);
        Form f = ONE_BYTE.keyedByModRm(b) ? ONE_BYTE.find(b, peek8()) : ONE_BYTE.find(b);
        if (f == null) return plain(UNDEFINED);
        return operands(f, b);
    }
    /*:*/

    private int peek8() {
        int v = fetch8();
        pos--;
        return v;
    }

    /** An instruction with no operands, that ends the block (#UD, #GP). */
    private Insn plain(Form f) {
        ends = true;
        return new Insn(f, start, pos, osz, asz, seg, rep, 0, 0, null, 0, 0);
    }

    /** An opcode of the two-byte map (after 0F). */
    private Insn twoByte() {
        int b = fetch8();
        OpcodeMap m = TwoByteMap.MAP;
        Form f = m.keyedByModRm(b) ? m.find(b, peek8()) : m.find(b);
        return f == null ? plain(UNDEFINED) : operands(f, b);
    }

    /** An x87 escape: the row names the instruction, and imm keeps the ModRM byte for the FPU. */
    private Insn x87(int b) {
        int modrm = peek8();
        Form f = X87Map.MAP.find(b, modrm);
        if (f == null) return plain(UNDEFINED);
        if (!f.has(Form.MODRM)) fetch8();       // a row that names its whole ModRM byte ("D9 E8")
        Insn in = operands(f, b);
        return new Insn(in.form(), in.eip(), in.next(), in.size(), in.asize(), in.seg(), in.rep(), in.reg(), in.rm(),
                in.addr(), modrm, 0);
    }

    /*X:126 The operands, as the row lists them. A ModRM byte gives two: the reg field
     * names a register (or, in a group, extends the opcode), and mod with r/m names
     * either a register (mod = 3) or a memory operand, decoded here into an Addr once
     * and for all. The immediates follow in the order the row names them; a relative
     * jump's displacement is turned into its target at once, since the instruction's
     * own address is known now and never changes. */
    private Insn operands(Form f, int opcode) {
        int size = f.has(Form.BYTE) ? 1 : osz;
        int reg = opcode & 7, rm = 0;
        Addr addr = null;
        if (f.has(Form.MODRM)) {
            int m = fetch8(), mod = m >> 6;
            reg = (m >> 3) & 7;
            rm = m & 7;
            if (mod != 3 && !isRegisterOnly(f)) addr = asz == 4 ? address32(mod, rm) : address16(mod, rm);
            if (mod == 3 && isMemoryOnly(f)) return plain(UNDEFINED);
        }
        int[] imms = new int[2];
        int n = 0;
        for (int op : new int[] {f.a(), f.b(), f.c()}) {
            switch (Operand.kind(op)) {
                case Operand.I -> imms[n++] = immediate(Operand.width(op, osz));
                case Operand.J -> imms[n++] = target(Operand.width(op, osz));
                case Operand.A -> { imms[n++] = immediate(osz); imms[n++] = fetch16(); }
                case Operand.O -> addr = Addr.of(seg < 0 ? DS : seg, Addr.NONE, Addr.NONE, 0, immediate(asz), asz);
                default -> { }
            }
        }
        if (lock && !(f.has(Form.LOCK) && addr != null)) return plain(UNDEFINED);   // X:160
        ends = f.has(Form.ENDS);
        int ra = shortcut(f.a(), size, reg, rm, addr);
        int rb = Operand.kind(f.b()) == Operand.I ? Insn.IMMEDIATE : shortcut(f.b(), size, reg, rm, addr);
        return new Insn(f, start, pos, size, asz, seg, rep, reg, rm, addr, imms[0], imms[1], ra, rb);
    }

    /** Where an operand is, for the interpreter's shortcut (see Insn.ra). */
    private static int shortcut(int op, int size, int reg, int rm, Addr addr) {
        if (addr != null && Operand.isRmOrOffset(op) && Operand.width(op, size) == 4 && size == 4) return Insn.MEMORY;
        if (Operand.width(op, size) != 4) return -1;
        switch (Operand.kind(op)) {
            case Operand.E: case Operand.R: return addr == null ? rm : -1;
            case Operand.G: case Operand.Z: return reg;
            case Operand.REG: return Operand.number(op);
            default: return -1;
        }
    }
    /*:*/

    /*X:160 LOCK is only legal on a read-modify-write of memory: the rows marked LOCK
     * (the arithmetic group, XCHG, NOT, NEG, INC, DEC, and in the two-byte map BTS,
     * BTR, BTC, XADD and the CMPXCHGs), and only when their r/m operand is memory.
     * Anywhere else it is #UD, which matters because a random byte stream must fail here
     * the way it fails on the real part. Each CPU runs in its own thread, but no two ever
     * run one guest's memory at the same moment, so the lock itself has nothing to do. :*/

    private static boolean isRegisterOnly(Form f) {
        return Operand.kind(f.a()) == Operand.R || Operand.kind(f.b()) == Operand.R;
    }

    private static boolean isMemoryOnly(Form f) {
        return Operand.kind(f.a()) == Operand.M || Operand.kind(f.b()) == Operand.M;
    }

    /** An immediate of 1, 2 or 4 bytes; a byte is sign-extended, a word is not. */
    private int immediate(int width) {
        return width == 1 ? (byte) fetch8() : width == 2 ? fetch16() : fetch32();
    }

    /** A relative displacement, resolved against the next instruction's address. */
    private int target(int width) {
        int rel = width == 1 ? (byte) fetch8() : width == 2 ? (short) fetch16() : fetch32();
        return osz == 2 ? (pos + rel) & 0xFFFF : pos + rel;
    }

    /*X:128 The two ways of naming memory. With 32-bit addresses, r/m names a base
     * register, except that 4 means "a SIB byte follows" (base + index << scale) and
     * mod 0 with r/m 5 (or SIB base 5) means "no base, a 32-bit displacement". With
     * 16-bit addresses (the 0x67 prefix) r/m picks one of eight fixed sums from the 8086:
     * BX+SI, BX+DI, BP+SI, BP+DI, SI, DI, BP, BX, and mod 0 with r/m 6 is a bare 16-bit
     * displacement. Either way an address built on ESP or EBP (BP) goes through SS, the
     * stack segment, unless a prefix says otherwise. */
    private Addr address32(int mod, int rm) {
        int base = rm, index = Addr.NONE, shift = 0, disp = 0;
        if (rm == 4) {
            int sib = fetch8();
            shift = sib >> 6; index = (sib >> 3) & 7; base = sib & 7;
            if (index == 4) index = Addr.NONE;
            if (base == 5 && mod == 0) { base = Addr.NONE; disp = fetch32(); }
        } else if (rm == 5 && mod == 0) {
            base = Addr.NONE;
            disp = fetch32();
        }
        if (mod == 1) disp = (byte) fetch8();
        else if (mod == 2) disp = fetch32();
        int s = seg >= 0 ? seg : base == ESP || base == EBP ? SS : DS;
        return Addr.of(s, base, index, shift, disp, 4);
    }

    private static final int[] BASE16 = {EBX, EBX, EBP, EBP, Addr.NONE, Addr.NONE, EBP, EBX};
    private static final int[] INDEX16 = {ESI, EDI, ESI, EDI, ESI, EDI, Addr.NONE, Addr.NONE};

    private Addr address16(int mod, int rm) {
        int base = BASE16[rm], index = INDEX16[rm], disp = 0;
        if (mod == 0 && rm == 6) { base = Addr.NONE; disp = fetch16(); }
        else if (mod == 1) disp = (byte) fetch8();
        else if (mod == 2) disp = fetch16();
        int s = seg >= 0 ? seg : base == EBP ? SS : DS;
        return Addr.of(s, base, index, 0, disp, 2);
    }
    /*:*/
}
