/*
 * tests/edge_cases.c: hand-written decoder cases whose expectations come
 * from the Intel SDM vol. 2 (chapter 2 and the instruction pages), not from
 * hv's decoder: prefix soup, the 15-byte limit, LOCK rules, VEX versus
 * LES/LDS, 16-bit addressing, x87, SSE mandatory prefixes, 3DNow, group
 * opcodes with undefined reg fields, MOV CR/DR, and the class bits the
 * translator relies on.  Each case is also compared with Capstone (a
 * disagreement must be in cs_exceptions.c), and dt_print must stay inside
 * its buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/decoder_cmp.h"

#define X (-1)		/* not checked */
#define OK DT_OK
#define UD DT_INVALID
#define GP DT_TOO_LONG
#define TR DT_TRUNCATED

struct edge {
	const char *what;
	const char *hex;
	int st, len;
	int cf;			/* enum dt_cf or X */
	uint32_t set;		/* flags that must be set */
	uint32_t clear;		/* flags that must be clear */
	int wseg;		/* X, or the segment written */
	int mseg;		/* X, or the memory operand's segment */
	int disp_off, imm_off;	/* X or offsets */
};

static const struct edge cases[] = {
	/* prefixes and the 15-byte limit (SDM 2.1.1, 2.3.11) */
	{ "14 prefixes + nop = 15 bytes", "66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", OK, 15, X, 0, 0, X, X, X, X },
	{ "15 prefixes + nop = 16 bytes: #GP", "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", GP, X, X, 0, 0, X, X, X, X },
	{ "add eax, imm32 at 16 bytes: #GP", "26 2e 36 3e 64 65 67 3e 3e 3e 3e 81 c0 01 02 03 04", GP, X, X, 0, 0, X, X, X, X },
	{ "prefix soup, last segment wins", "26 2e 64 8b 00", OK, 5, X, 0, DT_F_GS, X, DT_FS, X, X },
	{ "gs override sets GS flag", "65 a1 10 00 00 00", OK, 6, X, DT_F_GS | DT_F_MEM | DT_F_MREAD, 0, X, DT_GS, 2, X },
	{ "truncated modrm", "8b", TR, X, X, 0, 0, X, X, X, X },
	{ "truncated imm32", "b8 01 02", TR, X, X, 0, 0, X, X, X, X },
	{ "66: imm16", "66 b8 34 12", OK, 4, X, 0, 0, X, X, X, 2 },
	{ "66 f3 on movs: rep movsw", "66 f3 a5", OK, 3, X, DT_F_STRING | DT_F_MREAD | DT_F_MWRITE, 0, X, X, X, X },
	/* LOCK (SDM vol. 2 LOCK) */
	{ "lock add [mem], reg", "f0 01 03", OK, 3, X, DT_F_MWRITE, 0, X, X, X, X },
	{ "lock add reg, reg: #UD", "f0 01 c3", UD, X, X, 0, 0, X, X, X, X },
	{ "lock add reg, [mem]: #UD", "f0 03 03", UD, X, X, 0, 0, X, X, X, X },
	{ "lock mov: #UD", "f0 89 03", UD, X, X, 0, 0, X, X, X, X },
	{ "lock cmp [mem], imm: #UD", "f0 83 38 01", UD, X, X, 0, 0, X, X, X, X },
	{ "lock xchg [mem], reg", "f0 87 03", OK, 3, X, 0, 0, X, X, X, X },
	{ "lock cmpxchg8b", "f0 0f c7 0e", OK, 4, X, 0, 0, X, X, X, X },
	{ "lock btc [mem], imm", "f0 0f ba 38 05", OK, 5, X, 0, 0, X, X, X, 4 },
	{ "lock bt [mem], imm: #UD", "f0 0f ba 20 05", UD, X, X, 0, 0, X, X, X, X },
	{ "lock nop: #UD", "f0 90", UD, X, X, 0, 0, X, X, X, X },
	{ "lock not [mem]", "f0 f7 10", OK, 3, X, 0, 0, X, X, X, X },
	{ "lock xadd [mem], reg", "f0 0f c1 03", OK, 4, X, 0, 0, X, X, X, X },
	/* VEX vs LES/LDS (SDM 2.3.5) */
	{ "c5 with mod!=11 is lds", "c5 06", OK, 2, X, DT_F_WSEG | DT_F_SENS | DT_F_MREAD, 0, DT_DS, DT_DS, X, X },
	{ "c4 with mod!=11 is les", "c4 46 08", OK, 3, X, DT_F_WSEG, 0, DT_ES, DT_DS, 2, X },
	{ "les [ebp+8] uses SS", "c4 45 08", OK, 3, X, DT_F_WSEG, 0, DT_ES, DT_SS, 2, X },
	{ "lds with register: #UD", "8d c0", UD, X, X, 0, 0, X, X, X, X },
	{ "vzeroupper", "c5 f8 77", OK, 3, X, DT_F_SIMD, 0, X, X, X, X },
	{ "vaddps ymm", "c5 f4 58 c2", OK, 4, X, DT_F_SIMD, 0, X, X, X, X },
	{ "vpshufd imm8", "c5 f9 70 c1 1b", OK, 5, X, 0, 0, X, X, X, 4 },
	{ "66 before VEX: #UD", "66 c5 f8 77", UD, X, X, 0, 0, X, X, X, X },
	{ "VEX map 0: #UD", "c4 e0 78 77", UD, X, X, 0, 0, X, X, X, X },
	/* ModRM/SIB forms (SDM tables 2-1, 2-2, 2-3) */
	{ "[ebp+disp8] defaults to SS", "8b 45 08", OK, 3, X, DT_F_MEM, 0, X, DT_SS, 2, X },
	{ "[esp] via SIB defaults to SS", "8b 04 24", OK, 3, X, 0, 0, X, DT_SS, X, X },
	{ "disp32 alone is DS", "8b 05 00 10 00 00", OK, 6, X, 0, 0, X, DT_DS, 2, X },
	{ "SIB base 101 mod 00: disp32", "8b 04 ad 00 10 00 00", OK, 7, X, 0, 0, X, DT_DS, 3, X },
	{ "SIB no index, ebp base + disp32", "8b 84 25 00 10 00 00", OK, 7, X, 0, 0, X, DT_SS, 3, X },
	{ "16-bit [bp+si]", "67 8b 02", OK, 3, X, 0, 0, X, DT_SS, X, X },
	{ "16-bit [bx+di+disp8]", "67 8b 41 10", OK, 4, X, 0, 0, X, DT_DS, 3, X },
	{ "16-bit disp16", "67 8b 06 34 12", OK, 5, X, 0, 0, X, DT_DS, 3, X },
	{ "16-bit [bp+disp16]", "67 8b 86 34 12", OK, 5, X, 0, 0, X, DT_SS, 3, X },
	{ "16-bit [si] with mod 00 rm 100", "67 8b 04", OK, 3, X, 0, 0, X, DT_DS, X, X },
	{ "moffs32", "a1 78 56 34 12", OK, 5, X, DT_F_MEM | DT_F_MREAD, 0, X, DT_DS, 1, X },
	{ "moffs16 with 67", "67 a3 34 12", OK, 4, X, DT_F_MWRITE, 0, X, X, 2, X },
	/* immediates */
	{ "enter iw, ib", "c8 10 00 01", OK, 4, X, DT_F_STACK | DT_F_MWRITE, 0, X, X, X, 1 },
	{ "far jmp ptr16:32", "ea 78 56 34 12 08 00", OK, 7, DT_CF_JMP_FAR, DT_F_SENS | DT_F_WSEG, 0, DT_CS, X, X, 1 },
	{ "far call ptr16:16 with 66", "66 9a 34 12 08 00", OK, 6, DT_CF_CALL_FAR, 0, 0, X, X, X, X },
	{ "imul r, r/m, imm8", "6b c0 ff", OK, 3, X, 0, 0, X, X, X, 2 },
	{ "f6 /0 test imm8", "f6 c0 01", OK, 3, X, 0, 0, X, X, X, 2 },
	{ "f7 /0 test imm32", "f7 c0 01 00 00 00", OK, 6, X, 0, 0, X, X, X, 2 },
	{ "f7 /2 not has no imm", "f7 d0", OK, 2, X, 0, 0, X, X, X, X },
	/* control flow (SDM JMP/CALL/RET/Jcc/LOOP/INT/IRET) */
	{ "jcc rel8", "74 fe", OK, 2, DT_CF_JCC, DT_F_BLOCK_END, 0, X, X, X, X },
	{ "jcc rel32", "0f 84 00 00 00 00", OK, 6, DT_CF_JCC, 0, 0, X, X, X, X },
	{ "jcc rel16 with 66", "66 0f 84 00 00", OK, 5, DT_CF_JCC, 0, 0, X, X, X, X },
	{ "call rel32", "e8 00 00 00 00", OK, 5, DT_CF_CALL_REL, DT_F_STACK | DT_F_MWRITE, 0, X, X, X, X },
	{ "jmp [mem]", "ff 25 00 10 00 00", OK, 6, DT_CF_JMP_IND, DT_F_MREAD, 0, X, X, X, X },
	{ "call reg", "ff d0", OK, 2, DT_CF_CALL_IND, 0, 0, X, X, X, X },
	{ "call far m16:32", "ff 18", OK, 2, DT_CF_CALL_FAR_IND, DT_F_SENS, 0, X, X, X, X },
	{ "jmp far reg: #UD", "ff e8", UD, X, X, 0, 0, X, X, X, X },
	{ "ff /7: #UD", "ff 38", UD, X, X, 0, 0, X, X, X, X },
	{ "ret imm16", "c2 08 00", OK, 3, DT_CF_RET_IMM, 0, 0, X, X, X, 1 },
	{ "retf", "cb", OK, 1, DT_CF_RETF, DT_F_SENS, 0, X, X, X, X },
	{ "iretd", "cf", OK, 1, DT_CF_IRET, DT_F_PRIV | DT_F_WIF, 0, X, X, X, X },
	{ "loop", "e2 fe", OK, 2, DT_CF_LOOP, 0, 0, X, X, X, X },
	{ "jcxz with 67", "67 e3 fe", OK, 3, DT_CF_JCXZ, 0, 0, X, X, X, X },
	{ "int 0x80", "cd 80", OK, 2, DT_CF_INT, DT_F_SENS, 0, X, X, X, 1 },
	{ "int3", "cc", OK, 1, DT_CF_INT3, 0, 0, X, X, X, X },
	{ "into", "ce", OK, 1, DT_CF_INTO, 0, 0, X, X, X, X },
	{ "sysenter", "0f 34", OK, 2, DT_CF_SYSENTER, 0, 0, X, X, X, X },
	{ "sysexit", "0f 35", OK, 2, DT_CF_SYSEXIT, DT_F_PRIV, 0, X, X, X, X },
	{ "ud2", "0f 0b", OK, 2, DT_CF_UD, 0, 0, X, X, X, X },
	{ "hlt", "f4", OK, 1, DT_CF_HLT, DT_F_PRIV, 0, X, X, X, X },
	{ "ud1 always #UD", "0f b9 c0", UD, X, X, 0, 0, X, X, X, X },
	/* privileged and sensitive (design brief classes) */
	{ "cli", "fa", OK, 1, DT_CF_NONE, DT_F_PRIV | DT_F_WIF, DT_F_BLOCK_END, X, X, X, X },
	{ "pushfd", "9c", OK, 1, X, DT_F_SENS | DT_F_RIF | DT_F_MWRITE, 0, X, X, X, X },
	{ "popfd", "9d", OK, 1, X, DT_F_SENS | DT_F_WIF | DT_F_MREAD, 0, X, X, X, X },
	{ "sgdt", "0f 01 00", OK, 3, X, DT_F_SENS | DT_F_MWRITE, DT_F_MREAD, X, X, X, X },
	{ "lgdt", "0f 01 10", OK, 3, X, DT_F_PRIV | DT_F_MREAD, 0, X, X, X, X },
	{ "lgdt reg: #UD", "0f 01 d0 ", OK, 3, X, 0, 0, X, X, X, X },	/* xgetbv */
	{ "invlpg", "0f 01 38", OK, 3, X, DT_F_PRIV, DT_F_MREAD | DT_F_MWRITE, X, X, X, X },
	{ "smsw reg", "0f 01 e0", OK, 3, X, DT_F_SENS, 0, X, X, X, X },
	{ "str", "0f 00 c8", OK, 3, X, DT_F_SENS, 0, X, X, X, X },
	{ "0f 00 /6: #UD", "0f 00 30", UD, X, X, 0, 0, X, X, X, X },
	{ "mov cr0, eax", "0f 22 c0", OK, 3, X, DT_F_PRIV, 0, X, X, X, X },
	{ "mov eax, cr3 with mod 00 (mod ignored)", "0f 20 18", OK, 3, X, DT_F_PRIV, DT_F_MEM, X, X, X, X },
	{ "mov cr1: #UD", "0f 22 c8", UD, X, X, 0, 0, X, X, X, X },
	{ "mov cr8 in 32-bit: #UD", "f0 0f 20 c0", UD, X, X, 0, 0, X, X, X, X },
	{ "mov dr7, eax", "0f 23 f8", OK, 3, X, DT_F_PRIV, 0, X, X, X, X },
	{ "push cs", "0e", OK, 1, X, DT_F_SENS, 0, X, X, X, X },
	{ "mov eax, ss", "8c d0", OK, 2, X, DT_F_SENS | DT_F_RSEG, 0, X, X, X, X },
	{ "mov eax, ds (not sensitive)", "8c d8", OK, 2, X, DT_F_RSEG, DT_F_SENS, X, X, X, X },
	{ "mov ss, ax", "8e d0", OK, 2, X, DT_F_SENS | DT_F_WSEG, 0, DT_SS, X, X, X },
	{ "mov gs, ax", "8e e8", OK, 2, X, DT_F_GS | DT_F_WSEG, 0, DT_GS, X, X, X },
	{ "mov cs, ax: #UD", "8e c8", UD, X, X, 0, 0, X, X, X, X },
	{ "mov sreg 6: #UD", "8e f0", UD, X, X, 0, 0, X, X, X, X },
	{ "push gs", "0f a8", OK, 2, X, DT_F_GS, 0, X, X, X, X },
	{ "pop ss", "17", OK, 1, X, DT_F_WSEG | DT_F_SENS, 0, DT_SS, X, X, X },
	{ "lss", "0f b2 00", OK, 3, X, DT_F_WSEG | DT_F_SENS, 0, DT_SS, X, X, X },
	{ "lgs", "0f b5 00", OK, 3, X, DT_F_GS | DT_F_WSEG, 0, DT_GS, X, X, X },
	{ "cpuid", "0f a2", OK, 2, X, DT_F_SENS, 0, X, X, X, X },
	{ "rdtsc", "0f 31", OK, 2, X, DT_F_SENS, 0, X, X, X, X },
	{ "wrmsr", "0f 30", OK, 2, X, DT_F_PRIV, 0, X, X, X, X },
	{ "in al, dx", "ec", OK, 1, X, DT_F_IO | DT_F_PRIV, 0, X, X, X, X },
	{ "rep outsb", "f3 6e", OK, 2, X, DT_F_IO | DT_F_STRING | DT_F_MREAD, 0, X, X, X, X },
	{ "lar", "0f 02 c0", OK, 3, X, DT_F_SENS, 0, X, X, X, X },
	/* x87 (SDM A.5) */
	{ "fld dword [eax]", "d9 00", OK, 2, X, DT_F_X87 | DT_F_MREAD, 0, X, X, X, X },
	{ "fstp qword [esp+8]", "dd 5c 24 08", OK, 4, X, DT_F_X87 | DT_F_MWRITE, 0, X, DT_SS, 3, X },
	{ "d9 /1 mem: #UD", "d9 08", UD, X, X, 0, 0, X, X, X, X },
	{ "fnstsw ax", "df e0", OK, 2, X, DT_F_X87, 0, X, X, X, X },
	{ "df e1: #UD", "df e1", UD, X, X, 0, 0, X, X, X, X },
	{ "fucompp", "da e9", OK, 2, X, 0, 0, X, X, X, X },
	{ "d9 e2: #UD", "d9 e2", UD, X, X, 0, 0, X, X, X, X },
	{ "fsin", "d9 fe", OK, 2, X, 0, 0, X, X, X, X },
	/* SSE mandatory prefixes (SDM A.3 table A-3) */
	{ "movups", "0f 10 c1", OK, 3, X, DT_F_SIMD, 0, X, X, X, X },
	{ "movss", "f3 0f 10 c1", OK, 4, X, 0, 0, X, X, X, X },
	{ "movapd with 66", "66 0f 28 00", OK, 4, X, DT_F_MREAD, 0, X, X, X, X },
	{ "movdqu store", "f3 0f 7f 00", OK, 4, X, DT_F_MWRITE, 0, X, X, X, X },
	{ "punpcklqdq needs 66", "0f 6c c0", UD, X, X, 0, 0, X, X, X, X },
	{ "pshufb mmx", "0f 38 00 c1", OK, 4, X, 0, 0, X, X, X, X },
	{ "pblendw imm8", "66 0f 3a 0e c1 05", OK, 6, X, 0, 0, X, X, X, 5 },
	{ "crc32 r32, r/m8", "f2 0f 38 f0 c1", OK, 5, X, 0, 0, X, X, X, X },
	{ "movbe needs memory", "0f 38 f0 c1", UD, X, X, 0, 0, X, X, X, X },
	{ "popcnt", "f3 0f b8 c1", OK, 4, X, 0, 0, X, X, X, X },
	{ "pcmpistri", "66 0f 3a 63 c1 0c", OK, 6, X, 0, 0, X, X, X, 5 },
	{ "psrlw mm, imm8 (group 12)", "0f 71 d0 04", OK, 4, X, 0, 0, X, X, X, 3 },
	{ "group 12 memory form: #UD", "0f 71 10 04", UD, X, X, 0, 0, X, X, X, X },
	{ "group 12 /0: #UD", "0f 71 c0 04", UD, X, X, 0, 0, X, X, X, X },
	{ "movhlps (reg form of movlps)", "0f 12 c1", OK, 3, X, 0, 0, X, X, X, X },
	{ "lfence", "0f ae e8", OK, 3, X, 0, 0, X, X, X, X },
	{ "clflush", "0f ae 38", OK, 3, X, 0, 0, X, X, X, X },
	{ "cmpxchg8b reg: #UD", "0f c7 c8", UD, X, X, 0, 0, X, X, X, X },
	{ "rdrand", "0f c7 f0", OK, 3, X, 0, 0, X, X, X, X },
	/* 3DNow: decoded to length, flagged (Intel: #UD) */
	{ "3dnow pfadd", "0f 0f c1 9e", OK, 4, X, DT_F_3DNOW | DT_F_SIMD, 0, X, X, X, X },
	{ "3dnow with memory", "0f 0f 40 10 b4", OK, 5, X, DT_F_3DNOW | DT_F_MREAD, 0, X, X, X, X },
	{ "3dnow undefined suffix", "0f 0f c1 00", UD, X, X, 0, 0, X, X, X, X },
	/* group opcodes with undefined reg fields (SDM table A-6) */
	{ "8f /0 pop mem", "8f 00", OK, 2, X, DT_F_MWRITE | DT_F_STACK, 0, X, X, X, X },
	{ "c6 /1: #UD", "c6 08 00", UD, X, X, 0, 0, X, X, X, X },
	{ "fe /2: #UD", "fe 10", UD, X, X, 0, 0, X, X, X, X },
	{ "0f ba /0: #UD", "0f ba 00 01", UD, X, X, 0, 0, X, X, X, X },
	{ "0f c7 /0: #UD", "0f c7 00", UD, X, X, 0, 0, X, X, X, X },
	{ "undefined 0f 04", "0f 04", UD, X, X, 0, 0, X, X, X, X },
	{ "undefined 0f 3a ff", "66 0f 3a ff c0 00", UD, X, X, 0, 0, X, X, X, X },
	{ "lea needs memory", "8d c0", UD, X, X, 0, 0, X, X, X, X },
	{ "bound needs memory", "62 00", OK, 2, X, DT_F_MREAD, 0, X, X, X, X },
	{ "arpl", "63 c0", OK, 2, X, 0, 0, X, X, X, X },
	{ "salc (undocumented)", "d6", OK, 1, X, 0, 0, X, X, X, X },
	{ "xlat reads memory", "d7", OK, 1, X, DT_F_MREAD, 0, X, X, X, X },
	{ "lea does not access memory", "8d 04 24", OK, 3, X, DT_F_MEM, DT_F_MREAD | DT_F_MWRITE, X, X, X, X },
};

