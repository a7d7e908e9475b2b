/* src/guest/selftest/ttytest.c runs the console's line discipline
 * (console.c, U:800 on) as an ordinary 32-bit Linux program.  It includes
 * console.c whole, so that it can play the Launcher: put bytes in the
 * console's input buffer and call its interrupt handler, as the Host would,
 * and catch every DMA the console sends, which is "the screen".  It checks
 * echo, CR to NL, NL to CR NL, erase and kill, ^D, ^C as SIGINT for the
 * foreground process group, and the raw mode busybox's line editing asks
 * for with TCSETS. */
#include "../console.c"

static long sys(long nr, long a, long b, long c)
{
	long ret;

	__asm__ __volatile__("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

static int failures;
static char screen[4096];
static unsigned int screen_len;
static int killed_pid, killed_sig;

struct lguest_data lguest_data;
int quiet;
unsigned long hcall(unsigned long call, unsigned long a1, unsigned long a2, unsigned long a3)
{
	if (call == LHCALL_CRASH)
		sys(1, 3, 0, 0);
	return 0;
}
unsigned long irq_save(void) { return 0; }
void irq_restore(unsigned long flags) { }
void irq_disable(void) { }
void request_irq(unsigned int irq, irq_handler_t handler, void *arg) { }
int lguest_bind_dma(unsigned long key, struct lguest_dma *dmas, unsigned int num, unsigned int irq)
{
	return 1;
}

/* What the console sends is what the screen shows: the DMA's one piece is
 * the page console_out, whose physical address is __pa of it. */
void lguest_send_dma(unsigned long key, struct lguest_dma *dma)
{
	unsigned long n = dma->len[0];

	if (screen_len + n <= sizeof(screen)) {
		memcpy(screen + screen_len, console_out, n);
		screen_len += n;
	}
}

static struct process me = { .pid = 1, .pgid = 1, .sid = 1 };
struct process *current_proc = &me;

long sys_kill(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	killed_pid = (s32)a;
	killed_sig = (int)b;
	return 0;
}

/* Nobody waits here: if the condition does not hold now, it never will. */
long wait_event_until(int (*cond)(void *), void *arg, u64 deadline)
{
	return cond(arg) ? 0 : deadline ? -EAGAIN : -ERESTARTSYS;
}
long wait_event(int (*cond)(void *), void *arg) { return wait_event_until(cond, arg, 0); }
u64 fresh_ns(void) { return 1; }
int copy_to_user(unsigned long uaddr, const void *kbuf, unsigned long len)
{
	memcpy((void *)uaddr, kbuf, len);
	return 0;
}
int copy_from_user(void *kbuf, unsigned long uaddr, unsigned long len)
{
	memcpy(kbuf, (void *)uaddr, len);
	return 0;
}

static void say(const char *s)
{
	sys(4, 2, (long)s, strlen(s));
}

static void check(int ok, const char *what)
{
	if (!ok) {
		say("ttytest: FAILED: ");
		say(what);
		say("\n");
		failures++;
	}
}

/* The Launcher's part: the bytes go into the bound buffer, then the IRQ. */
static void type(const char *s)
{
	unsigned long n = strlen(s);

	memcpy(console_in, s, n);
	console_in_dma.used_len = n;
	console_irq(1, NULL);
}

static int shows(const char *s)
{
	unsigned long n = strlen(s);
	int ok = n == screen_len && !memcmp(screen, s, n);

	screen_len = 0;
	return ok;
}

static int got(long n, const char *buf, const char *want)
{
	return n == (long)strlen(want) && !memcmp(buf, want, n);
}

static void test(void)
{
	struct lguest_device_desc desc = { .type = LGUEST_DEVICE_T_CONSOLE, .features = LGUEST_DEVICE_F_TTY };
	struct lguest_device dev = { .index = 0, .irq = 1, .desc = &desc };
	struct termios_k t;
	char buf[64];
	int pg;

	check(console_probe(&dev) == 0 && console_is_tty(), "the feature bit makes the console a tty");

	type("hel");
	check(shows("hel"), "typed bytes are echoed as they come");
	check(tty_read(buf, sizeof(buf), 1) == -EAGAIN, "half a line is not yet a line");
	type("lo\r");
	check(shows("lo\r\n"), "CR comes in as NL and goes out as CR NL");
	check(got(tty_read(buf, sizeof(buf), 0), buf, "hello\n"), "a read returns the line, NL included");

	type("ecx\177ho\r");
	check(shows("ecx\b \bho\r\n"), "ERASE is echoed as backspace, space, backspace");
	check(got(tty_read(buf, sizeof(buf), 0), buf, "echo\n"), "and the erased byte is gone");
	type("\177");
	check(shows(""), "nothing to erase at the start of a line");

	type("abc\025xy\n");
	check(shows("abc\b \b\b \b\b \bxy\r\n"), "KILL erases the whole line");
	check(got(tty_read(buf, sizeof(buf), 0), buf, "xy\n"), "and only the rest is read");

	type("one\ntwo\n");
	check(got(tty_read(buf, sizeof(buf), 0), buf, "one\n"), "one line per read");
	check(got(tty_read(buf, sizeof(buf), 0), buf, "two\n"), "and the next");
	screen_len = 0;

	type("ab\004");
	check(got(tty_read(buf, sizeof(buf), 0), buf, "ab"), "^D after text: the text, without the ^D");
	type("\004");
	check(tty_read(buf, sizeof(buf), 0) == 0, "^D at the start of a line: end of file");
	check(shows("ab"), "^D itself is not echoed");

	pg = 7;
	check(tty_ioctl(0x5410, (u32)&pg) == 0, "TIOCSPGRP");
	pg = 0;
	check(tty_ioctl(0x540F, (u32)&pg) == 0 && pg == 7, "TIOCGPGRP gives it back");
	type("junk\003");
	check(killed_pid == -7 && killed_sig == SIGINT, "^C: SIGINT to the foreground group");
	check(shows("junk^C"), "^C is echoed as ^C");
	check(tty_read(buf, sizeof(buf), 1) == -EAGAIN, "and the line typed before it is gone");
	type("\034");
	check(killed_pid == -7 && killed_sig == SIGQUIT, "^\\: SIGQUIT");
	screen_len = 0;

	check(tty_ioctl(0x5401, (u32)&t) == 0, "TCGETS");
	check(t.c_lflag & TTY_ICANON && t.c_lflag & TTY_ECHO && t.c_oflag & TTY_ONLCR
	      && t.c_cc[TTY_VERASE] == 0177 && t.c_cc[TTY_VMIN] == 1, "the defaults are Linux's");
	t.c_lflag &= ~(TTY_ICANON | TTY_ECHO | TTY_ISIG);
	t.c_cc[TTY_VMIN] = 1;
	t.c_cc[TTY_VTIME] = 0;
	check(tty_ioctl(0x5404, (u32)&t) == 0, "TCSETSF: raw, as busybox's line editing wants");
	check(tty_read(buf, sizeof(buf), 1) == -EAGAIN, "raw, nothing typed: nothing to read");
	type("x\003\r");
	check(shows(""), "raw without ECHO: no echo");
	check(got(tty_read(buf, sizeof(buf), 0), buf, "x\003\n"),
	      "raw: each byte as it comes, ^C a byte like another (ICRNL still on)");
	killed_sig = 0;
	type("\003");
	check(killed_sig == 0, "no ISIG, no signal");
	check(tty_read(buf, 1, 0) == 1 && tty_read(buf, 1, 1) == -EAGAIN, "VMIN 1: a byte is enough");

	t.c_lflag |= TTY_ICANON | TTY_ECHO;
	check(tty_ioctl(0x5402, (u32)&t) == 0, "TCSETS: back to canonical");
	tty_write("a\nb", 3);
	check(shows("a\r\nb"), "output: NL becomes CR NL");
	t.c_oflag &= ~TTY_OPOST;
	tty_ioctl(0x5402, (u32)&t);
	tty_write("a\nb", 3);
	check(shows("a\nb"), "without OPOST, output is left alone");

	{
		u16 ws[4];

		check(tty_ioctl(0x5413, (u32)ws) == 0 && ws[0] == 24 && ws[1] == 80, "TIOCGWINSZ: 80x24");
	}
	check(tty_ioctl(0x5500, 0) == -ENOTTY, "an unknown ioctl is ENOTTY");
}

void __attribute__((used)) ttytest_main(void)
{
	test();
	say(failures ? "ttytest: FAILED\n" : "ttytest: all passed\n");
	sys(1, failures ? 1 : 0, 0, 0);
}

__asm__(".globl _start\n_start:\n\tcall ttytest_main\n");
