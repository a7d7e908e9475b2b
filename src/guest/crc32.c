#include "kernel.h"

/*G:704 A checksum is how the demonstration proves the disk works: a test
 * on the host computes the same number from the image file and compares.  It
 * is CRC-32 as Ethernet, zlib and java.util.zip.CRC32 compute it (the
 * reflected polynomial 0xEDB88320, all ones in, all ones out), because then
 * the other side is a one-liner.  The table is computed at first use from
 * the polynomial rather than typed in, so there are 256 fewer numbers to get
 * wrong.  Chaining works as in zlib: pass 0 the first time and the previous
 * result after that. */
static u32 crc_table[256];

static void crc32_init(void)
{
	unsigned int n, k;

	for (n = 0; n < 256; n++) {
		u32 c = n;

		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
}

u32 crc32(u32 crc, const void *buf, unsigned long len)
{
	const u8 *p = buf;

	if (!crc_table[1])
		crc32_init();
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
	return ~crc;
}
/*:*/
