/*
 * The fuzzer's data instructions (SDM vol. 2 opcode map, appendix A):
 * ALU, TEST, INC/DEC, NEG/NOT, shifts and rotates, SHLD/SHRD, MUL, IMUL,
 * DIV/IDIV, BT*, BSF/BSR, SETcc, CMOVcc, XCHG, XADD, CMPXCHG(8B), BSWAP,
 * MOVZX/MOVSX, MOV, LEA, CBW/CWDE/CWD/CDQ and the BCD adjustments.
 * Each u_* function emits one unit at the generator's position.
 */
#include "guest/fuzz/gen.h"

#include "lib/x86.h"

/* A ModR/M instruction: opcode bytes, reg field, r/m operand. */
static void modrm_insn(struct insn *in, int regfield, struct opnd rm)
{
	in->has_modrm = 1;
	in->regfield = regfield;
	in->rm = rm;
}

static int lock_ok(struct gen *g, const struct insn *in)
{
	return in->has_modrm && in->rm.is_mem && chance(g, 1, 8);
}

void u_alu(struct gen *g)
{
	int op = below(g, 8), size = pick_size(g);
	int w = op != 7 ? RM_WRITE : 0;		/* CMP writes nothing */
	int wide = size > 1, lock = 0;
	struct insn in;

	stat(g, C_ALU);
	insn_init(&in);
	switch (below(g, 5)) {
	case 0:		/* op r/m, reg */
		modrm_insn(&in, rreg(g), pick_rm(g, size, w, 0));
		insn_op(&in, 1, op * 8 + wide);
		lock = w && lock_ok(g, &in);
		break;
	case 1: {	/* op reg, r/m */
		struct opnd rm = pick_rm(g, size, 0, 0);

		modrm_insn(&in, w ? wreg(g, size, 0) : rreg(g), rm);
		insn_op(&in, 1, op * 8 + 2 + wide);
		break;
	}
	case 2:		/* op AL/AX/EAX, imm */
		insn_op(&in, 1, op * 8 + 4 + wide);
		in.imm = imm_for(g, size);
		in.immsz = size;
		break;
	case 3:		/* 80 /op ib (82: its 32-bit-mode alias), 81 /op iv */
		modrm_insn(&in, op, pick_rm(g, size, w, 0));
		insn_op(&in, 1, !wide ? (chance(g, 1, 8) ? 0x82 : 0x80) : 0x81);
		in.imm = imm_for(g, size);
		in.immsz = size;
		lock = w && lock_ok(g, &in);
		break;
	default:	/* 83 /op ib, sign-extended */
		modrm_insn(&in, op, pick_rm(g, size, w, 0));
		insn_op(&in, 1, wide ? 0x83 : 0x80);
		in.imm = imm_for(g, 1);
		in.immsz = 1;
		lock = w && lock_ok(g, &in);
		break;
	}
	emit(g, &in, size, lock, 0);
}

void u_test(struct gen *g)
{
	int size = pick_size(g), wide = size > 1;
	struct insn in;

	stat(g, C_TEST);
	insn_init(&in);
	switch (below(g, 3)) {
	case 0:		/* 84/85 r/m, reg */
		modrm_insn(&in, rreg(g), pick_rm(g, size, 0, 0));
		insn_op(&in, 1, 0x84 + wide);
		break;
	case 1:		/* A8/A9 AL/AX/EAX, imm */
		insn_op(&in, 1, 0xA8 + wide);
		in.imm = imm_for(g, size);
		in.immsz = size;
		break;
	default:	/* F6/F7 /0 r/m, imm */
		modrm_insn(&in, 0, pick_rm(g, size, 0, 0));
		insn_op(&in, 1, 0xF6 + wide);
		in.imm = imm_for(g, size);
		in.immsz = size;
		break;
	}
	emit(g, &in, size, 0, 0);
}

void u_incdec(struct gen *g)
{
	int size = pick_size(g), dec = below(g, 2);
	struct insn in;

	stat(g, C_INCDEC);
	insn_init(&in);
	if (size > 1 && chance(g, 1, 3)) {	/* 40+r / 48+r */
		insn_op(&in, 1, 0x40 + dec * 8 + wreg(g, size, 0));
		emit(g, &in, size, 0, 0);
		return;
	}
	modrm_insn(&in, dec, pick_rm(g, size, RM_WRITE, 0));
	insn_op(&in, 1, size > 1 ? 0xFF : 0xFE);
	emit(g, &in, size, lock_ok(g, &in), 0);
}

