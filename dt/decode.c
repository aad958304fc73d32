/*
 * dt/decode.c: the decoder engine.  Walks one instruction through the
 * tables of decode_tables.c, decode_0f.c, decode_sse.c, decode_x87.c and
 * decode_vex.c and fills a struct dt_insn.
 *
 * Follows the SDM vol. 2 chapter 2 in order:
 *   2.1.1  legacy prefixes: any number, any order, one per group counts
 *          (the last segment override, the last of F2/F3); 2.3.11 the
 *          15-byte limit (#GP), LOCK rules (#UD, vol. 2 "LOCK" page);
 *   2.1.2  opcode: one byte, 0F xx, 0F 38 xx, 0F 3A xx;
 *   2.1.3  ModRM and SIB, table 2-1 (16-bit) and 2-2/2-3 (32-bit forms);
 *   2.1.4  displacement and immediate;
 *   2.3    VEX (C4/C5 with mod == 11 in 32-bit mode).
 * The entry found gives the rest: operand forms (hence the immediates and
 * which ModRM forms are legal) and the class bits.
 */
#include "dt/decode_tab.h"

/* A cursor over the bytes: pos may never reach past lim = min(avail, 15). */
struct cur {
	const uint8_t *code;
	size_t avail;
	unsigned pos;
};

/* Status when n more bytes are needed at c->pos. */
static inline int need(const struct cur *c, unsigned n)
{
	if (c->pos + n > DT_MAX_LEN)
		return DT_TOO_LONG;
	if (c->pos + n > c->avail)
		return DT_TRUNCATED;
	return DT_OK;
}

static inline uint32_t get(const struct cur *c, unsigned off, unsigned size)
{
	const uint8_t *p = c->code + off;
	switch (size) {
	case 1: return p[0];
	case 2: return p[0] | (uint32_t)p[1] << 8;
	default: return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			(uint32_t)p[3] << 24;
	}
}

static inline int32_t sext(uint32_t v, unsigned size)
{
	if (size == 1)
		return (int8_t)v;
	if (size == 2)
		return (int16_t)v;
	return (int32_t)v;
}

static int read_modrm(struct cur *c, struct dt_insn *in)
{
	int st;
	if (in->has_modrm)
		return DT_OK;
	if ((st = need(c, 1)) != DT_OK)
		return st;
	in->has_modrm = 1;
	in->modrm_off = c->pos;
	in->modrm = c->code[c->pos++];
	in->mod = in->modrm >> 6;
	in->reg = (in->modrm >> 3) & 7;
	in->rm = in->modrm & 7;
	return DT_OK;
}

/*
 * The memory form of ModRM (mod != 11): SIB and displacement.
 * 16-bit forms, SDM table 2-1: rm selects [bx+si] [bx+di] [bp+si] [bp+di]
 * [si] [di] [bp] [bx]; mod 00 rm 110 is disp16 alone.  32-bit forms,
 * tables 2-2 and 2-3: rm 100 means a SIB byte; mod 00 rm 101 is disp32;
 * in the SIB, index 100 means none and base 101 with mod 00 means disp32.
 */
static int read_mem(struct cur *c, struct dt_insn *in)
{
	static const uint8_t b16[8] = { DT_EBX, DT_EBX, DT_EBP, DT_EBP,
					DT_ESI, DT_EDI, DT_EBP, DT_EBX };
	static const uint8_t i16[8] = { DT_ESI, DT_EDI, DT_ESI, DT_EDI,
					DT_REG_NONE, DT_REG_NONE,
					DT_REG_NONE, DT_REG_NONE };
	struct dt_mem *m = &in->mem;
	unsigned dsize;
	int st;

	m->scale = 1;
	m->base = DT_REG_NONE;
	m->index = DT_REG_NONE;
	if (in->adsize == 2) {
		m->addr16 = 1;
		if (in->mod == 0 && in->rm == 6) {
			dsize = 2;
		} else {
			m->base = b16[in->rm];
			m->index = i16[in->rm];
			dsize = in->mod == 1 ? 1 : in->mod == 2 ? 2 : 0;
		}
	} else {
		unsigned base = in->rm;
		if (in->rm == 4) {
			if ((st = need(c, 1)) != DT_OK)
				return st;
			in->has_sib = 1;
			in->sib = c->code[c->pos++];
			base = in->sib & 7;
			if (((in->sib >> 3) & 7) != 4)
				m->index = (in->sib >> 3) & 7;
			m->scale = 1u << (in->sib >> 6);
		}
		dsize = in->mod == 1 ? 1 : in->mod == 2 ? 4 : 0;
		if (in->mod == 0 && base == 5)
			dsize = 4;		/* no base, disp32 */
		else
			m->base = base;
	}
	if (dsize) {
		if ((st = need(c, dsize)) != DT_OK)
			return st;
		m->disp_size = dsize;
		m->disp_off = c->pos;
		m->disp = sext(get(c, c->pos, dsize), dsize);
		c->pos += dsize;
	}
	if (in->seg_override != DT_SEG_NONE)
		m->seg = in->seg_override;
	else if (m->base == DT_EBP || (m->base == DT_ESP && !m->addr16))
		m->seg = DT_SS;
	else
		m->seg = DT_DS;
	in->flags |= DT_F_MEM;
	return DT_OK;
}

