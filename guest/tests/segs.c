/*
 * Segment register loads and the checks on them (SDM vol. 2 MOV "Loading
 * a segment register in protected mode", vol. 3A 5.5-5.7 privilege
 * checks, 6.13 error codes: the selector with its RPL bits replaced by
 * EXT/IDT, i.e. sel & ~3 here):
 *   a null selector loads into DS/ES/FS/GS; into SS it is #GP(0);
 *   an index beyond the GDT limit, or TI=1 with no LDT: #GP(sel);
 *   not present: #NP(sel), but #SS(sel) for SS;
 *   execute-only code or a system descriptor into DS: #GP(sel);
 *   read-only data, or DPL/RPL != CPL, into SS: #GP(sel);
 *   DPL < RPL for DS: #GP(sel); readable code into DS is fine;
 *   the CPU sets the descriptor's accessed bit on a load;
 *   selectors through a guest LDT (LLDT) load and fault the same way.
 * Using a null DS is #GP(0) on hardware; QEMU's TCG does not check it, so
 * that part runs only with the argument strict=1 (Bochs, real CPUs).
 */
#include "guest/lib/guest.h"

GUEST_NAME("segs");

enum {
	SG_DATA_NA = GDT_FREE,	/* RW data, accessed bit clear */
	SG_DATA_RO,		/* read-only data */
	SG_DATA_NP,		/* RW data, not present */
	SG_CODE_XO,		/* execute-only code */
	SG_CODE_XR,		/* execute/read code */
	SG_DATA_DPL3,		/* RW data, DPL 3 */
	SG_LDT,			/* the LDT below */
	SG_DATA_ALIAS,		/* flat RW data, DPL 0 (another SS) */
};

#define LDT_ENTRIES	4
static uint64_t ldt[LDT_ENTRIES] __attribute__((aligned(8)));
#define LDT_SEL(i, rpl)	(((i) << 3) | SEL_TI | (rpl))

enum { R_DS, R_ES, R_FS, R_GS, R_SS };
static const char *const rname[] = { "ds", "es", "fs", "gs", "ss" };

#define LOAD(reg, sel)                                                        \
	TRY(__asm__ volatile(FAULT_HERE "movw %0, %%" reg : : "r"(sel) : "memory"))

/* Loads sel into a segment register; returns TRY's vector. */
static int load(int r, uint16_t sel)
{
	int v;

	switch (r) {
	case R_DS: v = LOAD("ds", sel); break;
	case R_ES: v = LOAD("es", sel); break;
	case R_FS: v = LOAD("fs", sel); break;
	case R_GS: v = LOAD("gs", sel); break;
	default: v = LOAD("ss", sel); break;
	}
	/* Whatever happened, the library's selectors go back. */
	load_ds(SEL_KDATA);
	load_es(SEL_KDATA);
	load_fs(SEL_KDATA);
	load_gs(SEL_KDATA);
	load_ss(SEL_KDATA);
	return v;
}

static void expect(int r, uint16_t sel, int vec, const char *why)
{
	char what[64];
	int v = load(r, sel);

	fmt_snprintf(what, sizeof(what), "%s <- 0x%x (%s)", rname[r], sel, why);
	if (vec < 0)
		t_no_fault(what, v);
	else
		t_fault(what, v, vec, sel & ~SEL_RPL_MASK, g_fault_label);
}

static void setup(void)
{
	gdt_set(SG_DATA_NA, SEG_DESC(0, FLAT_LIMIT, ACC_DATA(0) & ~DESC_ACC, FLAT_FLAGS));
	gdt_set(SG_DATA_RO, SEG_DESC(0, FLAT_LIMIT, ACC_DATA(0) & ~DESC_RW, FLAT_FLAGS));
	gdt_set(SG_DATA_NP, SEG_DESC(0, FLAT_LIMIT, ACC_DATA(0) & ~DESC_P, FLAT_FLAGS));
	gdt_set(SG_CODE_XO, SEG_DESC(0, FLAT_LIMIT, ACC_CODE(0) & ~DESC_RW, FLAT_FLAGS));
	gdt_set(SG_CODE_XR, SEG_DESC(0, FLAT_LIMIT, ACC_CODE(0), FLAT_FLAGS));
	gdt_set(SG_DATA_DPL3, SEG_DESC(0, FLAT_LIMIT, ACC_DATA(3), FLAT_FLAGS));
	gdt_set(SG_LDT, SEG_DESC((uint32_t)ldt, sizeof(ldt) - 1,
				 DESC_P | DESC_DPL(0) | SYS_LDT, 0));
	gdt_set(SG_DATA_ALIAS, SEG_DESC(0, FLAT_LIMIT, ACC_DATA(0), FLAT_FLAGS));
	ldt[0] = SEG_DESC(0, FLAT_LIMIT, ACC_DATA(0), FLAT_FLAGS);
	ldt[1] = SEG_DESC(0, FLAT_LIMIT, ACC_DATA(0) & ~DESC_P, FLAT_FLAGS);
	ldt[2] = SEG_DESC(0, FLAT_LIMIT, ACC_CODE(0) & ~DESC_RW, FLAT_FLAGS);
}

