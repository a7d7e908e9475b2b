/* src/guest/rtc.c: setting the clock, and the hardware clock behind
 * /dev/rtc: what `date -s` and `hwclock` ask of a kernel. */
#include "file.h"

/*U:262 Setting the clock.  The wall clock is the Host's (U:260), and a
 * Guest cannot set the Host's; what `date -s` and `hwclock -s` want is
 * only that *this* system's idea of the time change, so the kernel keeps
 * how far it has been moved, in whole seconds and nanoseconds, and adds
 * that to every reading of CLOCK_REALTIME: gettimeofday(), time(), the
 * times a file is stamped with.  The monotonic clocks do not move, as on
 * Linux, where they count from boot whatever the date says.  settimeofday(),
 * clock_settime() and its 64-bit twin all set the same pair; a time before
 * 1970 or past 2106 (u32 seconds) is refused with EINVAL.  Only the 32-bit
 * arithmetic of a freestanding kernel is used: a 64-bit division would need
 * libgcc. */
static s32 shift_s, shift_ns;     /* 0 <= shift_ns < 10^9 */

void wall_shift(u64 *sec, u32 *nsec)
{
	u32 ns = *nsec + (u32)shift_ns;

	*sec += (s64)shift_s + (ns >= 1000000000);
	*nsec = ns >= 1000000000 ? ns - 1000000000 : ns;
}

/* The system's wall clock in whole seconds, for ext2's timestamps. */
u32 wall_seconds(void)
{
	u32 s, ns;
	u64 sec;

	host_clock(&s, &ns);
	sec = s;
	wall_shift(&sec, &ns);
	return (u32)sec;
}

static long set_wall(u64 sec, u32 nsec)
{
	u32 hs, hns;

	if (nsec >= 1000000000 || sec >> 32)
		return -EINVAL;
	host_clock(&hs, &hns);
	shift_s = (s32)((u32)sec - hs);
	shift_ns = (s32)nsec - (s32)hns;
	if (shift_ns < 0) {
		shift_ns += 1000000000;
		shift_s--;
	}
	return 0;
}

long sys_settimeofday(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	s32 tv[2];

	if (!a)
		return 0;                 /* only a time zone: the kernel keeps none */
	if (copy_from_user(tv, a, sizeof(tv)))
		return -EFAULT;
	if (tv[0] < 0 || tv[1] < 0 || tv[1] >= 1000000)
		return -EINVAL;
	return set_wall((u32)tv[0], (u32)tv[1] * 1000);
}

/* clock_settime() and clock_settime64(): a struct timespec of 32-bit or
 * 64-bit seconds, and only the wall clock may be set. */
static long settime(u32 clock, u32 uts, int wide)
{
	u32 ts[4] = { 0 };

	if (clock != CLOCK_REALTIME)
		return -EINVAL;
	if (copy_from_user(ts, uts, wide ? 16 : 8))
		return -EFAULT;
	if (!wide) {
		if ((s32)ts[0] < 0)
			return -EINVAL;
		ts[2] = ts[1];
		ts[1] = 0;
	}
	return set_wall(ts[0] | (u64)ts[1] << 32, ts[2]);
}

long sys_clock_settime(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return settime(a, b, 0);
}

long sys_clock_settime64(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return settime(a, b, 1);
}
/*:*/

/* <linux/rtc.h>: the two ioctls and their struct, the date as struct tm has it */
#define RTC_RD_TIME  0x80247009
#define RTC_SET_TIME 0x4024700a
struct rtc_time {
	s32 sec, min, hour, mday, mon, year, wday, yday, isdst;
};
static s32 rtc_shift;                  /* what RTC_SET_TIME moved the Host's clock by, in seconds */

/*U:263 The hardware clock.  A PC keeps the date in a battery-backed clock
 * that the kernel reads at boot and `hwclock` reads and sets through
 * /dev/rtc (and /dev/rtc0, its name since Linux 2.6.17): RTC_RD_TIME fills
 * a struct rtc_time, the broken-down date of <time.h>'s struct tm, in UTC;
 * RTC_SET_TIME takes one.  Ours is the Host's clock, moved by what
 * RTC_SET_TIME asked, which the kernel remembers until the Guest stops, as
 * a clock with no battery would: the Host's own clock is never touched.
 * The calendar is the proleptic Gregorian one, days counted from 1 March so
 * that February's odd length comes last in the year (the method of Howard
 * Hinnant's date algorithms), in 32-bit arithmetic. */