static int parse(const char *hex, uint8_t *b)
{
	int n = 0;
	char *end;
	while (n < 24) {
		unsigned long v = strtoul(hex, &end, 16);
		if (end == hex)
			break;
		b[n++] = (uint8_t)v;
		hex = end;
	}
	return n;
}

int run_edge_cases(int verbose)
{
	unsigned bad = 0, cs_cmp = 0, cs_excused = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct edge *e = &cases[i];
		uint8_t b[32];
		int n = parse(e->hex, b);
		struct cmp_result r;
		char why[160] = "";
		cmp_one(b, (size_t)n, &r);
		const struct dt_insn *in = &r.in;

		if ((int)in->status != e->st)
			snprintf(why, sizeof why, "status %d, want %d", in->status, e->st);
		else if (e->st == OK && e->len != X && in->len != e->len)
			snprintf(why, sizeof why, "length %u, want %d", in->len, e->len);
		else if (e->st == OK && e->cf != X && in->cf != e->cf)
			snprintf(why, sizeof why, "cf %u, want %d", in->cf, e->cf);
		else if (e->st == OK && (in->flags & e->set) != e->set)
			snprintf(why, sizeof why, "flags %#x lack %#x", in->flags, e->set & ~in->flags);
		else if (e->st == OK && (in->flags & e->clear))
			snprintf(why, sizeof why, "flags %#x have %#x", in->flags, in->flags & e->clear);
		else if (e->st == OK && e->wseg != X && in->wseg != e->wseg)
			snprintf(why, sizeof why, "wseg %u, want %d", in->wseg, e->wseg);
		else if (e->st == OK && e->mseg != X && in->mem.seg != e->mseg)
			snprintf(why, sizeof why, "memory segment %u, want %d", in->mem.seg, e->mseg);
		else if (e->st == OK && e->disp_off != X && in->mem.disp_off != e->disp_off)
			snprintf(why, sizeof why, "disp at %u, want %d", in->mem.disp_off, e->disp_off);
		else if (e->st == OK && e->imm_off != X && in->imm_off != e->imm_off)
			snprintf(why, sizeof why, "imm at %u, want %d", in->imm_off, e->imm_off);
		/* Capstone, where the bytes are complete */
		if (!why[0] && e->st != TR) {
			cs_cmp++;
			if (r.excused)
				cs_excused++;
			else if (r.kind == CMP_LENGTH || r.kind == CMP_WE_ONLY || r.kind == CMP_CS_ONLY)
				snprintf(why, sizeof why, "Capstone disagrees (len %u: %s)",
					 r.cs_len, r.cs_text);
		}
		/* printer bounds */
		if (!why[0] && in->status == DT_OK) {
			char small[12];
			memset(small, 'x', sizeof small);
			int m = dt_print(in, 0, small, 8);
			if (m < 0 || small[8] != 'x' || strlen(small) != (size_t)(m < 7 ? m : 7))
				snprintf(why, sizeof why, "dt_print overflowed or did not terminate");
		}
		if (why[0]) {
			bad++;
			printf("  edge: %s [%s]: %s\n", e->what, e->hex, why);
		} else if (verbose) {
			char t[128] = "";
			if (in->status == DT_OK)
				dt_print(in, 0, t, sizeof t);
			printf("  edge ok: %-40s %s\n", e->what, t);
		}
	}
	printf("decoder-edge: %zu cases (SDM expectations), %u also compared with Capstone"
	       " (%u known exceptions), %u failed\n", sizeof cases / sizeof cases[0],
	       cs_cmp, cs_excused, bad);
	return bad != 0;
}
