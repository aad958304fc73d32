/*
 * tests/mmio/cases.h: the instruction forms the MMIO emulator's test runs
 * (cases.c), as byte patterns with what each does to memory by its SDM
 * page (how many reads and writes of the operand).
 */
#ifndef TESTS_MMIO_CASES_H
#define TESTS_MMIO_CASES_H

#include <stdint.h>

/*
 * Pattern tokens, separated by spaces: two hex digits are a byte; "/r" a
 * ModRM byte with a memory operand and every register in its reg field in
 * turn, "/0".."/7" one with that digit; "ib" "iw" "id" an immediate of 1,
 * 2 or 4 bytes; "mo" a moffs32.  The test picks the addressing form of the
 * memory operand (disp32, [esi+disp8], [ebx+ecx*4+disp32], [esp+disp8])
 * and the registers it needs.
 */
#define T_ABS	0x01	/* disp32 addressing only */
#define T_BTREG	0x02	/* the ModRM.reg register is a bit offset inside the operand */
#define T_BTOUT	0x04	/* ... outside the operand (a bit string: refused) */
#define T_CROSS	0x08	/* the operand runs past the end of the page (refused) */
#define T_TRUNC	0x10	/* fetched one byte short (refused) */

/* A form hv emulates: the native run is the expected result. */
struct tmpl {
	const char *family;	/* the PASS line it counts towards */
	const char *pat;
	uint8_t size;		/* memory operand size in bytes */
	uint8_t rd, wr;		/* device reads and writes: 0 or 1 */
	uint8_t flags;
};

/* A form hv refuses: mmio_emulate must return rc (0: any negative). */
struct bad {
	const char *family;
	const char *pat;
	uint8_t size;		/* for the offset (T_CROSS) */
	int8_t rc;
	uint8_t flags;
};

/* Fills tmpls (room for TMPL_MAX) and returns how many. */
#define TMPL_MAX 400
int cases_build(struct tmpl *tmpls);

extern const struct bad cases_bad[];
extern const int cases_nbad;

#endif
