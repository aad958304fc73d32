/*
 * The fuzzer's control transfers, stack, segment, flag, string and
 * miscellaneous instructions (SDM vol. 2): Jcc, JMP, LOOP/JECXZ, indirect
 * JMP/CALL through a register or memory, CALL/RET, PUSH/POP (registers,
 * immediates, memory, segment registers), PUSHA/POPA, PUSHF/POPF, CLI/STI,
 * CLC/STC/CMC/CLD/STD, LAHF/SAHF, MOVS/STOS/LODS/CMPS/SCAS with REP
 * prefixes, XLAT, MOV to and from segment registers, CPUID leaf 0, INT3
 * and INTO.  Each u_* function emits one unit.
 */
#include "guest/fuzz/gen.h"

#include "guest/lib/cpu.h"
#include "guest/lib/desc.h"
#include "lib/x86.h"

void u_flagop(struct gen *g)
{
	static const uint8_t ops[] = { 0xF8, 0xF9, 0xF5, 0xFC, 0xFD };

	stat(g, C_FLAGOP);
	e_u8(&g->e, ops[below(g, sizeof(ops))]);
}

void u_lahf(struct gen *g)
{
	stat(g, C_LAHF);
	e_u8(&g->e, 0x9E + below(g, 2));	/* SAHF / LAHF */
}

static void opsize(struct gen *g, int size)
{
	if (size == 2)
		e_u8(&g->e, PFX_OPSIZE);
}

static int stack_size(struct gen *g)
{
	return chance(g, 1, 4) ? 2 : 4;
}

void u_pushf(struct gen *g)
{
	int size = stack_size(g);

	stat(g, C_PUSHF);
	opsize(g, size);
	e_u8(&g->e, 0x9C);
	if (chance(g, 1, 2)) {		/* and read it back */
		stat(g, C_PUSHPOP);
		opsize(g, size);
		e_u8(&g->e, 0x58 + wreg(g, size, 0));
	}
}

/*
 * An EFLAGS image for POPF: arithmetic flags, DF, IF, IOPL, AC, ID, and
 * sometimes bits POPF must ignore (reserved ones).  Never TF (single
 * steps), NT (would make the next IRET a task return), RF or VM.
 */
#define FL_RESERVED_JUNK	(0x00000028 | 0x00008000 | 0xFFC00000)

static uint32_t popf_value(struct gen *g)
{
	uint32_t v = FL_FIXED | (R(g) & (FL_ARITH | FL_DF));

	if (chance(g, 1, 2))
		v |= FL_IF;
	if (chance(g, 1, 4))
		v |= R(g) & FL_IOPL_MASK;
	if (chance(g, 1, 6))
		v |= R(g) & (FL_AC | FL_ID);
	if (chance(g, 1, 4))
		v |= R(g) & FL_RESERVED_JUNK;
	return v;
}

void u_popf(struct gen *g)
{
	struct enc *e = &g->e;
	uint32_t v = popf_value(g);
	int r;

	stat(g, C_POPF);
	switch (below(g, 3)) {
	case 0:		/* push imm32; popf */
		e_u8(e, 0x68);
		e_u32(e, v);
		e_u8(e, 0x9D);
		break;
	case 1:		/* 16-bit: push imm16; popfw */
		e_u8(e, PFX_OPSIZE);
		e_u8(e, 0x68);
		e_u16(e, v);
		e_u8(e, PFX_OPSIZE);
		e_u8(e, 0x9D);
		break;
	default:	/* pushf; pop r; xor r, toggles; push r; popf */
		r = wreg(g, 4, 0);
		e_u8(e, 0x9C);
		e_u8(e, 0x58 + r);
		e_u8(e, 0x81);
		e_u8(e, 0xF0 | r);
		e_u32(e, v & ~FL_FIXED);
		e_u8(e, 0x50 + r);
		e_u8(e, 0x9D);
		break;
	}
}

void u_clisti(struct gen *g)
{
	if (!g->cli_ok && !chance(g, 1, 4)) {
		u_flagop(g);	/* CPL 3 with IOPL < 3: mostly not the #GP */
		return;
	}
	stat(g, C_CLISTI);
	e_u8(&g->e, 0xFA + below(g, 2));
}

