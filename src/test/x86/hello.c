/* The smallest x86run program: write a line with int $0x80, then exit with status 3. */
static int sys3(int n, int a, int b, int c)
{
	int r;
	asm volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
	return r;
}

void _start(void)
{
	static const char msg[] = "hello from ring 3\n";
	sys3(4, 1, (int)msg, sizeof(msg) - 1);
	sys3(1, 3, 0, 0);
	for (;;) ;
}
