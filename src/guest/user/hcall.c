#include "syscall.h"

/* The ring-3 half of hostile/ring3-hcall: a user program that tries to make
 * a hypercall.  The gate for vector 0x1F has privilege 1, so the CPU must
 * refuse with a general protection fault (error code 0xFA: vector 0x1F, IDT);
 * the kernel then ends this process with status 139.  If the Host ever lets it
 * through, the call number 0 (FLUSH_ASYNC) is harmless, and we say so and
 * exit with 1, which a test tells apart. */
static const char msg[] = "hostile: ring-3 hypercall was NOT stopped\n";

void _start(void)
{
	__asm__ __volatile__("int $0x1f" : : "a"(0) : "memory");
	write(1, msg, sizeof(msg) - 1);
	exit(1);
}