/* Size in bytes of an immediate or relative operand with size code s. */
static inline unsigned imm_bytes(const struct dt_insn *in, unsigned s)
{
	switch (s) {
	case DT_S_B: case DT_S_BS: return 1;
	case DT_S_W: return 2;
	case DT_S_D: return 4;
	default: return in->opsize;	/* v, z */
	}
}

static int decode_vex(struct cur *c, struct dt_insn *in, unsigned first);

/* The legal-prefix check common to every form: LOCK. */
static inline bool lock_ok(const struct dt_insn *in, uint32_t attr)
{
	return !(in->prefixes & DT_P_LOCK) ||
	       ((attr & A_LOCK) && in->has_modrm && in->mod != 3);
}

static int decode(struct cur *c, struct dt_insn *in)
{
	unsigned b, last_rep = 0;
	const struct dt_entry *e;
	int st;

	/* Prefixes (2.1.1). */
	for (;;) {
		if ((st = need(c, 1)) != DT_OK)
			return st;
		b = c->code[c->pos];
		switch (b) {
		case 0xf0: in->prefixes |= DT_P_LOCK; break;
		case 0xf2: case 0xf3: last_rep = b; break;
		case 0x66: in->prefixes |= DT_P_OPSIZE; in->opsize = 2; break;
		case 0x67: in->prefixes |= DT_P_ADSIZE; in->adsize = 2; break;
		case 0x26: case 0x2e: case 0x36: case 0x3e:
			in->seg_override = (b >> 3) & 3;	/* ES CS SS DS */
			in->prefixes |= DT_P_SEG;
			break;
		case 0x64: case 0x65:
			in->seg_override = b - 0x64 + DT_FS;
			in->prefixes |= DT_P_SEG;
			break;
		default:
			goto opcode;
		}
		c->pos++;
	}
opcode:
	in->nprefix = c->pos;
	if (last_rep)
		in->prefixes |= last_rep == 0xf3 ? DT_P_REP : DT_P_REPNE;
	c->pos++;
	in->map = DT_MAP_1B;
	if (b == 0x0f) {
		if ((st = need(c, 1)) != DT_OK)
			return st;
		b = c->code[c->pos++];
		in->map = DT_MAP_0F;
		if (b == 0x38 || b == 0x3a) {
			in->map = b == 0x38 ? DT_MAP_0F38 : DT_MAP_0F3A;
			if ((st = need(c, 1)) != DT_OK)
				return st;
			b = c->code[c->pos++];
		} else if (b == 0x0f) {
			in->map = DT_MAP_3DNOW;
		}
	} else if (b == 0xc4 || b == 0xc5) {
		if ((st = need(c, 1)) != DT_OK)
			return st;
		if ((c->code[c->pos] >> 6) == 3)
			return decode_vex(c, in, b);
	}
	in->opcode = b;

	switch (in->map) {
	case DT_MAP_1B:
		e = (b >= 0xd8 && b <= 0xdf) ? &dt_x87[b - 0xd8] : &dt_map_1b[b];
		break;
	case DT_MAP_0F: e = &dt_map_0f[b]; break;
	case DT_MAP_0F38: e = &dt_map_0f38[b]; break;
	case DT_MAP_0F3A: e = &dt_map_0f3a[b]; break;
	default: e = &dt_3dnow[0x0c]; break;	/* Pq, Qq: suffix read below */
	}

	/*
	 * Follow the redirections to the instruction.  The first SSE prefix
	 * group met takes the mandatory prefix: the last F2/F3, else 66,
	 * else none.  When that slot gives no valid instruction (undefined,
	 * or a ModRM form it lacks), the next candidate is tried: an F2/F3
	 * or 66 that selects nothing is ignored as CPUs ignore it (SDM
	 * 2.1.1 calls such use "reserved"; Capstone behaves the same).
	 */
	const struct dt_entry *root = e;
	unsigned cand[3], ncand = 0, used;
	if (last_rep)
		cand[ncand++] = last_rep == 0xf3 ? 2 : 3;
	if (in->prefixes & DT_P_OPSIZE)
		cand[ncand++] = 1;
	cand[ncand++] = 0;
	bool ctl = false;		/* MOV CR/DR: mod is ignored */
	for (unsigned t = 0;; t++) {
		bool ok = true;
		e = root;
		used = 4;
		while (e->kind != DT_E_INSN) {
			unsigned i;
			switch (e->kind) {
			case DT_E_REG: case DT_E_MOD: case DT_E_RM:
				if ((st = read_modrm(c, in)) != DT_OK)
					return st;
				i = e->kind == DT_E_REG ? in->reg :
				    e->kind == DT_E_RM ? in->rm : in->mod == 3;
				break;
			case DT_E_PFX:
				i = used = cand[t];
				break;
			case DT_E_OPSZ: i = in->opsize == 4; break;
			case DT_E_ADSZ: i = in->adsize == 4; break;
			default:
				ok = false;
				break;
			}
			if (!ok)
				break;
			e = &e->sub[i];
		}
		if (ok) {
			/* The ModRM forms the operands allow. */
			ctl = false;
			for (unsigned i = 0; i < DT_NOPS && DT_OPK(e->op[i]); i++) {
				unsigned k = DT_OPK(e->op[i]);
				if (k >= DT_K_E && k <= DT_K_STI) {
					if ((st = read_modrm(c, in)) != DT_OK)
						return st;
					if (k == DT_K_C || k == DT_K_D)
						ctl = true;
				}
			}
			for (unsigned i = 0; i < DT_NOPS && DT_OPK(e->op[i]); i++) {
				switch (DT_OPK(e->op[i])) {
				case DT_K_M:
					ok &= in->mod != 3;
					break;
				case DT_K_R: case DT_K_N: case DT_K_U:
					ok &= in->mod == 3 || ctl;
					break;
				case DT_K_S:	/* 6, 7 undefined; no MOV to CS */
					ok &= in->reg <= 5 && !(i == 0 && in->reg == DT_CS);
					break;
				case DT_K_C:	/* CR0, CR2-CR4 only */
					ok &= in->reg != 1 && in->reg <= 4;
					break;
				}
			}
		}
		if (ok)
			break;
		if (used == 4 || t + 1 >= ncand)
			return DT_INVALID;
	}
	if (used == 1) {
		in->prefixes = (in->prefixes & ~DT_P_OPSIZE) | DT_P_MANDATORY;
		in->opsize = 4;
		in->mandatory = 0x66;
	} else if (used == 2 || used == 3) {
		in->prefixes = (in->prefixes & ~(DT_P_REP | DT_P_REPNE)) | DT_P_MANDATORY;
		in->mandatory = last_rep;
	}
	in->ent = e;

	/* Operands: memory, immediates. */
	unsigned nimm = 0;
	if (in->has_modrm && !ctl && in->mod != 3) {
		if ((st = read_mem(c, in)) != DT_OK)
			return st;
	}
	for (unsigned i = 0; i < DT_NOPS && DT_OPK(e->op[i]); i++) {
		unsigned os = DT_OPS(e->op[i]), n;
		switch (DT_OPK(e->op[i])) {
		case DT_K_I:
			n = imm_bytes(in, os);
			if ((st = need(c, n)) != DT_OK)
				return st;
			if (nimm++ == 0) {
				in->imm_size = n;
				in->imm_off = c->pos;
				in->imm = get(c, c->pos, n);
				if (os == DT_S_BS)
					in->imm = (uint32_t)sext(in->imm, 1);
			} else {
				in->imm2_size = n;
				in->imm2_off = c->pos;
				in->imm2 = get(c, c->pos, n);
			}
			c->pos += n;
			break;
		case DT_K_J:
			n = imm_bytes(in, os);
			if ((st = need(c, n)) != DT_OK)
				return st;
			in->rel_size = n;
			in->rel_off = c->pos;
			in->rel = sext(get(c, c->pos, n), n);
			c->pos += n;
			break;
		case DT_K_A:
			n = in->opsize;
			if ((st = need(c, n + 2)) != DT_OK)
				return st;
			in->imm_size = n;
			in->imm_off = c->pos;
			in->imm = get(c, c->pos, n);
			in->imm2_size = 2;
			in->imm2_off = c->pos + n;
			in->imm2 = get(c, c->pos + n, 2);
			c->pos += n + 2;
			break;
		case DT_K_O:
			n = in->adsize;
			if ((st = need(c, n)) != DT_OK)
				return st;
			in->mem.disp_size = n;
			in->mem.disp_off = c->pos;
			in->mem.disp = (int32_t)get(c, c->pos, n);
			in->mem.base = in->mem.index = DT_REG_NONE;
			in->mem.scale = 1;
			in->mem.addr16 = in->adsize == 2;
			in->mem.seg = in->seg_override != DT_SEG_NONE ?
				      in->seg_override : DT_DS;
			in->flags |= DT_F_MEM;
			c->pos += n;
			break;
		}
	}

	/* 3DNow: the opcode is a suffix byte after the operands. */
	if (in->map == DT_MAP_3DNOW) {
		if ((st = need(c, 1)) != DT_OK)
			return st;
		in->opcode = c->code[c->pos++];
		e = &dt_3dnow[in->opcode];
		if (e->kind != DT_E_INSN)
			return DT_INVALID;
		in->ent = e;
	}

	if (!lock_ok(in, e->attr))
		return DT_INVALID;
	in->len = c->pos;
	return DT_OK;
}

