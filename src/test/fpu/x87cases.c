/*X:890 How do we know the x87 is right? Intel's manual answers most questions, but not
 * all of them (which NaN wins when two have equal significands? does FCOM set the
 * condition codes when its invalid exception is unmasked? what does F2XM1 do with 5?),
 * and where it answers, an emulator writer can still misread it. So we ask the chip.
 * This freestanding program runs on the build machine, an x86 whose own x87 is the
 * reference, and prints for random operands everything an instruction did: the whole
 * FNSAVE image afterwards, the memory operand, EFLAGS and AX. The operands are weighted
 * toward trouble: zeros, denormals, pseudo-denormals and unnormals, infinities, NaNs,
 * exponents at both ends of the range, significands whose tails are exact halves at 24,
 * 53 and 64 bits, all four rounding modes, all three precisions, and now and then an
 * unmasked exception or a full or empty stack. The Java test (X87ConformanceTest) runs the
 * same instruction sequence through X87.execute and compares every byte. Every
 * behaviour in X87 that the manual leaves open was settled by a failing case here.
 *
 * No libc: _start, write and exit through int $0x80. The instruction under test is
 * written as bytes, never as a mnemonic, because gas's AT&T syntax swaps FSUB and FSUBR
 * in some forms (X:780). Usage: x87cases SEED COUNT basic|trans; built with
 *   gcc -m32 -O1 -ffreestanding -nostdlib -static -fno-pic -o x87cases x87cases.c :*/

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

/* The machine state of one case lives in globals, so the inline assembly can name them
 * directly in absolute addressing (disp32), which is also how the memory operand of the
 * instruction under test is encoded: ModRM mod=00 rm=101. */
u8 g_a[10], g_b[10], g_c[10];
u8 g_mem[112] __attribute__((aligned(16)));   /* room for an FNSAVE image */
u8 g_save[108] __attribute__((aligned(16)));
u16 g_cw, g_ax;
u32 g_flin, g_flout;

static void sys_write(const char *p, int n) {
    int r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(4), "b"(1), "c"(p), "d"(n) : "memory");
}

static void sys_exit(int code) {
    __asm__ volatile("int $0x80" : : "a"(1), "b"(code));
    for (;;) { }
}

static char out[1 << 16];
static int outn;

static void flush(void) { sys_write(out, outn); outn = 0; }
static void putc_(char c) { if (outn == sizeof out) flush(); out[outn++] = c; }
static void puts_(const char *s) { while (*s) putc_(*s++); }
static void hex(u32 v, int digits) {
    for (int i = digits - 1; i >= 0; i--) putc_("0123456789abcdef"[(v >> (4 * i)) & 15]);
}
static void hexbytes(const u8 *p, int n) { for (int i = 0; i < n; i++) hex(p[i], 2); }

static u64 rng;
static u64 next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }
static u32 rnd(u32 n) { return (u32)(next() >> 11) % n; }

static void put80(u8 *p, u64 sig, u16 se) {
    for (int i = 0; i < 8; i++) p[i] = (u8)(sig >> (8 * i));
    p[8] = (u8)se; p[9] = (u8)(se >> 8);
}
static u16 get16(const u8 *p) { return (u16)(p[0] | (p[1] << 8)); }

/* A significand with an interesting shape: random, all ones, sparse, or with a tail
 * that makes a rounding at 24, 53 or 64 bits land on or near a tie. */
static u64 significand(void) {
    u64 s = next();
    switch (rnd(8)) {
        case 0: s = ~0ULL; break;
        case 1: s = 1ULL << rnd(64); s |= 1ULL << rnd(64); break;
        case 2: {
            int k = rnd(3) == 0 ? 40 : rnd(2) ? 11 : 1;
            s &= ~((1ULL << k) - 1);
            s |= 1ULL << (k - 1);
            if (rnd(2)) s &= ~((1ULL << (k - 1)) - 1);
            break;
        }
        case 3: s &= 0xFFFFFF0000000000ULL; break;
        default: break;
    }
    return s;
}

static int class_exp; /* the exponent of the last normal number generated, for pairing */

