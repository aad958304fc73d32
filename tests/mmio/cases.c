/*
 * tests/mmio/cases.c: every instruction form hv emulates on MMIO, with the
 * memory accesses its SDM vol. 2 page describes (a load reads once, a
 * store writes once, a read-modify-write reads once and writes once, CMP
 * TEST BT only read), and the forms it must refuse.  Opcodes from SDM
 * vol. 2 appendix A (tables ).
 */
#include "tests/mmio/cases.h"

#include <stdio.h>
#include <string.h>

#include "monitor/mmio.h"

static const struct tmpl fixed[] = {
	{ "test m, r / m, imm", "84 /r", 1, 1, 0, 0 },
	{ "test m, r / m, imm", "85 /r", 4, 1, 0, 0 },
	{ "test m, r / m, imm", "66 85 /r", 2, 1, 0, 0 },
	{ "test m, r / m, imm", "f6 /0 ib", 1, 1, 0, 0 },
	{ "test m, r / m, imm", "f7 /0 id", 4, 1, 0, 0 },
	{ "test m, r / m, imm", "66 f7 /0 iw", 2, 1, 0, 0 },
	{ "xchg m, r (lock or not)", "86 /r", 1, 1, 1, 0 },
	{ "xchg m, r (lock or not)", "87 /r", 4, 1, 1, 0 },
	{ "xchg m, r (lock or not)", "66 87 /r", 2, 1, 1, 0 },
	{ "xchg m, r (lock or not)", "f0 86 /r", 1, 1, 1, 0 },
	{ "xchg m, r (lock or not)", "f0 87 /r", 4, 1, 1, 0 },
	{ "xchg m, r (lock or not)", "f0 66 87 /r", 2, 1, 1, 0 },
	{ "inc/dec/not/neg m", "fe /0", 1, 1, 1, 0 },
	{ "inc/dec/not/neg m", "fe /1", 1, 1, 1, 0 },
	{ "inc/dec/not/neg m", "ff /0", 4, 1, 1, 0 },
	{ "inc/dec/not/neg m", "ff /1", 4, 1, 1, 0 },
	{ "inc/dec/not/neg m", "66 ff /0", 2, 1, 1, 0 },
	{ "inc/dec/not/neg m", "66 ff /1", 2, 1, 1, 0 },
	{ "inc/dec/not/neg m", "f0 fe /0", 1, 1, 1, 0 },
	{ "inc/dec/not/neg m", "f0 ff /1", 4, 1, 1, 0 },
	{ "inc/dec/not/neg m", "f6 /2", 1, 1, 1, 0 },
	{ "inc/dec/not/neg m", "f6 /3", 1, 1, 1, 0 },
	{ "inc/dec/not/neg m", "f7 /2", 4, 1, 1, 0 },
	{ "inc/dec/not/neg m", "f7 /3", 4, 1, 1, 0 },
	{ "inc/dec/not/neg m", "66 f7 /2", 2, 1, 1, 0 },
	{ "inc/dec/not/neg m", "66 f7 /3", 2, 1, 1, 0 },
	{ "inc/dec/not/neg m", "f0 f6 /2", 1, 1, 1, 0 },
	{ "inc/dec/not/neg m", "f0 66 f7 /3", 2, 1, 1, 0 },
	{ "mov m, r / m, imm / moffs, acc", "88 /r", 1, 0, 1, 0 },
	{ "mov m, r / m, imm / moffs, acc", "89 /r", 4, 0, 1, 0 },
	{ "mov m, r / m, imm / moffs, acc", "66 89 /r", 2, 0, 1, 0 },
	{ "mov m, r / m, imm / moffs, acc", "c6 /0 ib", 1, 0, 1, 0 },
	{ "mov m, r / m, imm / moffs, acc", "c7 /0 id", 4, 0, 1, 0 },
	{ "mov m, r / m, imm / moffs, acc", "66 c7 /0 iw", 2, 0, 1, 0 },
	{ "mov m, r / m, imm / moffs, acc", "a2 mo", 1, 0, 1, 0 },
	{ "mov m, r / m, imm / moffs, acc", "a3 mo", 4, 0, 1, 0 },
	{ "mov m, r / m, imm / moffs, acc", "66 a3 mo", 2, 0, 1, 0 },
	{ "mov r, m / acc, moffs", "8a /r", 1, 1, 0, 0 },
	{ "mov r, m / acc, moffs", "8b /r", 4, 1, 0, 0 },
	{ "mov r, m / acc, moffs", "66 8b /r", 2, 1, 0, 0 },
	{ "mov r, m / acc, moffs", "a0 mo", 1, 1, 0, 0 },
	{ "mov r, m / acc, moffs", "a1 mo", 4, 1, 0, 0 },
	{ "mov r, m / acc, moffs", "66 a1 mo", 2, 1, 0, 0 },
	/* Prefixes that change nothing here: segment overrides (the
	   process's ES, CS, SS, DS have base 0), XRELEASE on MOV, REP. */
	{ "ignored prefixes (segment, f2/f3)", "3e 8b /r", 4, 1, 0, 0 },
	{ "ignored prefixes (segment, f2/f3)", "26 66 89 /r", 2, 0, 1, 0 },
	{ "ignored prefixes (segment, f2/f3)", "2e 8a /r", 1, 1, 0, 0 },
	{ "ignored prefixes (segment, f2/f3)", "36 a1 mo", 4, 1, 0, 0 },
	{ "ignored prefixes (segment, f2/f3)", "f3 89 /r", 4, 0, 1, 0 },
	{ "ignored prefixes (segment, f2/f3)", "f3 c7 /0 id", 4, 0, 1, 0 },
	{ "ignored prefixes (segment, f2/f3)", "f2 f0 01 /r", 4, 1, 1, 0 },
	{ "ignored prefixes (segment, f2/f3)", "3e f0 0f ab /r", 4, 1, 1, T_ABS | T_BTREG },
	{ "movzx/movsx r, m", "0f b6 /r", 1, 1, 0, 0 },
	{ "movzx/movsx r, m", "66 0f b6 /r", 1, 1, 0, 0 },
	{ "movzx/movsx r, m", "0f b7 /r", 2, 1, 0, 0 },
	{ "movzx/movsx r, m", "66 0f b7 /r", 2, 1, 0, 0 },
	{ "movzx/movsx r, m", "0f be /r", 1, 1, 0, 0 },
	{ "movzx/movsx r, m", "66 0f be /r", 1, 1, 0, 0 },
	{ "movzx/movsx r, m", "0f bf /r", 2, 1, 0, 0 },
	{ "bt/bts/btr/btc m, r", "0f a3 /r", 4, 1, 0, T_ABS | T_BTREG },
	{ "bt/bts/btr/btc m, r", "66 0f a3 /r", 2, 1, 0, T_ABS | T_BTREG },
	{ "bt/bts/btr/btc m, r", "0f ab /r", 4, 1, 1, T_ABS | T_BTREG },
	{ "bt/bts/btr/btc m, r", "66 0f ab /r", 2, 1, 1, T_ABS | T_BTREG },
	{ "bt/bts/btr/btc m, r", "0f b3 /r", 4, 1, 1, T_ABS | T_BTREG },
	{ "bt/bts/btr/btc m, r", "66 0f b3 /r", 2, 1, 1, T_ABS | T_BTREG },
	{ "bt/bts/btr/btc m, r", "0f bb /r", 4, 1, 1, T_ABS | T_BTREG },
	{ "bt/bts/btr/btc m, r", "66 0f bb /r", 2, 1, 1, T_ABS | T_BTREG },
	{ "bt/bts/btr/btc m, r", "f0 0f ab /r", 4, 1, 1, T_ABS | T_BTREG },
	{ "bt/bts/btr/btc m, r", "f0 66 0f b3 /r", 2, 1, 1, T_ABS | T_BTREG },
	{ "bt/bts/btr/btc m, r", "f0 0f bb /r", 4, 1, 1, T_ABS | T_BTREG },
	{ "bt/bts/btr/btc m, imm", "0f ba /4 ib", 4, 1, 0, 0 },
	{ "bt/bts/btr/btc m, imm", "0f ba /5 ib", 4, 1, 1, 0 },
	{ "bt/bts/btr/btc m, imm", "0f ba /6 ib", 4, 1, 1, 0 },
	{ "bt/bts/btr/btc m, imm", "0f ba /7 ib", 4, 1, 1, 0 },
	{ "bt/bts/btr/btc m, imm", "66 0f ba /4 ib", 2, 1, 0, 0 },
	{ "bt/bts/btr/btc m, imm", "66 0f ba /5 ib", 2, 1, 1, 0 },
	{ "bt/bts/btr/btc m, imm", "66 0f ba /6 ib", 2, 1, 1, 0 },
	{ "bt/bts/btr/btc m, imm", "66 0f ba /7 ib", 2, 1, 1, 0 },
	{ "bt/bts/btr/btc m, imm", "f0 0f ba /5 ib", 4, 1, 1, 0 },
	{ "bt/bts/btr/btc m, imm", "f0 66 0f ba /7 ib", 2, 1, 1, 0 },
};