/*
 * VEX (2.3.5): C5 [R vvvv L pp] or C4 [R X B mmmmm] [W vvvv L pp], then the
 * opcode, ModRM (every VEX opcode has one but vzeroupper/vzeroall) and an
 * optional imm8.  66, F2, F3 or LOCK before a VEX prefix is #UD (2.3.2).
 */
static int decode_vex(struct cur *c, struct dt_insn *in, unsigned first)
{
	unsigned mmmmm, pp, l, w, vvvv, b1, map;
	int st;

	if (in->prefixes & (DT_P_LOCK | DT_P_OPSIZE | DT_P_REP | DT_P_REPNE))
		return DT_INVALID;
	b1 = c->code[c->pos++];
	if (first == 0xc5) {
		mmmmm = 1;
		w = 0;
		vvvv = (~b1 >> 3) & 15;
		l = (b1 >> 2) & 1;
		pp = b1 & 3;
	} else {
		unsigned b2;
		if ((st = need(c, 1)) != DT_OK)
			return st;
		b2 = c->code[c->pos++];
		mmmmm = b1 & 31;
		w = b2 >> 7;
		vvvv = (~b2 >> 3) & 15;
		l = (b2 >> 2) & 1;
		pp = b2 & 3;
	}
	in->prefixes |= DT_P_VEX;
	in->vex = mmmmm | l << 5 | w << 6;
	in->vex_pp = pp;
	in->vex_vvvv = vvvv;
	if (mmmmm < 1 || mmmmm > 3)
		return DT_INVALID;
	map = mmmmm - 1;
	in->map = DT_MAP_VEX_0F + map;
	if ((st = need(c, 1)) != DT_OK)
		return st;
	in->opcode = c->code[c->pos++];
	in->flags |= DT_F_SIMD;

	unsigned vf = dt_vex_map[map][in->opcode].pp[pp];
	if (!(vf & VX_OK))
		return DT_INVALID;
	if ((vf & VX_L0) && l)
		return DT_INVALID;
	if ((vf & VX_L1) && !l)
		return DT_INVALID;
	if ((vf & VX_W0) && w)
		return DT_INVALID;
	if ((vf & VX_W1) && !w)
		return DT_INVALID;
	if ((vf & VX_NOV) && (vvvv & 7))
		return DT_INVALID;
	if (!(map == 0 && in->opcode == 0x77)) {
		if ((st = read_modrm(c, in)) != DT_OK)
			return st;
		if ((vf & VX_MEM) && in->mod == 3)
			return DT_INVALID;
		if ((vf & VX_REG) && in->mod != 3)
			return DT_INVALID;
		if ((vf & VX_NOVM) && in->mod != 3 && (vvvv & 7))
			return DT_INVALID;
		if ((vf & VX_GRP) &&
		    !dt_vex_group_ok(map, in->opcode, pp, in->reg, in->mod, l))
			return DT_INVALID;
		if (in->mod != 3 && (st = read_mem(c, in)) != DT_OK)
			return st;
	}
	if (vf & VX_IMM) {
		if ((st = need(c, 1)) != DT_OK)
			return st;
		in->imm_size = 1;
		in->imm_off = c->pos;
		in->imm = c->code[c->pos++];
	}
	/* The direction is not tracked for VEX: conservatively both. */
	if (in->flags & DT_F_MEM)
		in->flags |= DT_F_MREAD | DT_F_MWRITE;
	in->len = c->pos;
	return DT_OK;
}

