/*
 * ALU instructions and their flags: ADD ADC SUB SBB CMP NEG INC DEC AND OR
 * XOR TEST NOT, 8/16/32-bit, on a fixed set of edge operands and on
 * pseudo-random operands from the "seed" argument, each with the incoming
 * flags clear and set (SDM vol. 2, "Flags Affected" of each instruction).
 * Expected results and defined flags come from flagmodel.h; every result
 * and all six flags (the undefined AF of the logic ops too) go into a
 * digest printed per operation for the differential test.
 */
#include "guest/lib/guest.h"
#include "flagmodel.h"

GUEST_NAME("alu");

typedef uint32_t (*op_fn)(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fout);

/* fn(a, b): "insn b, a" with EFLAGS = fin before; returns a, flags after. */
#define DEF_BIN(fn, insn, T, C)                                               \
	static uint32_t fn(uint32_t a32, uint32_t b32, uint32_t fin,          \
			   uint32_t *fout)                                    \
	{                                                                     \
		T a = (T)a32, b = (T)b32;                                     \
		uint32_t fo;                                                  \
		__asm__ volatile("pushl %[fi]\n\tpopfl\n\t" insn              \
				 " %[b], %[a]\n\tpushfl\n\tpopl %[fo]"        \
				 : [a] "+" C(a), [fo] "=&r"(fo)               \
				 : [b] C(b), [fi] "r"(fin)                    \
				 : "cc");                                     \
		*fout = fo;                                                   \
		return a;                                                     \
	}
/* fn(a): "insn a". */
#define DEF_UN(fn, insn, T, C)                                                \
	static uint32_t fn(uint32_t a32, uint32_t b32, uint32_t fin,          \
			   uint32_t *fout)                                    \
	{                                                                     \
		T a = (T)a32;                                                 \
		uint32_t fo;                                                  \
		(void)b32;                                                    \
		__asm__ volatile("pushl %[fi]\n\tpopfl\n\t" insn              \
				 " %[a]\n\tpushfl\n\tpopl %[fo]"              \
				 : [a] "+" C(a), [fo] "=&r"(fo)               \
				 : [fi] "r"(fin)                              \
				 : "cc");                                     \
		*fout = fo;                                                   \
		return a;                                                     \
	}
