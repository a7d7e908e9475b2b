/* src/guest/main.c is what this kernel is for: a short demonstration
 * that every piece works, in the order a test can check from the console. */
#include "kernel.h"

extern const u8 user_hello[], user_hello_end[];

static const struct lguest_driver *const drivers[] = { &console_driver, &block_driver, &net_driver };

static u8 sector_buffer[16 * LGUEST_SECTOR_SIZE] __attribute__((aligned(PAGE_SIZE)));

static void __attribute__((noreturn)) run_init(char **argv);
static void __attribute__((noreturn)) demonstration(void);

/*G:700 Back to where lguest_init() left off (G:070): its last call was
 * kernel_main(), which is what this kernel is for.  It says hello first, with
 * what the Launcher gave it (memory and command line), then finds its devices
 * on the bus (the next part's story), and then does one of three things.
 * Given an initrd that is a program, it runs that program; told
 * "root=/dev/lgba", it boots from the disk as Linux does (U:760), which is
 * what `make run` shows; given neither, it runs the demonstration of
 * `make demo`.
 *
 * Every line it prints is one a test looks for, so their wording is part
 * of the contract in BOOT.md. */
void kernel_main(void)
{
	char **argv = parse_command_line(boot_command_line);

	boot_ns = monotonic_ns();

	if (ram_size & ((1UL << 20) - 1))
		printk("lguest guest kernel: %lu KiB of RAM, command line \"%s\"\n",
		       ram_size >> 10, boot_command_line);
	else
		printk("lguest guest kernel: %lu MiB of RAM, command line \"%s\"\n",
		       ram_size >> 20, boot_command_line);
	if (initrd_size)
		printk("initrd: %lu bytes at %#lx\n", initrd_size, initrd_start);

	lguest_bus_init();
	lguest_bus_probe((const struct lguest_driver **)drivers, 3);

	if (initrd_size >= 4 && !memcmp(__va(initrd_start), "\177ELF", 4))
		run_init(argv);
	if (root_device)
		boot_from_root();
	demonstration();
}
/*:*/

/*G:702 The demonstration is a roll-call, one line each: the
 * clock (a 10 ms one-shot that has to wake a halted Guest), the disk (the
 * CRC-32 of its first 16 sectors, which `make demo` then recomputes on the
 * host from the image file, for you to compare), and ring 3 (a program that
 * writes a line with a system call and exits).  That program's exit status
 * becomes ours: the kernel powers off with it, and the Launcher exits with
 * it. */
static void demonstration(void)
{
	struct user_program hello = {
		"hello", user_hello, (unsigned long)(user_hello_end - user_hello)
	};
	int status;

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

/*G:708 With an initrd that is a program, the kernel has a better use for
 * itself than the demonstration: it runs that program as its first process,
 * with the arguments from after "--" on the command line, and powers off
 * with its exit status.  That is what makes
 *
 *	bin/lguest 64m target/guest/kernel --initrd=busybox quiet -- echo hi
 *
 * behave like "busybox echo hi" on the machine that runs it: the same
 * output, the same exit status.  (busybox takes argv[0] as the name of the
 * applet to run, which is why there is no "busybox" in that line.)  An
 * initrd that is not an ELF file is left alone, for whatever later kernels
 * will make of it. */
static void run_init(char **argv)
{
	struct user_program init = {
		argv[0], __va(initrd_start), initrd_size
	};
	int status = run_program(&init, argv);

	printk("init: %s exited with status %d\n", argv[0], status);
	power_off(status);
}
/*:*/

/*G:990 And that is the Guest, as far as it is a guest.  It started on the
 * byte after a magic string, in ring 1, with no stack; it introduced itself
 * with LGUEST_INIT and from then on asked for everything a native kernel
 * would simply take: its segments, its gates, its page tables, its clock,
 * the TS bit, even permission to halt.  It keeps its interrupt flag in a
 * word of memory and guards the two places where that could go wrong with a
 * window the Host promises not to interrupt.  Its programs' system calls
 * come in through a gate the Host set up once and never hears of again, and
 * everything else, from mapping a page to switching a process, reaches the
 * Host as a hypercall, most of them batched into one exit.  At no point does
 * it execute an instruction that only ring 0 may.  (The Unix that busybox
 * runs on, which the Host never needs to hear about, has its own appendix.)
 *
 * One thing it cannot ask the Host for is a device.  There is no disk
 * controller to program and no serial port to poke, only a page of
 * descriptors above its memory and a way to move bytes.  How a Guest turns
 * those into a console and a disk is the next part: Drivers. :*/
