package lguest.machine;

import static org.objectweb.asm.Opcodes.*;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

/**
 * Writes the blocks of one frame as one JVM method, in a hidden class (see X:611-X:625).
 */
final class Translator {
    private Translator() { }

    /*X:613 The method. HotSpot compiles methods, not blocks, so the unit of translation
     * is a page's worth of blocks in one method, body(). Translation.run(c, limit) calls it
     * with the guest's registers, its flag record, EIP and the retired count as arguments,
     * which are the method's first local variables (X:615); it switches on EIP to the
     * block the run loop found. Each block checks that it is still
     * valid, that the budget has room for it and that no interrupt is waiting, and then
     * runs its instructions: most as a few JVM instructions of their own that the emitter
     * writes (X:615), the rest as a call of their semantics method (X:618). At the end of
     * the block the next EIP is known: a constant for a direct jump, a Jcc or a CALL, and a
     * value for a RET or an indirect jump. If it is a block of this method, that is a
     * plain goto, so a guest loop inside the page is a JVM loop that C2 compiles as one;
     * otherwise the method copies the locals back into the Cpu, sets EIP and returns, and
     * the run loop looks the next block up. :*/
    static final String SUPER = Type.getInternalName(Translation.class);
    static final String CPU = Type.getInternalName(Cpu.class);
    static final String SEMANTICS = Type.getInternalName(Semantics.class);
    static final String INSN = Type.getInternalName(Insn.class);
    static final String BLOCK = Type.getInternalName(Block.class);
    static final String FAULT = Type.getInternalName(CpuFault.class);
    static final String NAME = "lguest/machine/Translated";
    /** body()'s arguments, which are its first locals (Emitter.THIS to Emitter.RET): c, limit, epoch, EIP, the registers, the flag record, the retired count. */
    static final String BODY = Type.getMethodDescriptor(java.util.Arrays.stream(Translation.class.getDeclaredMethods())
            .filter(m -> m.getName().equals("body")).findFirst().orElseThrow());
    /** Locals of body(): its arguments (this, c, limit, epoch, EIP, registers, flag record, retired), then scratch. */
    private static final int THIS = Emitter.THIS, C = Emitter.C, LIMIT = Emitter.LIMIT, EPOCH = Emitter.EPOCH,
            EIP = Emitter.EIP, G = Emitter.G, EX = Emitter.EX, RET = Emitter.RET, SLOT = Emitter.SLOT;
    /** Slots of Translation.links for exits to an EIP known only at run time (hashed by its low bits). */
    static final int DYNAMIC_SLOTS = 8;

    /** Bytes of bytecode a method may have and still be compiled by HotSpot (HugeMethodLimit). */
    static final int HUGE = 8000;

    /** An upper bound on the bytecode one block costs (see write). */
    static int estimate(Block b) {
        int bytes = 160;
        for (Insn i : b.insns) bytes += Emitter.estimate(i);
        return bytes;
    }

    /** The translation of these blocks (all from one frame), or null if it would be too big. */
    static Translation translate(List<Block> blocks) throws Throwable {
        List<Object> data = new ArrayList<>();
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override protected String getCommonSuperClass(String a, String b) { return "java/lang/Object"; }
        };
        cw.visit(V17, ACC_FINAL | ACC_SUPER, NAME, null, SUPER, null);
        MethodVisitor init = cw.visitMethod(0, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitMethodInsn(INVOKESPECIAL, SUPER, "<init>", "()V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        MethodVisitor mv = cw.visitMethod(0, "body", BODY, null, null);
        int insns = 0;
        for (Block b : blocks) insns += b.insns.length;
        int[] eipOf = new int[insns], indexOf = new int[insns], nextOf = new int[insns];
        Writer w = new Writer(mv, blocks, data);
        w.write(eipOf, indexOf, nextOf);
        w.constants(cw);
        cw.visitEnd();
        if (w.end.getOffset() > HUGE) return null;   // HotSpot would not compile it
        byte[] bytes = cw.toByteArray();
        MethodHandles.Lookup l = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, data, false);
        Translation t = (Translation) l.findConstructor(l.lookupClass(), MethodType.methodType(void.class)).invoke();
        t.blocks = blocks.toArray(new Block[0]);
        t.insnEip = eipOf; t.insnIndex = indexOf; t.insnNext = nextOf;
        t.codeBytes = bytes.length;
        t.called = w.called.toArray(new Insn[0]);
        t.links = new Block.Link[w.slots];
        return t;
    }