void u_pushpop(struct gen *g)
{
	int size = stack_size(g);
	struct insn in;

	stat(g, C_PUSHPOP);
	insn_init(&in);
	switch (below(g, 8)) {
	case 0:		/* push reg (ESP too) */
		insn_op(&in, 1, 0x50 + rreg(g));
		break;
	case 1:		/* pop reg */
		insn_op(&in, 1, 0x58 + wreg(g, size, 0));
		break;
	case 2:		/* push imm8, sign-extended */
		insn_op(&in, 1, 0x6A);
		in.imm = imm_for(g, 1);
		in.immsz = 1;
		break;
	case 3:		/* push imm16/32 */
		insn_op(&in, 1, 0x68);
		in.imm = imm_for(g, size);
		in.immsz = size;
		break;
	case 4:
	case 5:		/* push r/m */
		in.has_modrm = 1;
		in.regfield = 6;
		in.rm = pick_rm(g, size, 0, 0);
		insn_op(&in, 1, 0xFF);
		break;
	default:	/* pop r/m (ESP-based: addressed after the pop) */
		in.has_modrm = 1;
		in.regfield = 0;
		in.rm = pick_rm(g, size, RM_WRITE, 0);
		insn_op(&in, 1, 0x8F);
		break;
	}
	emit(g, &in, size, 0, 0);
}

void u_pusha(struct gen *g)
{
	/* Slots POPA reloads, from ESP up: EDI ESI EBP (ESP) EBX EDX ECX EAX;
	 * EBP's slot is left alone (EBP must keep its value). */
	static const uint8_t slots[] = { 0, 1, 4, 5, 6, 7 };
	int size = chance(g, 1, 4) ? 2 : 4;
	struct insn in;

	stat(g, C_PUSHA);
	opsize(g, size);
	e_u8(&g->e, 0x60);
	if (chance(g, 2, 3)) {
		insn_init(&in);
		in.has_modrm = 1;
		in.rm.is_mem = 1;
		in.rm.m = (struct mem){ .base = ESP, .index = -1,
					.seg = SEG_NONE };
		in.rm.m.disp = slots[below(g, sizeof(slots))] * size;
		if (chance(g, 1, 2)) {
			in.regfield = rreg(g);		/* mov [esp+k], reg */
			insn_op(&in, 1, 0x89);
		} else {
			insn_op(&in, 1, 0xC7);		/* mov [esp+k], imm */
			in.imm = imm_for(g, size);
			in.immsz = size;
		}
		emit(g, &in, size, 0, 0);
	}
	opsize(g, size);
	e_u8(&g->e, 0x61);
}

void u_string(struct gen *g)
{
	static const uint8_t ops[] = { 0xA4, 0xA6, 0xAA, 0xAC, 0xAE };
	uint8_t op = ops[below(g, sizeof(ops))];
	int size = pick_size(g), rep = 0;
	int uses_si = op == 0xA4 || op == 0xA6 || op == 0xAC;
	int uses_di = op != 0xAC;
	int lo = 40, span = FZ_DATA_SIZE - 80 - 4;
	struct insn in;

	stat(g, C_STRING);
	insn_init(&in);
	if (uses_di && g->es_null && chance(g, 9, 10)) {
		e_u8(&g->e, 0x1E);		/* push ds; pop es */
		e_u8(&g->e, 0x07);
	}
	if (chance(g, 2, 3)) {
		/* REP/REPE, or REPNE for CMPS/SCAS; at most 8 iterations so that
		 * both directions stay in the area. */
		rep = (op == 0xA6 || op == 0xAE) && chance(g, 1, 2) ? PFX_REPNE
								    : PFX_REP;
		emit_load_reg(g, ECX, below(g, 9));
	}
	if (uses_si)
		emit_load_reg(g, ESI, g->data + lo + below(g, span));
	if (uses_di)
		emit_load_reg(g, EDI, g->data + lo + below(g, span));
	if (uses_si && chance(g, 1, 4))		/* the source segment */
		in.pfx[in.npfx++] = seg_prefix[pick_seg(g, 0)];
	insn_op(&in, 1, op + (size > 1));
	emit(g, &in, size, 0, rep);
}

