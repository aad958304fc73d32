/*
 * The fuzzer's sequence generator: initial state, the unit loop with its
 * forward-branch fixups, operand and memory-form choice, prefixes and the
 * epilogue (see gen.h for the invariants that keep memory accesses inside
 * the scratch area).
 */
#include "guest/fuzz/gen.h"

#include <stdarg.h>
#include <stddef.h>

#include "guest/lib/desc.h"
#include "lib/x86.h"

const char *const fz_class_names[C_NCLASSES] = {
	[C_ALU] = "alu", [C_TEST] = "test", [C_INCDEC] = "incdec",
	[C_NEGNOT] = "negnot", [C_SHIFT] = "shift", [C_SHXD] = "shld/shrd",
	[C_MUL] = "mul", [C_IMUL] = "imul", [C_DIV] = "div/idiv",
	[C_BT] = "bt", [C_BSF] = "bsf/bsr", [C_SETCC] = "setcc",
	[C_CMOV] = "cmovcc", [C_XCHG] = "xchg", [C_XADD] = "xadd",
	[C_CMPXCHG] = "cmpxchg", [C_BSWAP] = "bswap", [C_MOVX] = "movzx/movsx",
	[C_MOV] = "mov", [C_LEA] = "lea", [C_CBW] = "cbw/cwd",
	[C_FLAGOP] = "clc/stc/cmc/cld/std", [C_LAHF] = "lahf/sahf",
	[C_BCD] = "daa/das/aaa/aas/aam/aad", [C_PUSHF] = "pushf",
	[C_POPF] = "popf", [C_CLISTI] = "cli/sti", [C_PUSHPOP] = "push/pop",
	[C_PUSHA] = "pusha/popa", [C_STRING] = "string", [C_XLAT] = "xlat",
	[C_JCC] = "jcc", [C_JMP] = "jmp", [C_LOOP] = "loop/jecxz",
	[C_INDJMP] = "jmp-indirect", [C_CALL] = "call", [C_RET] = "ret",
	[C_SEGLOAD] = "segment-load", [C_SEGREAD] = "segment-read",
	[C_BADSEG] = "segment-load-fault",
	[C_CPUID] = "cpuid", [C_TRAP] = "int3/into", [C_LOCK] = "lock-prefix",
};

/* Selectors of flat data segments, valid for DS/ES/FS at each CPL. */
static const uint16_t sels_ring0[] = {
	SEL_KDATA, SEL(GDT_UDATA, 0), SEL(GDT_UDATA, 1), SEL(GDT_UDATA, 2),
	SEL_UDATA, SEL(FZ_GDT_UDATA2, 0), SEL(FZ_GDT_UDATA2, 3),
	SEL(FZ_GDT_KDATA2, 0),
};
static const uint16_t sels_ring3[] = {
	SEL(GDT_UDATA, 0), SEL(GDT_UDATA, 1), SEL(GDT_UDATA, 2), SEL_UDATA,
	SEL(FZ_GDT_UDATA2, 1), SEL(FZ_GDT_UDATA2, 3),
};

/* #GP(sel): RPL or CPL above DPL, a system or code segment (code is
 * readable, so only at CPL 3 where its DPL 0 is too low), beyond the GDT
 * limit, the LDT (none loaded); #NP(sel): not present. */
static const uint16_t bad_ring0[] = {
	SEL(GDT_KDATA, 3), SEL(FZ_GDT_KDATA2, 1), SEL_TSS,
	SEL(GDT_ENTRIES, 0), SEL(GDT_ENTRIES + 9, 2), SEL(GDT_KDATA, 0) | 4,
	SEL(FZ_GDT_NOTPRES, 0), SEL(FZ_GDT_NOTPRES, 3),
};
static const uint16_t bad_ring3[] = {
	SEL_KDATA, SEL(GDT_KDATA, 3), SEL(FZ_GDT_KDATA2, 3), SEL_TSS,
	SEL(GDT_KCODE, 3), SEL(GDT_ENTRIES, 3), SEL(GDT_UDATA, 3) | 4,
	SEL(FZ_GDT_NOTPRES, 3),
};

