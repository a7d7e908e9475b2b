package lguest.machine;

/**
 * What one operation does, written once in plain Java: a static method
 * {@code static void name(Cpu c, Insn i)} named in a table row by a method reference.
 * The interpreter runs a copy of it per operand shape (X:145); the translator calls it
 * for the instructions it does not write out itself (X:618).
 */
@FunctionalInterface
interface Semantics extends java.io.Serializable {
    void exec(Cpu c, Insn i);
}
