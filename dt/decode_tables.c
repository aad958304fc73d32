/*
 * dt/decode_tables.c: the one-byte opcode map and its groups.
 *
 * SDM vol. 2, appendix A.3 table A-2 (one-byte opcode map) and A.4 table
 * A-6 (groups 1-5, 1A, 11).  x87 (D8-DF) is in decode_x87.c, the 0F maps
 * in decode_0f.c and decode_sse.c.  See decode_tab.h for the notation.
 */
#define DT_TABLE_SHORTHANDS
#include "dt/decode_tab.h"

/* The six ALU forms at base, base+1, ... base+5 (00-05, 08-0D, ...). */
#define ALU6(b, m, a0, lk)						\
	[(b) + 0] = I2(m, Eb, Gb, (a0) | (lk)),				\
	[(b) + 1] = I2(m, Ev, Gv, (a0) | (lk)),				\
	[(b) + 2] = I2(m, Gb, Eb, (a0)),				\
	[(b) + 3] = I2(m, Gv, Ev, (a0)),				\
	[(b) + 4] = I2(m, rAL, Ib, (a0)),				\
	[(b) + 5] = I2(m, reAX, Iz, (a0))

/* Group 1 (80-83): the same eight operations with an immediate. */
#define GRP1(d, s)							\
	GREG(I2("add", d, s, A_RW | A_LOCK), I2("or", d, s, A_RW | A_LOCK), \
	     I2("adc", d, s, A_RW | A_LOCK), I2("sbb", d, s, A_RW | A_LOCK), \
	     I2("and", d, s, A_RW | A_LOCK), I2("sub", d, s, A_RW | A_LOCK), \
	     I2("xor", d, s, A_RW | A_LOCK), I2("cmp", d, s, A_R0))

/* Group 2 (C0 C1 D0-D3): shifts and rotates; /6 is an alias of /4. */
#define GRP2(d, s)							\
	GREG(I2("rol", d, s, A_RW), I2("ror", d, s, A_RW),		\
	     I2("rcl", d, s, A_RW), I2("rcr", d, s, A_RW),		\
	     I2("shl", d, s, A_RW), I2("shr", d, s, A_RW),		\
	     I2("sal", d, s, A_RW), I2("sar", d, s, A_RW))

/* Group 3 (F6 F7): /1 is an undocumented alias of /0 (test). */
#define GRP3(e, i)							\
	GREG(I2("test", e, i, A_R0), I2("test", e, i, A_R0),		\
	     I1("not", e, A_RW | A_LOCK), I1("neg", e, A_RW | A_LOCK),	\
	     I1("mul", e, A_R0), I1("imul", e, A_R0),			\
	     I1("div", e, A_R0), I1("idiv", e, A_R0))

#define JCC(b, o)							\
	[(b) + 0x0] = I1("jo", o, A_CF(DT_CF_JCC)),			\
	[(b) + 0x1] = I1("jno", o, A_CF(DT_CF_JCC)),			\
	[(b) + 0x2] = I1("jb", o, A_CF(DT_CF_JCC)),			\
	[(b) + 0x3] = I1("jae", o, A_CF(DT_CF_JCC)),			\
	[(b) + 0x4] = I1("je", o, A_CF(DT_CF_JCC)),			\
	[(b) + 0x5] = I1("jne", o, A_CF(DT_CF_JCC)),			\
	[(b) + 0x6] = I1("jbe", o, A_CF(DT_CF_JCC)),			\
	[(b) + 0x7] = I1("ja", o, A_CF(DT_CF_JCC)),			\
	[(b) + 0x8] = I1("js", o, A_CF(DT_CF_JCC)),			\
	[(b) + 0x9] = I1("jns", o, A_CF(DT_CF_JCC)),			\
	[(b) + 0xa] = I1("jp", o, A_CF(DT_CF_JCC)),			\
	[(b) + 0xb] = I1("jnp", o, A_CF(DT_CF_JCC)),			\
	[(b) + 0xc] = I1("jl", o, A_CF(DT_CF_JCC)),			\
	[(b) + 0xd] = I1("jge", o, A_CF(DT_CF_JCC)),			\
	[(b) + 0xe] = I1("jle", o, A_CF(DT_CF_JCC)),			\
	[(b) + 0xf] = I1("jg", o, A_CF(DT_CF_JCC))

#define PUSH	(A_IMW | A_STK)
#define POP	(A_IMR | A_STK)
#define STR(s)	(A_STR(s))

/* One string instruction in its byte and word/dword forms, names by size. */
#define STRB(m, a, b, att)	I2(m "b", a, b, att)
#define STRV(m, a, b, att)	GOPSZ(I2(m "w", a, b, att), I2(m "d", a, b, att))