int fz_bad_selectors(int ring, const uint16_t **list)
{
	if (ring == 3) {
		*list = bad_ring3;
		return sizeof(bad_ring3) / sizeof(bad_ring3[0]);
	}
	*list = bad_ring0;
	return sizeof(bad_ring0) / sizeof(bad_ring0[0]);
}

int fz_selectors(int ring, const uint16_t **list)
{
	if (ring == 3) {
		*list = sels_ring3;
		return sizeof(sels_ring3) / sizeof(sels_ring3[0]);
	}
	*list = sels_ring0;
	return sizeof(sels_ring0) / sizeof(sels_ring0[0]);
}

uint32_t rnd_value(struct rng *r)
{
	static const uint32_t edges[] = {
		0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
		0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x0F0F0F0F,
	};

	switch (rnd_below(r, 16)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return edges[rnd_below(r, sizeof(edges) / sizeof(edges[0]))];
	case 3:
		return rnd_below(r, 256);
	case 4:
		return -rnd_below(r, 256);
	case 5:
		return rnd(r) & 0xFFFF;
	default:
		return rnd(r);
	}
}

/* ---- operands ---- */

int pick_size(struct gen *g)
{
	uint32_t x = below(g, 20);

	return x < 5 ? 1 : x < 9 ? 2 : 4;
}

int pick_size_wd(struct gen *g)
{
	return chance(g, 1, 3) ? 2 : 4;
}

int wreg(struct gen *g, int size, uint32_t avoid)
{
	for (;;) {
		int r = below(g, 8);

		if (size == 1) {
			/* AL..BL are bits 7:0, AH..BH bits 15:8 of EAX..EBX. */
			if (!(avoid & BIT(r & 3)))
				return r;
		} else if (!((avoid | FIXED_REGS) & BIT(r))) {
			return r;
		}
	}
}

int rreg(struct gen *g)
{
	return below(g, 8);
}

int setup_reg(struct gen *g, uint32_t avoid)
{
	if (((avoid | FIXED_REGS) & 0xFF) == 0xFF)
		return EAX;	/* cannot happen with the callers' masks */
	return wreg(g, 4, avoid);
}

void emit_load_reg(struct gen *g, int reg, uint32_t v)
{
	struct enc *e = &g->e;

	switch (below(g, 5)) {
	case 0:		/* C7 /0 id, register form */
		e_u8(e, 0xC7);
		e_u8(e, 0xC0 | reg);
		e_u32(e, v);
		break;
	case 1: {	/* LEA reg, [disp32] */
		struct opnd o = { .is_mem = 1,
				  .m = { .base = -1, .index = -1, .disp = v } };

		e_u8(e, 0x8D);
		e_modrm(e, reg, &o);
		break;
	}
	default:	/* B8+r id */
		e_mov_r32_imm(e, reg, v);
		break;
	}
}

int pick_seg(struct gen *g, int flags)
{
	for (;;) {
		int s = below(g, 6);

		if (s == SEG_CS && (flags & RM_WRITE))
			continue;
		if (s == SEG_ES && g->es_null && !chance(g, 1, 10))
			continue;
		if (s == SEG_FS && g->fs_null && !chance(g, 1, 10))
			continue;
		return s;
	}
}