void u_negnot(struct gen *g)
{
	int size = pick_size(g);
	struct insn in;

	stat(g, C_NEGNOT);
	insn_init(&in);
	modrm_insn(&in, 2 + below(g, 2), pick_rm(g, size, RM_WRITE, 0));
	insn_op(&in, 1, size > 1 ? 0xF7 : 0xF6);
	emit(g, &in, size, lock_ok(g, &in), 0);
}

/* A shift count: mostly in range, sometimes 0, 1 or beyond the mask. */
static uint8_t shift_count(struct gen *g)
{
	switch (below(g, 8)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return R(g) & 0xFF;
	default:
		return below(g, 32);
	}
}

/* Optionally sets CL (B1 ib) before a shift by CL; returns the avoid mask
 * for the operands chosen afterwards. */
static uint32_t maybe_set_cl(struct gen *g)
{
	if (!chance(g, 1, 2))
		return 0;
	e_u8(&g->e, 0xB1);
	e_u8(&g->e, shift_count(g));
	return BIT(ECX);
}

void u_shift(struct gen *g)
{
	static const uint8_t ops[] = { 0, 1, 2, 3, 4, 5, 7, 0, 1, 4, 5, 7 };
	int n = chance(g, 1, 40) ? 6 : ops[below(g, sizeof(ops))];
	int size = pick_size(g), wide = size > 1, form = below(g, 3);
	uint32_t avoid = form == 1 ? maybe_set_cl(g) : 0;
	struct insn in;

	stat(g, C_SHIFT);
	insn_init(&in);
	/*
	 * QEMU 7.2 computes the flags RCL/RCR need into its flags state before
	 * loading the memory operand; if that load faults (as a first touch
	 * under a hypervisor's lazily filled shadow page tables does) the
	 * instruction restarts with corrupted flags.  With paging=1 they work
	 * on registers only, so transcripts compare hv, not that QEMU bug.
	 */
	modrm_insn(&in, n, pick_rm(g, size, RM_WRITE | (g->rot_reg_only && (n == 2 || n == 3) ?
							 RM_REG : 0), avoid));
	if (form == 0) {
		insn_op(&in, 1, 0xD0 + wide);		/* by 1 */
	} else if (form == 1) {
		insn_op(&in, 1, 0xD2 + wide);		/* by CL */
	} else {
		insn_op(&in, 1, 0xC0 + wide);		/* by imm8 */
		in.imm = shift_count(g);
		in.immsz = 1;
	}
	emit(g, &in, size, 0, 0);
}

void u_shxd(struct gen *g)
{
	int size = pick_size_wd(g), right = below(g, 2), by_cl = below(g, 2);
	uint32_t avoid = by_cl ? maybe_set_cl(g) : 0;
	struct insn in;

	stat(g, C_SHXD);
	insn_init(&in);
	modrm_insn(&in, rreg(g), pick_rm(g, size, RM_WRITE, avoid));
	insn_op(&in, 2, 0x0F, (right ? 0xAC : 0xA4) + by_cl);
	if (!by_cl) {
		in.imm = shift_count(g);
		in.immsz = 1;
	}
	emit(g, &in, size, 0, 0);
}

void u_mul(struct gen *g)
{
	int size = pick_size(g);
	struct insn in;

	stat(g, C_MUL);
	insn_init(&in);
	modrm_insn(&in, 4, pick_rm(g, size, 0, 0));
	insn_op(&in, 1, size > 1 ? 0xF7 : 0xF6);
	emit(g, &in, size, 0, 0);
}

