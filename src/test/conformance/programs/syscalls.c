/* The corners of the four system calls and of the ones that do not exist. */
#include "../runtime/rt.h"

/* Across int $0x80, Linux preserves every register but EAX and every user flag (the
 * IRET that returns restores the EFLAGS the INT pushed), DF included. */
u32 regs_out[8];	/* global: the asm below names it */

static void preserved(const char *what, u32 nr, u32 ebx, u32 flags_in)
{
	static u32 in[8];
	u32 i;
	in[0] = nr;
	in[1] = ebx;
	in[2] = 0;		/* ECX */
	in[3] = 0;		/* EDX: length 0 */
	in[4] = 0x55555555;	/* ESI */
	in[5] = 0x66666666;	/* EDI */
	in[6] = 0x77777777;	/* EBP */
	in[7] = flags_in;
	__asm__ volatile(
		"pushl %%ebp\n\t"
		"pushl %%ebx\n\t"
		"pushl 28(%%eax)\n\t"
		"popfl\n\t"
		"movl 4(%%eax), %%ebx\n\t"
		"movl 8(%%eax), %%ecx\n\t"
		"movl 12(%%eax), %%edx\n\t"
		"movl 16(%%eax), %%esi\n\t"
		"movl 20(%%eax), %%edi\n\t"
		"movl 24(%%eax), %%ebp\n\t"
		"movl 0(%%eax), %%eax\n\t"
		"int $0x80\n\t"
		"pushfl\n\t"
		"cld\n\t"
		"movl %%eax, regs_out\n\t"
		"movl %%ebx, regs_out+4\n\t"
		"movl %%ecx, regs_out+8\n\t"
		"movl %%edx, regs_out+12\n\t"
		"movl %%esi, regs_out+16\n\t"
		"movl %%edi, regs_out+20\n\t"
		"movl %%ebp, regs_out+24\n\t"
		"popl regs_out+28\n\t"
		"popl %%ebx\n\t"
		"popl %%ebp"
		:: "a"(in) : "ecx", "edx", "esi", "edi", "memory", "cc");
	put_str(what);
	put_str(": eax=");
	if (nr == SYS_brk)
		put_str("(the break)");	/* an address of the kernel's choosing */
	else
		put_dec((s32)regs_out[0]);
	for (i = 1; i < 7; i++) {
		put_char(' ');
		put_hex(regs_out[i], 8);
	}
	put_str(" flags=");
	put_hex(regs_out[7] & 0xcd5, 3);
	put_char('\n');
}

int main(int argc, char **argv)
{
	long r;
	flush_out();
	r = rt_write(1, "direct write\n", 13);
	put_str("write returned ");
	put_dec(r);
	put_char('\n');
	r = rt_write(1, "", 0);
	put_str("empty write returned ");
	put_dec(r);
	put_char('\n');
	/* 1000 is far beyond the i386 table: -ENOSYS, natively and under x86run alike */
	r = rt_syscall3(1000, 1, 2, 3);
	put_str("syscall 1000 returned ");
	put_dec(r);
	put_char('\n');
	r = rt_syscall3(-1, 0, 0, 0);
	put_str("syscall -1 returned ");
	put_dec(r);
	put_char('\n');
	preserved("write(bad fd, 0) with CF ZF SF OF DF set", SYS_write, 0x11111111, 0xcd5 | 2);
	preserved("write(1, 0) with PF AF set", SYS_write, 1, 0x14 | 2);
	preserved("brk(0) with CF DF set", SYS_brk, 0, 0x401 | 2);
	preserved("syscall 1000 with ZF OF set", 1000, 0x11111111, 0x840 | 2);
	return 7;
}
