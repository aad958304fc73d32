/*
 * String instructions: MOVS STOS LODS CMPS SCAS in byte/word/dword forms,
 * with REP/REPE/REPNE, DF = 0 and 1, a count of 0 (nothing happens, flags
 * untouched), overlapping copies (defined element by element), segment
 * overrides, and 16-bit addressing (SI/DI/CX with an address-size
 * prefix) through a data segment whose base is a test buffer (SDM vol. 2
 * MOVS, STOS, LODS, CMPS, SCAS, REP/REPE/REPNE: final ESI/EDI/ECX and the
 * flags of the last comparison).
 */
#include "guest/lib/guest.h"
#include "flagmodel.h"

GUEST_NAME("string");

#define BUF	256
static uint8_t src[BUF], dst[BUF];
static uint8_t seg_buf[BUF] __attribute__((aligned(16)));
#define GDT_BUFSEG	GDT_FREE

struct sregs {
	uint32_t esi, edi, ecx, eax, fl;
};

/* Runs `insn` with the registers in r and EFLAGS = fin; then CLD. */
#define STR_RUN(insn, r, fin)                                                 \
	__asm__ volatile("pushl %[fi]\n\tpopfl\n\t" insn "\n\tpushfl\n\t"     \
			 "popl %[fo]\n\tcld"                                  \
			 : "+S"((r).esi), "+D"((r).edi), "+c"((r).ecx),       \
			   "+a"((r).eax), [fo] "=r"((r).fl)                   \
			 : [fi] "r"(fin)                                      \
			 : "memory", "cc")

static void fill(void)
{
	for (int i = 0; i < BUF; i++) {
		src[i] = (uint8_t)(i * 7 + 3);
		dst[i] = 0xEE;
	}
}

static void regs_eq(const char *what, const struct sregs *r, uint32_t esi,
		    uint32_t edi, uint32_t ecx)
{
	t_check(r->esi == esi && r->edi == edi && r->ecx == ecx,
		"%s: expected esi=0x%x edi=0x%x ecx=0x%x, saw 0x%x 0x%x 0x%x", what,
		esi, edi, ecx, r->esi, r->edi, r->ecx);
}

static void movs_case(void)
{
	struct sregs r;

	t_begin("movs");
	fill();
	r = (struct sregs){ (uint32_t)src, (uint32_t)dst, 37, 0, 0 };
	STR_RUN("rep movsb", r, FL_FIXED);
	regs_eq("rep movsb", &r, (uint32_t)src + 37, (uint32_t)dst + 37, 0);
	t_check(!memcmp(src, dst, 37) && dst[37] == 0xEE, "rep movsb data");
	fill();
	r = (struct sregs){ (uint32_t)src, (uint32_t)dst, 10, 0, 0 };
	STR_RUN("rep movsw", r, FL_FIXED);
	regs_eq("rep movsw", &r, (uint32_t)src + 20, (uint32_t)dst + 20, 0);
	t_check(!memcmp(src, dst, 20) && dst[20] == 0xEE, "rep movsw data");
	fill();
	/* DF = 1: from the last dword down. */
	r = (struct sregs){ (uint32_t)src + 36, (uint32_t)dst + 36, 10, 0, 0 };
	STR_RUN("rep movsl", r, FL_FIXED | FL_DF);
	regs_eq("std rep movsl", &r, (uint32_t)src - 4, (uint32_t)dst - 4, 0);
	t_check(!memcmp(src, dst, 40) && dst[40] == 0xEE, "std rep movsl data");
	t_eq_mask("DF kept by rep", r.fl, FL_DF, FL_DF);
	/* Count 0: nothing moves, no register changes. */
	fill();
	r = (struct sregs){ (uint32_t)src, (uint32_t)dst, 0, 0, 0 };
	STR_RUN("rep movsb", r, FL_FIXED | FL_CF | FL_ZF);
	regs_eq("rep movsb count 0", &r, (uint32_t)src, (uint32_t)dst, 0);
	t_eq("count 0 data", dst[0], 0xEE);
	t_eq_mask("count 0 flags", r.fl, FL_CF | FL_ZF, FL_ARITH);
	/* Overlap, destination one byte ahead: the first byte propagates. */
	fill();
	r = (struct sregs){ (uint32_t)src, (uint32_t)src + 1, 16, 0, 0 };
	STR_RUN("rep movsb", r, FL_FIXED);
	for (int i = 0; i <= 16; i++)
		t_eq("overlapping movsb", src[i], 3);
	/* A single MOVSB without REP ignores ECX. */
	fill();
	r = (struct sregs){ (uint32_t)src + 5, (uint32_t)dst, 0x1234, 0, 0 };
	STR_RUN("movsb", r, FL_FIXED);
	regs_eq("movsb", &r, (uint32_t)src + 6, (uint32_t)dst + 1, 0x1234);
	t_eq("movsb data", dst[0], src[5]);
	/* Segment override on the source: FS (flat) instead of DS. */
	fill();
	r = (struct sregs){ (uint32_t)src, (uint32_t)dst, 8, 0, 0 };
	STR_RUN("rep movsb %%fs:(%%esi), %%es:(%%edi)", r, FL_FIXED);
	t_check(!memcmp(src, dst, 8), "fs: rep movsb data");
	t_end();
}