void u_xlat(struct gen *g)
{
	stat(g, C_XLAT);
	emit_load_reg(g, EBX, g->data + below(g, FZ_DATA_SIZE - 255));
	if (chance(g, 1, 4))
		e_u8(&g->e, seg_prefix[pick_seg(g, 0)]);
	e_u8(&g->e, 0xD7);
}

/* ---- control transfers (forward only, to unit boundaries) ---- */

void u_jcc(struct gen *g)
{
	int cc = below(g, 16), skip = below(g, 4);

	stat(g, C_JCC);
	if (chance(g, 1, 20))		/* a branch hint prefix (ignored) */
		e_u8(&g->e, chance(g, 1, 2) ? 0x2E : 0x3E);
	if (chance(g, 1, 2)) {
		e_u8(&g->e, 0x70 + cc);
		add_fixup(g, g->e.p, FIX_REL8, skip);
		e_u8(&g->e, 0);
	} else {
		e_u8(&g->e, 0x0F);
		e_u8(&g->e, 0x80 + cc);
		add_fixup(g, g->e.p, FIX_REL32, skip);
		e_u32(&g->e, 0);
	}
}

void u_jmp(struct gen *g)
{
	int skip = below(g, 3);

	stat(g, C_JMP);
	if (chance(g, 1, 2)) {
		e_u8(&g->e, 0xEB);
		add_fixup(g, g->e.p, FIX_REL8, skip);
		e_u8(&g->e, 0);
	} else {
		e_u8(&g->e, 0xE9);
		add_fixup(g, g->e.p, FIX_REL32, skip);
		e_u32(&g->e, 0);
	}
}

void u_loop(struct gen *g)
{
	/* LOOPNE LOOPE LOOP JECXZ; with 0x67 they count/test CX. */
	static const uint8_t ops[] = { 0xE0, 0xE1, 0xE2, 0xE3 };
	uint8_t op = ops[below(g, sizeof(ops))];

	stat(g, C_LOOP);
	if (chance(g, 1, 2))
		emit_load_reg(g, ECX, below(g, 3) | (chance(g, 1, 4) ? 0x10000 : 0));
	if (chance(g, 1, 5))
		e_u8(&g->e, PFX_ADDRSIZE);
	e_u8(&g->e, op);
	add_fixup(g, g->e.p, FIX_REL8, below(g, 3));
	e_u8(&g->e, 0);
}

/* Stores an address-to-be (imm32 field returned) to a fresh memory
 * operand: mov dword [m], imm32. */
static uint8_t *store_target(struct gen *g, struct opnd *rm)
{
	struct insn in;

	insn_init(&in);
	rm->is_mem = 1;
	pick_mem(g, &rm->m, 4, 0, RM_WRITE, 0);
	in.has_modrm = 1;
	in.regfield = 0;
	in.rm = *rm;
	insn_op(&in, 1, 0xC7);
	in.immsz = 4;
	emit(g, &in, 4, 0, 0);
	return g->e.p - 4;
}

/* FF /n (n = 2 CALL, 4 JMP) through a register or memory. */
static void ff_insn(struct gen *g, int n, struct opnd rm)
{
	struct insn in;

	insn_init(&in);
	in.has_modrm = 1;
	in.regfield = n;
	in.rm = rm;
	insn_op(&in, 1, 0xFF);
	emit(g, &in, 4, 0, 0);
}

/* The target register gets the address from a B8+r with a fixup field. */
static uint8_t *load_target(struct gen *g, int reg)
{
	e_u8(&g->e, 0xB8 + reg);
	e_u32(&g->e, 0);
	return g->e.p - 4;
}

void u_indjmp(struct gen *g)
{
	int skip = below(g, 3);
	struct opnd rm = { 0 };

	stat(g, C_INDJMP);
	if (chance(g, 1, 2)) {
		rm = op_reg(wreg(g, 4, 0));
		add_fixup(g, load_target(g, rm.reg), FIX_ABS32, skip);
	} else {
		add_fixup(g, store_target(g, &rm), FIX_ABS32, skip);
	}
	ff_insn(g, 4, rm);
}

