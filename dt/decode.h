/*
 * dt/decode.h: the IA-32 instruction decoder (32-bit code segments, with
 * the 0x66 operand-size and 0x67 address-size prefixes).
 *
 * Follows the Intel SDM vol. 2, chapter 2 (instruction format: prefixes,
 * opcode, ModRM, SIB, displacement, immediate; VEX) and appendix A (opcode
 * maps).  The decoder is table driven (dt/decode_tab.h describes the
 * tables); it tells the translator an instruction's length, its parts
 * with their byte offsets, and the class of the instruction (control flow,
 * privileged, sensitive, memory accesses...).  It never touches memory
 * beyond code[avail - 1] and never reads more than 15 bytes.
 *
 * dt_print() renders Intel syntax ("mov eax, dword ptr [ebx + 4]").
 */
#ifndef DT_DECODE_H
#define DT_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DT_MAX_LEN 15	/* SDM 2.3.11: longer instructions raise #GP */

enum dt_status {
	DT_OK,
	DT_INVALID,	/* #UD: undefined opcode, bad ModRM form, misplaced LOCK */
	DT_TOO_LONG,	/* > 15 bytes: #GP(0) */
	DT_TRUNCATED,	/* ran out of bytes (avail) before the end */
};

/* Opcode maps (SDM A.2 - A.3).  opcode is the byte that selects the entry. */
enum dt_map {
	DT_MAP_1B,	/* one-byte map, including x87 D8-DF */
	DT_MAP_0F,
	DT_MAP_0F38,
	DT_MAP_0F3A,
	DT_MAP_3DNOW,	/* 0F 0F modrm ... suffix: opcode holds the suffix */
	DT_MAP_VEX_0F,	/* VEX (C4/C5) maps 1-3 */
	DT_MAP_VEX_0F38,
	DT_MAP_VEX_0F3A,
};

/* Legacy prefixes present (dt_insn.prefixes). */
#define DT_P_LOCK	0x01	/* F0 */
#define DT_P_REP	0x02	/* F3 (the last of F2/F3 wins) */
#define DT_P_REPNE	0x04	/* F2 */
#define DT_P_OPSIZE	0x08	/* 66 */
#define DT_P_ADSIZE	0x10	/* 67 */
#define DT_P_SEG	0x20	/* a segment override: dt_insn.seg_override */
#define DT_P_VEX	0x40	/* VEX prefix (C4/C5): see dt_insn.vex */
#define DT_P_MANDATORY	0x80	/* the 66/F2/F3 prefix selected an SSE opcode
				   (dt_insn.mandatory), it is not rep/opsize */

/* Segment registers, in their ModRM.reg / sreg encoding order. */
enum dt_seg { DT_ES, DT_CS, DT_SS, DT_DS, DT_FS, DT_GS, DT_SEG_NONE = 7 };

/* General registers by encoding; also the 16-bit bases BX=3 BP=5 SI=6 DI=7. */
enum dt_reg {
	DT_EAX, DT_ECX, DT_EDX, DT_EBX, DT_ESP, DT_EBP, DT_ESI, DT_EDI,
	DT_REG_NONE = 0xff
};

/* Control-flow kinds (dt_insn.cf).  Everything but DT_CF_NONE ends a block. */
enum dt_cf {
	DT_CF_NONE,
	DT_CF_JCC,		/* 7x rel8, 0F 8x rel16/32 */
	DT_CF_JMP_REL,		/* EB, E9 */
	DT_CF_CALL_REL,		/* E8 */
	DT_CF_JMP_IND,		/* FF /4 (reg or mem) */
	DT_CF_CALL_IND,		/* FF /2 (reg or mem) */
	DT_CF_RET,		/* C3 */
	DT_CF_RET_IMM,		/* C2 iw */
	DT_CF_JMP_FAR,		/* EA ptr16:16/32 (imm = offset, imm2 = selector) */
	DT_CF_JMP_FAR_IND,	/* FF /5 m16:16/32 */
	DT_CF_CALL_FAR,		/* 9A ptr16:16/32 */
	DT_CF_CALL_FAR_IND,	/* FF /3 m16:16/32 */
	DT_CF_RETF,		/* CB */
	DT_CF_RETF_IMM,		/* CA iw */
	DT_CF_IRET,		/* CF */
	DT_CF_LOOP,		/* E2 */
	DT_CF_LOOPE,		/* E1 */
	DT_CF_LOOPNE,		/* E0 */
	DT_CF_JCXZ,		/* E3: jecxz, or jcxz with 67 */
	DT_CF_INT,		/* CD ib */
	DT_CF_INT3,		/* CC */
	DT_CF_INTO,		/* CE */
	DT_CF_INT1,		/* F1 (icebp) */
	DT_CF_SYSENTER,		/* 0F 34 */
	DT_CF_SYSEXIT,		/* 0F 35 */
	DT_CF_SYSCALL,		/* 0F 05 (AMD; #UD on Intel in 32-bit mode) */
	DT_CF_SYSRET,		/* 0F 07 */
	DT_CF_UD,		/* 0F 0B ud2, 0F B9 ud1, 0F FF ud0 */
	DT_CF_HLT,		/* F4 */
	DT_CF_XBEGIN,		/* C7 F8 rel: TSX, branches on abort */
	DT_CF_RSM,		/* 0F AA */
};

/* Class flags (dt_insn.flags). */
#define DT_F_PRIV	(1u << 0)  /* CPL 0 only (or IOPL-checked: I/O, CLI/STI) */
#define DT_F_SENS	(1u << 1)  /* runs at ring 1 but shows or changes state
				      the guest must not see (POPF, SGDT...) */