static void stos_lods_case(void)
{
	struct sregs r;

	t_begin("stos_lods");
	fill();
	r = (struct sregs){ 0, (uint32_t)dst, 5, 0xA1B2C3D4, 0 };
	STR_RUN("rep stosl", r, FL_FIXED);
	regs_eq("rep stosl", &r, 0, (uint32_t)dst + 20, 0);
	for (int i = 0; i < 20; i += 4)
		t_eq("stosl data", *(uint32_t *)&dst[i], 0xA1B2C3D4);
	t_eq("stosl end", dst[20], 0xEE);
	fill();
	r = (struct sregs){ 0, (uint32_t)dst + 10, 3, 0x5A5A7788, 0 };
	STR_RUN("rep stosw", r, FL_FIXED | FL_DF);
	regs_eq("std rep stosw", &r, 0, (uint32_t)dst + 4, 0);
	t_check(*(uint16_t *)&dst[6] == 0x7788 && *(uint16_t *)&dst[8] == 0x7788 &&
		*(uint16_t *)&dst[10] == 0x7788 && dst[5] == 0xEE && dst[12] == 0xEE,
		"std rep stosw data");
	fill();
	r = (struct sregs){ (uint32_t)src + 9, 0, 0, 0xFFFFFF00, 0 };
	STR_RUN("lodsb", r, FL_FIXED | FL_DF);
	t_eq("std lodsb al", r.eax, 0xFFFFFF00 | src[9]);
	t_eq("std lodsb esi", r.esi, (uint32_t)src + 8);
	r = (struct sregs){ (uint32_t)src, 0, 4, 0, 0 };
	STR_RUN("rep lodsl", r, FL_FIXED);
	t_eq("rep lodsl eax", r.eax, *(uint32_t *)&src[12]);
	regs_eq("rep lodsl", &r, (uint32_t)src + 16, 0, 0);
	t_end();
}