uint32_t pick_mem(struct gen *g, struct mem *m, int span, int margin, int flags,
		  uint32_t avoid)
{
	int lo = margin, hi = FZ_DATA_SIZE - span - margin;
	int off = lo + below(g, hi - lo + 1);
	int form = below(g, 12);
	int32_t rel = off - FZ_EBP_OFF;		/* offset from EBP */
	int reg, reg2, j, k;
	uint32_t written = 0;

	*m = (struct mem){ .base = -1, .index = -1, .seg = SEG_NONE };
	if (form >= 10 && (margin || span > 8))
		form = 1;
	switch (form) {
	case 0:
	case 1:		/* [ebp + disp8] */
		if (rel < -128)
			rel = -128;
		if (rel > 127 - span)
			rel = 127 - span;
		m->base = EBP;
		m->disp = rel;
		m->dispsz = 1;
		if (chance(g, 1, 8)) {
			m->force_sib = 1;	/* SIB with "no index" */
			m->scale = below(g, 4);
		}
		break;
	case 2:		/* [ebp + disp32] */
		m->base = EBP;
		m->disp = rel;
		m->dispsz = 4;
		m->force_sib = chance(g, 1, 8);
		break;
	case 3:		/* [disp32]: the default segment is DS */
		m->disp = g->data + off;
		break;
	case 4:		/* [ebp*1 + disp32], no base: DS */
		m->index = EBP;
		m->disp = rel;
		break;
	case 5:
	case 6:		/* [reg + disp], reg set up to an address */
		reg = setup_reg(g, avoid);
		k = off + (int)below(g, 241) - 120;
		emit_load_reg(g, reg, g->data + k);
		m->base = reg;
		m->disp = off - k;
		m->dispsz = chance(g, 1, 6) ? 4 : 0;
		m->force_sib = chance(g, 1, 8);
		written = BIT(reg);
		break;
	case 7:		/* [ebp + reg*s + disp], reg set up to a small index */
	case 8:		/* [reg*s + disp32], no base: DS */
		reg = setup_reg(g, avoid);
		j = below(g, 16);
		m->scale = below(g, 4);
		emit_load_reg(g, reg, j);
		m->index = reg;
		if (form == 7) {
			m->base = EBP;
			m->disp = rel - (j << m->scale);
		} else {
			m->disp = g->data + off - (j << m->scale);
		}
		written = BIT(reg);
		break;
	case 9:		/* [reg + reg2*s + disp], both set up */
		reg = setup_reg(g, avoid);
		reg2 = setup_reg(g, avoid | BIT(reg));
		j = below(g, 8);
		k = off + (int)below(g, 81) - 40;
		m->scale = below(g, 4);
		emit_load_reg(g, reg, g->data + k);
		emit_load_reg(g, reg2, j);
		m->base = reg;
		m->index = reg2;
		m->disp = off - k - (j << m->scale);
		written = BIT(reg) | BIT(reg2);
		break;
	default:	/* [esp + disp8]: the scratch stack */
		m->base = ESP;
		m->disp = (int)below(g, 121) - 60;
		if (g->in_call && m->disp > -span && m->disp < 4)
			m->disp = chance(g, 1, 2) ? 4 + m->disp + span : -span;
		m->dispsz = m->disp ? 1 : 0;
		break;
	}
	if (chance(g, 3, 10))
		m->seg = pick_seg(g, flags);
	return written;
}

struct opnd pick_rm_w(struct gen *g, int size, int flags, uint32_t avoid,
		      uint32_t *written)
{
	struct opnd o = { 0 };

	*written = 0;
	if ((flags & RM_MEM) || (!(flags & RM_REG) && chance(g, 1, 2))) {
		o.is_mem = 1;
		*written = pick_mem(g, &o.m, size, 0, flags, avoid);
		return o;
	}
	o.reg = (flags & RM_WRITE) ? wreg(g, size, avoid) : rreg(g);
	return o;
}

uint32_t imm_for(struct gen *g, int size)
{
	uint32_t v = rnd_value(g->r);

	return size == 1 ? v & 0xFF : size == 2 ? v & 0xFFFF : v;
}

/* ---- instructions ---- */

void insn_init(struct insn *in)
{
	*in = (struct insn){ 0 };
}

void insn_op(struct insn *in, int n, ...)
{
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++)
		in->op[in->nop++] = va_arg(ap, int);
	va_end(ap);
}