void u_imul(struct gen *g)
{
	int size = pick_size(g), form = below(g, 4);
	struct insn in;
	struct opnd rm;

	stat(g, C_IMUL);
	insn_init(&in);
	if (form == 0 || size == 1) {		/* F6/F7 /5: one operand */
		modrm_insn(&in, 5, pick_rm(g, size, 0, 0));
		insn_op(&in, 1, size > 1 ? 0xF7 : 0xF6);
		emit(g, &in, size, 0, 0);
		return;
	}
	rm = pick_rm(g, size, 0, 0);
	modrm_insn(&in, wreg(g, size, 0), rm);
	if (form == 1) {
		insn_op(&in, 2, 0x0F, 0xAF);		/* reg, r/m */
	} else if (form == 2) {
		insn_op(&in, 1, 0x6B);			/* reg, r/m, imm8 */
		in.imm = imm_for(g, 1);
		in.immsz = 1;
	} else {
		insn_op(&in, 1, 0x69);			/* reg, r/m, imm */
		in.imm = imm_for(g, size);
		in.immsz = size;
	}
	emit(g, &in, size, 0, 0);
}

void u_div(struct gen *g)
{
	int size = pick_size(g), idiv = below(g, 2);
	uint32_t avoid = BIT(EAX) | BIT(EDX);
	struct enc *e = &g->e;
	struct insn in;
	struct opnd rm;

	stat(g, C_DIV);
	insn_init(&in);
	/* The divisor; mostly not the dividend's own registers. */
	if (chance(g, 1, 2))
		rm = pick_rm(g, size, RM_MEM, avoid);
	else if (chance(g, 9, 10))
		rm = op_reg(wreg(g, size, avoid));
	else
		rm = op_reg(rreg(g));
	/*
	 * Mostly a dividend that cannot overflow the quotient (zero- or
	 * sign-extended), so that #DE stays the exception, but not always.
	 */
	if (chance(g, 3, 5)) {
		if (size == 1) {
			if (idiv) {
				e_u8(e, 0x66);		/* cbw */
				e_u8(e, 0x98);
			} else {
				e_u8(e, 0x0F);		/* movzx eax, al */
				e_u8(e, 0xB6);
				e_u8(e, 0xC0);
			}
		} else {
			if (size == 2)
				e_u8(e, 0x66);
			if (idiv) {
				e_u8(e, 0x99);		/* cwd / cdq */
			} else {
				e_u8(e, 0x31);		/* xor (e)dx, (e)dx */
				e_u8(e, 0xD2);
			}
		}
	}
	modrm_insn(&in, 6 + idiv, rm);
	insn_op(&in, 1, size > 1 ? 0xF7 : 0xF6);
	emit(g, &in, size, 0, 0);
}

void u_bt(struct gen *g)
{
	int size = pick_size_wd(g), op = below(g, 4), form = below(g, 3);
	int w = op ? RM_WRITE : 0;
	struct insn in;

	stat(g, C_BT);
	insn_init(&in);
	if (form == 0) {			/* 0F BA /4../7 ib */
		modrm_insn(&in, 4 + op, pick_rm(g, size, w, 0));
		insn_op(&in, 2, 0x0F, 0xBA);
		in.imm = R(g) & 0xFF;
		in.immsz = 1;
	} else if (form == 1) {			/* register bit string */
		modrm_insn(&in, rreg(g), pick_rm(g, size, w | RM_REG, 0));
		insn_op(&in, 2, 0x0F, 0xA3 + op * 8);
	} else {
		/*
		 * Memory bit string with a register offset: the offset is
		 * signed and reaches beyond the operand, so it is set to
		 * -128..127 (bytes -16..+15) with MOVSX from a byte register.
		 */
		uint32_t fixed = pick_mem(g, &in.rm.m, size, 20, w, 0);
		int br = setup_reg(g, fixed);
		struct opnd src = op_reg(below(g, 8));

		e_u8(&g->e, 0x0F);
		e_u8(&g->e, 0xBE);
		e_modrm(&g->e, br, &src);
		in.rm.is_mem = 1;
		modrm_insn(&in, br, in.rm);
		insn_op(&in, 2, 0x0F, 0xA3 + op * 8);
	}
	emit(g, &in, size, w && lock_ok(g, &in), 0);
	/* CF is the bit, ZF unchanged, the rest undefined: in QEMU 7.2 they
	 * depend on the flags op known when the block was translated. */
	clear_flags(g, FL_PF | FL_AF | FL_SF | FL_OF);
}

