/* src/guest/lguest.c is the paravirt layer, the part of the Guest that
 * knows it is a Guest.  lguest put it in arch/i386/kernel/lguest.c, where it
 * filled in Linux's paravirt_ops table so the rest of Linux never noticed.  Our
 * kernel has no such table: it simply calls these functions where a native
 * kernel would execute cli, lidt, lgdt or a move to %cr3.  Everything that
 * crosses to the Host crosses here. */
#include "kernel.h"

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

/*G:110 The structure we share with the Host holds the machine state that
 * a ring-1 kernel cannot keep in the CPU.  We write the interrupt flag
 * (irq_enabled), the mask of interrupts we do not want yet
 * (blocked_interrupts) and the async hypercall ring; the Host writes cr2 for
 * page faults, the time, and what it tells us at LGUEST_INIT.
 *
 * Two initial values matter.  Every ring status byte starts at 0xFF, "free":
 * a zero would tell the Host there were 64 calls waiting for it, and it would
 * dutifully run 64 FLUSH_ASYNCs, the call numbered 0.  Harmless this time, but
 * a ring whose state the two sides disagree about is no place to start.  And
 * IRQ 0, the timer, is blocked until time_init() has a handler for it.
 *
 * The Host only checks that all 1128 bytes lie in our memory; it needs no
 * alignment.  Ours is page-aligned so that it sits at the start of the data
 * segment, at an address BOOT.md can name and a memory dump can find. */
struct lguest_data lguest_data
	__attribute__((aligned(4096), section(".data.page_aligned"))) = {
	.irq_enabled = 0,
	.blocked_interrupts = 1 << 0,
	.hcall_status = { [0 ... LHCALL_RING_SIZE - 1] = 0xFF },
};
/*:*/

unsigned long ram_size, max_pfn;
unsigned long initrd_start, initrd_size;
char boot_command_line[COMMAND_LINE_SIZE];

/*G:100 Each of those steps, like most of what this part shows, comes down
 * to a hypercall: a software interrupt to vector 0x1F, with the call number
 * in %eax and three arguments in %edx, %ebx and %ecx; the answer comes back
 * in %eax.  Its IDT gate has privilege 1, so our ring-1 kernel may use it
 * and our ring-3 programs may not (they get a general protection fault, as the
 * hostile guest "ring3-hcall" finds out).
 *
 * The "memory" clobber is not decoration.  Most hypercalls hand the Host a
 * physical address (a page table, a GDT, a DMA buffer) and the Host reads what
 * is there at that moment; gcc must have written everything to memory before
 * the int, and must reread anything afterwards, since the Host may have
 * written guest memory meanwhile. */
unsigned long hcall(unsigned long call, unsigned long arg1,
		    unsigned long arg2, unsigned long arg3)
{
	__asm__ __volatile__("int $" __stringify(LGUEST_TRAP_ENTRY)
			     : "=a"(call)
			     : "a"(call), "d"(arg1), "b"(arg2), "c"(arg3)
			     : "memory");
	return call;
}
/*:*/

/*G:120 The interrupt flag.  In ring 1 "cli" and "sti" fault (our I/O
 * privilege level is 0), and even if they did not, the real IF belongs to the
 * Host: it must take its own interrupts whatever we think.  So our IF is a
 * word in lguest_data, 0x200 (the IF bit's position in eflags, so a saved
 * eflags can be compared with it) or 0.  The Host reads it before it delivers
 * a virtual interrupt and clears it when it delivers one through an interrupt
 * gate, exactly as the CPU clears IF.
 *
 * Turning interrupts off is therefore a single store, which is why lguest
 * could patch these operations into one instruction each.  Turning them on
 * is a single store too, with a catch lguest documented: the Host only
 * notices a pending interrupt the next time it gets control, so "enable" does
 * not mean "deliver the waiting ones now".  They come at our next exit of any
 * kind: a hypercall, a trap, or the short tick the Host arms whenever it lets
 * us run with an interrupt still waiting.  The barriers keep gcc from moving
 * memory accesses out of the region the flag protects. */