/* Seconds since 1970 (up to 2106) to a date, and back. */
static void to_date(u32 t, struct rtc_time *tm)
{
	u32 days = t / 86400, s = t % 86400, z = days + 719468;
	u32 era = z / 146097, doe = z - era * 146097;
	u32 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	u32 doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	u32 d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	u32 y = yoe + era * 400 + (m <= 2);
	static const u16 before[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	tm->sec = s % 60;
	tm->min = s / 60 % 60;
	tm->hour = s / 3600;
	tm->mday = d;
	tm->mon = m - 1;
	tm->year = y - 1900;
	tm->wday = (days + 4) % 7;                /* 1 January 1970 was a Thursday */
	tm->yday = before[m - 1] + d - 1 + (leap && m > 2);
	tm->isdst = 0;
}

static long from_date(const struct rtc_time *tm, u32 *t)
{
	u32 y = tm->year + 1900, m = tm->mon + 1, era, yoe, doy, doe, days;

	if (tm->year < 70 || tm->year > 205 || tm->mon < 0 || tm->mon > 11 || tm->mday < 1 || tm->mday > 31
	    || tm->hour < 0 || tm->hour > 23 || tm->min < 0 || tm->min > 59 || tm->sec < 0 || tm->sec > 59)
		return -EINVAL;
	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + tm->mday - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	days = era * 146097 + doe - 719468;
	*t = days * 86400 + tm->hour * 3600 + tm->min * 60 + tm->sec;
	return 0;
}

static long rtc_ioctl(struct file *f, u32 cmd, u32 arg)
{
	struct rtc_time tm;
	u32 hs, hns, t;

	(void)f;
	host_clock(&hs, &hns);
	if (cmd == RTC_RD_TIME) {
		to_date(hs + rtc_shift, &tm);
		return copy_to_user(arg, &tm, sizeof(tm)) ? -EFAULT : 0;
	}
	if (cmd != RTC_SET_TIME)
		return -ENOTTY;
	if (copy_from_user(&tm, arg, sizeof(tm)))
		return -EFAULT;
	if (from_date(&tm, &t))
		return -EINVAL;
	rtc_shift = (s32)(t - hs);
	return 0;
}

static long rtc_stat(struct file *f, struct kstat *st)
{
	(void)f;
	memset(st, 0, sizeof(*st));
	st->mode = 0020644;                 /* S_IFCHR | rw-r--r-- */
	st->rdev = (252 << 8) | 0;
	st->nlink = 1;
	st->blksize = 4096;
	return 0;
}

const struct file_ops rtc_ops = {
	.ioctl = rtc_ioctl, .stat = rtc_stat,
};
/*:*/

/*U:268 The clock's discipline.  An NTP daemon does not set the clock; it
 * steers it, with adjtimex(): how fast it runs (freq, in parts per million
 * shifted left by 16), how far off it is believed to be (offset), the error
 * bounds, and the status bits, of which STA_UNSYNC says "not synchronized
 * yet", Linux's state at boot and why adjtimex() then returns TIME_ERROR.
 * This Guest's clock is the Host's (U:260), which the Host's own NTP
 * steers: so the kernel keeps what it is told and reports it back, with the
 * ranges and clamps Linux applies, but moves nothing, except for the two
 * requests that are really a step: ADJ_SETOFFSET, a jump by the given time,
 * and adjtime()'s single shot (ADJ_OFFSET_SINGLESHOT), which Linux slews in
 * over a while at 0.5 ms a second, and this kernel takes all at once.
 * Everyone is root, so no request is EPERM.  Three entry points: adjtimex()
 * and clock_adjtime() with the 32-bit struct timex, clock_adjtime64() with
 * the 64-bit struct __kernel_timex that glibc tries first; both are turned
 * into the same 21 numbers here, numbered as the 32-bit struct's words. */
enum { TX_MODES, TX_OFFSET, TX_FREQ, TX_MAXERROR, TX_ESTERROR, TX_STATUS, TX_CONSTANT, TX_PRECISION,
       TX_TOLERANCE, TX_SEC, TX_USEC, TX_TICK, TX_SHIFT = 14, TX_TAI = 20, TX_WORDS };
#define ADJ_OFFSET     0x0001
#define ADJ_FREQUENCY  0x0002
#define ADJ_MAXERROR   0x0004
#define ADJ_ESTERROR   0x0008
#define ADJ_STATUS     0x0010
#define ADJ_TIMECONST  0x0020
#define ADJ_TAI        0x0080
#define ADJ_SETOFFSET  0x0100
#define ADJ_MICRO      0x1000
#define ADJ_NANO       0x2000
#define ADJ_TICK       0x4000
#define ADJ_ADJTIME    0x8000      /* with ADJ_OFFSET: adjtime()'s single shot */
#define ADJ_READONLY   0x2000      /* with ADJ_ADJTIME: only read what is left */
#define STA_PLL        0x0001
#define STA_UNSYNC     0x0040
#define STA_NANO       0x2000
#define STA_RONLY      0xFF00      /* bits only the kernel sets */
#define MAXFREQ_SCALED (500LL << 16)
#define PHASE_LIMIT    16000000    /* the error bounds' ceiling, in microseconds */
#define TIME_OK        0
#define TIME_ERROR     5

static s64 ntp[TX_WORDS] = { [TX_MAXERROR] = PHASE_LIMIT, [TX_ESTERROR] = PHASE_LIMIT,
			     [TX_STATUS] = STA_UNSYNC, [TX_CONSTANT] = 2, [TX_TICK] = 10000 };

static s64 clamp(s64 v, s64 lo, s64 hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The wall clock moved by sec seconds and nsec nanoseconds (0 <= nsec < 10^9). */
static long step_wall(s64 sec, u32 nsec)
{
	u32 s, ns;
	u64 now;

	host_clock(&s, &ns);
	now = s;
	wall_shift(&now, &ns);
	ns += nsec;
	if (ns >= 1000000000) {
		ns -= 1000000000;
		sec++;
	}
	return set_wall(now + sec, ns);
}
/*:*/

/*U:269 What each mode bit asks, checked first and then done, so that a
 * request with one bad part changes nothing: Linux's order, and its limits
 * (a tick of 9,000 to 11,000 microseconds, a step's fraction below a
 * second, in nanoseconds if the request says ADJ_NANO; the frequency
 * clamped to 500 ppm, the bounds to 16 s, the time constant to 0..10,
 * stored plus 4 in microsecond mode).  The reply is the state after, with
 * the time now, in microseconds or, under STA_NANO, in nanoseconds. */
static long adjtimex(s64 *tx)
{
	u32 modes = tx[TX_MODES], s, ns;
	s64 second = modes & ADJ_NANO ? 1000000000 : 1000000;   /* a step's fraction, in its unit */
	u64 sec;
	long err = 0;

	if ((modes & ADJ_ADJTIME) && modes != (ADJ_ADJTIME | ADJ_OFFSET) && modes != (ADJ_ADJTIME | ADJ_READONLY | ADJ_OFFSET))
		return -EINVAL;
	if (!(modes & ADJ_ADJTIME) && (modes & ADJ_TICK) && (tx[TX_TICK] < 9000 || tx[TX_TICK] > 11000))
		return -EINVAL;
	if (!(modes & ADJ_ADJTIME) && (modes & ADJ_SETOFFSET) && (tx[TX_USEC] < 0 || tx[TX_USEC] >= second))
		return -EINVAL;
	if (modes == (ADJ_ADJTIME | ADJ_OFFSET)) {       /* taken at once: nothing is left to slew */
		s32 us = (s32)tx[TX_OFFSET], whole = us / 1000000, part = us % 1000000;

		err = part < 0 ? step_wall(whole - 1, (u32)(part + 1000000) * 1000) : step_wall(whole, (u32)part * 1000);
	} else if (!(modes & ADJ_ADJTIME)) {
		if (modes & ADJ_SETOFFSET)
			err = step_wall(tx[TX_SEC], (u32)tx[TX_USEC] * (modes & ADJ_NANO ? 1 : 1000));
		if (modes & ADJ_STATUS)
			ntp[TX_STATUS] = (ntp[TX_STATUS] & STA_RONLY) | (tx[TX_STATUS] & ~STA_RONLY);
		if (modes & ADJ_NANO)
			ntp[TX_STATUS] |= STA_NANO;
		if (modes & ADJ_MICRO)
			ntp[TX_STATUS] &= ~STA_NANO;
		if (modes & ADJ_FREQUENCY)
			ntp[TX_FREQ] = clamp(tx[TX_FREQ], -MAXFREQ_SCALED, MAXFREQ_SCALED);
		if (modes & ADJ_MAXERROR)
			ntp[TX_MAXERROR] = clamp(tx[TX_MAXERROR], 0, PHASE_LIMIT);
		if (modes & ADJ_ESTERROR)
			ntp[TX_ESTERROR] = clamp(tx[TX_ESTERROR], 0, PHASE_LIMIT);
		if (modes & ADJ_TIMECONST)
			ntp[TX_CONSTANT] = clamp(tx[TX_CONSTANT] + (ntp[TX_STATUS] & STA_NANO ? 0 : 4), 0, 10);
		if ((modes & ADJ_TAI) && tx[TX_CONSTANT] >= 0)
			ntp[TX_TAI] = tx[TX_CONSTANT];
		if ((modes & ADJ_OFFSET) && (ntp[TX_STATUS] & STA_PLL))
			ntp[TX_OFFSET] = tx[TX_OFFSET];
		if (modes & ADJ_TICK)
			ntp[TX_TICK] = tx[TX_TICK];
	}
	if (err)
		return err;
	memcpy(tx + 1, ntp + 1, (TX_WORDS - 1) * sizeof(s64));
	if (modes & ADJ_ADJTIME)
		tx[TX_OFFSET] = 0;
	tx[TX_PRECISION] = 1;
	tx[TX_TOLERANCE] = MAXFREQ_SCALED;
	host_clock(&s, &ns);
	sec = s;
	wall_shift(&sec, &ns);
	tx[TX_SEC] = sec;
	tx[TX_USEC] = ntp[TX_STATUS] & STA_NANO ? ns : ns / 1000;
	return ntp[TX_STATUS] & STA_UNSYNC ? TIME_ERROR : TIME_OK;
}
/*:*/

/* The two layouts: the 32-bit struct timex is 32 words, the 64-bit one
 * has 8-byte fields where this one has 4, except the four ints (modes,
 * status, shift, tai), which keep 4 and are padded to 8. */
static int is_int(int i)
{
	return i == TX_MODES || i == TX_STATUS || i == TX_SHIFT || i == TX_TAI;
}

/* Field i is word i of the 32-bit struct, words 2i and 2i + 1 of the 64-bit one. */
static long timex_call(u32 clock, u32 utx, int wide)
{
	u32 buf[52];
	s64 tx[TX_WORDS];
	long ret;
	int i;

	if (clock != CLOCK_REALTIME)
		return clock < 12 ? -EOPNOTSUPP : -EINVAL;
	if (copy_from_user(buf, utx, wide ? 208 : 128))
		return -EFAULT;
	for (i = 0; i < TX_WORDS; i++)
		tx[i] = !wide ? (s64)(s32)buf[i] : is_int(i) ? (s64)(s32)buf[2 * i]
			: (s64)(buf[2 * i] | (u64)buf[2 * i + 1] << 32);
	ret = adjtimex(tx);
	if (ret < 0)
		return ret;
	for (i = 0; i < TX_WORDS; i++) {
		buf[wide ? 2 * i : i] = (u32)tx[i];
		if (wide && !is_int(i))
			buf[2 * i + 1] = (u32)((u64)tx[i] >> 32);
	}
	return copy_to_user(utx, buf, wide ? 208 : 128) ? -EFAULT : ret;
}

long sys_adjtimex(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return timex_call(CLOCK_REALTIME, a, 0);
}

long sys_clock_adjtime(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return timex_call(a, b, 0);
}

long sys_clock_adjtime64(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	return timex_call(a, b, 1);
}
