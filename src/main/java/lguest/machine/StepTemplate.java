package lguest.machine;

import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;

/**
 * The bytes from which Step makes a hidden class for a semantics method that StepCopy
 * cannot copy (see X:145), one per method and shared by all its rows and shapes. It is
 * never loaded under this name: each copy finds its own operation in its class data.
 */
final class StepTemplate extends Step {
    private static final Semantics OP = operation();

    StepTemplate(Insn insn, int slot) { super(insn, slot); }

    @Override void run(Cpu c) {
        try {
            OP.exec(c, insn);
        } catch (CpuFault f) {
            c.pos = slot;
            throw f;
        }
        if (c.brk) { c.pos = slot; return; }
        Step s = next;
        if (s != null) s.run(c);
    }

    private static Semantics operation() {
        try {
            return MethodHandles.classData(MethodHandles.lookup(), ConstantDescs.DEFAULT_NAME, Semantics.class);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