    /** Emits run() for a list of blocks, collecting the constants it refers to. */
    private static final class Writer {
        private final MethodVisitor mv;
        private final List<Block> blocks;
        private final List<Object> data;
        private final List<String> types = new ArrayList<>();
        private final Map<Integer, Label> entry = new HashMap<>();
        private final Label exit = new Label(), dispatch = new Label(), stop = new Label(), fault = new Label(),
                stopCalled = new Label(), end = new Label(), covered = new Label(), uncovered = new Label(),
                leave = new Label();
        private final Map<Integer, Label> away = new java.util.TreeMap<>();
        /** The instructions called through their semantics, in the order of Translation.called. */
        final List<Insn> called = new ArrayList<>();
        /** How many link slots the method's exits use. */
        int slots;
        private final Emitter em;
        /** Whether the Cpu holds what the locals hold (after a call, until an inline instruction). */
        private boolean synced;

        Writer(MethodVisitor mv, List<Block> blocks, List<Object> data) {
            this.mv = mv;
            this.blocks = blocks;
            this.data = data;
            this.em = new Emitter(mv);
        }

        /** A static final field holding an object from the class data: a constant to C2. */
        private void constant(Object o, String internalName) {
            data.add(o);
            types.add(internalName);
            mv.visitFieldInsn(GETSTATIC, NAME, "k" + (data.size() - 1), "L" + internalName + ";");
        }

        /*X:614 Constants. Each block of a method reads its own Block's valid flag (X:621),
         * and the Block is an object, which bytecode cannot name: only a field or a
         * constant. A hidden class can be given one object when it is defined, its class
         * data; here that is the list of the method's Blocks, and the class initializer
         * copies them into static final fields, k0, k1, and so on. HotSpot treats a static
         * final field as the constant it is, so "getstatic k7; getfield valid" is one load
         * from a known address. (Java 17's JIT compilers refuse to compile a method holding
         * a dynamic constant that has not been resolved yet, and a block that has not run
         * yet has only such constants, so the more modern ldc of the class data itself would
         * leave most translations interpreted.) */
        void constants(ClassWriter cw) {
            MethodVisitor ci = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
            ci.visitCode();
            ci.visitMethodInsn(INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup",
                    "()Ljava/lang/invoke/MethodHandles$Lookup;", false);
            ci.visitLdcInsn("_");
            ci.visitLdcInsn(Type.getType(List.class));
            ci.visitMethodInsn(INVOKESTATIC, "java/lang/invoke/MethodHandles", "classData",
                    "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;", false);
            ci.visitTypeInsn(CHECKCAST, "java/util/List");
            ci.visitVarInsn(ASTORE, 0);
            for (int i = 0; i < types.size(); i++) {
                String desc = "L" + types.get(i) + ";";
                cw.visitField(ACC_STATIC | ACC_FINAL | ACC_PRIVATE, "k" + i, desc, null, null).visitEnd();
                ci.visitVarInsn(ALOAD, 0);
                ci.visitLdcInsn(i);
                ci.visitMethodInsn(INVOKEINTERFACE, "java/util/List", "get", "(I)Ljava/lang/Object;", true);
                ci.visitTypeInsn(CHECKCAST, types.get(i));
                ci.visitFieldInsn(PUTSTATIC, NAME, "k" + i, desc);
            }
            ci.visitInsn(RETURN);
            ci.visitMaxs(0, 0);
            ci.visitEnd();
        }
        /*:*/

