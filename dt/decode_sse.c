/*
 * dt/decode_sse.c: the three-byte opcode maps 0F 38 and 0F 3A (SSSE3,
 * SSE4.1, SSE4.2, AES, PCLMULQDQ, SHA, MOVBE, CRC32, ADX, INVPCID...), and
 * AMD's 3DNow suffix table (0F 0F modrm [sib] [disp] suffix).
 *
 * SDM vol. 2, appendix A.3 tables A-4 (0F 38) and A-5 (0F 3A).  3DNow is
 * not in the SDM (on Intel CPUs 0F 0F is #UD); the suffixes follow AMD's
 * "3DNow! Technology Manual" and the Athlon extensions.  The decoder
 * decodes 3DNow to its length and flags it DT_F_3DNOW, so the translator
 * can raise #UD unless the CPU has 3DNow (CPUID 8000_0001h EDX bit 31).
 */
#define DT_TABLE_SHORTHANDS
#include "dt/decode_tab.h"

#define SR	(A_RW | SSE)
#define MX(m)	GPFX(I2(m, Pq, Qq, SR), I2(m, Vx, Wx, SR), BAD, BAD)
#define X66(m, o2)	GPFX(BAD, I2(m, Vx, o2, SR), BAD, BAD)
#define X66I(m, o1, o2)	GPFX(BAD, I3(m, o1, o2, Ib, SR), BAD, BAD)

const struct dt_entry dt_map_0f38[256] = {
	[0x00] = MX("pshufb"), [0x01] = MX("phaddw"), [0x02] = MX("phaddd"),
	[0x03] = MX("phaddsw"), [0x04] = MX("pmaddubsw"), [0x05] = MX("phsubw"),
	[0x06] = MX("phsubd"), [0x07] = MX("phsubsw"), [0x08] = MX("psignb"),
	[0x09] = MX("psignw"), [0x0a] = MX("psignd"), [0x0b] = MX("pmulhrsw"),
	[0x10] = GPFX(BAD, I3("pblendvb", Vx, Wx, XMM0, SR), BAD, BAD),
	[0x14] = GPFX(BAD, I3("blendvps", Vx, Wx, XMM0, SR), BAD, BAD),
	[0x15] = GPFX(BAD, I3("blendvpd", Vx, Wx, XMM0, SR), BAD, BAD),
	[0x17] = GPFX(BAD, I2("ptest", Vx, Wx, A_R0 | SSE), BAD, BAD),
	[0x1c] = MX("pabsb"), [0x1d] = MX("pabsw"), [0x1e] = MX("pabsd"),
	[0x20] = X66("pmovsxbw", Wq), [0x21] = X66("pmovsxbd", Wd),
	[0x22] = X66("pmovsxbq", Ww), [0x23] = X66("pmovsxwd", Wq),
	[0x24] = X66("pmovsxwq", Wd), [0x25] = X66("pmovsxdq", Wq),
	[0x28] = X66("pmuldq", Wx), [0x29] = X66("pcmpeqq", Wx),
	[0x2a] = X66("movntdqa", Mdq), [0x2b] = X66("packusdw", Wx),
	[0x30] = X66("pmovzxbw", Wq), [0x31] = X66("pmovzxbd", Wd),
	[0x32] = X66("pmovzxbq", Ww), [0x33] = X66("pmovzxwd", Wq),
	[0x34] = X66("pmovzxwq", Wd), [0x35] = X66("pmovzxdq", Wq),
	[0x37] = X66("pcmpgtq", Wx),
	[0x38] = X66("pminsb", Wx), [0x39] = X66("pminsd", Wx),
	[0x3a] = X66("pminuw", Wx), [0x3b] = X66("pminud", Wx),
	[0x3c] = X66("pmaxsb", Wx), [0x3d] = X66("pmaxsd", Wx),
	[0x3e] = X66("pmaxuw", Wx), [0x3f] = X66("pmaxud", Wx),
	[0x40] = X66("pmulld", Wx), [0x41] = X66("phminposuw", Wx),
	[0x80] = GPFX(BAD, I2("invept", Gd, Mdq, A_R0 | A_PRIV), BAD, BAD),
	[0x81] = GPFX(BAD, I2("invvpid", Gd, Mdq, A_R0 | A_PRIV), BAD, BAD),
	[0x82] = GPFX(BAD, I2("invpcid", Gd, Mdq, A_R0 | A_PRIV), BAD, BAD),
	[0xc8] = GPFX(I2("sha1nexte", Vx, Wx, SR), BAD, BAD, BAD),
	[0xc9] = GPFX(I2("sha1msg1", Vx, Wx, SR), BAD, BAD, BAD),
	[0xca] = GPFX(I2("sha1msg2", Vx, Wx, SR), BAD, BAD, BAD),
	[0xcb] = GPFX(I3("sha256rnds2", Vx, Wx, XMM0, SR), BAD, BAD, BAD),
	[0xcc] = GPFX(I2("sha256msg1", Vx, Wx, SR), BAD, BAD, BAD),
	[0xcd] = GPFX(I2("sha256msg2", Vx, Wx, SR), BAD, BAD, BAD),
	[0xdb] = X66("aesimc", Wx), [0xdc] = X66("aesenc", Wx),
	[0xdd] = X66("aesenclast", Wx), [0xde] = X66("aesdec", Wx),
	[0xdf] = X66("aesdeclast", Wx),
	[0xf0] = GPFX(I2("movbe", Gv, Mv, A_W0), I2("movbe", Gv, Mv, A_W0), BAD,
		      I2("crc32", Gd, Eb, A_RW)),
	[0xf1] = GPFX(I2("movbe", Mv, Gv, A_W0), I2("movbe", Mv, Gv, A_W0), BAD,
		      I2("crc32", Gd, Ev, A_RW)),
	[0xf6] = GPFX(BAD, I2("adcx", Gd, Ed, A_RW), I2("adox", Gd, Ed, A_RW), BAD),
};

