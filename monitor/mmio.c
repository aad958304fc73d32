/*
 * Emulating a guest instruction against an MMIO device (see mmio.h).
 *
 * The instruction is decoded by dt/decode.h; a form table (below) says
 * what it does with its memory operand: load it into a register, store to
 * it, read-modify-write it (CMP, TEST and BT only read), use it as the
 * source of a register's ALU operation, or exchange it with a register.
 * The operand sizes and register fields follow SDM vol. 2 chapter 2
 * (ModRM.reg names AL CL DL BL AH CH DH BH for byte operands, 2.1.5 table
 * 2-1) and appendix A (opcode maps, groups 1, 3, 4, 5, 8, 11); each
 * instruction's page gives its operation.  The arithmetic and its flags
 * are the CPU's own (mmio_ops.c).
 *
 * Everything that can refuse the instruction is checked before the device
 * is touched, so a refused instruction has no effect: the caller stops the
 * guest with mmio_why().
 */
#include "monitor/mmio.h"

#include "dt/decode.h"
#include "monitor/mmio_ops.h"

/* What the instruction does with its memory operand m. */
enum kind {
	K_NONE,		/* not emulated */
	K_LOAD,		/* reg = m (MOV, MOVZX, MOVSX) */
	K_STORE,	/* m = src */
	K_RMW,		/* m = m op src; CMP, TEST, BT: flags only */
	K_REG,		/* reg = reg op m; CMP: flags only */
	K_XCHG,		/* m <-> reg */
};

/* Where its other operand comes from. */
enum src { S_NONE, S_REG, S_IMM, S_ACC };	/* ModRM.reg, immediate, AL/AX/EAX */

struct form {
	uint8_t kind;
	uint8_t op;		/* enum mmio_op */
	uint8_t size;		/* memory operand: 1, 2, or 0 for the operand size */
	uint8_t src;
	const struct form *grp;	/* a group: the form is grp[ModRM.reg] */
};

#define F(k, o, sz, s)	{ .kind = (k), .op = (o), .size = (sz), .src = (s) }
#define GRP(g)		{ .grp = (g) }

/* 00-3B: op Eb,Gb; op Ev,Gv; op Gb,Eb; op Gv,Ev (ALU row of table A-2). */
#define ALU_ROW(base, o)					\
	[(base) + 0] = F(K_RMW, o, 1, S_REG),			\
	[(base) + 1] = F(K_RMW, o, 0, S_REG),			\
	[(base) + 2] = F(K_REG, o, 1, S_REG),			\
	[(base) + 3] = F(K_REG, o, 0, S_REG)

/* Group 1 (80-83): the ALU operations with an immediate, in reg order. */
#define GRP1(sz) {							\
	F(K_RMW, MO_ADD, sz, S_IMM), F(K_RMW, MO_OR, sz, S_IMM),	\
	F(K_RMW, MO_ADC, sz, S_IMM), F(K_RMW, MO_SBB, sz, S_IMM),	\
	F(K_RMW, MO_AND, sz, S_IMM), F(K_RMW, MO_SUB, sz, S_IMM),	\
	F(K_RMW, MO_XOR, sz, S_IMM), F(K_RMW, MO_CMP, sz, S_IMM) }

static const struct form grp1_b[8] = GRP1(1), grp1_v[8] = GRP1(0);
/* Group 3 (F6, F7): TEST imm, NOT, NEG; /1 and /4-/7 are not emulated. */
static const struct form grp3_b[8] = {
	[0] = F(K_RMW, MO_TEST, 1, S_IMM),
	[2] = F(K_RMW, MO_NOT, 1, S_NONE), [3] = F(K_RMW, MO_NEG, 1, S_NONE),
};
static const struct form grp3_v[8] = {
	[0] = F(K_RMW, MO_TEST, 0, S_IMM),
	[2] = F(K_RMW, MO_NOT, 0, S_NONE), [3] = F(K_RMW, MO_NEG, 0, S_NONE),
};
/* Groups 4 (FE) and 5 (FF): INC, DEC; FF's CALL JMP PUSH are stack forms. */
static const struct form grp4[8] = {
	[0] = F(K_RMW, MO_INC, 1, S_NONE), [1] = F(K_RMW, MO_DEC, 1, S_NONE),
};
static const struct form grp5[8] = {
	[0] = F(K_RMW, MO_INC, 0, S_NONE), [1] = F(K_RMW, MO_DEC, 0, S_NONE),
};
/* Group 11 (C6, C7): MOV Eb,Ib and Ev,Iz. */
static const struct form grp11_b[8] = { [0] = F(K_STORE, MO_MOV, 1, S_IMM) };
static const struct form grp11_v[8] = { [0] = F(K_STORE, MO_MOV, 0, S_IMM) };
/* Group 8 (0F BA): BT BTS BTR BTC Ev,Ib. */
static const struct form grp8[8] = {
	[4] = F(K_RMW, MO_BT, 0, S_IMM), [5] = F(K_RMW, MO_BTS, 0, S_IMM),
	[6] = F(K_RMW, MO_BTR, 0, S_IMM), [7] = F(K_RMW, MO_BTC, 0, S_IMM),
};

