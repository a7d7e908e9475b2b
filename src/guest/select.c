/* src/guest/select.c: select() and pselect6(), poll()'s older siblings. */
#include "kernel.h"
#include "file.h"

#define POLLIN  0x001
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define FD_MAX  1024            /* glibc's FD_SETSIZE */

struct select_request {
	struct file **f;
	u32 n;
	u32 want[3][FD_MAX / 32], got[3][FD_MAX / 32];
};

/*U:554 select() asks poll()'s question with three bitmaps instead of an
 * array: which of these descriptors could be read, which written, which have
 * an exceptional condition (out-of-band data, which nothing here has).  It
 * is answered as poll() is (U:552): the files are looked up and held once,
 * in a page of the kernel's, so that the scheduler can ask the question from
 * any process; readable means POLLIN, POLLHUP or POLLERR, writable POLLOUT
 * or POLLERR, as Linux maps them.  The bitmaps go back with only the ready
 * bits set, and the call returns how many bits that is.  The timeout comes
 * as microseconds (select), or nanoseconds in 32 or 64 bits (pselect6 and
 * its time64 twin, whose signal mask we do not apply). */
static u32 select_scan(struct select_request *r)
{
	u32 fd, ready = 0;

	memset(r->got, 0, sizeof r->got);
	for (fd = 0; fd < r->n; fd++) {
		u32 w = fd / 32, bit = 1U << (fd % 32), ev;

		if (!((r->want[0][w] | r->want[1][w] | r->want[2][w]) & bit) || !r->f[fd])
			continue;
		ev = file_poll(r->f[fd]);
		if ((r->want[0][w] & bit) && (ev & (POLLIN | POLLHUP | POLLERR))) {
			r->got[0][w] |= bit;
			ready++;
		}
		if ((r->want[1][w] & bit) && (ev & (POLLOUT | POLLERR))) {
			r->got[1][w] |= bit;
			ready++;
		}
	}
	return ready;
}

static int select_ready(void *arg)
{
	return select_scan(arg) != 0;
}

/* timeout_ns: -1 for none (wait for ever) */
static long do_select(u32 n, u32 sets[3], s64 timeout_ns)
{
	struct select_request *r;
	u32 fd, i, bytes;
	long err = 0, ready;

	if ((s32)n < 0)
		return -EINVAL;
	if (n > FD_MAX)
		n = FD_MAX;
	bytes = (n + 31) / 32 * 4;
	if (!(r = try_alloc_page()))     /* the request itself: 776 bytes */
		return -ENOMEM;
	if (!(r->f = try_alloc_page())) {
		free_page(r);
		return -ENOMEM;
	}
	r->n = n;
	for (i = 0; i < 3; i++)
		if (sets[i] && copy_from_user(r->want[i], sets[i], bytes))
			err = -EFAULT;
	for (fd = 0; fd < n && !err; fd++) {
		u32 w = fd / 32, bit = 1U << (fd % 32);

		if (!((r->want[0][w] | r->want[1][w] | r->want[2][w]) & bit))
			continue;
		if (!(r->f[fd] = fd_file(fd)))
			err = -EBADF;
		else
			file_get(r->f[fd]);
	}
	if (!err && !(ready = select_scan(r)) && timeout_ns != 0) {
		err = timeout_ns < 0 ? wait_event(select_ready, r)
			: wait_event_until(select_ready, r, fresh_ns() + (u64)timeout_ns);
		if (err == -ERESTARTSYS)
			err = -EINTR;
		else
			err = 0;
		ready = select_scan(r);
	}
	for (i = 0; i < 3 && !err; i++)
		if (sets[i] && copy_to_user(sets[i], r->got[i], bytes))
			err = -EFAULT;
	for (fd = 0; fd < n; fd++)
		if (r->f[fd])
			file_put(r->f[fd]);
	free_page(r->f);
	free_page(r);
	return err ? err : ready;
}
/*:*/

long sys_select(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	u32 sets[3] = { b, c, d }, tv[2];

	if (!e)
		return do_select(a, sets, -1);
	if (copy_from_user(tv, e, 8))
		return -EFAULT;
	if ((s32)tv[0] < 0 || tv[1] >= 1000000)
		return -EINVAL;
	return do_select(a, sets, (s64)tv[0] * 1000000000LL + (s64)tv[1] * 1000);
}

long sys_pselect6(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	u32 sets[3] = { b, c, d }, ts[2];

	if (!e)
		return do_select(a, sets, -1);
	if (copy_from_user(ts, e, 8))
		return -EFAULT;
	if ((s32)ts[0] < 0 || ts[1] >= 1000000000)
		return -EINVAL;
	return do_select(a, sets, (s64)ts[0] * 1000000000LL + ts[1]);
}

long sys_pselect6_time64(u32 a, u32 b, u32 c, u32 d, u32 e, u32 f)
{
	u32 sets[3] = { b, c, d }, ts[4];

	if (!e)
		return do_select(a, sets, -1);
	if (copy_from_user(ts, e, 16))
		return -EFAULT;
	if ((s32)ts[1] < 0 || ts[1] || ts[2] >= 1000000000)
		return (s32)ts[1] < 0 || ts[2] >= 1000000000 ? -EINVAL : do_select(a, sets, -1);
	return do_select(a, sets, (s64)ts[0] * 1000000000LL + ts[2]);
}