/* The class bits from the entry's attributes and the decoded fields. */
static void classify(struct dt_insn *in)
{
	const struct dt_entry *e = in->ent;
	uint32_t a = e->attr;
	uint32_t f = in->flags;

	if (a & A_PRIV) f |= DT_F_PRIV;
	if (a & A_SENS) f |= DT_F_SENS;
	if (a & A_IO) f |= DT_F_IO;
	if (a & A_RIF) f |= DT_F_RIF;
	if (a & A_WIF) f |= DT_F_WIF;
	if (a & A_X87) f |= DT_F_X87;
	if (a & A_SIMD) f |= DT_F_SIMD;
	if (a & A_3DNOW) f |= DT_F_3DNOW;
	if (a & A_IMR) f |= DT_F_MREAD;
	if (a & A_IMW) f |= DT_F_MWRITE;
	if (a & A_STK) f |= DT_F_STACK;

	/* Explicit memory operand: operand 0 per A_R0/A_W0, others read. */
	if ((f & DT_F_MEM) && !(a & A_NOACC)) {
		for (unsigned i = 0; i < DT_NOPS; i++) {
			unsigned k = DT_OPK(e->op[i]);
			if (k == DT_K_E || k == DT_K_M || k == DT_K_Q ||
			    k == DT_K_W || k == DT_K_O) {
				if (i > 0 || (a & A_R0))
					f |= DT_F_MREAD;
				if (i == 0 && (a & A_W0))
					f |= DT_F_MWRITE;
				break;
			}
		}
	}

	in->cf = A_CFGET(a);
	if (in->cf != DT_CF_NONE)
		f |= DT_F_BLOCK_END;
	in->str = A_STRGET(a);
	if (in->str)
		f |= DT_F_STRING;

	unsigned s = A_SEGGET(a);
	if (s) {
		in->wseg = s == 7 ? in->reg : s - 1;
		f |= DT_F_WSEG;
	}
	if (a & A_SREG_R) {
		unsigned r = DT_OPK(e->op[0]) >= DT_K_SG0 ? DT_OPK(e->op[0]) - DT_K_SG0 : in->reg;
		f |= DT_F_RSEG;
		if (r == DT_GS)
			f |= DT_F_GS;
		if (DT_OPK(e->op[0]) < DT_K_SG0 && (r == DT_CS || r == DT_SS))
			f |= DT_F_SENS;		/* mov r/m, cs|ss */
	}
	if (in->seg_override == DT_GS || ((f & DT_F_WSEG) && in->wseg == DT_GS))
		f |= DT_F_GS;
	in->flags = f;
}