static char pool[TMPL_MAX][24];

static void add(struct tmpl *t, int *n, const char *family, int size, int rd, int wr,
		const char *fmt, int a, int b)
{
	snprintf(pool[*n], sizeof(pool[*n]), fmt, a, b);
	t[*n] = (struct tmpl){ family, pool[*n], (uint8_t)size, (uint8_t)rd, (uint8_t)wr, 0 };
	(*n)++;
}

int cases_build(struct tmpl *t)
{
	int n = 0;

	/* ADD OR ADC SBB AND SUB XOR CMP (o = 0-7): rows 00-3B of table A-2;
	   CMP (7) only reads.  LOCK on the memory-destination forms. */
	for (int o = 0; o < 8; o++) {
		int w = o != 7;
		const char *md = "alu m, r (add or adc sbb and sub xor cmp)";
		const char *rm = "alu r, m";
		const char *im = "alu m, imm (group 1: 80 81 82 83)";

		add(t, &n, md, 1, 1, w, "%02x /r", o * 8, 0);
		add(t, &n, md, 4, 1, w, "%02x /r", o * 8 + 1, 0);
		add(t, &n, md, 2, 1, w, "66 %02x /r", o * 8 + 1, 0);
		if (w) {
			add(t, &n, md, 1, 1, 1, "f0 %02x /r", o * 8, 0);
			add(t, &n, md, 2, 1, 1, "66 f0 %02x /r", o * 8 + 1, 0);
		}
		add(t, &n, rm, 1, 1, 0, "%02x /r", o * 8 + 2, 0);
		add(t, &n, rm, 4, 1, 0, "%02x /r", o * 8 + 3, 0);
		add(t, &n, rm, 2, 1, 0, "66 %02x /r", o * 8 + 3, 0);
		add(t, &n, im, 1, 1, w, "80 /%d ib", o, 0);
		add(t, &n, im, 1, 1, w, "82 /%d ib", o, 0);
		add(t, &n, im, 4, 1, w, "81 /%d id", o, 0);
		add(t, &n, im, 2, 1, w, "66 81 /%d iw", o, 0);
		add(t, &n, im, 4, 1, w, "83 /%d ib", o, 0);
		add(t, &n, im, 2, 1, w, "66 83 /%d ib", o, 0);
		if (w) {
			add(t, &n, im, 4, 1, 1, "f0 81 /%d id", o, 0);
			add(t, &n, im, 2, 1, 1, "f0 66 83 /%d ib", o, 0);
		}
	}
	memcpy(t + n, fixed, sizeof(fixed));
	return n + (int)(sizeof(fixed) / sizeof(fixed[0]));
}

