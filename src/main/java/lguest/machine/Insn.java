package lguest.machine;

import static lguest.machine.Operand.E;
import static lguest.machine.Operand.G;
import static lguest.machine.Operand.M;
import static lguest.machine.Operand.O;
import static lguest.machine.Operand.R;
import static lguest.machine.Operand.Z;
import static lguest.machine.Operand.I;
import static lguest.machine.Operand.J;
import static lguest.machine.Operand.A;
import static lguest.machine.Operand.S;
import static lguest.machine.Operand.REG;
import static lguest.machine.Operand.SEG;
import static lguest.machine.Operand.ONE;

/**
 * One decoded instruction: the table row it matched and what its bytes gave.
 *
 * @param form  the table row (its operation and its operand kinds)
 * @param eip   where the instruction starts (offset in CS)
 * @param next  where the next one starts (eip + length)
 * @param size  the operand size in bytes: 1 for the byte forms, else 2 or 4 (0x66)
 * @param asize the address size in bytes: 4, or 2 under 0x67
 * @param seg   the segment-override prefix, or -1 for none
 * @param rep   the repeat prefix: 0, 0xF2 (REPNE) or 0xF3 (REP/REPE)
 * @param reg   ModRM.reg, or the register in the opcode's low bits ("50+r")
 * @param rm    ModRM.rm (the register, when the r/m operand is not memory)
 * @param addr  the memory operand, or null when there is none
 * @param imm   the first immediate (sign-extended if it was a byte); for a jump, the target
 * @param imm2  the second immediate (ENTER's level, a far pointer's selector)
 * @param ra    where operand a is, as a shortcut for the interpreter: a whole 32-bit general
 *              register (its number), MEMORY (a doubleword at addr), or -1 (ask the form)
 * @param rb    the same for operand b, which may also be IMMEDIATE (imm)
 */
