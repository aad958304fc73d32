/*
 * The fuzzer's machine-code encoder (see encode.h).  ModR/M: mod 00 is
 * [reg] (rm 101: disp32 alone, rm 100: SIB follows), mod 01 adds disp8,
 * mod 10 disp32, mod 11 a register.  SIB: scale 7:6, index 5:3 (100:
 * none), base 2:0 (101 with mod 00: disp32 and no base).
 */
#include "guest/fuzz/encode.h"

#define ESP_REG	4
#define EBP_REG	5

const uint8_t seg_prefix[6] = { 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65 };

void e_u8(struct enc *e, uint8_t v)
{
	if (e->p >= e->limit) {
		e->overflow = 1;
		return;
	}
	*e->p++ = v;
}

void e_u16(struct enc *e, uint16_t v)
{
	e_u8(e, v & 0xFF);
	e_u8(e, v >> 8);
}

void e_u32(struct enc *e, uint32_t v)
{
	e_u16(e, v & 0xFFFF);
	e_u16(e, v >> 16);
}

void e_imm(struct enc *e, uint32_t v, int size)
{
	if (size == 1)
		e_u8(e, v);
	else if (size == 2)
		e_u16(e, v);
	else if (size == 4)
		e_u32(e, v);
}

static int fits8(int32_t v)
{
	return v >= -128 && v <= 127;
}

void e_modrm(struct enc *e, int regfield, const struct opnd *o)
{
	const struct mem *m = &o->m;
	int mod, dsz, need_sib, base;

	regfield &= 7;
	if (!o->is_mem) {
		e_u8(e, 0xC0 | regfield << 3 | (o->reg & 7));
		return;
	}

	if (m->base < 0) {
		/* No base: disp32 alone (rm 101), or SIB base 101 with mod 00. */
		if (m->index < 0 && !m->force_sib) {
			e_u8(e, 0x00 | regfield << 3 | 5);
		} else {
			int idx = m->index < 0 ? 4 : m->index;

			e_u8(e, 0x00 | regfield << 3 | 4);
			e_u8(e, (m->scale & 3) << 6 | idx << 3 | 5);
		}
		e_u32(e, (uint32_t)m->disp);
		return;
	}

	base = m->base & 7;
	dsz = m->dispsz;
	if (dsz == 0 && (m->disp != 0 || base == EBP_REG))
		dsz = fits8(m->disp) ? 1 : 4;
	if (dsz == 1 && !fits8(m->disp))
		dsz = 4;
	mod = dsz == 0 ? 0 : dsz == 1 ? 1 : 2;
	need_sib = m->index >= 0 || base == ESP_REG || m->force_sib;
	if (need_sib) {
		int idx = m->index < 0 ? 4 : m->index;

		e_u8(e, mod << 6 | regfield << 3 | 4);
		e_u8(e, (m->scale & 3) << 6 | idx << 3 | base);
	} else {
		e_u8(e, mod << 6 | regfield << 3 | base);
	}
	e_imm(e, (uint32_t)m->disp, dsz);
}

void e_insn(struct enc *e, const struct insn *in)
{
	for (int i = 0; i < in->npfx; i++)
		e_u8(e, in->pfx[i]);
	for (int i = 0; i < in->nop; i++)
		e_u8(e, in->op[i]);
	if (in->has_modrm)
		e_modrm(e, in->regfield, &in->rm);
	e_imm(e, in->imm, in->immsz);
	e_imm(e, in->imm2, in->imm2sz);
}

void e_mov_r32_imm(struct enc *e, int reg, uint32_t v)
{
	e_u8(e, 0xB8 + (reg & 7));
	e_u32(e, v);
}

void e_xor_r32(struct enc *e, int reg)
{
	e_u8(e, 0x31);
	e_u8(e, 0xC0 | (reg & 7) << 3 | (reg & 7));
}
