/*
 * tests/cs_exceptions.c: the known disagreements between Capstone 4 (the
 * reference decoder of the host tests) and the Intel SDM, each an exact
 * pattern with the SDM rule that shows Capstone wrong.  A disagreement that
 * matches none of these fails the test.
 *
 * The patterns look at the raw bytes (a prefix scan of their own) and ask
 * Capstone again where the rule is "Capstone contradicts itself"; they do
 * not trust hv's decoder for the verdict.
 */
#include <string.h>

#include "tests/decoder_cmp.h"

static int is_prefix(uint8_t b)
{
	switch (b) {
	case 0xf0: case 0xf2: case 0xf3: case 0x66: case 0x67:
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
		return 1;
	}
	return 0;
}

/* Number of legacy prefix bytes at the start (at most avail). */
static size_t npfx(const uint8_t *c, size_t avail)
{
	size_t i = 0;
	while (i < avail && is_prefix(c[i]))
		i++;
	return i;
}

static int has_prefix(const uint8_t *c, size_t n, uint8_t b)
{
	return memchr(c, b, n) != NULL;
}

/* ModRM fields of the byte after an opcode at position op (if present). */
#define MODRM(c, avail, op) ((op) + 1 < (avail) ? (c)[(op) + 1] : 0)

/*
 * SDM 2.1.1: "Groups 1 through 4 may be placed in any order relative to
 * each other."  Capstone 4 honours a 66/F2/F3 prefix as mandatory only when
 * it is the last prefix byte, and drops the 66 of "66 F2/F3 E8".  Excused
 * when Capstone itself agrees with hv (same length, or both invalid) once
 * only the order of the prefix bytes changes.
 */
static int prefix_order(const uint8_t *c, size_t avail, const struct dt_insn *in)
{
	size_t np = npfx(c, avail);
	uint8_t v[16];

	if (np < 2 || avail < 16)
		return 0;
	for (int variant = 0; variant < 2; variant++) {
		size_t k = 0;
		/* others first, then F2/F3 and 66 in one of the two orders */
		for (size_t i = 0; i < np; i++)
			if (c[i] != 0x66 && c[i] != 0xf2 && c[i] != 0xf3)
				v[k++] = c[i];
		for (int pass = 0; pass < 2; pass++) {
			int want66 = (pass == 0) == (variant == 0);
			for (size_t i = 0; i < np; i++)
				if ((c[i] == 0x66) == want66 && (c[i] == 0x66 || c[i] == 0xf2 || c[i] == 0xf3))
					v[k++] = c[i];
		}
		memcpy(v + k, c + np, 16 - k);
		if (!memcmp(v, c, 16))
			continue;
		unsigned l = cmp_cs_len(v, 16);
		if (in->status == DT_OK ? l == in->len : l == 0)
			return 1;
	}
	return 0;
}

/* Opcode forms that accept LOCK with a memory destination (SDM vol. 2, LOCK). */
static int lockable(const uint8_t *c, size_t avail, size_t op)
{
	uint8_t b = c[op], m, reg;
	if (b == 0x0f) {
		if (op + 2 >= avail)
			return 0;
		b = c[op + 1];
		m = c[op + 2];
		reg = (m >> 3) & 7;
		if ((m >> 6) == 3)
			return 0;
		return b == 0xab || b == 0xb3 || b == 0xbb || b == 0xb0 || b == 0xb1 ||
		       b == 0xc0 || b == 0xc1 || (b == 0xba && reg >= 5) ||
		       (b == 0xc7 && reg == 1);
	}
	m = MODRM(c, avail, op);
	reg = (m >> 3) & 7;
	if ((m >> 6) == 3)
		return 0;
	if (b < 0x40 && (b & 7) <= 1 && (b >> 3) != 7)
		return 1;			/* add or adc sbb and sub xor r/m, r */
	if (b >= 0x80 && b <= 0x83)
		return reg != 7;		/* group 1 but cmp */
	if (b == 0x86 || b == 0x87)
		return 1;
	if (b == 0xf6 || b == 0xf7)
		return reg == 2 || reg == 3;	/* not neg */
	if (b == 0xfe || b == 0xff)
		return reg <= 1;		/* inc dec */
	return 0;
}

/*
 * LOCK on anything but the memory forms of the SDM's list is #UD (vol. 2,
 * "LOCK": "An undefined opcode exception will be generated if the LOCK
 * prefix is used with any instruction not in the above list", and with a
 * register destination).  Capstone 4 does not check.  Excused when the
 * bytes without their F0 prefixes decode in Capstone to the same length
 * minus the F0s, and the form is not lockable.
 */