        void write(int[] eipOf, int[] indexOf, int[] nextOf) {
            mv.visitCode();
            for (Block b : blocks) entry.put(b.startEip, new Label());
            push(0);
            mv.visitVarInsn(ISTORE, G);
            push(-1);
            mv.visitVarInsn(ISTORE, SLOT);
            mv.visitTryCatchBlock(covered, uncovered, fault, FAULT);
            mv.visitLabel(covered);
            mv.visitLabel(dispatch);
            mv.visitVarInsn(ILOAD, EIP);
            int[] keys = blocks.stream().mapToInt(b -> b.startEip).sorted().toArray();
            Label[] targets = new Label[keys.length];
            for (int i = 0; i < keys.length; i++) targets[i] = entry.get(keys[i]);
            Label elsewhere = new Label();
            mv.visitLookupSwitchInsn(elsewhere, keys, targets);
            int g = 0;
            for (Block b : blocks) g = block(b, g, eipOf, indexOf, nextOf);
            int slot = 0;
            for (Map.Entry<Integer, Label> e : away.entrySet()) {   // jumps out of the method
                mv.visitLabel(e.getValue());
                em.push(e.getKey());
                mv.visitVarInsn(ISTORE, EIP);
                em.push(slot++);
                mv.visitVarInsn(ISTORE, SLOT);
                mv.visitJumpInsn(GOTO, exit);
            }
            mv.visitLabel(elsewhere);                               // a RET or an indirect jump out
            mv.visitVarInsn(ILOAD, EIP);
            em.push(DYNAMIC_SLOTS - 1);
            mv.visitInsn(IAND);
            em.push(slot);
            mv.visitInsn(IADD);
            mv.visitVarInsn(ISTORE, SLOT);
            mv.visitJumpInsn(GOTO, exit);
            slots = slot + DYNAMIC_SLOTS;
            mv.visitLabel(leave);                                   // back to the run loop, no link
            em.push(-1);
            mv.visitVarInsn(ISTORE, SLOT);
            mv.visitJumpInsn(GOTO, exit);
            mv.visitLabel(uncovered);
            exits();
            mv.visitLabel(end);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }

        /** The ways out of body(): on through a link, leave, stop after an instruction, fault; each spills first unless a semantics call already has. */
        private void exits() {
            mv.visitLabel(exit);            // EIP holds where the guest goes next, SLOT its link (X:620)
            Label unlinked = new Label(), none = new Label();
            mv.visitVarInsn(ILOAD, SLOT);
            mv.visitJumpInsn(IFLT, none);
            mv.visitVarInsn(ALOAD, THIS);
            mv.visitVarInsn(ALOAD, C);
            mv.visitVarInsn(ILOAD, SLOT);
            mv.visitVarInsn(ILOAD, EIP);
            mv.visitVarInsn(LLOAD, EPOCH);
            mv.visitMethodInsn(INVOKEVIRTUAL, SUPER, "next", "(L" + CPU + ";IIJ)L" + SUPER + ";", false);
            mv.visitInsn(DUP);
            mv.visitJumpInsn(IFNULL, unlinked);
            for (int k = C; k <= RET; k++) {   // the arguments are the locals, in order
                if (k == LIMIT || k == EPOCH || k == RET) { mv.visitVarInsn(LLOAD, k); k++; }
                else mv.visitVarInsn(k == C ? ALOAD : ILOAD, k);
            }
            mv.visitMethodInsn(INVOKEVIRTUAL, SUPER, "body", BODY, false);
            mv.visitVarInsn(ALOAD, C);
            mv.visitMethodInsn(INVOKESTATIC, SUPER, "back", "(L" + CPU + ";)V", false);
            mv.visitInsn(RETURN);
            mv.visitLabel(unlinked);
            mv.visitInsn(POP);
            mv.visitLabel(none);
            spillWithEip();
            mv.visitVarInsn(ALOAD, THIS);
            mv.visitVarInsn(ALOAD, C);
            mv.visitVarInsn(ILOAD, SLOT);
            mv.visitMethodInsn(INVOKEVIRTUAL, SUPER, "exitThrough", "(L" + CPU + ";I)V", false);
            mv.visitInsn(RETURN);
            mv.visitLabel(stop);            // [g]: instruction g wrote into code (brk); g waits on the stack
            spillWithEip();
            mv.visitLabel(stopCalled);      // [g]: the Cpu already holds everything
            mv.visitVarInsn(ISTORE, G);
            mv.visitVarInsn(ALOAD, THIS);
            mv.visitVarInsn(ALOAD, C);
            mv.visitVarInsn(ILOAD, G);
            mv.visitMethodInsn(INVOKEVIRTUAL, SUPER, "stopAfter", "(L" + CPU + ";I)V", false);
            mv.visitInsn(RETURN);
            mv.visitLabel(fault);           // [f]: instruction G faulted; the locals are as they were before it
            mv.visitVarInsn(ASTORE, EX);
            spill();
            mv.visitVarInsn(ALOAD, THIS);
            mv.visitVarInsn(ALOAD, EX);
            mv.visitVarInsn(ALOAD, C);
            mv.visitVarInsn(ILOAD, G);
            mv.visitMethodInsn(INVOKEVIRTUAL, SUPER, "faultAt", "(L" + FAULT + ";L" + CPU + ";I)L" + FAULT + ";", false);
            mv.visitInsn(ATHROW);
        }