void u_bsf(struct gen *g)
{
	int size = pick_size_wd(g);
	struct insn in;
	struct opnd rm = pick_rm(g, size, 0, 0);

	stat(g, C_BSF);
	insn_init(&in);
	modrm_insn(&in, wreg(g, size, 0), rm);
	insn_op(&in, 2, 0x0F, 0xBC + below(g, 2));
	emit(g, &in, size, 0, 0);
}

void u_setcc(struct gen *g)
{
	struct insn in;

	stat(g, C_SETCC);
	insn_init(&in);
	/* QEMU 7.2 pushes corrupted flags when SETcc's store faults after a
	   flag-setting instruction (see u_shift): registers only with paging. */
	modrm_insn(&in, 0, pick_rm(g, 1, RM_WRITE | (g->rot_reg_only ? RM_REG : 0), 0));
	insn_op(&in, 2, 0x0F, 0x90 + below(g, 16));
	emit(g, &in, 1, 0, 0);
}

void u_cmov(struct gen *g)
{
	int size = pick_size_wd(g);
	struct insn in;
	struct opnd rm = pick_rm(g, size, 0, 0);

	stat(g, C_CMOV);
	insn_init(&in);
	modrm_insn(&in, wreg(g, size, 0), rm);
	insn_op(&in, 2, 0x0F, 0x40 + below(g, 16));
	emit(g, &in, size, 0, 0);
}

void u_xchg(struct gen *g)
{
	int size = pick_size(g);
	struct insn in;
	struct opnd rm;

	stat(g, C_XCHG);
	insn_init(&in);
	if (size > 1 && chance(g, 1, 3)) {	/* 90+r: eAX with a register */
		insn_op(&in, 1, 0x90 + wreg(g, size, 0));
		emit(g, &in, size, 0, 0);
		return;
	}
	rm = pick_rm(g, size, RM_WRITE, 0);
	modrm_insn(&in, wreg(g, size, 0), rm);
	insn_op(&in, 1, 0x86 + (size > 1));
	emit(g, &in, size, lock_ok(g, &in), 0);
}

void u_xadd(struct gen *g)
{
	int size = pick_size(g);
	struct insn in;
	struct opnd rm = pick_rm(g, size, RM_WRITE, 0);

	stat(g, C_XADD);
	insn_init(&in);
	modrm_insn(&in, wreg(g, size, 0), rm);
	insn_op(&in, 2, 0x0F, 0xC0 + (size > 1));
	emit(g, &in, size, lock_ok(g, &in), 0);
}

void u_cmpxchg(struct gen *g)
{
	int size = pick_size(g);
	struct insn in;
	struct opnd rm;

	stat(g, C_CMPXCHG);
	insn_init(&in);
	if (g->cx8 && chance(g, 1, 5)) {	/* 0F C7 /1: CMPXCHG8B m64 */
		rm.is_mem = 1;
		pick_mem(g, &rm.m, 8, 0, RM_WRITE, 0);
		modrm_insn(&in, 1, rm);
		insn_op(&in, 2, 0x0F, 0xC7);
		emit(g, &in, 4, lock_ok(g, &in), 0);
		return;
	}
	/* Avoid EAX as an address register: it is the comparand. */
	rm = pick_rm(g, size, RM_WRITE, BIT(EAX));
	if (chance(g, 2, 5)) {
		/* Make the comparison succeed: AL/AX/EAX = the destination. */
		struct insn mv;

		insn_init(&mv);
		modrm_insn(&mv, EAX, rm);
		insn_op(&mv, 1, 0x8A + (size > 1));
		emit(g, &mv, size, 0, 0);
	}
	modrm_insn(&in, rreg(g), rm);
	insn_op(&in, 2, 0x0F, 0xB0 + (size > 1));
	emit(g, &in, size, lock_ok(g, &in), 0);
}

void u_bswap(struct gen *g)
{
	stat(g, C_BSWAP);
	e_u8(&g->e, 0x0F);
	e_u8(&g->e, 0xC8 + wreg(g, 4, 0));
}

void u_movx(struct gen *g)
{
	int dsize = pick_size_wd(g), ssize = below(g, 2) ? 2 : 1;
	int sx = below(g, 2);
	struct insn in;
	struct opnd rm = pick_rm(g, ssize, 0, 0);

	stat(g, C_MOVX);
	insn_init(&in);
	modrm_insn(&in, wreg(g, dsize, 0), rm);
	insn_op(&in, 2, 0x0F, (sx ? 0xBE : 0xB6) + (ssize == 2));
	emit(g, &in, dsize, 0, 0);
}

