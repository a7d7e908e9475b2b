/* The hypercall and DMA fuzzer: a guest that says every sentence of the
 * hypercall language, most of them almost grammatical.  Its command line is
 * "SEED COUNT": from SEED it draws COUNT rounds, each one act from the menu
 * below (a hypercall with arguments that are nearly right, a batch in the
 * async ring, a scribble on its own page tables, DMA descriptors, lguest_data
 * or the device pages, a trap, a trip to ring 3, a nap).  Now and then an
 * argument is plainly wrong, and the Host must kill it with a reason; if the
 * fuzzer reaches its last round alive it says so and powers off.  Either is a
 * pass.  What is not: a Java exception, a death without a reason, a guest
 * that neither dies nor finishes, or a neighbour that noticed (HypercallFuzzTest).
 *
 * Memory, for a 4 MiB guest: the image from 1 MiB, a scratch area from 3 MiB
 * that DMA may scribble on, the Launcher's first page tables just under 4 MiB
 * (unused once we load our own), and above 4 MiB the device pages. */
#include "../../guest/include/lguest.h"

typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

#define PO 0xC0000000u
#define PA(x) ((u32)(x) - PO)
#define VA(p) ((void *)((u32)(p) + PO))
#define KCS 0x61
#define KDS 0x69
#define SCRATCH 0x300000u
#define SCRATCH_END 0x3F0000u

extern struct lguest_data lguest_data;
extern char trap_stubs[], irq_entry[], int_table[], stack_top[], user_code[], user_code_end[];
extern volatile u32 last_trap, irq_count;
extern volatile int irq_budget;
extern void power_off(void) __attribute__((noreturn));
extern void enter_user(u32 eip, u32 ebx) __attribute__((noreturn));

void fuzz_trap(void) __attribute__((noreturn));
int main(void);

/* ---- chance ---------------------------------------------------------------- */
static u32 s0, s1, s2, s3;

static u32 rnd(void)
{
	u32 r = s1 * 5;
	r = ((r << 7) | (r >> 25)) * 9;
	u32 t = s1 << 9;
	s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
	s3 = (s3 << 11) | (s3 >> 21);
	return r;
}

static u32 below(u32 n) { return n ? rnd() % n : 0; }
static int one_in(u32 n) { return below(n) == 0; }

/* How often a round is deadly (one in lethality, chosen per seed); in a
 * deadly round, each number has an even chance of being plainly wrong. */
static u32 lethality;
static int deadly;
static int lethal(void) { return deadly && one_in(2); }

/* ---- what we know of ourselves --------------------------------------------- */
static u32 seed, count, iter, mem_bytes, top;
static u32 hcalls, asyncs, traps, users;
static u32 console_key, block_page, net_page;
static u32 ring_next;

static inline u32 hcall(u32 call, u32 a, u32 b, u32 c)
{
	asm volatile("int $0x1f" : "+a"(call) : "d"(a), "b"(b), "c"(c) : "memory");
	return call;
}

/* ---- the console ------------------------------------------------------------- */
static char outbuf[512] __attribute__((aligned(512)));
static struct lguest_dma outdma __attribute__((aligned(128)));

static void write(const char *s, u32 n)
{
	for (u32 i = 0; i < n; i++) outbuf[i] = s[i];
	outdma.used_len = 0;
	outdma.addr[0] = PA(outbuf);
	outdma.len[0] = n;
	outdma.len[1] = 0;
	hcall(LHCALL_SEND_DMA, 0, PA(&outdma), 0);
}

static char line[256];
static u32 lpos;

static void put(const char *s) { while (*s && lpos < sizeof(line) - 1) line[lpos++] = *s++; }

static void putn(u32 v)
{
	char b[12];
	int i = 0;
	do { b[i++] = '0' + v % 10; v /= 10; } while (v);
	while (i && lpos < sizeof(line) - 1) line[lpos++] = b[--i];
}

static void flush(void) { line[lpos++] = '\n'; write(line, lpos); lpos = 0; }

