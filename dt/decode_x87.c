/*
 * dt/decode_x87.c: the x87 escape opcodes D8-DF.
 *
 * SDM vol. 2, appendix A.5 (escape opcode maps, tables ): with
 * mod != 11 the ModRM.reg field selects a memory operation; with mod == 11
 * the whole ModRM byte does (by reg, then by rm where the forms differ).
 * The undocumented register aliases (fcom2, fxch4, fstp1...) execute on
 * every x87; see docs/DECODER.md for how they are treated.
 */
#define DT_TABLE_SHORTHANDS
#include "dt/decode_tab.h"

#define F	A_X87
#define FR	(A_X87 | A_R0)		/* reads its memory operand */
#define FW	(A_X87 | A_W0)		/* writes it */
/* Arithmetic on st(0) with a memory operand of the given shorthand. */
#define FARITH(mo, p)							\
	GREG(I1("f" p "add", mo, FR), I1("f" p "mul", mo, FR),		\
	     I1("f" p "com", mo, FR), I1("f" p "comp", mo, FR),	\
	     I1("f" p "sub", mo, FR), I1("f" p "subr", mo, FR),	\
	     I1("f" p "div", mo, FR), I1("f" p "divr", mo, FR))
#define FSTI(m)		I2(m, ST0, STi, F)	/* op st(0), st(i) */
#define FITS(m)		I2(m, STi, ST0, F)	/* op st(i), st(0) */
#define FI(m)		I1(m, STi, F)		/* op st(i) */
#define F0(m)		I0(m, F)

const struct dt_entry dt_x87[8] = {
	/* D8 */ GMOD(FARITH(Md, ""),
		      GREG(FSTI("fadd"), FSTI("fmul"), FSTI("fcom"), FSTI("fcomp"),
			   FSTI("fsub"), FSTI("fsubr"), FSTI("fdiv"), FSTI("fdivr"))),
	/* D9 */ GMOD(GREG(I1("fld", Md, FR), BAD, I1("fst", Md, FW), I1("fstp", Md, FW),
			   I1("fldenv", Mx, FR), I1("fldcw", Mw, FR),
			   I1("fnstenv", Mx, FW), I1("fnstcw", Mw, FW)),
		      GREG(FI("fld"), FI("fxch"), GRM(F0("fnop")), FI("fstp1"),
			   GRM(F0("fchs"), F0("fabs"), BAD, BAD, F0("ftst"), F0("fxam")),
			   GRM(F0("fld1"), F0("fldl2t"), F0("fldl2e"), F0("fldpi"),
			       F0("fldlg2"), F0("fldln2"), F0("fldz")),
			   GRM(F0("f2xm1"), F0("fyl2x"), F0("fptan"), F0("fpatan"),
			       F0("fxtract"), F0("fprem1"), F0("fdecstp"), F0("fincstp")),
			   GRM(F0("fprem"), F0("fyl2xp1"), F0("fsqrt"), F0("fsincos"),
			       F0("frndint"), F0("fscale"), F0("fsin"), F0("fcos")))),
	/* DA */ GMOD(FARITH(Md, "i"),
		      GREG(FSTI("fcmovb"), FSTI("fcmove"), FSTI("fcmovbe"), FSTI("fcmovu"),
			   BAD, GRM(BAD, F0("fucompp")), BAD, BAD)),
	/* DB */ GMOD(GREG(I1("fild", Md, FR), I1("fisttp", Md, FW), I1("fist", Md, FW),
			   I1("fistp", Md, FW), BAD, I1("fld", Mt, FR), BAD, I1("fstp", Mt, FW)),
		      GREG(FSTI("fcmovnb"), FSTI("fcmovne"), FSTI("fcmovnbe"), FSTI("fcmovnu"),
			   GRM(F0("fneni"), F0("fndisi"), F0("fnclex"), F0("fninit"),
			       F0("fnsetpm")),
			   FSTI("fucomi"), FSTI("fcomi"), BAD)),
	/* DC */ GMOD(FARITH(Mq, ""),
		      GREG(FITS("fadd"), FITS("fmul"), FI("fcom2"), FI("fcomp3"),
			   FITS("fsubr"), FITS("fsub"), FITS("fdivr"), FITS("fdiv"))),
	/* DD */ GMOD(GREG(I1("fld", Mq, FR), I1("fisttp", Mq, FW), I1("fst", Mq, FW),
			   I1("fstp", Mq, FW), I1("frstor", Mx, FR), BAD,
			   I1("fnsave", Mx, FW), I1("fnstsw", Mw, FW)),
		      GREG(FI("ffree"), FI("fxch4"), FI("fst"), FI("fstp"),
			   FI("fucom"), FI("fucomp"), BAD, BAD)),
	/* DE */ GMOD(FARITH(Mw, "i"),
		      GREG(FITS("faddp"), FITS("fmulp"), FI("fcomp5"),
			   GRM(BAD, F0("fcompp")),
			   FITS("fsubrp"), FITS("fsubp"), FITS("fdivrp"), FITS("fdivp"))),
	/* DF */ GMOD(GREG(I1("fild", Mw, FR), I1("fisttp", Mw, FW), I1("fist", Mw, FW),
			   I1("fistp", Mw, FW), I1("fbld", Mt, FR), I1("fild", Mq, FR),
			   I1("fbstp", Mt, FW), I1("fistp", Mq, FW)),
		      GREG(FI("ffreep"), FI("fxch7"), FI("fstp8"), FI("fstp9"),
			   GRM(I1("fnstsw", rAX, F)),
			   FSTI("fucomip"), FSTI("fcomip"), BAD)),
};
