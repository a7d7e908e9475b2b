package lguest.machine;

import static lguest.machine.Cpu.DS;
import static lguest.machine.Cpu.ECX;
import static lguest.machine.Cpu.EDI;
import static lguest.machine.Cpu.EDX;
import static lguest.machine.Cpu.ES;
import static lguest.machine.Cpu.ESI;
import static lguest.machine.Cpu.EAX;
import static lguest.machine.Form.BYTE;
import static lguest.machine.Form.row;

import java.util.List;

/** MOVS, STOS, LODS, CMPS, SCAS, INS and OUTS, with their REP prefixes. */
final class Strings {
    private Strings() { }

    /** Their rows of the one-byte map: a byte form, and a word or doubleword form (0x66). */
    static final List<Form> ROWS = List.of(
        row("6C", "INSB", Strings::ins, BYTE),    row("6D", "INSW/D", Strings::ins),
        row("6E", "OUTSB", Strings::outs, BYTE),  row("6F", "OUTSW/D", Strings::outs),
        row("A4", "MOVSB", Strings::movs, BYTE),  row("A5", "MOVSW/D", Strings::movs),
        row("A6", "CMPSB", Strings::cmps, BYTE),  row("A7", "CMPSW/D", Strings::cmps),
        row("AA", "STOSB", Strings::stos, BYTE),  row("AB", "STOSW/D", Strings::stos),
        row("AC", "LODSB", Strings::lods, BYTE),  row("AD", "LODSW/D", Strings::lods),
        row("AE", "SCASB", Strings::scas, BYTE),  row("AF", "SCASW/D", Strings::scas));

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

    /*X:255 What the address-size prefix 0x67 changes, all of it. In a 32-bit code
     * segment it asks for the 8086's addressing for one instruction: every offset the
     * instruction forms is 16 bits wide and wraps at 64 KiB. For a ModRM operand that
     * means the eight fixed sums of X:128; for the moffs forms of MOV (A0-A3) a 16-bit
     * offset in the instruction; for XLAT, BX + AL. The string instructions walk SI and
     * DI instead of ESI and EDI and count in CX instead of ECX, and LOOP and JCXZ count in
     * CX (X:170): the upper halves take no part and do not change, and a pointer that
     * steps past 0xFFFF wraps to 0. What it leaves alone is as telling: how wide the
     * operands are (that is 0x66's business), where a jump goes, and the stack, whose
     * width the stack segment's descriptor decides. No compiler emits 0x67 in 32-bit code,
     * but 16-bit code run in a 32-bit segment does, and so does a test suite that wants
     * to know whether an emulator read the manual. Here it costs three helpers, the only
     * places the string instructions read or move their registers (the bulk copies above
     * know nothing of wrapping, so they are for 32-bit addresses only). */
    private static int index(Cpu c, Insn i, int n) {
        return i.asize() == 4 ? c.r[n] : c.r[n] & 0xFFFF;
    }

    private static void advance(Cpu c, Insn i, int n, int by) {
        if (i.asize() == 4) c.r[n] += by;
        else c.setReg(2, n, c.r[n] + by);
    }

    private static int count(Cpu c, Insn i) { return index(c, i, ECX); }
    /*:*/

    private static int lin(Cpu c, int s, int ea, int sz, boolean write) {
        if (c.segChk[s]) c.segCheck(s, ea, sz, write);
        return c.segBase[s] + ea;
    }

    private static int step(Cpu c, int sz) { return (c.flags & Cpu.DF) != 0 ? -sz : sz; }

    /** One element of MOVS: [seg:SI] to [ES:DI] (DS unless overridden). */
    private static void movsOne(Cpu c, Insn i) {
        int sz = i.size(), v = c.rd(lin(c, i.segOr(DS), index(c, i, ESI), sz, false), sz);
        c.wr(lin(c, ES, index(c, i, EDI), sz, true), sz, v);
        int d = step(c, sz);
        advance(c, i, ESI, d);
        advance(c, i, EDI, d);
    }

    private static void stosOne(Cpu c, Insn i) {
        int sz = i.size();
        c.wr(lin(c, ES, index(c, i, EDI), sz, true), sz, c.r[EAX]);
        advance(c, i, EDI, step(c, sz));
    }

    private static void lodsOne(Cpu c, Insn i) {
        int sz = i.size();
        c.setReg(sz, EAX, c.rd(lin(c, i.segOr(DS), index(c, i, ESI), sz, false), sz));
        advance(c, i, ESI, step(c, sz));
    }

