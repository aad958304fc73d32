/*
 * dt/decode_vex.c: validity and length of VEX-encoded instructions (AVX,
 * AVX2, FMA, F16C, BMI1/2, AES/PCLMUL under VEX, AVX-512 opmask ops).
 *
 * SDM vol. 2, section 2.3 (VEX prefix) and appendix A.3 (the "v" rows of
 * tables ).  In 32-bit mode C4/C5 are VEX only when the next byte
 * has mod == 11 (otherwise LES/LDS, decode.c decides).  The decoder needs,
 * per (map, opcode): which pp values (none/66/F3/F2) are defined, whether
 * an imm8 follows, whether only the memory or only the register form
 * exists, and the L, W and vvvv constraints.  Mnemonics are given for the
 * printer where one pp value is defined; otherwise "(vex)".
 */
#define DT_TABLE_SHORTHANDS
#include "dt/decode_tab.h"

#define N	0x1		/* pp = none */
#define P66	0x2
#define PF3	0x4
#define PF2	0x8
#define ALL	0xf
#define V1_(pp, n, fl)	(((pp) & (1 << (n))) ? (fl) | VX_OK : 0)
#define V(pp, fl)	{ { V1_(pp, 0, fl), V1_(pp, 1, fl), V1_(pp, 2, fl), V1_(pp, 3, fl) } }
/* Different flags per pp (none, 66, F3, F2); -1 for undefined. */
#define VP_(f)		((f) < 0 ? 0 : (f) | VX_OK)
#define V4(a, b, c, d)	{ { VP_(a), VP_(b), VP_(c), VP_(d) } }
#define R2(a, b, v)	[a] = v, [b] = v	/* two opcodes */

