/*P:110 src/guest/include/ holds the Guest's headers.  lguest.h is the treaty
 * between the Guest and the Host: the hypercall numbers, the lguest_data page
 * they share, and the shapes of DMA buffers and device descriptors, all as in
 * Linux 2.6.23.  It is C because the Guest is C, and it is where nearly all
 * those numbers are written: the Java Host mirrors them in lguest.host.Abi,
 * and a test (AbiTest) compiles this header and fails the day the hypercall
 * numbers, or the layouts of the shared page, DMA buffers, device descriptors
 * and boot page, disagree.  The few that belong to one driver live in it (the
 * console's end-of-input length in console.c, the network's NOCSUM bit and
 * slot count in net/lguest_net.c), mirrored by hand in the Launcher's
 * Console.java and NetDevice.java.  kernel.h is what one file of the
 * kernel offers the others.  file.h, fs.h and ext2.h are the seams inside the
 * Unix: between processes and the file system, between the system-call table
 * and the file system's calls, and between names and the disk format. :*/
#ifndef LGUEST_ABI_H
#define LGUEST_ABI_H

/*G:010 Part II, the Guest.  A normal kernel starts on bare hardware and takes
 * what it needs: it loads page tables into CR3, interrupt tables into the IDT,
 * turns interrupts on and off with a single instruction.  Our Guest runs in ring
 * 1, where every one of those instructions faults.  So it is written to know
 * what it is: at each place where a kernel would touch the machine, it asks
 * the Host instead, with a hypercall, or by writing a field of a page the two
 * share.  This part follows the Guest from the first instruction after the
 * magic string, through the hypercalls it lives on, to the places where its
 * processes meet the Host and the small demonstration `make demo` shows.  The
 * Unix it runs busybox on is a story of its own, in the Unix appendix; its
 * devices are the next part's. :*/

/* The hypercalls.  A Guest makes one with "int $0x1F", the call number in
 * %eax and up to three arguments in %edx, %ebx and %ecx; the result comes back
 * in %eax.  Numbers are part of the ABI: never renumber. */
#define LHCALL_FLUSH_ASYNC      0
#define LHCALL_LGUEST_INIT      1
#define LHCALL_CRASH            2
#define LHCALL_LOAD_GDT         3
#define LHCALL_NEW_PGTABLE      4
#define LHCALL_FLUSH_TLB        5
#define LHCALL_LOAD_IDT_ENTRY   6
#define LHCALL_SET_STACK        7
#define LHCALL_TS               8
#define LHCALL_SET_CLOCKEVENT   9
#define LHCALL_HALT            10
/* 11 is unused in 2.6.23: the Host answers it with "Bad hypercall". */
#define LHCALL_BIND_DMA        12
#define LHCALL_SEND_DMA        13
#define LHCALL_SET_PTE         14
#define LHCALL_SET_PMD         15
#define LHCALL_LOAD_TLS        16
/* Ours: 2.6.23 had no LDT.  LOAD_LDT(address, entries) hands over a
 * process's local descriptor table (modify_ldt), H:520. */
#define LHCALL_LOAD_LDT        17

#define LGUEST_TRAP_ENTRY    0x1F

/* The async hypercall ring: calls queued by the Guest, run by the Host on its
 * next exit.  A status byte of 0xFF means "slot free". */
#define LHCALL_RING_SIZE       64

#ifndef __ASSEMBLER__
struct hcall_args {
	unsigned int eax, edx, ebx, ecx;
};

struct lguest_time {
	unsigned int seconds;
	unsigned int nanoseconds;
};

/* The page the Guest and the Host share, registered by LGUEST_INIT. */
struct lguest_data {
	unsigned int irq_enabled;          /* virtual IF: 0x200 or 0 */
	unsigned int blocked_interrupts;   /* one bit per virtual IRQ */
	unsigned long cr2;                 /* written by the Host on a reflected #PF */
	struct lguest_time time;           /* written by the Host */
	unsigned char hcall_status[LHCALL_RING_SIZE];
	struct hcall_args hcalls[LHCALL_RING_SIZE];
	unsigned long reserve_mem;         /* the Host keeps the top this many bytes */
	unsigned short guestid;
	unsigned long tsc_khz;
	unsigned long noirq_start, noirq_end; /* no interrupts while EIP is in here */
};
#endif /* !__ASSEMBLER__ */