static int lock_misplaced(const uint8_t *c, size_t avail, const struct dt_insn *in)
{
	size_t np = npfx(c, avail), k = 0, nlock = 0;
	uint8_t v[16];
	(void)in;
	if (np >= avail || !has_prefix(c, np, 0xf0))
		return 0;
	for (size_t i = 0; i < 16 && i < avail; i++) {
		if (i < np && c[i] == 0xf0) {
			nlock++;
			continue;
		}
		v[k++] = c[i];
	}
	while (k < 16)
		v[k++] = 0x90;
	return cmp_cs_len(v, 16) != 0 && !lockable(c, avail, np);
}

/*
 * SDM 2.3.2: "Any VEX-encoded instruction with a LOCK/66H/F2H/F3H/REX
 * prefix preceding VEX will #UD."  Capstone 4 ignores them.
 */
static int vex_after_legacy(const uint8_t *c, size_t avail, const struct dt_insn *in)
{
	size_t np = npfx(c, avail);
	(void)in;
	if (np + 1 >= avail || (c[np] != 0xc4 && c[np] != 0xc5) || (c[np + 1] >> 6) != 3)
		return 0;
	return has_prefix(c, np, 0x66) || has_prefix(c, np, 0xf2) ||
	       has_prefix(c, np, 0xf3) || has_prefix(c, np, 0xf0);
}

/* SDM "MOV - Move to/from Control Registers": #UD for CR1, CR5-CR7 (and CR8 outside 64-bit mode). */
static int cr_reserved(const uint8_t *c, size_t avail, const struct dt_insn *in)
{
	size_t np = npfx(c, avail);
	(void)in;
	if (np + 2 >= avail || c[np] != 0x0f || (c[np + 1] != 0x20 && c[np + 1] != 0x22))
		return 0;
	unsigned reg = (c[np + 2] >> 3) & 7;
	return reg == 1 || reg >= 5;
}

/* SDM "SWAPGS": #UD if not in 64-bit mode. */
static int swapgs32(const uint8_t *c, size_t avail, const struct dt_insn *in)
{
	size_t np = npfx(c, avail);
	(void)in;
	return np + 2 < avail && c[np] == 0x0f && c[np + 1] == 0x01 && c[np + 2] == 0xf8;
}

/* SDM table A-6: group 1A (8F) defines /0 (POP) only; /1-/7 are AMD's XOP. */
static int xop(const uint8_t *c, size_t avail, const struct dt_insn *in)
{
	size_t np = npfx(c, avail);
	(void)in;
	return np + 1 < avail && c[np] == 0x8f && ((c[np + 1] >> 3) & 7) != 0;
}

/*
 * SDM "UD": UD0 (0F FF /r) and UD1 (0F B9 /r) raise #UD always; hv reports
 * them invalid.  Capstone decodes them, without their ModRM.
 */
static int ud01(const uint8_t *c, size_t avail, const struct dt_insn *in)
{
	size_t np = npfx(c, avail);
	(void)in;
	return np + 1 < avail && c[np] == 0x0f && (c[np + 1] == 0xb9 || c[np + 1] == 0xff);
}

/* SDM table A-3: 0F 18 /4-7 and 0F 19-1F are NOP Ev, register forms too. */
static int hint_nop_reg(const uint8_t *c, size_t avail, const struct dt_insn *in)
{
	size_t np = npfx(c, avail);
	(void)in;
	return np + 2 < avail && c[np] == 0x0f && c[np + 1] >= 0x18 && c[np + 1] <= 0x1f &&
	       (c[np + 2] >> 6) == 3;
}

/*
 * 0F 0D /2 is PREFETCHWT1 (SDM); 0F 0D /0 is AMD's PREFETCH (3DNow, decoded
 * and flagged DT_F_3DNOW like the rest of 3DNow).  Capstone 4 has /1 only.
 */
static int prefetch_0d(const uint8_t *c, size_t avail, const struct dt_insn *in)
{
	size_t np = npfx(c, avail);
	(void)in;
	if (np + 2 >= avail || c[np] != 0x0f || c[np + 1] != 0x0d || (c[np + 2] >> 6) == 3)
		return 0;
	unsigned reg = (c[np + 2] >> 3) & 7;
	return reg == 0 || reg == 2;
}

