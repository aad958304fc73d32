/*
 * dt/decode_tab.h: the shape of the decoder's opcode tables (private to dt/).
 *
 * "Decoding is data": every opcode map (SDM vol. 2, appendix A) is an array
 * of 256 struct dt_entry indexed by the opcode byte.  An entry is either an
 * instruction (mnemonic, up to three operand descriptors in the SDM's
 * A.2.1/A.2.2 notation, attribute bits) or a redirection to a small
 * sub-table chosen by one more field of the encoding:
 *
 *   DT_E_REG   8 entries by ModRM.reg   (group opcodes, A.4)
 *   DT_E_MOD   2 entries: [0] memory form, [1] register form (mod == 11)
 *   DT_E_RM    8 entries by ModRM.rm    (register forms of 0F 01, x87)
 *   DT_E_PFX   4 entries by mandatory prefix: none, 66, F3, F2 (SSE)
 *   DT_E_OPSZ  2 entries: [0] 16-bit, [1] 32-bit operand size (names)
 *   DT_E_ADSZ  2 entries: [0] 16-bit, [1] 32-bit address size
 *
 * Redirections nest (x87: MOD, then REG, then RM).  An all-zero entry is an
 * undefined opcode (#UD).  Sub-tables are file-scope compound literals, so a
 * whole group reads as one line of the map.
 *
 * Operand descriptors drive the length: each E/M/R/G/... operand means a
 * ModRM byte, each I/J/A/O operand an immediate of the size its size code
 * gives.  Operand 0 is the destination; A_R0/A_W0 say whether it is read
 * and/or written, the other explicit operands are read.
 */
#ifndef DT_DECODE_TAB_H
#define DT_DECODE_TAB_H

#include "dt/decode.h"

enum dt_ekind {
	DT_E_NONE,	/* undefined */
	DT_E_INSN,
	DT_E_REG, DT_E_MOD, DT_E_RM, DT_E_PFX, DT_E_OPSZ, DT_E_ADSZ,
};

/* Operand kinds (SDM A.2.1 addressing methods, plus fixed registers). */
enum dt_okind {
	DT_K_NONE,
	DT_K_E,		/* ModRM r/m: general register or memory */
	DT_K_M,		/* ModRM r/m: memory only */
	DT_K_R,		/* ModRM r/m: general register only */
	DT_K_G,		/* ModRM reg: general register */
	DT_K_S,		/* ModRM reg: segment register */
	DT_K_C,		/* ModRM reg: control register (mod ignored) */
	DT_K_D,		/* ModRM reg: debug register (mod ignored) */
	DT_K_P,		/* ModRM reg: MMX register */
	DT_K_Q,		/* ModRM r/m: MMX register or memory */
	DT_K_N,		/* ModRM r/m: MMX register only */
	DT_K_V,		/* ModRM reg: XMM register */
	DT_K_W,		/* ModRM r/m: XMM register or memory */
	DT_K_U,		/* ModRM r/m: XMM register only */
	DT_K_STI,	/* ModRM r/m: x87 st(i) */
	DT_K_ST0,	/* x87 st(0) */
	DT_K_I,		/* immediate */
	DT_K_J,		/* relative offset */
	DT_K_A,		/* far pointer ptr16:16/32 */
	DT_K_O,		/* moffs: address-size offset, no ModRM */
	DT_K_X,		/* string source DS:[esi] */
	DT_K_Y,		/* string destination ES:[edi] */
	DT_K_Z,		/* general register in opcode bits 2:0 */
	DT_K_ONE,	/* the constant 1 (shifts) */
	DT_K_XMM0,	/* implicit xmm0 (blendv, sha256rnds2) */
	DT_K_RG0,	/* fixed general register 0-7: DT_K_RG0 + n */
	DT_K_SG0 = DT_K_RG0 + 8,	/* fixed segment register: + n */
	DT_K_COUNT = DT_K_SG0 + 6,
};

/* Operand sizes (SDM A.2.2 codes). */
enum dt_osize {
	DT_S_NONE,
	DT_S_B, DT_S_W, DT_S_D, DT_S_Q, DT_S_DQ,
	DT_S_V,		/* word or dword by operand size */
	DT_S_Z,		/* immediate word or dword by operand size */
	DT_S_BS,	/* byte, sign-extended to the operand size */
	DT_S_P,		/* far pointer 16:16 or 16:32 */
	DT_S_A,		/* BOUND pair */
	DT_S_S,		/* 6-byte pseudo-descriptor */
	DT_S_T,		/* 80-bit: x87 extended / BCD */
	DT_S_X,		/* no size shown (lea, fxsave, fldenv...) */
};

