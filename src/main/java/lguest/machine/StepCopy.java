package lguest.machine;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The bytes of a Step class whose run() is a copy of one semantics method's own bytecode,
 * with its own copies of the Insn operand helpers and of the owner's private methods it
 * calls (see X:146). Returns null for a method it cannot copy faithfully (one that uses
 * invokedynamic or a private field); the caller then falls back on StepTemplate.
 */
final class StepCopy implements Opcodes {
    private static final String STEP = Type.getInternalName(Step.class);
    private static final String INSN = Type.getInternalName(Insn.class);
    private static final String CPU = Type.getInternalName(Cpu.class);
    private static final String FORM = Type.getInternalName(Form.class);

    /** A method to copy, by owner class, name and descriptor (Insn's instance methods are copied as static ones). */
    private record Source(String owner, String name, String desc) { }

    private final ClassWriter cw;
    /** The copy's name, after the method it copies (the JVM appends a suffix of its own). */
    private String name;
    /** Methods copied or queued, by owner.name.desc, with the name of the copy. */
    private final Map<String, String> copies = new HashMap<>();
    private final ArrayDeque<Source> queue = new ArrayDeque<>();
    private boolean failed;

    /** The Insn components that are the same for every instruction this copy will run, by accessor name. */
    private final Map<String, Integer> constants;