const struct dt_entry dt_map_1b[256] = {
	ALU6(0x00, "add", A_RW, A_LOCK),
	[0x06] = I1("push", sES, PUSH | A_SREG_R),
	[0x07] = I1("pop", sES, POP | A_SENS | A_SEG(DT_ES)),
	ALU6(0x08, "or", A_RW, A_LOCK),
	[0x0e] = I1("push", sCS, PUSH | A_SREG_R | A_SENS),
	ALU6(0x10, "adc", A_RW, A_LOCK),
	[0x16] = I1("push", sSS, PUSH | A_SREG_R | A_SENS),
	[0x17] = I1("pop", sSS, POP | A_SENS | A_SEG(DT_SS)),
	ALU6(0x18, "sbb", A_RW, A_LOCK),
	[0x1e] = I1("push", sDS, PUSH | A_SREG_R),
	[0x1f] = I1("pop", sDS, POP | A_SENS | A_SEG(DT_DS)),
	ALU6(0x20, "and", A_RW, A_LOCK),
	[0x27] = I0("daa", 0),
	ALU6(0x28, "sub", A_RW, A_LOCK),
	[0x2f] = I0("das", 0),
	ALU6(0x30, "xor", A_RW, A_LOCK),
	[0x37] = I0("aaa", 0),
	ALU6(0x38, "cmp", A_R0, 0),
	[0x3f] = I0("aas", 0),
#define R8(b, m, o, a) [(b)] = I1(m, o, a), [(b) + 1] = I1(m, o, a), \
	[(b) + 2] = I1(m, o, a), [(b) + 3] = I1(m, o, a), [(b) + 4] = I1(m, o, a), \
	[(b) + 5] = I1(m, o, a), [(b) + 6] = I1(m, o, a), [(b) + 7] = I1(m, o, a)
	R8(0x40, "inc", Zv, A_RW),
	R8(0x48, "dec", Zv, A_RW),
	R8(0x50, "push", Zv, PUSH),
	R8(0x58, "pop", Zv, POP | A_W0),
	[0x60] = GOPSZ(I0("pushaw", PUSH), I0("pushal", PUSH)),
	[0x61] = GOPSZ(I0("popaw", POP), I0("popal", POP)),
	[0x62] = I2("bound", Gv, Ma, A_R0),
	[0x63] = I2("arpl", Ew, Gw, A_RW),
	[0x68] = I1("push", Iz, PUSH),
	[0x69] = I3("imul", Gv, Ev, Iz, A_W0),
	[0x6a] = I1("push", Ibs, PUSH),
	[0x6b] = I3("imul", Gv, Ev, Ibs, A_W0),
	[0x6c] = STRB("ins", Yb, rDX, STR(DT_STR_INS) | A_IMW | A_IO | A_PRIV),
	[0x6d] = STRV("ins", Yv, rDX, STR(DT_STR_INS) | A_IMW | A_IO | A_PRIV),
	[0x6e] = STRB("outs", rDX, Xb, STR(DT_STR_OUTS) | A_IMR | A_IO | A_PRIV),
	[0x6f] = STRV("outs", rDX, Xv, STR(DT_STR_OUTS) | A_IMR | A_IO | A_PRIV),
	JCC(0x70, Jb),
	[0x80] = GRP1(Eb, Ib),
	[0x81] = GRP1(Ev, Iz),
	[0x82] = GRP1(Eb, Ib),		/* invalid in 64-bit mode only */
	[0x83] = GRP1(Ev, Ibs),
	[0x84] = I2("test", Eb, Gb, A_R0),
	[0x85] = I2("test", Ev, Gv, A_R0),
	[0x86] = I2("xchg", Eb, Gb, A_RW | A_LOCK),
	[0x87] = I2("xchg", Ev, Gv, A_RW | A_LOCK),
	[0x88] = I2("mov", Eb, Gb, A_W0),
	[0x89] = I2("mov", Ev, Gv, A_W0),
	[0x8a] = I2("mov", Gb, Eb, A_W0),
	[0x8b] = I2("mov", Gv, Ev, A_W0),
	[0x8c] = I2("mov", Ev, Sw, A_W0 | A_SREG_R),	/* sensitive for CS/SS */
	[0x8d] = I2("lea", Gv, Mx, A_W0 | A_NOACC),
	[0x8e] = I2("mov", Sw, Ew, A_W0 | A_SENS | A_SEGREG),
	[0x8f] = GREG(I1("pop", Ev, POP | A_W0)),	/* 1A; /1-/7: XOP (AMD) */
	[0x90] = I0("nop", 0),
	[0x91] = I2("xchg", Zv, reAX, A_RW), [0x92] = I2("xchg", Zv, reAX, A_RW),
	[0x93] = I2("xchg", Zv, reAX, A_RW), [0x94] = I2("xchg", Zv, reAX, A_RW),
	[0x95] = I2("xchg", Zv, reAX, A_RW), [0x96] = I2("xchg", Zv, reAX, A_RW),
	[0x97] = I2("xchg", Zv, reAX, A_RW),
	[0x98] = GOPSZ(I0("cbw", 0), I0("cwde", 0)),
	[0x99] = GOPSZ(I0("cwd", 0), I0("cdq", 0)),
	[0x9a] = I1("lcall", Ap, A_CF(DT_CF_CALL_FAR) | PUSH | A_SENS | A_SEG(DT_CS)),
	[0x9b] = I0("wait", 0),
	[0x9c] = GOPSZ(I0("pushfw", PUSH | A_SENS | A_RIF), I0("pushfd", PUSH | A_SENS | A_RIF)),
	[0x9d] = GOPSZ(I0("popfw", POP | A_SENS | A_WIF), I0("popfd", POP | A_SENS | A_WIF)),
	[0x9e] = I0("sahf", 0),
	[0x9f] = I0("lahf", 0),
	[0xa0] = I2("mov", rAL, Ob, A_W0),
	[0xa1] = I2("mov", reAX, Ov, A_W0),
	[0xa2] = I2("mov", Ob, rAL, A_W0),
	[0xa3] = I2("mov", Ov, reAX, A_W0),
	[0xa4] = STRB("movs", Yb, Xb, STR(DT_STR_MOVS) | A_IMR | A_IMW),
	[0xa5] = STRV("movs", Yv, Xv, STR(DT_STR_MOVS) | A_IMR | A_IMW),
	[0xa6] = STRB("cmps", Xb, Yb, STR(DT_STR_CMPS) | A_IMR),
	[0xa7] = STRV("cmps", Xv, Yv, STR(DT_STR_CMPS) | A_IMR),
	[0xa8] = I2("test", rAL, Ib, A_R0),
	[0xa9] = I2("test", reAX, Iz, A_R0),
	[0xaa] = STRB("stos", Yb, rAL, STR(DT_STR_STOS) | A_IMW),
	[0xab] = STRV("stos", Yv, reAX, STR(DT_STR_STOS) | A_IMW),
	[0xac] = STRB("lods", rAL, Xb, STR(DT_STR_LODS) | A_IMR),
	[0xad] = STRV("lods", reAX, Xv, STR(DT_STR_LODS) | A_IMR),
	[0xae] = STRB("scas", rAL, Yb, STR(DT_STR_SCAS) | A_IMR),
	[0xaf] = STRV("scas", reAX, Yv, STR(DT_STR_SCAS) | A_IMR),
	[0xb0] = I2("mov", Zb, Ib, A_W0), [0xb1] = I2("mov", Zb, Ib, A_W0),
	[0xb2] = I2("mov", Zb, Ib, A_W0), [0xb3] = I2("mov", Zb, Ib, A_W0),
	[0xb4] = I2("mov", Zb, Ib, A_W0), [0xb5] = I2("mov", Zb, Ib, A_W0),
	[0xb6] = I2("mov", Zb, Ib, A_W0), [0xb7] = I2("mov", Zb, Ib, A_W0),
	[0xb8] = I2("mov", Zv, Iz, A_W0), [0xb9] = I2("mov", Zv, Iz, A_W0),
	[0xba] = I2("mov", Zv, Iz, A_W0), [0xbb] = I2("mov", Zv, Iz, A_W0),
	[0xbc] = I2("mov", Zv, Iz, A_W0), [0xbd] = I2("mov", Zv, Iz, A_W0),
	[0xbe] = I2("mov", Zv, Iz, A_W0), [0xbf] = I2("mov", Zv, Iz, A_W0),
	[0xc0] = GRP2(Eb, Ib),
	[0xc1] = GRP2(Ev, Ib),
	[0xc2] = I1("ret", Iw, A_CF(DT_CF_RET_IMM) | POP),
	[0xc3] = I0("ret", A_CF(DT_CF_RET) | POP),
	/* C4/C5 with mod == 11 are VEX prefixes (decode.c looks first). */
	[0xc4] = I2("les", Gv, Mp, A_W0 | A_SENS | A_SEG(DT_ES)),
	[0xc5] = I2("lds", Gv, Mp, A_W0 | A_SENS | A_SEG(DT_DS)),
	[0xc6] = GREG(I2("mov", Eb, Ib, A_W0), BAD, BAD, BAD, BAD, BAD, BAD,
		      GMOD(BAD, GRM(I1("xabort", Ib, 0)))),
	[0xc7] = GREG(I2("mov", Ev, Iz, A_W0), BAD, BAD, BAD, BAD, BAD, BAD,
		      GMOD(BAD, GRM(I1("xbegin", Jz, A_CF(DT_CF_XBEGIN))))),
	[0xc8] = I2("enter", Iw, Ib, PUSH),
	[0xc9] = I0("leave", POP),
	[0xca] = I1("lret", Iw, A_CF(DT_CF_RETF_IMM) | POP | A_SENS | A_SEG(DT_CS)),
	[0xcb] = I0("lret", A_CF(DT_CF_RETF) | POP | A_SENS | A_SEG(DT_CS)),
	[0xcc] = I0("int3", A_CF(DT_CF_INT3) | PUSH | A_SENS | A_RIF | A_WIF | A_SEG(DT_CS)),
	[0xcd] = I1("int", Ib, A_CF(DT_CF_INT) | PUSH | A_SENS | A_RIF | A_WIF | A_SEG(DT_CS)),
	[0xce] = I0("into", A_CF(DT_CF_INTO) | PUSH | A_SENS | A_RIF | A_WIF | A_SEG(DT_CS)),
	[0xcf] = GOPSZ(I0("iret", A_CF(DT_CF_IRET) | POP | A_PRIV | A_WIF | A_SEG(DT_CS)),
		       I0("iretd", A_CF(DT_CF_IRET) | POP | A_PRIV | A_WIF | A_SEG(DT_CS))),
	[0xd0] = GRP2(Eb, ONE),
	[0xd1] = GRP2(Ev, ONE),
	[0xd2] = GRP2(Eb, rCL),
	[0xd3] = GRP2(Ev, rCL),
	[0xd4] = I1("aam", Ib, 0),
	[0xd5] = I1("aad", Ib, 0),
	[0xd6] = I0("salc", 0),		/* undocumented, executes on all CPUs */
	[0xd7] = I0("xlatb", A_IMR),
	[0xe0] = I1("loopne", Jb, A_CF(DT_CF_LOOPNE)),
	[0xe1] = I1("loope", Jb, A_CF(DT_CF_LOOPE)),
	[0xe2] = I1("loop", Jb, A_CF(DT_CF_LOOP)),
	[0xe3] = GADSZ(I1("jcxz", Jb, A_CF(DT_CF_JCXZ)), I1("jecxz", Jb, A_CF(DT_CF_JCXZ))),
	[0xe4] = I2("in", rAL, Ib, A_W0 | A_IO | A_PRIV),
	[0xe5] = I2("in", reAX, Ib, A_W0 | A_IO | A_PRIV),
	[0xe6] = I2("out", Ib, rAL, A_IO | A_PRIV),
	[0xe7] = I2("out", Ib, reAX, A_IO | A_PRIV),
	[0xe8] = I1("call", Jz, A_CF(DT_CF_CALL_REL) | PUSH),
	[0xe9] = I1("jmp", Jz, A_CF(DT_CF_JMP_REL)),
	[0xea] = I1("ljmp", Ap, A_CF(DT_CF_JMP_FAR) | A_SENS | A_SEG(DT_CS)),
	[0xeb] = I1("jmp", Jb, A_CF(DT_CF_JMP_REL)),
	[0xec] = I2("in", rAL, rDX, A_W0 | A_IO | A_PRIV),
	[0xed] = I2("in", reAX, rDX, A_W0 | A_IO | A_PRIV),
	[0xee] = I2("out", rDX, rAL, A_IO | A_PRIV),
	[0xef] = I2("out", rDX, reAX, A_IO | A_PRIV),
	[0xf1] = I0("int1", A_CF(DT_CF_INT1) | PUSH | A_SENS | A_RIF | A_WIF | A_SEG(DT_CS)),
	[0xf4] = I0("hlt", A_CF(DT_CF_HLT) | A_PRIV),
	[0xf5] = I0("cmc", 0),
	[0xf6] = GRP3(Eb, Ib),
	[0xf7] = GRP3(Ev, Iz),
	[0xf8] = I0("clc", 0),
	[0xf9] = I0("stc", 0),
	[0xfa] = I0("cli", A_PRIV | A_WIF),
	[0xfb] = I0("sti", A_PRIV | A_WIF),
	[0xfc] = I0("cld", 0),
	[0xfd] = I0("std", 0),
	[0xfe] = GREG(I1("inc", Eb, A_RW | A_LOCK), I1("dec", Eb, A_RW | A_LOCK)),
	[0xff] = GREG(I1("inc", Ev, A_RW | A_LOCK), I1("dec", Ev, A_RW | A_LOCK),
		      I1("call", Ev, A_R0 | A_CF(DT_CF_CALL_IND) | PUSH),
		      I1("lcall", Mp, A_R0 | A_CF(DT_CF_CALL_FAR_IND) | PUSH | A_SENS | A_SEG(DT_CS)),
		      I1("jmp", Ev, A_R0 | A_CF(DT_CF_JMP_IND)),
		      I1("ljmp", Mp, A_R0 | A_CF(DT_CF_JMP_FAR_IND) | A_SENS | A_SEG(DT_CS)),
		      I1("push", Ev, A_R0 | PUSH), BAD),
};
