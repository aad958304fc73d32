/*
 * dt/print.c: Intel-syntax text of a decoded instruction, for the debug
 * console and logs ("lock add dword ptr fs:[eax + ecx*4 + 0x10], 0x1").
 *
 * Operand order and names follow the SDM vol. 2 instruction pages; the
 * operand forms come from the decoder's table entry (decode_tab.h).  The
 * output is cut to the buffer like snprintf and the would-be length is
 * returned.  VEX instructions print a mnemonic where known and their raw
 * fields otherwise.
 */
#include <stdarg.h>

#include "dt/decode_tab.h"
#include "lib/fmt.h"

struct out {
	char *buf;
	size_t size;
	size_t len;		/* would-be length */
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	size_t room = o->len < o->size ? o->size - o->len : 0;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static const char *const reg8[8] = { "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh" };
static const char *const reg16[8] = { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di" };
static const char *const reg32[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
static const char *const sreg[8] = { "es", "cs", "ss", "ds", "fs", "gs", "?", "?" };

static unsigned gsize(const struct dt_insn *in, unsigned s)
{
	switch (s) {
	case DT_S_B: return 1;
	case DT_S_W: return 2;
	case DT_S_D: return 4;
	case DT_S_V: case DT_S_Z: return in->opsize;
	default: return 4;
	}
}

static const char *gpr(unsigned r, unsigned bytes)
{
	return bytes == 1 ? reg8[r & 7] : bytes == 2 ? reg16[r & 7] : reg32[r & 7];
}

static const char *ptr_word(const struct dt_insn *in, unsigned s)
{
	switch (s) {
	case DT_S_B: case DT_S_BS: return "byte ptr ";
	case DT_S_W: return "word ptr ";
	case DT_S_D: return "dword ptr ";
	case DT_S_Q: return "qword ptr ";
	case DT_S_DQ: return "xmmword ptr ";
	case DT_S_V: case DT_S_Z: return in->opsize == 2 ? "word ptr " : "dword ptr ";
	case DT_S_P: return in->opsize == 2 ? "dword ptr " : "fword ptr ";
	case DT_S_A: return in->opsize == 2 ? "dword ptr " : "qword ptr ";
	case DT_S_T: return "tbyte ptr ";
	default: return "";
	}
}

static void put_mem(struct out *o, const struct dt_insn *in, unsigned s)
{
	const struct dt_mem *m = &in->mem;
	const char *const *names = m->addr16 ? reg16 : reg32;
	bool any = false;

	put(o, "%s", ptr_word(in, s));
	if (in->seg_override != DT_SEG_NONE)
		put(o, "%s:", sreg[in->seg_override]);
	put(o, "[");
	if (m->base != DT_REG_NONE) {
		put(o, "%s", names[m->base]);
		any = true;
	}
	if (m->index != DT_REG_NONE) {
		put(o, "%s%s", any ? " + " : "", names[m->index]);
		if (m->scale > 1)
			put(o, "*%u", m->scale);
		any = true;
	}
	if (m->disp_size) {
		uint32_t d = (uint32_t)m->disp;
		if (!any)
			put(o, "%#x", m->disp_size == 2 ? d & 0xffff : d);
		else if (m->disp < 0)
			put(o, " - %#x", (uint32_t)0 - d);
		else
			put(o, " + %#x", d);
	} else if (!any) {
		put(o, "0");
	}
	put(o, "]");
}

static void put_opnd(struct out *o, const struct dt_insn *in,
		     dt_opnd op, uint32_t eip, bool first_imm)
{
	unsigned k = DT_OPK(op), sz = DT_OPS(op);
	bool mem = in->has_modrm && in->mod != 3;

	switch (k) {
	case DT_K_E: case DT_K_M: case DT_K_R:
		if (mem && k != DT_K_R)
			put_mem(o, in, sz);
		else
			put(o, "%s", gpr(in->rm, gsize(in, sz)));
		break;
	case DT_K_G: put(o, "%s", gpr(in->reg, gsize(in, sz))); break;
	case DT_K_Z: put(o, "%s", gpr(in->opcode & 7, gsize(in, sz))); break;
	case DT_K_S: put(o, "%s", sreg[in->reg]); break;
	case DT_K_C: put(o, "cr%u", in->reg); break;
	case DT_K_D: put(o, "dr%u", in->reg); break;
	case DT_K_P: put(o, "mm%u", in->reg); break;
	case DT_K_N: put(o, "mm%u", in->rm); break;
	case DT_K_Q:
		if (mem)
			put_mem(o, in, sz);
		else
			put(o, "mm%u", in->rm);
		break;
	case DT_K_V: put(o, "xmm%u", in->reg); break;
	case DT_K_U: put(o, "xmm%u", in->rm); break;
	case DT_K_W:
		if (mem)
			put_mem(o, in, sz);
		else
			put(o, "xmm%u", in->rm);
		break;
	case DT_K_XMM0: put(o, "xmm0"); break;
	case DT_K_STI: put(o, "st(%u)", in->rm); break;
	case DT_K_ST0: put(o, "st(0)"); break;
	case DT_K_ONE: put(o, "1"); break;
	case DT_K_I:
		put(o, "%#x", first_imm ? in->imm : in->imm2);
		break;
	case DT_K_J: put(o, "%#x", dt_rel_target(in, eip)); break;
	case DT_K_A: put(o, "%#x:%#x", in->imm2, in->imm); break;
	case DT_K_O: put_mem(o, in, sz); break;
	case DT_K_X: case DT_K_Y: {
		const char *const *r = in->adsize == 2 ? reg16 : reg32;
		put(o, "%s", ptr_word(in, sz));
		if (k == DT_K_Y)
			put(o, "es:[%s]", r[DT_EDI]);
		else if (in->seg_override != DT_SEG_NONE)
			put(o, "%s:[%s]", sreg[in->seg_override], r[DT_ESI]);
		else
			put(o, "[%s]", r[DT_ESI]);
		break;
	}
	default:
		if (k >= DT_K_RG0 && k < DT_K_SG0)
			put(o, "%s", gpr(k - DT_K_RG0, gsize(in, sz)));
		else if (k >= DT_K_SG0 && k < DT_K_COUNT)
			put(o, "%s", sreg[k - DT_K_SG0]);
		break;
	}
}

int dt_print(const struct dt_insn *in, uint32_t eip, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };

	if (size)
		buf[0] = '\0';
	if (in->status != DT_OK || !in->len) {
		put(&o, "(bad)");
		return (int)o.len;
	}
	if (in->prefixes & DT_P_VEX) {
		put(&o, "%s", dt_mnemonic(in));
		put(&o, " (map %u pp %u L%u W%u vvvv %u",
		    in->vex & 31, in->vex_pp, (in->vex >> 5) & 1,
		    (in->vex >> 6) & 1, in->vex_vvvv);
		if (in->has_modrm)
			put(&o, " modrm %#x", in->modrm);
		if (in->imm_size)
			put(&o, " imm %#x", in->imm);
		put(&o, ")");
		return (int)o.len;
	}
	if (in->prefixes & DT_P_LOCK)
		put(&o, "lock ");
	if (in->str) {
		if (in->prefixes & DT_P_REP)
			put(&o, in->str == DT_STR_CMPS || in->str == DT_STR_SCAS ?
			    "repe " : "rep ");
		else if (in->prefixes & DT_P_REPNE)
			put(&o, "repne ");
	}
	const char *m = in->ent->mnem;
	if (in->map == DT_MAP_1B && in->opcode == 0x90 && (in->prefixes & DT_P_REP))
		m = "pause";
	put(&o, "%s", m);

	const struct dt_entry *e = in->ent;
	bool first_imm = true;
	for (unsigned i = 0; i < DT_NOPS && DT_OPK(e->op[i]); i++) {
		put(&o, i ? ", " : " ");
		put_opnd(&o, in, e->op[i], eip, first_imm);
		if (DT_OPK(e->op[i]) == DT_K_I)
			first_imm = false;
	}
	return (int)o.len;
}