    private StepCopy(Map<String, Integer> constants) {
        this.constants = constants;
        cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override protected String getCommonSuperClass(String a, String b) { return commonSuper(a, b); }
        };
    }

    /** The class bytes for op, or null if op is not a method reference that can be copied. */
    static byte[] of(Semantics op, Map<String, Integer> constants) {
        SerializedLambda target = target(op);
        if (target == null || target.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic) return null;
        try {
            return new StepCopy(constants).build(target.getImplClass(), target.getImplMethodName(), target.getImplMethodSignature());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The method a lambda made from a method reference calls (Semantics is Serializable for this). */
    private static SerializedLambda target(Semantics op) {
        try {
            Method m = op.getClass().getDeclaredMethod("writeReplace");
            m.setAccessible(true);
            return m.invoke(op) instanceof SerializedLambda s ? s : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private byte[] build(String owner, String name, String desc) {
        if (!desc.equals("(L" + CPU + ";L" + INSN + ";)V")) return null;
        this.name = "lguest/machine/" + owner.substring(owner.lastIndexOf('/') + 1) + "$" + name;
        cw.visit(V17, ACC_FINAL | ACC_SUPER, this.name, null, STEP, null);
        MethodVisitor init = cw.visitMethod(0, "<init>", "(L" + INSN + ";I)V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitVarInsn(ALOAD, 1);
        init.visitVarInsn(ILOAD, 2);
        init.visitMethodInsn(INVOKESPECIAL, STEP, "<init>", "(L" + INSN + ";I)V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        // run(Cpu c): this = 0, c = 1; the body's (c, i) = (0, 1) become (1, 2), its other locals move up one
        MethodVisitor run = cw.visitMethod(0, "run", "(L" + CPU + ";)V", null, null);
        run.visitCode();
        run.visitVarInsn(ALOAD, 0);
        run.visitFieldInsn(GETFIELD, STEP, "insn", "L" + INSN + ";");
        run.visitVarInsn(ASTORE, 2);
        copy(owner, name, desc, new Rewriter(run, 1));   // and the tail that calls the next step
        while (!failed && !queue.isEmpty()) {
            Source s = queue.poll();
            String copyDesc = s.owner.equals(INSN) ? "(L" + INSN + ";" + s.desc.substring(1) : s.desc;
            MethodVisitor mv = cw.visitMethod(ACC_STATIC | ACC_PRIVATE, copies.get(key(s)), copyDesc, null, null);
            copy(s.owner, s.name, s.desc, new Rewriter(mv, 0));
        }
        cw.visitEnd();
        return failed ? null : cw.toByteArray();
    }

    private static String key(Source s) { return s.owner + "." + s.name + s.desc; }

    /** Feeds the code of owner.name (desc) into mv. */
    private void copy(String owner, String name, String desc, MethodVisitor mv) {
        boolean[] found = {false};
        file(owner).reader.accept(new ClassVisitor(ASM9) {
            @Override public MethodVisitor visitMethod(int access, String n, String d, String sig, String[] ex) {
                if (!n.equals(name) || !d.equals(desc)) return null;
                found[0] = true;
                return mv;
            }
        }, ClassReader.SKIP_FRAMES);
        if (!found[0]) failed = true;
    }

    /** A class file read once: its reader, and its private members ("name" for fields, "name desc" for methods). */
    private record ClassFile(ClassReader reader, Set<String> privates) { }

    private static final Map<String, ClassFile> FILES = new ConcurrentHashMap<>();
    private static final Set<String> ACCESSORS = new HashSet<>();
    static {
        for (var c : Insn.class.getRecordComponents()) ACCESSORS.add(c.getName());
    }

    private static ClassFile file(String owner) { return FILES.computeIfAbsent(owner, StepCopy::read); }

    private static ClassFile read(String owner) {
        byte[] bytes;
        try (InputStream in = Step.class.getResourceAsStream("/" + owner + ".class")) {
            if (in == null) throw new IllegalStateException("no class file for " + owner);
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ClassReader r = new ClassReader(bytes);
        Set<String> privates = new HashSet<>();
        r.accept(new ClassVisitor(ASM9) {
            @Override public FieldVisitor visitField(int access, String n, String d, String sig, Object v) {
                if ((access & ACC_PRIVATE) != 0) privates.add(n);
                return null;
            }

            @Override public MethodVisitor visitMethod(int access, String n, String d, String sig, String[] ex) {
                if ((access & ACC_PRIVATE) != 0) privates.add(n + " " + d);
                return null;
            }
        }, ClassReader.SKIP_CODE);
        return new ClassFile(r, privates);
    }

    /** The name of the copy of owner.name (queued the first time), or null to leave the call alone. */
    private String copyOf(String owner, String name, String desc, int opcode) {
        boolean insnHelper = owner.equals(INSN) && opcode == INVOKEVIRTUAL && !ACCESSORS.contains(name);
        boolean isPrivate = isPrivate(owner, name + " " + desc);
        if (!insnHelper && !(opcode == INVOKESTATIC && isPrivate)) {
            if (isPrivate) failed = true;
            return null;
        }
        Source s = new Source(owner, name, desc);
        return copies.computeIfAbsent(key(s), k -> {
            queue.add(s);
            return name + "$" + copies.size();
        });
    }

    /** Whether a member of one of our own classes is private (a method by "name desc", a field by name). */
    private static boolean isPrivate(String owner, String member) {
        return owner.startsWith("lguest/") && file(owner).privates.contains(member);
    }

    private static String commonSuper(String a, String b) {
        if (a.equals(b)) return a;
        try {
            ClassLoader l = Step.class.getClassLoader();
            Class<?> x = Class.forName(a.replace('/', '.'), false, l), y = Class.forName(b.replace('/', '.'), false, l);
            if (x.isAssignableFrom(y)) return a;
            if (y.isAssignableFrom(x)) return b;
            if (x.isInterface() || y.isInterface()) return "java/lang/Object";
            do x = x.getSuperclass(); while (!x.isAssignableFrom(y));
            return Type.getInternalName(x);
        } catch (ClassNotFoundException e) {
            return "java/lang/Object";
        }
    }

    /**
     * Copies one method's code, moving its locals up by shift (the body of run() has
     * `this` below them), sending calls of Insn's helpers and of private methods to their
     * copies, and turning reads of Insn's private fields into calls of its accessors.
     */
    private final class Rewriter extends MethodVisitor {
        private final int shift;
        private final MethodVisitor out;

        Rewriter(MethodVisitor out, int shift) {
            super(ASM9, out);
            this.out = out;
            this.shift = shift;
        }

        private final Label start = new Label(), end = new Label(), handler = new Label();
        private boolean opened;
        /** The last instruction copied was Insn.form(): an accessor of Form called now reads the instruction's own row. */
        private boolean afterForm;

        /** In run(), the body is one try range, opened after the body's own handlers so that theirs come first. */
        private void open() {
            afterForm = false;
            if (opened || shift == 0) return;
            opened = true;
            out.visitTryCatchBlock(start, end, handler, Type.getInternalName(CpuFault.class));
            out.visitLabel(start);
        }

        @Override public void visitLabel(Label l) { open(); super.visitLabel(l); }

        @Override public void visitInsn(int opcode) {
            open();
            if (opcode == RETURN && shift != 0) super.visitJumpInsn(GOTO, end);
            else super.visitInsn(opcode);
        }

        @Override public void visitIntInsn(int opcode, int operand) { open(); super.visitIntInsn(opcode, operand); }

        @Override public void visitTypeInsn(int opcode, String type) { open(); super.visitTypeInsn(opcode, type); }

        @Override public void visitJumpInsn(int opcode, Label l) { open(); super.visitJumpInsn(opcode, l); }

        @Override public void visitLdcInsn(Object v) { open(); super.visitLdcInsn(v); }

        @Override public void visitTableSwitchInsn(int min, int max, Label d, Label... ls) { open(); super.visitTableSwitchInsn(min, max, d, ls); }

        @Override public void visitLookupSwitchInsn(Label d, int[] keys, Label[] ls) { open(); super.visitLookupSwitchInsn(d, keys, ls); }

        @Override public void visitMultiANewArrayInsn(String d, int dims) { open(); super.visitMultiANewArrayInsn(d, dims); }

        /** The end of run(): a fault notes this step's slot; else, unless c.brk, the next step runs. */
        @Override public void visitMaxs(int maxStack, int maxLocals) {
            if (shift != 0) {
                Label last = new Label();
                out.visitLabel(end);
                out.visitVarInsn(ALOAD, 1);
                out.visitFieldInsn(GETFIELD, CPU, "brk", "Z");
                Label go = new Label();
                out.visitJumpInsn(IFEQ, go);
                slotToPos();
                out.visitInsn(RETURN);
                out.visitLabel(go);
                out.visitVarInsn(ALOAD, 0);
                out.visitFieldInsn(GETFIELD, STEP, "next", "L" + STEP + ";");
                out.visitInsn(DUP);
                out.visitJumpInsn(IFNULL, last);
                out.visitVarInsn(ALOAD, 1);
                out.visitMethodInsn(INVOKEVIRTUAL, STEP, "run", "(L" + CPU + ";)V", false);
                out.visitInsn(RETURN);
                out.visitLabel(last);
                out.visitInsn(POP);
                out.visitInsn(RETURN);
                out.visitLabel(handler);
                slotToPos();
                out.visitInsn(ATHROW);
            }
            super.visitMaxs(maxStack, maxLocals);
        }

        private void slotToPos() {
            out.visitVarInsn(ALOAD, 1);
            out.visitVarInsn(ALOAD, 0);
            out.visitFieldInsn(GETFIELD, STEP, "slot", "I");
            out.visitFieldInsn(PUTFIELD, CPU, "pos", "I");
        }

        @Override public void visitVarInsn(int opcode, int var) { open(); super.visitVarInsn(opcode, var + shift); }

        @Override public void visitIincInsn(int var, int increment) { open(); super.visitIincInsn(var + shift, increment); }

        @Override public void visitLocalVariable(String n, String d, String s, Label a, Label b, int index) { }

        @Override public void visitFrame(int type, int nLocal, Object[] local, int nStack, Object[] stack) { }

        /*X:146 How a semantics method is copied. The Semantics in a table row is a
         * lambda, and a lambda does not say which method it calls; declaring Semantics
         * Serializable makes the compiler give every method reference a writeReplace that
         * does (its SerializedLambda names the class and method), which is the one
         * supported way to ask. The rest is class-file surgery with ASM, the library the
         * translator uses already: read the method from its own class file, move its
         * locals up by one (run() is an instance method, so `this` sits below the Cpu),
         * and turn each `return` into a jump to a tail that checks c.brk and calls the
         * next step, with one handler round the whole body that notes the step's slot in
         * c.pos when a fault passes (X:150).
         *
         * Calls of Insn's helpers go to static copies in the new class, copied the same
         * way, and so do calls of the semantics class's own private methods: the hidden
         * class is not in that class's nest, and may not call them where they are. Insn's
         * fields are private to the record, so a copied helper that reads one calls the
         * accessor instead, which HotSpot inlines into the same load. And wherever the code
         * asks for something the shape fixes (the size, the row's operand kinds and
         * condition, ra or rb when they are not a register number) the question is replaced
         * by its answer: in the copy for ADD with a doubleword in memory, the `size == 4`
         * of mask() and the `ra == MEMORY` of putA() are settled before the JVM ever
         * reads the bytecode. What cannot be copied faithfully, a read of another class's
         * private field or an invokedynamic other than string concatenation, makes
         * StepCopy give up, and that row keeps the shared StepTemplate. */
        @Override public void visitFieldInsn(int opcode, String owner, String name, String desc) {
            open();
            if (owner.equals(INSN) && opcode == GETFIELD) {
                visitMethodInsn(INVOKEVIRTUAL, INSN, name, "()" + desc, false);
                return;
            }
            if (isPrivate(owner, name)) failed = true;
            super.visitFieldInsn(opcode, owner, name, desc);
        }

        @Override public void visitMethodInsn(int opcode, String owner, String name, String desc, boolean itf) {
            boolean ofForm = afterForm;
            open();
            afterForm = owner.equals(INSN) && name.equals("form");
            Integer k = opcode != INVOKEVIRTUAL || !desc.equals("()I") ? null
                    : owner.equals(INSN) ? constants.get(name)
                    : owner.equals(FORM) && ofForm ? constants.get("form." + name) : null;
            if (k != null) {   // the shape's constant in place of the accessor
                super.visitInsn(POP);
                super.visitLdcInsn(k);
                return;
            }
            String copy = copyOf(owner, name, desc, opcode);
            if (copy == null) super.visitMethodInsn(opcode, owner, name, desc, itf);
            else {
                String d = opcode == INVOKEVIRTUAL ? "(L" + INSN + ";" + desc.substring(1) : desc;
                super.visitMethodInsn(INVOKESTATIC, StepCopy.this.name, copy, d, false);
            }
        }
        /*:*/

        @Override public void visitInvokeDynamicInsn(String n, String d, Handle bsm, Object... args) {
            open();
            if (!bsm.getOwner().equals("java/lang/invoke/StringConcatFactory")) failed = true;
            super.visitInvokeDynamicInsn(n, d, bsm, args);
        }

        @Override public void visitEnd() {
            out.visitEnd();
        }
    }
}
