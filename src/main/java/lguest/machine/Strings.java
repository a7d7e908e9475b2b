package lguest.machine;

import static lguest.machine.Cpu.ECX;
import static lguest.machine.Cpu.EDI;
import static lguest.machine.Cpu.ES;
import static lguest.machine.Cpu.ESI;
import static lguest.machine.Cpu.EAX;

/** MOVS, STOS, LODS, CMPS, SCAS with their REP prefixes. */
final class Strings {
    private Strings() { }

    /*X:250 A REP MOVS is one instruction however long it runs, and it is what memcpy
     * and the kernel's page copies are made of, so doing it one element at a time would
     * spend a million loop trips on a 4 MiB copy. Instead, while the direction flag is
     * clear, we take the largest run that stays inside one source page and one
     * destination page, translate each page once, and hand the run to System.arraycopy
     * (or Arrays.fill for STOS). Registers are brought up to date after every run, so a
     * page fault on the next page finds ESI, EDI and ECX exactly where a real CPU would
     * leave them, and the instruction restarts from there. Overlapping copies where the
     * destination is just ahead of the source (the byte-smearing trick) must not be a
     * memmove, so they keep the element-by-element path, as do pages holding code. */
    static boolean bulkMovs(Cpu c, int sz, int s) {
        if ((c.flags & Cpu.DF) != 0 || c.segChk[s] || c.segChk[ES]) return false;
        int si = c.r[ESI], di = c.r[EDI];
        int src = c.segBase[s] + si, dst = c.segBase[ES] + di;
        int room = Math.min(4096 - (src & 0xFFF), 4096 - (dst & 0xFFF)) / sz;
        int n = (int) Math.min(Integer.toUnsignedLong(c.r[ECX]), room);
        if (n < 2) return false;
        Page sp = c.pageFor(src, false), dp = c.pageFor(dst, true);
        if (sp == null || dp == null || dp.blocks != null) return false;
        int so = src & 0xFFF, dO = dst & 0xFFF, bytes = n * sz;
        if (sp == dp && dO > so && dO < so + bytes) return false;
        System.arraycopy(sp.data, so, dp.data, dO, bytes);
        c.r[ESI] = si + bytes; c.r[EDI] = di + bytes; c.r[ECX] -= n;
        return true;
    }
    /*:*/

    static boolean bulkStos(Cpu c, int sz) {
        if ((c.flags & Cpu.DF) != 0 || c.segChk[ES]) return false;
        int di = c.r[EDI], dst = c.segBase[ES] + di;
        int n = (int) Math.min(Integer.toUnsignedLong(c.r[ECX]), (4096 - (dst & 0xFFF)) / sz);
        if (n < 2) return false;
        Page dp = c.pageFor(dst, true);
        if (dp == null || dp.blocks != null) return false;
        int o = dst & 0xFFF, v = c.r[EAX];
        if (sz == 1) java.util.Arrays.fill(dp.data, o, o + n, (byte) v);
        else if (sz == 2) for (int k = 0; k < n; k++) Cpu.I16.set(dp.data, o + 2 * k, (short) v);
        else for (int k = 0; k < n; k++) Cpu.I32.set(dp.data, o + 4 * k, v);
        c.r[EDI] = di + n * sz; c.r[ECX] -= n;
        return true;
    }

    private static int lin(Cpu c, int s, int ea, int sz, boolean write) {
        if (c.segChk[s]) c.segCheck(s, ea, sz, write);
        return c.segBase[s] + ea;
    }

    private static int step(Cpu c, int sz) { return (c.flags & Cpu.DF) != 0 ? -sz : sz; }

    private static void movsOne(Cpu c, int sz, int s) {
        int si = c.r[ESI], di = c.r[EDI];
        int v = c.rd(lin(c, s, si, sz, false), sz);
        c.wr(lin(c, ES, di, sz, true), sz, v);
        int d = step(c, sz);
        c.r[ESI] = si + d; c.r[EDI] = di + d;
    }

