/* src/guest/root.c is how the kernel boots from a disk, as Linux does with
 * "root=/dev/lgba": mount it as "/", find init on it, and run that. */
#include "ext2.h"
#include "fs.h"

#define AT_FDCWD (-100)

int root_booted;

/*U:760 Booting from a disk.  lguest's own instructions start a Guest with
 *
 *	lguest 64m vmlinux --block=rootfile root=/dev/lgba
 *
 * and no initrd at all: the kernel mounts the disk as its root and runs the
 * program called init on it, as every Linux since the first has.  Given
 * "root=", so does this one, and mounts it read-write, as Linux does when
 * also told "rw": there is no fsck to run first and no boot script that
 * would remount it (ext2 here is written through, U:705, so a Guest that
 * dies leaves it as clean as the last change).  Any failure on the way is
 * the end of the boot, and gets one line on the console whether the kernel
 * was told to be quiet or not (a machine that powers off without a word is
 * worse than one that complains), then a power-off with a status that is
 * not 0, so that a script running the Launcher can tell: 1 for a root it cannot mount, 127
 * for no init to run on it, as a shell says for a command it cannot find.
 *
 * Which root?  There is one disk, /dev/lgba, and Linux would accept the
 * name with or without its "/dev/".  Anything else names a disk we do not
 * have. */
static void __attribute__((noreturn)) no_boot(int status, const char *what, const char *name, long err)
{
	quiet = 0;
	if (err)
		printk("%s %s (error %ld)\n", what, name, err);
	else
		printk("%s %s\n", what, name);
	power_off(status);
}

static void mount_root(void)
{
	long err;

	if (memcmp(root_device, "/dev/lgba", 10) && memcmp(root_device, "lgba", 5))
		no_boot(1, "VFS: cannot open root device: this kernel has only /dev/lgba, not", root_device, 0);
	if (!block_present())
		no_boot(1, "VFS: cannot open root device", "/dev/lgba: there is no disk (--block=FILE)", 0);
	err = fs_mount_root();
	if (err)
		no_boot(1, "VFS: cannot mount root /dev/lgba:", "no ext2 file system this kernel can use", err);
	printk("VFS: mounted root (ext2 file system) on /dev/lgba, read-write\n");
}
/*:*/

/*U:762 The program.  Every process this kernel runs executes one image,
 * kept whole in memory, its read-only pages shared by them all (U:040): the
 * initrd, when the Launcher gives one.  Booting from a disk, the kernel
 * makes that image itself, from init's file: it reads the whole file into
 * pages at the top of RAM (U:765), where the Launcher would have put an
 * initrd, and from then on cannot tell the difference.  execve() of any file
 * on the disk that is the same program (busybox's links are, every one of
 * them) runs that image (U:342); a name the disk does not have is ENOENT,
 * not busybox, since a disk with a root on it says which programs exist.
 *
 * A file that starts with "#!" is a script, and the image is its
 * interpreter's, as execve() would have it.  Whatever is not an ELF
 * executable for the i386 is refused before a single page is taken. */
static long open_program(const char *path, struct file **out, struct kstat *st, char *line, u32 size)
{
	struct file *f = fs_open_path(AT_FDCWD, path, 0, 0);
	long n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	if (!f->ops->read || !f->ops->stat || f->ops->stat(f, st) < 0 || !S_ISREG(st->mode)
	    || !(st->mode & 0111)) {
		file_put(f);
		return -EACCES;
	}
	n = f->ops->read(f, line, size - 1);
	if (n < 0) {
		file_put(f);
		return n;
	}
	line[n] = '\0';
	f->pos = 0;
	*out = f;
	return n;
}

static long load_image(const char *path)
{
	struct kstat st;
	struct file *f;
	char head[64];
	unsigned long pa;
	long n = open_program(path, &f, &st, head, sizeof(head));

	if (n < 0)
		return n;
	if (n < 20 || memcmp(head, "\177ELF\1\1", 6) || head[16] != 2 || head[18] != 3) {
		file_put(f);
		return -ENOEXEC;
	}
	pa = reserve_top_pages(st.size);
	if (!pa) {
		file_put(f);
		return -ENOMEM;
	}
	n = fs_read_whole(f, __va(pa));
	file_put(f);
	if (n < 0)
		return n;
	initrd_start = pa;
	initrd_size = st.size;
	return 0;
}
/*:*/

/*U:764 Starting init.  Its arguments are its own name and whatever came
 * after "--" on the command line; a script's are its interpreter, the one
 * argument the "#!" line may give, and then those (U:344).  Without "init=",
 * the kernel tries Linux's list, /sbin/init, /etc/init, /bin/init and last
 * /bin/sh, and takes the first that exists; with it, that program or
 * nothing.  When init exits, the machine powers off with its status
 * (G:698), which is what makes
 *
 *	echo 'ls /' | bin/lguest 64m target/guest/kernel --block=IMG root=/dev/lgba init=/bin/sh
 *
 * a command a script can run and ask how it went. */
static char *argv[MAX_ARGS + 1];