/* SDM MOV: "Attempting to load the CS register [with MOV] results in #UD". */
static int mov_to_cs(const uint8_t *c, size_t avail, const struct dt_insn *in)
{
	size_t np = npfx(c, avail);
	(void)in;
	return np + 1 < avail && c[np] == 0x8e && ((c[np + 1] >> 3) & 7) == 1;
}

/*
 * SDM table A-6, group 15 with mod = 11: /5 LFENCE, /6 MFENCE, /7 SFENCE by
 * ModRM.reg alone (the r/m field is not decoded).  Capstone 4 wants r/m 0.
 */
static int fence_rm(const uint8_t *c, size_t avail, const struct dt_insn *in)
{
	size_t np = npfx(c, avail);
	(void)in;
	if (np + 2 >= avail || c[np] != 0x0f || c[np + 1] != 0xae)
		return 0;
	uint8_t m = c[np + 2];
	return (m >> 6) == 3 && ((m >> 3) & 7) >= 5 && (m & 7) != 0;
}

/* The VEX prefix of an instruction: map (1-3), opcode, W; 0 if none. */
static int vex_of(const uint8_t *c, size_t avail, unsigned *map, unsigned *op, unsigned *w)
{
	size_t np = npfx(c, avail);
	if (np + 4 >= avail || (c[np + 1] >> 6) != 3)
		return 0;
	if (c[np] == 0xc5) {
		*map = 1, *w = 0, *op = c[np + 2];
		return 1;
	}
	if (c[np] == 0xc4) {
		*map = c[np + 1] & 31, *w = c[np + 2] >> 7, *op = c[np + 3];
		return 1;
	}
	return 0;
}

/*
 * SDM: these VEX instructions are ".W0" and their pages list "#UD if
 * VEX.W = 1" (vpermilps/pd, vtestps/pd, vcvtph2ps, vpermps, vbroadcast*,
 * vmaskmovps/pd, vpermd, vpsravd, vpbroadcast*, vpblendd, vperm2f128,
 * vinsertf128, vextractf128, vcvtps2ph, vinserti128, vextracti128,
 * vperm2i128, vblendvps/pd, vpblendvb).  Capstone 4 ignores VEX.W there.
 */
static int vex_w1(const uint8_t *c, size_t avail, const struct dt_insn *in)
{
	static const uint8_t m2[] = { 0x0c, 0x0d, 0x0e, 0x0f, 0x13, 0x16, 0x18, 0x19, 0x1a,
				      0x2c, 0x2d, 0x2e, 0x2f, 0x36, 0x46, 0x58, 0x59, 0x5a,
				      0x78, 0x79 };
	static const uint8_t m3[] = { 0x02, 0x04, 0x05, 0x06, 0x18, 0x19, 0x1d, 0x38, 0x39,
				      0x46, 0x4a, 0x4b, 0x4c };
	unsigned map, op, w;
	(void)in;
	if (!vex_of(c, avail, &map, &op, &w) || !w)
		return 0;
	if (map == 2)
		return memchr(m2, (int)op, sizeof m2) != NULL;
	if (map == 3)
		return memchr(m3, (int)op, sizeof m3) != NULL;
	return 0;
}

/* AMD FMA4 and XOP-in-VEX (0F 3A 48 49 5C-5F 68-6F 78-7F): not in the SDM, #UD on Intel. */
static int fma4(const uint8_t *c, size_t avail, const struct dt_insn *in)
{
	unsigned map, op, w;
	(void)in;
	if (!vex_of(c, avail, &map, &op, &w) || map != 3)
		return 0;
	return op == 0x48 || op == 0x49 || (op >= 0x5c && op <= 0x5f) ||
	       (op >= 0x68 && op <= 0x6f) || (op >= 0x78 && op <= 0x7f);
}

/* SDM VBROADCASTI128: VEX.256.66.0F38.W0 5A /r (memory form); Capstone 4 lacks it. */
static int vbroadcasti128(const uint8_t *c, size_t avail, const struct dt_insn *in)
{
	unsigned map, op, w;
	(void)in;
	return vex_of(c, avail, &map, &op, &w) && map == 2 && op == 0x5a && !w;
}

/*
 * 3DNow: Capstone 4 takes 0F 0F with suffix 0E as FEMMS (whose encoding is
 * 0F 0E); AMD's 3DNow manual defines no suffix 0E.
 */
static int femms_3dnow(const uint8_t *c, size_t avail, const struct dt_insn *in)
{
	size_t np = npfx(c, avail);
	(void)in;
	return np + 1 < avail && c[np] == 0x0f && c[np + 1] == 0x0f &&
	       !strncmp(cmp_cs_mnemonic(), "femms", 5);
}

