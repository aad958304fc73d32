/*
 * Decimal and ASCII adjust: DAA DAS AAA AAS over every AL with AF and CF
 * clear and set, AAM and AAD with base 10 and other bases, and AAM 0 ->
 * #DE (SDM vol. 2 DAA, DAS, AAA, AAS, AAM, AAD: the "Operation"
 * pseudocode is the model here; OF after DAA/DAS, OF/SF/ZF/PF after
 * AAA/AAS and OF/AF/CF after AAM/AAD are undefined and only digested).
 */
#include "guest/lib/guest.h"
#include "flagmodel.h"

GUEST_NAME("bcd");

enum { DAA, DAS, AAA, AAS };
static const char *const names[] = { "daa", "das", "aaa", "aas" };

static uint32_t run(int op, uint32_t ax, uint32_t fin, uint32_t *fo)
{
	uint32_t f;

	switch (op) {
	case DAA:
		__asm__ volatile("pushl %2; popfl; daa; pushfl; popl %1" : "+a"(ax), "=r"(f) : "r"(fin) : "cc");
		break;
	case DAS:
		__asm__ volatile("pushl %2; popfl; das; pushfl; popl %1" : "+a"(ax), "=r"(f) : "r"(fin) : "cc");
		break;
	case AAA:
		__asm__ volatile("pushl %2; popfl; aaa; pushfl; popl %1" : "+a"(ax), "=r"(f) : "r"(fin) : "cc");
		break;
	default:
		__asm__ volatile("pushl %2; popfl; aas; pushfl; popl %1" : "+a"(ax), "=r"(f) : "r"(fin) : "cc");
		break;
	}
	*fo = f;
	return ax & 0xFFFF;
}

static uint32_t model(int op, uint32_t ax, uint32_t fin, uint32_t *fl, uint32_t *defined)
{
	uint32_t al = ax & 0xFF, ah = (ax >> 8) & 0xFF, old_al = al;
	int af = !!(fin & FL_AF), cf = !!(fin & FL_CF), old_cf = cf;
	uint32_t f = 0;

	switch (op) {
	case DAA:
	case DAS:
		cf = 0;
		if ((al & 0xF) > 9 || af) {
			if (op == DAA) {
				cf = old_cf || al + 6 > 0xFF;
				al = (al + 6) & 0xFF;
			} else {
				cf = old_cf || al < 6;
				al = (al - 6) & 0xFF;
			}
			af = 1;
		} else {
			af = 0;
		}
		if (old_al > 0x99 || old_cf) {
			al = (op == DAA ? al + 0x60 : al - 0x60) & 0xFF;
			cf = 1;
		} else if (op == DAA) {
			cf = 0;
		}
		f = flags_szp(al, 8);
		*defined = FL_ARITH & ~FL_OF;
		break;
	default:	/* AAA, AAS */
		if ((al & 0xF) > 9 || af) {
			ax = op == AAA ? ax + 0x106 : ax - 6 - 0x100;
			ah = (ax >> 8) & 0xFF;
			al = ax & 0xF;
			af = cf = 1;
		} else {
			al &= 0xF;
			af = cf = 0;
		}
		*defined = FL_AF | FL_CF;
		break;
	}
	if (af)
		f |= FL_AF;
	if (cf)
		f |= FL_CF;
	*fl = f;
	return (ah << 8) | al;
}

static void adjust_case(int op)
{
	uint32_t h = HASH_INIT;

	t_begin(names[op]);
	for (uint32_t al = 0; al < 256; al++)
		for (int fl = 0; fl < 4; fl++)
			for (int hi = 0; hi < 2; hi++) {
				uint32_t ax = (hi ? 0xFF00 : 0x1200) | al;
				uint32_t fin = FL_FIXED | (fl & 1 ? FL_AF : 0) | (fl & 2 ? FL_CF : 0);
				uint32_t fo, want_f, def;
				uint32_t r = run(op, ax, fin, &fo);
				uint32_t want = model(op, ax, fin, &want_f, &def);

				if (r != want || (fo & def) != (want_f & def))
					t_fail("%s ax=0x%x fin=0x%x: expected ax=0x%x fl=0x%x, saw ax=0x%x fl=0x%x",
					       names[op], ax, fin, want, want_f & def, r, fo & def);
				h = hash_u32(hash_u32(h, r), fo & FL_ARITH);
			}
	gprintf("%s digest %08x\n", names[op], h);
	t_end();
}

/* AAM/AAD take their base as an immediate: one asm per base. */
#define AAM(base, ax, f) __asm__ volatile("aam $" #base "; pushfl; popl %1" : "+a"(ax), "=r"(f) : : "cc")
#define AAD(base, ax, f) __asm__ volatile("aad $" #base "; pushfl; popl %1" : "+a"(ax), "=r"(f) : : "cc")

static void aam_aad_case(void)
{
	uint32_t h = HASH_INIT;
	int v;

	t_begin("aam_aad");
	for (uint32_t al = 0; al < 256; al++) {
		uint32_t ax, f;

		ax = 0x3300 | al;
		AAM(10, ax, f);
		t_check((ax & 0xFFFF) == ((al / 10) << 8 | al % 10), "aam 10 al=0x%x: saw 0x%x", al, ax & 0xFFFF);
		t_eq_mask("aam flags", f, flags_szp(al % 10, 8), FL_SF | FL_ZF | FL_PF);
		h = hash_u32(hash_u32(h, ax), f & FL_ARITH);
		ax = al;
		AAM(16, ax, f);
		t_check((ax & 0xFFFF) == ((al >> 4) << 8 | (al & 0xF)), "aam 16 al=0x%x: saw 0x%x", al, ax & 0xFFFF);
		h = hash_u32(hash_u32(h, ax), f & FL_ARITH);
		ax = (al << 8) | 0x37;
		AAD(10, ax, f);
		t_eq("aad 10", ax & 0xFFFF, (0x37 + al * 10) & 0xFF);
		t_eq_mask("aad flags", f, flags_szp((0x37 + al * 10) & 0xFF, 8), FL_SF | FL_ZF | FL_PF);
		h = hash_u32(hash_u32(h, ax), f & FL_ARITH);
		ax = (al << 8) | 0x05;
		AAD(7, ax, f);
		t_eq("aad 7", ax & 0xFFFF, (5 + al * 7) & 0xFF);
		h = hash_u32(hash_u32(h, ax), f & FL_ARITH);
	}
	gprintf("aam_aad digest %08x\n", h);
	/* AAM with base 0 divides by zero: #DE at the AAM. */
	v = TRY(__asm__ volatile(FAULT_HERE "aam $0" : : "a"(0x1234) : "cc"));
	t_fault("aam 0", v, EXC_DE, 0, g_fault_label);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	for (int op = DAA; op <= AAS; op++)
		adjust_case(op);
	aam_aad_case();
}