static long try_init(const char *path)
{
	static char line[128];
	char *interp, *arg = NULL, *p;
	struct kstat st;
	struct file *f;
	unsigned int n = 0, i;
	long err = open_program(path, &f, &st, line, sizeof(line));

	if (err < 0)
		return err;
	file_put(f);
	if (err >= 2 && line[0] == '#' && line[1] == '!') {
		for (p = line + 2; *p && *p != '\n'; p++)
			;
		*p = '\0';
		for (interp = line + 2; *interp == ' ' || *interp == '\t'; interp++)
			;
		for (p = interp; *p && *p != ' ' && *p != '\t'; p++)
			;
		if (*p) {
			*p++ = '\0';
			while (*p == ' ' || *p == '\t')
				p++;
			arg = *p ? p : NULL;
		}
		err = load_image(interp);
		if (err)
			return err;
		argv[n++] = interp;
		if (arg)
			argv[n++] = arg;
	} else {
		err = load_image(path);
		if (err)
			return err;
	}
	argv[n++] = (char *)path;
	for (i = 0; init_args[i] && n < MAX_ARGS; i++)
		argv[n++] = init_args[i];
	argv[n] = NULL;
	return 0;
}

void boot_from_root(void)
{
	static const char *const inits[] = { "/sbin/init", "/etc/init", "/bin/init", "/bin/sh" };
	struct user_program prog;
	const char *name;
	long err = -ENOENT;
	unsigned int i;
	int status;

	mount_root();
	if (init_path) {
		err = try_init(init_path);
		if (err)
			no_boot(127, "Requested init failed:", init_path, err);
	} else {
		for (i = 0; i < 4 && err; i++)
			err = try_init(inits[i]);
		if (err)
			no_boot(127, "No working init found on /dev/lgba:", "try passing init= to the kernel", err);
	}
	root_booted = 1;
	for (name = argv[0] + strlen(argv[0]); name > argv[0] && name[-1] != '/'; name--)
		;
	prog.name = name;
	prog.image = __va(initrd_start);
	prog.size = initrd_size;
	status = run_program(&prog, argv);
	printk("init: %s exited with status %d\n", argv[0], status);
	power_off(status);
}
/*:*/

/*U:770 reboot(), the way every Linux system ends: busybox's poweroff, halt
 * and reboot ask init to shut down (it kills everything else and syncs),
 * and init, or any of them with -f, then makes this call.  It takes two
 * magic numbers, so that a stray system call cannot turn the machine off,
 * and a command.  Powering off is G:698's power_off(), with status 0: the
 * system went down because it was told to, which is success.  Halting is
 * the same here, since a Guest that stops without powering off is a
 * Launcher that never returns.  Restarting is a message the Launcher knows
 * (L:205): it starts the Guest again from the kernel's first instruction,
 * as lguest's Launcher did by executing itself anew.  Everything the disk
 * holds is already on it (U:705); there is nothing to flush.  The
 * Ctrl-Alt-Del switch init turns off first thing has no keyboard here, and
 * so nothing to switch. */
#define REBOOT_MAGIC1       0xFEE1DEAD
#define REBOOT_CMD_RESTART  0x01234567
#define REBOOT_CMD_HALT     0xCDEF0123
#define REBOOT_CMD_POWEROFF 0x4321FEDC
#define REBOOT_CMD_CAD_ON   0x89ABCDEF
#define REBOOT_CMD_CAD_OFF  0x00000000

long sys_reboot(u32 magic1, u32 magic2, u32 cmd, u32 d, u32 e, u32 f)
{
	if (magic1 != REBOOT_MAGIC1
	    || (magic2 != 672274793 && magic2 != 85072278 && magic2 != 369367448 && magic2 != 537993216))
		return -EINVAL;
	switch (cmd) {
	case REBOOT_CMD_CAD_ON:
	case REBOOT_CMD_CAD_OFF:
		return 0;
	case REBOOT_CMD_HALT:
	case REBOOT_CMD_POWEROFF:
		printk("reboot: Power down\n");
		power_off(0);
	case REBOOT_CMD_RESTART:
		printk("reboot: Restarting system\n");
		restart();
	}
	return -EINVAL;
}
/*:*/

/*U:775 What init finds on the disk of `make rootfs`, and what `make run`
 * boots: busybox's init, which reads /etc/inittab (src/guest/rootfs/etc in
 * the sources).  First its sysinit line, /etc/init.d/rcS, waited for: it
 * mounts /proc (which says yes and changes nothing, U:785), names the
 * machine from /etc/hostname (sethostname(), which uname() then reports),
 * and configures eth0 if the Guest has one.  (/etc/hosts gives that name,
 * and localhost, an address, since there is no DNS server to ask.)  Then, once and not waited for,
 * /etc/init.d/console, which runs a login shell on the console and powers
 * off when it ends.  "Not waited for" matters: busybox init blocks the
 * signals that halt, reboot and poweroff send it and takes them with
 * rt_sigtimedwait() (U:768) only between the things it waits for, so a
 * shell it waited for would postpone a typed "poweroff" until the shell
 * ended.  The "-" in front of the command asks init to make the console
 * the shell's controlling terminal (TIOCSCTTY, U:840): a shell on a
 * terminal then has job control, one on a pipe reads its commands from the
 * pipe and ends with it.
 *
 * The shutdown is busybox's own: SIGTERM to everybody but init, a second's
 * grace, SIGKILL, sync, and reboot() (U:770) from a child, since Linux
 * would turn a process 1 that called it and exited into a panic. :*/
