package lguest.machine;

import static lguest.machine.Cpu.EAX;

/** IN and OUT: the port is an immediate byte or DX, checked against IOPL and the TSS bitmap. */
final class InOut {
    private InOut() { }

    /** IN AL/eAX, Ib or DX. */
    static void in(Cpu c, Insn i) {
        int sz = i.size(), port = i.b(c) & (Operand.kind(i.form().b()) == Operand.I ? 0xFF : 0xFFFF);
        c.checkIo(port, sz);
        c.setReg(sz, EAX, c.io.in(port, sz));
    }

    /** OUT Ib or DX, AL/eAX. */
    static void out(Cpu c, Insn i) {
        int sz = i.size(), port = i.a(c) & (Operand.kind(i.form().a()) == Operand.I ? 0xFF : 0xFFFF);
        c.checkIo(port, sz);
        c.io.out(port, sz, c.getReg(sz, EAX));
    }
}