static void cmps_scas_case(void)
{
	struct sregs r;
	uint32_t fl;
	static const char text[] = "hello, world";
	static uint8_t a[16] = "abcdefgh", b[16] = "abcdXfgh";

	t_begin("cmps_scas");
	/* REPE CMPSB stops after the first mismatch ('e' vs 'X'). */
	r = (struct sregs){ (uint32_t)a, (uint32_t)b, 8, 0, 0 };
	STR_RUN("repe cmpsb", r, FL_FIXED);
	regs_eq("repe cmpsb", &r, (uint32_t)a + 5, (uint32_t)b + 5, 3);
	model_sub('e', 'X', 0, 8, &fl);
	t_eq_mask("repe cmpsb flags ('e'-'X')", r.fl, fl, FL_ARITH);
	/* All equal: runs out with ZF = 1. */
	r = (struct sregs){ (uint32_t)a, (uint32_t)b, 4, 0, 0 };
	STR_RUN("repe cmpsb", r, FL_FIXED);
	regs_eq("repe cmpsb equal", &r, (uint32_t)a + 4, (uint32_t)b + 4, 0);
	t_eq_mask("repe cmpsb equal ZF", r.fl, FL_ZF, FL_ZF);
	/* REPNE CMPSB stops at the first equal pair. */
	r = (struct sregs){ (uint32_t)a + 4, (uint32_t)b + 4, 4, 0, 0 };
	STR_RUN("repne cmpsb", r, FL_FIXED);
	regs_eq("repne cmpsb", &r, (uint32_t)a + 6, (uint32_t)b + 6, 2);
	/* Count 0: flags untouched. */
	r = (struct sregs){ (uint32_t)a, (uint32_t)b, 0, 0, 0 };
	STR_RUN("repe cmpsb", r, FL_FIXED | FL_SF | FL_OF);
	t_eq_mask("repe cmpsb count 0 flags", r.fl, FL_SF | FL_OF, FL_ARITH);
	/* strlen idiom: REPNE SCASB for 0 with ECX = -1. */
	r = (struct sregs){ 0, (uint32_t)text, 0xFFFFFFFF, 0, 0 };
	STR_RUN("repne scasb", r, FL_FIXED);
	t_eq("strlen via scasb", ~r.ecx - 1, sizeof(text) - 1);
	t_eq("scasb edi", r.edi, (uint32_t)text + sizeof(text));
	t_eq_mask("scasb ZF", r.fl, FL_ZF, FL_ZF);
	/* Backwards REPE SCASW over equal words. */
	{
		static uint16_t w[6] = { 1, 7, 7, 7, 7, 7 };

		r = (struct sregs){ 0, (uint32_t)&w[5], 6, 7, 0 };
		STR_RUN("repe scasw", r, FL_FIXED | FL_DF);
		t_eq("std repe scasw ecx", r.ecx, 0);
		t_eq("std repe scasw edi", r.edi, (uint32_t)&w[0] - 2);
		model_sub(7, 1, 0, 16, &fl);
		t_eq_mask("std repe scasw flags (7-1)", r.fl, fl, FL_ARITH);
	}
	/* CMPSL, no REP: dword compare sets flags of [esi] - [edi]. */
	{
		static uint32_t x = 0x80000000, y = 1;

		r = (struct sregs){ (uint32_t)&x, (uint32_t)&y, 0, 0, 0 };
		STR_RUN("cmpsl", r, FL_FIXED);
		model_sub(x, y, 0, 32, &fl);
		t_eq_mask("cmpsl flags", r.fl, fl, FL_ARITH);
	}
	t_end();
}

/* 16-bit addressing: SI, DI, CX with a 0x67 prefix, in a based segment. */
static void addr16_case(void)
{
	uint32_t esi = 0xABCD0010, edi = 0x12340080, ecx = 0x99990010;
	uint16_t sel = SEL(GDT_BUFSEG, 0);

	t_begin("addr16");
	for (int i = 0; i < BUF; i++)
		seg_buf[i] = (uint8_t)i;
	gdt_set(GDT_BUFSEG, SEG_DESC((uint32_t)seg_buf, 0xFFFF, ACC_DATA(0), DESC_DB));
	__asm__ volatile("pushl %%ds\n\tpushl %%es\n\t"
			 "movw %w3, %%ds\n\tmovw %w3, %%es\n\t"
			 "addr16 rep movsb\n\t"
			 "popl %%es\n\tpopl %%ds"
			 : "+S"(esi), "+D"(edi), "+c"(ecx)
			 : "r"(sel) : "memory");
	/* Only the low 16 bits of each register count and change. */
	t_eq("esi", esi, 0xABCD0020);
	t_eq("edi", edi, 0x12340090);
	t_eq("ecx", ecx, 0x99990000);
	for (int i = 0; i < 16; i++)
		t_eq("addr16 data", seg_buf[0x80 + i], 0x10 + i);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	movs_case();
	stos_lods_case();
	cmps_scas_case();
	addr16_case();
}
