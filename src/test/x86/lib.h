/* A few lines of libc for freestanding test programs run both natively and under x86run. */
static int sys3(int n, int a, int b, int c)
{
	int r;
	asm volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
	return r;
}

static char obuf[4096];
static int olen;

static void flush(void)
{
	if (olen) sys3(4, 1, (int)obuf, olen);
	olen = 0;
}

static void putch(char ch)
{
	if (olen == sizeof(obuf)) flush();
	obuf[olen++] = ch;
}

static void puts_(const char *s)
{
	while (*s) putch(*s++);
}

static void hex(unsigned v)
{
	for (int i = 28; i >= 0; i -= 4) putch("0123456789abcdef"[(v >> i) & 15]);
	putch(' ');
}

static void nl(void) { putch('\n'); }

static void __attribute__((noreturn)) exit_(int status)
{
	flush();
	sys3(1, status, 0, 0);
	for (;;) ;
}
