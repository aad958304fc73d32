/*
 * tests/cmp_capstone.c: one byte sequence through hv's decoder and through
 * Capstone 4 (CS_MODE_32, no detail), classified as agreement, length
 * disagreement or validity disagreement, and matched against the known
 * Capstone exceptions (cs_exceptions.c).
 */
#include <capstone/capstone.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/decoder_cmp.h"

static csh cs;
static cs_insn *csi;

void cmp_init(void)
{
	if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs) != CS_ERR_OK) {
		printf("FAIL capstone: cs_open failed\n");
		exit(1);
	}
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_OFF);
	csi = cs_malloc(cs);
}

void cmp_one(const uint8_t *code, size_t avail, struct cmp_result *r)
{
	const uint8_t *p = code;
	size_t n = avail > 16 ? 16 : avail;
	uint64_t addr = 0x1000;
	enum dt_status st = dt_decode(code, avail, &r->in);

	r->excused = 0;
	r->cs_len = 0;
	r->cs_text[0] = 0;
	if (cs_disasm_iter(cs, &p, &n, &addr, csi)) {
		r->cs_len = csi->size;
		snprintf(r->cs_text, sizeof r->cs_text, "%s %s", csi->mnemonic, csi->op_str);
	}
	if (st == DT_TRUNCATED) {
		r->kind = CMP_SKIP;
		return;
	}
	if (st == DT_OK && r->cs_len) {
		r->kind = r->in.len == r->cs_len ? CMP_AGREE_VALID : CMP_LENGTH;
		if (r->kind == CMP_AGREE_VALID)
			return;
		goto excuse;
	}
	if (st != DT_OK && !r->cs_len) {
		r->kind = CMP_AGREE_INVALID;
		return;
	}
	r->kind = st == DT_OK ? CMP_WE_ONLY : CMP_CS_ONLY;
excuse:
	for (unsigned i = 0; i < cs_nexceptions; i++) {
		if (cs_exceptions[i].kind == r->kind &&
		    cs_exceptions[i].match(code, avail, &r->in)) {
			r->excused = (int)i + 1;
			return;
		}
	}
}


/* Capstone's length for the bytes, 0 if it calls them invalid. */
unsigned cmp_cs_len(const uint8_t *code, size_t avail)
{
	const uint8_t *p = code;
	size_t n = avail > 16 ? 16 : avail;
	uint64_t addr = 0x1000;
	return cs_disasm_iter(cs, &p, &n, &addr, csi) ? csi->size : 0;
}

/* Mnemonic of Capstone's last successful decode. */
const char *cmp_cs_mnemonic(void)
{
	return csi->mnemonic;
}