        /** spill(), and EIP from its local. */
        private void spillWithEip() {
            spill();
            mv.visitVarInsn(ALOAD, C);
            mv.visitVarInsn(ILOAD, EIP);
            mv.visitFieldInsn(PUTFIELD, CPU, "eip", "I");
        }

        /** Copies the registers, the flag record and the retired count from the locals into the Cpu. */
        private void spill() {
            mv.visitVarInsn(ALOAD, C);
            for (int k = 0; k < 8; k++) mv.visitVarInsn(ILOAD, Emitter.REG + k);
            for (int k = Emitter.FOP; k <= Emitter.FCIN; k++) mv.visitVarInsn(ILOAD, k);
            mv.visitVarInsn(LLOAD, RET);
            mv.visitMethodInsn(INVOKESTATIC, SUPER, "spill", "(L" + CPU + ";IIIIIIIIIIIIIIJ)V", false);
        }

        private static final String[] RECORD = {"fOp", "fA", "fB", "fR", "fMask", "fCin"};

        /** Copies the registers and the flag record from the Cpu into the locals. */
        private void fill() {
            mv.visitVarInsn(ALOAD, C);
            mv.visitFieldInsn(GETFIELD, CPU, "r", "[I");
            mv.visitVarInsn(ASTORE, EX);
            for (int k = 0; k < 8; k++) {
                mv.visitVarInsn(ALOAD, EX);
                em.push(k);
                mv.visitInsn(IALOAD);
                mv.visitVarInsn(ISTORE, Emitter.REG + k);
            }
            for (int k = 0; k < RECORD.length; k++) {
                mv.visitVarInsn(ALOAD, C);
                mv.visitFieldInsn(GETFIELD, CPU, RECORD[k], "I");
                mv.visitVarInsn(ISTORE, Emitter.FOP + k);
            }
        }

        /** Where a jump to eip goes: its block's entry, or out of the method. */
        private Label target(int eip) {
            Label l = entry.get(eip);
            return l != null ? l : away.computeIfAbsent(eip, e -> new Label());
        }