#define DEF_BIN3(name, insn)                                                  \
	DEF_BIN(name##8, insn "b", uint8_t, "q")                              \
	DEF_BIN(name##16, insn "w", uint16_t, "r")                            \
	DEF_BIN(name##32, insn "l", uint32_t, "r")
#define DEF_UN3(name, insn)                                                   \
	DEF_UN(name##8, insn "b", uint8_t, "q")                               \
	DEF_UN(name##16, insn "w", uint16_t, "r")                             \
	DEF_UN(name##32, insn "l", uint32_t, "r")

DEF_BIN3(x_add, "add")
DEF_BIN3(x_adc, "adc")
DEF_BIN3(x_sub, "sub")
DEF_BIN3(x_sbb, "sbb")
DEF_BIN3(x_cmp, "cmp")
DEF_BIN3(x_and, "and")
DEF_BIN3(x_or, "or")
DEF_BIN3(x_xor, "xor")
DEF_BIN3(x_test, "test")
DEF_UN3(x_inc, "inc")
DEF_UN3(x_dec, "dec")
DEF_UN3(x_neg, "neg")
DEF_UN3(x_not, "not")

enum kind { K_ADD, K_ADC, K_SUB, K_SBB, K_CMP, K_AND, K_OR, K_XOR, K_TEST,
	    K_INC, K_DEC, K_NEG, K_NOT };

struct op {
	const char *name;
	enum kind kind;
	op_fn fn[3];	/* 8, 16, 32 bits */
};

#define OP(n, k, f) { n, k, { f##8, f##16, f##32 } }
static const struct op ops[] = {
	OP("add", K_ADD, x_add), OP("adc", K_ADC, x_adc),
	OP("sub", K_SUB, x_sub), OP("sbb", K_SBB, x_sbb),
	OP("cmp", K_CMP, x_cmp), OP("and", K_AND, x_and),
	OP("or", K_OR, x_or), OP("xor", K_XOR, x_xor),
	OP("test", K_TEST, x_test), OP("inc", K_INC, x_inc),
	OP("dec", K_DEC, x_dec), OP("neg", K_NEG, x_neg),
	OP("not", K_NOT, x_not),
};
#define NOPS	(sizeof(ops) / sizeof(ops[0]))

static const uint32_t edge[] = {
	0, 1, 2, 0x0F, 0x10, 0x7F, 0x80, 0x81, 0xFF, 0x100, 0x7FFF, 0x8000,
	0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFE,
	0xFFFFFFFF, 0x12345678, 0xDEADBEEF,
};
#define NEDGE	(sizeof(edge) / sizeof(edge[0]))

/* Incoming flags: all clear, and all six arithmetic flags set. */
static const uint32_t flags_in[2] = { FL_FIXED, FL_FIXED | FL_ARITH };

/*
 * The model: the result and the flags the SDM defines, in *fl and *defined
 * (a flag "unaffected" by the instruction is defined: it keeps fin's).
 */
static uint32_t model(enum kind k, int w, uint32_t a, uint32_t b, uint32_t fin,
		      uint32_t *fl, uint32_t *defined)
{
	uint32_t cin = fin & FL_CF ? 1 : 0;
	uint32_t r, f;

	a &= wmask(w);
	b &= wmask(w);
	*defined = FL_ARITH;
	switch (k) {
	case K_ADD:
		r = model_add(a, b, 0, w, &f);
		break;
	case K_ADC:
		r = model_add(a, b, cin, w, &f);
		break;
	case K_SUB:
		r = model_sub(a, b, 0, w, &f);
		break;
	case K_SBB:
		r = model_sub(a, b, cin, w, &f);
		break;
	case K_CMP:
		model_sub(a, b, 0, w, &f);
		r = a;
		break;
	case K_INC:
		r = model_add(a, 1, 0, w, &f);
		f = (f & ~FL_CF) | (fin & FL_CF);
		break;
	case K_DEC:
		r = model_sub(a, 1, 0, w, &f);
		f = (f & ~FL_CF) | (fin & FL_CF);
		break;
	case K_NEG:
		r = model_sub(0, a, 0, w, &f);
		break;
	case K_NOT:
		r = ~a & wmask(w);
		f = fin & FL_ARITH;
		break;
	default:	/* logic: OF = CF = 0, AF undefined */
		r = k == K_AND || k == K_TEST ? a & b : k == K_OR ? a | b : a ^ b;
		f = flags_szp(r, w);
		if (k == K_TEST)
			r = a;
		*defined &= ~FL_AF;
		break;
	}
	*fl = f;
	return r;
}

/* Runs one operation on one operand pair; records the first mismatch. */
static uint32_t check_one(const struct op *op, int wi, uint32_t a, uint32_t b,
			  uint32_t fin, uint32_t h)
{
	static const int widths[3] = { 8, 16, 32 };
	int w = widths[wi];
	uint32_t fo, want_f, defined;
	uint32_t r = op->fn[wi](a, b, fin, &fo) & wmask(w);
	uint32_t want = model(op->kind, w, a, b, fin, &want_f, &defined);

	if (r != want || (fo & defined) != (want_f & defined))
		t_fail("%s%d a=0x%x b=0x%x fin=0x%x: expected r=0x%x fl=0x%x, saw r=0x%x fl=0x%x",
		       op->name, w, a & wmask(w), b & wmask(w), fin, want,
		       want_f & defined, r, fo & defined);
	h = hash_u32(h, r);
	return hash_u32(h, fo & FL_ARITH);
}

/* One case: an operation at all three widths on all edge pairs. */
static void edge_case(const char *case_name, const struct op *op)
{
	t_begin(case_name);
	for (int wi = 0; wi < 3; wi++) {
		uint32_t h = HASH_INIT;

		for (unsigned i = 0; i < NEDGE; i++)
			for (unsigned j = 0; j < NEDGE; j++)
				for (int f = 0; f < 2; f++)
					h = check_one(op, wi, edge[i], edge[j],
						      flags_in[f], h);
		gprintf("%s%d edge digest %08x\n", op->name, 8 << wi, h);
	}
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	uint32_t seed = guest_arg_u32("seed", 1);
	uint32_t n = guest_arg_u32("n", 4000);
	uint32_t h = HASH_INIT;

	(void)magic;
	(void)mbi;
	for (unsigned i = 0; i < NOPS; i++)
		edge_case(ops[i].name, &ops[i]);

	gprintf("random seed=%u n=%u\n", seed, n);
	t_begin("random");
	for (uint32_t i = 0; i < n; i++) {
		uint32_t a = xorshift32(&seed), b = xorshift32(&seed);
		uint32_t pick = xorshift32(&seed);

		h = check_one(&ops[pick % NOPS], (pick >> 8) % 3, a, b,
			      flags_in[(pick >> 16) & 1], h);
	}
	gprintf("random digest %08x\n", h);
	t_end();
}