const struct bad cases_bad[] = {
	{ "refused: string, stack, x87/SSE", "a4", 1, MMIO_E_STRING, 0 },
	{ "refused: string, stack, x87/SSE", "a5", 4, MMIO_E_STRING, 0 },
	{ "refused: string, stack, x87/SSE", "f3 a5", 4, MMIO_E_STRING, 0 },
	{ "refused: string, stack, x87/SSE", "aa", 1, MMIO_E_STRING, 0 },
	{ "refused: string, stack, x87/SSE", "f3 ab", 4, MMIO_E_STRING, 0 },
	{ "refused: string, stack, x87/SSE", "ac", 1, MMIO_E_STRING, 0 },
	{ "refused: string, stack, x87/SSE", "a7", 4, MMIO_E_STRING, 0 },
	{ "refused: string, stack, x87/SSE", "ae", 1, MMIO_E_STRING, 0 },
	{ "refused: string, stack, x87/SSE", "ff /6", 4, MMIO_E_STACK, 0 },
	{ "refused: string, stack, x87/SSE", "8f /0", 4, MMIO_E_STACK, 0 },
	{ "refused: string, stack, x87/SSE", "ff /2", 4, MMIO_E_STACK, 0 },
	{ "refused: string, stack, x87/SSE", "d9 /0", 4, MMIO_E_FPU, 0 },
	{ "refused: string, stack, x87/SSE", "dd /0", 8, MMIO_E_FPU, 0 },
	{ "refused: string, stack, x87/SSE", "0f 28 /r", 16, MMIO_E_FPU, 0 },
	{ "refused: string, stack, x87/SSE", "66 0f 6e /r", 4, MMIO_E_FPU, 0 },
	{ "refused: string, stack, x87/SSE", "f3 0f 7e /r", 8, MMIO_E_FPU, 0 },
	{ "refused: other instructions", "0f b1 /r", 4, 0, 0 },	/* cmpxchg */
	{ "refused: other instructions", "f0 0f b1 /r", 4, 0, 0 },
	{ "refused: other instructions", "0f c7 /1", 8, 0, 0 },	/* cmpxchg8b */
	{ "refused: other instructions", "0f c1 /r", 4, 0, 0 },	/* xadd */
	{ "refused: other instructions", "c1 /4 ib", 4, 0, 0 },	/* shl */
	{ "refused: other instructions", "d1 /0", 4, 0, 0 },		/* rol */
	{ "refused: other instructions", "f7 /4", 4, 0, 0 },		/* mul */
	{ "refused: other instructions", "f7 /6", 4, 0, 0 },		/* div */
	{ "refused: other instructions", "0f 94 /0", 1, 0, 0 },	/* sete */
	{ "refused: other instructions", "0f 44 /r", 4, 0, 0 },	/* cmove */
	{ "refused: other instructions", "ff /4", 4, 0, 0 },		/* jmp m */
	{ "refused: other instructions", "8c /3", 2, 0, 0 },		/* mov m, ds */
	{ "refused: other instructions", "c4 /r", 6, 0, 0 },		/* les */
	{ "refused: other instructions", "0f c3 /r", 4, 0, 0 },	/* movnti */
	{ "refused: other instructions", "f0 8b /r", 4, MMIO_E_DECODE, 0 },	/* LOCK: #UD */
	{ "refused: other instructions", "f0 39 /r", 4, MMIO_E_DECODE, 0 },
	{ "refused: other instructions", "f0 85 /r", 4, MMIO_E_DECODE, 0 },
	{ "refused: other instructions", "f0 0f a3 /r", 4, MMIO_E_DECODE, 0 },
	{ "refused: other instructions", "8b /r", 4, MMIO_E_DECODE, T_TRUNC },
	{ "refused: other instructions", "66 c7 /0 iw", 2, MMIO_E_DECODE, T_TRUNC },
	{ "refused: other instructions", "8b c3", 4, MMIO_E_NOMEM, 0 },	/* mov eax, ebx */
	{ "refused: other instructions", "f7 d0", 4, MMIO_E_NOMEM, 0 },	/* not eax */
	{ "refused: other instructions", "0f a3 c8", 4, MMIO_E_NOMEM, 0 },	/* bt eax, ecx */
	{ "refused: accesses past the page, bit strings", "8b /r", 4, MMIO_E_CROSS, T_CROSS },
	{ "refused: accesses past the page, bit strings", "66 89 /r", 2, MMIO_E_CROSS, T_CROSS },
	{ "refused: accesses past the page, bit strings", "a1 mo", 4, MMIO_E_CROSS, T_CROSS },
	{ "refused: accesses past the page, bit strings", "c7 /0 id", 4, MMIO_E_CROSS, T_CROSS },
	{ "refused: accesses past the page, bit strings", "f0 01 /r", 4, MMIO_E_CROSS, T_CROSS },
	{ "refused: accesses past the page, bit strings", "0f b7 /r", 2, MMIO_E_CROSS, T_CROSS },
	{ "refused: accesses past the page, bit strings", "0f ba /5 ib", 4, MMIO_E_CROSS, T_CROSS },
	{ "refused: accesses past the page, bit strings", "0f a3 /r", 4, MMIO_E_BITOFF, T_BTOUT },
	{ "refused: accesses past the page, bit strings", "0f ab /r", 4, MMIO_E_BITOFF, T_BTOUT },
	{ "refused: accesses past the page, bit strings", "66 0f b3 /r", 2, MMIO_E_BITOFF, T_BTOUT },
	{ "refused: accesses past the page, bit strings", "f0 66 0f bb /r", 2, MMIO_E_BITOFF, T_BTOUT },
};
const int cases_nbad = sizeof(cases_bad) / sizeof(cases_bad[0]);
