/*
 * Reference model of the arithmetic flags, written from the definitions in
 * the SDM (vol. 1 3.4.3.1 status flags; vol. 2 each instruction's "Flags
 * Affected").  Shared by the ALU-type guests: a guest runs the real
 * instruction and compares the defined flags with this model; the flags
 * the SDM leaves undefined are only printed (in digests), never asserted.
 */
#ifndef GUEST_TESTS_FLAGMODEL_H
#define GUEST_TESTS_FLAGMODEL_H

#include <stdint.h>
#include "lib/x86.h"

static inline uint32_t wmask(int w)
{
	return w == 32 ? 0xFFFFFFFFu : (1u << w) - 1;
}

static inline uint32_t wsign(int w)
{
	return 1u << (w - 1);
}

/* PF: set when the low byte of the result has an even number of 1 bits. */
static inline uint32_t flag_pf(uint32_t r)
{
	r &= 0xFF;
	r ^= r >> 4;
	r ^= r >> 2;
	r ^= r >> 1;
	return (r & 1) ? 0 : FL_PF;
}

/* SF, ZF and PF of a w-bit result. */
static inline uint32_t flags_szp(uint32_t r, int w)
{
	uint32_t f = flag_pf(r);

	r &= wmask(w);
	if (!r)
		f |= FL_ZF;
	if (r & wsign(w))
		f |= FL_SF;
	return f;
}

/* a + b + cin, w bits: all six flags. */
static inline uint32_t model_add(uint32_t a, uint32_t b, uint32_t cin, int w, uint32_t *fl)
{
	uint64_t full;
	uint32_t r, f;

	a &= wmask(w);
	b &= wmask(w);
	full = (uint64_t)a + b + cin;
	r = (uint32_t)full & wmask(w);
	f = flags_szp(r, w);
	if (full >> w)
		f |= FL_CF;
	if ((a ^ r) & (b ^ r) & wsign(w))
		f |= FL_OF;
	if ((a ^ b ^ r) & 0x10)
		f |= FL_AF;
	*fl = f;
	return r;
}

/* a - b - bin, w bits: all six flags (CF is the borrow). */
static inline uint32_t model_sub(uint32_t a, uint32_t b, uint32_t bin, int w, uint32_t *fl)
{
	uint32_t r, f;

	a &= wmask(w);
	b &= wmask(w);
	r = (a - b - bin) & wmask(w);
	f = flags_szp(r, w);
	if ((uint64_t)a < (uint64_t)b + bin)
		f |= FL_CF;
	if ((a ^ b) & (a ^ r) & wsign(w))
		f |= FL_OF;
	if ((a ^ b ^ r) & 0x10)
		f |= FL_AF;
	*fl = f;
	return r;
}

/* Same-size pseudo-random numbers from a seed (xorshift32). */
static inline uint32_t xorshift32(uint32_t *s)
{
	uint32_t x = *s ? *s : 1;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

#endif