void u_call(struct gen *g)
{
	struct enc *e = &g->e;
	int form = below(g, 6), nbody = below(g, 3);
	uint8_t *call_at = 0, *abs_at = 0, *jmp_at;
	struct opnd rm = { 0 };

	stat(g, C_CALL);
	switch (form) {
	case 4:		/* call next; pop reg: balanced by a POP */
	case 5: {	/* call over bytes never executed; pop reg */
		int junk = form == 5 ? 1 + below(g, 4) : 0;

		e_u8(e, 0xE8);
		e_u32(e, junk);
		for (int i = 0; i < junk; i++)
			e_u8(e, R(g));
		stat(g, C_PUSHPOP);
		e_u8(e, 0x58 + wreg(g, 4, 0));
		return;
	}
	case 3:		/* push an argument for RET 4 */
		e_u8(e, 0x6A);
		e_u8(e, R(g));
		/* fall through */
	case 0:		/* call rel32 */
		e_u8(e, 0xE8);
		call_at = e->p;
		e_u32(e, 0);
		break;
	case 1:		/* call reg */
		rm = op_reg(wreg(g, 4, 0));
		abs_at = load_target(g, rm.reg);
		ff_insn(g, 2, rm);
		break;
	default:	/* call [mem] */
		abs_at = store_target(g, &rm);
		ff_insn(g, 2, rm);
		break;
	}
	/* The return lands on a jump over the callee. */
	e_u8(e, 0xEB);
	jmp_at = e->p;
	e_u8(e, 0);
	if (call_at)
		patch_field(g, call_at, FIX_REL32, here(g));
	else
		patch_field(g, abs_at, FIX_ABS32, here(g));
	g->in_call = 1;
	for (int i = 0; i < nbody; i++) {
		uint8_t *before = e->p;

		if (e->p - g->unit_start > UNIT_MAX_BYTES - SIMPLE_MAX_BYTES - 3)
			break;
		u_simple(g);
		if (e->p - g->unit_start > UNIT_MAX_BYTES - 3) {
			/* A rare longer one (a memory bit string with its
			   set-up and flag clearing) left no room for the RET:
			   taken back, the body ends before it. */
			e->p = before;
			break;
		}
	}
	g->in_call = 0;
	stat(g, C_RET);
	if (form == 3) {
		e_u8(e, 0xC2);		/* ret 4 */
		e_u16(e, 4);
	} else if (chance(g, 1, 8)) {
		e_u8(e, 0xC2);		/* ret 0 */
		e_u16(e, 0);
	} else {
		e_u8(e, 0xC3);
	}
	patch_field(g, jmp_at, FIX_REL8, here(g));
}

/* ---- segment registers ---- */

static const uint8_t push_sreg[6][2] = {
	{ 0x06 }, { 0x0E }, { 0x16 }, { 0x1E }, { 0x0F, 0xA0 }, { 0x0F, 0xA8 },
};
static const uint8_t pop_sreg[6][2] = {
	[SEG_ES] = { 0x07 }, [SEG_DS] = { 0x1F }, [SEG_FS] = { 0x0F, 0xA1 },
};

static void sreg_op(struct gen *g, const uint8_t op[2])
{
	e_u8(&g->e, op[0]);
	if (op[0] == 0x0F)
		e_u8(&g->e, op[1]);
}

