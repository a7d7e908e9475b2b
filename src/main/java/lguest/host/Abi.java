package lguest.host;

/**
 * The Java mirror of src/guest/include/lguest.h and of lguest_launcher.h: hypercall
 * numbers, the layout of lguest_data, lguest_dma and the device descriptors, the
 * /dev/lguest request codes, and the error numbers the device returns.
 */
public final class Abi {
    private Abi() { }

    /*H:020 One treaty, two languages.  The Guest is C and reads its numbers from
     * lguest.h; the Host is Java and reads them from here.  If the two ever
     * disagree the Guest asks for one thing and the Host does another, and that kind
     * of bug is found late and blamed on everything else.  So every number below
     * that lguest.h also writes is checked against it: AbiTest compiles a C program
     * against the header with gcc -S, reads each value back from the assembly (the
     * program is never run), and reports every one that differs.  What the header
     * does not write (the /dev/lguest requests, the error numbers, the TSS slots, the
     * IRQ count and the first IRQ vector) the Java side keeps alone.  The numbers
     * themselves are below, outside the story: a table is not a tale. :*/
    public static final int LHCALL_FLUSH_ASYNC = 0, LHCALL_LGUEST_INIT = 1, LHCALL_CRASH = 2,
            LHCALL_LOAD_GDT = 3, LHCALL_NEW_PGTABLE = 4, LHCALL_FLUSH_TLB = 5, LHCALL_LOAD_IDT_ENTRY = 6,
            LHCALL_SET_STACK = 7, LHCALL_TS = 8, LHCALL_SET_CLOCKEVENT = 9, LHCALL_HALT = 10,
            LHCALL_BIND_DMA = 12, LHCALL_SEND_DMA = 13, LHCALL_SET_PTE = 14, LHCALL_SET_PMD = 15,
            LHCALL_LOAD_TLS = 16, LHCALL_LOAD_LDT = 17;
    public static final int LGUEST_TRAP_ENTRY = 0x1F;
    public static final int LHCALL_RING_SIZE = 64;

    /* struct lguest_data */
    public static final int LD_IRQ_ENABLED = 0, LD_BLOCKED_INTERRUPTS = 4, LD_CR2 = 8, LD_TIME = 12,
            LD_HCALL_STATUS = 20, LD_HCALLS = 84, LD_RESERVE_MEM = 1108, LD_GUESTID = 1112,
            LD_TSC_KHZ = 1116, LD_NOIRQ_START = 1120, LD_NOIRQ_END = 1124, LD_SIZE = 1128;
    /** struct hcall_args: eax, edx, ebx, ecx, 16 bytes each. */
    public static final int HCALL_ARGS_SIZE = 16;

    /* The boot parameters (Linux's zero page) and the command line the Launcher writes. */
    public static final int BOOT_E820_ENTRIES = 0x1E8, BOOT_RAMDISK_IMAGE = 0x218, BOOT_RAMDISK_SIZE = 0x21C,
            BOOT_CMD_LINE_PTR = 0x228, BOOT_SUBARCH = 0x23C, BOOT_E820_MAP = 0x2D0, BOOT_CMD_LINE = 4096,
            E820_RAM = 1, COMMAND_LINE_SIZE = 2048, MAX_RAM = 0x38000000;

    /* struct lguest_dma */
    public static final int LGUEST_MAX_DMA_SECTIONS = 16;
    public static final int DMA_USED_LEN = 0, DMA_ADDR = 4, DMA_LEN = 68, DMA_SIZE = 100;

    /* The bus: struct lguest_device_desc */
    public static final int LGUEST_MAX_DEVICES = 16;
    public static final int DESC_TYPE = 0, DESC_FEATURES = 2, DESC_STATUS = 4, DESC_NUM_PAGES = 6,
            DESC_PFN = 8, DESC_SIZE = 12;
    public static final int LGUEST_DEVICE_T_CONSOLE = 1, LGUEST_DEVICE_T_NET = 2, LGUEST_DEVICE_T_BLOCK = 3;
    public static final int LGUEST_DEVICE_S_ACKNOWLEDGE = 1, LGUEST_DEVICE_S_DRIVER = 2,
            LGUEST_DEVICE_S_DRIVER_OK = 4, LGUEST_DEVICE_S_REMOVED = 8, LGUEST_DEVICE_S_REMOVED_ACK = 16,
            LGUEST_DEVICE_S_FAILED = 128;
    /** lguest_bus: a device that can feed the entropy pool. */
    public static final int LGUEST_DEVICE_F_RANDOMNESS = 0x8000;
    /** Ours: the console is a terminal (the Launcher's stdin is one), L:330. */
    public static final int LGUEST_DEVICE_F_TTY = 0x0001;

    /* lguest_launcher.h: the requests written to /dev/lguest. */
    public static final int LHREQ_INITIALIZE = 0, LHREQ_GETDMA = 1, LHREQ_IRQ = 2, LHREQ_BREAK = 3;
    public static final int LGUEST_IRQS = 32;
    /** The console's key, in 2.6.23 a plain 0. */
    public static final int LGUEST_CONSOLE_DMA_KEY = 0;

    /* The block device's page (lguest_launcher.h, struct lguest_block_page). */
    public static final int BLK_TYPE = 0, BLK_SECTOR = 4, BLK_BYTES = 8, BLK_RESULT = 12, BLK_NUM_SECTORS = 16;

    /* Linux error numbers, returned negated as the kernel does. */
    public static final int EPERM = 1, ENOENT = 2, EAGAIN = 11, ENOMEM = 12, EFAULT = 14, EBUSY = 16,
            EINVAL = 22, ENOSPC = 28, ERESTARTSYS = 512;

    /* Segments (include/asm-i386/segment.h as lguest used it). */
    public static final int GDT_ENTRIES = 32, GDT_ENTRY_TLS_MIN = 6, GDT_ENTRY_TLS_ENTRIES = 3,
            GDT_ENTRY_LGUEST_CS = 10, GDT_ENTRY_LGUEST_DS = 11, GDT_ENTRY_KERNEL_CS = 12,
            GDT_ENTRY_KERNEL_DS = 13, GDT_ENTRY_TSS = 16, GDT_ENTRY_LDT = 17, GDT_ENTRY_DOUBLEFAULT_TSS = 31;
    public static final int LDT_ENTRIES = 16;
    public static final int LGUEST_CS = GDT_ENTRY_LGUEST_CS * 8, LGUEST_DS = GDT_ENTRY_LGUEST_DS * 8,
            KERNEL_CS = GDT_ENTRY_KERNEL_CS * 8, KERNEL_DS = GDT_ENTRY_KERNEL_DS * 8;
    public static final int GUEST_PL = 1;
    public static final int SYSCALL_VECTOR = 0x80, FIRST_EXTERNAL_VECTOR = 32;
}