/*D:010 Part III, the Drivers.  The Guest has no devices of its own, only a
 * page of descriptors the Launcher wrote just above its memory, and one way to
 * talk: DMA.  A driver describes a buffer as up to sixteen (address, length)
 * pieces of its own physical memory and either sends it to a key (SEND_DMA) or
 * offers it to receive at a key (BIND_DMA).  The console and the block device
 * are each that one trick with a different protocol on top, which is why both
 * drivers fit in a few hundred lines.  (lguest had a third, for a network
 * of Guests; so does this one, at the end of this part, D:600.) :*/

#define LGUEST_MAX_DMA_SECTIONS 16

#ifndef __ASSEMBLER__
struct lguest_dma {
	unsigned long used_len;            /* 0 while the buffer is free */
	unsigned long addr[LGUEST_MAX_DMA_SECTIONS];
	unsigned short len[LGUEST_MAX_DMA_SECTIONS]; /* a 0 ends the list */
};
#endif /* !__ASSEMBLER__ */

/* The device page: LGUEST_MAX_DEVICES descriptors at guest-physical
 * max_pfn * 4096. */
#define LGUEST_MAX_DEVICES 16
#define LGUEST_DEVICE_T_CONSOLE 1
#define LGUEST_DEVICE_T_NET     2
#define LGUEST_DEVICE_T_BLOCK   3

#define LGUEST_DEVICE_S_ACKNOWLEDGE 1
#define LGUEST_DEVICE_S_DRIVER      2
#define LGUEST_DEVICE_S_DRIVER_OK   4
#define LGUEST_DEVICE_S_REMOVED     8
#define LGUEST_DEVICE_S_REMOVED_ACK 16
#define LGUEST_DEVICE_S_FAILED      128

/* Feature bits in a descriptor's features.  RANDOMNESS is lguest's own (the
 * device may feed the entropy pool; the console has it).  TTY is ours, not
 * lguest's: on the console it says the Launcher's standard input is a
 * terminal, so the Guest should make its console one too (console.c, L:330). */
#define LGUEST_DEVICE_F_TTY         0x0001
#define LGUEST_DEVICE_F_RANDOMNESS  0x8000

#ifndef __ASSEMBLER__
struct lguest_device_desc {
	unsigned short type;
	unsigned short features;
	unsigned short status;
	unsigned short num_pages;
	unsigned int pfn;
};
#endif /* !__ASSEMBLER__ */


/* Added for the first Guest kernel (see src/guest/BOOT.md for the whole
 * contract).  Everything below is also ABI: the Launcher and the Host must
 * agree with it. */

/* Where the kernel lives.  The Launcher loads each PT_LOAD segment at its
 * p_paddr and takes page_offset = p_vaddr - p_paddr; the Guest's entry point
 * is the byte after the first occurrence of LGUEST_MAGIC in the loaded image. */
#define LGUEST_PAGE_OFFSET   0xC0000000
#define LGUEST_KERNEL_PHYS   0x00100000
#define LGUEST_MAGIC         "GenuineLguest"

/* The boot parameters ("zero page") the Launcher writes at physical 0,
 * at the offsets of Linux's struct boot_params. */
#define LGUEST_BOOT_E820_ENTRIES   0x1E8  /* u8: number of e820 entries (1) */
#define LGUEST_BOOT_RAMDISK_IMAGE  0x218  /* u32: initrd physical start, 0 if none */
#define LGUEST_BOOT_RAMDISK_SIZE   0x21C  /* u32: initrd size in bytes */
#define LGUEST_BOOT_CMD_LINE_PTR   0x228  /* u32: physical address of the command line */
#define LGUEST_BOOT_SUBARCH        0x23C  /* u32: 1 (lguest) */
#define LGUEST_BOOT_E820_MAP       0x2D0  /* {u64 addr, u64 size, u32 type} entries */
#define LGUEST_BOOT_CMD_LINE       4096   /* where the Launcher puts the command line */
#define LGUEST_COMMAND_LINE_SIZE   2048   /* the most the Guest keeps, its NUL included */
#define LGUEST_MAX_RAM       0x38000000   /* 896 MiB: the most RAM the Guest can use */
#define LGUEST_E820_RAM            1

