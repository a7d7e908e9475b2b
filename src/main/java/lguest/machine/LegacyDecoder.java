package lguest.machine;

import static lguest.machine.Cpu.CS;
import static lguest.machine.Cpu.DS;
import static lguest.machine.Cpu.EAX;
import static lguest.machine.Cpu.ECX;
import static lguest.machine.Cpu.EDX;
import static lguest.machine.Cpu.ES;
import static lguest.machine.Cpu.ESI;
import static lguest.machine.Cpu.EDI;
import static lguest.machine.Cpu.ESP;
import static lguest.machine.Cpu.EBP;
import static lguest.machine.Cpu.EBX;
import static lguest.machine.Cpu.SS;


import lguest.machine.fpu.X87;

/**
 * Turns the bytes at an EIP into a {@link Block}: one {@link Op} per instruction, each a
 * small object holding its already-decoded operands.
 */
final class LegacyDecoder {
    /* Decoding once. An x86 instruction is a few prefixes, an opcode of one or two
     * bytes, maybe a ModRM byte (which register, or which addressing form), maybe a SIB
     * byte (base + index*scale), a displacement and an immediate. Working that out costs
     * far more than doing what the instruction says, so we do it once per instruction
     * *address* and keep the answer: an Op whose fields already hold the register numbers,
     * the displacement and the immediate, and whose run() method is the instruction's
     * semantics and nothing else. A straight line of Ops makes a block; the block ends at
     * anything that may change EIP or the processor mode, at the end of the page (so a
     * block's bytes live in one frame, and a write to that frame is all that can make it
     * stale), or after 32 instructions. :*/

    private final Cpu c;
    private int pos;
    private boolean ends;
    private int osz;
    private int seg;
    private int rep;
    private boolean lock;
    private int mod, reg, rm;
    private Addr addr;
    private int insnEip;

    LegacyDecoder(Cpu c, int eip) {
        this.c = c;
        this.pos = eip;
    }

    private int fetch8() {
        if (Integer.compareUnsigned(pos, c.segLimit[CS]) > 0) throw Cpu.gp(0);
        int v = c.fetch8(c.segBase[CS] + pos);
        pos++;
        return v;
    }

    private int fetch16() { int lo = fetch8(); return lo | fetch8() << 8; }

    private int fetch32() { int lo = fetch16(); return lo | fetch16() << 16; }

    private int imm(int size) { return size == 1 ? fetch8() : size == 2 ? fetch16() : fetch32(); }

    private void modrm() {
        int m = fetch8();
        mod = m >> 6; reg = (m >> 3) & 7; rm = m & 7;
        if (mod == 3) { addr = null; return; }
        int base = 8, index = 8, shift = 0, disp = 0, s = DS;
        if (rm == 4) {
            int sib = fetch8();
            shift = sib >> 6; index = (sib >> 3) & 7; base = sib & 7;
            if (index == 4) index = 8;
            if (base == 5 && mod == 0) { base = 8; disp = fetch32(); }
        } else if (rm == 5 && mod == 0) {
            disp = fetch32();
        } else base = rm;
        if (mod == 1) disp = (byte) fetch8();
        else if (mod == 2) disp = fetch32();
        if (base == ESP || base == EBP) s = SS;
        if (seg >= 0) s = seg;
        addr = Addr.of(s, base, index, shift, disp, 4);
    }

