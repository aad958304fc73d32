/*
 * Multiplication and division: MUL and IMUL (one, two and three operand
 * forms) with CF/OF, DIV and IDIV results, and #DE for a zero divisor and
 * for a quotient that does not fit, raised as a fault at the DIV with the
 * registers untouched (SDM vol. 2 MUL, IMUL, DIV, IDIV; vol. 3A 6.15
 * "Interrupt 0 - Divide Error Exception": fault, no error code).
 * SF/ZF/AF/PF after multiplication and all flags after division are
 * undefined: they only enter the digests.
 */
#include "guest/lib/guest.h"
#include "flagmodel.h"

GUEST_NAME("muldiv");

static const uint32_t vals[] = {
	0, 1, 2, 3, 7, 10, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
	0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE, 0x12345678, 0xDEADBEEF,
};
#define NVALS	(sizeof(vals) / sizeof(vals[0]))

static int64_t sext(uint32_t v, int w)
{
	return (int64_t)(v & wmask(w)) - ((v & wsign(w)) ? ((int64_t)1 << w) : 0);
}

/* One-operand MUL/IMUL: returns the double-width product in 64 bits. */
static uint64_t mul1(int sgn, int w, uint32_t a, uint32_t b, uint32_t *fl)
{
	uint32_t lo = a, hi = 0, f;

	if (w == 8) {
		if (sgn)
			__asm__ volatile("imulb %b2; pushfl; popl %1"
					 : "+a"(lo), "=r"(f) : "q"((uint8_t)b) : "cc");
		else
			__asm__ volatile("mulb %b2; pushfl; popl %1"
					 : "+a"(lo), "=r"(f) : "q"((uint8_t)b) : "cc");
		*fl = f;
		return lo & 0xFFFF;
	}
	if (w == 16) {
		if (sgn)
			__asm__ volatile("imulw %w3; pushfl; popl %1"
					 : "+a"(lo), "=r"(f), "+d"(hi) : "r"(b) : "cc");
		else
			__asm__ volatile("mulw %w3; pushfl; popl %1"
					 : "+a"(lo), "=r"(f), "+d"(hi) : "r"(b) : "cc");
		*fl = f;
		return (lo & 0xFFFF) | (hi & 0xFFFF) << 16;
	}
	if (sgn)
		__asm__ volatile("imull %3; pushfl; popl %1"
				 : "+a"(lo), "=r"(f), "+d"(hi) : "r"(b) : "cc");
	else
		__asm__ volatile("mull %3; pushfl; popl %1"
				 : "+a"(lo), "=r"(f), "+d"(hi) : "r"(b) : "cc");
	*fl = f;
	return (uint64_t)hi << 32 | lo;
}

static void mul_case(int sgn)
{
	t_begin(sgn ? "imul1" : "mul");
	for (int w = 8; w <= 32; w *= 2) {
		uint32_t h = HASH_INIT;

		for (unsigned i = 0; i < NVALS; i++)
			for (unsigned j = 0; j < NVALS; j++) {
				uint32_t a = vals[i] & wmask(w), b = vals[j] & wmask(w), fl;
				uint64_t got = mul1(sgn, w, a, b, &fl), want;
				uint64_t m2 = w == 32 ? ~0ull : ((uint64_t)1 << (2 * w)) - 1;
				int over;

				if (sgn) {
					int64_t p = sext(a, w) * sext(b, w);

					want = (uint64_t)p & m2;
					over = p != sext((uint32_t)p, w);
				} else {
					want = (uint64_t)a * b;
					over = (want >> w) != 0;
				}
				t_check(got == want, "%s%d 0x%x*0x%x: expected 0x%llx, saw 0x%llx",
					sgn ? "imul" : "mul", w, a, b, want, got);
				t_eq_mask("CF/OF", fl, over ? FL_CF | FL_OF : 0, FL_CF | FL_OF);
				h = hash_u32(hash_u32(hash_u32(h, (uint32_t)got),
						      (uint32_t)(got >> 32)), fl & FL_ARITH);
			}
		gprintf("%s%d digest %08x\n", sgn ? "imul" : "mul", w, h);
	}
	t_end();
}

/* IMUL r32, r/m32 and IMUL r32, r/m32, imm: the product truncated. */
static void imul23_case(void)
{
	uint32_t h = HASH_INIT;

	t_begin("imul23");
	for (unsigned i = 0; i < NVALS; i++)
		for (unsigned j = 0; j < NVALS; j++) {
			uint32_t a = vals[i], b = vals[j], r, f, r3, f3, r16, f16;
			int64_t p = (int64_t)(int32_t)a * (int32_t)b;
			int64_t p3 = (int64_t)(int32_t)a * -3;
			int32_t p16 = (int32_t)(int16_t)a * (int16_t)b;
			int over = p != (int32_t)p, over3 = p3 != (int32_t)p3;
			int over16 = p16 != (int16_t)p16;

			__asm__ volatile("imull %2, %0; pushfl; popl %1"
					 : "=r"(r), "=r"(f) : "r"(b), "0"(a) : "cc");
			__asm__ volatile("imull $-3, %2, %0; pushfl; popl %1"
					 : "=r"(r3), "=r"(f3) : "r"(a) : "cc");
			__asm__ volatile("imulw %w2, %w0; pushfl; popl %1"
					 : "=r"(r16), "=r"(f16) : "r"(b), "0"(a) : "cc");
			t_eq("imul r32,r32", r, (uint32_t)p);
			t_eq_mask("imul r32,r32 CF/OF", f, over ? FL_CF | FL_OF : 0, FL_CF | FL_OF);
			t_eq("imul r32,r32,-3", r3, (uint32_t)p3);
			t_eq_mask("imul imm CF/OF", f3, over3 ? FL_CF | FL_OF : 0, FL_CF | FL_OF);
			t_eq("imul r16,r16", r16 & 0xFFFF, (uint32_t)p16 & 0xFFFF);
			t_eq("imul r16 upper half kept", r16 >> 16, a >> 16);
			t_eq_mask("imul r16 CF/OF", f16, over16 ? FL_CF | FL_OF : 0, FL_CF | FL_OF);
			h = hash_u32(hash_u32(h, r), f & FL_ARITH);
			h = hash_u32(hash_u32(h, r3), f3 & FL_ARITH);
			h = hash_u32(hash_u32(h, r16), f16 & FL_ARITH);
		}
	gprintf("imul23 digest %08x\n", h);
	t_end();
}