unsigned long irq_save(void)
{
	unsigned long flags = READ_ONCE(lguest_data.irq_enabled);
	WRITE_ONCE(lguest_data.irq_enabled, 0);
	barrier();
	return flags;
}

void irq_restore(unsigned long flags)
{
	barrier();
	WRITE_ONCE(lguest_data.irq_enabled, flags);
}

void irq_disable(void)
{
	WRITE_ONCE(lguest_data.irq_enabled, 0);
	barrier();
}

void irq_enable(void)
{
	barrier();
	WRITE_ONCE(lguest_data.irq_enabled, X86_EFLAGS_IF);
}
/*:*/

/*G:200 Lazy hypercalls.  Some operations come in bursts: mapping a program
 * sets one page-table entry after another, a context switch changes the stack,
 * the TLS entries and the FPU flag together.  A hypercall each is an exit to
 * the Host each, and exits are what a hypervisor is slow at.  So, as lguest
 * did, we have a lazy mode: while it is on, these calls are written into a
 * ring of 64 slots in lguest_data instead of made, and the Host runs them all
 * at our next exit, whatever its cause (a hypercall, a page fault, a tick of
 * its own), before it does anything else for us.
 *
 * Each slot has a status byte: 0xFF means free (the Host sets it after running
 * the call), 0 means "waiting for the Host".  We fill in the arguments first
 * and flip the status last; the barrier stops gcc from reordering the two,
 * and on the i386 stores become visible in program order anyway.  If the slot
 * we want is still 0, the ring is full, and we simply make this call
 * synchronously: the Host empties the ring, in order, before it looks at a
 * synchronous call, so order is kept.
 *
 * Interrupts are off while we touch the ring, because an interrupt handler
 * could queue a call of its own and both would take the same slot.  That is
 * also why the ring is for one CPU only, as in lguest. */
static int lazy_mode;

static void async_hcall(unsigned long call, unsigned long arg1,
			unsigned long arg2, unsigned long arg3)
{
	/* LAB(async-hypercalls) { lab_missing("async-hypercalls", "G:200, G:210, H:210"); */
	static unsigned int next_call;
	unsigned long flags = irq_save();

	if (READ_ONCE(lguest_data.hcall_status[next_call]) != 0xFF) {
		hcall(call, arg1, arg2, arg3);
	} else {
		lguest_data.hcalls[next_call].eax = call;
		lguest_data.hcalls[next_call].edx = arg1;
		lguest_data.hcalls[next_call].ebx = arg2;
		lguest_data.hcalls[next_call].ecx = arg3;
		barrier();
		WRITE_ONCE(lguest_data.hcall_status[next_call], 0);
		if (++next_call == LHCALL_RING_SIZE)
			next_call = 0;
	}
	irq_restore(flags);
	/* LAB(async-hypercalls) } */
}

void lazy_hcall(unsigned long call, unsigned long arg1,
		unsigned long arg2, unsigned long arg3)
{
	if (lazy_mode)
		async_hcall(call, arg1, arg2, arg3);
	else
		hcall(call, arg1, arg2, arg3);
}
/*:*/

/*G:210 Leaving lazy mode is the moment the batched calls must take effect:
 * the code after it may depend on the new page-table entries.  FLUSH_ASYNC is
 * the hypercall that does nothing, and that is the point: every exit makes the
 * Host empty the ring, and this one exists only to cause an exit.
 *
 * Lazy mode does not nest: the first leave ends it.  So each of its few users
 * (loading a program, releasing one, copying one for fork(), switching
 * processes) keeps it to a stretch of code that calls none of the others,
 * and a flag is enough. */
void lazy_mode_enter(void)
{
	lazy_mode = 1;
}

void lazy_mode_leave(void)
{
	/* LAB(async-hypercalls) { lab_missing("async-hypercalls", "G:200, G:210, H:210"); */
	lazy_mode = 0;
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	/* LAB(async-hypercalls) } */
}
/*:*/

