/*
 * tests/decoder_cmp.h: shared pieces of the host-side decoder tests, which
 * compare dt_decode() with Capstone (CS_MODE_32) as an independent decoder.
 */
#ifndef TESTS_DECODER_CMP_H
#define TESTS_DECODER_CMP_H

#include <stddef.h>
#include <stdint.h>

#include "dt/decode.h"

/* Outcome of comparing one byte sequence. */
enum cmp_kind {
	CMP_AGREE_VALID,	/* both valid, same length */
	CMP_AGREE_INVALID,	/* both invalid (or too long) */
	CMP_LENGTH,		/* both valid, lengths differ: never excused */
	CMP_WE_ONLY,		/* we decode it, Capstone says invalid */
	CMP_CS_ONLY,		/* Capstone decodes it, we say invalid */
	CMP_SKIP,		/* ran out of bytes (end of a corpus) */
	CMP_NKINDS
};

struct cmp_result {
	enum cmp_kind kind;
	int excused;		/* index into cs_exceptions + 1, or 0 */
	struct dt_insn in;
	unsigned cs_len;	/* 0: Capstone invalid */
	char cs_text[200];
};

/* Capstone wrapper (decoder_cmp.c). */
void cmp_init(void);
void cmp_one(const uint8_t *code, size_t avail, struct cmp_result *r);
unsigned cmp_cs_len(const uint8_t *code, size_t avail);
const char *cmp_cs_mnemonic(void);	/* of the last cmp_one/cmp_cs_len */

/*
 * Known, narrow disagreements with Capstone 4, each with the SDM rule that
 * settles it (cs_exceptions.c).  match() sees the raw bytes (prefixes and
 * all), our decode and Capstone's verdict.
 */
struct cs_exception {
	const char *name;
	const char *rule;	/* the SDM (or vendor manual) rule */
	enum cmp_kind kind;	/* CMP_WE_ONLY, CMP_CS_ONLY or CMP_LENGTH */
	int (*match)(const uint8_t *code, size_t avail, const struct dt_insn *in);
};
extern const struct cs_exception cs_exceptions[];
extern const unsigned cs_nexceptions;

/* Hand-written cases with SDM expectations (edge_cases.c). */
int run_edge_cases(int verbose);

#endif
