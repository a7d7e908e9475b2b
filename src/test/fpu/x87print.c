/* x87print: float, double and long double computations as gcc compiles them for the x87,
 * printed with our own formatting (no libc), so that the output of this one binary
 * under bin/x86run can be compared with its output on the host CPU. Every line shows
 * the exact bits of a result and a decimal rendering computed with x87 arithmetic too.
 *
 * Built with
 *   gcc -m32 -O1 -mfpmath=387 -mno-sse -fno-math-errno -ffreestanding -nostdlib -static -fno-pic
 */

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

static void sys_write(const char *p, int n) {
    int r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(4), "b"(1), "c"(p), "d"(n) : "memory");
}

static void sys_exit(int code) {
    __asm__ volatile("int $0x80" : : "a"(1), "b"(code));
    for (;;) { }
}

static char out[8192];
static int outn;
static void flush(void) { sys_write(out, outn); outn = 0; }
static void putc_(char c) { if (outn == (int)sizeof out) flush(); out[outn++] = c; }
static void puts_(const char *s) { while (*s) putc_(*s++); }
static void hex(u32 v, int digits) {
    for (int i = digits - 1; i >= 0; i--) putc_("0123456789abcdef"[(v >> (4 * i)) & 15]);
}
static void putu(u32 v) {
    char b[12]; int n = 0;
    do { b[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) putc_(b[--n]);
}
static void puti(int v) { if (v < 0) { putc_('-'); putu((u32)-v); } else putu((u32)v); }

static void bits80(long double x) {
    u8 b[12];
    __builtin_memcpy(b, &x, 10);
    for (int i = 9; i >= 0; i--) hex(b[i], 2);
}

/* Decimal rendering with x87 arithmetic: normalize into [1, 10) by powers of ten,
 * then peel off digits with FISTP (under the program's rounding mode: chop, as C
 * casts do) and FSUB. The same binary on the emulator must print the same digits. */
static void decimal(long double x, int digits) {
    u8 b[10];
    __builtin_memcpy(b, &x, 10);
    int neg = b[9] & 0x80, e = ((b[9] & 0x7F) << 8) | b[8];
    if (neg) { putc_('-'); x = -x; }
    if (e == 0x7FFF) { puts_((b[7] & 0x40) && !(b[7] & 0x3F) && !b[6] ? "nan" : "inf/nan"); return; }
    if (x == 0) { puts_("0"); return; }
    int exp10 = 0;
    while (x >= 1e16L) { x /= 1e16L; exp10 += 16; }
    while (x >= 10) { x /= 10; exp10++; }
    while (x < 1e-16L) { x *= 1e16L; exp10 -= 16; }
    while (x < 1) { x *= 10; exp10--; }
    for (int i = 0; i < digits; i++) {
        int d = (int)x;
        putc_((char)('0' + d));
        if (i == 0) putc_('.');
        x = (x - d) * 10;
    }
    putc_('e'); puti(exp10);
}

static int line;
static void show(const char *what, long double v) {
    putu((u32)++line); putc_(' '); puts_(what); putc_(' '); bits80(v); putc_(' '); decimal(v, 18); putc_('\n');
}

static long double fsin(long double x) { long double r; __asm__("fsin" : "=t"(r) : "0"(x)); return r; }
static long double fcos(long double x) { long double r; __asm__("fcos" : "=t"(r) : "0"(x)); return r; }
static long double fsqrt(long double x) { long double r; __asm__("fsqrt" : "=t"(r) : "0"(x)); return r; }
static long double fpatan(long double y, long double x) {
    long double r; __asm__("fpatan" : "=t"(r) : "0"(x), "u"(y) : "st(1)"); return r;
}
static long double fyl2x(long double x, long double y) {
    long double r; __asm__("fyl2x" : "=t"(r) : "0"(x), "u"(y) : "st(1)"); return r;
}
static long double f2xm1(long double x) { long double r; __asm__("f2xm1" : "=t"(r) : "0"(x)); return r; }
static long double fscale(long double x, long double n) {
    long double r; __asm__("fscale" : "=t"(r) : "0"(x), "u"(n)); return r;
}
static long double fprem(long double x, long double y) {
    long double r;
    __asm__("1: fprem\n\tfnstsw %%ax\n\ttestw $0x400, %%ax\n\tjnz 1b" : "=t"(r) : "0"(x), "u"(y) : "eax", "cc");
    return r;
}
static long double frndint(long double x) { long double r; __asm__("frndint" : "=t"(r) : "0"(x)); return r; }
static long double fldpi(void) { long double r; __asm__("fldpi" : "=t"(r)); return r; }
static long double fldl2e(void) { long double r; __asm__("fldl2e" : "=t"(r)); return r; }
static void fldcw(u16 cw) { __asm__ volatile("fldcw %0" : : "m"(cw)); }

/* exp(x) the way a libm does it on the x87: 2^(x*log2 e), split into integer and fraction. */
static long double exp_x87(long double x) {
    long double t = x * fldl2e();
    long double n = frndint(t);
    return fscale(f2xm1(t - n) + 1, n);
}

static volatile int vzero = 0;
/* volatile, so that gcc computes with them at run time instead of folding constants */
static volatile long double three = 3, two = 2, one = 1, seven = 7;
static volatile double dmax = 1.7976931348623157e308, dmin = 4.9406564584124654e-324, d300 = 1e-300;

void cmain(void) {
    float fsum = 0; double dsum = 0; long double lsum = 0;
    for (int i = 1; i <= 2000; i++) { fsum += 1.0f / i; dsum += 1.0 / i; lsum += 1.0L / i; }
    show("harmonic-float", fsum);
    show("harmonic-double", dsum);
    show("harmonic-long-double", lsum);

    long double pi4 = 0;
    for (int k = 0; k < 3000; k++) pi4 += (k & 1 ? -4.0L : 4.0L) / (2 * k + 1);
    show("leibniz", pi4);
    show("fldpi", fldpi());
    show("4atan1", 4 * fpatan(1, 1));
    show("sqrt2", fsqrt(two));
    show("sqrt2-double", (double)fsqrt(two));
    show("sqrt2-float", (float)fsqrt(two));
    show("third-float", (float)(one / (float)three));
    show("third-double", (double)(one / (double)three));
    show("third-long", one / three);
    show("sin1", fsin(one));
    show("cos1", fcos(one));
    show("sin1e10", fsin(1e10L));
    show("log2-10", fyl2x(10, 1));
    show("ln2", fyl2x(2, 1) / fldl2e());
    show("exp1", exp_x87(1));
    show("exp-20", exp_x87(-20));
    show("fmod", fprem(1e30L, seven));
    show("tiny-double", (double)(dmin * 3.0));
    show("tiny-product", (double)(d300 * 1e-20));
    show("big-double", (double)(dmax * 2.0));
    show("inf-minus-inf", (1.0L / vzero) - (1.0L / vzero));
    show("ld-max", 1.18973149535723176502e+4932L);
    show("ld-denormal", 3.6e-4951L);

    double x = 0.1;
    int acc = 0;
    for (int i = 0; i < 100; i++) { x = x * 1.1 + 0.01; acc += (int)x; }
    show("iterate", x);
    putu((u32)++line); puts_(" truncations "); puti(acc); putc_('\n');
    long long big = (long long)(x * 1e15);
    putu((u32)++line); puts_(" to-int64 "); hex((u32)(big >> 32), 8); hex((u32)big, 8); putc_('\n');
    int cmp = 0;
    for (int i = 0; i < 50; i++) {
        double a = i * 0.37, b = 9.0 - i * 0.21;
        cmp = cmp * 3 + (a < b) + 2 * (a == b);
        cmp &= 0xFFFFFF;
    }
    putu((u32)++line); puts_(" compares "); putu((u32)cmp); putc_('\n');

    for (int rc = 0; rc < 4; rc++) {
        fldcw((u16)(0x037F | (rc << 10)));
        long double r = one / three;
        long double s = two / three;
        fldcw(0x037F);
        show(rc == 0 ? "third-nearest" : rc == 1 ? "third-down" : rc == 2 ? "third-up" : "third-chop", r + s);
    }
    fldcw(0x027F);
    double pc = 0;
    for (int i = 1; i < 100; i++) pc += 1.0L / (i * 7);
    fldcw(0x037F);
    show("pc53-sum", pc);
    u16 sw;
    __asm__ volatile("fnstsw %0" : "=m"(sw));
    putu((u32)++line); puts_(" status "); hex(sw & 0x3F, 2); putc_('\n');
    flush();
    sys_exit(0);
}

__asm__(".globl _start\n_start:\n\tandl $-16, %esp\n\tcall cmain\n\thlt\n");