const struct dt_entry dt_map_0f3a[256] = {
	[0x08] = X66I("roundps", Vx, Wx), [0x09] = X66I("roundpd", Vx, Wx),
	[0x0a] = X66I("roundss", Vx, Wd), [0x0b] = X66I("roundsd", Vx, Wq),
	[0x0c] = X66I("blendps", Vx, Wx), [0x0d] = X66I("blendpd", Vx, Wx),
	[0x0e] = X66I("pblendw", Vx, Wx),
	[0x0f] = GPFX(I3("palignr", Pq, Qq, Ib, SR), I3("palignr", Vx, Wx, Ib, SR), BAD, BAD),
	[0x14] = GPFX(BAD, I3("pextrb", Ed, Vx, Ib, A_W0 | SSE), BAD, BAD),
	[0x15] = GPFX(BAD, I3("pextrw", Ed, Vx, Ib, A_W0 | SSE), BAD, BAD),
	[0x16] = GPFX(BAD, I3("pextrd", Ed, Vx, Ib, A_W0 | SSE), BAD, BAD),
	[0x17] = GPFX(BAD, I3("extractps", Ed, Vx, Ib, A_W0 | SSE), BAD, BAD),
	[0x20] = X66I("pinsrb", Vx, Ed), [0x21] = X66I("insertps", Vx, Wd),
	[0x22] = X66I("pinsrd", Vx, Ed),
	[0x40] = X66I("dpps", Vx, Wx), [0x41] = X66I("dppd", Vx, Wx),
	[0x42] = X66I("mpsadbw", Vx, Wx), [0x44] = X66I("pclmulqdq", Vx, Wx),
	[0x60] = X66I("pcmpestrm", Vx, Wx), [0x61] = X66I("pcmpestri", Vx, Wx),
	[0x62] = X66I("pcmpistrm", Vx, Wx), [0x63] = X66I("pcmpistri", Vx, Wx),
	[0xcc] = GPFX(I3("sha1rnds4", Vx, Wx, Ib, SR), BAD, BAD, BAD),
	[0xdf] = X66I("aeskeygenassist", Vx, Wx),
};

#define D3(m)	I2(m, Pq, Qq, A_RW | SSE | A_3DNOW)
const struct dt_entry dt_3dnow[256] = {
	[0x0c] = D3("pi2fw"), [0x0d] = D3("pi2fd"), [0x1c] = D3("pf2iw"),
	[0x1d] = D3("pf2id"), [0x8a] = D3("pfnacc"), [0x8e] = D3("pfpnacc"),
	[0x90] = D3("pfcmpge"), [0x94] = D3("pfmin"), [0x96] = D3("pfrcp"),
	[0x97] = D3("pfrsqrt"), [0x9a] = D3("pfsub"), [0x9e] = D3("pfadd"),
	[0xa0] = D3("pfcmpgt"), [0xa4] = D3("pfmax"), [0xa6] = D3("pfrcpit1"),
	[0xa7] = D3("pfrsqit1"), [0xaa] = D3("pfsubr"), [0xae] = D3("pfacc"),
	[0xb0] = D3("pfcmpeq"), [0xb4] = D3("pfmul"), [0xb6] = D3("pfrcpit2"),
	[0xb7] = D3("pmulhrw"), [0xbb] = D3("pswapd"), [0xbf] = D3("pavgusb"),
};