static void __attribute__((noreturn)) die(const char *why)
{
	static char msg[128];
	u32 i = 0;
	while (why[i] && i < 120) { msg[i] = why[i]; i++; }
	msg[i] = 0;
	hcall(LHCALL_CRASH, PA(msg), 0, 0);
	for (;;) ;
}

/* ---- the tables we play with -------------------------------------------------- */
#define NPGD 6
#define NUPTE 4
#define NPOOL 40
static u32 pgd[NPGD][1024] __attribute__((aligned(4096)));
static u32 kpte[1024] __attribute__((aligned(4096)));     /* physical 0-4 MiB */
static u32 kpte2[1024] __attribute__((aligned(4096)));    /* device pages, then scratch */
static u32 upte[NUPTE][1024] __attribute__((aligned(4096)));
static u32 gdt[64] __attribute__((aligned(8)));
static u32 tls[6] __attribute__((aligned(8)));
/* Bound arrays receive, so their pieces lie in scratch; what we send may be
 * read from anywhere.  Two pools, or a send would rewrite a bound buffer to
 * receive into our own code. */
static struct lguest_dma pool[NPOOL] __attribute__((aligned(4096)));
static struct lguest_dma spool[8] __attribute__((aligned(4096)));
static char crashmsg[128];
static char other_stack[8192] __attribute__((aligned(4096)));

static const u32 good_gdt[32][2] = {
	[12] = {0x0000ffff, 0x00cfbb00},    /* kernel code, DPL 1 */
	[13] = {0x0000ffff, 0x00cfb300},    /* kernel data, DPL 1 */
	[14] = {0x0000ffff, 0x00cffb00},    /* user code */
	[15] = {0x0000ffff, 0x00cff300},    /* user data */
};

/*M:810 Nearly right.  A fuzzer that throws pure noise at the Host tests one
 * line of it, the first check, which turns the noise away; everything behind
 * that check never sees a visitor.  So almost every number this one draws is
 * right: an address in its own memory, mostly in a scratch area where DMA may
 * scribble, a key that some device or some other Guest really listens on, a
 * page-table entry for a page it owns with flags it may use.  The Host then
 * goes all the way in: it binds, copies, fills shadows, injects, and the
 * paths it takes are the ones a real Guest would take, in orders no real Guest
 * would try.  And every so often (one round in lethality, chosen per seed:
 * never, or one in 500, 5,000 or 50,000) a round is deadly, and in it each
 * number has an even chance of being plainly wrong: past the limit, unaligned,
 * in the Host's frames at 0xF0000000, in the Switcher's slot.  Those rounds
 * test the rules themselves, at a moment the Host did not choose. */
static u32 wild(void)
{
	static const u32 w[] = {0, 0xFFFFFFFF, 0x7FFFFFF0, 0x80000000, 0xF0000000, 0xFFC00000, 0xFFFFF000, 0x400000};
	return one_in(2) ? rnd() : w[below(8)] + below(64);
}

/* An address where nothing of ours is: just below the limit, or wild. */
static u32 beyond(void)
{
	return one_in(2) ? top - below(64) : wild();
}

/* A guest-physical address for len bytes: mostly scratch, sometimes anywhere
 * in memory or on the device pages, rarely wrong. */
static u32 phys(u32 len, int receiving)
{
	if (lethal()) return beyond();
	u32 r = below(100);
	if (r < 75 || receiving) return SCRATCH + below(SCRATCH_END - SCRATCH - len);
	if (r < 95) return below(mem_bytes - len);
	return mem_bytes + below(top - mem_bytes - len);
}

static u32 key(void)
{
	if (lethal()) return one_in(2) ? phys(4, 0) | (1 + below(3)) : wild() & ~3u;
	switch (below(6)) {
	case 0: return console_key;
	case 1: return block_page ? block_page : console_key;
	case 2: case 3: return net_page ? net_page + 4 * below(16) : SCRATCH;
	default: return (SCRATCH + 4 * below(64)) & ~3u;
	}
}

