#include "../runtime/rt.h"

u32 tz_dest, tz_flags, tz_dest8, tz_flags8;

int report(void)
{
	put_str("zero source: dest=");
	put_hex(tz_dest, 8);
	put_str(" ZF=");
	put_udec((tz_flags >> 6) & 1);
	put_str(" CF=");
	put_udec(tz_flags & 1);
	put_str("\nsource 8: dest=");
	put_hex(tz_dest8, 8);
	put_str(" ZF=");
	put_udec((tz_flags8 >> 6) & 1);
	put_str(" CF=");
	put_udec(tz_flags8 & 1);
	put_char('\n');
	return 0;
}