static void gen80(u8 *p) {
    u64 s = significand();
    u16 sign = rnd(2) ? 0x8000 : 0;
    u32 c = rnd(40);
    u16 e;
    if (c == 0) { put80(p, 0, sign); return; }
    if (c == 1) { put80(p, 1ULL << 63, sign | 0x7FFF); return; }
    if (c == 2) { put80(p, s | (3ULL << 62), sign | 0x7FFF); return; }
    if (c == 3) { s &= ~(1ULL << 62); if ((s << 1) == 0) s |= 1; put80(p, s | (1ULL << 63), sign | 0x7FFF); return; }
    if (c == 4) { put80(p, (s & ~(1ULL << 63)) >> rnd(64), sign); return; }
    if (c == 5) { put80(p, 0xC000000000000000ULL, 0xFFFF); return; }
    if (c == 6) { u64 r = next(); put80(p, r, (u16)(next())); return; }
    if (c == 7 && rnd(4) == 0) { put80(p, s | (1ULL << 63), sign); return; }          /* pseudo-denormal */
    if (c == 8 && rnd(4) == 0) { put80(p, s & ~(1ULL << 63), sign | (1 + rnd(0x7FFE))); return; } /* unnormal */
    if (c < 12) e = (u16)(0x7FFE - rnd(80));
    else if (c < 16) e = (u16)(1 + rnd(80));
    else if (c < 20) e = (u16)(0x3FFF - 16382 + rnd(60)) ;
    else if (c < 24) e = (u16)(1 + rnd(0x7FFE));
    else e = (u16)(0x3FFF - 70 + rnd(140));
    class_exp = e;
    put80(p, s | (1ULL << 63), sign | e);
}

/* b relative to a: nearby exponents give cancellation and rounding ties. */
static void gen_pair(u8 *a, u8 *b) {
    gen80(a);
    u16 ea = get16(a + 8) & 0x7FFF;
    u32 c = rnd(8);
    if (c < 3 && ea > 0 && ea < 0x7FFF) {
        int e = (int)ea - (int)rnd(72);
        if (e < 1) e = 1;
        u16 sign = rnd(2) ? 0x8000 : 0;
        put80(b, significand() | (1ULL << 63), (u16)(sign | e));
    } else if (c == 3) {
        for (int i = 0; i < 10; i++) b[i] = a[i];
        if (rnd(2)) b[9] ^= 0x80;
    } else {
        gen80(b);
    }
}

static void gen_int(u8 *p, int bytes) {
    u64 v = next();
    switch (rnd(6)) {
        case 0: v = rnd(2) ? 0 : (u64)-1; break;
        case 1: v = (u64)(long long)(int)(rnd(200) - 100); break;
        case 2: v = 1ULL << (8 * bytes - 1); if (rnd(2)) v--; break;
        default: if (rnd(2)) v >>= rnd(64); break;
    }
    for (int i = 0; i < 10; i++) p[i] = i < bytes ? (u8)(v >> (8 * i)) : (u8)next();
}

static void gen_real(u8 *p, int bytes) {
    int ebits = bytes == 4 ? 8 : 11, mbits = bytes == 4 ? 23 : 52;
    u64 m = next() & ((1ULL << mbits) - 1), v;
    u64 emax = (1ULL << ebits) - 1, e;
    switch (rnd(10)) {
        case 0: e = 0; m = 0; break;
        case 1: e = emax; m = 0; break;
        case 2: e = emax; if (m == 0) m = 1; break;
        case 3: e = 0; m >>= rnd(mbits); if (m == 0) m = 1; break;
        case 4: e = emax - 1 - rnd(4); break;
        case 5: e = 1 + rnd(4); break;
        default: e = (emax >> 1) - 40 + rnd(80); break;
    }
    v = (rnd(2) ? 1ULL << (8 * bytes - 1) : 0) | (e << mbits) | m;
    for (int i = 0; i < 10; i++) p[i] = i < bytes ? (u8)(v >> (8 * i)) : (u8)next();
}

static void gen_bcd(u8 *p) {
    for (int i = 0; i < 9; i++) p[i] = (u8)(rnd(10) | rnd(10) << 4);
    p[9] = rnd(2) ? 0x80 : 0;
    if (rnd(4) == 0) for (int i = rnd(9); i < 9; i++) p[i] = 0;
}

/* The instructions under test, as bytes: R(op, modrm) a register form, M(op, reg) a
 * memory form addressing g_mem, W(op, reg) the same with the operand-size prefix 0x66
 * (only the environment instructions mind it: they use the 14-byte 16-bit layout). Every operand is ST0, ST1 or ST2 of a stack holding a, b, c. */
#define R8(op, base) R(op, base + 0) R(op, base + 1) R(op, base + 2) R(op, base + 3) \
                     R(op, base + 4) R(op, base + 5) R(op, base + 6) R(op, base + 7)
