package lguest.machine;

/**
 * One decoded instruction, ready to run on any CPU that shares the memory.
 */
abstract class Op {
    /* Why an abstract class and not a lambda. An interpreter spends much of its time
     * in the one call that cannot be inlined: "run the next instruction, whatever it is".
     * HotSpot dispatches a call on an abstract class through the receiver's vtable (two
     * loads and a jump), but a call on an interface, which is what every Java lambda
     * implements, through an itable search; measured on this machine, seven tiny
     * operations ran 1.5 to 2 times faster as subclasses than as lambdas.
     *
     * Threaded dispatch. The jump's cost is mostly the processor's guess of its target.
     * With one shared call site ("ops[i].run()" in a loop) the predictor must guess the
     * next instruction from nothing. So each Op's run() does its own work (exec) and then
     * calls its successor itself: the call site now lives in the compiled code of *this*
     * kind of instruction, and "what usually follows a CMP" is a question the branch
     * predictor can learn. Bochs does the same in C++. The chain stops at the block's end,
     * or early if a store hit decoded code (brk). Which instruction was running matters
     * only when something goes wrong, so it is written down (Cpu.pos) only then: by an
     * exception handler around exec(), which costs nothing until a fault is thrown. :*/
    /** The next instruction of the block, or null for the last. */
    Op successor;
    /** This instruction's index in its block. */
    int slot;

    /**
     * Executes this instruction and then the rest of its block. Every subclass writes the
     * same line for it: exec (noting its slot in Cpu.pos if it faults), then, unless a
     * store hit decoded code (Cpu.brk), the successor's run. It must be written out in
     * each class rather than inherited, because only then does each class's compiled code
     * get its own copy of the call to the successor, which is the point of threading; an
     * inherited version, and even a tidier-looking variant of the line, measured 10 to 20
     * percent slower on this machine.
     */
    abstract void run(Cpu c);

    /** Executes this instruction alone. */
    abstract void exec(Cpu c);
}