static u32 pte(void)
{
	u32 pfn, flags = rnd() & 0x167;
	if (lethal()) return one_in(2) ? (rnd() & ~0xFFFu) | flags : (below(top >> 12) << 12) | flags | (one_in(2) ? 0x8 : 0x80);
	switch (below(10)) {
	case 0: pfn = below(top >> 12); break;
	case 1: pfn = (mem_bytes >> 12) + below((top - mem_bytes) >> 12); break;
	default: pfn = (SCRATCH >> 12) + below((SCRATCH_END - SCRATCH) >> 12);
	}
	return (pfn << 12) | flags;
}

/* A user address our user page tables may cover, or a scratch kernel one. */
static u32 vaddr(void)
{
	if (lethal()) return 0xFFC00000 + below(0x400000);
	if (one_in(3)) return PO + mem_bytes + 0x3000 + below(0x400000 - 0x3000);
	return (below(16) << 22) | (rnd() & 0x3FFFFF);
}
/*:*/

static void fill_dma(struct lguest_dma *d, int receiving)
{
	u32 n = below(17);
	d->used_len = one_in(20) ? rnd() : 0;
	for (u32 i = 0; i < LGUEST_MAX_DMA_SECTIONS; i++) {
		u32 len = 0;
		if (i < n) {
			len = one_in(4) ? 1 + below(4096) : 1 + below(256);
			u32 a = phys(len, receiving);
			if (!lethal() && (a & 0xFFF) + len > 4096) len = 4096 - (a & 0xFFF);
			d->addr[i] = a;
		}
		d->len[i] = len;
	}
}

static u32 gate(u32 v)
{
	u32 h;
	if (v < 32) h = (u32)trap_stubs + 32 * v;
	else if (v < 64) h = (u32)irq_entry;
	else h = (u32)trap_stubs + 32 * 13;
	if (one_in(20)) h = one_in(2) ? (u32)irq_entry : (u32)trap_stubs + 32 * below(64);
	u32 type = one_in(2) ? 0xE : 0xF;
	if (lethal()) type = below(16);
	/* A missing gate for an interrupt just leaves it pending; for a trap
	 * it is death at the next such trap, so that is a deadly number. */
	u32 present = (v >= 32 ? one_in(50) : lethal()) ? 0 : 0x8000;
	return (h & 0xFFFF0000) | present | below(4) << 13 | type << 8;
}

static u32 gate_lo(u32 v, u32 hi)
{
	u32 h;
	(void)hi;
	if (v < 32) h = (u32)trap_stubs + 32 * v;
	else if (v < 64) h = (u32)irq_entry;
	else h = (u32)trap_stubs + 32 * 13;
	return (rnd() & 0xFFFF0000) | (h & 0xFFFF);
}

static u32 descriptor_hi(void)
{
	/* Present or not, code or data, any DPL, any limit and base. */
	return (rnd() & 0xFF0F7FFF) | (one_in(8) ? 0 : 0x8000) | (0x9 + below(7)) << 8;
}

/* ---- one hypercall, its arguments drawn for it ------------------------------------ */
struct call { u32 eax, edx, ebx, ecx; };

