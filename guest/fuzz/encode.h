/*
 * A small IA-32 machine-code encoder for the fuzzer (SDM vol. 2A 2.1:
 * instruction format; 2.1.5 and tables 2-2/2-3: 32-bit ModR/M and SIB
 * forms).  32-bit addressing only (no 0x67 memory forms).  Prefixes are
 * emitted in the order the caller gives them.
 */
#ifndef GUEST_FUZZ_ENCODE_H
#define GUEST_FUZZ_ENCODE_H

#include <stdint.h>

/* Segment override prefixes, indexed like Sreg numbers (ES CS SS DS FS GS). */
enum { SEG_NONE = -1, SEG_ES = 0, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS };
extern const uint8_t seg_prefix[6];

#define PFX_LOCK	0xF0
#define PFX_REPNE	0xF2
#define PFX_REP		0xF3
#define PFX_OPSIZE	0x66
#define PFX_ADDRSIZE	0x67

struct enc {
	uint8_t *p;		/* next byte */
	uint8_t *limit;		/* end of the buffer */
	int overflow;		/* set when a write would pass limit */
};

/* A 32-bit memory operand: [base + index * (1 << scale) + disp]. */
struct mem {
	int base;		/* register number, or -1 for none */
	int index;		/* register number (never ESP), or -1 */
	int scale;		/* 0..3; with index -1 and force_sib: junk bits */
	int32_t disp;
	int dispsz;		/* 0 (none if possible), 1 or 4 */
	int force_sib;		/* use a SIB byte even when not needed */
	int seg;		/* override prefix or SEG_NONE */
};

/* A ModR/M r/m operand: a register or memory. */
struct opnd {
	int is_mem;
	int reg;
	struct mem m;
};

static inline struct opnd op_reg(int reg)
{
	struct opnd o = { .is_mem = 0, .reg = reg };

	return o;
}

void e_u8(struct enc *e, uint8_t v);
void e_u16(struct enc *e, uint16_t v);
void e_u32(struct enc *e, uint32_t v);
/* An immediate of 1, 2 or 4 bytes. */
void e_imm(struct enc *e, uint32_t v, int size);
/* ModR/M (with `regfield` in bits 5:3), then SIB and displacement. */
void e_modrm(struct enc *e, int regfield, const struct opnd *o);

/* One complete instruction. */
struct insn {
	uint8_t pfx[5];
	int npfx;
	uint8_t op[3];
	int nop;
	int has_modrm;
	int regfield;
	struct opnd rm;
	uint32_t imm;
	int immsz;		/* 0, 1, 2 or 4 */
	uint32_t imm2;		/* a second immediate (ENTER-like forms) */
	int imm2sz;
};

void e_insn(struct enc *e, const struct insn *in);

/* Common short forms, used for set-up instructions. */
void e_mov_r32_imm(struct enc *e, int reg, uint32_t v);	/* B8+r id */
void e_xor_r32(struct enc *e, int reg);				/* 31 /r */

#endif
