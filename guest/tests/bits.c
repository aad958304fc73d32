/*
 * Bit instructions and flag utilities: BT/BTS/BTR/BTC with register,
 * immediate and memory bit-string operands (a register offset into memory
 * addresses beyond the operand, also backwards), BSF/BSR (ZF, zero
 * source), SETcc for all 16 conditions over all CF/PF/ZF/SF/OF
 * combinations, CMC/STC/CLC/STD/CLD, LAHF/SAHF, BSWAP, XADD, CMPXCHG and
 * CMPXCHG8B (SDM vol. 2, those instructions; vol. 1 B.1 condition codes).
 */
#include "guest/lib/guest.h"
#include "flagmodel.h"

GUEST_NAME("bits");

/* BT-family CF; OF/SF/AF/PF undefined, ZF unaffected (SDM vol. 2 BT). */
#define BT_DEFINED	(FL_CF | FL_ZF)

static void bt_reg_case(void)
{
	static const uint32_t v = 0x80A50001;
	uint32_t h = HASH_INIT;

	t_begin("bt_reg");
	for (uint32_t n = 0; n < 70; n++) {
		uint32_t x, f, want_bit = (v >> (n % 32)) & 1;
		uint32_t fin = n & 1 ? FL_FIXED | FL_ZF : FL_FIXED;

		x = v;
		__asm__ volatile("pushl %3; popfl; btl %2, %0; pushfl; popl %1"
				 : "+r"(x), "=r"(f) : "r"(n), "r"(fin) : "cc");
		t_eq_mask("bt", f, (want_bit ? FL_CF : 0) | (fin & FL_ZF), BT_DEFINED);
		h = hash_u32(h, f & FL_ARITH);
		x = v;
		__asm__ volatile("pushl %3; popfl; btsl %2, %0; pushfl; popl %1"
				 : "+r"(x), "=r"(f) : "r"(n), "r"(fin) : "cc");
		t_eq("bts", x, v | (1u << (n % 32)));
		t_eq_mask("bts flags", f, (want_bit ? FL_CF : 0) | (fin & FL_ZF), BT_DEFINED);
		h = hash_u32(hash_u32(h, x), f & FL_ARITH);
		x = v;
		__asm__ volatile("pushl %3; popfl; btrl %2, %0; pushfl; popl %1"
				 : "+r"(x), "=r"(f) : "r"(n), "r"(fin) : "cc");
		t_eq("btr", x, v & ~(1u << (n % 32)));
		h = hash_u32(hash_u32(h, x), f & FL_ARITH);
		x = v;
		__asm__ volatile("pushl %3; popfl; btcl %2, %0; pushfl; popl %1"
				 : "+r"(x), "=r"(f) : "r"(n), "r"(fin) : "cc");
		t_eq("btc", x, v ^ (1u << (n % 32)));
		h = hash_u32(hash_u32(h, x), f & FL_ARITH);
		/* 16-bit: offset modulo 16, upper half untouched */
		x = v;
		__asm__ volatile("btsw %w2, %w0; pushfl; popl %1"
				 : "+r"(x), "=r"(f) : "r"(n) : "cc");
		t_eq("bts16", x, v | (1u << (n % 16)));
		t_eq_mask("bts16 CF", f, ((v >> (n % 16)) & 1) ? FL_CF : 0, FL_CF);
		h = hash_u32(h, x);
	}
	gprintf("bt_reg digest %08x\n", h);
	t_end();
}

static void bt_mem_case(void)
{
	static uint32_t bits[8];
	uint32_t *mid = &bits[4];
	uint32_t f, x;

	t_begin("bt_mem");
	for (int i = 0; i < 8; i++)
		bits[i] = 0x01010101u << i;
	/* Register offsets address the bit string around the operand. */
	for (int32_t n = -128; n < 128; n += 3) {
		uint32_t want = (bits[4 + (n >> 5)] >> (n & 31)) & 1;

		__asm__ volatile("btl %2, %1; pushfl; popl %0"
				 : "=r"(f) : "m"(*mid), "r"(n), "m"(bits) : "cc");
		t_check((f & FL_CF) == (want ? FL_CF : 0), "bt mem offset %d: CF expected %u",
			n, want);
	}
	__asm__ volatile("btsl %1, %0" : "+m"(*mid) : "r"(-33) : "cc");	/* bits[2] bit 31 */
	__asm__ volatile("btrl %1, %0" : "+m"(*mid) : "r"(70) : "cc");	/* bits[6] bit 6 */
	__asm__ volatile("btcl %1, %0" : "+m"(*mid) : "r"(97) : "cc");	/* bits[7] bit 1 */
	t_eq("bts -33", bits[2], (0x01010101u << 2) | 0x80000000);
	t_eq("btr 70", bits[6], (0x01010101u << 6) & ~0x40u);
	t_eq("btc 97", bits[7], (0x01010101u << 7) ^ 0x2u);
	/* Immediate offsets are taken modulo the operand size. */
	x = 0;
	__asm__ volatile("btsl $35, %0" : "+m"(x) : : "cc");
	t_eq("bts imm 35", x, 1u << 3);
	__asm__ volatile("btw $17, %1; pushfl; popl %0" : "=r"(f) : "m"(x) : "cc");
	t_eq_mask("btw imm 17 CF", f, 0, FL_CF);
	for (int i = 0; i < 8; i++)
		gprintf("%08x%c", bits[i], i == 7 ? '\n' : ' ');
	t_end();
}