/* Segment selectors.  The Host starts the Guest with cs = LGUEST_KERNEL_CS and
 * ds = es = ss = LGUEST_KERNEL_DS (GDT entries 12 and 13, requested privilege
 * level 1).  Entries 10 and 11 are the Host's own (privilege 0); 16 and 31 are
 * the TSSs; 6 to 8 are thread-local storage, set by LHCALL_LOAD_TLS. */
#define LGUEST_GDT_ENTRIES   32
#define LGUEST_TLS_MIN       6
#define LGUEST_TLS_ENTRIES   3
/* The LDT the Host keeps for the Guest: at most this many entries, and the
 * Host's GDT entry 17 describes it (so a Guest's LOAD_GDT cannot). */
#define LGUEST_LDT_ENTRIES   16
#define LGUEST_GDT_ENTRY_LDT 17
#define LGUEST_HOST_CS       0x50
#define LGUEST_HOST_DS       0x58
#define LGUEST_KERNEL_CS     0x61
#define LGUEST_KERNEL_DS     0x69
#define LGUEST_USER_CS       0x73
#define LGUEST_USER_DS       0x7b
#define LGUEST_SWITCHER_ADDR 0xFFC00000
#define LGUEST_SYSCALL_VECTOR 0x80

/* The console's key: output is a SEND_DMA to it, input arrives in the one
 * buffer bound at it. */
#define LGUEST_CONSOLE_DMA_KEY 0
#define LGUEST_CONSOLE_INPUT_BYTES 256

/* The block device's page, at the pfn its descriptor names.  The Guest
 * binds one DMA buffer at the page's physical address (the key) and has
 * one request in flight. */
#define LGUEST_BLOCK_READ   0
#define LGUEST_BLOCK_WRITE  1
#define LGUEST_BLOCK_PENDING 0
#define LGUEST_BLOCK_OK      1
#define LGUEST_BLOCK_ERROR   2
#define LGUEST_SECTOR_SIZE   512

#ifndef __ASSEMBLER__
struct lguest_block_page {
	int type;                  /* LGUEST_BLOCK_READ or _WRITE, set by the Guest */
	unsigned int sector;       /* offset on the device = sector * 512 */
	unsigned int bytes;        /* length of the request */
	int result;                /* 0 pending, 1 done, 2 error: set by the Launcher */
	unsigned int num_sectors;  /* size of the device, set by the Launcher */
};
#endif

/* Power off: LHCALL_CRASH with the message "Power down" means status 0;
 * "Power down N" (N in decimal) means status N.  Any other CRASH message is
 * a panic. */
#define LGUEST_POWER_DOWN "Power down"
/* LHCALL_CRASH with "Restarting": the Launcher starts the Guest again. */
#define LGUEST_RESTART "Restarting"
#define LGUEST_CRASH_MESSAGE_MAX 128

/* The sizes and offsets the Host relies on, checked when the Guest builds. */
#ifndef __ASSEMBLER__
_Static_assert(sizeof(struct lguest_data) == 1128, "lguest_data is 1128 bytes");
_Static_assert(__builtin_offsetof(struct lguest_data, hcall_status) == 20, "hcall_status at 20");
_Static_assert(__builtin_offsetof(struct lguest_data, hcalls) == 84, "hcalls at 84");
_Static_assert(__builtin_offsetof(struct lguest_data, reserve_mem) == 1108, "reserve_mem at 1108");
_Static_assert(__builtin_offsetof(struct lguest_data, noirq_start) == 1120, "noirq_start at 1120");
_Static_assert(sizeof(struct lguest_dma) == 100, "lguest_dma is 100 bytes");
_Static_assert(sizeof(struct lguest_device_desc) == 12, "a device descriptor is 12 bytes");
_Static_assert(sizeof(struct lguest_block_page) == 20, "the block page header is 20 bytes");

#endif /* !__ASSEMBLER__ */

#endif /* LGUEST_ABI_H */