#define DT_F_GS		(1u << 2)  /* uses %gs: prefix, or push/pop/mov/lgs */
#define DT_F_WSEG	(1u << 3)  /* loads a segment register: dt_insn.wseg */
#define DT_F_RIF	(1u << 4)  /* reads EFLAGS.IF (pushf, int) */
#define DT_F_WIF	(1u << 5)  /* writes EFLAGS.IF (cli sti popf iret int) */
#define DT_F_IO		(1u << 6)  /* in out ins outs */
#define DT_F_MREAD	(1u << 7)  /* reads memory (explicit or implicit:
				      stack, string source, xlat...) */
#define DT_F_MWRITE	(1u << 8)  /* writes memory (incl. pushes) */
#define DT_F_STRING	(1u << 9)  /* string instruction: dt_insn.str */
#define DT_F_MEM	(1u << 10) /* has a ModRM or moffs memory operand: mem */
#define DT_F_STACK	(1u << 11) /* implicit stack access (push pop call...) */
#define DT_F_X87	(1u << 12)
#define DT_F_SIMD	(1u << 13) /* MMX, SSE*, 3DNow, VEX */
#define DT_F_BLOCK_END	(1u << 14) /* cf != DT_CF_NONE */
#define DT_F_3DNOW	(1u << 15) /* AMD 3DNow (0F 0F): #UD on Intel CPUs */
#define DT_F_RSEG	(1u << 16) /* reads a segment register value
				      (push sreg, mov r/m, sreg) */

/* String instructions (dt_insn.str). */
enum dt_str {
	DT_STR_NONE, DT_STR_MOVS, DT_STR_CMPS, DT_STR_STOS, DT_STR_LODS,
	DT_STR_SCAS, DT_STR_INS, DT_STR_OUTS
};

/* The ModRM or moffs memory operand (valid when flags & DT_F_MEM). */
struct dt_mem {
	uint8_t seg;		/* effective segment: override, else SS for an
				   ESP/EBP (BP) base, else DS */
	uint8_t base;		/* dt_reg or DT_REG_NONE */
	uint8_t index;		/* dt_reg or DT_REG_NONE */
	uint8_t scale;		/* 1, 2, 4 or 8 */
	uint8_t disp_size;	/* 0, 1, 2 or 4 bytes */
	uint8_t disp_off;	/* byte offset of the displacement in the insn */
	uint8_t addr16;		/* 16-bit addressing (0x67) */
	uint8_t pad;
	int32_t disp;		/* sign-extended (moffs and disp16/32: as is) */
};

struct dt_entry;

struct dt_insn {
	uint8_t len;		/* total length in bytes */
	uint8_t status;		/* enum dt_status of the decode */
	uint8_t prefixes;	/* DT_P_* */
	uint8_t seg_override;	/* dt_seg, or DT_SEG_NONE (last one wins) */
	uint8_t nprefix;	/* number of legacy prefix bytes */
	uint8_t mandatory;	/* 0, 0x66, 0xF2 or 0xF3 when DT_P_MANDATORY */
	uint8_t map;		/* enum dt_map */
	uint8_t opcode;		/* opcode byte within the map */
	uint8_t opsize;		/* operand size: 2 or 4 */
	uint8_t adsize;		/* address size: 2 or 4 */
	uint8_t has_modrm;
	uint8_t modrm;		/* the raw byte, and its fields: */
	uint8_t mod, reg, rm;
	uint8_t modrm_off;	/* byte offset of ModRM in the insn */
	uint8_t has_sib;
	uint8_t sib;
	uint8_t imm_size;	/* 0, 1, 2 or 4 */
	uint8_t imm_off;
	uint8_t imm2_size;	/* second immediate: ENTER ib, far-pointer selector */
	uint8_t imm2_off;
	uint8_t rel_size;	/* relative branch displacement: 0, 1, 2 or 4 */
	uint8_t rel_off;
	uint8_t cf;		/* enum dt_cf */
	uint8_t wseg;		/* segment register written (DT_F_WSEG), else
				   DT_SEG_NONE; CS for far branches/int/iret */
	uint8_t str;		/* enum dt_str */
	uint8_t vex;		/* VEX: bit 0-4 mmmmm, bit 5 L, bit 6 W */
	uint8_t vex_pp;		/* VEX: pp (0 none, 1 66, 2 F3, 3 F2) */
	uint8_t vex_vvvv;	/* VEX: vvvv, un-inverted */
	uint8_t pad[2];
	uint32_t flags;		/* DT_F_* */
	uint32_t imm;		/* value as used: imm8 sign-extended where the
				   instruction sign-extends it, else zero-extended;
				   far pointer: the offset */
	uint32_t imm2;		/* ENTER: the nesting level; far pointer: selector */
	int32_t rel;		/* relative branch displacement, sign-extended;
				   target = (eip + len + rel), masked to 16 bits
				   when opsize == 2 */
	struct dt_mem mem;
	const struct dt_entry *ent;	/* table entry (for the printer) */
};

enum dt_status dt_decode(const uint8_t *code, size_t avail, struct dt_insn *out);

/* Mnemonic (Intel, lower case) of a successfully decoded instruction. */
const char *dt_mnemonic(const struct dt_insn *in);

/* Branch target of a relative branch (rel_size != 0). */
uint32_t dt_rel_target(const struct dt_insn *in, uint32_t eip);

/*
 * Intel-syntax text of a decoded instruction at eip, NUL-terminated,
 * truncated to size - 1 characters; returns the length the whole text
 * would have (like snprintf).  Never writes past buf[size - 1].
 */
int dt_print(const struct dt_insn *in, uint32_t eip, char *buf, size_t size);

#endif
