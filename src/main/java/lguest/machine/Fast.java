package lguest.machine;

/**
 * Hand-specialized 32-bit forms of the commonest ALU instructions, one class per
 * operation, so that executing one is straight-line code with no switch on the operation.
 */
final class Fast {
    private Fast() { }

    /* The decoder knows at decode time that this is an ADD and not a SUB, so why should
     * the executing instruction ask again? For the forms that make up most of compiled
     * code (register with register, register with an immediate, register with memory, all
     * at 32 bits) each operation gets its own little class, which does the arithmetic and
     * writes the lazy-flags record directly. The generic Cpu.alu() remains for every other
     * size and form. :*/
    static void lz(Cpu c, int op, int a, int b, int r) {
        c.fOp = op; c.fA = a; c.fB = b; c.fR = r; c.fMask = -1; c.fSign = 0x80000000;
    }

    static void lzLogic(Cpu c, int r) {
        c.fOp = Cpu.F_LOGIC; c.fR = r; c.fMask = -1; c.fSign = 0x80000000;
    }

    /** r[d] = r[d] op r[s]; null when there is no fast form. */
    static Op rr(int op, int d, int s) {
        switch (op) {
            case 0: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int[] r = c.r; int x = r[d], y = r[s], z = x + y; r[d] = z; lz(c, Cpu.F_ADD, x, y, z); } };
            case 1: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int[] r = c.r; int z = r[d] | r[s]; r[d] = z; lzLogic(c, z); } };
            case 4: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int[] r = c.r; int z = r[d] & r[s]; r[d] = z; lzLogic(c, z); } };
            case 5: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int[] r = c.r; int x = r[d], y = r[s], z = x - y; r[d] = z; lz(c, Cpu.F_SUB, x, y, z); } };
            case 6: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int[] r = c.r; int z = r[d] ^ r[s]; r[d] = z; lzLogic(c, z); } };
            case 7: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int[] r = c.r; int x = r[d], y = r[s]; lz(c, Cpu.F_SUB, x, y, x - y); } };
            default: return null;
        }
    }

    /** TEST r[d], r[s]. */
    static Op test(int d, int s) {
        return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int[] r = c.r; lzLogic(c, r[d] & r[s]); } };
    }

    /** r[d] = r[d] op imm. */
    static Op ri(int op, int d, int y) {
        switch (op) {
            case 0: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int[] r = c.r; int x = r[d], z = x + y; r[d] = z; lz(c, Cpu.F_ADD, x, y, z); } };
            case 1: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int[] r = c.r; int z = r[d] | y; r[d] = z; lzLogic(c, z); } };
            case 4: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int[] r = c.r; int z = r[d] & y; r[d] = z; lzLogic(c, z); } };
            case 5: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int[] r = c.r; int x = r[d], z = x - y; r[d] = z; lz(c, Cpu.F_SUB, x, y, z); } };
            case 6: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int[] r = c.r; int z = r[d] ^ y; r[d] = z; lzLogic(c, z); } };
            case 7: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int x = c.r[d]; lz(c, Cpu.F_SUB, x, y, x - y); } };
            default: return null;
        }
    }

    /** r[d] = r[d] op [mem]. */
    static Op rm(int op, int d, Addr a) {
        switch (op) {
            case 0: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int y = c.read32(a.lin(c, 4, false)); int x = c.r[d], z = x + y; c.r[d] = z; lz(c, Cpu.F_ADD, x, y, z); } };
            case 1: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int z = c.r[d] | c.read32(a.lin(c, 4, false)); c.r[d] = z; lzLogic(c, z); } };
            case 4: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int z = c.r[d] & c.read32(a.lin(c, 4, false)); c.r[d] = z; lzLogic(c, z); } };
            case 5: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int y = c.read32(a.lin(c, 4, false)); int x = c.r[d], z = x - y; c.r[d] = z; lz(c, Cpu.F_SUB, x, y, z); } };
            case 6: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int z = c.r[d] ^ c.read32(a.lin(c, 4, false)); c.r[d] = z; lzLogic(c, z); } };
            case 7: return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int y = c.read32(a.lin(c, 4, false)); int x = c.r[d]; lz(c, Cpu.F_SUB, x, y, x - y); } };
            default: return null;
        }
    }

    /** CMP [mem], r[s] and CMP [mem], imm. */
    static Op cmpMr(Addr a, int s) {
        return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int x = c.read32(a.lin(c, 4, false)), y = c.r[s]; lz(c, Cpu.F_SUB, x, y, x - y); } };
    }

    static Op cmpMi(Addr a, int y) {
        return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { int x = c.read32(a.lin(c, 4, false)); lz(c, Cpu.F_SUB, x, y, x - y); } };
    }
}