void emit(struct gen *g, struct insn *in, int size, int lock, int rep)
{
	if (size == 2)
		in->pfx[in->npfx++] = PFX_OPSIZE;
	if (lock) {
		in->pfx[in->npfx++] = PFX_LOCK;
		stat(g, C_LOCK);
	}
	if (rep)
		in->pfx[in->npfx++] = rep;
	if (in->has_modrm && in->rm.is_mem && in->rm.m.seg != SEG_NONE)
		in->pfx[in->npfx++] = seg_prefix[in->rm.m.seg];
	else if (in->has_modrm && !in->rm.is_mem && in->npfx < 4 &&
		 chance(g, 1, 40))
		in->pfx[in->npfx++] = seg_prefix[below(g, 6)];	/* ignored */
	/* Prefix order is free (SDM vol. 2A 2.1.1): shuffle it. */
	for (int i = in->npfx - 1; i > 0; i--) {
		int j = below(g, i + 1);
		uint8_t t = in->pfx[i];

		in->pfx[i] = in->pfx[j];
		in->pfx[j] = t;
	}
	e_insn(&g->e, in);
}

void clear_flags(struct gen *g, uint32_t mask)
{
	struct enc *e = &g->e;

	e_u8(e, 0x9C);			/* pushf */
	e_u8(e, 0x81);			/* and dword [esp], ~mask */
	e_u8(e, 0x24);
	e_u8(e, 0x24);
	e_u32(e, ~mask);
	e_u8(e, 0x9D);			/* popf */
}

/* ---- forward control transfers ---- */

uint32_t here(struct gen *g)
{
	return (uint32_t)g->e.p;
}

