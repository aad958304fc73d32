/*
 * What the system-register instructions reveal, which must be exactly what
 * the guest itself loaded: SGDT SIDT SLDT STR SMSW (with LMSW and CLTS),
 * CR0/CR4 reads, LGDT/LIDT of other tables, the TSS busy bit set by LTR
 * (and LTR of a busy TSS -> #GP(sel)); then LAR LSL VERR VERW on a set of
 * descriptors (SDM vol. 2 those instructions: valid types, privilege
 * checks, LAR's mask 00FxFF00H with bits 19:16 undefined, LSL's
 * byte-granular limit).
 */
#include "guest/lib/guest.h"

GUEST_NAME("sysregs");

static uint64_t other_gdt[8] __attribute__((aligned(8)));

static void dtr_case(void)
{
	struct dtr d;

	t_begin("sgdt_sidt");
	sgdt(&d);
	gprintf("gdtr limit=0x%x base=%p\n", d.limit, (void *)d.base);
	t_eq("sgdt base", d.base, (uint32_t)gdt);
	t_eq("sgdt limit", d.limit, GDT_ENTRIES * 8 - 1);
	sidt(&d);
	gprintf("idtr limit=0x%x base=%p\n", d.limit, (void *)d.base);
	t_eq("sidt base", d.base, (uint32_t)idt);
	t_eq("sidt limit", d.limit, IDT_LIMIT);
	/* Another GDT (a copy of the first slots), then back. */
	memcpy(other_gdt, gdt, sizeof(other_gdt));
	d.base = (uint32_t)other_gdt;
	d.limit = sizeof(other_gdt) - 1;
	lgdt(&d);
	load_ds(SEL_KDATA);
	sgdt(&d);
	t_eq("sgdt after lgdt: base", d.base, (uint32_t)other_gdt);
	t_eq("sgdt after lgdt: limit", d.limit, sizeof(other_gdt) - 1);
	d.base = (uint32_t)gdt;
	d.limit = GDT_ENTRIES * 8 - 1;
	lgdt(&d);
	idt_load_limit(0x3FF);
	sidt(&d);
	t_eq("sidt after lidt: limit", d.limit, 0x3FF);
	idt_load_limit(IDT_LIMIT);
	t_end();
}

static void ldt_tr_case(void)
{
	uint16_t m = 0xFFFF;
	int v;

	t_begin("sldt_str");
	t_eq("sldt", sldt(), 0);
	__asm__ volatile("sldt %0" : "+m"(m));
	t_eq("sldt m16", m, 0);
	gdt_set(GDT_FREE, SEG_DESC(0, 7, DESC_P | DESC_DPL(0) | SYS_LDT, 0));
	lldt(SEL(GDT_FREE, 0));
	t_eq("sldt after lldt", sldt(), SEL(GDT_FREE, 0));
	lldt(0);
	t_eq("sldt after lldt 0", sldt(), 0);
	t_eq("str", str(), SEL_TSS);
	t_eq("tss descriptor busy", (uint32_t)(gdt_get(GDT_TSS) >> 40) & 0xF, SYS_TSS32_BUSY);
	/* LTR of a TSS that is already busy: #GP(sel). */
	v = TRY(__asm__ volatile(FAULT_HERE "ltr %w0" : : "r"(SEL_TSS)));
	t_fault("ltr busy", v, EXC_GP, SEL_TSS, g_fault_label);
	t_end();
}

static void msw_case(void)
{
	uint32_t cr0 = read_cr0();

	t_begin("smsw_cr0_cr4");
	gprintf("cr0=0x%08x cr4=0x%08x msw=0x%04x\n", cr0, read_cr4(), smsw());
	t_eq("cr0 as loaded", cr0, CR0_PE | CR0_ET);
	t_eq("smsw", smsw(), CR0_PE | CR0_ET);
	write_cr0(cr0 | CR0_TS);
	t_eq("smsw with TS", smsw(), CR0_PE | CR0_ET | CR0_TS);
	__asm__ volatile("clts");
	t_eq("cr0 after clts", read_cr0(), cr0);
	/* LMSW writes PE, MP, EM, TS; it cannot clear PE. */
	__asm__ volatile("lmsw %w0" : : "r"(CR0_MP));
	t_eq("cr0 after lmsw MP", read_cr0(), cr0 | CR0_MP);
	t_eq("smsw after lmsw", smsw(), CR0_PE | CR0_ET | CR0_MP);
	write_cr0(cr0);
	write_cr4(CR4_PSE | CR4_TSD);
	t_eq("cr4 as loaded", read_cr4(), CR4_PSE | CR4_TSD);
	write_cr4(0);
	t_eq("cr4 cleared", read_cr4(), 0);
	t_end();
}

struct dcase {
	const char *name;
	uint64_t desc;
	uint16_t rpl;
	int lar, lsl, verr, verw;	/* expected ZF */
	uint32_t limit;			/* LSL's result when lsl */
};

