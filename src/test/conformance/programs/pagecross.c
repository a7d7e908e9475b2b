/* Runs and patches the page-straddling code of pagecross.S. */
#include "../runtime/rt.h"

u32 straddle_const(void);
u32 straddle_lea(u32 x);
u32 jump_to_page_start(void);
extern u8 straddle_imm[];
extern u8 straddle_disp[];

static void show(const char *what, u32 v)
{
	put_str(what);
	put_str(": ");
	put_hex(v, 8);
	put_char('\n');
}

int main(int argc, char **argv)
{
	u32 i, acc = 0;
	show("page offset of the straddling immediate", (u32)straddle_imm & 4095);
	show("straddling mov", straddle_const());
	/* write only the half of the immediate that lies on the second page */
	straddle_imm[2] = 0xaa;
	straddle_imm[3] = 0xbb;
	show("after patching the far page", straddle_const());
	/* and only the near half */
	straddle_imm[0] = 0x01;
	show("after patching the near page", straddle_const());
	for (i = 0; i < 300; i++) {
		straddle_imm[3] = (u8)i;
		acc = acc * 5 + straddle_const();
	}
	show("300 far-page patches", acc);
	show("straddling lea", straddle_lea(7));
	straddle_disp[3] = 0x7f;
	show("after patching its displacement", straddle_lea(7));
	acc = 0;
	for (i = 0; i < 100; i++)
		acc = acc * 3 + straddle_lea(i);
	show("100 calls", acc);
	show("jump to a page start", jump_to_page_start());
	return 0;
}