static void null_case(void)
{
	t_begin("null");
	for (int r = R_DS; r <= R_GS; r++) {
		expect(r, 0, -1, "null");
		expect(r, 3, -1, "null, rpl 3");
	}
	expect(R_SS, 0, EXC_GP, "null");
	if (guest_arg("strict")) {
		int v = TRY(__asm__ volatile("movw %w0, %%ds\n\t" FAULT_HERE
					     "movl (%1), %0" : "+a"((uint32_t){0})
					     : "r"(&gdt[0]) : "memory"));

		load_ds(SEL_KDATA);
		t_fault("use of null ds", v, EXC_GP, 0, g_fault_label);
	}
	t_end();
}

static void gdt_checks_case(void)
{
	t_begin("gdt_checks");
	for (int r = R_DS; r <= R_GS; r++) {
		expect(r, SEL(GDT_ENTRIES, 0), EXC_GP, "beyond limit");
		expect(r, SEL(GDT_ENTRIES + 100, 3), EXC_GP, "beyond limit, rpl 3");
		expect(r, SEL(SG_DATA_NP, 0), EXC_NP, "not present");
		expect(r, SEL(SG_CODE_XO, 0), EXC_GP, "execute-only code");
		expect(r, SEL(SG_CODE_XR, 0), -1, "readable code");
		expect(r, SEL_TSS, EXC_GP, "system descriptor");
		expect(r, SEL(SG_DATA_RO, 0), -1, "read-only data");
		expect(r, SEL(GDT_KDATA, 3), EXC_GP, "DPL 0 < RPL 3");
		expect(r, SEL(SG_DATA_DPL3, 0), -1, "DPL 3 >= CPL 0");
		expect(r, SEL(SG_DATA_DPL3, 3), -1, "DPL 3, RPL 3");
	}
	t_end();
}

static void ss_case(void)
{
	t_begin("ss_checks");
	expect(R_SS, SEL(SG_DATA_ALIAS, 0), -1, "writable DPL 0");
	expect(R_SS, SEL(SG_DATA_RO, 0), EXC_GP, "read-only");
	expect(R_SS, SEL(SG_CODE_XR, 0), EXC_GP, "code");
	expect(R_SS, SEL(SG_DATA_NP, 0), EXC_SS, "not present");
	expect(R_SS, SEL(SG_DATA_DPL3, 0), EXC_GP, "DPL 3 != CPL");
	expect(R_SS, SEL(SG_DATA_DPL3, 3), EXC_GP, "RPL 3 != CPL");
	expect(R_SS, SEL(GDT_KDATA, 3), EXC_GP, "RPL 3, DPL 0");
	expect(R_SS, SEL(GDT_ENTRIES + 1, 0), EXC_GP, "beyond limit");
	expect(R_SS, SEL_TSS, EXC_GP, "system descriptor");
	t_end();
}

static void accessed_case(void)
{
	uint64_t before = gdt_get(SG_DATA_NA), after;

	t_begin("accessed_bit");
	t_eq("A clear before", (uint32_t)(before >> 40) & DESC_ACC, 0);
	expect(R_ES, SEL(SG_DATA_NA, 0), -1, "data, A clear");
	after = gdt_get(SG_DATA_NA);
	t_eq("A set by the load", (uint32_t)(after >> 40) & DESC_ACC, DESC_ACC);
	t_check((after & ~((uint64_t)DESC_ACC << 40)) == before,
		"only the accessed bit changed");
	t_end();
}

static void ldt_case(void)
{
	t_begin("ldt");
	lldt(0);
	expect(R_DS, LDT_SEL(0, 0), EXC_GP, "TI=1, no LDT");
	lldt(SEL(SG_LDT, 0));
	t_eq("sldt", sldt(), SEL(SG_LDT, 0));
	expect(R_DS, LDT_SEL(0, 0), -1, "LDT data");
	expect(R_FS, LDT_SEL(1, 0), EXC_NP, "LDT not present");
	expect(R_GS, LDT_SEL(2, 0), EXC_GP, "LDT execute-only");
	expect(R_ES, LDT_SEL(LDT_ENTRIES, 0), EXC_GP, "beyond LDT limit");
	t_eq("LDT accessed bit", (uint32_t)(ldt[0] >> 40) & DESC_ACC, DESC_ACC);
	expect(R_DS, SEL(SG_DATA_ALIAS, 0), -1, "GDT still works");
	lldt(0);
	t_end();
}

static void read_sreg_case(void)
{
	uint32_t v = 0xFFFFFFFF;

	t_begin("read_sreg");
	/* MOV to memory stores 16 bits; the neighbours stay. */
	__asm__ volatile("movw %%ds, %0" : "+m"(v));
	t_eq("mov ds -> m16", v, 0xFFFF0000 | SEL_KDATA);
	t_eq("cs", read_cs(), SEL_KCODE);
	t_eq("ss", read_ss(), SEL_KDATA);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	setup();
	null_case();
	gdt_checks_case();
	ss_case();
	accessed_case();
	ldt_case();
	read_sreg_case();
}