static struct call draw(u32 c)
{
	struct call k = {c, 0, 0, 0};
	switch (c) {
	case LHCALL_FLUSH_ASYNC:
		break;
	case LHCALL_LOAD_GDT: {
		u32 n = one_in(4) ? below(33) : 32;
		for (u32 i = 0; i < 32; i++) { gdt[2 * i] = good_gdt[i][0]; gdt[2 * i + 1] = good_gdt[i][1]; }
		for (u32 m = below(6); m; m--) {
			u32 i = below(32);
			if (i == 12 || i == 13) continue;
			gdt[2 * i] = rnd();
			gdt[2 * i + 1] = descriptor_hi();
		}
		if (lethal()) n = 33 + below(100);
		k.edx = lethal() ? phys(n * 8, 0) : PA(gdt);
		k.ebx = n;
		break;
	}
	case LHCALL_NEW_PGTABLE:
		k.edx = lethal() ? beyond() & ~0xFFFu : PA(pgd[below(NPGD)]);
		break;
	case LHCALL_FLUSH_TLB:
		k.edx = one_in(2) ? 0 : one_in(2) ? 1 : rnd();
		break;
	case LHCALL_LOAD_IDT_ENTRY: {
		u32 v = below(10) < 7 ? below(64) : one_in(3) ? 0x80 : one_in(2) ? below(256) : rnd();
		k.edx = v;
		k.ecx = gate(v);
		k.ebx = gate_lo(v, k.ecx);
		break;
	}
	case LHCALL_SET_STACK:
		k.edx = lethal() ? rnd() & 0xFFFF : KDS;
		/* Never in scratch: DMA landing on a frame the Host just built
		 * would send the fuzzer somewhere it cannot come back from. */
		k.ebx = lethal() ? wild() : one_in(2) ? (u32)other_stack + 4096 * (1 + below(2)) : (u32)stack_top;
		k.ecx = lethal() ? 3 + below(100) : below(3);
		break;
	case LHCALL_TS:
		k.edx = one_in(3) ? rnd() : below(2);
		break;
	case LHCALL_SET_CLOCKEVENT:
		switch (below(10)) {
		case 0: k.edx = 0; break;
		case 1: k.edx = rnd(); break;
		case 2: case 3: k.edx = below(10000000); break;
		default: k.edx = 100 + below(100000);
		}
		break;
	case LHCALL_BIND_DMA: {
		u32 n = one_in(10) ? 0 : 1 + below(8);
		if (lethal()) n = 9 + below(0xFFFF);
		u32 at = below(NPOOL - 8);
		for (u32 i = 0; i < n && at + i < NPOOL; i++) fill_dma(&pool[at + i], 1);
		u32 irq = one_in(5) ? 0 : one_in(20) ? 32 + below(300) : 1 + below(31);
		k.edx = key();
		/* A bound array anywhere but our pool would have its pieces read
		 * from whatever bytes lie there, and the Host or the Launcher would
		 * write into them: into our own code, perhaps.  Only when deadly. */
		k.ebx = lethal() ? beyond() : PA(&pool[at]);
		k.ecx = n << 8 | irq;
		break;
	}
	case LHCALL_SEND_DMA: {
		struct lguest_dma *d = &spool[below(8)];
		fill_dma(d, 0);
		k.edx = key();
		if (k.edx == console_key) {
			/* Keep the Launcher's printing short: one small piece. */
			d->len[0] = 1 + below(64);
			d->len[1] = 0;
			if ((d->addr[0] & 0xFFF) + d->len[0] > 4096) d->addr[0] &= ~0xFFFu;
		}
		/* Elsewhere than the pool, the descriptor lies in scratch: its
		 * used_len is written back, and must not land on our code. */
		k.ebx = one_in(100) ? phys(100, 1) : PA(d);
		d->used_len = 0;
		break;
	}
	case LHCALL_SET_PTE:
		k.edx = lethal() ? phys(4096, 0) : PA(pgd[below(NPGD)]);
		k.ebx = vaddr();
		k.ecx = pte();
		break;
	case LHCALL_SET_PMD:
		k.edx = one_in(10) ? phys(4096, 0) : PA(pgd[below(NPGD)]);
		k.ebx = one_in(10) ? rnd() : below(1024);
		break;
	case LHCALL_LOAD_TLS:
		for (u32 i = 0; i < 3; i++) { tls[2 * i] = rnd(); tls[2 * i + 1] = descriptor_hi(); }
		k.edx = one_in(100) ? phys(24, 0) : PA(tls);
		break;
	default:
		/* 1, 2, 10, 11 and 17-20 are drawn only when meant to kill. */
		k.edx = rnd(); k.ebx = rnd(); k.ecx = rnd();
	}
	return k;
}

