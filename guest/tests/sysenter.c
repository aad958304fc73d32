/*
 * SYSENTER and SYSEXIT (SDM vol. 2 SYSENTER, SYSEXIT; vol. 3A 5.8.7;
 * vol. 4 MSRs 174H-176H): the three MSRs written and read back; from ring
 * 3, SYSENTER to CS = IA32_SYSENTER_CS, SS = CS + 8, ESP and EIP from the
 * MSRs, IF cleared; SYSEXIT to CS = IA32_SYSENTER_CS + 16 | 3, SS = + 24
 * | 3, EIP = EDX, ESP = ECX, flags kept; 100 round trips; #GP(0) for
 * SYSENTER with IA32_SYSENTER_CS = 0, for SYSEXIT at CPL 3 and for
 * SYSEXIT with IA32_SYSENTER_CS = 0.  CPUID.1:EDX.SEP is printed: the
 * guest must see the same natively and under hv.
 */
#include "guest/lib/guest.h"

GUEST_NAME("sysenter");

#define MSR_CS	0x174
#define MSR_ESP	0x175
#define MSR_EIP	0x176
#define ROUNDS	100

extern uint32_t se_res[8], se_count, se_n;
extern uint8_t se_kstack_top[];
extern void se_entry(void);
extern uint32_t se_user_loop(void), se_user_fault(void), se_user_sysexit(void);
extern uint8_t se_user_fault_at[], se_user_sysexit_at[];

static void c_cpuid(void)
{
	uint32_t a, b, c, d;

	t_begin("cpuid");
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	gprintf("sysenter: CPUID.1:EDX.SEP = %u\n", (d >> 11) & 1);
	t_end();
}

static void c_msrs(void)
{
	t_begin("msrs");
	wrmsr(MSR_CS, SEL_KCODE);
	wrmsr(MSR_ESP, (uint32_t)se_kstack_top);
	wrmsr(MSR_EIP, (uint32_t)se_entry);
	t_eq("SYSENTER_CS", rdmsr(MSR_CS), SEL_KCODE);
	t_eq("SYSENTER_ESP", rdmsr(MSR_ESP), (uint32_t)se_kstack_top);
	t_eq("SYSENTER_EIP", rdmsr(MSR_EIP), (uint32_t)se_entry);
	t_end();
}

static void c_roundtrip(void)
{
	uint32_t n;

	t_begin("roundtrip");
	se_n = ROUNDS;
	se_count = 0;
	n = user_run(se_user_loop, (uint32_t)(user_stack + USER_STACK_SIZE), FL_FIXED | FL_IF);
	t_eq("round trips", n, ROUNDS);
	t_eq("CS at entry", se_res[0], SEL_KCODE);
	t_eq("SS at entry", se_res[1], SEL_KDATA);
	t_eq("ESP at entry", se_res[2], (uint32_t)se_kstack_top);
	t_eq_mask("IF at entry", se_res[3], 0, FL_IF);
	t_eq("CS after SYSEXIT", se_res[4], SEL_UCODE);
	t_eq("SS after SYSEXIT", se_res[5], SEL_UDATA);
	t_eq("ESP kept through ECX", se_res[6], 0);
	t_eq_mask("IF after STI; SYSEXIT", se_res[7], FL_IF, FL_IF);
	t_end();
}

static void c_faults(void)
{
	int v;

	t_begin("sysexit_cpl3");
	v = TRY(user_call(se_user_sysexit));
	t_fault("SYSEXIT at CPL 3", v, EXC_GP, 0, (uint32_t)se_user_sysexit_at);
	t_eq("from ring 3", g_fault.cs, SEL_UCODE);
	t_end();

	t_begin("sysenter_cs0");
	wrmsr(MSR_CS, 0);
	v = TRY(user_call(se_user_fault));
	t_fault("SYSENTER with SYSENTER_CS 0", v, EXC_GP, 0, (uint32_t)se_user_fault_at);
	t_eq("from ring 3", g_fault.cs, SEL_UCODE);
	t_end();

	t_begin("sysexit_cs0");
	v = TRY(__asm__ volatile(FAULT_HERE "sysexit" : : "c"(0), "d"(0)));
	t_fault("SYSEXIT with SYSENTER_CS 0", v, EXC_GP, 0, g_fault_label);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	pic_init();	/* every line masked: ring 3 runs with IF set */
	c_cpuid();
	c_msrs();
	c_roundtrip();
	c_faults();
	guest_exit();
}