#define M8(op) M(op, 0) M(op, 1) M(op, 2) M(op, 3) M(op, 4) M(op, 5) M(op, 6) M(op, 7)

#define BASIC_OPS \
    R8(0xD8, 0xC0) R8(0xD8, 0xC8) R8(0xD8, 0xD0) R8(0xD8, 0xD8) R8(0xD8, 0xE0) R8(0xD8, 0xE8) \
    R8(0xD8, 0xF0) R8(0xD8, 0xF8) \
    R8(0xD9, 0xC0) R8(0xD9, 0xC8) R(0xD9, 0xD0) R8(0xD9, 0xD8) R(0xD9, 0xE0) R(0xD9, 0xE1) \
    R(0xD9, 0xE4) R(0xD9, 0xE5) R(0xD9, 0xE8) R(0xD9, 0xE9) R(0xD9, 0xEA) R(0xD9, 0xEB) \
    R(0xD9, 0xEC) R(0xD9, 0xED) R(0xD9, 0xEE) R(0xD9, 0xF4) R(0xD9, 0xF5) R(0xD9, 0xF6) \
    R(0xD9, 0xF7) R(0xD9, 0xF8) R(0xD9, 0xFA) R(0xD9, 0xFC) R(0xD9, 0xFD) \
    R8(0xDA, 0xC0) R8(0xDA, 0xC8) R8(0xDA, 0xD0) R8(0xDA, 0xD8) R(0xDA, 0xE9) \
    R8(0xDB, 0xC0) R8(0xDB, 0xC8) R8(0xDB, 0xD0) R8(0xDB, 0xD8) R(0xDB, 0xE0) R(0xDB, 0xE1) R(0xDB, 0xE2) R(0xDB, 0xE4) \
    R8(0xDB, 0xE8) R8(0xDB, 0xF0) \
    R8(0xDC, 0xC0) R8(0xDC, 0xC8) R8(0xDC, 0xD0) R8(0xDC, 0xD8) R8(0xDC, 0xE0) R8(0xDC, 0xE8) \
    R8(0xDC, 0xF0) R8(0xDC, 0xF8) \
    R8(0xDD, 0xC0) R8(0xDD, 0xD0) R8(0xDD, 0xD8) R8(0xDD, 0xE0) R8(0xDD, 0xE8) \
    R8(0xDE, 0xC0) R8(0xDE, 0xC8) R8(0xDE, 0xD0) R(0xDE, 0xD9) R8(0xDE, 0xE0) R8(0xDE, 0xE8) \
    R8(0xDE, 0xF0) R8(0xDE, 0xF8) \
    R8(0xDF, 0xC0) R8(0xDF, 0xC8) R8(0xDF, 0xD0) R8(0xDF, 0xD8) R(0xDF, 0xE0) R8(0xDF, 0xE8) \
    R8(0xDF, 0xF0) \
    M8(0xD8) M(0xD9, 0) M(0xD9, 2) M(0xD9, 3) M(0xD9, 5) M(0xD9, 7) M8(0xDA) \
    M(0xDB, 0) M(0xDB, 2) M(0xDB, 3) M(0xDB, 5) M(0xDB, 7) M8(0xDC) \
    M(0xDD, 0) M(0xDD, 2) M(0xDD, 3) M(0xDD, 7) M8(0xDE) \
    M(0xD9, 4) M(0xD9, 6) M(0xDD, 4) M(0xDD, 6) \
    M(0xDF, 0) M(0xDF, 2) M(0xDF, 3) M(0xDF, 4) M(0xDF, 5) M(0xDF, 6) M(0xDF, 7) \
    W(0xD9, 4) W(0xD9, 6) W(0xDD, 4) W(0xDD, 6)

/* The arithmetic core gets drawn far more often than the rest. */
#define CORE_OPS \
    R(0xD8, 0xC1) R(0xD8, 0xC9) R(0xD8, 0xE1) R(0xD8, 0xE9) R(0xD8, 0xF1) R(0xD8, 0xF9) \
    R(0xDC, 0xC1) R(0xDC, 0xE1) R(0xDC, 0xE9) R(0xDC, 0xF1) R(0xDC, 0xF9) R(0xDE, 0xC1) \
    R(0xD9, 0xFA) R(0xD9, 0xFC) R(0xD9, 0xF8) R(0xD9, 0xF5) R(0xD9, 0xFD) R(0xD9, 0xF4) \
    R(0xD8, 0xD1) R(0xDD, 0xE1) R(0xDB, 0xE9) R(0xDF, 0xF1) R(0xD9, 0xE4) \
    M(0xD8, 0) M(0xD8, 1) M(0xD8, 4) M(0xDC, 6) M(0xDC, 7) M(0xD9, 3) M(0xDD, 3) \
    M(0xDF, 7) M(0xDB, 3) M(0xDF, 3) M(0xD8, 2) M(0xDC, 3) M(0xDA, 0) M(0xDE, 6)