static void bsf_bsr_case(void)
{
	static const uint32_t v[] = { 1, 2, 0x80000000, 0x00F00F00, 0xFFFFFFFF, 0x10, 0 };
	uint32_t h = HASH_INIT;

	t_begin("bsf_bsr");
	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint32_t f1, f2, r1 = 0x5A5A5A5A, r2 = 0x5A5A5A5A;

		__asm__ volatile("bsfl %2, %0; pushfl; popl %1" : "+r"(r1), "=r"(f1) : "r"(v[i]) : "cc");
		__asm__ volatile("bsrl %2, %0; pushfl; popl %1" : "+r"(r2), "=r"(f2) : "r"(v[i]) : "cc");
		if (v[i]) {
			t_eq("bsf", r1, __builtin_ctz(v[i]));
			t_eq("bsr", r2, 31 - __builtin_clz(v[i]));
			t_eq_mask("bsf ZF", f1, 0, FL_ZF);
			t_eq_mask("bsr ZF", f2, 0, FL_ZF);
			h = hash_u32(hash_u32(h, r1), r2);
		} else {
			/* Source 0: ZF = 1, destination undefined (not printed). */
			t_eq_mask("bsf 0 ZF", f1, FL_ZF, FL_ZF);
			t_eq_mask("bsr 0 ZF", f2, FL_ZF, FL_ZF);
		}
		h = hash_u32(hash_u32(h, f1 & FL_ARITH), f2 & FL_ARITH);
	}
	gprintf("bsf_bsr digest %08x\n", h);
	t_end();
}

/* SETcc condition n (SDM vol. 1 table B-1), from the flags. */
static int cond(int n, uint32_t f)
{
	int cf = !!(f & FL_CF), zf = !!(f & FL_ZF), sf = !!(f & FL_SF);
	int of = !!(f & FL_OF), pf = !!(f & FL_PF), r;

	switch (n >> 1) {
	case 0: r = of; break;			/* O */
	case 1: r = cf; break;			/* B */
	case 2: r = zf; break;			/* E */
	case 3: r = cf || zf; break;		/* BE */
	case 4: r = sf; break;			/* S */
	case 5: r = pf; break;			/* P */
	case 6: r = sf != of; break;		/* L */
	default: r = zf || sf != of; break;	/* LE */
	}
	return n & 1 ? !r : r;
}

#define SETCC(n, insn)                                                        \
	case n:                                                               \
		__asm__ volatile("pushl %1; popfl; " insn " %0"               \
				 : "=q"(r) : "r"(f) : "cc");                  \
		break;

static int run_setcc(int n, uint32_t f)
{
	uint8_t r = 0xEE;

	switch (n) {
	SETCC(0, "seto") SETCC(1, "setno") SETCC(2, "setb") SETCC(3, "setae")
	SETCC(4, "sete") SETCC(5, "setne") SETCC(6, "setbe") SETCC(7, "seta")
	SETCC(8, "sets") SETCC(9, "setns") SETCC(10, "setp") SETCC(11, "setnp")
	SETCC(12, "setl") SETCC(13, "setge") SETCC(14, "setle") SETCC(15, "setg")
	}
	return r;
}

static void setcc_case(void)
{
	static const uint32_t fbits[5] = { FL_CF, FL_PF, FL_ZF, FL_SF, FL_OF };

	t_begin("setcc");
	for (int combo = 0; combo < 32; combo++) {
		uint32_t f = FL_FIXED;

		for (int b = 0; b < 5; b++)
			if (combo & (1 << b))
				f |= fbits[b];
		for (int n = 0; n < 16; n++)
			t_check(run_setcc(n, f) == cond(n, f), "setcc %d flags 0x%x: expected %d",
				n, f, cond(n, f));
	}
	t_end();
}