        /** One block: entry checks, its instructions, the way on. Returns the next instruction number. */
        private int block(Block b, int g, int[] eipOf, int[] indexOf, int[] nextOf) {
            int n = b.insns.length;
            Label here = new Label();
            mv.visitLabel(entry.get(b.startEip));
            /*X:621 How a write to code is noticed. Every write to memory, whoever makes it,
             * ends in a frame: a guest store through the TLB (whose fast path is only taken
             * for frames with no decoded code), the Host or the Launcher through
             * PhysicalMemory, a device's DMA through PhysicalMemory.write. A write to a
             * frame with decoded blocks drops them all and marks each one invalid, and so
             * every translation built from them. A guest store also sets brk, so the
             * method stops right after the storing instruction, exactly where the
             * interpreter would. What is left is a write from another thread (a second
             * CPU, a device) while the method loops: that is why each block's first act
             * is to read its own valid flag, one load, before it runs a single
             * instruction. Nothing is keyed by linear address, so a CR3 load, an INVLPG
             * or a change of ring invalidates no translation at all: they only end the
             * current run (the epoch check after an instruction that can change them),
             * and the run loop finds the next block through the new page tables, as it
             * always does. */
            constant(b, BLOCK);
            mv.visitFieldInsn(GETFIELD, BLOCK, "valid", "Z");
            mv.visitJumpInsn(IFEQ, here);
            mv.visitVarInsn(LLOAD, RET);
            mv.visitLdcInsn((long) n);
            mv.visitInsn(LADD);
            mv.visitVarInsn(LLOAD, LIMIT);
            mv.visitInsn(LCMP);
            mv.visitJumpInsn(IFGT, here);
            mv.visitVarInsn(ALOAD, C);
            mv.visitFieldInsn(GETFIELD, CPU, "interruptLine", "Z");
            Label go = new Label();
            mv.visitJumpInsn(IFEQ, go);
            mv.visitLabel(here);
            em.push(b.startEip);
            mv.visitVarInsn(ISTORE, EIP);
            mv.visitJumpInsn(GOTO, leave);
            mv.visitLabel(go);
            /*:*/
            Emitter.Kind[] kinds = new Emitter.Kind[n];
            boolean[] live = liveness(b, kinds);
            boolean called = false;
            em.forget();
            synced = false;
            for (int k = 0; k < n; k++, g++) {
                boolean transfer = kinds[k] != null && Emitter.transfers(kinds[k]);
                eipOf[g] = b.eips[k]; indexOf[g] = k;
                nextOf[g] = k + 1 < n ? b.eips[k + 1] : kinds[k] != null && !transfer ? b.endEip : -1;
                if (kinds[k] != null) inline(b.insns[k], kinds[k], live[k], g);
                else { call(b, b.insns[k], g, k == n - 1); called = true; }
            }
            mv.visitVarInsn(LLOAD, RET);
            mv.visitLdcInsn((long) n);
            mv.visitInsn(LADD);
            mv.visitVarInsn(LSTORE, RET);
            onward(b, kinds[n - 1], called);
            return g;
        }

        /*X:616 Flags only where they are seen. The lazy record (X:200) already makes most
         * flags cost a few stores; in locals they cost less, and often nothing, because the
         * translator looks at a block from its end backwards and asks, for each instruction,
         * whether anyone can see the record it writes. Someone can if a later instruction
         * reads it (a Jcc, an ADC, an INC keeping CF, a BT keeping all but CF) before another
         * replaces it, or if an instruction in between may fault, since the fault path must
         * hand the interpreter the flags exactly as it would have them; and at the end of the
         * block, whose successors are not known here, everyone can. A record nobody can see
         * is not written. The rotate is the case that pays most: ROL and ROR merge CF and OF
         * into the flags that were there, and so must first work all of them out, but when
         * nobody looks, a rotate is Integer.rotateRight and nothing else; when somebody does,
         * it is left to its semantics. A reader whose record was written earlier in the same
         * block asks it directly (after CMP, JL is "a < b"); otherwise it asks the record the
         * way the interpreter does (Translation.cond). */
        private boolean[] liveness(Block b, Emitter.Kind[] kinds) {
            int n = b.insns.length;
            boolean[] liveAfter = new boolean[n];
            boolean live = true;
            for (int k = n - 1; k >= 0; k--) {
                Insn i = b.insns[k];
                Emitter.Kind kind = Emitter.kind(i);
                if (kind == Emitter.Kind.ROTATE && live) kind = null;   // its flags are seen: let Alu merge them
                kinds[k] = kind;
                liveAfter[k] = live;
                live = Emitter.readsFlags(i, kind, live) || Emitter.mayFault(i, kind)
                        || (live && !Emitter.writesFlags(i, kind));
            }
            return liveAfter;
        }
        /*:*/

        /** An instruction the emitter writes; G names it first if it may fault; then the brk check. */
        private void inline(Insn insn, Emitter.Kind kind, boolean flags, int g) {
            Label next = new Label();
            if (Emitter.mayFault(insn, kind)) number(g);
            boolean wrote = em.emit(insn, kind, flags);
            synced = false;
            if (!flags && Emitter.writesFlags(insn, kind)) em.forget();
            if (wrote) {
                mv.visitVarInsn(ALOAD, C);
                mv.visitFieldInsn(GETFIELD, CPU, "brk", "Z");
                mv.visitJumpInsn(IFEQ, next);
                push(g);
                mv.visitJumpInsn(GOTO, stop);
                mv.visitLabel(next);
            }
        }

        /** G = g: the instruction a fault now would be reported at. */
        private void number(int g) {
            push(g);
            mv.visitVarInsn(ISTORE, G);
        }