/* VIA PadLock (0F A6 C0/C8/D0, 0F A7 C0-E8): not in the SDM, #UD on Intel. */
static int padlock(const uint8_t *c, size_t avail, const struct dt_insn *in)
{
	size_t np = npfx(c, avail);
	(void)in;
	if (np + 2 >= avail || c[np] != 0x0f)
		return 0;
	uint8_t m = c[np + 2];
	return (c[np + 1] == 0xa6 && (m == 0xc0 || m == 0xc8 || m == 0xd0)) ||
	       (c[np + 1] == 0xa7 && m >= 0xc0 && m <= 0xe8 && (m & 7) == 0);
}

/*
 * 62 with mod = 11: BOUND with a register operand is #UD (SDM BOUND); on
 * AVX-512 CPUs it is the EVEX prefix, which hv does not support (AVX-512
 * state is never enabled for the guest).  Capstone 4 decodes EVEX.
 */
static int evex(const uint8_t *c, size_t avail, const struct dt_insn *in)
{
	size_t np = npfx(c, avail);
	(void)in;
	return np + 1 < avail && c[np] == 0x62 && (c[np + 1] >> 6) == 3;
}

const struct cs_exception cs_exceptions[] = {
	{ "evex-62", "SDM BOUND: #UD with a register operand (EVEX not supported)",
	  CMP_CS_ONLY, evex },
	{ "via-padlock", "not in the SDM: VIA PadLock 0F A6/A7 is #UD on Intel",
	  CMP_CS_ONLY, padlock },
	{ "vex-w1-where-w0", "SDM: #UD if VEX.W = 1 for these .W0 instructions",
	  CMP_CS_ONLY, vex_w1 },
	{ "amd-fma4", "not in the SDM: AMD FMA4 is #UD on Intel CPUs", CMP_CS_ONLY, fma4 },
	{ "vbroadcasti128", "SDM VBROADCASTI128 VEX.256.66.0F38.W0 5A /r",
	  CMP_WE_ONLY, vbroadcasti128 },
	{ "3dnow-suffix-0e", "AMD 3DNow manual: no suffix 0E (FEMMS is 0F 0E)",
	  CMP_CS_ONLY, femms_3dnow },
	{ "mov-to-cs", "SDM MOV: MOV to CS is #UD", CMP_CS_ONLY, mov_to_cs },
	{ "fence-rm-nonzero", "SDM table A-6 group 15: fences are selected by reg only",
	  CMP_WE_ONLY, fence_rm },
	{ "prefix-order", "SDM 2.1.1: legacy prefixes may come in any order",
	  CMP_CS_ONLY, prefix_order },
	{ "prefix-order", "SDM 2.1.1: legacy prefixes may come in any order",
	  CMP_WE_ONLY, prefix_order },
	{ "prefix-order", "SDM 2.1.1: legacy prefixes may come in any order",
	  CMP_LENGTH, prefix_order },
	{ "lock-misplaced", "SDM LOCK: #UD unless a listed instruction with a memory destination",
	  CMP_CS_ONLY, lock_misplaced },
	{ "vex-after-legacy-prefix", "SDM 2.3.2: LOCK/66/F2/F3 before VEX is #UD",
	  CMP_CS_ONLY, vex_after_legacy },
	{ "mov-cr-reserved", "SDM MOV CRn: CR1, CR5-CR7 (CR8 in 32-bit mode) are #UD",
	  CMP_CS_ONLY, cr_reserved },
	{ "swapgs-32bit", "SDM SWAPGS: #UD outside 64-bit mode",
	  CMP_CS_ONLY, swapgs32 },
	{ "xop-8f", "SDM table A-6: 8F /1-/7 undefined (AMD XOP)",
	  CMP_CS_ONLY, xop },
	{ "ud0-ud1", "SDM UD: 0F B9 /r and 0F FF /r always #UD; hv reports invalid",
	  CMP_CS_ONLY, ud01 },
	{ "hint-nop-register-form", "SDM table A-3: 0F 18-1F register forms are NOPs",
	  CMP_WE_ONLY, hint_nop_reg },
	{ "prefetch-0f0d", "SDM PREFETCHWT1 0F 0D /2; AMD PREFETCH 0F 0D /0",
	  CMP_WE_ONLY, prefetch_0d },
};
const unsigned cs_nexceptions = sizeof cs_exceptions / sizeof cs_exceptions[0];