static const u8 safe_calls[] = {
	LHCALL_FLUSH_ASYNC, LHCALL_LOAD_GDT, LHCALL_NEW_PGTABLE, LHCALL_FLUSH_TLB, LHCALL_LOAD_IDT_ENTRY,
	LHCALL_LOAD_IDT_ENTRY, LHCALL_SET_STACK, LHCALL_TS, LHCALL_SET_CLOCKEVENT, LHCALL_BIND_DMA,
	LHCALL_BIND_DMA, LHCALL_SEND_DMA, LHCALL_SEND_DMA, LHCALL_SEND_DMA, LHCALL_SET_PTE, LHCALL_SET_PTE,
	LHCALL_SET_PTE, LHCALL_SET_PMD, LHCALL_LOAD_TLS,
};

static u32 safe_call(void) { return safe_calls[below(sizeof(safe_calls))]; }

static void sync_call(struct call k)
{
	hcalls++;
	hcall(k.eax, k.edx, k.ebx, k.ecx);
}

/* The async ring: fill some slots from where we think the Host will look. */
static void async_batch(void)
{
	u32 n = 1 + below(LHCALL_RING_SIZE);
	for (u32 i = 0; i < n; i++) {
		u32 slot = one_in(50) ? below(LHCALL_RING_SIZE) : ring_next;
		struct call k = draw(safe_call());
		lguest_data.hcalls[slot].eax = k.eax;
		lguest_data.hcalls[slot].edx = k.edx;
		lguest_data.hcalls[slot].ebx = k.ebx;
		lguest_data.hcalls[slot].ecx = k.ecx;
		asm volatile("" ::: "memory");
		lguest_data.hcall_status[slot] = one_in(100) ? rnd() : 0;
		ring_next = (ring_next + 1) % LHCALL_RING_SIZE;
		asyncs++;
	}
	sync_call(draw(one_in(2) ? LHCALL_FLUSH_ASYNC : safe_call()));
}

/* ---- the other acts ------------------------------------------------------------------ */
static void touch(void)
{
	volatile u32 *p = (volatile u32 *)(vaddr() & ~3u);
	if (one_in(10)) p = (volatile u32 *)(0xFFC00000 + (below(0x4000) & ~3u));
	if (one_in(2) || (u32)p >= 0xFFC00000) (void)*p;
	else *p = *p;
}

static void scribble_tables(void)
{
	switch (below(4)) {
	case 0: upte[below(NUPTE)][below(1024)] = pte(); break;
	case 1: kpte2[3 + below(1021)] = pte(); break;
	default: {
		u32 *d = pgd[below(NPGD)];
		u32 i = below(16);
		if (one_in(4)) d[i] = 0;
		else d[i] = PA(upte[below(NUPTE)]) | (rnd() & 0x67) | 1;
		if (lethal()) d[one_in(2) ? 1023 : i] = one_in(2) ? (rnd() | 1) : PA(upte[0]) | 0x181;
	}
	}
	if (one_in(3)) touch();
}

static void scribble_data(void)
{
	switch (below(4)) {
	case 0: lguest_data.irq_enabled = one_in(3) ? 0 : one_in(4) ? rnd() : 0x200; break;
	case 1: lguest_data.blocked_interrupts = one_in(2) ? 0 : rnd() & rnd(); break;
	case 2: lguest_data.cr2 = rnd(); break;
	default: {
		/* The device pages: descriptors' status, the block request, the net slots. */
		volatile u8 *dev = VA(mem_bytes);
		u32 off = below(top - mem_bytes);
		if (block_page && one_in(2)) {
			volatile u32 *b = VA(block_page);
			b[0] = one_in(3) ? rnd() : below(2);
			b[1] = one_in(3) ? rnd() : below(256);
			b[2] = one_in(3) ? rnd() : 512 * below(9);
		} else {
			dev[off] = rnd();
		}
	}
	}
}

/* Something that traps: an int $n, port I/O, a divide by zero, the FPU, a
 * privileged instruction, a strange segment. */
