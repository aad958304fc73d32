/*
 * The fuzzer's instruction generator, internal interface shared by gen.c
 * (sequence layout, operands, memory forms, fixups), ops.c (data
 * instructions) and flow.c (control transfers, stack, segments, strings,
 * flags and the rest).
 *
 * A sequence is a list of "units": one instruction plus the set-up
 * instructions it needs (e.g. ESI/EDI/ECX before a string instruction).
 * Forward branches only ever target unit boundaries, so no unit's set-up
 * can be skipped on its own.  Invariants that keep every memory access in
 * fz_area: EBP is never written (it stays data + FZ_EBP_OFF), ESP is only
 * moved by pushes and pops (a unit moves it by at most 8 bytes net), and
 * every other register used as an address is loaded by its unit's set-up.
 */
#ifndef GUEST_FUZZ_GEN_H
#define GUEST_FUZZ_GEN_H

#include "guest/fuzz/encode.h"
#include "guest/fuzz/fuzz.h"

#define MAX_FIXUPS	48
#define UNIT_MAX_BYTES	64	/* no unit is longer (checked) */
#define SIMPLE_MAX_BYTES 28	/* room kept for a callee's u_simple (u_call) */

enum { FIX_REL8, FIX_REL32, FIX_ABS32 };

struct fixup {
	uint8_t *at;		/* the field to patch */
	int kind;
	int target;		/* unit index to resolve at */
};

struct gen {
	struct rng *r;
	struct enc e;
	int ring;
	int cli_ok;		/* CLI/STI are legal (CPL 0, or IOPL 3) */
	int es_null, fs_null;	/* a null selector may be in ES/FS */
	int in_call;		/* in a callee: [esp..esp+3] is the return address */
	int cx8;		/* CMPXCHG8B allowed (fz_gen_cfg) */
	int rot_reg_only;	/* RCL/RCR and SETcc never on memory (fz_gen_cfg) */
	int unit, nunits;
	uint8_t *unit_start;	/* the current unit's first byte */
	uint32_t *stats;
	uint32_t data;		/* linear address of fz_area.data */
	struct fixup fix[MAX_FIXUPS];
	int nfix;
};

/* pick_rm / pick_mem flags */
#define RM_WRITE	1	/* the operand is written */
#define RM_MEM		2	/* memory only */
#define RM_REG		4	/* register only */

/* Register masks for `avoid` arguments. */
#define BIT(r)		(1u << (r))
#define FIXED_REGS	(BIT(ESP) | BIT(EBP))

static inline uint32_t R(struct gen *g)
{
	return rnd(g->r);
}
static inline uint32_t below(struct gen *g, uint32_t n)
{
	return rnd_below(g->r, n);
}
static inline int chance(struct gen *g, uint32_t num, uint32_t den)
{
	return rnd_chance(g->r, num, den);
}
static inline void stat(struct gen *g, int c)
{
	if (g->stats)
		g->stats[c]++;
}

/* gen.c: operands */
int pick_size(struct gen *g);			/* 1, 2 or 4 */
int pick_size_wd(struct gen *g);		/* 2 or 4 */
int wreg(struct gen *g, int size, uint32_t avoid);	/* writable */
int rreg(struct gen *g);			/* any register */
int setup_reg(struct gen *g, uint32_t avoid);	/* writable, not in avoid */
/*
 * A memory operand covering `span` bytes, with `margin` bytes on both
 * sides also inside the area; may emit set-up instructions for address
 * registers (never one in `avoid`); returns the mask of the registers
 * they wrote, which must keep their values up to the access.
 */
uint32_t pick_mem(struct gen *g, struct mem *m, int span, int margin, int flags,
		  uint32_t avoid);
/* A register or memory operand of `size` bytes; *written as above. */
struct opnd pick_rm_w(struct gen *g, int size, int flags, uint32_t avoid,
		      uint32_t *written);
static inline struct opnd pick_rm(struct gen *g, int size, int flags,
				  uint32_t avoid)
{
	uint32_t w;

	return pick_rm_w(g, size, flags, avoid, &w);
}
uint32_t imm_for(struct gen *g, int size);
/* A segment override for a memory operand (not CS when it is written). */
int pick_seg(struct gen *g, int flags);

/* gen.c: instructions */
void insn_init(struct insn *in);
void insn_op(struct insn *in, int n, ...);
/* Adds the operand-size, LOCK and REP prefixes and the r/m operand's
 * segment override, in a random order, then encodes. */
void emit(struct gen *g, struct insn *in, int size, int lock, int rep);
/* A mov of a value into a register (one of several encodings). */
void emit_load_reg(struct gen *g, int reg, uint32_t v);

/*
 * Clears the flags in `mask` (PUSHF; AND [ESP]; POPF), for flags an
 * instruction leaves undefined where QEMU's TCG computes them differently
 * depending on where its translation blocks start: natively and under hv
 * the blocks differ, so such flags would make the transcripts differ.
 */
void clear_flags(struct gen *g, uint32_t mask);

/* gen.c: forward control transfers */
/* The field at `at` will get the address of the unit `skip` units after
 * the next one (or of the epilogue). */
void add_fixup(struct gen *g, uint8_t *at, int kind, int skip);
/* Patches a field now (FIX_REL8/REL32: relative to its end). */
void patch_field(struct gen *g, uint8_t *at, int kind, uint32_t to);
uint32_t here(struct gen *g);

/* ops.c */
void u_alu(struct gen *g);
void u_test(struct gen *g);
void u_incdec(struct gen *g);
void u_negnot(struct gen *g);
void u_shift(struct gen *g);
void u_shxd(struct gen *g);
void u_mul(struct gen *g);
void u_imul(struct gen *g);
void u_div(struct gen *g);
void u_bt(struct gen *g);
void u_bsf(struct gen *g);
void u_setcc(struct gen *g);
void u_cmov(struct gen *g);
void u_xchg(struct gen *g);
void u_xadd(struct gen *g);
void u_cmpxchg(struct gen *g);
void u_bswap(struct gen *g);
void u_movx(struct gen *g);
void u_mov(struct gen *g);
void u_lea(struct gen *g);
void u_cbw(struct gen *g);
void u_bcd(struct gen *g);
/* One instruction that neither branches nor touches the stack. */
void u_simple(struct gen *g);

/* flow.c */
void u_flagop(struct gen *g);
void u_lahf(struct gen *g);
void u_pushf(struct gen *g);
void u_popf(struct gen *g);
void u_clisti(struct gen *g);
void u_pushpop(struct gen *g);
void u_pusha(struct gen *g);
void u_string(struct gen *g);
void u_xlat(struct gen *g);
void u_jcc(struct gen *g);
void u_jmp(struct gen *g);
void u_loop(struct gen *g);
void u_indjmp(struct gen *g);
void u_call(struct gen *g);
void u_segload(struct gen *g);
void u_segread(struct gen *g);
void u_badseg(struct gen *g);
void u_cpuid(struct gen *g);
void u_trap(struct gen *g);

#endif
