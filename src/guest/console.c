/* src/guest/console.c is the console driver, lguest's hvc_lguest in a
 * few dozen lines: output is a DMA sent to key 0, input a buffer bound there. */
#include "kernel.h"

/*D:300 Output.  Each write is one SEND_DMA to key 0 (one per page of it),
 * which no other Guest binds, so the Host hands it to our Launcher, which
 * writes the bytes to its standard output and lets us run on.  The bytes are
 * copied first into a page-aligned page of our own: a DMA piece may not cross
 * a page boundary, and a caller's string may well cross one.  Writing from a
 * page we own also means a user program's buffer is read once, by us, not by
 * the Host.
 *
 * Interrupts are off meanwhile, so that a line printed by an interrupt
 * handler cannot land in the middle of this one, or in this one's buffer. */
static char console_out[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct lguest_dma console_out_dma;

void console_write(const char *s, unsigned long len)
{
	unsigned long flags = irq_save();

	while (len) {
		unsigned long n = len < PAGE_SIZE ? len : PAGE_SIZE;

		memcpy(console_out, s, n);
		console_out_dma.addr[0] = __pa(console_out);
		console_out_dma.len[0] = n;
		console_out_dma.len[1] = 0;
		lguest_send_dma(LGUEST_CONSOLE_DMA_KEY, &console_out_dma);
		s += n;
		len -= n;
	}
	irq_restore(flags);
}
/*:*/

/*D:310 Input.  We bind one 256-byte buffer at key 0 with the console's IRQ.
 * When the Launcher has input, it finds the buffer (it must be free, that
 * is, have used_len 0), copies the bytes in, sets used_len and raises the
 * IRQ.  Our handler moves the bytes into a ring and frees the buffer by
 * zeroing used_len, in that order: the moment used_len is 0 the Launcher may
 * fill it again.  Until then, typing waits in the Launcher. */
static char console_in[LGUEST_CONSOLE_INPUT_BYTES] __attribute__((aligned(LGUEST_CONSOLE_INPUT_BYTES)));
static struct lguest_dma console_in_dma;
static char input_ring[1024];
static unsigned int input_head, input_tail;
static int input_ended;
/*:*/

#define LGUEST_CONSOLE_EOF 0xFFFFFFFFUL

static int console_tty;
static void tty_input(unsigned char c);

/*D:315 The end of the input.  lguest's console never ended: a terminal
 * does not.  But a Launcher whose standard input is a pipe or a file reaches
 * its end, and a shell reading commands from it should then see end of file
 * and exit, as it would on Linux.  So, our one deviation from lguest's
 * console protocol: after the last byte, the Launcher fills our buffer once
 * more with the impossible length LGUEST_CONSOLE_EOF (0xFFFFFFFF, more than
 * any buffer), which means "no more, ever".  The interrupt handler below
 * notes it, and from then on a read that finds nothing in the ring returns
 * 0 instead of waiting (U:510).
 *
 * Otherwise the handler is D:310's: bytes into the ring, then used_len back
 * to 0, but only once every byte is in.  A Launcher reading a script from a
 * pipe is far ahead of the shell, and a ring that is full must leave the
 * rest in the buffer, for the next read to move in; meanwhile the buffer is
 * not free, and the Launcher waits.  (Throwing the rest away, as this
 * driver once did, cut a long script to a third.)  When the console is a
 * terminal (the Launcher says so with a feature bit, which the probe reads,
 * D:318), each byte goes to the line discipline instead, as it arrives
 * (U:820). */
int console_eof(void)
{
	return READ_ONCE(input_ended);
}

/* Bytes of console_in not yet in the ring: [console_in_next, console_in_len),
 * and whether the buffer is ours at all (console_in_held): see D:316. */
static unsigned int console_in_next, console_in_len;
static int console_in_held;
/*:*/

/*D:316 Who owns the buffer.  It is the Launcher's from the moment used_len is
 * 0 until our interrupt handler has seen what it put there, and ours from then
 * until we write 0 again.  That "until our handler has seen it" is the whole
 * subtlety: the Launcher fills the buffer while we are stopped, and we may have
 * been stopped anywhere, including inside console_read() with interrupts off.
 * The interrupt waits; console_read() goes on, drains, and must not free a
 * buffer it never took.  This driver once did: it wrote 0 whenever it had
 * nothing left to move, and so threw away a buffer the Launcher had just
 * filled, whose interrupt then found used_len 0 and nothing to read.  With a
 * script piped in, that was now and then the last 256 bytes before the end of
 * the file, and the shell exited early with status 0, none the wiser.  So the
 * handler takes the buffer (console_in_held), and only a drain of a held
 * buffer gives it back. */
static void console_drain(void)
{
	if (!console_in_held)
		return;
	while (console_in_next < console_in_len && input_head - input_tail < sizeof(input_ring))
		input_ring[input_head++ % sizeof(input_ring)] = console_in[console_in_next++];
	if (console_in_next == console_in_len) {
		console_in_held = 0;
		barrier();
		WRITE_ONCE(console_in_dma.used_len, 0);
	}
}

static void console_irq(unsigned int irq, void *arg)
{
	unsigned long i, n = READ_ONCE(console_in_dma.used_len);

	(void)irq;
	(void)arg;
	if (n == 0 || console_in_held)
		return;                 /* nothing new, or still draining the last fill */
	if (n == LGUEST_CONSOLE_EOF) {
		input_ended = 1;
		n = 0;
	}
	if (n > sizeof(console_in))
		n = sizeof(console_in);
	if (console_tty) {
		for (i = 0; i < n; i++)
			tty_input((unsigned char)console_in[i]);
		n = 0;
	}
	console_in_next = 0;
	console_in_len = n;
	console_in_held = 1;
	console_drain();
}

int console_ready(void)
{
	return input_head != input_tail;
}

int console_read(char *buf, unsigned long len)
{
	unsigned long flags = irq_save();
	unsigned long n = 0;

	while (n < len && input_tail != input_head)
		buf[n++] = input_ring[input_tail++ % sizeof(input_ring)];
	console_drain();
	irq_restore(flags);
	return (int)n;
}
/*:*/

/*D:318 The probe, which the bus calls when the device page lists a console:
 * note whether it is a terminal, register the interrupt handler before the
 * buffer is bound (the first input may come the moment it is), and bind it.
 * A Host that refuses the buffer fails the probe; output needs no buffer of
 * ours, and goes on working. */
static int console_probe(struct lguest_device *dev)
{
	console_tty = (dev->desc->features & LGUEST_DEVICE_F_TTY) != 0;
	console_in_dma.used_len = 0;
	console_in_dma.addr[0] = __pa(console_in);
	console_in_dma.len[0] = sizeof(console_in);
	console_in_dma.len[1] = 0;
	request_irq(dev->irq, console_irq, NULL);
	if (!lguest_bind_dma(LGUEST_CONSOLE_DMA_KEY, &console_in_dma, 1, dev->irq)) {
		printk("console: the Host refused our input buffer\n");
		return -1;
	}
	return 0;
}

const struct lguest_driver console_driver = {
	.name = "console",
	.device_type = LGUEST_DEVICE_T_CONSOLE,
	.probe = console_probe,
};
/*:*/

/* The i386 kernel's terminal numbers (asm-generic/termbits.h, ioctls.h). */
#define TTY_TCGETS     0x5401
#define TTY_TCSETS     0x5402
#define TTY_TCSETSW    0x5403
#define TTY_TCSETSF    0x5404
#define TTY_TIOCSCTTY  0x540E
#define TTY_TIOCGPGRP  0x540F
#define TTY_TIOCSPGRP  0x5410
#define TTY_TIOCGWINSZ 0x5413
#define TTY_TIOCSWINSZ 0x5414
#define TTY_FIONREAD   0x541B
#define TTY_TIOCNOTTY  0x5422
#define TTY_TIOCGSID   0x5429
#define TTY_IGNCR   0000200             /* c_iflag */
#define TTY_INLCR   0000100
#define TTY_ICRNL   0000400
#define TTY_IXON    0002000
#define TTY_OPOST   0000001             /* c_oflag */
#define TTY_ONLCR   0000004
#define TTY_ISIG    0000001             /* c_lflag */
#define TTY_ICANON  0000002
#define TTY_ECHO    0000010
#define TTY_ECHOE   0000020
#define TTY_ECHOK   0000040
#define TTY_ECHONL  0000100
#define TTY_NOFLSH  0000200
#define TTY_ECHOCTL 0001000
#define TTY_ECHOKE  0004000
#define TTY_IEXTEN  0100000
#define TTY_VINTR 0                     /* c_cc */
#define TTY_VQUIT 1
#define TTY_VERASE 2
#define TTY_VKILL 3
#define TTY_VEOF 4
#define TTY_VTIME 5
#define TTY_VMIN 6
#define TTY_VEOL 11
#define TTY_VEOL2 16

/*U:800 The last thing busybox needs from a kernel is a person to type at it:
 * the console as a terminal.  When the Launcher's own standard input is a
 * terminal, it says so with a feature bit (LGUEST_DEVICE_F_TTY, L:330), and
 * our console becomes a tty: a file with a line discipline in front of it.
 *
 * Why in the kernel?  The Launcher put the Host's terminal in raw mode (L:190):
 * every key comes to us as it is pressed, nothing is echoed, ^C is just byte 3.
 * Somebody must now do what the Host's tty used to do, and it cannot be the
 * shell: while the shell waits for "sleep 10" it reads nothing, yet ^C must
 * still stop the sleep; while "cat" reads a line, cat has no idea how to echo
 * it or what DEL means, and no program should have to.  Unix puts all this
 * once, between the keyboard and every reader, in the tty driver: it echoes
 * what is typed as it arrives (even when nobody is reading yet), keeps the
 * line being typed editable until Enter (canonical mode, ICANON), and turns
 * the interrupt and quit keys into signals (ISIG).  A program that wants the
 * keys itself, as busybox's line editing does, switches these off with
 * TCSETS and does its own echo: that is non-canonical mode, VMIN and VTIME
 * saying how many bytes and how long a read waits for.
 *
 * Without the feature bit none of this exists: the console stays the plain
 * byte pipe of U:510, every ioctl says ENOTTY, and a script piped into the
 * Launcher sees exactly what it always did. */
static struct termios_k {
	u32 c_iflag, c_oflag, c_cflag, c_lflag;
	u8 c_line;
	u8 c_cc[19];
} tty_termios = {
	.c_iflag = TTY_ICRNL | TTY_IXON,
	.c_oflag = TTY_OPOST | TTY_ONLCR,
	.c_cflag = 0x00bf,                      /* B38400 | CS8 | CREAD */
	.c_lflag = TTY_ISIG | TTY_ICANON | TTY_ECHO | TTY_ECHOE | TTY_ECHOK
		   | TTY_ECHOCTL | TTY_ECHOKE | TTY_IEXTEN,
	.c_cc = { 3, 034, 0177, 025, 4, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0 },
};
_Static_assert(sizeof(struct termios_k) == 36, "i386 struct termios is 36 bytes");

static struct { u16 ws_row, ws_col, ws_xpixel, ws_ypixel; } tty_winsize = { 24, 80, 0, 0 };

/* The typed bytes, cooked: [tty_tail, tty_commit) may be read, and in
 * canonical mode [tty_commit, tty_head) is the line still being edited.  A
 * ^D at the end of a line is kept as a marker (tty_eofmark) so that the read
 * that reaches it returns what came before it, and an empty line's ^D
 * returns 0, end of file. */
static u8 tty_buf[1024];
static u8 tty_eofmark[1024];
static unsigned int tty_head, tty_tail, tty_commit;
static int tty_pgrp = 1;                        /* the foreground process group: init's, at first */
static int tty_session = 1;                     /* whose controlling terminal it is: init's */

int console_is_tty(void)
{
	return console_tty;
}
/*:*/

/*U:810 Output processing.  A Unix program ends its lines with "\n" alone;
 * a terminal needs a carriage return to go back to the left margin as well.
 * With OPOST and ONLCR set (the default) the tty adds it, so "\n" goes out
 * as "\r\n".  Raw mode on the Host turned the Host's own translation of input
 * off but left its output processing on, so the Host terminal would add the
 * CR anyway: the Guest doing it too costs nothing and is what the programs
 * that read the setting back (stty) expect to find. */
static void tty_output(const char *s, unsigned long len)
{
	char buf[256];
	unsigned long n = 0, i;

	if (!(tty_termios.c_oflag & TTY_OPOST) || !(tty_termios.c_oflag & TTY_ONLCR)) {
		console_write(s, len);
		return;
	}
	for (i = 0; i < len; i++) {
		if (n + 2 > sizeof(buf)) {
			console_write(buf, n);
			n = 0;
		}
		if (s[i] == '\n')
			buf[n++] = '\r';
		buf[n++] = s[i];
	}
	if (n)
		console_write(buf, n);
}

long tty_write(const char *buf, u32 len)
{
	tty_output(buf, len);
	return len;
}
/*:*/

/*U:820 Input, one byte at a time, in the console's interrupt handler
 * (D:315): the line discipline works as the keys arrive, not when somebody
 * reads them.  That is what lets ^C reach "sleep 10", which reads nothing at
 * all, and what makes typing echo while a program is busy.
 *
 * Echo first.  A control character echoes as a caret and a letter (ECHOCTL:
 * ^C, not byte 3, which the terminal would take as nothing); an erased
 * character, with ECHOE, as backspace, space, backspace, which is how a
 * glass terminal rubs out.  The buffer keeps what was typed and not yet
 * read; a key that finds it full is lost, as on Linux. */
static void tty_echo(const char *s, unsigned long n)
{
	if (tty_termios.c_lflag & TTY_ECHO)
		tty_output(s, n);
}

static void tty_echo_char(u8 c)
{
	char ctl[2] = { '^', (char)(c ^ 0x40) };

	if ((tty_termios.c_lflag & TTY_ECHOCTL) && c < 32 && c != '\n' && c != '\t')
		tty_echo(ctl, 2);
	else
		tty_echo((const char *)&c, 1);
}

static int tty_erase_one(void)
{
	if (tty_head == tty_commit)
		return 0;
	tty_head--;
	if (tty_termios.c_lflag & TTY_ECHOE)
		tty_echo("\b \b", 3);
	else
		tty_echo_char(tty_termios.c_cc[TTY_VERASE]);
	return 1;
}

static void tty_put(u8 c, int eofmark)
{
	if (tty_head - tty_tail >= sizeof(tty_buf) - 1)
		return;                         /* full: the key is lost, as on Linux */
	tty_eofmark[tty_head % sizeof(tty_buf)] = (u8)eofmark;
	tty_buf[tty_head++ % sizeof(tty_buf)] = c;
}

/*:*/

/*U:825 The discipline itself, for each byte: first the input translations
 * (a terminal's Enter sends CR, and ICRNL makes it the NL programs expect),
 * then the signals, then the editing.
 *
 * ISIG: the interrupt key (^C) sends SIGINT, the quit key (^\) SIGQUIT, not
 * to whoever is reading but to the terminal's foreground process group.  A
 * shell with job control puts each pipeline it runs in a process group of its
 * own and makes that group the foreground (TIOCSPGRP) while it waits for it;
 * so ^C stops "sleep 10 | cat" entirely, both processes, and does not stop
 * the shell, which is in a group of its own and gets its terminal back
 * afterwards.  Whatever was typed and not yet read goes (unless NOFLSH).
 *
 * ICANON: erase and kill edit the line still being typed, and Enter (or
 * EOL, EOL2) commits it for reading; ^D commits what there is, and at the
 * start of a line means end of file (U:830).  Without ICANON every byte is
 * committed as it comes. */
static void tty_input(unsigned char c)
{
	const struct termios_k *t = &tty_termios;

	if (c == '\r' && (t->c_iflag & TTY_IGNCR))
		return;
	if (c == '\r' && (t->c_iflag & TTY_ICRNL))
		c = '\n';
	else if (c == '\n' && (t->c_iflag & TTY_INLCR))
		c = '\r';

	if ((t->c_lflag & TTY_ISIG) && c && (c == t->c_cc[TTY_VINTR] || c == t->c_cc[TTY_VQUIT])) {
		int sig = c == t->c_cc[TTY_VINTR] ? SIGINT : SIGQUIT;

		if (!(t->c_lflag & TTY_NOFLSH))
			tty_head = tty_commit = tty_tail;
		tty_echo_char(c);
		if (tty_pgrp > 0)
			sys_kill((u32)-tty_pgrp, sig, 0, 0, 0, 0);
		return;
	}

	if (t->c_lflag & TTY_ICANON) {
		if (c && c == t->c_cc[TTY_VERASE]) {
			tty_erase_one();
			return;
		}
		if (c && c == t->c_cc[TTY_VKILL]) {
			if (t->c_lflag & (TTY_ECHOK | TTY_ECHOKE | TTY_ECHOE))
				while (tty_erase_one())
					;
			else {
				tty_echo_char(c);
				tty_echo("\n", 1);
				tty_head = tty_commit;
			}
			return;
		}
		if (c && c == t->c_cc[TTY_VEOF]) {
			tty_put(0, 1);
			tty_commit = tty_head;
			return;
		}
		tty_put(c, 0);
		tty_echo_char(c);
		if (c == '\n' && !(t->c_lflag & TTY_ECHO) && (t->c_lflag & TTY_ECHONL))
			tty_output("\n", 1);
		if (c == '\n' || (c && (c == t->c_cc[TTY_VEOL] || c == t->c_cc[TTY_VEOL2])))
			tty_commit = tty_head;
		return;
	}
	tty_put(c, 0);
	tty_commit = tty_head;
	tty_echo_char(c);
}
/*:*/

/*U:830 Reading.  In canonical mode a read waits for a whole line and returns
 * at most one, "\n" included, or the bytes before a ^D without the ^D; a ^D
 * at the start of a line makes the read return 0, which every program takes
 * for the end of its input (and which is why ^D ends "cat" but not the
 * terminal).  In non-canonical mode VMIN and VTIME (tenths of a second) say
 * when a read is satisfied: VMIN=1 VTIME=0, busybox's choice, means "as soon
 * as there is a byte"; VMIN=0 VTIME=0 means "now, even with nothing"; VMIN=0
 * with a VTIME waits that long at most for the first byte.  (VMIN and VTIME
 * both set, Linux's timer between bytes, is read here as VMIN alone: busybox
 * never asks for it.) */
int tty_readable(void)
{
	unsigned int min = tty_termios.c_cc[TTY_VMIN];

	if (tty_termios.c_lflag & TTY_ICANON)
		return tty_commit != tty_tail || console_eof();
	if (!min)
		min = 1;
	return tty_commit - tty_tail >= min || console_eof();
}

static int tty_readable_cond(void *need)
{
	if (tty_termios.c_lflag & TTY_ICANON)
		return tty_commit != tty_tail || console_eof();
	return tty_commit - tty_tail >= *(u32 *)need || console_eof();
}

long tty_read(char *buf, u32 len, int nonblock)
{
	unsigned long flags;
	u32 n = 0, need;
	long err = 0;
	u8 vmin = tty_termios.c_cc[TTY_VMIN], vtime = tty_termios.c_cc[TTY_VTIME];
	int canon = tty_termios.c_lflag & TTY_ICANON;

	need = canon ? 1 : vmin < len ? vmin : len;
	if (!canon && !need) {
		need = 1;
		if (vtime && !nonblock && !tty_readable_cond(&need))
			err = wait_event_until(tty_readable_cond, &need,
					       fresh_ns() + (u64)vtime * 100000000ULL);
		if (err == -EAGAIN)
			err = 0;
	} else if (!tty_readable_cond(&need)) {
		if (nonblock && tty_commit == tty_tail)
			return -EAGAIN;
		if (!nonblock)
			err = wait_event(tty_readable_cond, &need);
	}
	if (err)
		return err;
	flags = irq_save();
	while (n < len && tty_tail != tty_commit) {
		unsigned int i = tty_tail % sizeof(tty_buf);

		if (canon && tty_eofmark[i]) {
			tty_tail++;             /* the ^D ends this read, and reads as nothing */
			break;
		}
		buf[n++] = (char)tty_buf[i];
		tty_tail++;
		if (canon && buf[n - 1] == '\n')
			break;
	}
	irq_restore(flags);
	return (long)n;
}
/*:*/

/*U:840 The terminal's ioctls, the ones a shell and stty use.  TCGETS and
 * TCSETS read and write struct termios in the i386 kernel's own layout (four
 * flag words, c_line, and 19 control characters; glibc's bigger struct is its
 * own business).  TCSETSW would first let the output drain and TCSETSF would
 * also throw away unread input: our output never waits, so both are TCSETS,
 * and TCSETSF empties the buffer.  TIOCGPGRP and TIOCSPGRP are tcgetpgrp and
 * tcsetpgrp, the foreground process group: ash -i starts job control only if
 * the terminal's foreground group is its own, so the first one to ask (the
 * first shell, in process group 1 of session 1) finds its own group there.
 * The console is the controlling terminal of one session, process 1's at
 * first; a process of another session (a child of init after setsid(),
 * U:775) gets ENOTTY from both, as on Linux, and its ash runs without job
 * control instead of asking for ever, unless its session's leader takes the
 * console with TIOCSCTTY, which is what busybox init does for a login shell
 * ("-/bin/sh") and what makes the shell of `make run` a shell with jobs.
 * TIOCNOTTY has nothing to do.
 * TIOCGWINSZ says 80x24 until somebody says otherwise with TIOCSWINSZ. */
long tty_ioctl(u32 cmd, u32 arg)
{
	unsigned long flags;
	int pg;

	switch (cmd) {
	case TTY_TCGETS:
		return copy_to_user(arg, &tty_termios, sizeof(tty_termios)) ? -EFAULT : 0;
	case TTY_TCSETS:
	case TTY_TCSETSW:
	case TTY_TCSETSF: {
		struct termios_k t;

		if (copy_from_user(&t, arg, sizeof(t)))
			return -EFAULT;
		flags = irq_save();
		tty_termios = t;
		if (cmd == TTY_TCSETSF)
			tty_head = tty_commit = tty_tail;
		if (!(t.c_lflag & TTY_ICANON)) {
			unsigned int i;

			for (i = tty_tail; i != tty_head; i++)  /* a half-typed line becomes input */
				tty_eofmark[i % sizeof(tty_buf)] = 0;
			tty_commit = tty_head;
		}
		irq_restore(flags);
		return 0;
	}
	case TTY_TIOCGPGRP:
		if (current.sid != tty_session)
			return -ENOTTY;
		return copy_to_user(arg, &tty_pgrp, 4) ? -EFAULT : 0;
	case TTY_TIOCSPGRP:
		if (current.sid != tty_session)
			return -ENOTTY;
		if (copy_from_user(&pg, arg, 4))
			return -EFAULT;
		if (pg <= 0)
			return -EINVAL;
		tty_pgrp = pg;
		return 0;
	case TTY_TIOCGSID:
		pg = current.sid;
		return copy_to_user(arg, &pg, 4) ? -EFAULT : 0;
	case TTY_TIOCGWINSZ:
		return copy_to_user(arg, &tty_winsize, sizeof(tty_winsize)) ? -EFAULT : 0;
	case TTY_TIOCSWINSZ:
		return copy_from_user(&tty_winsize, arg, sizeof(tty_winsize)) ? -EFAULT : 0;
	case TTY_FIONREAD:
		pg = (int)(tty_commit - tty_tail);
		return copy_to_user(arg, &pg, 4) ? -EFAULT : 0;
	case TTY_TIOCSCTTY:
		if (current.sid != current.pid)
			return -EPERM;          /* only a session's leader may take a terminal */
		tty_session = current.sid;
		tty_pgrp = current.pgid;
		return 0;
	case TTY_TIOCNOTTY:
		return 0;
	}
	return -ENOTTY;
}
/*:*/

/*U:990 And that is the Unix beneath busybox: a system-call table, an ELF
 * loader, memory made on first touch, a process table with a scheduler that
 * asks rather than waits to be told, fork and exec and wait, signals with
 * frames on the user's stack, descriptors and pipes, a file system on ext2,
 * and a terminal, all in some ten and a half thousand lines of C, not
 * counting comments (two thousand of them are the network's), that would
 * run on any i386 given a handful of privileged instructions.  lguest gives
 * it those as hypercalls, and the seams are in Part II (G:600 to G:698):
 * if you came here from there, that is the way back.  If you came from the
 * end of the book, the way on is the one every Unix user takes sooner or
 * later: boot it (make shell), type something, and read the section that
 * answered. :*/