static void trap_act(void)
{
	switch (below(8)) {
	case 0: {
		u32 n = below(256);
		if (n == LGUEST_TRAP_ENTRY && !lethal()) n = 3;
		((void (*)(void))(int_table + 4 * n))();
		break;
	}
	case 1: { u32 port = below(0x10000); asm volatile("inl %%dx, %%eax" : "=a"(port) : "d"(port)); break; }
	case 2: asm volatile("outb %%al, $0x80" :: "a"(rnd())); break;
	case 3: { volatile u32 z = 0; volatile u32 q = rnd() / z; (void)q; break; }
	case 4: asm volatile("fld1; fstp %%st(0)" ::: "memory"); break;
	case 5: asm volatile("movl %%cr3, %%eax" ::: "eax"); break;
	case 6: asm volatile("cli; sti"); break;
	default: {
		u32 sel = (below(32) << 3) | below(4);
		asm volatile("movl %0, %%fs; movl %%fs:0, %%eax; xorl %%eax, %%eax; movl %%eax, %%fs" :: "r"(sel) : "eax", "memory");
	}
	}
}

/* A nap: interrupts off, the clock set a little ahead, HALT; the Host must
 * wake us for the clock even though our interrupts were off. */
static void nap(void)
{
	lguest_data.irq_enabled = 0;
	lguest_data.blocked_interrupts &= ~1u;
	sync_call((struct call){LHCALL_SET_CLOCKEVENT, 1000 + below(200000), 0, 0});
	sync_call((struct call){LHCALL_HALT, 0, 0, 0});
}

static void ring3(void)
{
	users++;
	u32 n = below((user_code_end - user_code) / 16);
	enter_user((u32)user_code + 16 * n, vaddr());
}

/*M:820 A broken rule on purpose.  Each seed that may die picks the round
 * where it will break a rule it cannot survive: a second LGUEST_INIT, CRASH
 * with a message (perhaps from an address it has no right to), a hypercall
 * number the Host does not know.  If the call returns, the Host let it
 * through, and the fuzzer says so and crashes on purpose with a message the
 * test treats as a failure: a fuzzer that only ever met lenient Hosts would
 * pass them all. */
static void __attribute__((noreturn)) break_a_rule(void)
{
	static const u32 deadly[] = {LHCALL_LGUEST_INIT, LHCALL_CRASH, 11, 18, 19, 20, 21, 0x12345678};
	u32 c = deadly[below(8)];
	if (c == LHCALL_CRASH) {
		for (u32 i = 0; i < 40; i++) crashmsg[i] = 'a' + below(26);
		crashmsg[40] = 0;
		hcall(c, one_in(4) ? wild() : PA(crashmsg), 0, 0);
	} else {
		hcall(c, rnd(), rnd(), rnd());
	}
	lpos = 0; put("fuzz survived hypercall "); putn(c); flush();
	die("fuzz: a broken rule went unpunished");
}
/*:*/

/* ---- the loop ------------------------------------------------------------------------ */
static u32 die_at;

static void __attribute__((noreturn)) fuzz(void)
{
	while (iter < count) {
		iter++;
		if (iter == die_at) break_a_rule();
		deadly = lethality && one_in(lethality);
		irq_budget = 1000;
		u32 r = below(1000);
		if (r < 400) sync_call(draw(safe_call()));
		else if (r < 550) async_batch();
		else if (r < 650) touch();
		else if (r < 750) scribble_tables();
		else if (r < 850) scribble_data();
		else if (r < 930) trap_act();
		else if (r < 950) nap();
		else if (r < 990) ring3();
		else if (lethality) sync_call(draw(one_in(2) ? LHCALL_SET_STACK : LHCALL_LOAD_GDT));
	}
	lpos = 0;
	put("fuzz seed "); putn(seed); put(" done: "); putn(iter); put(" rounds, ");
	putn(hcalls); put(" calls, "); putn(asyncs); put(" queued, "); putn(traps); put(" traps, ");
	putn(irq_count); put(" interrupts, "); putn(users); put(" trips to ring 3");
	flush();
	/* Power off the way every test guest does. */
	asm volatile("movl $0x69, %%eax; movl %%eax, %%ds; movl %%eax, %%es; xorl %%eax, %%eax; jmp power_off" ::: "eax");
	for (;;) ;
}

void fuzz_trap(void)
{
	traps++;
	fuzz();
}