    private static Op ud() {
        return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { throw Cpu.fault(Vectors.UD); } };
    }

    int pos() { return pos; }

    boolean ends() { return ends; }

    Op one() {
        insnEip = pos;
        osz = 4; seg = -1; rep = 0; lock = false; addr = null; reg = 0;
        int b;
        while (true) {
            b = fetch8();
            if (b == 0x66) osz = 2;
            else if (b == 0x67) { ends = true; return ud(); }
            else if (b == 0xF0) lock = true;
            else if (b == 0xF2 || b == 0xF3) rep = b;
            else if (b == 0x26) seg = ES;
            else if (b == 0x2E) seg = CS;
            else if (b == 0x36) seg = SS;
            else if (b == 0x3E) seg = DS;
            else if (b == 0x64) seg = Cpu.FS;
            else if (b == 0x65) seg = Cpu.GS;
            else break;
            if (pos - insnEip > 14) { ends = true; return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { throw Cpu.gp(0); } }; }
        }
        int b2 = b == 0x0F ? fetch8() : -1;
        Op op = b2 >= 0 ? two(b2) : primary(b);
        if (lock && op != null && !lockable(b, b2)) op = null;
        if (op == null) { ends = true; return ud(); }
        return op;
    }

    /* LOCK is only legal on a read-modify-write of memory: the arithmetic group, the
     * bit-test-and-modify instructions, XCHG, XADD and the CMPXCHGs. Anywhere else it is
     * #UD, which matters because a random byte stream (or a buggy JIT) must fail the same
     * way here as on the real part. Each CPU here runs in its own thread but no two ever
     * run one guest's memory at once, so the lock itself has nothing to do. */
    private boolean lockable(int b, int b2) {
        if (addr == null) return false;
        if (b2 < 0) {
            if (b < 0x40) return (b & 7) <= 1 && (b >> 3) != 7;
            if (b >= 0x80 && b <= 0x83) return reg != 7;
            if (b == 0x86 || b == 0x87) return true;
            if (b == 0xF6 || b == 0xF7) return reg == 2 || reg == 3;
            if (b == 0xFE || b == 0xFF) return reg <= 1;
            return false;
        }
        switch (b2) {
            case 0xAB: case 0xB3: case 0xBB: case 0xB0: case 0xB1: case 0xC0: case 0xC1: return true;
            case 0xBA: return reg >= 5;
            case 0xC7: return reg == 1;
            default: return false;
        }
    }

    // ------------------------------------------------------------------------------
    //  Operand helpers
    // ------------------------------------------------------------------------------

    interface Fn { int apply(Cpu c, int v); }

    interface Use { void accept(Cpu c, int v); }

    /** Read-modify-write of the r/m operand. */
    private Op rmw(int sz, Fn f) {
        if (addr == null) {
            int n = rm;
            if (sz == 4) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[n] = f.apply(c, c.r[n]); } };
            return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(sz, n, f.apply(c, c.getReg(sz, n))); } };
        }
        Addr a = addr;
        return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
            int l = a.lin(c, sz, true);
            int v = c.rdW(l, sz);
            c.wr(l, sz, f.apply(c, v));
        } };
    }

    /** Reads the r/m operand and hands it on. */
    private Op useE(int sz, Use u) {
        if (addr == null) {
            int n = rm;
            return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { u.accept(c, c.getReg(sz, n)); } };
        }
        Addr a = addr;
        return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { u.accept(c, c.rd(a.lin(c, sz, false), sz)); } };
    }

    /** Writes a value computed by f (from nothing in particular) to the r/m operand. */
    private Op setE(int sz, Fn f) {
        if (addr == null) {
            int n = rm;
            return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(sz, n, f.apply(c, 0)); } };
        }
        Addr a = addr;
        return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
            int l = a.lin(c, sz, true);
            c.wr(l, sz, f.apply(c, 0));
        } };
    }

    // ------------------------------------------------------------------------------
    //  One-byte opcodes
    // ------------------------------------------------------------------------------

    private Op primary(int b) {
        if (b < 0x40 && (b & 7) < 6) return aluForm(b >> 3, b & 7);
        final int next;
        switch (b) {
            case 0x06: case 0x0E: case 0x16: case 0x1E: {
                int s = b >> 3, sz = osz;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.push(sz, c.segSel[s]); } };
            }
            case 0x07: case 0x17: case 0x1F: {
                int s = b >> 3, sz = osz;
                ends = b == 0x17;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    int sp = c.r[ESP];
                    int v = c.rd(c.stackLin(sp, sz), sz);
                    c.loadSegment(s, v & 0xFFFF);
                    c.r[ESP] = sp + sz;
                } };
            }
            case 0x27: case 0x2F: case 0x37: case 0x3F: return null;
            case 0x40: case 0x41: case 0x42: case 0x43: case 0x44: case 0x45: case 0x46: case 0x47: {
                int n = b & 7, m = Cpu.mask(osz), sz = osz;
                if (sz == 4) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[n] = c.inc(c.r[n], -1); } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(sz, n, c.inc(c.r[n], m)); } };
            }
            case 0x48: case 0x49: case 0x4A: case 0x4B: case 0x4C: case 0x4D: case 0x4E: case 0x4F: {
                int n = b & 7, m = Cpu.mask(osz), sz = osz;
                if (sz == 4) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[n] = c.dec(c.r[n], -1); } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(sz, n, c.dec(c.r[n], m)); } };
            }
            case 0x50: case 0x51: case 0x52: case 0x53: case 0x54: case 0x55: case 0x56: case 0x57: {
                int n = b & 7, sz = osz;
                if (sz == 4) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.push32(c.r[n]); } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.push(2, c.r[n]); } };
            }
            case 0x58: case 0x59: case 0x5A: case 0x5B: case 0x5C: case 0x5D: case 0x5E: case 0x5F: {
                int n = b & 7, sz = osz;
                if (sz == 4) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int v = c.pop32(); c.r[n] = v; } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int v = c.pop(2); c.setReg(2, n, v); } };
            }
            case 0x60: {
                int sz = osz;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    int sp = c.r[ESP];
                    int a = c.stackLinW(sp - 8 * sz, 8 * sz);
                    c.probeWrite(c.cpl == 3 ? 1 : 0, a, 8 * sz);
                    for (int k = 0; k < 8; k++) c.wr(a + (7 - k) * sz, sz, k == ESP ? sp : c.r[k]);
                    c.r[ESP] = sp - 8 * sz;
                } };
            }
            case 0x61: {
                int sz = osz;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    int sp = c.r[ESP];
                    int a = c.stackLin(sp, 8 * sz);
                    int[] v = new int[8];
                    for (int k = 0; k < 8; k++) v[k] = c.rd(a + (7 - k) * sz, sz);
                    for (int k = 0; k < 8; k++) if (k != ESP) c.setReg(sz, k, v[k]);
                    c.r[ESP] = sp + 8 * sz;
                } };
            }
            case 0x62: {
                modrm();
                if (addr == null) return null;
                Addr a = addr;
                int sz = osz, g = reg;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    int l = a.lin(c, 2 * sz, false);
                    int lo = c.rd(l, sz), hi = c.rd(l + sz, sz), v = c.getReg(sz, g);
                    if (sz == 2) { lo = (short) lo; hi = (short) hi; v = (short) v; }
                    if (v < lo || v > hi) throw Cpu.fault(Vectors.BR);
                } };
            }
            case 0x6C: case 0x6D: return Strings.ins((b & 1) == 0 ? 1 : osz, rep);
            case 0x6E: case 0x6F: return Strings.outs((b & 1) == 0 ? 1 : osz, rep, seg < 0 ? DS : seg);
            case 0x68: case 0x6A: {
                int v = b == 0x68 ? imm(osz) : (byte) fetch8(), sz = osz;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.push(sz, v); } };
            }
            case 0x69: case 0x6B: {
                modrm();
                int sz = osz, g = reg;
                Addr a = addr;
                int n = rm;
                int im = b == 0x69 ? imm(sz) : (byte) fetch8();
                if (a == null) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(sz, g, imul(c, c.getReg(sz, n), im, sz)); } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(sz, g, imul(c, c.rd(a.lin(c, sz, false), sz), im, sz)); } };
            }
            case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77:
            case 0x78: case 0x79: case 0x7A: case 0x7B: case 0x7C: case 0x7D: case 0x7E: case 0x7F: {
                int rel = (byte) fetch8();
                int cc = b & 15, target = pos + rel;
                ends = true;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { if (c.cond(cc)) c.eip = target; } };
            }
            case 0x80: case 0x81: case 0x82: case 0x83: {
                int sz = b == 0x80 || b == 0x82 ? 1 : osz;
                modrm();
                int im = b == 0x83 ? (byte) fetch8() : imm(sz);
                int op = reg, m = Cpu.mask(sz);
                if (sz == 4 && addr == null) {
                    Op f = Fast.ri(op, rm, im);
                    if (f != null) return f;
                }
                if (op == 7) {
                    if (addr != null && sz == 4) return Fast.cmpMi(addr, im);
                    if (addr == null && sz == 4) { int n = rm; return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.alu(7, c.r[n], im, -1); } }; }
                    return useE(sz, (c, v) -> c.alu(7, v, im, m));
                }
                if (addr == null && sz == 4) { int n = rm; return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[n] = c.alu(op, c.r[n], im, -1); } }; }
                return rmw(sz, (c, v) -> c.alu(op, v, im, m));
            }
            case 0x84: case 0x85: {
                int sz = b == 0x84 ? 1 : osz, m = Cpu.mask(sz);
                modrm();
                int g = reg;
                if (addr == null && sz == 4) return Fast.test(rm, g);
                return useE(sz, (c, v) -> c.alu(4, v, c.getReg(sz, g), m));
            }
            case 0x86: case 0x87: {
                int sz = b == 0x86 ? 1 : osz;
                modrm();
                int g = reg;
                return rmw(sz, (c, v) -> { int old = c.getReg(sz, g); c.setReg(sz, g, v); return old; });
            }
            case 0x88: case 0x89: {
                int sz = b == 0x88 ? 1 : osz;
                modrm();
                int g = reg;
                if (addr == null) {
                    int n = rm;
                    if (sz == 4) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[n] = c.r[g]; } };
                    return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(sz, n, c.getReg(sz, g)); } };
                }
                Addr a = addr;
                if (sz == 4) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.write32(a.lin(c, 4, true), c.r[g]); } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.wr(a.lin(c, sz, true), sz, c.getReg(sz, g)); } };
            }
            case 0x8A: case 0x8B: {
                int sz = b == 0x8A ? 1 : osz;
                modrm();
                int g = reg;
                if (addr == null) {
                    int n = rm;
                    if (sz == 4) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[g] = c.r[n]; } };
                    return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(sz, g, c.getReg(sz, n)); } };
                }
                Addr a = addr;
                if (sz == 4) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[g] = c.read32(a.lin(c, 4, false)); } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(sz, g, c.rd(a.lin(c, sz, false), sz)); } };
            }
            case 0x8C: {
                modrm();
                if (reg > 5) return null;
                int s = reg;
                if (addr == null) { int n = rm, sz = osz; return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(sz, n, c.segSel[s]); } }; }
                return setE(2, (c, v) -> c.segSel[s]);
            }
            case 0x8D: {
                modrm();
                if (addr == null) return null;
                Addr a = addr;
                int g = reg, sz = osz;
                if (sz == 4) {
                    if (a.index() == 8) { int bs = a.base(), dp = a.disp(); return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[g] = c.r[bs] + dp; } }; }
                    return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[g] = a.ea(c); } };
                }
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(2, g, a.ea(c)); } };
            }
            case 0x8E: {
                modrm();
                if (reg > 5 || reg == CS) return null;
                int s = reg;
                if (s == SS) ends = true;
                return useE(2, (c, v) -> c.loadSegment(s, v));
            }
            case 0x8F: {
                modrm();
                int sz = osz;
                if (addr == null) { int n = rm; return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int v = c.pop(sz); c.setReg(sz, n, v); } }; }
                Addr a = addr;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    int sp = c.r[ESP];
                    int v = c.rd(c.stackLin(sp, sz), sz);
                    c.r[ESP] = sp + sz;
                    try {
                        c.wr(a.lin(c, sz, true), sz, v);
                    } catch (CpuFault f) {
                        c.r[ESP] = sp;
                        throw f;
                    }
                } };
            }
            case 0x90:
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { } };
            case 0x91: case 0x92: case 0x93: case 0x94: case 0x95: case 0x96: case 0x97: {
                int n = b & 7, sz = osz;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int t = c.getReg(sz, n); c.setReg(sz, n, c.getReg(sz, EAX)); c.setReg(sz, EAX, t); } };
            }
            case 0x98:
                if (osz == 4) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[EAX] = (short) c.r[EAX]; } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(2, EAX, (byte) c.r[EAX]); } };
            case 0x99:
                if (osz == 4) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[EDX] = c.r[EAX] >> 31; } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(2, EDX, ((short) c.r[EAX]) >> 15); } };
            case 0x9A: {
                int off = imm(osz), sel = fetch16(), sz = osz;
                next = pos;
                ends = true;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.farCall(sel, sz == 2 ? off & 0xFFFF : off, next, sz); } };
            }
            case 0x9B:
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    if ((c.cr0 & (Cpu.CR0_MP | Cpu.CR0_TS)) == (Cpu.CR0_MP | Cpu.CR0_TS)) throw Cpu.fault(Vectors.NM);
                    if (c.x87.mathFaultPending()) throw Cpu.fault(Vectors.MF);
                } };
            case 0x9C: {
                int sz = osz;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.push(sz, c.getEflags() & ~(Cpu.RF | 0x20000)); } };
            }
            case 0x9D: {
                int sz = osz;
                ends = true;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    int v = c.pop(sz);
                    int changeable = 0x257FD5 & ~(Cpu.IOPL | Cpu.IF);
                    if (c.cpl == 0) changeable |= Cpu.IOPL;
                    if (c.cpl <= c.iopl()) changeable |= Cpu.IF;
                    if (sz == 2) changeable &= 0xFFFF;
                    c.materialize();
                    c.flags = (c.flags & ~changeable) | (v & changeable) | 2;
                    c.selectTlb();
                } };
            }
            case 0x9E:
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    c.materialize();
                    c.flags = (c.flags & ~0xD5) | ((c.r[EAX] >> 8) & 0xD5);
                } };
            case 0x9F:
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(1, 4, (c.getEflags() & 0xD5) | 2); } };
            case 0xA0: case 0xA1: case 0xA2: case 0xA3: {
                int sz = (b & 1) == 0 ? 1 : osz, off = fetch32(), s = seg < 0 ? DS : seg;
                Addr a = Addr.of(s, 8, 8, 0, off, 4);
                if (b < 0xA2) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(sz, EAX, c.rd(a.lin(c, sz, false), sz)); } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.wr(a.lin(c, sz, true), sz, c.getReg(sz, EAX)); } };
            }
            case 0xA4: case 0xA5: return Strings.movs((b & 1) == 0 ? 1 : osz, rep, seg < 0 ? DS : seg);
            case 0xA6: case 0xA7: return Strings.cmps((b & 1) == 0 ? 1 : osz, rep, seg < 0 ? DS : seg);
            case 0xA8: case 0xA9: {
                int sz = b == 0xA8 ? 1 : osz, im = imm(sz), m = Cpu.mask(sz);
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.alu(4, c.r[EAX], im, m); } };
            }
            case 0xAA: case 0xAB: return Strings.stos((b & 1) == 0 ? 1 : osz, rep);
            case 0xAC: case 0xAD: return Strings.lods((b & 1) == 0 ? 1 : osz, rep, seg < 0 ? DS : seg);
            case 0xAE: case 0xAF: return Strings.scas((b & 1) == 0 ? 1 : osz, rep);
            case 0xB0: case 0xB1: case 0xB2: case 0xB3: case 0xB4: case 0xB5: case 0xB6: case 0xB7: {
                int n = b & 7, v = fetch8();
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(1, n, v); } };
            }
            case 0xB8: case 0xB9: case 0xBA: case 0xBB: case 0xBC: case 0xBD: case 0xBE: case 0xBF: {
                int n = b & 7, sz = osz, v = imm(sz);
                if (sz == 4) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[n] = v; } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(2, n, v); } };
            }
            case 0xC0: case 0xC1: case 0xD0: case 0xD1: case 0xD2: case 0xD3: {
                int sz = (b & 1) == 0 ? 1 : osz;
                modrm();
                int op = reg;
                if (b <= 0xC1 || b <= 0xD1) {
                    int k = b <= 0xC1 ? fetch8() & 31 : 1;
                    if (sz == 4 && addr == null && k != 0) {
                        int n = rm;
                        switch (op) {
                            case 0: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int v = Integer.rotateLeft(c.r[n], k); c.r[n] = v; Alu.rotateFlags(c, (v & 1) != 0, ((v ^ (v >>> 31)) & 1) != 0); } };
                            case 1: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int v = Integer.rotateRight(c.r[n], k); c.r[n] = v; Alu.rotateFlags(c, v < 0, ((v ^ (v << 1)) & 0x80000000) != 0); } };
                            case 4: case 6: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int v = c.r[n], res = v << k; c.r[n] = res; c.eager(res, -1, ((v >>> (32 - k)) & 1) != 0, (res < 0) ^ (((v >>> (32 - k)) & 1) != 0)); } };
                            case 5: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int v = c.r[n], res = v >>> k; c.r[n] = res; c.eager(res, -1, ((v >>> (k - 1)) & 1) != 0, v < 0); } };
                            case 7: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int v = c.r[n], res = v >> k; c.r[n] = res; c.eager(res, -1, ((v >> (k - 1)) & 1) != 0, false); } };
                            default: break;
                        }
                    }
                    return rmw(sz, (c, v) -> Alu.shift(c, op, v, k, sz));
                }
                return rmw(sz, (c, v) -> Alu.shift(c, op, v, c.r[ECX], sz));
            }
            case 0xC2: case 0xC3: {
                int extra = b == 0xC2 ? fetch16() : 0, sz = osz;
                ends = true;
                if (sz == 4 && extra == 0) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.eip = c.pop32(); } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    int t = c.pop(sz);
                    c.r[ESP] += extra;
                    c.eip = t;
                } };
            }
            case 0xC4: case 0xC5: return farPointer(b == 0xC4 ? ES : DS);
            case 0xC6: case 0xC7: {
                int sz = b == 0xC6 ? 1 : osz;
                modrm();
                if (reg != 0) return null;
                int v = imm(sz);
                if (addr != null && sz == 4) { Addr a = addr; return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.write32(a.lin(c, 4, true), v); } }; }
                return setE(sz, (c, x) -> v);
            }
            case 0xC8: {
                int size = fetch16(), level = fetch8() & 31, sz = osz;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { Alu.enter(c, size, level, sz); } };
            }
            case 0xC9: {
                int sz = osz;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    int bp = c.r[EBP];
                    int v = c.rd(c.stackLin(bp, sz), sz);
                    c.r[ESP] = bp + sz;
                    c.setReg(sz, EBP, v);
                } };
            }
            case 0xCA: case 0xCB: {
                int extra = b == 0xCA ? fetch16() : 0, sz = osz;
                ends = true;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.farReturn(sz, false, extra); } };
            }
            case 0xCC: {
                next = pos;
                ends = true;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.softInt(3, next); } };
            }
            case 0xCD: {
                int v = fetch8();
                next = pos;
                ends = true;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.softInt(v, next); } };
            }
            case 0xCE: {
                next = pos;
                ends = true;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { if (c.of()) c.softInt(4, next); } };
            }
            case 0xCF: {
                int sz = osz;
                ends = true;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.farReturn(sz, true, 0); } };
            }
            case 0xD7: {
                int s = seg < 0 ? DS : seg;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    int ea = c.r[EBX] + (c.r[EAX] & 0xFF);
                    if (c.segChk[s]) c.segCheck(s, ea, 1, false);
                    c.setReg(1, EAX, c.read8(c.segBase[s] + ea));
                } };
            }
            case 0xD8: case 0xD9: case 0xDA: case 0xDB: case 0xDC: case 0xDD: case 0xDE: case 0xDF:
                return x87(b);
            case 0xE0: case 0xE1: case 0xE2: case 0xE3: {
                int rel = (byte) fetch8(), target = pos + rel, kind = b;
                ends = true;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    if (kind == 0xE3) { if (c.r[ECX] == 0) c.eip = target; return; }
                    int cx = --c.r[ECX];
                    boolean go = cx != 0 && (kind == 0xE2 || (kind == 0xE1) == c.zf());
                    if (go) c.eip = target;
                } };
            }
            case 0xE4: case 0xE5: case 0xEC: case 0xED: {
                int sz = (b & 1) == 0 ? 1 : osz, port = b < 0xE8 ? fetch8() : -1;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    int p = port >= 0 ? port : c.r[EDX] & 0xFFFF;
                    c.checkIo(p, sz);
                    c.setReg(sz, EAX, c.io.in(p, sz));
                } };
            }
            case 0xE6: case 0xE7: case 0xEE: case 0xEF: {
                int sz = (b & 1) == 0 ? 1 : osz, port = b < 0xE8 ? fetch8() : -1;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    int p = port >= 0 ? port : c.r[EDX] & 0xFFFF;
                    c.checkIo(p, sz);
                    c.io.out(p, sz, c.getReg(sz, EAX));
                } };
            }
            case 0xE8: {
                int rel = imm(osz), sz = osz;
                next = pos;
                int target = sz == 2 ? (next + rel) & 0xFFFF : next + rel;
                ends = true;
                if (sz == 4) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.push32(next); c.eip = target; } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.push(2, next); c.eip = target; } };
            }
            case 0xE9: case 0xEB: {
                int rel = b == 0xEB ? (byte) fetch8() : osz == 2 ? (short) fetch16() : fetch32();
                int target = osz == 2 ? (pos + rel) & 0xFFFF : pos + rel;
                ends = true;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.eip = target; } };
            }
            case 0xEA: {
                int off = imm(osz), sel = fetch16();
                ends = true;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.farJump(sel, off); } };
            }
            case 0xF1: {
                next = pos;
                ends = true;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.deliver(Vectors.DB, 0, false, false, next, 0); } };
            }
            case 0xF4:
                ends = true;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    if (c.cpl != 0) throw Cpu.gp(0);
                    c.pendingExit = Exit.HALT;
                } };
            case 0xF5: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setCF(c.cf() == 0); } };
            case 0xF6: case 0xF7: return group3((b & 1) == 0 ? 1 : osz);
            case 0xF8: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setCF(false); } };
            case 0xF9: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setCF(true); } };
            case 0xFA: case 0xFB: {
                boolean set = b == 0xFB;
                ends = true;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    if (c.cpl > c.iopl()) throw Cpu.gp(0);
                    c.flags = set ? c.flags | Cpu.IF : c.flags & ~Cpu.IF;
                } };
            }
            case 0xFC: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.flags &= ~Cpu.DF; } };
            case 0xFD: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.flags |= Cpu.DF; } };
            case 0xFE: {
                modrm();
                if (reg == 0) return rmw(1, (c, v) -> c.inc(v, 0xFF));
                if (reg == 1) return rmw(1, (c, v) -> c.dec(v, 0xFF));
                return null;
            }
            case 0xFF: return group5();
            default: return null;
        }
    }

    private Op aluForm(int op, int form) {
        switch (form) {
            case 0: case 1: {
                int sz = form == 0 ? 1 : osz, m = Cpu.mask(sz);
                modrm();
                int g = reg;
                if (addr == null) {
                    int n = rm;
                    if (sz == 4) {
                        if ((op == 6 || op == 5) && n == g) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[n] = 0; c.lazy(Cpu.F_LOGIC, 0, 0, 0, -1); } };
                        Op f = Fast.rr(op, n, g);
                        if (f != null) return f;
                        if (op == 7) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.alu(7, c.r[n], c.r[g], -1); } };
                        return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[n] = c.alu(op, c.r[n], c.r[g], -1); } };
                    }
                    if (op == 7) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.alu(7, c.getReg(sz, n), c.getReg(sz, g), m); } };
                    return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(sz, n, c.alu(op, c.getReg(sz, n), c.getReg(sz, g), m)); } };
                }
                Addr a = addr;
                if (op == 7) {
                    if (sz == 4) return Fast.cmpMr(a, g);
                    return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.alu(7, c.rd(a.lin(c, sz, false), sz), c.getReg(sz, g), m); } };
                }
                if (sz == 4) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    int l = a.lin(c, 4, true);
                    int v = c.rdW(l, 4);
                    c.write32(l, c.alu(op, v, c.r[g], -1));
                } };
                return rmw(sz, (c, v) -> c.alu(op, v, c.getReg(sz, g), m));
            }
            case 2: case 3: {
                int sz = form == 2 ? 1 : osz, m = Cpu.mask(sz);
                modrm();
                int g = reg;
                if (addr == null) {
                    int n = rm;
                    if (sz == 4) {
                        Op f = Fast.rr(op, g, n);
                        if (f != null) return f;
                        if (op == 7) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.alu(7, c.r[g], c.r[n], -1); } };
                        return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[g] = c.alu(op, c.r[g], c.r[n], -1); } };
                    }
                    if (op == 7) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.alu(7, c.getReg(sz, g), c.getReg(sz, n), m); } };
                    return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(sz, g, c.alu(op, c.getReg(sz, g), c.getReg(sz, n), m)); } };
                }
                Addr a = addr;
                if (sz == 4) {
                    Op f = Fast.rm(op, g, a);
                    if (f != null) return f;
                    if (op == 7) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.alu(7, c.r[g], c.read32(a.lin(c, 4, false)), -1); } };
                    return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[g] = c.alu(op, c.r[g], c.read32(a.lin(c, 4, false)), -1); } };
                }
                if (op == 7) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.alu(7, c.getReg(sz, g), c.rd(a.lin(c, sz, false), sz), m); } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(sz, g, c.alu(op, c.getReg(sz, g), c.rd(a.lin(c, sz, false), sz), m)); } };
            }
            default: {
                int sz = form == 4 ? 1 : osz, m = Cpu.mask(sz), im = imm(sz);
                if (sz == 4) { Op f = Fast.ri(op, EAX, im); if (f != null) return f; }
                if (op == 7) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.alu(7, c.r[EAX], im, m); } };
                if (sz == 4) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[EAX] = c.alu(op, c.r[EAX], im, -1); } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.setReg(sz, EAX, c.alu(op, c.r[EAX], im, m)); } };
            }
        }
    }

    static int imul(Cpu c, int a, int b, int sz) {
        if (sz == 4) {
            long p = (long) a * b;
            int res = (int) p;
            c.eager(res, -1, p != res, p != res);
            return res;
        }
        int p = (short) a * (short) b;
        boolean over = p != (short) p;
        c.eager(p, 0xFFFF, over, over);
        return p;
    }

    private Op farPointer(int s) {
        modrm();
        if (addr == null) return null;
        Addr a = addr;
        int g = reg, sz = osz;
        return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
            int l = a.lin(c, sz + 2, false);
            int off = c.rd(l, sz), sel = c.rd(l + sz, 2);
            c.loadSegment(s, sel);
            c.setReg(sz, g, off);
        } };
    }

    private Op group3(int sz) {
        modrm();
        int m = Cpu.mask(sz);
        switch (reg) {
            case 0: case 1: {
                int im = imm(sz);
                return useE(sz, (c, v) -> c.alu(4, v, im, m));
            }
            case 2: return rmw(sz, (c, v) -> ~v & m);
            case 3: return rmw(sz, (c, v) -> c.alu(5, 0, v, m));
            case 4: return useE(sz, (c, v) -> Alu.mul(c, v, sz));
            case 5: return useE(sz, (c, v) -> Alu.imul1(c, v, sz));
            case 6: return useE(sz, (c, v) -> Alu.div(c, v, sz));
            default: return useE(sz, (c, v) -> Alu.idiv(c, v, sz));
        }
    }

    private Op group5() {
        modrm();
        int sz = osz, m = Cpu.mask(sz);
        switch (reg) {
            case 0: return rmw(sz, (c, v) -> c.inc(v, m));
            case 1: return rmw(sz, (c, v) -> c.dec(v, m));
            case 2: {
                int next = pos;
                ends = true;
                if (addr == null) { int n = rm; return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int t = c.r[n]; c.push(sz, next); c.eip = sz == 2 ? t & 0xFFFF : t; } }; }
                Addr a = addr;
                if (sz == 4) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int t = c.read32(a.lin(c, 4, false)); c.push32(next); c.eip = t; } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int t = c.rd(a.lin(c, sz, false), sz); c.push(sz, next); c.eip = t; } };
            }
            case 3: case 5: {
                if (addr == null) return null;
                Addr a = addr;
                int next = pos;
                boolean call = reg == 3;
                ends = true;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    int l = a.lin(c, sz + 2, false);
                    int off = c.rd(l, sz), sel = c.rd(l + sz, 2);
                    if (call) c.farCall(sel, off, next, sz); else c.farJump(sel, off);
                } };
            }
            case 4: {
                ends = true;
                if (addr == null) { int n = rm; return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.eip = sz == 2 ? c.r[n] & 0xFFFF : c.r[n]; } }; }
                Addr a = addr;
                if (sz == 4) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.eip = c.read32(a.lin(c, 4, false)); } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.eip = c.rd(a.lin(c, sz, false), sz); } };
            }
            case 6: {
                if (addr == null) { int n = rm; return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.push(sz, c.r[n]); } }; }
                Addr a = addr;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.push(sz, c.rd(a.lin(c, sz, false), sz)); } };
            }
            default: return null;
        }
    }

    private Op x87(int opc) {
        int save = pos;
        int modrmByte = c.fetch8(c.segBase[CS] + pos);
        pos = save;
        modrm();
        Addr a = addr;
        int ip = insnEip;
        boolean mem = a != null;
        boolean noWait = !X87.isWaiting(opc, modrmByte);
        return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
            if ((c.cr0 & (Cpu.CR0_EM | Cpu.CR0_TS)) != 0) throw Cpu.fault(Vectors.NM);
            if (!noWait && c.x87.mathFaultPending()) throw Cpu.fault(Vectors.MF);
            int lin = mem ? a.lin(c, 1, false) : 0;
            try {
                c.x87.execute(opc, modrmByte, lin, ip, c.fpuBus);
            } catch (UnsupportedOperationException e) {
                throw Cpu.fault(Vectors.UD);
            }
        } };
    }

    // ------------------------------------------------------------------------------
    //  Two-byte opcodes
    // ------------------------------------------------------------------------------

    private Op two(int b) {
        if (b >= 0x80 && b <= 0x8F) {
            int rel = osz == 2 ? (short) fetch16() : fetch32();
            int cc = b & 15, target = osz == 2 ? (pos + rel) & 0xFFFF : pos + rel;
            ends = true;
            return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { if (c.cond(cc)) c.eip = target; } };
        }
        if (b >= 0x40 && b <= 0x4F) {
            modrm();
            int cc = b & 15, g = reg, sz = osz;
            if (addr == null && sz == 4) { int n = rm; return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { if (c.cond(cc)) c.r[g] = c.r[n]; } }; }
            return useE(sz, (c, v) -> { if (c.cond(cc)) c.setReg(sz, g, v); });
        }
        if (b >= 0x90 && b <= 0x9F) {
            modrm();
            int cc = b & 15;
            return setE(1, (c, v) -> c.cond(cc) ? 1 : 0);
        }
        if (b >= 0xC8 && b <= 0xCF) {
            int n = b & 7;
            return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[n] = Integer.reverseBytes(c.r[n]); } };
        }
        switch (b) {
            case 0x00: return group6();
            case 0x01: return group7();
            case 0x06:
                ends = true;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { privileged(c); c.cr0 &= ~Cpu.CR0_TS; } };
            case 0x08: case 0x09:
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { privileged(c); } };
            case 0x0B: return null;
            case 0x0D: case 0x18: case 0x19: case 0x1A: case 0x1B: case 0x1C: case 0x1D: case 0x1E: case 0x1F:
                modrm();
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { } };
            case 0x20: case 0x22: {
                modrm();
                int crn = reg, n = rm;
                if (crn == 1 || crn > 4) return null;
                ends = true;
                if (b == 0x20) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    privileged(c);
                    c.r[n] = crn == 0 ? c.cr0 : crn == 2 ? c.cr2 : crn == 3 ? c.cr3 : c.cr4;
                } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    privileged(c);
                    int v = c.r[n];
                    if (crn == 0) c.setCr0(v);
                    else if (crn == 2) c.cr2 = v;
                    else if (crn == 3) c.setCr3(v);
                    else c.setCr4(v);
                } };
            }
            case 0x21: case 0x23: {
                modrm();
                int drn = reg, n = rm;
                ends = true;
                if (b == 0x21) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { privileged(c); c.r[n] = c.dr[drn]; } };
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { privileged(c); c.dr[drn] = c.r[n]; } };
            }
            case 0x30: case 0x32: case 0x33:
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { throw Cpu.gp(0); } };
            case 0x31:
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    if ((c.cr4 & Cpu.CR4_TSD) != 0 && c.cpl != 0) throw Cpu.gp(0);
                    long t = c.retired;
                    c.r[EAX] = (int) t;
                    c.r[EDX] = (int) (t >>> 32);
                } };
            case 0xA0: case 0xA8: {
                int s = b == 0xA0 ? Cpu.FS : Cpu.GS, sz = osz;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.push(sz, c.segSel[s]); } };
            }
            case 0xA1: case 0xA9: {
                int s = b == 0xA1 ? Cpu.FS : Cpu.GS, sz = osz;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    int sp = c.r[ESP];
                    int v = c.rd(c.stackLin(sp, sz), sz);
                    c.loadSegment(s, v & 0xFFFF);
                    c.r[ESP] = sp + sz;
                } };
            }
            case 0xA2:
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.cpuid(); } };
            case 0xA3: case 0xAB: case 0xB3: case 0xBB: {
                modrm();
                int kind = b == 0xA3 ? 0 : b == 0xAB ? 1 : b == 0xB3 ? 2 : 3;
                return bitOp(kind, -1);
            }
            case 0xBA: {
                modrm();
                if (reg < 4) return null;
                int kind = reg - 4, k = fetch8();
                return bitOp(kind, k);
            }
            case 0xA4: case 0xA5: case 0xAC: case 0xAD: {
                modrm();
                int sz = osz, g = reg;
                boolean left = b < 0xA8;
                if ((b & 1) == 0) {
                    int k = fetch8();
                    return rmw(sz, (c, v) -> Alu.shiftDouble(c, left, v, c.getReg(sz, g), k, sz));
                }
                return rmw(sz, (c, v) -> Alu.shiftDouble(c, left, v, c.getReg(sz, g), c.r[ECX], sz));
            }
            case 0xAF: {
                modrm();
                int sz = osz, g = reg;
                return useE(sz, (c, v) -> c.setReg(sz, g, imul(c, c.getReg(sz, g), v, sz)));
            }
            case 0xB0: case 0xB1: {
                int sz = b == 0xB0 ? 1 : osz, m = Cpu.mask(sz);
                modrm();
                int g = reg;
                if (addr == null) {
                    int n = rm;
                    return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                        int dst = c.getReg(sz, n);
                        c.alu(7, c.r[EAX], dst, m);
                        if (c.zf()) c.setReg(sz, n, c.getReg(sz, g)); else c.setReg(sz, EAX, dst);
                    } };
                }
                Addr a = addr;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    int l = a.lin(c, sz, true);
                    int dst = c.rdW(l, sz);
                    c.alu(7, c.r[EAX], dst, m);
                    if (c.zf()) c.wr(l, sz, c.getReg(sz, g));
                    else { c.wr(l, sz, dst); c.setReg(sz, EAX, dst); }
                } };
            }
            case 0xB2: return farPointer(SS);
            case 0xB4: return farPointer(Cpu.FS);
            case 0xB5: return farPointer(Cpu.GS);
            case 0xB6: case 0xB7: case 0xBE: case 0xBF: {
                int from = (b & 1) == 0 ? 1 : 2, sz = osz;
                boolean sign = b >= 0xBE;
                modrm();
                int g = reg;
                if (addr != null && sz == 4) {
                    Addr a = addr;
                    if (from == 1) {
                        if (sign) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[g] = (byte) c.read8(a.lin(c, 1, false)); } };
                        return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[g] = c.read8(a.lin(c, 1, false)); } };
                    }
                    if (sign) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[g] = (short) c.read16(a.lin(c, 2, false)); } };
                    return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { c.r[g] = c.read16(a.lin(c, 2, false)); } };
                }
                if (sign) return useE(from, (c, v) -> c.setReg(sz, g, from == 1 ? (byte) v : (short) v));
                return useE(from, (c, v) -> c.setReg(sz, g, v));
            }
            case 0xBC: case 0xBD: {
                modrm();
                int sz = osz, g = reg;
                boolean forward = b == 0xBC;
                return useE(sz, (c, v) -> {
                    c.materialize();
                    if (v == 0) { c.flags |= Cpu.ZF; return; }
                    c.flags &= ~Cpu.ZF;
                    c.setReg(sz, g, forward ? Integer.numberOfTrailingZeros(v) : 31 - Integer.numberOfLeadingZeros(v));
                });
            }
            case 0xC0: case 0xC1: {
                int sz = b == 0xC0 ? 1 : osz, m = Cpu.mask(sz);
                modrm();
                int g = reg;
                return rmw(sz, (c, v) -> {
                    int s = c.getReg(sz, g);
                    int sum = c.alu(0, v, s, m);
                    c.setReg(sz, g, v);
                    return sum;
                });
            }
            case 0xC7: {
                modrm();
                if (reg != 1 || addr == null) return null;
                Addr a = addr;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    int l = a.lin(c, 8, true);
                    c.probeWrite(c.cpl == 3 ? 1 : 0, l, 8);
                    int lo = c.read32(l), hi = c.read32(l + 4);
                    c.materialize();
                    if (lo == c.r[EAX] && hi == c.r[EDX]) {
                        c.write32(l, c.r[EBX]);
                        c.write32(l + 4, c.r[ECX]);
                        c.flags |= Cpu.ZF;
                    } else {
                        c.write32(l, lo);
                        c.write32(l + 4, hi);
                        c.r[EAX] = lo; c.r[EDX] = hi;
                        c.flags &= ~Cpu.ZF;
                    }
                } };
            }
            default: return null;
        }
    }

    static void privileged(Cpu c) {
        if (c.cpl != 0) throw Cpu.gp(0);
    }

    /** BT, BTS, BTR, BTC (kind 0-3); immediate bit offset k, or -1 for the register form. */
    private Op bitOp(int kind, int k) {
        int sz = osz, bits = sz * 8, g = reg;
        if (addr == null) {
            int n = rm;
            return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                int bit = (k >= 0 ? k : c.getReg(sz, g)) & (bits - 1);
                int v = c.getReg(sz, n);
                c.setCF(((v >>> bit) & 1) != 0);
                if (kind != 0) c.setReg(sz, n, kind == 1 ? v | (1 << bit) : kind == 2 ? v & ~(1 << bit) : v ^ (1 << bit));
            } };
        }
        Addr a = addr;
        return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
            int bit, l;
            if (k >= 0) {
                bit = k & (bits - 1);
                l = a.lin(c, sz, kind != 0);
            } else {
                int off = sz == 4 ? c.r[g] : (short) c.r[g];
                bit = off & (bits - 1);
                int ea = a.ea(c) + (off >> (sz == 4 ? 5 : 4)) * sz;
                if (c.segChk[a.seg()]) c.segCheck(a.seg(), ea, sz, kind != 0);
                l = c.segBase[a.seg()] + ea;
            }
            int v = kind != 0 ? c.rdW(l, sz) : c.rd(l, sz);
            c.setCF(((v >>> bit) & 1) != 0);
            if (kind != 0) c.wr(l, sz, kind == 1 ? v | (1 << bit) : kind == 2 ? v & ~(1 << bit) : v ^ (1 << bit));
        } };
    }

    private Op group6() {
        modrm();
        ends = true;
        switch (reg) {
            case 0: return setE(addr == null ? osz : 2, (c, v) -> c.ldtrSel);
            case 1: return setE(addr == null ? osz : 2, (c, v) -> c.trSel);
            case 2: return useE(2, (c, v) -> { privileged(c); c.loadLdt(v); });
            case 3: return useE(2, (c, v) -> { privileged(c); c.loadTaskRegister(v); });
            default: return null;
        }
    }

    private Op group7() {
        modrm();
        ends = true;
        Addr a = addr;
        switch (reg) {
            case 0: case 1: {
                if (a == null) return null;
                boolean idt = reg == 1;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    int l = a.lin(c, 6, true);
                    c.probeWrite(c.cpl == 3 ? 1 : 0, l, 6);
                    c.write16(l, idt ? c.idtrLimit : c.gdtrLimit);
                    c.write32(l + 2, idt ? c.idtrBase : c.gdtrBase);
                } };
            }
            case 2: case 3: {
                if (a == null) return null;
                boolean idt = reg == 3;
                int sz = osz;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
                    privileged(c);
                    int l = a.lin(c, 6, false);
                    int limit = c.read16(l), base = c.read32(l + 2);
                    if (sz == 2) base &= 0xFFFFFF;
                    if (idt) { c.idtrLimit = limit; c.idtrBase = base; } else { c.gdtrLimit = limit; c.gdtrBase = base; }
                } };
            }
            case 4: return setE(addr == null ? osz : 2, (c, v) -> c.cr0);
            case 6: return useE(2, (c, v) -> { privileged(c); c.setCr0((c.cr0 & ~0xE) | (v & 0xF) | (c.cr0 & 1)); });
            case 7: {
                if (a == null) return null;
                return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { privileged(c); c.invlpg(c.segBase[a.seg()] + a.ea(c)); } };
            }
            default: return null;
        }
    }
}