/*G:150 The IDT.  We cannot load an IDT register from ring 1, and the Host
 * would not let us anyway: the real IDT must send every trap it cares about
 * (page faults, protection faults, hypercalls) to the Switcher first.  So we
 * describe our gates one at a time with LOAD_IDT_ENTRY, in the i386's own
 * eight-byte format split into two words, and the Host decides what to do
 * with each: most become Switcher stubs that "reflect" the trap to us, but a
 * trap gate for vector 0x80 (or for most vectors below 32) can be copied into
 * the real IDT as is, so the CPU delivers it to us directly.
 *
 * The selector is our kernel code segment; the Host forces it to that anyway,
 * because a gate that pointed at the Host's own code segment would run our
 * handler in ring 0. */
void load_idt_entry(unsigned int vector, unsigned long handler, unsigned int type_dpl)
{
	/* LAB(guest-descriptors) { lab_missing("guest-descriptors", "G:150, G:160"); */
	u32 lo = ((u32)KERNEL_CS << 16) | (handler & 0xFFFF);
	u32 hi = (handler & 0xFFFF0000) | type_dpl;

	hcall(LHCALL_LOAD_IDT_ENTRY, vector, lo, hi);
	/* LAB(guest-descriptors) } */
}
/*:*/

/*G:160 The GDT.  The i386 insists on one, and lguest's Host keeps a real GDT
 * per Guest in the Switcher's pages: entries 10 and 11 are its own ring-0
 * segments, 16 and 31 are TSSs and 17 describes our LDT (H:520), and it
 * silently skips those.  The rest are ours.  We hand over all 32 entries with
 * LOAD_GDT; the Host copies the ones it allows and raises any privilege-0
 * segment to 1 (a Guest that asks for a ring-0 segment gets a ring-1 one, and
 * never the Host's).
 *
 * What we need is what every i386 Linux has: flat 4 GiB code and data
 * segments for the kernel (entries 12 and 13) and for user programs (14 and
 * 15).  Ours say privilege 1 for the kernel from the start; lguest's Guest
 * wrote 0 and let the Host raise it. */
static u64 gdt[LGUEST_GDT_ENTRIES] __attribute__((aligned(8)));

static u64 flat_segment(unsigned int dpl, int code)
{
	/* LAB(guest-descriptors) { lab_missing("guest-descriptors", "G:150, G:160"); return 0; */
	/* base 0, limit 0xFFFFF pages (4 GiB), present, accessed already (so
	 * the CPU never needs to write the descriptor), 32-bit, 4 KiB granular */
	u64 access = 0x80 | (dpl << 5) | 0x10 | (code ? 0x0B : 0x03);

	return 0x0000FFFFULL | (access << 40) | (0xFULL << 48) | (0xCULL << 52);
	/* LAB(guest-descriptors) } */
}

static void gdt_init(void)
{
	gdt[12] = flat_segment(1, 1);
	gdt[13] = flat_segment(1, 0);
	gdt[14] = flat_segment(3, 1);
	gdt[15] = flat_segment(3, 0);
	hcall(LHCALL_LOAD_GDT, __pa(gdt), LGUEST_GDT_ENTRIES, 0);
}
/*:*/

/*G:170 Thread-local storage lives in three GDT entries, 6 to 8, which
 * change at every context switch, so they get a hypercall of their own that
 * copies just those three and may be batched (lazy, G:200).  %gs is cleared first:
 * if it held a selector for an entry we are about to change, the Switcher
 * would reload it from the new descriptor on the way back into the Guest, and
 * a descriptor that has become invalid would fault there, inside the
 * Switcher, which the Host treats as fatal. */
/* Whether a selector names one of the TLS entries of the GDT. */
static int names_tls(u32 sel)
{
	u32 i = (sel & 0xFFFF) >> 3;

	return !(sel & 4) && i >= LGUEST_TLS_MIN && i < LGUEST_TLS_MIN + LGUEST_TLS_ENTRIES;
}

void load_tls(const u64 *tls)
{
	u32 fs;

	__asm__ __volatile__("movl %0, %%gs" : : "r"(0));
	__asm__ __volatile__("movl %%fs, %0" : "=r"(fs));
	if (names_tls(fs))
		__asm__ __volatile__("movl %0, %%fs" : : "r"(0));    /* %fs too, if it names one */
	lazy_hcall(LHCALL_LOAD_TLS, __pa(tls), 0, 0);
}

