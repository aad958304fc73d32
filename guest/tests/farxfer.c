/*
 * Far control transfers (routines in farxfer.S, SDM references there) and
 * the faults of far transfers to bad selectors: data segment -> #GP(sel),
 * not present -> #NP(sel), null -> #GP(0), beyond the GDT limit ->
 * #GP(sel), non-conforming code of another DPL -> #GP(sel) (SDM vol. 2
 * JMP/CALL "Protected Mode Exceptions").
 */
#include "guest/lib/guest.h"
#include "farxfer.h"

GUEST_NAME("farxfer");

extern uint32_t fx_res[16];
extern uint8_t fx_ptr[6], fx_ptr2[6];
extern char fx_call_ra[], fx_far_fn[], fx_ind_target[], fx_ind_ra[];
extern char fx_based_fn[], fx_based_l1[], fx_gate_ra[], fx_gate_target[];
extern char fx_gate_jmp_target[];
void fx_jmp(void);
void fx_call(void);
void fx_call_retimm(void);
void fx_indirect(void);
void fx_based(void);
void fx_gate_call(void);
void fx_gate_jmp(void);
void fx_iret(void);

static void setup(void)
{
	gdt_set(FX_ALIAS, SEG_DESC(0, FLAT_LIMIT, ACC_CODE(0), FLAT_FLAGS));
	/* Limit 1 MiB - 1 (byte granular) from FX_BASE covers the image. */
	gdt_set(FX_BASED, SEG_DESC(FX_BASE, 0xFFFFF, ACC_CODE(0), DESC_DB));
	gdt_set(FX_GATE, GATE_DESC(SEL_ALIAS, (uint32_t)fx_gate_target, SYS_CALLGATE32, 0));
	gdt_set(FX_GATE_JMP, GATE_DESC(SEL_ALIAS, (uint32_t)fx_gate_jmp_target,
				       SYS_CALLGATE32, 0));
	gdt_set(FX_NOTPRESENT, SEG_DESC(0, FLAT_LIMIT, ACC_CODE(0) & ~DESC_P, FLAT_FLAGS));
	gdt_set(FX_USERCODE, SEG_DESC(0, FLAT_LIMIT, ACC_CODE(3), FLAT_FLAGS));
}

static void run(void (*fn)(void))
{
	memset(fx_res, 0xA5, sizeof(uint32_t) * 16);
	fn();
}

static void set_ptr(uint8_t *p, const void *off, uint16_t sel)
{
	uint32_t o = (uint32_t)off;

	memcpy(p, &o, 4);
	memcpy(p + 4, &sel, 2);
}

static void jmp_call_case(void)
{
	t_begin("far_jmp_call");
	run(fx_jmp);
	t_eq("cs after ljmp", fx_res[0], SEL_ALIAS);
	t_eq("cs after ljmp back", fx_res[1], SEL_KCODE);
	run(fx_call);
	t_eq("lcall pushed eip", fx_res[0], (uint32_t)fx_call_ra);
	t_eq("lcall pushed cs", fx_res[1], SEL_KCODE);
	t_eq("cs in callee", fx_res[2], SEL_ALIAS);
	t_eq("cs after lret", fx_res[3], SEL_KCODE);
	run(fx_call_retimm);
	t_eq("lret 8: argument", fx_res[0], 0x2222);
	t_eq("lret 8: esp balanced", fx_res[1], 0);
	t_end();
}

static void indirect_case(void)
{
	t_begin("far_indirect");
	set_ptr(fx_ptr, fx_ind_target, SEL_ALIAS);
	set_ptr(fx_ptr2, fx_far_fn, SEL_ALIAS);
	run(fx_indirect);
	t_eq("ljmp *m cs", fx_res[4], SEL_ALIAS);
	t_eq("lcall *m pushed eip", fx_res[0], (uint32_t)fx_ind_ra);
	t_eq("lcall *m pushed cs", fx_res[1], SEL_KCODE);
	t_eq("lcall *m cs", fx_res[2], SEL_ALIAS);
	t_end();
}

static void based_case(void)
{
	t_begin("based_cs");
	run(fx_based);
	t_eq("cs", fx_res[0], SEL_BASED);
	t_eq("eip is an offset from the base", fx_res[1], (uint32_t)fx_based_l1 - FX_BASE);
	t_eq("return eip", fx_res[2], (uint32_t)fx_based + 7);	/* after the 7-byte lcall */
	t_end();
}

static void gate_case(void)
{
	t_begin("call_gate");
	run(fx_gate_call);
	t_eq("gate: pushed eip", fx_res[0], (uint32_t)fx_gate_ra);
	t_eq("gate: pushed cs", fx_res[1], SEL_KCODE);
	t_eq("gate: cs", fx_res[2], SEL_ALIAS);
	run(fx_gate_jmp);
	t_eq("jmp gate: cs", fx_res[0], SEL_ALIAS);
	t_eq("jmp gate: nothing pushed", fx_res[2], fx_res[1]);
	t_end();
}

static void iret_case(void)
{
	t_begin("iret_same_level");
	run(fx_iret);
	t_eq("cs after iret", fx_res[0], SEL_ALIAS);
	t_eq("esp balanced", fx_res[1], 0);
	t_eq("CF from the image", fx_res[2], 1);
	t_end();
}

#define FAR_JMP(sel) __asm__ volatile(FAULT_HERE "ljmp %0, $0" : : "i"(sel))
#define FAR_CALL(sel) __asm__ volatile(FAULT_HERE "lcall %0, $0" : : "i"(sel))

static void fault_case(void)
{
	int v;

	t_begin("far_faults");
	v = TRY(FAR_JMP(SEL_KDATA));
	t_fault("ljmp data", v, EXC_GP, SEL_KDATA, g_fault_label);
	v = TRY(FAR_JMP(SEL(FX_NOTPRESENT, 0)));
	t_fault("ljmp not present", v, EXC_NP, SEL(FX_NOTPRESENT, 0), g_fault_label);
	v = TRY(FAR_JMP(0));
	t_fault("ljmp null", v, EXC_GP, 0, g_fault_label);
	v = TRY(FAR_JMP(SEL(GDT_ENTRIES + 3, 0)));
	t_fault("ljmp beyond limit", v, EXC_GP, SEL(GDT_ENTRIES + 3, 0), g_fault_label);
	v = TRY(FAR_CALL(SEL(FX_USERCODE, 0)));
	t_fault("lcall DPL 3 code", v, EXC_GP, SEL(FX_USERCODE, 0), g_fault_label);
	/* RPL bits are not part of the error code. */
	v = TRY(FAR_JMP(SEL_KDATA | 3));
	t_fault("ljmp data rpl 3", v, EXC_GP, SEL_KDATA, g_fault_label);
	t_eq("cs unchanged", read_cs(), SEL_KCODE);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	setup();
	jmp_call_case();
	indirect_case();
	based_case();
	gate_case();
	iret_case();
	fault_case();
}