static const struct form map1[256] = {
	ALU_ROW(0x00, MO_ADD), ALU_ROW(0x08, MO_OR),
	ALU_ROW(0x10, MO_ADC), ALU_ROW(0x18, MO_SBB),
	ALU_ROW(0x20, MO_AND), ALU_ROW(0x28, MO_SUB),
	ALU_ROW(0x30, MO_XOR), ALU_ROW(0x38, MO_CMP),
	[0x80] = GRP(grp1_b), [0x81] = GRP(grp1_v),
	[0x82] = GRP(grp1_b),	/* 80's alias, valid outside 64-bit mode */
	[0x83] = GRP(grp1_v),	/* Ib sign-extended (dt_insn.imm is) */
	[0x84] = F(K_RMW, MO_TEST, 1, S_REG), [0x85] = F(K_RMW, MO_TEST, 0, S_REG),
	[0x86] = F(K_XCHG, MO_XCHG, 1, S_REG), [0x87] = F(K_XCHG, MO_XCHG, 0, S_REG),
	[0x88] = F(K_STORE, MO_MOV, 1, S_REG), [0x89] = F(K_STORE, MO_MOV, 0, S_REG),
	[0x8A] = F(K_LOAD, MO_MOV, 1, S_REG), [0x8B] = F(K_LOAD, MO_MOV, 0, S_REG),
	[0xA0] = F(K_LOAD, MO_MOV, 1, S_ACC), [0xA1] = F(K_LOAD, MO_MOV, 0, S_ACC),
	[0xA2] = F(K_STORE, MO_MOV, 1, S_ACC), [0xA3] = F(K_STORE, MO_MOV, 0, S_ACC),
	[0xC6] = GRP(grp11_b), [0xC7] = GRP(grp11_v),
	[0xF6] = GRP(grp3_b), [0xF7] = GRP(grp3_v),
	[0xFE] = GRP(grp4), [0xFF] = GRP(grp5),
};

/* The 0F map from 0F A0 to 0F BF. */
static const struct form map0f_a0[32] = {
	[0xA3 - 0xA0] = F(K_RMW, MO_BT, 0, S_REG),
	[0xAB - 0xA0] = F(K_RMW, MO_BTS, 0, S_REG),
	[0xB3 - 0xA0] = F(K_RMW, MO_BTR, 0, S_REG),
	[0xBB - 0xA0] = F(K_RMW, MO_BTC, 0, S_REG),
	[0xB6 - 0xA0] = F(K_LOAD, MO_MOVZX, 1, S_REG),
	[0xB7 - 0xA0] = F(K_LOAD, MO_MOVZX, 2, S_REG),
	[0xBE - 0xA0] = F(K_LOAD, MO_MOVSX, 1, S_REG),
	[0xBF - 0xA0] = F(K_LOAD, MO_MOVSX, 2, S_REG),
	[0xBA - 0xA0] = GRP(grp8),
};

/* The form of a decoded instruction, or an enum mmio_error. */
static int lookup(const struct dt_insn *in, const struct form **out)
{
	const struct form *f = 0;

	if (in->status != DT_OK)
		return MMIO_E_DECODE;
	if (in->flags & DT_F_STRING)
		return MMIO_E_STRING;
	if (in->flags & DT_F_STACK)
		return MMIO_E_STACK;
	if (in->flags & (DT_F_X87 | DT_F_SIMD | DT_F_3DNOW))
		return MMIO_E_FPU;
	if (!(in->flags & DT_F_MEM) || (in->has_modrm && in->mod == 3))
		return in->flags & (DT_F_MREAD | DT_F_MWRITE) ? MMIO_E_INSN : MMIO_E_NOMEM;
	if (in->prefixes & DT_P_MANDATORY)
		return MMIO_E_INSN;	/* 66/F2/F3 chose another instruction */
	if (in->map == DT_MAP_1B)
		f = &map1[in->opcode];
	else if (in->map == DT_MAP_0F && in->opcode >= 0xA0 && in->opcode <= 0xBF)
		f = &map0f_a0[in->opcode - 0xA0];
	if (f && f->grp)
		f = &f->grp[in->reg];
	if (!f || f->kind == K_NONE)
		return MMIO_E_INSN;
	*out = f;
	return 0;
}