/* The LDT (G:635) is handed over the same way, and %fs and %gs are cleared
 * first for the same reason, if they name an LDT entry (bit 2 of the
 * selector). */
void load_ldt(const u64 *ldt, int n)
{
	u32 fs, gs;

	__asm__ __volatile__("movl %%fs, %0; movl %%gs, %1" : "=r"(fs), "=r"(gs));
	if (fs & 4)
		__asm__ __volatile__("movl %0, %%fs" : : "r"(0));
	if (gs & 4)
		__asm__ __volatile__("movl %0, %%gs" : : "r"(0));
	lazy_hcall(LHCALL_LOAD_LDT, __pa(ldt), n, 0);
}

/* A selector a program left in a segment register, if it still names a
 * present descriptor of process p (one of its TLS or LDT entries, or a
 * segment of the GDT's own), else the null selector.  Whoever loads it back
 * (the switch, G:640; the return from a system call that changed the entries,
 * G:630, G:635) asks this first: a selector whose entry the program freed
 * would fault inside the Switcher (for %fs and %gs, which the Host reloads)
 * or in our own return path (for %ds and %es), and either would be the
 * Guest's death for one program's carelessness.  Linux loads a null selector
 * then too. */
u32 usable_selector(const struct process *p, u32 sel)
{
	u32 i = (sel & 0xFFFF) >> 3;

	if ((sel & 0xFFFF) < 4)
		return 0;
	if (sel & 4)
		return i < LGUEST_LDT_ENTRIES && (p->ldt[i] & (1ULL << 47)) ? sel & 0xFFFF : 0;
	if (names_tls(sel))
		return (p->tls[i - LGUEST_TLS_MIN] & (1ULL << 47)) ? sel & 0xFFFF : 0;
	return sel & 0xFFFF;
}
/*:*/

/*G:180 The kernel stack for traps from ring 3.  When a user program traps,
 * the CPU switches to the ring-1 stack named in the TSS (and the Host does the
 * same for a trap it reflects), and the TSS is the Host's.  SET_STACK tells
 * the Host what to put there: our data segment, the top of the stack, and
 * how many pages it spans (one or two).
 * The Host insists the pages are mapped and writable, and keeps them mapped
 * in its shadow page tables: a trap that found no stack would fault while
 * delivering a fault, and on an i386 that ends in a double fault and then a
 * reset.
 *
 * TS is the same story for %cr0's task-switched bit, which makes the next
 * floating-point instruction trap so the kernel can switch FPU state lazily.
 * We cannot write %cr0, so we tell the Host, and it sets the real bit before
 * it runs us. */
void set_kernel_stack(unsigned long top, unsigned int pages)
{
	lazy_hcall(LHCALL_SET_STACK, KERNEL_DS, top, pages);
}

void set_ts(int on)
{
	lazy_hcall(LHCALL_TS, on ? 8 : 0, 0, 0);
}
/*:*/

/*G:340 %cr2, the address of the last page fault, is one more register
 * ring 1 may not read.  When the Host reflects a page fault to us, it writes
 * the address into lguest_data first, and that is where we read it. */
unsigned long read_cr2(void)
{
	return READ_ONCE(lguest_data.cr2);
}
/*:*/

/*G:400 Time.  We have no timer chip, only a one-shot alarm: SET_CLOCKEVENT
 * with a delay in nanoseconds, after which the Host raises IRQ 0 (vector 32).
 * 0 cancels it.  lguest's Guest used it exactly so, as a one-shot clock event
 * device, and rearmed it at each tick; "periodic" was a bug.  What the alarm's
 * interrupt does when it comes needs the trap machinery, so it waits until
 * after the traps. */
void set_clockevent(unsigned long ns)
{
	hcall(LHCALL_SET_CLOCKEVENT, ns, 0, 0);
}
/*:*/

static u32 read_u32(const u8 *p)
{
	return p[0] | (p[1] << 8) | (p[2] << 16) | ((u32)p[3] << 24);
}

/* A hostile guest (src/guest/hostile/early-hcall.c) replaces this to do
 * something before LGUEST_INIT; the real kernel does nothing here. */