void add_fixup(struct gen *g, uint8_t *at, int kind, int skip)
{
	struct fixup *f;

	if (g->nfix >= MAX_FIXUPS) {
		g->e.overflow = 2;
		return;
	}
	f = &g->fix[g->nfix++];
	f->at = at;
	f->kind = kind;
	f->target = g->unit + 1 + skip;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

void patch_field(struct gen *g, uint8_t *at, int kind, uint32_t to)
{
	int32_t d;

	if (g->e.overflow)	/* fields may lie past the buffer's end */
		return;
	switch (kind) {
	case FIX_REL8:
		d = (int32_t)(to - ((uint32_t)at + 1));
		if (d < -128 || d > 127)
			g->e.overflow = 2;
		*at = (uint8_t)d;
		break;
	case FIX_REL32:
		put32(at, to - ((uint32_t)at + 4));
		break;
	default:
		put32(at, to);
		break;
	}
}

/* Resolves fixups that target unit `u` or earlier, and rel8 fixups that
 * could not reach past one more unit, to the current position. */
static void resolve(struct gen *g, int u)
{
	int i = 0;

	while (i < g->nfix) {
		struct fixup *f = &g->fix[i];
		int far = f->kind == FIX_REL8 &&
			  here(g) + UNIT_MAX_BYTES - ((uint32_t)f->at + 1) > 127;

		if (f->target <= u || far) {
			patch_field(g, f->at, f->kind, here(g));
			*f = g->fix[--g->nfix];
		} else {
			i++;
		}
	}
}

/* ---- the unit mix ---- */

struct unit_kind {
	void (*fn)(struct gen *g);
	int weight;
};

static const struct unit_kind units[] = {
	{ u_alu, 14 },	  { u_test, 3 },    { u_incdec, 4 },  { u_negnot, 3 },
	{ u_shift, 8 },	  { u_shxd, 3 },    { u_mul, 2 },     { u_imul, 3 },
	{ u_div, 3 },	  { u_bt, 4 },	    { u_bsf, 2 },     { u_setcc, 3 },
	{ u_cmov, 3 },	  { u_xchg, 2 },    { u_xadd, 2 },    { u_cmpxchg, 2 },
	{ u_bswap, 1 },	  { u_movx, 3 },    { u_mov, 5 },     { u_lea, 3 },
	{ u_cbw, 2 },	  { u_flagop, 2 },  { u_lahf, 2 },    { u_bcd, 3 },
	{ u_pushf, 2 },	  { u_popf, 3 },    { u_clisti, 1 },  { u_pushpop, 5 },
	{ u_pusha, 1 },	  { u_string, 5 },  { u_xlat, 1 },    { u_jcc, 5 },
	{ u_jmp, 1 },	  { u_loop, 2 },    { u_indjmp, 2 },  { u_call, 3 },
	{ u_segload, 3 }, { u_segread, 2 }, { u_cpuid, 1 },   { u_trap, 1 },
	{ u_badseg, 1 },
};
#define NUNIT_KINDS	(sizeof(units) / sizeof(units[0]))

static void pick_unit(struct gen *g)
{
	static int total;
	int w;

	if (!total)
		for (size_t i = 0; i < NUNIT_KINDS; i++)
			total += units[i].weight;
	w = below(g, total);
	for (size_t i = 0; i < NUNIT_KINDS; i++) {
		if (w < units[i].weight) {
			units[i].fn(g);
			return;
		}
		w -= units[i].weight;
	}
}

/* ---- initial state ---- */

#define FL_POPF_SAFE	(FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_DF | FL_OF)

static void init_state(struct gen *g, struct fz_seq *seq)
{
	struct fz_cpu *c = &seq->init;
	const uint16_t *sels;
	int nsels = fz_selectors(g->ring, &sels);
	uint32_t fl;

	*c = (struct fz_cpu){ 0 };
	for (int i = 0; i < 8; i++)
		c->r[i] = rnd_value(g->r);
	c->r[EBP] = g->data + FZ_EBP_OFF;
	c->r[ESP] = (uint32_t)fz_area.stack + FZ_ESP_OFF +
		    ((int)below(g, 17) - 8) * 4;
	fl = FL_FIXED | (R(g) & FL_POPF_SAFE);
	if (chance(g, 1, 2))
		fl |= FL_IF;
	if (chance(g, 1, 4))
		fl |= (R(g) & 3) << FL_IOPL_SHIFT;
	if (chance(g, 1, 8))
		fl |= R(g) & (FL_AC | FL_ID);
	c->eflags = fl;
	c->ds = sels[below(g, nsels)];
	c->es = sels[below(g, nsels)];
	c->fs = sels[below(g, nsels)];
	c->gs = g->ring == 3 ? SEL_UDATA : SEL_KDATA;
	seq->mem_seed = R(g);
	seq->ring = g->ring;
	g->cli_ok = g->ring == 0 ||
		    ((fl & FL_IOPL_MASK) >> FL_IOPL_SHIFT) == 3;
}

uint8_t *fz_generate(struct rng *r, const struct fz_gen_cfg *cfg, uint8_t *code,
		     uint8_t *limit, struct fz_seq *seq)
{
	struct gen gg = {
		.r = r,
		.e = { .p = code, .limit = limit },
		.ring = cfg->ring,
		.stats = cfg->stats,
		.cx8 = cfg->cx8,
		.rot_reg_only = cfg->rot_reg_only,
		.data = (uint32_t)fz_area.data,
	};
	struct gen *g = &gg;

	init_state(g, seq);
	g->nunits = 1 + below(g, FZ_MAX_UNITS);
	for (g->unit = 0; g->unit < g->nunits; g->unit++) {
		resolve(g, g->unit);
		g->unit_start = g->e.p;
		pick_unit(g);
		if (g->e.p - g->unit_start > UNIT_MAX_BYTES && !g->e.overflow)
			g->e.overflow = 2;
	}
	resolve(g, FZ_MAX_UNITS + MAX_FIXUPS);	/* everything left: the epilogue */
	/* The epilogue: back to the harness. */
	if (g->ring == 3) {
		e_u8(&g->e, 0xCD);
		e_u8(&g->e, FZ_VEC_EXIT);
	} else {
		e_u8(&g->e, 0xE9);
		e_u32(&g->e, (uint32_t)fz_exit0 - (here(g) + 4));
	}
	seq->bug = g->e.overflow == 2;
	if (g->e.overflow)
		return NULL;
	seq->start = (uint32_t)code;
	seq->end = here(g);
	seq->init.eip = seq->start;
	return g->e.p;
}
