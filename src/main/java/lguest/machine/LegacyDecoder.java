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

    /** What the one-byte table does not describe yet: the string instructions and the x87 escapes. */
    private Op primary(int b) {
        switch (b) {
            case 0x6C: case 0x6D: return Strings.ins((b & 1) == 0 ? 1 : osz, rep);
            case 0x6E: case 0x6F: return Strings.outs((b & 1) == 0 ? 1 : osz, rep, seg < 0 ? DS : seg);
            case 0xA4: case 0xA5: return Strings.movs((b & 1) == 0 ? 1 : osz, rep, seg < 0 ? DS : seg);
            case 0xA6: case 0xA7: return Strings.cmps((b & 1) == 0 ? 1 : osz, rep, seg < 0 ? DS : seg);
            case 0xAA: case 0xAB: return Strings.stos((b & 1) == 0 ? 1 : osz, rep);
            case 0xAC: case 0xAD: return Strings.lods((b & 1) == 0 ? 1 : osz, rep, seg < 0 ? DS : seg);
            case 0xAE: case 0xAF: return Strings.scas((b & 1) == 0 ? 1 : osz, rep);
            case 0xD8: case 0xD9: case 0xDA: case 0xDB: case 0xDC: case 0xDD: case 0xDE: case 0xDF:
                return x87(b);
            default: return null;
        }
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
                return useE(sz, (c, v) -> c.setReg(sz, g, Alu.imul(c, c.getReg(sz, g), v, sz)));
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