const struct dt_vexinfo dt_vex_map[3][256] = {
	/* VEX 0F */
	{
		[0x10] = V4(VX_NOV, VX_NOV, VX_NOVM, VX_NOVM),
		[0x11] = V4(VX_NOV, VX_NOV, VX_NOVM, VX_NOVM),
		[0x12] = V4(VX_L0, VX_MEM | VX_L0, VX_NOV, VX_NOV),
		[0x13] = V(N | P66, VX_MEM | VX_L0 | VX_NOV),
		[0x14] = V(N | P66, 0), [0x15] = V(N | P66, 0),
		[0x16] = V4(VX_L0, VX_MEM | VX_L0, VX_NOV, -1),
		[0x17] = V(N | P66, VX_MEM | VX_L0 | VX_NOV),
		[0x28] = V(N | P66, VX_NOV), [0x29] = V(N | P66, VX_NOV),
		[0x2a] = V(PF3 | PF2, 0), [0x2b] = V(N | P66, VX_MEM | VX_NOV),
		[0x2c] = V(PF3 | PF2, VX_NOV), [0x2d] = V(PF3 | PF2, VX_NOV),
		[0x2e] = V(N | P66, VX_NOV), [0x2f] = V(N | P66, VX_NOV),
		/* AVX-512 opmask instructions (VEX encoded). */
		[0x41] = V(N | P66, VX_REG | VX_L1 | VX_W0), [0x42] = V(N | P66, VX_REG | VX_L1 | VX_W0),
		[0x44] = V(N | P66, VX_REG | VX_L0 | VX_NOV | VX_W0),
		[0x45] = V(N | P66, VX_REG | VX_L1 | VX_W0), [0x46] = V(N | P66, VX_REG | VX_L1 | VX_W0),
		[0x47] = V(N | P66, VX_REG | VX_L1 | VX_W0),
		[0x4b] = V(P66, VX_REG | VX_L1),
		[0x50] = V(N | P66, VX_REG | VX_NOV),
		[0x51] = V4(VX_NOV, VX_NOV, 0, 0),
		[0x52] = V4(VX_NOV, -1, 0, -1), [0x53] = V4(VX_NOV, -1, 0, -1),
		[0x54] = V(N | P66, 0), [0x55] = V(N | P66, 0), [0x56] = V(N | P66, 0),
		[0x57] = V(N | P66, 0), [0x58] = V(ALL, 0), [0x59] = V(ALL, 0),
		[0x5a] = V4(VX_NOV, VX_NOV, 0, 0), [0x5b] = V(N | P66 | PF3, VX_NOV),
		[0x5c] = V(ALL, 0), [0x5d] = V(ALL, 0), [0x5e] = V(ALL, 0), [0x5f] = V(ALL, 0),
		[0x60] = V(P66, 0), [0x61] = V(P66, 0), [0x62] = V(P66, 0), [0x63] = V(P66, 0),
		[0x64] = V(P66, 0), [0x65] = V(P66, 0), [0x66] = V(P66, 0), [0x67] = V(P66, 0),
		[0x68] = V(P66, 0), [0x69] = V(P66, 0), [0x6a] = V(P66, 0), [0x6b] = V(P66, 0),
		[0x6c] = V(P66, 0), [0x6d] = V(P66, 0), [0x6e] = V(P66, VX_L0 | VX_NOV),
		[0x6f] = V(P66 | PF3, VX_NOV),
		[0x70] = V(P66 | PF3 | PF2, VX_IMM | VX_NOV),
		[0x71] = V(P66, VX_IMM | VX_REG | VX_GRP),
		[0x72] = V(P66, VX_IMM | VX_REG | VX_GRP),
		[0x73] = V(P66, VX_IMM | VX_REG | VX_GRP),
		[0x74] = V(P66, 0), [0x75] = V(P66, 0), [0x76] = V(P66, 0),
		[0x77] = V(N, VX_NOV),		/* vzeroupper/vzeroall: no ModRM */
		[0x7c] = V(P66 | PF2, 0), [0x7d] = V(P66 | PF2, 0),
		[0x7e] = V(P66 | PF3, VX_L0 | VX_NOV), [0x7f] = V(P66 | PF3, VX_NOV),
		[0x90] = V(N | P66, VX_L0 | VX_NOV | VX_W0),
		[0x91] = V(N | P66, VX_MEM | VX_L0 | VX_NOV | VX_W0),
		[0x92] = V(N | P66, VX_REG | VX_L0 | VX_NOV),
		[0x93] = V(N | P66, VX_REG | VX_L0 | VX_NOV),
		[0x98] = V(N | P66, VX_REG | VX_L0 | VX_NOV | VX_W0),
		[0xae] = V(N, VX_MEM | VX_L0 | VX_NOV | VX_GRP),
		[0xc2] = V(ALL, VX_IMM), [0xc4] = V(P66, VX_IMM | VX_L0),
		[0xc5] = V(P66, VX_IMM | VX_REG | VX_L0 | VX_NOV), [0xc6] = V(N | P66, VX_IMM),
		[0xd0] = V(P66 | PF2, 0),
		[0xd1] = V(P66, 0), [0xd2] = V(P66, 0), [0xd3] = V(P66, 0), [0xd4] = V(P66, 0),
		[0xd5] = V(P66, 0), [0xd6] = V(P66, VX_L0 | VX_NOV),
		[0xd7] = V(P66, VX_REG | VX_NOV),
		[0xd8] = V(P66, 0), [0xd9] = V(P66, 0), [0xda] = V(P66, 0), [0xdb] = V(P66, 0),
		[0xdc] = V(P66, 0), [0xdd] = V(P66, 0), [0xde] = V(P66, 0), [0xdf] = V(P66, 0),
		[0xe0] = V(P66, 0), [0xe1] = V(P66, 0), [0xe2] = V(P66, 0), [0xe3] = V(P66, 0),
		[0xe4] = V(P66, 0), [0xe5] = V(P66, 0), [0xe6] = V(P66 | PF3 | PF2, VX_NOV),
		[0xe7] = V(P66, VX_MEM | VX_NOV),
		[0xe8] = V(P66, 0), [0xe9] = V(P66, 0), [0xea] = V(P66, 0), [0xeb] = V(P66, 0),
		[0xec] = V(P66, 0), [0xed] = V(P66, 0), [0xee] = V(P66, 0), [0xef] = V(P66, 0),
		[0xf0] = V(PF2, VX_MEM | VX_NOV),
		[0xf1] = V(P66, 0), [0xf2] = V(P66, 0), [0xf3] = V(P66, 0), [0xf4] = V(P66, 0),
		[0xf5] = V(P66, 0), [0xf6] = V(P66, 0), [0xf7] = V(P66, VX_REG | VX_L0 | VX_NOV),
		[0xf8] = V(P66, 0), [0xf9] = V(P66, 0), [0xfa] = V(P66, 0), [0xfb] = V(P66, 0),
		[0xfc] = V(P66, 0), [0xfd] = V(P66, 0), [0xfe] = V(P66, 0),
	},
	/* VEX 0F 38 */
	{
		[0x00] = V(P66, 0), [0x01] = V(P66, 0), [0x02] = V(P66, 0), [0x03] = V(P66, 0),
		[0x04] = V(P66, 0), [0x05] = V(P66, 0), [0x06] = V(P66, 0), [0x07] = V(P66, 0),
		[0x08] = V(P66, 0), [0x09] = V(P66, 0), [0x0a] = V(P66, 0), [0x0b] = V(P66, 0),
		[0x0c] = V(P66, VX_W0), [0x0d] = V(P66, VX_W0),
		[0x0e] = V(P66, VX_W0 | VX_NOV), [0x0f] = V(P66, VX_W0 | VX_NOV),
		[0x13] = V(P66, VX_W0 | VX_NOV), [0x16] = V(P66, VX_W0 | VX_L1),
		[0x17] = V(P66, VX_NOV), [0x18] = V(P66, VX_W0 | VX_NOV),
		[0x19] = V(P66, VX_W0 | VX_L1 | VX_NOV), [0x1a] = V(P66, VX_MEM | VX_W0 | VX_L1 | VX_NOV),
		[0x1c] = V(P66, VX_NOV), [0x1d] = V(P66, VX_NOV), [0x1e] = V(P66, VX_NOV),
		[0x20] = V(P66, VX_NOV), [0x21] = V(P66, VX_NOV), [0x22] = V(P66, VX_NOV),
		[0x23] = V(P66, VX_NOV), [0x24] = V(P66, VX_NOV), [0x25] = V(P66, VX_NOV),
		[0x28] = V(P66, 0), [0x29] = V(P66, 0), [0x2a] = V(P66, VX_MEM | VX_NOV),
		[0x2b] = V(P66, 0),
		[0x2c] = V(P66, VX_MEM | VX_W0), [0x2d] = V(P66, VX_MEM | VX_W0),
		[0x2e] = V(P66, VX_MEM | VX_W0), [0x2f] = V(P66, VX_MEM | VX_W0),
		[0x30] = V(P66, VX_NOV), [0x31] = V(P66, VX_NOV), [0x32] = V(P66, VX_NOV),
		[0x33] = V(P66, VX_NOV), [0x34] = V(P66, VX_NOV), [0x35] = V(P66, VX_NOV),
		[0x36] = V(P66, VX_W0 | VX_L1), [0x37] = V(P66, 0),
		[0x38] = V(P66, 0), [0x39] = V(P66, 0), [0x3a] = V(P66, 0), [0x3b] = V(P66, 0),
		[0x3c] = V(P66, 0), [0x3d] = V(P66, 0), [0x3e] = V(P66, 0), [0x3f] = V(P66, 0),
		[0x40] = V(P66, 0), [0x41] = V(P66, VX_L0 | VX_NOV),
		[0x45] = V(P66, 0), [0x46] = V(P66, VX_W0), [0x47] = V(P66, 0),
		[0x58] = V(P66, VX_W0 | VX_NOV), [0x59] = V(P66, VX_W0 | VX_NOV),
		[0x5a] = V(P66, VX_MEM | VX_W0 | VX_L1 | VX_NOV),
		[0x78] = V(P66, VX_W0 | VX_NOV), [0x79] = V(P66, VX_W0 | VX_NOV),
		[0x8c] = V(P66, VX_MEM), [0x8e] = V(P66, VX_MEM),
		[0x90] = V(P66, VX_MEM), [0x91] = V(P66, VX_MEM),
		[0x92] = V(P66, VX_MEM), [0x93] = V(P66, VX_MEM),
		[0x96] = V(P66, 0), [0x97] = V(P66, 0), [0x98] = V(P66, 0), [0x99] = V(P66, 0),
		[0x9a] = V(P66, 0), [0x9b] = V(P66, 0), [0x9c] = V(P66, 0), [0x9d] = V(P66, 0),
		[0x9e] = V(P66, 0), [0x9f] = V(P66, 0),
		[0xa6] = V(P66, 0), [0xa7] = V(P66, 0), [0xa8] = V(P66, 0), [0xa9] = V(P66, 0),
		[0xaa] = V(P66, 0), [0xab] = V(P66, 0), [0xac] = V(P66, 0), [0xad] = V(P66, 0),
		[0xae] = V(P66, 0), [0xaf] = V(P66, 0),
		[0xb6] = V(P66, 0), [0xb7] = V(P66, 0), [0xb8] = V(P66, 0), [0xb9] = V(P66, 0),
		[0xba] = V(P66, 0), [0xbb] = V(P66, 0), [0xbc] = V(P66, 0), [0xbd] = V(P66, 0),
		[0xbe] = V(P66, 0), [0xbf] = V(P66, 0),
		[0xdb] = V(P66, VX_L0 | VX_NOV), [0xdc] = V(P66, VX_L0), [0xdd] = V(P66, VX_L0),
		[0xde] = V(P66, VX_L0), [0xdf] = V(P66, VX_L0),
		[0xf2] = V(N, VX_L0), [0xf3] = V(N, VX_L0 | VX_GRP),
		[0xf5] = V(N | PF3 | PF2, VX_L0), [0xf6] = V(PF2, VX_L0),
		[0xf7] = V(ALL, VX_L0),
	},
	/* VEX 0F 3A (all with imm8) */
	{
		[0x00] = V(P66, VX_IMM | VX_L1 | VX_NOV | VX_W1),
		[0x01] = V(P66, VX_IMM | VX_L1 | VX_NOV | VX_W1),
		[0x02] = V(P66, VX_IMM | VX_W0),
		[0x04] = V(P66, VX_IMM | VX_W0 | VX_NOV), [0x05] = V(P66, VX_IMM | VX_W0 | VX_NOV),
		[0x06] = V(P66, VX_IMM | VX_W0 | VX_L1),
		[0x08] = V(P66, VX_IMM | VX_NOV), [0x09] = V(P66, VX_IMM | VX_NOV),
		[0x0a] = V(P66, VX_IMM), [0x0b] = V(P66, VX_IMM),
		[0x0c] = V(P66, VX_IMM), [0x0d] = V(P66, VX_IMM), [0x0e] = V(P66, VX_IMM),
		[0x0f] = V(P66, VX_IMM),
		[0x14] = V(P66, VX_IMM | VX_L0 | VX_NOV), [0x15] = V(P66, VX_IMM | VX_L0 | VX_NOV),
		[0x16] = V(P66, VX_IMM | VX_L0 | VX_NOV), [0x17] = V(P66, VX_IMM | VX_L0 | VX_NOV),
		[0x18] = V(P66, VX_IMM | VX_W0 | VX_L1), [0x19] = V(P66, VX_IMM | VX_W0 | VX_L1 | VX_NOV),
		[0x1d] = V(P66, VX_IMM | VX_W0 | VX_NOV),
		[0x20] = V(P66, VX_IMM | VX_L0), [0x21] = V(P66, VX_IMM | VX_L0),
		[0x22] = V(P66, VX_IMM | VX_L0),
		/* AVX-512 kshiftr/kshiftl (W selects the width) */
		[0x30] = V(P66, VX_IMM | VX_REG | VX_L0 | VX_NOV),
		[0x32] = V(P66, VX_IMM | VX_REG | VX_L0 | VX_NOV),
		[0x38] = V(P66, VX_IMM | VX_W0 | VX_L1), [0x39] = V(P66, VX_IMM | VX_W0 | VX_L1 | VX_NOV),
		[0x40] = V(P66, VX_IMM), [0x41] = V(P66, VX_IMM | VX_L0), [0x42] = V(P66, VX_IMM),
		[0x44] = V(P66, VX_IMM | VX_L0), [0x46] = V(P66, VX_IMM | VX_W0 | VX_L1),
		[0x4a] = V(P66, VX_IMM | VX_W0), [0x4b] = V(P66, VX_IMM | VX_W0),
		[0x4c] = V(P66, VX_IMM | VX_W0),
		[0x60] = V(P66, VX_IMM | VX_L0 | VX_NOV), [0x61] = V(P66, VX_IMM | VX_L0 | VX_NOV),
		[0x62] = V(P66, VX_IMM | VX_L0 | VX_NOV), [0x63] = V(P66, VX_IMM | VX_L0 | VX_NOV),
		[0xdf] = V(P66, VX_IMM | VX_L0 | VX_NOV),
		[0xf0] = V(PF2, VX_IMM | VX_L0 | VX_NOV),
	},
};

