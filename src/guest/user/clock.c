/* The clocks' grain, run natively and in a Guest, outputs compared
 * (LinuxAbiTest): CLOCK_MONOTONIC read 2,000 times in a row never goes
 * back, and moves between most readings, as a clock with a nanosecond's
 * grain does, and CLOCK_REALTIME with it (G:690, H:235: both moved only
 * at the Guest's interrupts, a time slice apart, and ping timed every
 * round trip as 0.000 ms).  No C library: int $0x80 only. */
#include "print.h"

#define SYS_clock_gettime 265
#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1
#define READS 2000

static long long read_ns(int clock)
{
	long ts[2];

	syscall3(SYS_clock_gettime, clock, (long)ts, 0);
	return ts[0] * 1000000000LL + ts[1];
}

static void check(const char *name, int clock)
{
	long long prev = read_ns(clock), t;
	long moved = 0, back = 0, i;

	for (i = 0; i < READS; i++) {
		t = read_ns(clock);
		moved += t > prev;
		back += t < prev;
		prev = t;
	}
	put(name);
	put(": went back");
	hex(back != 0);
	put(", moved between most readings");
	hex(moved > READS / 2);
	put("\n");
}

void _start(void)
{
	check("CLOCK_MONOTONIC", CLOCK_MONOTONIC);
	check("CLOCK_REALTIME", CLOCK_REALTIME);
	flush();
	exit(0);
}
