/* src/guest/main.c is what this kernel is for: a short demonstration
 * that every piece works, in the order a test can check from the console. */
#include "kernel.h"

extern const u8 user_hello[], user_hello_end[];

static const struct lguest_driver *const drivers[] = { &console_driver, &block_driver };

static u8 sector_buffer[16 * LGUEST_SECTOR_SIZE] __attribute__((aligned(PAGE_SIZE)));

/*G:705 With an initrd that is a program, the kernel has a better use for
 * itself than the demonstration: it runs that program as its first and only
 * process, with the arguments from after "--" on the command line, and
 * powers off with its exit status.  That is what makes
 *
 *	bin/lguest 64m target/guest/kernel --initrd=busybox quiet -- echo hi
 *
 * behave like "busybox echo hi" on the machine that runs it: the same
 * output, the same exit status.  (busybox takes argv[0] as the name of the
 * applet to run, which is why there is no "busybox" in that line.)  An
 * initrd that is not an ELF file is left alone, for whatever later kernels
 * will make of it. */
static void __attribute__((noreturn)) run_init(char **argv)
{
	struct user_program init = {
		argv[0], __va(initrd_start), initrd_size
	};
	int status = run_program(&init, argv);

	printk("init: %s exited with status %d\n", argv[0], status);
	power_off(status);
}
/*:*/

/*G:700 The demonstration, which is what `make run` shows.  First a banner
 * with what the Launcher gave us (memory and command line), then the devices
 * on the bus, then proof that the timer and the disk work (the CRC-32 of the
 * first 16 sectors, in a form a test can recompute from the image file), then
 * a program in ring 3 that writes a line with a system call and exits.  Its
 * exit status becomes ours: the kernel powers off with it.
 *
 * Each line is one a test can look for, so their wording is part of the
 * contract in BOOT.md. */
void kernel_main(void)
{
	struct user_program hello = {
		"hello", user_hello, (unsigned long)(user_hello_end - user_hello)
	};
	char **argv = parse_command_line(boot_command_line);
	int status;

	if (ram_size & ((1UL << 20) - 1))
		printk("lguest guest kernel: %lu KiB of RAM, command line \"%s\"\n",
		       ram_size >> 10, boot_command_line);
	else
		printk("lguest guest kernel: %lu MiB of RAM, command line \"%s\"\n",
		       ram_size >> 20, boot_command_line);
	if (initrd_size)
		printk("initrd: %lu bytes at %#lx\n", initrd_size, initrd_start);

	lguest_bus_init();
	lguest_bus_probe((const struct lguest_driver **)drivers, 2);

	if (initrd_size >= 4 && !memcmp(__va(initrd_start), "\177ELF", 4))
		run_init(argv);

	msleep(10);
	printk("timer: woke up from a 10 ms one-shot\n");

	if (!block_present()) {
		printk("lgba: no block device\n");
	} else {
		unsigned int n = block_sectors() < 16 ? block_sectors() : 16;

		if (block_read(0, sector_buffer, n * LGUEST_SECTOR_SIZE) < 0)
			printk("lgba: read error\n");
		else
			printk("lgba: crc32(sectors 0-%u) = %08x\n", n - 1,
			       crc32(0, sector_buffer, n * LGUEST_SECTOR_SIZE));
	}

	status = run_program(&hello, (char *[]){ "hello", NULL });
	printk("init: %s exited with status %d\n", hello.name, status);
	power_off(status);
}
/*:*/

/*G:990 That is the whole Guest: it boots, makes itself at home in ring 1,
 * finds its devices, mounts its disk, and runs Debian's busybox, unmodified:
 * processes that fork, exec, wait and signal each other, pipes between them,
 * files on ext2, until the first process exits and the Guest turns itself
 * off.  At no point does it execute an instruction only a ring-0 kernel may,
 * and every one of those system calls was answered without the Host hearing
 * of it: the Host only saw the page tables change, the clock set, a disk
 * request or a line of output, through the handful of doors you have now
 * seen.  What a Linux kernel adds on top (threads, copy-on-write, a network
 * stack) needs more of the same, not anything different. :*/
