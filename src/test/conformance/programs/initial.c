/* Prints the registers, flags and auxiliary vector the program started with; only what
 * Linux defines, never an address that depends on randomisation. */
#include "../runtime/rt.h"

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_ENTRY 9
#define AT_RANDOM 25

extern char _start[];

static void field(const char *name, u32 v)
{
	put_str(name);
	put_char('=');
	put_hex(v, 8);
	put_char('\n');
}

/* saved[] is what PUSHFL; PUSHAL left: EDI ESI EBP ESP EBX EDX ECX EAX, EFLAGS */
void __attribute__((noreturn)) initial_report(u32 *saved)
{
	u32 *sp = (u32 *)(saved[3] + 4);	/* ESP before the PUSHFL */
	u32 argc = sp[0], i;
	u32 *envp = sp + 1 + argc + 1;
	u32 *aux;
	int have_random;
	u32 seen[32] = { 0 }, val[32] = { 0 }, t;

	field("eax", saved[7]);
	field("ecx", saved[6]);
	field("edx", saved[5]);
	field("ebx", saved[4]);
	field("ebp", saved[2]);
	field("esi", saved[1]);
	field("edi", saved[0]);
	/* status flags and DF; IF and the rest are the kernel's business */
	field("eflags&0xcd5", saved[8] & 0xcd5);
	field("esp&3", saved[3] & 3);
	field("argc", argc);
	while (*envp)
		envp++;
	aux = envp + 1;
	/* the order of the entries is the kernel's choice; print ours */
	for (i = 0; aux[i] != AT_NULL && i < 200; i += 2) {
		if (aux[i] < 32) {
			seen[aux[i]] = 1;
			val[aux[i]] = aux[i + 1];
		}
	}
	for (t = 0; t < 32; t++) {
		static const char *const name[32] = { [AT_PHDR] = "AT_PHDR", [AT_PHENT] = "AT_PHENT",
			[AT_PHNUM] = "AT_PHNUM", [AT_PAGESZ] = "AT_PAGESZ", [AT_ENTRY] = "AT_ENTRY" };
		if (name[t] && seen[t])
			field(name[t], val[t]);
		else if (name[t])
			put_str(name[t]), put_str(" missing\n");
	}
	put_str(seen[AT_ENTRY] && val[AT_ENTRY] == (u32)_start ? "AT_ENTRY is _start\n" : "AT_ENTRY is not _start\n");
	if (seen[AT_RANDOM]) {
		/* 16 bytes somewhere readable: read them all to prove it */
		const volatile u8 *r = (const u8 *)val[AT_RANDOM];
		u32 j;
		for (j = 0; j < 16; j++)
			(void)r[j];
	}
	have_random = seen[AT_RANDOM];
	put_str(i < 200 ? "auxv ends in AT_NULL\n" : "auxv runs away\n");
	put_str(have_random ? "AT_RANDOM present\n" : "AT_RANDOM missing\n");
	rt_exit(0);
}

int main(int argc, char **argv)
{
	return 0;	/* not used: _start calls initial_report */
}