#define TRANS_OPS \
    R(0xD9, 0xF0) R(0xD9, 0xF1) R(0xD9, 0xF2) R(0xD9, 0xF3) R(0xD9, 0xF9) R(0xD9, 0xFB) \
    R(0xD9, 0xFE) R(0xD9, 0xFF)

#define CODE(op, modrm) (((op) << 8) | (modrm))
#define CODE16(op, modrm) (0x660000 | CODE(op, modrm))

#define R(op, m) CODE(op, (m)),
#define M(op, reg) CODE(op, ((reg) << 3) | 5),
#define W(op, reg) CODE16(op, ((reg) << 3) | 5),
static const u32 basic_ops[] = { BASIC_OPS };
static const u32 core_ops[] = { CORE_OPS };
static const u32 trans_ops[] = { TRANS_OPS };
#undef R
#undef M
#undef W

#define PRE "movl $0x5a5a5a5a, %%eax\n\tpushl g_flin\n\tpopfl\n\t"
#define POST "\n\tpushfl\n\tpopl g_flout\n\tmovw %%ax, g_ax\n\tfnsave g_save"
#define R(op, m) case CODE(op, (m)): \
    __asm__ volatile(PRE ".byte " #op ", " #m POST ::: "eax", "memory", "cc"); break;
#define M(op, reg) case CODE(op, ((reg) << 3) | 5): \
    __asm__ volatile(PRE ".byte " #op ", ((" #reg ") << 3) | 5\n\t.long g_mem" POST ::: "eax", "memory", "cc"); break;
#define W(op, reg) case CODE16(op, ((reg) << 3) | 5): \
    __asm__ volatile(PRE ".byte 0x66, " #op ", ((" #reg ") << 3) | 5\n\t.long g_mem" POST ::: "eax", "memory", "cc"); break;

static void run(u32 code) {
    switch (code) {
        BASIC_OPS
        TRANS_OPS
        default: sys_exit(3);
    }
}
#undef R
#undef M
#undef W

/* An environment (28 bytes, or 14 in the 16-bit layout, whose words are 2 bytes apart)
 * followed by eight registers: what FLDENV and FRSTOR load. */
static void gen_env(int o16) {
    int slot = o16 ? 2 : 4, size = o16 ? 14 : 28;
    for (int i = 0; i < 108; i++) g_mem[i] = (u8)next();
    u16 cw = (u16)((rnd(4) ? 0x3F : rnd(64)) | (rnd(4) << 8) | (rnd(4) << 10) | (next() & 0xF0C0));
    g_mem[0] = (u8)cw; g_mem[1] = (u8)(cw >> 8);
    if (rnd(2)) { g_mem[slot] &= 0x40; g_mem[slot + 1] &= 0x38; }          /* mostly no flags */
    for (int i = 0; i < 8; i++) gen80(g_mem + size + 10 * i);
}

static void gen_mem(u32 code) {
    u32 op = (code >> 8) & 0xFF, modrm = code & 0xFF, reg = (modrm >> 3) & 7;
    for (int i = 10; i < 108; i++) g_mem[i] = (u8)next();
    if (modrm >= 0xC0) { gen80(g_mem); return; }
    if ((op == 0xD9 || op == 0xDD) && reg == 4) { gen_env(code > 0xFFFF); return; }
    switch (op) {
        case 0xD8: gen_real(g_mem, 4); break;
        case 0xDC: gen_real(g_mem, 8); break;
        case 0xDA: gen_int(g_mem, 4); break;
        case 0xDE: gen_int(g_mem, 2); break;
        case 0xD9:
            if (reg == 0) gen_real(g_mem, 4);
            else if (reg == 5) { gen_int(g_mem, 2); g_mem[0] |= 0x3F * (rnd(3) != 0); g_mem[1] &= 0x0F; }
            else gen80(g_mem);
            break;
        case 0xDD: if (reg == 0) gen_real(g_mem, 8); else gen80(g_mem); break;
        case 0xDB: if (reg == 0) gen_int(g_mem, 4); else gen80(g_mem); break;
        default:
            if (reg == 0) gen_int(g_mem, 2);
            else if (reg == 4) gen_bcd(g_mem);
            else if (reg == 5) gen_int(g_mem, 8);
            else gen80(g_mem);
    }
}

static int streq(const char *a, const char *b) { while (*a && *a == *b) { a++; b++; } return *a == *b; }
static u32 atou(const char *s) { u32 v = 0; while (*s >= '0' && *s <= '9') v = v * 10 + (u32)(*s++ - '0'); return v; }

static void one_case(u32 code, int trans) {
    u32 pcs[4] = {0x000, 0x200, 0x300, 0x100};
    u32 masks = rnd(8) == 0 ? rnd(64) : 0x3F;
    u32 pc = rnd(16) == 0 ? pcs[3] : pcs[rnd(3)];
    g_cw = (u16)(masks | 0x40 | pc | (rnd(4) << 10));
    u32 n, r = rnd(20);
    n = r < 1 ? 0 : r < 3 ? 1 : r < 12 ? 2 : r < 18 ? 3 : 8;
    gen_pair(g_a, g_b);
    gen80(g_c);
    if (trans && rnd(2)) {
        /* mostly arguments inside the instructions' domains */
        u16 e = (u16)(0x3FFF - rnd(20));
        if (trans == 2) e = (u16)((code == CODE(0xD9, 0xF0) ? 0x3FFE : 0x3FFC) - rnd(70));
        else if (rnd(3) == 0) e = (u16)(0x3FFF + rnd(64));
        put80(g_a, significand() | (1ULL << 63), (u16)((rnd(2) ? 0x8000 : 0) | e));
    }
    gen_mem(code);
    g_flin = 0x2 | (rnd(2) ? 1 : 0) | (rnd(2) ? 4 : 0) | (rnd(2) ? 0x40 : 0) | (rnd(2) ? 0x80 : 0) | (rnd(2) ? 0x800 : 0);

    u8 memin[108];
    for (int i = 0; i < 108; i++) memin[i] = g_mem[i];
    __asm__ volatile("fninit\n\tfldcw g_cw" ::: "memory");
    if (n == 8) for (int i = 0; i < 5; i++) __asm__ volatile("fldt g_c" ::: "memory");
    if (n >= 3) __asm__ volatile("fldt g_c" ::: "memory");
    if (n >= 2) __asm__ volatile("fldt g_b" ::: "memory");
    if (n >= 1) __asm__ volatile("fldt g_a" ::: "memory");
    __asm__ volatile("fnclex" ::: "memory");
    run(code);

    hex(code, code > 0xFFFF ? 6 : 4); putc_(' '); hex(g_cw, 4); putc_(' '); hex(n, 1); putc_(' '); hex(g_flin, 8); putc_(' ');
    hexbytes(g_a, 10); putc_(' '); hexbytes(g_b, 10); putc_(' '); hexbytes(g_c, 10); putc_(' ');
    hexbytes(memin, 108); puts_(" | ");
    hexbytes(g_save, 108); putc_(' '); hexbytes(g_mem, 108); putc_(' '); hex(g_flout, 8); putc_(' ');
    hex(g_ax, 4); putc_('\n');
}

void cmain(int *sp) {
    int argc = sp[0];
    char **argv = (char **)(sp + 1);
    if (argc < 4) { puts_("usage: x87cases SEED COUNT basic|trans\n"); flush(); sys_exit(2); }
    rng = 0x9E3779B97F4A7C15ULL ^ ((u64)atou(argv[1]) * 0x100000001B3ULL);
    if (rng == 0) rng = 1;
    u32 count = atou(argv[2]);
    int trans = streq(argv[3], "trans");
    for (u32 k = 0; k < count; k++) {
        u32 code;
        if (trans) code = trans_ops[rnd(sizeof trans_ops / sizeof trans_ops[0])];
        else if (rnd(2)) code = core_ops[rnd(sizeof core_ops / sizeof core_ops[0])];
        else code = basic_ops[rnd(sizeof basic_ops / sizeof basic_ops[0])];
        one_case(code, trans ? 1 + (code == CODE(0xD9, 0xF0) || code == CODE(0xD9, 0xF9)) : 0);
    }
    flush();
    sys_exit(0);
}

__asm__(".globl _start\n_start:\n\tmovl %esp, %eax\n\tandl $-16, %esp\n\tpushl %eax\n\tpushl %eax\n\tpushl %eax\n\tpushl %eax\n\tcall cmain\n\thlt\n");