/* An operand descriptor: kind | size << 8 (one integer, so that table
   macros can pass it around as a single argument). */
typedef uint16_t dt_opnd;
#define DT_NOPS	4
#define DT_OPK(o)	((unsigned)(o) & 0xff)	/* enum dt_okind */
#define DT_OPS(o)	((unsigned)(o) >> 8)	/* enum dt_osize */

struct dt_entry {
	const char *mnem;
	const struct dt_entry *sub;	/* redirections */
	uint32_t attr;			/* A_* */
	uint8_t kind;			/* enum dt_ekind */
	dt_opnd op[DT_NOPS];
};

/* Attribute bits. */
#define A_R0	(1u << 0)	/* operand 0 is read */
#define A_W0	(1u << 1)	/* operand 0 is written */
#define A_RW	(A_R0 | A_W0)
#define A_NOACC	(1u << 2)	/* the memory operand is not accessed (lea) */
#define A_IMR	(1u << 3)	/* implicit memory read */
#define A_IMW	(1u << 4)	/* implicit memory write */
#define A_STK	(1u << 5)	/* implicit stack access */
#define A_LOCK	(1u << 6)	/* LOCK allowed with a memory operand */
#define A_PRIV	(1u << 7)
#define A_SENS	(1u << 8)
#define A_IO	(1u << 9)
#define A_RIF	(1u << 10)
#define A_WIF	(1u << 11)
#define A_X87	(1u << 12)
#define A_SIMD	(1u << 13)
#define A_SREG_R (1u << 14)	/* reads the segment register of an S/SGn operand */
#define A_SEG_SHIFT 16		/* 3 bits: 0 none, 1 + dt_seg, 7 = ModRM.reg */
#define A_SEG(s)  ((uint32_t)((s) + 1) << A_SEG_SHIFT)
#define A_SEGREG  (7u << A_SEG_SHIFT)
#define A_CF_SHIFT 19		/* 5 bits: enum dt_cf */
#define A_CF(c)   ((uint32_t)(c) << A_CF_SHIFT)
#define A_STR_SHIFT 24		/* 3 bits: enum dt_str */
#define A_STR(s)  ((uint32_t)(s) << A_STR_SHIFT)
#define A_3DNOW	(1u << 27)

#define A_CFGET(a)  (((a) >> A_CF_SHIFT) & 31)
#define A_SEGGET(a) (((a) >> A_SEG_SHIFT) & 7)
#define A_STRGET(a) (((a) >> A_STR_SHIFT) & 7)

/* The maps (decode_tables.c, decode_0f.c, decode_sse.c, decode_x87.c). */
extern const struct dt_entry dt_map_1b[256];
extern const struct dt_entry dt_map_0f[256];
extern const struct dt_entry dt_map_0f38[256];
extern const struct dt_entry dt_map_0f3a[256];
extern const struct dt_entry dt_x87[8];		/* D8-DF */
extern const struct dt_entry dt_3dnow[256];	/* by suffix byte */

/* VEX (decode_vex.c): validity and immediate of a VEX-encoded opcode. */
struct dt_vexinfo {
	uint16_t pp[4];	/* VX_* flags for pp = none, 66, F3, F2; 0: undefined */
};
#define VX_OK	0x100	/* defined */
#define VX_NOVM	0x200	/* VEX.vvvv must be 1111 in the memory form */
#define VX_W1	0x400	/* VEX.W must be 1 */
#define VX_IMM	0x01	/* imm8 follows */
#define VX_MEM	0x02	/* memory form only */
#define VX_REG	0x04	/* register form only */
#define VX_L0	0x08	/* VEX.L must be 0 */
#define VX_NOV	0x10	/* VEX.vvvv must be 1111 */
#define VX_W0	0x20	/* VEX.W must be 0 (32-bit: W1 invalid) */
#define VX_L1	0x40	/* VEX.L must be 1 */
#define VX_GRP	0x80	/* group opcode: validity by ModRM.reg (dt_vex_group) */
extern const struct dt_vexinfo dt_vex_map[3][256];
bool dt_vex_group_ok(unsigned map, unsigned opcode, unsigned pp,
		     unsigned reg, unsigned mod, unsigned l);
const char *dt_vex_mnemonic(unsigned map, unsigned opcode, unsigned pp);

/*
 * Table-writing shorthands, for the table files only.
 */
