/*
 * Shifts and rotates: SHL SHR SAR ROL ROR RCL RCR (8/16/32 bits) and
 * SHLD SHRD (16/32 bits), counts 0..33 in CL (count 0 leaves the flags
 * alone, count 1 defines OF, counts are masked to 5 bits, RCL/RCR rotate
 * through CF modulo 9/17 for 8/16 bits), plus the immediate and shift-by-1
 * encodings (SDM vol. 2: SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR, SHLD, SHRD,
 * "Operation" and "Flags Affected").  Undefined flags are in the digests
 * only.
 */
#include "guest/lib/guest.h"
#include "flagmodel.h"

GUEST_NAME("shift");

typedef uint32_t (*sh_fn)(uint32_t a, uint32_t b, uint32_t cnt, uint32_t fin,
			  uint32_t *fout);

#define DEF_SH(fn, insn, T, C)                                                \
	static uint32_t fn(uint32_t a32, uint32_t b32, uint32_t cnt,          \
			   uint32_t fin, uint32_t *fout)                      \
	{                                                                     \
		T a = (T)a32;                                                 \
		uint32_t fo;                                                  \
		(void)b32;                                                    \
		__asm__ volatile("pushl %[fi]\n\tpopfl\n\t" insn              \
				 " %%cl, %[a]\n\tpushfl\n\tpopl %[fo]"        \
				 : [a] "+" C(a), [fo] "=&r"(fo)               \
				 : "c"(cnt), [fi] "r"(fin)                    \
				 : "cc");                                     \
		*fout = fo;                                                   \
		return a;                                                     \
	}
#define DEF_SHD(fn, insn, T)                                                  \
	static uint32_t fn(uint32_t a32, uint32_t b32, uint32_t cnt,          \
			   uint32_t fin, uint32_t *fout)                      \
	{                                                                     \
		T a = (T)a32, b = (T)b32;                                     \
		uint32_t fo;                                                  \
		__asm__ volatile("pushl %[fi]\n\tpopfl\n\t" insn              \
				 " %%cl, %[b], %[a]\n\tpushfl\n\tpopl %[fo]"  \
				 : [a] "+r"(a), [fo] "=&r"(fo)                \
				 : [b] "r"(b), "c"(cnt), [fi] "r"(fin)        \
				 : "cc");                                     \
		*fout = fo;                                                   \
		return a;                                                     \
	}
