/* The freestanding runtime shared by the conformance programs. */
#ifndef CONFORMANCE_RT_H
#define CONFORMANCE_RT_H

typedef unsigned int u32;
typedef int s32;
typedef unsigned short u16;
typedef unsigned char u8;
typedef unsigned long long u64;
typedef long long s64;
typedef unsigned int size_t;

#define SYS_exit 1
#define SYS_write 4
#define SYS_brk 45
#define SYS_exit_group 252

long rt_syscall3(long nr, long a, long b, long c);

/* Each program defines main; rt_main unpacks the initial stack for it. */
int main(int argc, char **argv);

void rt_exit(int status) __attribute__((noreturn));
long rt_write(int fd, const void *buf, size_t len);
long rt_brk(u32 addr);

/* Output is buffered and flushed at exit or when the buffer fills, so a run of a few
 * thousand lines costs a few dozen system calls rather than thousands. */
void put_str(const char *s);
void put_char(char c);
void put_hex(u32 v, int digits);
void put_dec(s32 v);
void put_udec(u32 v);
void flush_out(void);

size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif
