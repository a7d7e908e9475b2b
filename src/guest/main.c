/*P:155 src/guest/main.c is what this kernel is for: a short demonstration
 * that every piece works, in the order a test can check from the console. :*/
#include "kernel.h"

extern const u8 user_hello[], user_hello_end[];

static const struct lguest_driver *const drivers[] = { &console_driver, &block_driver };

static u8 sector_buffer[16 * LGUEST_SECTOR_SIZE] __attribute__((aligned(PAGE_SIZE)));

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

	status = run_program(&hello);
	printk("init: %s exited with status %d\n", hello.name, status);
	power_off(status);
}
/*:*/

/*G:990 That is the whole Guest of this first cut: it boots, makes itself at
 * home in ring 1, finds its devices, reads its disk, runs one program in
 * ring 3 and turns itself off, and at no point executes an instruction only
 * a ring-0 kernel may.  The shell prompt promised at the start of this part
 * needs more of the same, not anything different: a process table instead of
 * one process, an ext2 reader on top of block_read(), and enough of the Linux
 * system calls for busybox.  Every one of them will reach the Host through the
 * handful of doors you have now seen. :*/