void u_mov(struct gen *g)
{
	int size = pick_size(g), wide = size > 1;
	struct insn in;
	struct opnd rm;

	stat(g, C_MOV);
	insn_init(&in);
	switch (below(g, 5)) {
	case 0:		/* 88/89 r/m, reg */
		modrm_insn(&in, rreg(g), pick_rm(g, size, RM_WRITE, 0));
		insn_op(&in, 1, 0x88 + wide);
		break;
	case 1:		/* 8A/8B reg, r/m */
		rm = pick_rm(g, size, 0, 0);
		modrm_insn(&in, wreg(g, size, 0), rm);
		insn_op(&in, 1, 0x8A + wide);
		break;
	case 2:		/* B0+r ib, B8+r iv */
		insn_op(&in, 1, (wide ? 0xB8 : 0xB0) + wreg(g, size, 0));
		in.imm = imm_for(g, size);
		in.immsz = size;
		break;
	case 3:		/* C6/C7 /0 r/m, imm */
		modrm_insn(&in, 0, pick_rm(g, size, RM_WRITE, 0));
		insn_op(&in, 1, 0xC6 + wide);
		in.imm = imm_for(g, size);
		in.immsz = size;
		break;
	default: {	/* A0-A3: AL/eAX and a moffs32 (DS unless overridden) */
		int store = below(g, 2);

		if (chance(g, 1, 4))
			in.pfx[in.npfx++] = seg_prefix[store ? SEG_DS : below(g, 4)];
		insn_op(&in, 1, 0xA0 + store * 2 + wide);
		in.imm = g->data + below(g, FZ_DATA_SIZE - size + 1);
		in.immsz = 4;
		break;
	}
	}
	emit(g, &in, size, 0, 0);
}

void u_lea(struct gen *g)
{
	int size = pick_size_wd(g);
	struct insn in;
	struct opnd rm = { .is_mem = 1 };
	struct mem *m = &rm.m;

	/* No memory access: any base, index, scale and displacement. */
	stat(g, C_LEA);
	insn_init(&in);
	m->base = (int)below(g, 9) - 1;
	m->index = below(g, 8);
	if (m->index == ESP || chance(g, 1, 3))
		m->index = -1;
	m->scale = below(g, 4);
	m->disp = chance(g, 1, 2) ? (int32_t)(R(g) % 256) - 128 : (int32_t)R(g);
	m->dispsz = below(g, 3) == 0 ? 0 : chance(g, 1, 2) ? 1 : 4;
	m->force_sib = chance(g, 1, 6);
	m->seg = chance(g, 1, 10) ? (int)below(g, 6) : SEG_NONE;
	modrm_insn(&in, wreg(g, size, 0), rm);
	insn_op(&in, 1, 0x8D);
	emit(g, &in, size, 0, 0);
}

void u_cbw(struct gen *g)
{
	stat(g, C_CBW);
	if (chance(g, 1, 2))
		e_u8(&g->e, 0x66);
	e_u8(&g->e, 0x98 + below(g, 2));
}

void u_bcd(struct gen *g)
{
	static const uint8_t ops[] = { 0x27, 0x2F, 0x37, 0x3F, 0xD4, 0xD5 };
	uint8_t op = ops[below(g, sizeof(ops))];

	stat(g, C_BCD);
	e_u8(&g->e, op);
	if (op == 0xD4)		/* AAM: never 0 (#DE) */
		e_u8(&g->e, chance(g, 7, 10) ? 10 : 1 + below(g, 255));
	else if (op == 0xD5)
		e_u8(&g->e, chance(g, 7, 10) ? 10 : R(g) & 0xFF);
}

void u_simple(struct gen *g)
{
	static void (*const fns[])(struct gen *g) = {
		u_alu, u_alu, u_test, u_incdec, u_negnot, u_shift, u_shxd,
		u_mul, u_imul, u_bt, u_bsf, u_setcc, u_cmov, u_mov, u_lea,
		u_movx, u_cbw, u_bcd, u_bswap,
	};

	fns[below(g, sizeof(fns) / sizeof(fns[0]))](g);
}
