/* Ends in the fault named by argv[1]. On Linux a fault in user mode becomes a signal, and a
 * process killed by signal N reports status 128+N to the shell and to Java; x86run reports
 * the same, so the test compares the statuses. */
#include "../runtime/rt.h"

/* Exceptions are where an emulator can be right about every result and still wrong
 * about the machine: a LOCK prefix on an instruction that cannot be locked is #UD, not a
 * slow ADD; HLT and CLI at ring 3 are #GP, not a pause; dividing the most negative number
 * by -1 is #DE, not a wrapped quotient. Linux turns each into a signal (SIGFPE for #DE,
 * SIGILL for #UD, SIGSEGV for #GP and page faults, SIGTRAP for INT3 and INT1, SIGBUS for
 * #AC), so the exit status of the killed program names the exception, and host and
 * emulator must agree on it. INT3 also tests the gate, not just the CPU: INT3 is a software
 * interrupt and checks the IDT gate's DPL, which Linux sets to 3 for vectors 3 and 4 so
 * that debuggers' breakpoints and INTO reach their handlers from user mode. */

static const char *const kinds[] = {
	"div0", "idiv-overflow", "ud2", "ud0", "lock-nop", "lock-reg", "lock-mov", "lock-cmp",
	"hlt", "cli", "out", "int3", "into", "int81", "mov-cr0", "null-read", "null-write", "text-write", "jump-to-null",
	"too-long", "alignment-check", "int1", "aam0", 0
};

extern char _start[];

int main(int argc, char **argv)
{
	const char *k = argc > 1 ? argv[1] : "?";
	int i, known = 0;
	volatile u32 zero = 0;
	for (i = 0; kinds[i]; i++)
		known |= !strcmp(k, kinds[i]);
	put_str(known ? "about to fault: " : "no such fault: ");
	put_str(k);
	put_char('\n');
	flush_out();
	if (!strcmp(k, "div0")) {
		u32 a = 1, d = 0;
		__asm__ volatile("divl %2" : "+a"(a), "+d"(d) : "r"((u32)zero));
	} else if (!strcmp(k, "idiv-overflow")) {
		u32 a = 0x80000000u, d = 0xffffffffu;
		__asm__ volatile("idivl %2" : "+a"(a), "+d"(d) : "r"((u32)zero - 1));
	} else if (!strcmp(k, "aam0")) {
		/* AAM divides AL by its immediate, and a base of 0 is a division by zero */
		__asm__ volatile(".byte 0xd4, 0x00" ::: "eax", "cc");
	} else if (!strcmp(k, "ud2")) {
		__asm__ volatile("ud2");
	} else if (!strcmp(k, "ud0")) {
		__asm__ volatile(".byte 0x0f, 0xff, 0xc0");
	} else if (!strcmp(k, "lock-mov")) {
		/* MOV cannot be locked, even with a memory destination */
		__asm__ volatile(".byte 0xf0\n\tmovl %%eax, (%%esp)" ::: "memory");
	} else if (!strcmp(k, "lock-cmp")) {
		/* neither can CMP: it does not write */
		__asm__ volatile(".byte 0xf0\n\tcmpl %%eax, (%%esp)" ::: "cc");
	} else if (!strcmp(k, "lock-nop")) {
		__asm__ volatile(".byte 0xf0, 0x90");
	} else if (!strcmp(k, "lock-reg")) {
		__asm__ volatile(".byte 0xf0, 0x01, 0xc0" ::: "eax", "cc");	/* lock add %eax,%eax */
	} else if (!strcmp(k, "hlt")) {
		__asm__ volatile("hlt");
	} else if (!strcmp(k, "cli")) {
		__asm__ volatile("cli");
	} else if (!strcmp(k, "out")) {
		__asm__ volatile("outb %%al, $0x80" :: "a"(0));
	} else if (!strcmp(k, "int3")) {
		__asm__ volatile("int3");
	} else if (!strcmp(k, "int1")) {
		__asm__ volatile(".byte 0xf1");	/* INT1 (ICEBP): #DB, which Linux turns into SIGTRAP */
	} else if (!strcmp(k, "into")) {
		/* 0x7fffffff + 1 sets OF; INTO then raises #OF */
		__asm__ volatile("movl $0x7fffffff, %%eax\n\taddl $1, %%eax\n\tinto" ::: "eax", "cc");
	} else if (!strcmp(k, "int81")) {
		__asm__ volatile("int $0x81");
	} else if (!strcmp(k, "mov-cr0")) {
		__asm__ volatile("movl %%cr0, %%eax" ::: "eax");
	} else if (!strcmp(k, "null-read")) {
		(void)*(volatile u32 *)(zero + 16);
	} else if (!strcmp(k, "null-write")) {
		*(volatile u32 *)(zero + 16) = 1;
	} else if (!strcmp(k, "text-write")) {
		*(volatile u8 *)_start = 0x90;	/* text is read-only without -N */
	} else if (!strcmp(k, "jump-to-null")) {
		((void (*)(void))(zero + 16))();
	} else if (!strcmp(k, "too-long")) {
		/* 15 bytes is the architectural limit; 15 operand-size prefixes and a NOP make 16 */
		__asm__ volatile(".fill 15, 1, 0x66\n\tnop");
	} else if (!strcmp(k, "alignment-check")) {
		/* Linux runs with CR0.AM set, so a ring-3 program that sets EFLAGS.AC gets #AC
		 * (SIGBUS) for a misaligned access */
		static u8 buf[8] __attribute__((aligned(8)));
		__asm__ volatile("pushfl\n\torl $0x40000, (%%esp)\n\tpopfl\n\t"
				 "movl 1(%0), %%eax" :: "r"(buf) : "eax", "cc", "memory");
	}
	put_str("still alive\n");
	return 3;
}
