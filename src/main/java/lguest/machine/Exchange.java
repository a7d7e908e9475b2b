package lguest.machine;

import static lguest.machine.Cpu.EAX;
import static lguest.machine.Cpu.EBX;
import static lguest.machine.Cpu.ECX;
import static lguest.machine.Cpu.EDX;

/** CMPXCHG, XADD and CMPXCHG8B: the read-modify-writes that locks and counters are made of. */
final class Exchange {
    private Exchange() { }

    /*X:235 CMPXCHG is the instruction a lock is built from: compare the accumulator with
     * the destination; if equal, store the source there and set ZF, else load the
     * destination into the accumulator and clear ZF. The flags are a CMP's. A memory
     * destination is written in both cases (with its own value when the comparison
     * fails), which is how the real part behaves under LOCK: the bus is held for a read
     * and a write either way, and a read-only page faults even when nothing would
     * change. XADD swaps and adds, the fetch-and-add of reference counts; CMPXCHG8B is
     * CMPXCHG for the 64 bits in EDX:EAX, with ECX:EBX to store, and sets ZF alone. */
    static void cmpxchg(Cpu c, Insn i) {
        int m = i.mask(), dst = i.aForUpdate(c);
        c.alu(7, c.r[EAX], dst, m);
        if (c.zf()) {
            i.putA(c, i.b(c));
        } else {
            i.putA(c, dst);
            c.setReg(i.size(), EAX, dst);
        }
    }

    static void xadd(Cpu c, Insn i) {
        int m = i.mask(), dst = i.aForUpdate(c), src = i.b(c);
        int sum = c.alu(0, dst, src, m);
        i.setB(c, dst);
        i.putA(c, sum);
    }

    static void cmpxchg8b(Cpu c, Insn i) {
        int l = i.lin(c, 8, true);
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
            c.r[EAX] = lo;
            c.r[EDX] = hi;
            c.flags &= ~Cpu.ZF;
        }
    }
    /*:*/
}