#ifdef DT_TABLE_SHORTHANDS
#define O_(k, s)	(DT_K_##k | (DT_S_##s << 8))
#define Eb O_(E, B)
#define Ew O_(E, W)
#define Ed O_(E, D)
#define Ev O_(E, V)
#define Gb O_(G, B)
#define Gw O_(G, W)
#define Gd O_(G, D)
#define Gv O_(G, V)
#define Rd O_(R, D)
#define Rv O_(R, V)
#define Mx O_(M, X)
#define Mb O_(M, B)
#define Mw O_(M, W)
#define Md O_(M, D)
#define Mq O_(M, Q)
#define Mdq O_(M, DQ)
#define Mv O_(M, V)
#define Mp O_(M, P)
#define Ms O_(M, S)
#define Ma O_(M, A)
#define Mt O_(M, T)
#define Sw O_(S, W)
#define Cd O_(C, D)
#define Dd O_(D, D)
#define Ib O_(I, B)
#define Ibs O_(I, BS)
#define Iw O_(I, W)
#define Iz O_(I, Z)
#define Jb O_(J, B)
#define Jz O_(J, Z)
#define Ap O_(A, P)
#define Ob O_(O, B)
#define Ov O_(O, V)
#define Xb O_(X, B)
#define Xv O_(X, V)
#define Yb O_(Y, B)
#define Yv O_(Y, V)
#define Zb O_(Z, B)
#define Zv O_(Z, V)
#define Zd O_(Z, D)
#define ONE O_(ONE, B)
#define Pq O_(P, Q)
#define Qq O_(Q, Q)
#define Qd O_(Q, D)
#define Nq O_(N, Q)
#define Vx O_(V, DQ)
#define Vq O_(V, Q)
#define Vd O_(V, D)
#define Wx O_(W, DQ)
#define Wq O_(W, Q)
#define Wd O_(W, D)
#define Ww O_(W, W)
#define Wb O_(W, B)
#define Ux O_(U, DQ)
#define XMM0 O_(XMM0, DQ)
#define ST0 O_(ST0, T)
#define STi O_(STI, T)
#define rAL ((DT_K_RG0 + 0) | (DT_S_B << 8))
#define rCL ((DT_K_RG0 + 1) | (DT_S_B << 8))
#define rAX ((DT_K_RG0 + 0) | (DT_S_W << 8))
#define rDX ((DT_K_RG0 + 2) | (DT_S_W << 8))
#define reAX ((DT_K_RG0 + 0) | (DT_S_V << 8))
#define sES ((DT_K_SG0 + 0) | (DT_S_W << 8))
#define sCS ((DT_K_SG0 + 1) | (DT_S_W << 8))
#define sSS ((DT_K_SG0 + 2) | (DT_S_W << 8))
#define sDS ((DT_K_SG0 + 3) | (DT_S_W << 8))
#define sFS ((DT_K_SG0 + 4) | (DT_S_W << 8))
#define sGS ((DT_K_SG0 + 5) | (DT_S_W << 8))

#define I0(m, a)		{ .mnem = (m), .kind = DT_E_INSN, .attr = (a) }
#define I1(m, o1, a)		{ .mnem = (m), .kind = DT_E_INSN, .attr = (a), .op = { o1 } }
#define I2(m, o1, o2, a)	{ .mnem = (m), .kind = DT_E_INSN, .attr = (a), .op = { o1, o2 } }
#define I3(m, o1, o2, o3, a)	{ .mnem = (m), .kind = DT_E_INSN, .attr = (a), .op = { o1, o2, o3 } }
#define I4(m, o1, o2, o3, o4, a) { .mnem = (m), .kind = DT_E_INSN, .attr = (a), .op = { o1, o2, o3, o4 } }
#define BAD			{ .kind = DT_E_NONE }
/* Sub-tables have their full size, so missing trailing entries are BAD. */
#define SUB_(k, n, ...)	{ .kind = (k), .sub = (const struct dt_entry[n]){ __VA_ARGS__ } }
#define GREG(...)	SUB_(DT_E_REG, 8, __VA_ARGS__)
#define GMOD(m, r)	SUB_(DT_E_MOD, 2, m, r)
#define GRM(...)	SUB_(DT_E_RM, 8, __VA_ARGS__)
#define GPFX(n, p66, pf3, pf2) SUB_(DT_E_PFX, 4, n, p66, pf3, pf2)
#define GOPSZ(w, d)	SUB_(DT_E_OPSZ, 2, w, d)
#define GADSZ(w, d)	SUB_(DT_E_ADSZ, 2, w, d)

#define SSE	A_SIMD
#endif

#endif