/* ---- setting up ------------------------------------------------------------------------ */
static u32 number(const char **p)
{
	u32 v = 0;
	while (**p == ' ') (*p)++;
	while (**p >= '0' && **p <= '9') v = v * 10 + (*(*p)++ - '0');
	return v;
}

int main(void)
{
	const char *cmd = VA(*(u32 *)VA(LGUEST_BOOT_CMD_LINE_PTR));
	seed = number(&cmd);
	count = number(&cmd);
	if (!count) count = 20000;
	s0 = seed * 0x9E3779B9u + 1; s1 = seed ^ 0x85EBCA6Bu; s2 = 0xC2B2AE35u; s3 = 0x27D4EB2Fu + seed;
	for (int i = 0; i < 16; i++) rnd();
	static const u32 lethalities[] = {0, 500, 5000, 50000};
	lethality = lethalities[below(4)];
	die_at = lethality ? 1 + below(2 * count) : 0;

	mem_bytes = *(u32 *)VA(LGUEST_BOOT_E820_MAP + 8);
	/* Our own page tables: RAM at PAGE_OFFSET (user-accessible, for ring 3's
	 * sake), the device pages after it, and user space left to the dice.
	 * The Launcher's tables map RAM alone, so the descriptors are read
	 * through ours, which at first map just their page above RAM. */
	top = mem_bytes + 4096;
	for (u32 i = 0; i < 1024; i++) kpte[i] = (i << 12) | 7;
	kpte2[0] = mem_bytes | 7;
	for (u32 p = 0; p < NPGD; p++) {
		pgd[p][PO >> 22] = PA(kpte) | 7;
		pgd[p][(PO >> 22) + 1] = PA(kpte2) | 7;
		for (u32 i = 0; i < 16; i++) pgd[p][i] = one_in(2) ? PA(upte[below(NUPTE)]) | 7 : 0;
	}
	hcall(LHCALL_NEW_PGTABLE, PA(pgd[0]), 0, 0);
	struct lguest_device_desc *desc = VA(mem_bytes);
	for (int i = 0; i < LGUEST_MAX_DEVICES; i++) {
		if (!desc[i].type) continue;
		u32 page = desc[i].pfn << 12;
		if (page + 4096 > top) top = page + 4096;
		if (desc[i].type == LGUEST_DEVICE_T_BLOCK) block_page = page;
		if (desc[i].type == LGUEST_DEVICE_T_NET) net_page = page;
	}
	for (u32 i = 1; i < ((top - mem_bytes) >> 12); i++) kpte2[i] = (mem_bytes + (i << 12)) | 7;
	for (u32 u = 0; u < NUPTE; u++)
		for (u32 i = 0; i < 1024; i++) upte[u][i] = one_in(2) ? pte() & ~0x188u : 0;

	for (u32 i = 0; i < 32; i++) { gdt[2 * i] = good_gdt[i][0]; gdt[2 * i + 1] = good_gdt[i][1]; }
	hcall(LHCALL_LOAD_GDT, PA(gdt), 32, 0);
	for (u32 v = 0; v < 64; v++) {
		u32 h = v < 32 ? (u32)trap_stubs + 32 * v : (u32)irq_entry;
		hcall(LHCALL_LOAD_IDT_ENTRY, v, (KCS << 16) | (h & 0xFFFF), (h & 0xFFFF0000) | (v < 32 ? 0x8E00 : 0x8E00));
	}
	u32 h = (u32)trap_stubs + 32 * 13;
	hcall(LHCALL_LOAD_IDT_ENTRY, 0x80, (KCS << 16) | (h & 0xFFFF), (h & 0xFFFF0000) | 0xEF00);
	hcall(LHCALL_SET_STACK, KDS, (u32)stack_top, 2);
	lguest_data.blocked_interrupts = 0;
	lguest_data.irq_enabled = 0x200;

	lpos = 0; put("fuzz seed "); putn(seed); put(" rounds "); putn(count); put(" lethality ");
	putn(lethality); flush();
	fuzz();
}