void __attribute__((weak)) early_hook(void)
{
}

/*G:050 lguest_init() is the Guest's first C.  Its first duty is to
 * introduce itself: LGUEST_INIT hands the Host the physical address of
 * lguest_data, and until then the Host will accept no other hypercall (any
 * other call kills us).  The Host reads noirq_start and noirq_end at that
 * moment, so they are filled in first: they bound the few instructions in
 * head.S (the end of lguest_iret, and the halt) during which it must not
 * interrupt us.  In return the Host fills in reserve_mem (the top 4 MiB of the
 * address space are the Switcher's), the time, our guest id and tsc_khz, which
 * is 0 here: the emulated CPU's time-stamp counter counts instructions, and a
 * clock it is not.  (early_hook() does nothing in this kernel; one hostile
 * guest fills it in to break the first-call rule on purpose.) */
void lguest_init(const u8 *boot)
{
	const u8 *e820;
	unsigned int i, n;
	unsigned long cmdline;

	lguest_data.noirq_start = (unsigned long)lguest_noirq_start;
	lguest_data.noirq_end = (unsigned long)lguest_noirq_end;
	early_hook();
	hcall(LHCALL_LGUEST_INIT, __pa(&lguest_data), 0, 0);
/*:*/

/*G:060 Then the boot parameters, the "zero page" at physical 0 that the
 * Launcher filled in the format Linux's boot protocol uses.  We read what we
 * need: the memory map (one e820 entry covering all RAM), the command line
 * and the initrd, if any.  The command line is copied, as Linux does,
 * because the page it is on is ordinary RAM and nobody promised to keep it.
 *
 * We use at most 896 MiB of RAM (LGUEST_MAX_RAM, Linux's old "lowmem" limit),
 * so that all of it, plus the Launcher's device pages just above it, fits in
 * the kernel's linear map below the Switcher's 4 MiB at 0xFFC00000.  The
 * Launcher refuses to give more, since its device pages sit just above the
 * RAM it gave, where a Guest that stopped at 896 MiB would never look. */
	n = boot[LGUEST_BOOT_E820_ENTRIES];
	e820 = boot + LGUEST_BOOT_E820_MAP;
	for (i = 0; i < n && i < 128; i++, e820 += 20) {
		u64 start = read_u32(e820) | ((u64)read_u32(e820 + 4) << 32);
		u64 size = read_u32(e820 + 8) | ((u64)read_u32(e820 + 12) << 32);

		if (read_u32(e820 + 16) == LGUEST_E820_RAM && start == 0)
			ram_size = size > LGUEST_MAX_RAM ? LGUEST_MAX_RAM : (unsigned long)size;
	}
	max_pfn = ram_size >> PAGE_SHIFT;
	ram_size = max_pfn << PAGE_SHIFT;

	cmdline = read_u32(boot + LGUEST_BOOT_CMD_LINE_PTR);
	if (cmdline && cmdline < ram_size) {
		const char *src = __va(cmdline);

		for (i = 0; i < COMMAND_LINE_SIZE - 1 && src[i]; i++)
			boot_command_line[i] = src[i];
		boot_command_line[i] = '\0';
	}
	initrd_start = read_u32(boot + LGUEST_BOOT_RAMDISK_IMAGE);
	initrd_size = read_u32(boot + LGUEST_BOOT_RAMDISK_SIZE);
	if (!ram_size)
		panic("no RAM in the e820 map");
/*:*/

/*G:070 Now the machine, in the order a kernel needs it: segments, then the
 * IDT so that a fault can at least be reported, then our own page tables
 * (the Launcher's only map RAM, and we need more; they are told with the
 * processes, which need many) and the timer.  Only then do we let interrupts
 * in: every handler they might reach is installed.  kernel_main() is
 * whatever this kernel is for (the bus and its drivers are its business, so
 * that a hostile guest can do without them); when it returns there is
 * nothing left to do but turn the lights off. */
	gdt_init();
	trap_init();
	mm_init();
	time_init();
	irq_enable();
	kernel_main();
	power_off(0);
}
/*:*/
