package lguest.machine;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
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
    static final String NAME = "lguest/machine/StepCopy$Run";

    /** A method to copy, by owner class, name and descriptor (Insn's instance methods are copied as static ones). */
    private record Source(String owner, String name, String desc) { }

    private final ClassWriter cw;
    /** Methods copied or queued, by owner.name.desc, with the name of the copy. */
    private final Map<String, String> copies = new HashMap<>();
    private final ArrayDeque<Source> queue = new ArrayDeque<>();
    private boolean failed;

    private StepCopy() {
        cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override protected String getCommonSuperClass(String a, String b) { return commonSuper(a, b); }
        };
    }

    /** The class bytes for op, or null if op is not a method reference that can be copied. */
    static byte[] of(Semantics op) {
        SerializedLambda target = target(op);
        if (target == null || target.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic) return null;
        try {
            return new StepCopy().build(target.getImplClass(), target.getImplMethodName(), target.getImplMethodSignature());
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
        cw.visit(V17, ACC_FINAL | ACC_SUPER, NAME, null, STEP, null);
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
        copy(owner, name, desc, new Rewriter(run, 1));
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
        ClassReader r = new ClassReader(bytes(owner));
        boolean[] found = {false};
        r.accept(new ClassVisitor(ASM9) {
            @Override public MethodVisitor visitMethod(int access, String n, String d, String sig, String[] ex) {
                if (!n.equals(name) || !d.equals(desc)) return null;
                found[0] = true;
                return mv;
            }
        }, ClassReader.SKIP_FRAMES);
        if (!found[0]) failed = true;
    }

    private static byte[] bytes(String internalName) {
        String file = internalName.substring(internalName.lastIndexOf('/') + 1) + ".class";
        try (InputStream in = Step.class.getResourceAsStream(file)) {
            if (in == null) throw new IllegalStateException("no class file for " + internalName);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The name of the copy of owner.name (queued the first time), or null to leave the call alone. */
    private String copyOf(String owner, String name, String desc, int opcode) {
        boolean insnHelper = owner.equals(INSN) && opcode == INVOKEVIRTUAL && !isAccessor(name, desc);
        boolean privateStatic = opcode == INVOKESTATIC && isPrivate(owner, name, desc);
        if (!insnHelper && !privateStatic) {
            if (isPrivate(owner, name, desc)) failed = true;
            return null;
        }
        Source s = new Source(owner, name, desc);
        return copies.computeIfAbsent(key(s), k -> {
            queue.add(s);
            return name + "$" + copies.size();
        });
    }

    private static boolean isAccessor(String name, String desc) {
        if (!desc.startsWith("()")) return false;
        for (var c : Insn.class.getRecordComponents()) if (c.getName().equals(name)) return true;
        return false;
    }

    private static boolean isPrivate(String owner, String name, String desc) {
        if (!owner.startsWith("lguest/machine/")) return false;
        try {
            Class<?> k = Class.forName(owner.replace('/', '.'), false, Step.class.getClassLoader());
            for (Method m : k.getDeclaredMethods())
                if (m.getName().equals(name) && Type.getMethodDescriptor(m).equals(desc)) return Modifier.isPrivate(m.getModifiers());
            return false;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static boolean isPrivateField(String owner, String name) {
        if (!owner.startsWith("lguest/machine/")) return false;
        try {
            Class<?> k = Class.forName(owner.replace('/', '.'), false, Step.class.getClassLoader());
            return Modifier.isPrivate(k.getDeclaredField(name).getModifiers());
        } catch (ReflectiveOperationException e) {
            return false;
        }
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

        @Override public void visitVarInsn(int opcode, int var) { super.visitVarInsn(opcode, var + shift); }

        @Override public void visitIincInsn(int var, int increment) { super.visitIincInsn(var + shift, increment); }

        @Override public void visitLocalVariable(String n, String d, String s, Label a, Label b, int index) { }

        @Override public void visitFrame(int type, int nLocal, Object[] local, int nStack, Object[] stack) { }

        @Override public void visitFieldInsn(int opcode, String owner, String name, String desc) {
            if (owner.equals(INSN) && opcode == GETFIELD) {
                super.visitMethodInsn(INVOKEVIRTUAL, INSN, name, "()" + desc, false);
                return;
            }
            if (isPrivateField(owner, name)) failed = true;
            super.visitFieldInsn(opcode, owner, name, desc);
        }

        @Override public void visitMethodInsn(int opcode, String owner, String name, String desc, boolean itf) {
            String copy = copyOf(owner, name, desc, opcode);
            if (copy == null) super.visitMethodInsn(opcode, owner, name, desc, itf);
            else {
                String d = opcode == INVOKEVIRTUAL ? "(L" + INSN + ";" + desc.substring(1) : desc;
                super.visitMethodInsn(INVOKESTATIC, NAME, copy, d, false);
            }
        }

        @Override public void visitInvokeDynamicInsn(String n, String d, Handle bsm, Object... args) {
            if (!bsm.getOwner().equals("java/lang/invoke/StringConcatFactory")) failed = true;
            super.visitInvokeDynamicInsn(n, d, bsm, args);
        }

        @Override public void visitEnd() {
            out.visitEnd();
        }
    }
}
