/* argv as Linux lays it out, and an exit status chosen by the caller. */
#include "../runtime/rt.h"

static u32 number(const char *s)
{
	u32 v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (u32)(*s++ - '0');
	return v;
}

int main(int argc, char **argv)
{
	int i;
	put_str("argc=");
	put_dec(argc);
	put_char('\n');
	for (i = 0; i < argc; i++) {
		put_str("argv[");
		put_dec(i);
		put_str("]=\"");
		put_str(i == 0 ? "(program)" : argv[i]);
		put_str("\" len ");
		put_udec(strlen(argv[i]));
		put_char('\n');
	}
	put_str(argv[argc] == 0 ? "argv[argc] is NULL\n" : "argv[argc] is NOT NULL\n");
	/* the environment follows argv's NULL; its contents are the caller's business,
	 * but it must end in a NULL too */
	{
		char **envp = argv + argc + 1;
		u32 n = 0;
		while (envp[n] && n < 100000)
			n++;
		put_str(n < 100000 ? "envp is NULL-terminated\n" : "envp runs away\n");
	}
	/* "exit N" as the first argument picks the status, and the path through exit (1)
	 * rather than exit_group (252) */
	if (argc > 2 && !strcmp(argv[1], "exit")) {
		flush_out();
		rt_syscall3(SYS_exit, (long)number(argv[2]), 0, 0);
	}
	return argc > 1 ? (int)number(argv[argc - 1]) & 255 : 0;
}