        /*X:618 An instruction the emitter does not know (a string instruction, a far
         * transfer, the x87, a system instruction) is called through its semantics: spill the
         * locals unless the Cpu already holds them,
         * set EIP to where the block falls through (the interpreter's protocol, which a jump's
         * semantics overwrites), name the instruction for the fault path, call, stop if it
         * wrote into code, and fill the locals again from whatever it left in the Cpu, unless
         * it is one of the x87's, which change no integer register and no flag. Since a
         * called instruction may have changed anything (CR3, CPL, TF, an exit), a block with
         * one asks Translation.leave before going on. The call itself goes through one
         * method, Translation.call, shared by every translation, on purpose: with the
         * semantics as a class-data constant (as an earlier version had it) C2 inlined each called
         * instruction, and everything under it, into the page's method, and compiling a page
         * of a busybox shell took it half a second; through one call site that has seen
         * every kind of instruction, C2 makes a plain virtual call, which is what a rare
         * instruction deserves. */
        private void call(Block b, Insn insn, int g, boolean last) {
            Label next = new Label();
            boolean pure = Emitter.leavesRegisters(insn);
            if (!synced) spill();
            mv.visitVarInsn(ALOAD, C);
            push(b.endEip);
            mv.visitFieldInsn(PUTFIELD, CPU, "eip", "I");
            number(g);
            int k = called.size();
            called.add(insn);
            mv.visitVarInsn(ALOAD, THIS);
            mv.visitFieldInsn(GETFIELD, SUPER, "called", "[L" + INSN + ";");
            push(k);
            mv.visitInsn(AALOAD);
            mv.visitVarInsn(ALOAD, C);
            mv.visitMethodInsn(INVOKESTATIC, SUPER, "call", "(L" + INSN + ";L" + CPU + ";)V", false);
            mv.visitVarInsn(ALOAD, C);
            mv.visitFieldInsn(GETFIELD, CPU, "brk", "Z");
            mv.visitJumpInsn(IFEQ, next);
            push(g);
            mv.visitJumpInsn(GOTO, stopCalled);
            mv.visitLabel(next);
            if (!pure) { fill(); em.forget(); }
            synced = true;
            if (last) {
                mv.visitVarInsn(ALOAD, C);
                mv.visitFieldInsn(GETFIELD, CPU, "eip", "I");
                mv.visitVarInsn(ISTORE, EIP);
            }
        }
        /*:*/

        /** After the block: on to the next one, inside the method if it is here. */
        private void onward(Block b, Emitter.Kind last, boolean called) {
            Insn end = b.insns[b.insns.length - 1];
            boolean transfer = last != null && Emitter.transfers(last);
            if (last != null && !transfer) {             // the block just ends here (a length or page limit, or ENDS)
                em.push(b.endEip);
                mv.visitVarInsn(ISTORE, EIP);
            }
            if (called) {                                // a semantics call may have changed anything
                mv.visitVarInsn(ALOAD, C);
                mv.visitVarInsn(LLOAD, EPOCH);
                mv.visitMethodInsn(INVOKESTATIC, SUPER, "leave", "(L" + CPU + ";J)Z", false);
                mv.visitJumpInsn(IFNE, leave);
                mv.visitJumpInsn(GOTO, dispatch);
                return;
            }
            if (last == Emitter.Kind.JCC) {
                mv.visitVarInsn(ILOAD, EIP);
                push(end.imm());
                mv.visitJumpInsn(IF_ICMPEQ, target(end.imm()));
                mv.visitJumpInsn(GOTO, target(end.next()));
            } else if (last == Emitter.Kind.JMP || last == Emitter.Kind.CALL) {
                mv.visitJumpInsn(GOTO, target(end.imm()));
            } else if (transfer) {
                mv.visitJumpInsn(GOTO, dispatch);
            } else {
                mv.visitJumpInsn(GOTO, target(b.endEip));
            }
        }

        private void push(int v) {
            if (v >= -1 && v <= 5) mv.visitInsn(ICONST_0 + v);
            else if (v == (byte) v) mv.visitIntInsn(BIPUSH, v);
            else if (v == (short) v) mv.visitIntInsn(SIPUSH, v);
            else mv.visitLdcInsn(v);
        }
    }
}