static void flagops_case(void)
{
	uint32_t f, ah;

	t_begin("flag_ops");
	__asm__ volatile("pushl %1; popfl; stc; cmc; pushfl; popl %0" : "=r"(f) : "r"(FL_FIXED) : "cc");
	t_eq_mask("stc;cmc", f, 0, FL_ARITH);
	__asm__ volatile("pushl %1; popfl; cmc; pushfl; popl %0" : "=r"(f) : "r"(FL_FIXED | FL_ZF) : "cc");
	t_eq_mask("cmc", f, FL_CF | FL_ZF, FL_ARITH);
	__asm__ volatile("pushl %1; popfl; clc; pushfl; popl %0" : "=r"(f) : "r"(FL_FIXED | FL_ARITH) : "cc");
	t_eq_mask("clc", f, FL_ARITH & ~FL_CF, FL_ARITH);
	__asm__ volatile("std; pushfl; popl %0; cld" : "=r"(f) : : "cc");
	t_eq_mask("std", f, FL_DF, FL_DF);
	__asm__ volatile("cld; pushfl; popl %0" : "=r"(f) : : "cc");
	t_eq_mask("cld", f, 0, FL_DF);
	/* LAHF: AH = SF:ZF:0:AF:0:PF:1:CF */
	__asm__ volatile("pushl %1; popfl; lahf; movzbl %%ah, %0"
			 : "=r"(ah) : "r"(FL_FIXED | FL_ARITH), "a"(0) : "cc");
	t_eq("lahf all", ah, FL_SF | FL_ZF | FL_AF | FL_PF | FL_FIXED | FL_CF);
	__asm__ volatile("pushl %1; popfl; lahf; movzbl %%ah, %0"
			 : "=r"(ah) : "r"(FL_FIXED | FL_OF), "a"(0) : "cc");
	t_eq("lahf none", ah, FL_FIXED);
	/* SAHF loads SF ZF AF PF CF from AH; OF is left alone. */
	__asm__ volatile("pushl %1; popfl; sahf; pushfl; popl %0"
			 : "=r"(f) : "r"(FL_FIXED | FL_OF), "a"(0xFF00) : "cc");
	t_eq_mask("sahf", f, FL_ARITH, FL_ARITH);
	__asm__ volatile("pushl %1; popfl; sahf; pushfl; popl %0"
			 : "=r"(f) : "r"(FL_FIXED | FL_ARITH), "a"(0x0000) : "cc");
	t_eq_mask("sahf 0", f, FL_OF, FL_ARITH);
	t_end();
}

static void xchg_case(void)
{
	uint32_t a, b, f, lo, hi;
	static uint64_t q;

	t_begin("xchg_cmpxchg");
	a = 0x12345678;
	__asm__ volatile("bswap %0" : "+r"(a));
	t_eq("bswap", a, 0x78563412);
	a = 0x7FFFFFFF;
	b = 1;
	__asm__ volatile("xaddl %1, %0; pushfl; popl %2" : "+r"(a), "+r"(b), "=r"(f) : : "cc");
	t_eq("xadd dst", a, 0x80000000);
	t_eq("xadd src", b, 0x7FFFFFFF);
	t_eq_mask("xadd flags", f, FL_OF | FL_SF | FL_AF | FL_PF, FL_ARITH);
	/* CMPXCHG: equal -> store, ZF=1; else EAX <- dst, ZF=0 */
	a = 5;
	b = 5;
	__asm__ volatile("cmpxchgl %3, %1; pushfl; popl %2"
			 : "+a"(a), "+m"(b), "=r"(f) : "r"(9) : "cc");
	t_eq("cmpxchg eq dst", b, 9);
	t_eq_mask("cmpxchg eq ZF", f, FL_ZF, FL_ZF);
	a = 4;
	__asm__ volatile("cmpxchgl %3, %1; pushfl; popl %2"
			 : "+a"(a), "+m"(b), "=r"(f) : "r"(7) : "cc");
	t_eq("cmpxchg ne eax", a, 9);
	t_eq("cmpxchg ne dst", b, 9);
	model_sub(4, 9, 0, 32, &lo);
	t_eq_mask("cmpxchg ne flags (cmp 4,9)", f, lo, FL_ARITH);
	q = 0x1111111122222222ull;
	lo = 0x22222222;
	hi = 0x11111111;
	__asm__ volatile("cmpxchg8b %0; pushfl; popl %3"
			 : "+m"(q), "+a"(lo), "+d"(hi), "=r"(f)
			 : "b"(0x44444444), "c"(0x33333333) : "cc");
	t_check(q == 0x3333333344444444ull, "cmpxchg8b eq: store");
	t_eq_mask("cmpxchg8b eq ZF", f, FL_ZF, FL_ZF);
	lo = 0;
	hi = 0;
	__asm__ volatile("cmpxchg8b %0; pushfl; popl %3"
			 : "+m"(q), "+a"(lo), "+d"(hi), "=r"(f)
			 : "b"(0), "c"(0) : "cc");
	t_eq("cmpxchg8b ne lo", lo, 0x44444444);
	t_eq("cmpxchg8b ne hi", hi, 0x33333333);
	t_eq_mask("cmpxchg8b ne ZF", f, 0, FL_ZF);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	bt_reg_case();
	bt_mem_case();
	bsf_bsr_case();
	setcc_case();
	flagops_case();
	xchg_case();
}
