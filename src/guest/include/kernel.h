/* The Guest kernel's own declarations: what one file of the kernel offers the
 * others.  The ABI shared with the Host is not here but in lguest.h; nothing in
 * this header is seen by anybody outside src/guest. */
#ifndef GUEST_KERNEL_H
#define GUEST_KERNEL_H

#include "lguest.h"

#define PAGE_OFFSET LGUEST_PAGE_OFFSET
#define PAGE_SIZE   4096
#define PAGE_SHIFT  12

/* Page-table entry bits, as the i686 defines them. */
#define PTE_PRESENT  0x001
#define PTE_RW       0x002
#define PTE_USER     0x004
#define PTE_PWT      0x008
#define PTE_ACCESSED 0x020
#define PTE_DIRTY    0x040
#define PTE_PSE      0x080
#define PTE_GLOBAL   0x100

#define X86_EFLAGS_IF 0x200
#define COMMAND_LINE_SIZE 256

#define KERNEL_CS LGUEST_KERNEL_CS
#define KERNEL_DS LGUEST_KERNEL_DS
#define USER_CS   LGUEST_USER_CS
#define USER_DS   LGUEST_USER_DS

/* head.S has one 16-byte entry stub for each of the first 64 vectors. */
#define TRAP_STUB_SIZE 16
#define TRAP_STUB_COUNT 64

#ifndef __ASSEMBLER__
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define NULL ((void *)0)

/* All of RAM appears at PAGE_OFFSET, exactly as the Launcher's initial page
 * tables map it, so a physical address and its kernel virtual address differ
 * by this constant and nothing else. */
#define __pa(v) ((unsigned long)(v) - PAGE_OFFSET)
#define __va(p) ((void *)((unsigned long)(p) + PAGE_OFFSET))

/* Interrupt vectors: IRQ n arrives at 32+n; system calls at 0x80. */
#define FIRST_EXTERNAL_VECTOR 32
#define NR_IRQS 32
#define SYSCALL_VECTOR 0x80

/* The registers as the trap entry code in head.S leaves them on the stack:
 * what it pushed, then what the CPU (or the Host) pushed.  esp and ss are
 * only there when the trap came from ring 3. */
struct trap_frame {
	u32 ebx, ecx, edx, esi, edi, ebp, eax, es, ds;
	u32 vector, errcode;
	u32 eip, cs, eflags;
	u32 esp, ss;
};

/* Compiler barrier: keeps gcc from moving memory accesses across it. */
#define barrier() __asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x) (*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/* lguest.c: the paravirt layer. */
extern struct lguest_data lguest_data;
extern unsigned long ram_size, max_pfn;
extern char boot_command_line[COMMAND_LINE_SIZE];
extern unsigned long initrd_start, initrd_size;
unsigned long hcall(unsigned long call, unsigned long arg1,
		    unsigned long arg2, unsigned long arg3);
void lazy_hcall(unsigned long call, unsigned long arg1,
		unsigned long arg2, unsigned long arg3);
void lazy_mode_enter(void);
void lazy_mode_leave(void);
unsigned long irq_save(void);
void irq_restore(unsigned long flags);
void irq_enable(void);
void irq_disable(void);
void safe_halt(void);
void load_idt_entry(unsigned int vector, unsigned long handler, unsigned int type_dpl);
void load_tls(const u64 *tls);
void set_kernel_stack(unsigned long top, unsigned int pages);
void set_ts(int on);
void set_clockevent(unsigned long ns);
unsigned long read_cr2(void);
void kernel_main(void);
void early_hook(void);

/* head.S */
extern char lguest_noirq_start[], lguest_noirq_end[];
extern char trap_stubs[], trap_stubs_end[], syscall_entry[];
extern char __bss_start[], __bss_end[], _end[], _text[];
int enter_user(unsigned long eip, unsigned long esp);
void leave_user(int status) __attribute__((noreturn));

/* mm.c: pages and page tables. */
void *alloc_page(void);
void mm_init(void);
unsigned long kernel_pgdir_pa(void);
void map_page(unsigned long vaddr, unsigned long paddr, unsigned long flags);
unsigned long lookup_pte(unsigned long vaddr);
void flush_tlb_user(void);
extern unsigned long *kernel_pgdir;

/* traps.c: traps, interrupts and system calls. */
void trap_init(void);
void time_init(void);
typedef void (*irq_handler_t)(unsigned int irq, void *arg);
void request_irq(unsigned int irq, irq_handler_t handler, void *arg);
void trap_dispatch(struct trap_frame *regs);
extern volatile unsigned long timer_ticks;
void msleep(unsigned long ms);
void wait_until(int (*done)(void *), void *arg);

/* process.c: the one user process. */
struct user_program {
	const char *name;
	const u8 *image;
	unsigned long size;
};
int run_program(const struct user_program *prog);
void do_syscall(struct trap_frame *regs);
void user_fault(struct trap_frame *regs, const char *what) __attribute__((noreturn));
void lguest_init(const u8 *boot);

/* printk.c */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprintf(char *buf, unsigned long size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void power_off(int status) __attribute__((noreturn));
void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);
unsigned long strlen(const char *s);
int memcmp(const void *a, const void *b, unsigned long n);

/* crc32.c */
u32 crc32(u32 crc, const void *buf, unsigned long len);

/* bus.c, console.c, block.c: the drivers. */
struct lguest_device {
	unsigned int index;               /* slot in the descriptor page */
	unsigned int irq;                 /* index + 1 */
	struct lguest_device_desc *desc;  /* in the descriptor page */
	void *private;
};
struct lguest_driver {
	const char *name;
	unsigned short device_type;
	int (*probe)(struct lguest_device *dev);
};
void lguest_bus_init(void);
void lguest_bus_probe(const struct lguest_driver *drivers[], unsigned int n);
void *lguest_map_pages(unsigned long pfn, unsigned int pages);
int lguest_bind_dma(unsigned long key, struct lguest_dma *dmas, unsigned int num, unsigned int irq);
void lguest_send_dma(unsigned long key, struct lguest_dma *dma);
extern const struct lguest_driver console_driver, block_driver;
void console_write(const char *s, unsigned long len);
int console_read(char *buf, unsigned long len);
int console_ready(void);
int block_read(unsigned int sector, void *buf, unsigned long bytes);
int block_write(unsigned int sector, const void *buf, unsigned long bytes);
unsigned long block_sectors(void);
int block_present(void);

#endif /* !__ASSEMBLER__ */
#endif /* GUEST_KERNEL_H */