/* 32-bit DIV/IDIV of EDX:EAX; returns TRY's vector (-1: no fault). */
static int div32(int sgn, uint32_t *hi, uint32_t *lo, uint32_t d)
{
	volatile uint32_t vhi = *hi, vlo = *lo;
	int v;

	v = TRY({
		uint32_t h = vhi, l = vlo;

		if (sgn)
			__asm__ volatile(FAULT_HERE "idivl %2" : "+a"(l), "+d"(h) : "r"(d) : "cc");
		else
			__asm__ volatile(FAULT_HERE "divl %2" : "+a"(l), "+d"(h) : "r"(d) : "cc");
		vhi = h;
		vlo = l;
	});
	*hi = vhi;
	*lo = vlo;
	return v;
}

static void div_case(int sgn)
{
	uint32_t h = HASH_INIT;

	t_begin(sgn ? "idiv" : "div");
	for (unsigned i = 0; i < NVALS; i++)
		for (unsigned j = 1; j < NVALS; j++) {	/* divisor != 0 */
			uint32_t n = vals[i], d = vals[j], hi, lo, q, r;
			int v;

			hi = sgn && (n & 0x80000000) ? 0xFFFFFFFF : 0;
			lo = n;
			if (sgn && n == 0x80000000 && d == 0xFFFFFFFF)
				continue;	/* overflow: see div_fault */
			v = div32(sgn, &hi, &lo, d);
			if (sgn) {
				q = (uint32_t)((int32_t)n / (int32_t)d);
				r = (uint32_t)((int32_t)n % (int32_t)d);
			} else {
				q = n / d;
				r = n % d;
			}
			t_no_fault("div", v);
			t_check(lo == q && hi == r,
				"%s 0x%x/0x%x: expected q=0x%x r=0x%x, saw q=0x%x r=0x%x",
				sgn ? "idiv" : "div", n, d, q, r, lo, hi);
			h = hash_u32(hash_u32(h, lo), hi);
		}
	gprintf("%s digest %08x\n", sgn ? "idiv" : "div", h);
	t_end();
}

/* Narrow forms: DIV r/m8 (AX / r8 -> AL, AH) and IDIV r/m16. */
static void div_narrow_case(void)
{
	uint32_t ax = 1000, dx;

	t_begin("div_narrow");
	__asm__ volatile("divb %b1" : "+a"(ax) : "q"(7) : "cc");
	t_eq("div8 quotient", ax & 0xFF, 1000 / 7);
	t_eq("div8 remainder", (ax >> 8) & 0xFF, 1000 % 7);
	ax = (uint16_t)-1000;
	dx = 0xFFFF;
	__asm__ volatile("idivw %w2" : "+a"(ax), "+d"(dx) : "r"(7) : "cc");
	t_eq("idiv16 quotient", ax & 0xFFFF, (uint16_t)(-1000 / 7));
	t_eq("idiv16 remainder", dx & 0xFFFF, (uint16_t)(-1000 % 7));
	t_end();
}

static void div_fault_case(void)
{
	uint32_t hi, lo;
	int v;

	t_begin("div_fault");
	hi = 0;
	lo = 1234;
	v = div32(0, &hi, &lo, 0);
	t_fault("div by 0", v, EXC_DE, 0, g_fault_label);
	t_eq("div by 0 cs", g_fault.cs, SEL_KCODE);
	hi = 5;
	lo = 0;
	v = div32(0, &hi, &lo, 5);		/* quotient 2^32: too big */
	t_fault("div overflow", v, EXC_DE, 0, g_fault_label);
	hi = 0xFFFFFFFF;
	lo = 0x80000000;
	v = div32(1, &hi, &lo, 0xFFFFFFFF);	/* -2^31 / -1 */
	t_fault("idiv overflow", v, EXC_DE, 0, g_fault_label);
	hi = 0;
	lo = 0x7FFFFFFF;
	v = div32(1, &hi, &lo, 0xFFFFFFFF);	/* fits: -(2^31 - 1) */
	t_no_fault("idiv max/-1", v);
	t_eq("idiv max/-1", lo, 0x80000001);
	/* 8-bit: AX = 0x0400 / 2 = 0x200 does not fit AL. */
	v = TRY(__asm__ volatile(FAULT_HERE "divb %b0" : : "q"(2), "a"(0x400) : "cc"));
	t_fault("div8 overflow", v, EXC_DE, 0, g_fault_label);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	mul_case(0);
	mul_case(1);
	imul23_case();
	div_case(0);
	div_case(1);
	div_narrow_case();
	div_fault_case();
}