    private static void stosOne(Cpu c, int sz) {
        int di = c.r[EDI];
        c.wr(lin(c, ES, di, sz, true), sz, c.r[EAX]);
        c.r[EDI] = di + step(c, sz);
    }

    static Op movs(int sz, int rep, int s) {
        if (rep == 0) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { movsOne(c, sz, s); } };
        return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
            while (c.r[ECX] != 0) {
                if (bulkMovs(c, sz, s)) continue;
                movsOne(c, sz, s);
                c.r[ECX]--;
            }
        } };
    }

    static Op stos(int sz, int rep) {
        if (rep == 0) return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { stosOne(c, sz); } };
        return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
            while (c.r[ECX] != 0) {
                if (bulkStos(c, sz)) continue;
                stosOne(c, sz);
                c.r[ECX]--;
            }
        } };
    }

    static Op lods(int sz, int rep, int s) {
        Op one = new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
            int si = c.r[ESI];
            c.setReg(sz, EAX, c.rd(lin(c, s, si, sz, false), sz));
            c.r[ESI] = si + step(c, sz);
        } };
        return rep == 0 ? one : repeat(one);
    }

    /** INS: port DX to ES:EDI, after the same permission check as IN. */
    static Op ins(int sz, int rep) {
        Op one = new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
            int port = c.r[Cpu.EDX] & 0xFFFF, di = c.r[EDI];
            c.checkIo(port, sz);
            int l = lin(c, ES, di, sz, true);
            c.probeWrite(c.cpl == 3 ? 1 : 0, l, sz);
            c.wr(l, sz, c.io.in(port, sz));
            c.r[EDI] = di + step(c, sz);
        } };
        return rep == 0 ? one : repeat(one);
    }

    /** OUTS: DS:ESI (or an override) to port DX. */
    static Op outs(int sz, int rep, int s) {
        Op one = new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
            int port = c.r[Cpu.EDX] & 0xFFFF, si = c.r[ESI];
            c.checkIo(port, sz);
            int v = c.rd(lin(c, s, si, sz, false), sz);
            c.io.out(port, sz, v);
            c.r[ESI] = si + step(c, sz);
        } };
        return rep == 0 ? one : repeat(one);
    }

    static Op cmps(int sz, int rep, int s) {
        int m = Cpu.mask(sz);
        Op one = new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
            int si = c.r[ESI], di = c.r[EDI];
            int a = c.rd(lin(c, s, si, sz, false), sz), b = c.rd(lin(c, ES, di, sz, false), sz);
            c.alu(7, a, b, m);
            int d = step(c, sz);
            c.r[ESI] = si + d; c.r[EDI] = di + d;
        } };
        return rep == 0 ? one : repeatWhile(one, rep == 0xF3);
    }

    static Op scas(int sz, int rep) {
        int m = Cpu.mask(sz);
        Op one = new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
            int di = c.r[EDI];
            c.alu(7, c.r[EAX], c.rd(lin(c, ES, di, sz, false), sz), m);
            c.r[EDI] = di + step(c, sz);
        } };
        return rep == 0 ? one : repeatWhile(one, rep == 0xF3);
    }

    /** REP: run one element ECX times (ECX counts down, so a fault restarts correctly). */
    private static Op repeat(Op one) {
        return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) { while (c.r[ECX] != 0) { one.exec(c); c.r[ECX]--; } } };
    }

    /** REPE (whileEqual) and REPNE: as REP, but also stop when ZF says the comparison failed. */
    private static Op repeatWhile(Op one, boolean whileEqual) {
        return new Op() { @Override void run(Cpu c) { try { exec(c); } catch (CpuFault f) { c.pos = slot; throw f; } if (c.brk) { c.pos = slot; return; } Op s$ = successor; if (s$ != null) s$.run(c); } @Override void exec(Cpu c) {
            while (c.r[ECX] != 0) {
                one.exec(c);
                c.r[ECX]--;
                if (c.zf() != whileEqual) break;
            }
        } };
    }
}