#define DEF_SH3(name, insn)                                                   \
	DEF_SH(name##8, insn "b", uint8_t, "q")                               \
	DEF_SH(name##16, insn "w", uint16_t, "r")                             \
	DEF_SH(name##32, insn "l", uint32_t, "r")

DEF_SH3(x_shl, "shl")
DEF_SH3(x_shr, "shr")
DEF_SH3(x_sar, "sar")
DEF_SH3(x_rol, "rol")
DEF_SH3(x_ror, "ror")
DEF_SH3(x_rcl, "rcl")
DEF_SH3(x_rcr, "rcr")
DEF_SHD(x_shld16, "shldw", uint16_t)
DEF_SHD(x_shld32, "shldl", uint32_t)
DEF_SHD(x_shrd16, "shrdw", uint16_t)
DEF_SHD(x_shrd32, "shrdl", uint32_t)

enum kind { K_SHL, K_SHR, K_SAR, K_ROL, K_ROR, K_RCL, K_RCR, K_SHLD, K_SHRD };

struct op {
	const char *name;
	enum kind kind;
	sh_fn fn[3];	/* 8, 16, 32 bits (NULL: no such form) */
};

#define OP3(n, k, f) { n, k, { f##8, f##16, f##32 } }
static const struct op ops[] = {
	OP3("shl", K_SHL, x_shl), OP3("shr", K_SHR, x_shr),
	OP3("sar", K_SAR, x_sar), OP3("rol", K_ROL, x_rol),
	OP3("ror", K_ROR, x_ror), OP3("rcl", K_RCL, x_rcl),
	OP3("rcr", K_RCR, x_rcr),
	{ "shld", K_SHLD, { NULL, x_shld16, x_shld32 } },
	{ "shrd", K_SHRD, { NULL, x_shrd16, x_shrd32 } },
};
#define NOPS	(sizeof(ops) / sizeof(ops[0]))

static const uint32_t vals[] = {
	0, 1, 0x80, 0x81, 0xFF, 0x8000, 0x8001, 0xFFFF, 0x40000000,
	0x80000000, 0x80000001, 0xFFFFFFFF, 0x12345678, 0xA5C3E187,
};
#define NVALS	(sizeof(vals) / sizeof(vals[0]))
#define MAX_COUNT	33
static const uint32_t flags_in[2] = { FL_FIXED, FL_FIXED | FL_ARITH };

static uint32_t bit(uint32_t v, int i)
{
	return (v >> i) & 1;
}

static uint32_t msb(uint32_t v, int w)
{
	return bit(v, w - 1);
}

/* Result, flags and the defined-flag mask, per the SDM pseudocode. */
static uint32_t model(enum kind k, int w, uint32_t a, uint32_t b, uint32_t count,
		      uint32_t fin, uint32_t *fl, uint32_t *defined)
{
	uint32_t m = wmask(w), cnt = count & 0x1F, cf = fin & FL_CF ? 1 : 0;
	uint32_t r = 0, f, rc;

	a &= m;
	b &= m;
	*defined = FL_ARITH;
	*fl = fin & FL_ARITH;
	if (cnt == 0)		/* "If the count is 0, the flags are not affected" */
		return a;
	f = fin & FL_ARITH;
	switch (k) {
	case K_SHL:
		r = cnt < (uint32_t)w ? (a << cnt) & m : 0;
		cf = cnt <= (uint32_t)w ? bit(a, w - cnt) : 0;
		f = flags_szp(r, w) | (cf ? FL_CF : 0);
		if (msb(r, w) ^ cf)
			f |= FL_OF;
		*defined = FL_ZF | FL_SF | FL_PF;
		if (cnt < (uint32_t)w)
			*defined |= FL_CF;
		if (cnt == 1)
			*defined |= FL_OF;
		break;
	case K_SHR:
		r = cnt < (uint32_t)w ? a >> cnt : 0;
		cf = cnt <= (uint32_t)w ? bit(a, cnt - 1) : 0;
		f = flags_szp(r, w) | (cf ? FL_CF : 0) | (msb(a, w) ? FL_OF : 0);
		*defined = FL_ZF | FL_SF | FL_PF;
		if (cnt < (uint32_t)w)
			*defined |= FL_CF;
		if (cnt == 1)
			*defined |= FL_OF;
		break;
	case K_SAR: {
		int64_t sa = (int64_t)(a ^ wsign(w)) - wsign(w);	/* sign-extend */

		r = (uint32_t)(sa >> cnt) & m;
		cf = (uint32_t)(sa >> (cnt - 1)) & 1;
		f = flags_szp(r, w) | (cf ? FL_CF : 0);	/* OF = 0 */
		*defined = FL_ZF | FL_SF | FL_PF | FL_CF;
		if (cnt == 1)
			*defined |= FL_OF;
		break;
	}
	case K_ROL:
	case K_ROR:
		rc = cnt % w;
		if (k == K_ROL) {
			r = rc ? ((a << rc) | (a >> (w - rc))) & m : a;
			cf = bit(r, 0);
			f = (f & ~(FL_CF | FL_OF)) | (cf ? FL_CF : 0);
			if (msb(r, w) ^ cf)
				f |= FL_OF;
		} else {
			r = rc ? ((a >> rc) | (a << (w - rc))) & m : a;
			cf = msb(r, w);
			f = (f & ~(FL_CF | FL_OF)) | (cf ? FL_CF : 0);
			if (msb(r, w) ^ bit(r, w - 2))
				f |= FL_OF;
		}
		if (cnt != 1)
			*defined &= ~FL_OF;
		break;
	case K_RCL:
	case K_RCR: {
		uint64_t v = ((uint64_t)cf << w) | a;	/* w+1 bits, CF on top */
		uint64_t vm = ((uint64_t)1 << (w + 1)) - 1;

		rc = w == 8 ? cnt % 9 : w == 16 ? cnt % 17 : cnt;
		if (rc && k == K_RCL)
			v = ((v << rc) | (v >> (w + 1 - rc))) & vm;
		else if (rc)
			v = ((v >> rc) | (v << (w + 1 - rc))) & vm;
		r = (uint32_t)v & m;
		f &= ~(FL_CF | FL_OF);
		if (v >> w)
			f |= FL_CF;
		if (k == K_RCL ? msb(r, w) ^ (uint32_t)(v >> w) : msb(a, w) ^ cf)
			f |= FL_OF;
		if (cnt != 1)
			*defined &= ~FL_OF;
		break;
	}
	case K_SHLD:
	case K_SHRD:
		if (cnt > (uint32_t)w) {	/* result and flags undefined */
			*defined = 0;
			return 0;
		}
		if (k == K_SHLD) {
			r = cnt == (uint32_t)w ? b : ((a << cnt) | (b >> (w - cnt))) & m;
			cf = bit(a, w - cnt);
		} else {
			r = cnt == (uint32_t)w ? b : ((a >> cnt) | (b << (w - cnt))) & m;
			cf = bit(a, cnt - 1);
		}
		f = flags_szp(r, w) | (cf ? FL_CF : 0);
		if (msb(r, w) != msb(a, w))
			f |= FL_OF;
		*defined = FL_ZF | FL_SF | FL_PF | FL_CF;
		if (cnt == 1)
			*defined |= FL_OF;
		break;
	}
	*fl = f;
	return r;
}

static void op_case(const struct op *op)
{
	t_begin(op->name);
	for (int wi = 0; wi < 3; wi++) {
		int w = 8 << wi;
		uint32_t h = HASH_INIT;

		if (!op->fn[wi])
			continue;
		for (unsigned i = 0; i < NVALS; i++)
			for (uint32_t c = 0; c <= MAX_COUNT; c++)
				for (int fi = 0; fi < 2; fi++) {
					uint32_t a = vals[i], b = vals[NVALS - 1 - i];
					uint32_t fo, want_f, def, want, r;

					r = op->fn[wi](a, b, c, flags_in[fi], &fo) & wmask(w);
					want = model(op->kind, w, a, b, c, flags_in[fi],
						     &want_f, &def);
					if ((def && r != want) || (fo & def) != (want_f & def))
						t_fail("%s%d a=0x%x b=0x%x cl=%u fin=0x%x: expected r=0x%x fl=0x%x, saw r=0x%x fl=0x%x",
						       op->name, w, a & wmask(w), b & wmask(w), c,
						       flags_in[fi], want, want_f & def, r, fo & def);
					h = hash_u32(hash_u32(h, r), fo & FL_ARITH);
				}
		gprintf("%s%d digest %08x\n", op->name, w, h);
	}
	t_end();
}

/* The immediate-count encodings agree with the CL form. */
static void imm_case(void)
{
	uint32_t a = 0x81234567, r1, r5, r33, rr1, fl1, fl5, fl33, flr1, want_f, def;

	t_begin("imm_forms");
	__asm__ volatile("pushl %[fi]; popfl; shll $1, %[x]; pushfl; popl %[f]"
			 : [x] "=r"(r1), [f] "=&r"(fl1) : "0"(a), [fi] "r"(FL_FIXED) : "cc");
	__asm__ volatile("pushl %[fi]; popfl; shll $5, %[x]; pushfl; popl %[f]"
			 : [x] "=r"(r5), [f] "=&r"(fl5) : "0"(a), [fi] "r"(FL_FIXED) : "cc");
	/* The immediate is masked to 5 bits as well: 33 shifts by 1. */
	__asm__ volatile("pushl %[fi]; popfl; shll $33, %[x]; pushfl; popl %[f]"
			 : [x] "=r"(r33), [f] "=&r"(fl33) : "0"(a), [fi] "r"(FL_FIXED) : "cc");
	__asm__ volatile("pushl %[fi]; popfl; rcrl $1, %[x]; pushfl; popl %[f]"
			 : [x] "=r"(rr1), [f] "=&r"(flr1) : "0"(a), [fi] "r"(FL_FIXED | FL_CF)
			 : "cc");
	gprintf("imm: shl1=%08x/%03x shl5=%08x/%03x shl33=%08x/%03x rcr1=%08x/%03x\n",
		r1, fl1 & FL_ARITH, r5, fl5 & FL_ARITH, r33, fl33 & FL_ARITH, rr1,
		flr1 & FL_ARITH);
	t_eq("shl $1", r1, model(K_SHL, 32, a, 0, 1, FL_FIXED, &want_f, &def));
	t_eq_mask("shl $1 flags", fl1, want_f, def);
	t_eq("shl $5", r5, model(K_SHL, 32, a, 0, 5, FL_FIXED, &want_f, &def));
	t_eq_mask("shl $5 flags", fl5, want_f, def);
	t_eq("shl $33", r33, r1);
	t_eq_mask("shl $33 flags", fl33, fl1, FL_ARITH & ~FL_AF);
	t_eq("rcr $1", rr1, model(K_RCR, 32, a, 0, 1, FL_FIXED | FL_CF, &want_f, &def));
	t_eq_mask("rcr $1 flags", flr1, want_f, def);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	for (unsigned i = 0; i < NOPS; i++)
		op_case(&ops[i]);
	imm_case();
}