void u_segload(struct gen *g)
{
	static const int targets[] = { SEG_ES, SEG_DS, SEG_FS };
	int t = targets[below(g, 3)], size = stack_size(g), null, src;
	const uint16_t *sels;
	int nsels = fz_selectors(g->ring, &sels);
	uint16_t sel;
	struct insn in;

	stat(g, C_SEGLOAD);
	null = t != SEG_DS && chance(g, 3, 20);
	sel = null ? below(g, 4) : sels[below(g, nsels)];	/* 0-3: null */
	insn_init(&in);
	switch (below(g, 4)) {
	case 0:		/* mov r, sel; mov sreg, r (only bits 15:0 count) */
		in.rm = op_reg(wreg(g, 4, 0));
		emit_load_reg(g, in.rm.reg, sel | (chance(g, 1, 2) ? R(g) << 16 : 0));
		break;
	case 1: {	/* mov word [m], sel; mov sreg, [m] */
		struct insn st;

		insn_init(&st);
		in.rm.is_mem = 1;
		pick_mem(g, &in.rm.m, 2, 0, RM_WRITE, 0);
		st.has_modrm = 1;
		st.rm = in.rm;
		insn_op(&st, 1, 0xC7);
		st.imm = sel;
		st.immsz = 2;
		emit(g, &st, 2, 0, 0);
		break;
	}
	case 2:		/* push sel; pop sreg */
		opsize(g, size);
		e_u8(&g->e, 0x6A);
		e_u8(&g->e, sel);
		opsize(g, size);
		sreg_op(g, pop_sreg[t]);
		goto done;
	default:	/* push sreg2; pop sreg (never from CS) */
		do
			src = below(g, 6);
		while (src == SEG_CS || (src == SEG_ES && g->es_null) ||
		       (src == SEG_FS && g->fs_null));
		null = 0;
		opsize(g, size);
		sreg_op(g, push_sreg[src]);
		opsize(g, size);
		sreg_op(g, pop_sreg[t]);
		goto done;
	}
	/* 8E /sreg; an operand-size prefix changes nothing */
	in.has_modrm = 1;
	in.regfield = t;
	insn_op(&in, 1, 0x8E);
	emit(g, &in, chance(g, 1, 4) ? 2 : 4, 0, 0);
done:
	if (null && t == SEG_ES)
		g->es_null = 1;
	if (null && t == SEG_FS)
		g->fs_null = 1;
}

/* A load that faults: #GP or #NP with the selector as error code. */
void u_badseg(struct gen *g)
{
	static const uint8_t targets[] = { SEG_ES, SEG_DS, SEG_FS };
	const uint16_t *bad;
	int nbad = fz_bad_selectors(g->ring, &bad);
	int t = targets[below(g, 3)], r = wreg(g, 4, 0);
	uint16_t sel = bad[below(g, nbad)];

	stat(g, C_BADSEG);
	if (chance(g, 1, 2)) {		/* push sel; pop sreg */
		e_u8(&g->e, 0x68);
		e_u32(&g->e, sel);
		sreg_op(g, pop_sreg[t]);
		return;
	}
	emit_load_reg(g, r, sel);	/* mov r, sel; mov sreg, r */
	e_u8(&g->e, 0x8E);
	e_u8(&g->e, 0xC0 | t << 3 | r);
}

void u_segread(struct gen *g)
{
	int s = below(g, 6);
	struct insn in;

	stat(g, C_SEGREAD);
	if (chance(g, 1, 2)) {		/* push sreg (CS and SS too) */
		opsize(g, stack_size(g));
		sreg_op(g, push_sreg[s]);
		return;
	}
	/* 8C /sreg: a 16-bit store to memory, or a register (32-bit: the
	 * upper half is zeroed on P6 and later) */
	insn_init(&in);
	in.has_modrm = 1;
	in.regfield = s;
	in.rm = pick_rm(g, 2, RM_WRITE, 0);
	insn_op(&in, 1, 0x8C);
	emit(g, &in, chance(g, 1, 2) ? 2 : 4, 0, 0);
}

/* ---- the rest ---- */

void u_cpuid(struct gen *g)
{
	stat(g, C_CPUID);
	if (chance(g, 1, 2))
		e_xor_r32(&g->e, EAX);
	else
		emit_load_reg(g, EAX, 0);
	e_u8(&g->e, 0x0F);		/* leaf 0 only: vendor and max leaf */
	e_u8(&g->e, 0xA2);
}

void u_trap(struct gen *g)
{
	uint32_t x = below(g, 10);

	stat(g, C_TRAP);
	if (x < 7) {
		e_u8(&g->e, 0xCE);	/* INTO: #OF when OF=1 */
	} else if (x < 9) {
		e_u8(&g->e, 0xCC);	/* INT3 */
	} else {
		e_u8(&g->e, 0xCD);	/* INT 3, two-byte form */
		e_u8(&g->e, 3);
	}
}
