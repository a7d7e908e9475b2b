/* Shared between the generated form table (forms.c) and the case driver (driver.c). */
#ifndef CONFORMANCE_CASES_H
#define CONFORMANCE_CASES_H
#include "../runtime/rt.h"

/* Which flags the SDM defines after the instruction (the rest are masked out). */
enum flag_kind {
	K_ALL,		/* all six status flags defined (set, cleared or preserved) */
	K_LOGIC,	/* AND/OR/XOR/TEST: AF undefined */
	K_MUL,		/* MUL/IMUL: only CF and OF */
	K_DIV,		/* DIV/IDIV: none */
	K_SHIFT,	/* SHL/SHR: count rules, CF undefined when count >= width */
	K_SAR,		/* SAR: count rules */
	K_ROT,		/* ROL/ROR/RCL/RCR: only CF and OF; OF only for count 1 */
	K_SHXD,		/* SHLD/SHRD: count rules, AF undefined */
	K_BT,		/* BT family: CF (ZF preserved) */
	K_BSF,		/* BSF/BSR: ZF; destination undefined for a zero source */
	K_TZ,		/* F3 0F BC compared as BSF on nonzero sources only: no flags */
	K_FLAGIMG,	/* PUSHF/POPF: EBX holds a flags image, compare user bits only */
	K_BCD,		/* DAA/DAS: OF undefined */
	K_ASCII,	/* AAA/AAS: only CF and AF */
	K_AAM		/* AAM/AAD: only SF, ZF and PF */
};

/* How the inputs of a case must be shaped so that the instruction is defined. */
enum constraint {
	C_NONE,
	C_COUNT,	/* CL is a shift count: weight it to 0, 1, width, 31, 32, ... */
	C_SHXD16,	/* as C_COUNT, but masked count <= 16 (16-bit SHLD/SHRD) */
	C_DIV,		/* dividend and divisor built from a quotient that fits */
	C_IDIV,
	C_BTMEM,	/* bit offset register kept within the window */
	C_STRING,	/* ESI/EDI inside the window, ECX small, memory from two letters */
	C_FRAME,	/* EBP points into the window (LEAVE/ENTER) */
	C_XLAT,		/* EBX points into the window */
	C_LOOP,		/* ECX small */
	C_POPF,		/* EAX holds user-settable flags only */
	C_POPF_ID,	/* ... plus the ID bit */
	C_LEA,		/* ESP is a random number too (nothing touches the stack) */
	C_NONZERO,	/* source operand nonzero */
	C_LOOP16	/* CX small (0, 1, 2) or random, the rest of ECX random */
};

struct variant {
	void (*stub)(void);
	const char *text;
	s32 count;		/* immediate count, or -1: CL, or -2: not a shift */
	signed char src;	/* register number of the source (0-7), 8 = memory at M, -1 none */
	unsigned char src_shift;	/* 8 for AH/CH/DH/BH */
	signed char dst;	/* register that becomes undefined (BSF), or -1 */
};

struct form {
	const char *name;
	unsigned char kind;
	unsigned char constraint;
	unsigned char size;	/* operand size in bits: 8, 16, 32 */
	unsigned char nvar;
	short win_lo, win_hi;	/* memory window compared, relative to M */
	u32 fl_set;		/* flags forced on input (DF for the DF=1 string forms) */
	const struct variant *var;
};

extern const struct form forms[];
extern const int nforms;

struct cpu_state {
	u32 r[8];		/* EAX ECX EDX EBX ESP EBP ESI EDI */
	u32 fl;
};

#endif