/* Group opcodes under VEX: which ModRM.reg values are defined. */
bool dt_vex_group_ok(unsigned map, unsigned opcode, unsigned pp,
		     unsigned reg, unsigned mod, unsigned l)
{
	(void)pp;
	(void)l;
	if (map == 0) {
		switch (opcode) {
		case 0x71: case 0x72:	/* vpsrlw/d /2, vpsraw/d /4, vpsllw/d /6 */
			return reg == 2 || reg == 4 || reg == 6;
		case 0x73:		/* vpsrlq /2 vpsrldq /3 vpsllq /6 vpslldq /7 */
			return reg == 2 || reg == 3 || reg == 6 || reg == 7;
		case 0xae:		/* vldmxcsr /2, vstmxcsr /3 */
			return mod != 3 && (reg == 2 || reg == 3);
		}
	} else if (map == 1 && opcode == 0xf3) {
		return reg >= 1 && reg <= 3;	/* blsr blsmsk blsi */
	}
	return false;
}

const char *dt_vex_mnemonic(unsigned map, unsigned opcode, unsigned pp)
{
	/* The common few by name; the rest print as "(vex)" plus the bytes. */
	if (map == 0) {
		switch (opcode) {
		case 0x77: return "vzeroupper";
		case 0x10: return pp == 0 ? "vmovups" : pp == 1 ? "vmovupd" : pp == 2 ? "vmovss" : "vmovsd";
		case 0x11: return pp == 0 ? "vmovups" : pp == 1 ? "vmovupd" : pp == 2 ? "vmovss" : "vmovsd";
		case 0x28: case 0x29: return pp == 0 ? "vmovaps" : "vmovapd";
		case 0x6f: case 0x7f: return pp == 1 ? "vmovdqa" : "vmovdqu";
		case 0x57: return pp == 0 ? "vxorps" : "vxorpd";
		case 0xef: return "vpxor";
		}
	}
	return "(vex)";
}
