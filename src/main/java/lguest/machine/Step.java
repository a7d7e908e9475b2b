package lguest.machine;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One instruction as the interpreter runs it: its Insn, its index in the block, and the
 * step after it. Each step runs its instruction and then calls the next step itself.
 */
abstract class Step {
    final Insn insn;
    final int slot;
    /** The next instruction of the block, or null for the last. */
    Step next;

    Step(Insn insn, int slot) {
        this.insn = insn;
        this.slot = slot;
    }

    /**
     * Runs this instruction and the rest of the block. A fault leaves this step's slot in
     * c.pos; so does a store into decoded code (c.brk), which stops the block after it.
     */
    abstract void run(Cpu c);

    /*X:145 The interpreter's dispatch. The obvious loop, "for each Insn, call its
     * semantics", funnels every instruction of every program through one call site, and
     * the processor must guess that call's target from nothing; measured here it ran at
     * half the speed of the old hand-specialised decoder. The cure is the old one of
     * threaded code (Bochs and most fast interpreters use it): each instruction calls its
     * successor itself, so the call that follows an ADD lives in ADD's own compiled code,
     * and "what comes after an ADD" is a question the branch predictor can learn.
     *
     * That needs a class per operation, and the table names methods, not classes; the
     * first answer was one hidden class per semantics method, all made from the bytes of
     * StepTemplate with the method as class data. It won back less than hoped, and the
     * reason is where HotSpot keeps what it learns. The profile of a branch (taken
     * always, never, or both) lives in the method that contains it, so the one Insn.a()
     * that serves ADD EAX,EBX and ADD [EBX+8],AL alike learned that every branch goes
     * both ways, and C2 compiled every path into every copy of ADD that inlined it. The
     * class of the step was distinct; the code it ran was shared.
     *
     * So now a step class is a copy of the *code*: for each table row and operand shape
     * (where operands a and b are, X:142, and the operand size) StepCopy (X:146) writes a
     * class whose run() is the semantics method's own bytecode, calling its own private
     * copies of the Insn helpers, with the shape's constants written in where the
     * bytecode asked the Insn for them. ADD EAX,EBX and ADD [EBX+8],AL now run
     * different code, each with its profile and its constant-folded helpers, which is
     * what the old decoder's hand-written class per form had, while the semantics is
     * still written once: the copy is made from the class file at run time, not by hand.
     * On bench-cpu (thread CPU time, a shared machine) this took the interpreter from
     * about 150 to 210 million instructions a second on SHA-256 and from 125 to 140 on
     * the branchy one (the translator's chapter ends with the whole table); the JVM
     * property lguest.interp.nocopy=true brings back the shared code for comparison.
     * The branchy one gains less because it is short: the copies are made by ASM while
     * ASM itself is still cold, and the first few dozen cost some 150 ms of a run of
     * 1.7 s. Run ten times as long, it goes from 145 to 186. A semantics that StepCopy
     * cannot copy faithfully still gets its class from StepTemplate. */
    private static final byte[] TEMPLATE = templateBytes();
    private static final Map<Shape, MethodHandle> MAKERS = new ConcurrentHashMap<>();

    /** The steps of a block, linked, or null for an empty block. */
    static Step chain(Insn[] insns) {
        Step first = null, last = null;
        for (int k = 0; k < insns.length; k++) {
            Step s = of(insns[k], k);
            if (last == null) first = s; else last.next = s;
            last = s;
        }
        return first;
    }

    private static Step of(Insn insn, int slot) {
        Semantics op = insn.form().op();
        if (!insn.form().has(Form.TABLE)) return new Generic(insn, slot);
        MethodHandle make = MAKERS.computeIfAbsent(new Shape(insn.form(), insn.ra(), insn.rb(), insn.size()), Step::maker);
        try {
            return (Step) make.invoke(insn, slot);
        } catch (Throwable t) {
            throw new IllegalStateException("no step for " + insn, t);
        }
    }

    /** What a copy is specialised for: the table row, where operands a and b are (any register alike), the operand size. */
    private record Shape(Form form, int a, int b, int size) {
        Shape {
            a = Math.min(a, 0);   // any register is the same shape
            b = Math.min(b, 0);
        }

        /** What every instruction of this shape has in common: its size, and ra or rb when they are not a register number. */
        Map<String, Integer> constants() {
            Map<String, Integer> k = new java.util.HashMap<>();
            k.put("size", size);
            k.put("form.a", form.a());
            k.put("form.b", form.b());
            k.put("form.c", form.c());
            k.put("form.cc", form.cc());
            k.put("form.traits", form.traits());
            if (a < 0) k.put("ra", a);
            if (b < 0) k.put("rb", b);
            return k;
        }
    }

    private static MethodHandle maker(Shape shape) {
        byte[] copy = COPIES ? StepCopy.of(shape.form().op(), shape.constants()) : null;
        try {
            if (copy != null) return constructor(MethodHandles.lookup().defineHiddenClass(copy, true));
        } catch (ReflectiveOperationException | LinkageError e) {
            // a copy the verifier refuses: the shared template below runs the same semantics
        }
        try {
            return constructor(MethodHandles.lookup().defineHiddenClassWithClassData(TEMPLATE, shape.form().op(), true));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MethodHandle constructor(MethodHandles.Lookup l) throws ReflectiveOperationException {
        return l.findConstructor(l.lookupClass(), MethodType.methodType(void.class, Insn.class, int.class))
                .asType(MethodType.methodType(Step.class, Insn.class, int.class));
    }

    private static final boolean COPIES = !Boolean.getBoolean("lguest.interp.nocopy") && CodeCache.available();   // the copies are made with ASM: without it, the template
    /*:*/

    private static byte[] templateBytes() {
        try (InputStream in = Step.class.getResourceAsStream("StepTemplate.class")) {
            return in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("StepTemplate.class not found", e);
        }
    }

    /** A step for an instruction whose semantics is not a table row's (the bridged ones). */
    private static final class Generic extends Step {
        Generic(Insn insn, int slot) { super(insn, slot); }

        @Override void run(Cpu c) {
            try {
                insn.form().op().exec(c, insn);
            } catch (CpuFault f) {
                c.pos = slot;
                throw f;
            }
            if (c.brk) { c.pos = slot; return; }
            Step s = next;
            if (s != null) s.run(c);
        }
    }
}