record Insn(Form form, int eip, int next, int size, int asize, int seg, int rep,
            int reg, int rm, Addr addr, int imm, int imm2, int ra, int rb) {

    /** rb for an operand b that is the immediate. */
    static final int IMMEDIATE = -2;
    /** ra or rb for an operand that is the memory operand, a doubleword. */
    static final int MEMORY = -3;

    /** An Insn without the interpreter's shortcuts (ra = rb = -1): every operand goes the general way. */
    Insn(Form form, int eip, int next, int size, int asize, int seg, int rep,
         int reg, int rm, Addr addr, int imm, int imm2) {
        this(form, eip, next, size, asize, seg, rep, reg, rm, addr, imm, imm2, -1, -1);
    }

    /*X:142 Why the decoded instruction is a record. The interpreter (X:145) is not
     * meant to be its only reader: the translator calls the very same semantics methods
     * for the instructions it does not write out itself (X:618), reading each Insn from
     * an array. HotSpot trusts the final fields of a record the way it trusts a static
     * final, so wherever an Insn is a constant, so is everything in it: the row, the
     * operand kinds, the register numbers, the displacement, the immediate, and every
     * "is operand a a register?" in the helpers below is decided while compiling. (The
     * translator's first version handed each call its Insn as a class-data constant
     * for that reason; X:618 tells why it stopped.) The interpreter meets the Insn only
     * at run time, but most of the answers are the same for every ADD of one shape: ra
     * and rb say where operands a and b are (a whole 32-bit register, a doubleword in
     * memory, the immediate), and
     * the interpreter runs each row and shape with its own copy of the semantics in which
     * the size, the row's operand kinds and the kinds of ra and rb are constants (X:145,
     * X:146). What is left to read at run time is what differs from one ADD to the next:
     * the register numbers, the address, the immediate. :*/

    /*X:150 The EIP, fault and store-into-code protocol, which both back ends keep.
     *
     * While a block runs, c.eip already holds the address where the block falls through.
     * Only a control transfer writes c.eip (a taken Jcc, JMP, CALL, RET, or an interrupt
     * whose handler address it loads); it knows where it is and where it would have gone
     * on from its own eip and next, which are constants of its Insn. So a block of plain
     * arithmetic never touches EIP at all.
     *
     * A fault is a thrown CpuFault. Every semantics method checks whatever can fault
     * (segment limits, page permissions, a zero divisor, privilege) before it changes any
     * state, so a fault leaves the machine exactly as it was before the instruction. The
     * back end notes the faulting instruction's index in its block in c.pos; the run loop
     * then retires the ones before it, points EIP at its start, and delivers the fault.
     *
     * A store that lands in a frame holding decoded code sets c.brk: the code that is
     * still to run in this block may be stale, so the back end stops after the storing
     * instruction (with c.pos naming it) and the run loop decodes afresh from the next. :*/

    /** The mask of the operand size: 0xFF, 0xFFFF or -1. */
    int mask() { return size == 4 ? -1 : size == 2 ? 0xFFFF : 0xFF; }

    /** The segment an implicit memory operand uses (DS, unless overridden). */
    int segOr(int dflt) { return seg < 0 ? dflt : seg; }

    /*X:143 The operand helpers come in two halves. The first is a line or two that
     * settles the common cases (a whole 32-bit register, a doubleword in memory, an
     * immediate) from ra and rb; the rest, every other width and kind, is a separate
     * method. The split is for HotSpot, which inlines small methods into their callers
     * and large ones not at all: kept whole, a() grew too big to inline anywhere, and
     * every instruction paid a call for each of its operands. */
    /** Operand a (the first: the destination, when the instruction has one), read. */
    int a(Cpu c) {
        if (ra >= 0) return c.r[ra];
        if (ra == MEMORY) return c.read32(addr.lin(c, 4, false));
        return read(c, form.a());
    }

    /** Operand b (the second), read. */
    int b(Cpu c) {
        if (rb >= 0) return c.r[rb];
        if (rb == IMMEDIATE) return imm;
        if (rb == MEMORY) return c.read32(addr.lin(c, 4, false));
        return read(c, form.b());
    }

    /** Operand a written (for an instruction that does not read it first: MOV, SETcc). */
    void setA(Cpu c, int v) {
        if (ra >= 0) c.r[ra] = v;
        else if (ra == MEMORY) c.write32(addr.lin(c, 4, true), v);
        else write(c, v, false);
    }

    /**
     * Operand a read for update: when it is memory, the write permission is checked now
     * (before anything has changed) and the linear address kept in c.lin for
     * {@link #putA}, so that ADD [m], r translates its address once.
     */
    int aForUpdate(Cpu c) {
        if (ra >= 0) return c.r[ra];
        return readForUpdate(c);
    }

    /** Writes back operand a after {@link #aForUpdate}. */
    void putA(Cpu c, int v) {
        if (ra >= 0) c.r[ra] = v;
        else if (ra == MEMORY) c.write32(c.lin, v);
        else write(c, v, true);
    }
    /*:*/

    private int readForUpdate(Cpu c) {
        int op = form.a(), w = Operand.width(op, size);
        if (addr != null && Operand.isRmOrOffset(op)) {
            int l = addr.lin(c, w, true);
            c.lin = l;
            return c.rdW(l, w);
        }
        return c.getReg(w, regOf(op));
    }

    /** Operand a written, the general way; again (after readForUpdate) uses c.lin. */
    private void write(Cpu c, int v, boolean again) {
        int op = form.a(), w = Operand.width(op, size);
        if (addr != null && Operand.isRmOrOffset(op)) c.wr(again ? c.lin : addr.lin(c, w, true), w, v);
        else c.setReg(w, regOf(op), v);
    }

    /** Operand b written back (XCHG, XADD): it is always a register. */
    void setB(Cpu c, int v) {
        int op = form.b();
        c.setReg(Operand.width(op, size), regOf(op), v);
    }

    /** The linear address of the memory operand, checked for an access of len bytes. */
    int lin(Cpu c, int len, boolean write) { return addr.lin(c, len, write); }

    private int read(Cpu c, int op) {
        int w = Operand.width(op, size);
        switch (op & Operand.KIND) {
            case E: case M: case O: case R:
                if (addr != null) return c.rd(addr.lin(c, w, false), w);
                return c.getReg(w, rm);
            case G: case Z: return c.getReg(w, reg);
            case REG: return c.getReg(w, Operand.number(op));
            case I: case J: case A: return imm;
            case S: return c.segSel[reg];
            case SEG: return c.segSel[Operand.number(op)];
            case ONE: return 1;
            default: throw new IllegalStateException("no operand to read in " + form);
        }
    }

    /** The general register an operand names (for a register operand). */
    private int regOf(int op) {
        switch (op & Operand.KIND) {
            case E: case M: case O: case R: return rm;
            case REG: return Operand.number(op);
            default: return reg;
        }
    }

    @Override public String toString() {
        return String.format("%08x %s", eip, form);
    }
}