    /** One element of INS: port DX to ES:DI, after the same permission check as IN. */
    private static void insOne(Cpu c, Insn i) {
        int sz = i.size(), port = c.r[EDX] & 0xFFFF;
        c.checkIo(port, sz);
        int l = lin(c, ES, index(c, i, EDI), sz, true);
        c.probeWrite(c.cpl == 3 ? 1 : 0, l, sz);
        c.wr(l, sz, c.io.in(port, sz));
        advance(c, i, EDI, step(c, sz));
    }

    /** One element of OUTS: seg:SI to port DX. */
    private static void outsOne(Cpu c, Insn i) {
        int sz = i.size(), port = c.r[EDX] & 0xFFFF;
        c.checkIo(port, sz);
        c.io.out(port, sz, c.rd(lin(c, i.segOr(DS), index(c, i, ESI), sz, false), sz));
        advance(c, i, ESI, step(c, sz));
    }

    private static void cmpsOne(Cpu c, Insn i) {
        int sz = i.size();
        int a = c.rd(lin(c, i.segOr(DS), index(c, i, ESI), sz, false), sz);
        int b = c.rd(lin(c, ES, index(c, i, EDI), sz, false), sz);
        c.alu(7, a, b, Cpu.mask(sz));
        int d = step(c, sz);
        advance(c, i, ESI, d);
        advance(c, i, EDI, d);
    }

    private static void scasOne(Cpu c, Insn i) {
        int sz = i.size();
        c.alu(7, c.r[EAX], c.rd(lin(c, ES, index(c, i, EDI), sz, false), sz), Cpu.mask(sz));
        advance(c, i, EDI, step(c, sz));
    }

    static void movs(Cpu c, Insn i) {
        if (i.rep() == 0) { movsOne(c, i); return; }
        while (count(c, i) != 0) {
            if (i.asize() == 4 && !stepping(c) && bulkMovs(c, i.size(), i.segOr(DS))) continue;
            movsOne(c, i);
            advance(c, i, ECX, -1);
            if (pause(c, i)) return;
        }
    }

    static void stos(Cpu c, Insn i) {
        if (i.rep() == 0) { stosOne(c, i); return; }
        while (count(c, i) != 0) {
            if (i.asize() == 4 && !stepping(c) && bulkStos(c, i.size())) continue;
            stosOne(c, i);
            advance(c, i, ECX, -1);
            if (pause(c, i)) return;
        }
    }

    /*X:256 Single-stepping a REP. With TF set (X:520), the processor takes its debug
     * trap after every iteration of a repeated string instruction, not after the whole
     * of it: EIP still points at the REP, ECX says how many are left, and returning from
     * the trap carries on with the next one. A debugger stepping over "rep movsb" with
     * ECX = 3 therefore stops three times at the same address before it moves on; QEMU's
     * test-i386 counts them. So while TF is set the REP loops (movs and stos above,
     * repeat and repeatWhile below) do one element, and if the instruction is not
     * finished (elements left, and for REPE/REPNE the comparison still as required)
     * point EIP back at it. */
    private static boolean stepping(Cpu c) { return (c.flags & Cpu.TF) != 0; }

    /** Under single-step, after one iteration: true (and EIP back on the instruction) if more are left. */
    private static boolean pause(Cpu c, Insn i) {
        if (!stepping(c) || count(c, i) == 0) return false;
        c.eip = i.eip();
        return true;
    }
    /*:*/

    static void lods(Cpu c, Insn i) { repeat(c, i, Strings::lodsOne); }

    static void ins(Cpu c, Insn i) { repeat(c, i, Strings::insOne); }

    static void outs(Cpu c, Insn i) { repeat(c, i, Strings::outsOne); }

    static void cmps(Cpu c, Insn i) { repeatWhile(c, i, Strings::cmpsOne); }

    static void scas(Cpu c, Insn i) { repeatWhile(c, i, Strings::scasOne); }

    /** Once, or with REP as many times as the count says; it counts down as it goes, so a
     *  fault in the middle restarts the instruction with the elements still to do. */
    private static void repeat(Cpu c, Insn i, Semantics one) {
        if (i.rep() == 0) { one.exec(c, i); return; }
        while (count(c, i) != 0) {
            one.exec(c, i);
            advance(c, i, ECX, -1);
            if (pause(c, i)) return;
        }
    }

    /** REPE (F3) and REPNE (F2): as REP, but also stop when ZF says the comparison failed. */
    private static void repeatWhile(Cpu c, Insn i, Semantics one) {
        if (i.rep() == 0) { one.exec(c, i); return; }
        boolean whileEqual = i.rep() == 0xF3;
        while (count(c, i) != 0) {
            one.exec(c, i);
            advance(c, i, ECX, -1);
            if (c.zf() != whileEqual || pause(c, i)) break;
        }
    }
}
