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