#define D_DATA(dpl, acc_mask_out, lim, fl) SEG_DESC(0, lim, ACC_DATA(dpl) & ~(acc_mask_out), fl)
static struct tss32 spare_tss;

static void desc_checks_case(void)
{
	struct dcase cs[] = {
		{ "data rw dpl0", D_DATA(0, 0, FLAT_LIMIT, FLAT_FLAGS), 0, 1, 1, 1, 1, 0xFFFFFFFF },
		{ "data ro dpl3", D_DATA(3, DESC_RW, 0x1234, DESC_DB), 0, 1, 1, 1, 0, 0x1234 },
		{ "code xo dpl0", SEG_DESC(0, 0xFF, ACC_CODE(0) & ~DESC_RW, DESC_G | DESC_DB), 0, 1, 1, 0, 0, 0xFFFFF },
		{ "code xr conforming dpl3", SEG_DESC(0, 0, ACC_CODE(3) | DESC_DC, DESC_DB), 0, 1, 1, 1, 0, 0 },
		{ "code xr dpl0 rpl3", SEG_DESC(0, 0, ACC_CODE(0), DESC_DB), 3, 0, 0, 0, 0, 0 },
		{ "data dpl0 rpl3", D_DATA(0, 0, 0x10, DESC_DB), 3, 0, 0, 0, 0, 0 },
		{ "data dpl3 rpl3", D_DATA(3, 0, 0x10, DESC_DB), 3, 1, 1, 1, 1, 0x10 },
		{ "data not present", D_DATA(0, DESC_P, 0x20, DESC_DB), 0, 1, 1, 1, 1, 0x20 },
		{ "tss available", SEG_DESC((uint32_t)&spare_tss, sizeof(spare_tss) - 1,
					    DESC_P | SYS_TSS32_AVAIL, 0), 0, 1, 1, 0, 0, sizeof(spare_tss) - 1 },
		{ "ldt", SEG_DESC(0, 0x3F, DESC_P | SYS_LDT, 0), 0, 1, 1, 0, 0, 0x3F },
		{ "call gate", GATE_DESC(SEL_KCODE, 0x1000, SYS_CALLGATE32, 0), 0, 1, 0, 0, 0, 0 },
		{ "interrupt gate", GATE_DESC(SEL_KCODE, 0x1000, SYS_INTGATE32, 0), 0, 0, 0, 0, 0, 0 },
		{ "trap gate", GATE_DESC(SEL_KCODE, 0x1000, SYS_TRAPGATE32, 0), 0, 0, 0, 0, 0, 0 },
		{ "type 0 (reserved)", 0x0000800000000000ull, 0, 0, 0, 0, 0, 0 },
	};
	int n = sizeof(cs) / sizeof(cs[0]);

	t_begin("lar_lsl_verr_verw");
	for (int i = 0; i < n; i++) {
		uint16_t sel = SEL(GDT_FREE + 1 + i, cs[i].rpl);
		uint32_t ar = 0xCAFEBABE, lim = 0xCAFEBABE;
		int zl, zs, zr, zw;

		gdt_set(GDT_FREE + 1 + i, cs[i].desc);
		zl = lar(sel, &ar);
		zs = lsl(sel, &lim);
		zr = verr(sel);
		zw = verw(sel);
		if (zl)
			ar &= 0x00F0FF00;	/* bits 19:16 undefined */
		gprintf("%-24s sel=0x%02x lar=%d/%08x lsl=%d/%08x verr=%d verw=%d\n",
			cs[i].name, sel, zl, zl ? ar : 0, zs, zs ? lim : 0, zr, zw);
		t_check(zl == cs[i].lar && zs == cs[i].lsl && zr == cs[i].verr &&
			zw == cs[i].verw,
			"%s: expected lar/lsl/verr/verw %d%d%d%d, saw %d%d%d%d", cs[i].name,
			cs[i].lar, cs[i].lsl, cs[i].verr, cs[i].verw, zl, zs, zr, zw);
		if (zl && cs[i].lar)
			t_eq(cs[i].name, ar, (uint32_t)(cs[i].desc >> 32) & 0x00F0FF00);
		if (zs && cs[i].lsl)
			t_eq(cs[i].name, lim, cs[i].limit);
		if (!zl)
			t_eq("lar leaves the destination alone", ar, 0xCAFEBABE);
	}
	/* Null and beyond the limit: all four fail. */
	{
		uint32_t x = 0;

		t_check(!lar(0, &x) && !lsl(0, &x) && !verr(0) && !verw(0), "null selector");
		t_check(!lar(SEL(GDT_ENTRIES + 2, 0), &x) && !verr(SEL(GDT_ENTRIES + 2, 0)),
			"beyond the GDT limit");
	}
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	dtr_case();
	ldt_tr_case();
	msw_case();
	desc_checks_case();
}
