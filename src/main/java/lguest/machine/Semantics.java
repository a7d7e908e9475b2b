package lguest.machine;

/**
 * What one operation does, written once in plain Java: a static method
 * {@code static void name(Cpu c, Insn i)} named in a table row by a method reference.
 * The interpreter calls it; the translator emits a call to the same method with the
 * {@link Insn} as a constant.
 */
@FunctionalInterface
interface Semantics extends java.io.Serializable {
    void exec(Cpu c, Insn i);
}