static uint32_t size_mask(int size)
{
	return size == 1 ? 0xFF : size == 2 ? 0xFFFF : 0xFFFFFFFF;
}

/* Register n of size bytes: for bytes, 0-3 are AL-BL and 4-7 AH-BH. */
static uint32_t reg_get(struct trapframe *tf, int n, int size)
{
	if (size == 1)
		return n < 4 ? *tf_gpr(tf, n) & 0xFF : (*tf_gpr(tf, n - 4) >> 8) & 0xFF;
	return *tf_gpr(tf, n) & size_mask(size);
}

/* Writes only the size bytes of the register (SDM vol. 1 3.4.1.1). */
static void reg_set(struct trapframe *tf, int n, int size, uint32_t v)
{
	uint32_t *r, shift = 0, mask = size_mask(size);

	if (size == 1 && n >= 4) {
		n -= 4;
		shift = 8;
	}
	r = tf_gpr(tf, n);
	*r = (*r & ~(mask << shift)) | ((v & mask) << shift);
}

int mmio_emulate(struct trapframe *tf, const uint8_t *insn, int avail,
		 uint32_t lin, const struct mmio_dev *dev)
{
	struct dt_insn in;
	const struct form *f;
	uint32_t off = lin & 0xFFF, src = 0, m, r, fl = tf->eflags;
	int rc, size, reg;

	dt_decode(insn, avail < 0 ? 0 : (size_t)avail, &in);
	rc = lookup(&in, &f);
	if (rc < 0)
		return rc;
	size = f->size ? f->size : in.opsize;
	reg = f->src == S_ACC ? DT_EAX : in.reg;
	if (off + (uint32_t)size > 0x1000)
		return MMIO_E_CROSS;
	if (f->src == S_IMM)
		src = in.imm & size_mask(size);
	else if (f->src != S_NONE)
		src = reg_get(tf, reg, size);
	if (f->op >= MO_BT && f->op <= MO_BTC) {
		/* An immediate offset is taken modulo the operand size.  A
		   register one is signed: outside the operand it addresses
		   a bit string at EA + size * (offset SAR log2(bits)) (SDM
		   BT, "Operation"), which hv does not emulate. */
		if (f->src == S_IMM)
			src &= (uint32_t)size * 8 - 1;
		else if (src >= (uint32_t)size * 8)
			return MMIO_E_BITOFF;
	}

	switch (f->kind) {
	case K_LOAD:
		m = dev->read(off, size) & size_mask(size);
		if (f->op == MO_MOVSX)
			m = size == 1 ? (uint32_t)(int8_t)m : (uint32_t)(int16_t)m;
		reg_set(tf, reg, f->op == MO_MOV ? size : in.opsize, m);
		break;
	case K_STORE:
		dev->write(off, size, src);
		break;
	case K_RMW:
		m = dev->read(off, size) & size_mask(size);
		r = mmio_op(f->op, size, m, src, &fl);
		if (!mmio_op_reads_only(f->op))
			dev->write(off, size, r);
		break;
	case K_REG:
		m = dev->read(off, size) & size_mask(size);
		r = mmio_op(f->op, size, src, m, &fl);
		if (f->op != MO_CMP)
			reg_set(tf, reg, size, r);
		break;
	case K_XCHG:
		m = dev->read(off, size) & size_mask(size);
		dev->write(off, size, src);
		reg_set(tf, reg, size, m);
		break;
	}
	tf->eflags = (tf->eflags & ~MMIO_ARITH) | (fl & MMIO_ARITH);
	return in.len;
}

const char *mmio_why(int rc)
{
	switch (rc) {
	case MMIO_E_DECODE: return "instruction does not decode (invalid, truncated or too long)";
	case MMIO_E_NOMEM: return "instruction has no memory operand";
	case MMIO_E_STRING: return "string instruction on MMIO";
	case MMIO_E_STACK: return "stack access on MMIO (push, pop, call through memory)";
	case MMIO_E_FPU: return "x87/MMX/SSE/AVX access to MMIO";
	case MMIO_E_INSN: return "instruction not emulated on MMIO";
	case MMIO_E_CROSS: return "MMIO access crosses the end of the page";
	case MMIO_E_BITOFF: return "bit-string access (BTx register offset outside the operand) on MMIO";
	default: return rc >= 0 ? "emulated" : "unknown MMIO emulation error";
	}
}