enum dt_status dt_decode(const uint8_t *code, size_t avail, struct dt_insn *out)
{
	struct cur c = { code, avail, 0 };
	int st;

	*out = (struct dt_insn){ 0 };
	out->seg_override = DT_SEG_NONE;
	out->wseg = DT_SEG_NONE;
	out->opsize = 4;
	out->adsize = 4;
	out->mem.base = out->mem.index = DT_REG_NONE;
	out->mem.seg = DT_SEG_NONE;

	st = decode(&c, out);
	if (st == DT_OK && out->ent)
		classify(out);
	if (st != DT_OK) {
		out->len = 0;
		out->ent = NULL;
	}
	out->status = st;
	return st;
}

const char *dt_mnemonic(const struct dt_insn *in)
{
	if (in->status != DT_OK)
		return "(bad)";
	if (in->prefixes & DT_P_VEX)
		return dt_vex_mnemonic(in->vex & 31 ? (in->vex & 31) - 1 : 0,
				       in->opcode, in->vex_pp);
	return in->ent ? in->ent->mnem : "(bad)";
}

uint32_t dt_rel_target(const struct dt_insn *in, uint32_t eip)
{
	uint32_t t = eip + in->len + (uint32_t)in->rel;
	return in->opsize == 2 ? (t & 0xffff) : t;
}
