/*
 * RDMSR and WRMSR at CPL 0 (Intel SDM vol. 2 RDMSR, WRMSR: #GP(0) for an
 * MSR the CPU does not have or a reserved bit; vol. 4 table 2-2; vol. 3A
 * 11.11 MTRRs, 11.12 PAT, 15.3 machine checks; vol. 3B 17.17 the TSC).
 *
 * reads: every MSR of hv's table (monitor/msr_tab.c) and one that no CPU
 * model here has, each read twice: "#GP" or its value (only "readable" for
 * counters and states that change by themselves); both reads must agree,
 * a #GP must be #GP(0), and where CPUID says the MSR exists (TSC, SEP,
 * PAT, MTRR; MCA's registers once IA32_MCG_CAP reads) it must read, with
 * no reserved bit set and only defined memory types.  Then what the CPU
 * does with writes of valid values: the TSC (read back near the value
 * written, by RDMSR and by RDTSC, or whatever the CPU does), the PAT, the
 * MTRRs, the machine-check registers, IA32_MISC_ENABLE's fast-strings bit,
 * MSR_MISC_FEATURES_ENABLES (0, as Linux writes it), the microcode-revision
 * protocol of IA32_BIOS_SIGN_ID; each read back and put back.
 *
 * strict=1 adds what the SDM requires and QEMU 7.2's TCG does not do (it
 * reads 0 for any MSR it lacks and for IA32_TSC, drops writes of those,
 * and checks no value written; guest/README.md): RDMSR of IA32_TSC counts
 * between two RDTSCs, a TSC write moves both, writes of invalid values
 * (PAT types 2 and 3, reserved bits in the PAT, MTRRs and MTRRdefType,
 * MTRR addresses above MAXPHYADDR, MTRR type 7, machine-check status not
 * 0, the read-only MTRRCAP and MCG_CAP, a locked IA32_FEATURE_CONTROL)
 * are #GP(0) and change nothing,
 * and the unknown MSR is #GP(0) for RDMSR and WRMSR.  scripts/test-bochs.sh
 * runs it so, in Bochs with ignore_bad_msrs=0.
 */
#include "guest/lib/guest.h"
#include "lib/hw/lapic.h"
#include "lib/hw/msr.h"

GUEST_NAME("msr");

#define MSR_UNKNOWN	0x12345678	/* in no range Intel or AMD define */
#define NEAR		(1ull << 32)	/* "near" a TSC value: within 2^32 cycles */

static int strict;
static uint32_t edx1, ecx1, maxphy;

/* RDMSR: 1 and the value, or 0 after a #GP (checked to be #GP(0)). */
static int rd(uint32_t idx, uint64_t *v)
{
	volatile uint32_t lo = 0, hi = 0;
	int f = TRY(__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(idx)));

	if (f >= 0) {
		t_check(f == EXC_GP && g_fault.err == 0, "rdmsr %x: vector %d error %x, want #GP(0)",
			idx, f, g_fault.err);
		return 0;
	}
	*v = ((uint64_t)hi << 32) | lo;
	return 1;
}

/* WRMSR: 1, or 0 after a #GP (checked to be #GP(0)). */
static int wr(uint32_t idx, uint64_t v)
{
	int f = TRY(__asm__ volatile("wrmsr" : : "c"(idx), "a"((uint32_t)v),
				     "d"((uint32_t)(v >> 32))));

	if (f >= 0) {
		t_check(f == EXC_GP && g_fault.err == 0, "wrmsr %x: vector %d error %x, want #GP(0)",
			idx, f, g_fault.err);
		return 0;
	}
	return 1;
}

static uint64_t rd0(uint32_t idx)
{
	uint64_t v = 0;

	return rd(idx, &v) ? v : 0;
}

/* A write that must be taken and read back as written. */
static void wr_back(const char *what, uint32_t idx, uint64_t v)
{
	uint64_t got = ~v;

	if (!t_check(wr(idx, v), "%s: wrmsr %x <- %llx: #GP", what, idx, v))
		return;
	t_check(rd(idx, &got) && got == v, "%s: msr %x reads %llx after writing %llx", what,
		idx, got, v);
}

/* strict: a write the SDM refuses: #GP(0), and the MSR keeps its value. */
static void wr_bad(const char *what, uint32_t idx, uint64_t v)
{
	uint64_t before;

	if (!strict)
		return;
	before = rd0(idx);
	t_check(!wr(idx, v), "%s: wrmsr %x <- %llx taken, want #GP(0)", what, idx, v);
	t_check(rd0(idx) == before, "%s: msr %x changed by a refused write", what, idx);
}

/* Is every byte of v an MTRR memory type? */
static int mtrr_ok(uint64_t v)
{
	for (int i = 0; i < 64; i += 8)
		if (!MTRR_TYPE_OK((v >> i) & 0xFF))
			return 0;
	return 1;
}

/* --- the reads --- */

enum { FIXED, VARYING, FEATCTL };	/* how a value is printed */

static const struct {
	const char *name;
	uint32_t idx;
	uint8_t print;
} msrs[] = {
	{ "IA32_TSC", MSR_TSC, VARYING },
	{ "IA32_PLATFORM_ID", MSR_PLATFORM_ID, FIXED },
	{ "IA32_APIC_BASE", MSR_APIC_BASE, FIXED },
	{ "IA32_FEATURE_CONTROL", MSR_FEATURE_CONTROL, FEATCTL },
	{ "IA32_TSC_ADJUST", MSR_TSC_ADJUST, FIXED },
	{ "IA32_BIOS_SIGN_ID", MSR_BIOS_SIGN_ID, FIXED },
	{ "IA32_PMC0", MSR_PMC0, VARYING },
	{ "IA32_PMC1", MSR_PMC0 + 1, VARYING },
	{ "MSR_PLATFORM_INFO", MSR_PLATFORM_INFO, FIXED },
	{ "IA32_MPERF", MSR_MPERF, VARYING },
	{ "IA32_APERF", MSR_APERF, VARYING },
	{ "IA32_MTRRCAP", MSR_MTRRCAP, FIXED },
	{ "MSR_MISC_FEATURES_ENABLES", MSR_MISC_FEATURES_ENABLES, FIXED },
	{ "IA32_SYSENTER_CS", MSR_SYSENTER_CS, FIXED },
	{ "IA32_SYSENTER_ESP", MSR_SYSENTER_ESP, FIXED },
	{ "IA32_SYSENTER_EIP", MSR_SYSENTER_EIP, FIXED },
	{ "IA32_MCG_CAP", MSR_MCG_CAP, FIXED },
	{ "IA32_MCG_STATUS", MSR_MCG_STATUS, FIXED },
	{ "IA32_MCG_CTL", MSR_MCG_CTL, FIXED },
	{ "IA32_PERFEVTSEL0", MSR_PERFEVTSEL0, FIXED },
	{ "IA32_PERFEVTSEL1", MSR_PERFEVTSEL0 + 1, FIXED },
	{ "IA32_PERF_STATUS", MSR_PERF_STATUS, VARYING },
	{ "IA32_PERF_CTL", MSR_PERF_CTL, VARYING },
	{ "IA32_CLOCK_MODULATION", MSR_CLOCK_MODULATION, FIXED },
	{ "IA32_THERM_INTERRUPT", MSR_THERM_INTERRUPT, FIXED },
	{ "IA32_THERM_STATUS", MSR_THERM_STATUS, VARYING },
	{ "IA32_MISC_ENABLE", MSR_MISC_ENABLE, FIXED },
	{ "IA32_MTRR_FIX64K_00000", MSR_MTRR_FIX64K_00000, FIXED },
	{ "IA32_MTRR_FIX16K_80000", MSR_MTRR_FIX16K_80000, FIXED },
	{ "IA32_MTRR_FIX16K_A0000", MSR_MTRR_FIX16K_A0000, FIXED },
	{ "IA32_MTRR_FIX4K_C0000", MSR_MTRR_FIX4K_C0000, FIXED },
	{ "IA32_MTRR_FIX4K_F8000", MSR_MTRR_FIX4K_C0000 + 7, FIXED },
	{ "IA32_PAT", MSR_PAT, FIXED },
	{ "IA32_MTRR_DEF_TYPE", MSR_MTRR_DEF_TYPE, FIXED },
	{ "IA32_FIXED_CTR0", MSR_FIXED_CTR0, VARYING },
	{ "IA32_FIXED_CTR_CTRL", MSR_FIXED_CTR_CTRL, FIXED },
	{ "IA32_PERF_GLOBAL_STATUS", MSR_PERF_GLOBAL_STATUS, VARYING },
	{ "IA32_PERF_GLOBAL_CTRL", MSR_PERF_GLOBAL_CTRL, FIXED },
	{ "IA32_PERF_GLOBAL_OVF_CTRL", MSR_PERF_GLOBAL_OVF_CTRL, FIXED },
	{ "IA32_A_PMC0", MSR_A_PMC0, VARYING },
	{ "IA32_TSC_DEADLINE", MSR_TSC_DEADLINE, FIXED },
	{ "unknown", MSR_UNKNOWN, FIXED },
};

/* Reads msr idx twice and prints it; returns 1 if it read. */
static int show(const char *name, uint32_t idx, int print)
{
	uint64_t a = 0, b = 0;
	int ra = rd(idx, &a), rb = rd(idx, &b);

	t_check(ra == rb, "%s: rdmsr %x faulted once of two times", name, idx);
	if (!ra) {
		gprintf("%-26s %08x: #GP\n", name, idx);
		return 0;
	}
	if (print == VARYING) {
		gprintf("%-26s %08x: readable\n", name, idx);
		return 1;
	}
	t_check(a == b, "%s: msr %x read %llx, then %llx", name, idx, a, b);
	/* VMX and SMX (and the LMCE they go with) may be hidden by a
	   hypervisor; the rest must be the CPU's. */
	if (print == FEATCTL)
		a &= ~(uint64_t)(FEATCTL_VMX_IN_SMX | FEATCTL_VMX | FEATCTL_SENTER | FEATCTL_LMCE);
	gprintf("%-26s %08x: %016llx\n", name, idx, a);
	return 1;
}

/* What the SDM says of the values read, where CPUID says the MSR is there. */
static void reads_case(void)
{
	uint64_t v, cap = 0, mcg = 0;
	uint32_t n;

	t_begin("reads");
	for (unsigned i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++)
		show(msrs[i].name, msrs[i].idx, msrs[i].print);
	if (edx1 & CPUID1_EDX_TSC)
		t_check(rd(MSR_TSC, &v), "CPUID.TSC and no IA32_TSC");
	if (edx1 & CPUID1_EDX_SEP)
		t_check(rd(MSR_SYSENTER_CS, &v) && rd(MSR_SYSENTER_ESP, &v) &&
			rd(MSR_SYSENTER_EIP, &v), "CPUID.SEP and no SYSENTER MSRs");
	if (rd(MSR_APIC_BASE, &v))
		t_eq_mask("IA32_APIC_BASE bits 7:0 (reserved)", (uint32_t)v, 0, 0xFF);
	if (edx1 & CPUID1_EDX_PAT) {
		t_check(rd(MSR_PAT, &v), "CPUID.PAT and no IA32_PAT");
		for (int i = 0; i < 64; i += 8)
			t_check(PAT_TYPE_OK((v >> i) & 0xFF), "PAT entry %d is %02llx", i / 8,
				(v >> i) & 0xFF);
	}
	if (edx1 & CPUID1_EDX_MTRR) {
		t_check(rd(MSR_MTRRCAP, &cap), "CPUID.MTRR and no IA32_MTRRCAP");
		t_check(rd(MSR_MTRR_DEF_TYPE, &v), "CPUID.MTRR and no IA32_MTRR_DEF_TYPE");
		t_check(!(v & ~0xCFFull) && MTRR_TYPE_OK(v & 0xFF), "MTRR_DEF_TYPE %llx", v);
		n = cap & MTRRCAP_VCNT;
		for (uint32_t i = 0; i < n && i < 10; i++) {
			uint64_t base = 0, mask = 0;
			uint32_t b = MSR_MTRR_PHYSBASE0 + 2 * i;

			t_check(show("IA32_MTRR_PHYSBASEn", b, FIXED), "pair %u < VCNT", i);
			t_check(show("IA32_MTRR_PHYSMASKn", b + 1, FIXED), "pair %u < VCNT", i);
			rd(b, &base);
			rd(b + 1, &mask);
			t_check(!(base & 0xF00) && MTRR_TYPE_OK(base & 0xFF), "PHYSBASE%u %llx", i, base);
			t_check(!(mask & 0x7FF), "PHYSMASK%u %llx", i, mask);
		}
		if (cap & MTRRCAP_FIX)
			for (uint32_t i = MSR_MTRR_FIX4K_C0000; i < MSR_MTRR_FIX4K_C0000 + 8; i++)
				t_check(rd(i, &v) && mtrr_ok(v), "fixed MTRR %x: %llx", i, v);
	}
	/* The pair after the last one (or the first, without MTRRs). */
	show("IA32_MTRR_PHYSBASE(VCNT)", MSR_MTRR_PHYSBASE0 + 2 * (cap & MTRRCAP_VCNT), FIXED);
	if (rd(MSR_MCG_CAP, &mcg)) {
		t_check(rd(MSR_MCG_STATUS, &v), "IA32_MCG_CAP and no IA32_MCG_STATUS");
		if (mcg & MCG_CAP_CTL_P)
			t_check(rd(MSR_MCG_CTL, &v), "MCG_CTL_P and no IA32_MCG_CTL");
		for (uint32_t i = 0; i < (mcg & MCG_CAP_COUNT) && i < 32; i++) {
			t_check(show("IA32_MCi_CTL", MSR_MC0_CTL + 4 * i, FIXED), "bank %u < count", i);
			t_check(show("IA32_MCi_STATUS", MSR_MC0_CTL + 4 * i + 1, FIXED), "bank %u", i);
			show("IA32_MCi_ADDR", MSR_MC0_CTL + 4 * i + 2, FIXED);
			show("IA32_MCi_MISC", MSR_MC0_CTL + 4 * i + 3, FIXED);
		}
	}
	t_end();
}

static void cpuid_case(void)
{
	static const struct { const char *name; uint32_t bit; } f[] = {
		{ "tsc", CPUID1_EDX_TSC }, { "msr", CPUID1_EDX_MSR }, { "mce", CPUID1_EDX_MCE },
		{ "sep", CPUID1_EDX_SEP }, { "mtrr", CPUID1_EDX_MTRR }, { "mca", CPUID1_EDX_MCA },
		{ "pat", CPUID1_EDX_PAT },
	};
	uint32_t r[4];

	t_begin("cpuid");
	cpuid(1, 0, r);
	ecx1 = r[2];
	edx1 = r[3];
	gprintf("CPUID.1:EDX:");
	for (unsigned i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (edx1 & f[i].bit)
			gprintf(" %s", f[i].name);
	gprintf("%s\n", ecx1 & CPUID1_ECX_TSC_DEADLINE ? "; ECX: tsc_deadline" : "");
	t_check(edx1 & CPUID1_EDX_MSR, "CPUID.1:EDX.MSR is clear");
	/* MAXPHYADDR (SDM vol. 3A 4.1.4): 36 with PAE or PSE-36 when
	   CPUID has no leaf 80000008H. */
	maxphy = edx1 & (CPUID1_EDX_PAE | CPUID1_EDX_PSE36) ? 36 : 32;
	cpuid(0x80000000, 0, r);
	if (r[0] >= 0x80000008 && r[0] < 0x8000FFFF) {
		cpuid(0x80000008, 0, r);
		maxphy = r[0] & 0xFF;
	}
	t_end();
}

static const char *tsc_near(uint64_t v, uint64_t at)
{
	return v == 0 ? "zero" : v - at < NEAR ? "near" : "elsewhere";
}

/* 17.17: IA32_TSC is the counter RDTSC reads; WRMSR sets it. */
static void tsc_case(void)
{
	const uint64_t x = 0x0000012300000000ull;
	uint64_t t0, a = 0, b = 0, t1;
	int r;

	t_begin("tsc");
	t0 = rdtsc();
	r = rd(MSR_TSC, &a) && rd(MSR_TSC, &b);
	t1 = rdtsc();
	gprintf("rdmsr IA32_TSC: %s\n", !r ? "#GP" : !a && !b ? "zero" : b > a ? "counts" : "stuck");
	if (strict && t_check(r, "IA32_TSC: #GP"))
		t_check(t0 <= a && a < b && b <= t1, "rdtsc %llx, rdmsr %llx %llx, rdtsc %llx",
			t0, a, b, t1);
	r = wr(MSR_TSC, x);
	a = rd0(MSR_TSC);
	t1 = rdtsc();
	gprintf("wrmsr IA32_TSC: %s; then rdmsr %s, rdtsc %s\n", r ? "taken" : "#GP",
		tsc_near(a, x), tsc_near(t1, x));
	if (strict) {
		t_check(r, "wrmsr IA32_TSC: #GP");
		t_check(a - x < NEAR && t1 - x < NEAR, "wrote %llx, rdmsr %llx, rdtsc %llx", x, a, t1);
	}
	t_end();
}

/*
 * Vol. 2 RDTSCP, vol. 3B 17.17.2: where CPUID.80000001H:EDX[27] shows it,
 * RDTSCP reads the TSC into EDX:EAX and IA32_TSC_AUX into ECX.
 */
static void rdtscp_case(void)
{
	uint32_t r[4], lo, hi, aux;
	uint64_t t0, t, v = 0;

	t_begin("rdtscp");
	cpuid(0x80000000, 0, r);
	if (r[0] < 0x80000001 || r[0] > 0x8000FFFF ||
	    (cpuid(0x80000001, 0, r), !(r[3] & CPUID_EXT1_EDX_RDTSCP))) {
		gprintf("rdtscp: not offered\n");
		t_end();
		return;
	}
	t_check(wr(MSR_TSC_AUX, 0x12345), "wrmsr IA32_TSC_AUX 12345: #GP");
	/* (QEMU 7.2's TCG reads IA32_TSC_AUX as 0 with RDMSR: strict only.) */
	if (strict)
		t_check(rd(MSR_TSC_AUX, &v) && v == 0x12345, "rdmsr IA32_TSC_AUX: %llx", v);
	t0 = rdtsc();
	__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	t = (uint64_t)hi << 32 | lo;
	gprintf("rdtscp: ecx %x, tsc %s\n", aux, t >= t0 ? "after rdtsc's" : "before rdtsc's");
	t_eq("rdtscp's ecx", aux, 0x12345);
	t_check(t >= t0, "rdtscp %llx before rdtsc %llx", t, t0);
	wr(MSR_TSC_AUX, 0);
	t_end();
}

/* 11.12.2: eight entries of bits 2:0 a type (not 2 or 3), 7:3 reserved. */
static void pat_case(void)
{
	uint64_t old;

	t_begin("pat");
	if (!(edx1 & CPUID1_EDX_PAT) || !rd(MSR_PAT, &old)) {
		gprintf("no PAT\n");
		t_end();
		return;
	}
	wr_back("PAT as Linux sets it", MSR_PAT, 0x0007010600070106ull);
	wr_back("PAT all types", MSR_PAT, 0x0706050401000706ull);
	wr_bad("PAT type 2", MSR_PAT, 0x0007040600070402ull);
	wr_bad("PAT type 3", MSR_PAT, 0x0307040600070406ull);
	wr_bad("PAT bit 3", MSR_PAT, 0x0007040600070C06ull);
	wr_bad("PAT bit 63", MSR_PAT, 0x8007040600070406ull);
	wr_back("PAT back", MSR_PAT, old);
	t_end();
}

/* 11.11.2: MTRRdefType, a variable pair, a fixed-range MTRR. */
static void mtrr_case(void)
{
	uint64_t cap, def, base, mask, fix, above = ~0ull << maxphy;
	uint32_t b;

	t_begin("mtrr");
	if (!(edx1 & CPUID1_EDX_MTRR) || !rd(MSR_MTRRCAP, &cap) || !(cap & MTRRCAP_VCNT)) {
		gprintf("no MTRRs\n");
		t_end();
		return;
	}
	gprintf("MTRRCAP: %llu variable pairs%s%s\n", cap & MTRRCAP_VCNT,
		cap & MTRRCAP_FIX ? ", fixed ranges" : "", cap & MTRRCAP_WC ? ", WC" : "");
	def = rd0(MSR_MTRR_DEF_TYPE);
	wr_back("MTRRdefType UC", MSR_MTRR_DEF_TYPE, (def & ~0xFFull) | MT_UC);
	wr_back("MTRRdefType WT, FE", MSR_MTRR_DEF_TYPE, (def & ~0xFFull) | MT_WT | MTRR_DEF_FE);
	wr_bad("MTRRdefType type 2", MSR_MTRR_DEF_TYPE, (def & ~0xFFull) | 2);
	wr_bad("MTRRdefType type 7", MSR_MTRR_DEF_TYPE, (def & ~0xFFull) | MT_UCMINUS);
	wr_bad("MTRRdefType bit 9", MSR_MTRR_DEF_TYPE, def | 0x200);
	wr_bad("MTRRdefType bit 12", MSR_MTRR_DEF_TYPE, def | 0x1000);
	wr_back("MTRRdefType back", MSR_MTRR_DEF_TYPE, def);

	/* The last pair, a 1 MiB range at 1 MiB, left invalid (V clear). */
	b = MSR_MTRR_PHYSBASE0 + 2 * ((cap & MTRRCAP_VCNT) - 1);
	base = rd0(b);
	mask = rd0(b + 1);
	wr_back("PHYSBASE WT", b, 0x00100000 | MT_WT);
	wr_back("PHYSMASK 1 MiB", b + 1, ~above & ~0xFFFFFull);
	wr_bad("PHYSBASE type 7", b, 0x00100000 | MT_UCMINUS);
	wr_bad("PHYSBASE bit 8", b, 0x00100100 | MT_WT);
	wr_bad("PHYSBASE bit MAXPHYADDR", b, (1ull << maxphy) | MT_WT);
	wr_bad("PHYSMASK bit 0", b + 1, (~above & ~0xFFFFFull) | 1);
	wr_bad("PHYSMASK bit MAXPHYADDR", b + 1, ~0xFFFFFull & ~(uint64_t)MTRR_PHYSMASK_V);
	wr_back("PHYSBASE back", b, base);
	wr_back("PHYSMASK back", b + 1, mask);

	if (cap & MTRRCAP_FIX) {
		fix = rd0(MSR_MTRR_FIX16K_A0000);
		wr_back("FIX16K_A0000", MSR_MTRR_FIX16K_A0000, 0x0001040506000104ull);
		wr_bad("FIX16K_A0000 type 3", MSR_MTRR_FIX16K_A0000, 0x0001040506000304ull);
		wr_back("FIX16K_A0000 back", MSR_MTRR_FIX16K_A0000, fix);
	}
	wr_bad("MTRRCAP (read-only)", MSR_MTRRCAP, cap);
	t_end();
}

/* 15.3.1-2: MCG_STATUS and MCi_STATUS take 0 only; MCG_CTL 0 or all 1s. */
static void mca_case(void)
{
	uint64_t cap, ctl;
	uint32_t n;

	t_begin("mca");
	if (!(edx1 & CPUID1_EDX_MCA) || !rd(MSR_MCG_CAP, &cap)) {
		gprintf("no machine-check registers\n");
		t_end();
		return;
	}
	n = cap & MCG_CAP_COUNT;
	gprintf("MCG_CAP: %u banks%s\n", n, cap & MCG_CAP_CTL_P ? ", MCG_CTL" : "");
	wr_back("MCG_STATUS 0", MSR_MCG_STATUS, 0);
	wr_bad("MCG_STATUS 1", MSR_MCG_STATUS, 1);
	wr_bad("MCG_CAP (read-only)", MSR_MCG_CAP, cap);
	if (cap & MCG_CAP_CTL_P) {
		ctl = rd0(MSR_MCG_CTL);
		wr_back("MCG_CTL 0", MSR_MCG_CTL, 0);
		wr_back("MCG_CTL all 1s", MSR_MCG_CTL, ~0ull);
		wr_back("MCG_CTL back", MSR_MCG_CTL, ctl);
	}
	for (uint32_t i = 0; i < n && i < 32; i++) {
		uint32_t m = MSR_MC0_CTL + 4 * i;

		/* Not IA32_MC0_CTL, which software must leave alone on
		   newer CPUs (15.3.2.1). */
		if (i > 0) {
			ctl = rd0(m);
			wr_back("MCi_CTL 0", m, 0);
			wr_back("MCi_CTL all 1s", m, ~0ull);
			wr_back("MCi_CTL back", m, ctl);
		}
		wr_back("MCi_STATUS 0", m + 1, 0);
		wr_bad("MCi_STATUS 1", m + 1, 1);
	}
	t_end();
}

/*
 * Table 2-2: IA32_MISC_ENABLE bit 0 (fast strings) is read/write; a locked
 * IA32_FEATURE_CONTROL refuses writes (vol. 3C 23.7).  What Linux writes
 * back after probing MSR_MISC_FEATURES_ENABLES: 0, every feature off.
 */
static void features_case(void)
{
	uint64_t v;

	t_begin("features");
	if (rd(MSR_MISC_ENABLE, &v)) {
		wr_back("MISC_ENABLE as read", MSR_MISC_ENABLE, v);
		wr_back("MISC_ENABLE fast strings toggled", MSR_MISC_ENABLE, v ^ MISC_FAST_STRINGS);
		wr_back("MISC_ENABLE back", MSR_MISC_ENABLE, v);
	}
	if (rd(MSR_FEATURE_CONTROL, &v) && (v & FEATCTL_LOCK))
		wr_bad("FEATURE_CONTROL locked", MSR_FEATURE_CONTROL, v);
	if (rd(MSR_MISC_FEATURES_ENABLES, &v))
		wr_back("MISC_FEATURES_ENABLES 0", MSR_MISC_FEATURES_ENABLES, 0);
	t_end();
}

/* 9.11.7.1: write 0, CPUID.1, read: the microcode revision (bits 63:32). */
static void bios_sign_case(void)
{
	uint32_t r[4];
	int w;

	t_begin("bios_sign_id");
	w = wr(MSR_BIOS_SIGN_ID, 0);
	cpuid(1, 0, r);
	gprintf("IA32_BIOS_SIGN_ID: write 0 %s, then %016llx\n", w ? "taken" : "#GP",
		rd0(MSR_BIOS_SIGN_ID) & 0xFFFFFFFF00000000ull);
	t_end();
}

/* strict: an MSR the CPU does not have is #GP(0) both ways (vol. 2). */
static void unknown_case(void)
{
	uint64_t v = 0;

	if (!strict)
		return;
	t_begin("unknown");
	t_check(!rd(MSR_UNKNOWN, &v), "rdmsr %x read %llx, want #GP(0)", MSR_UNKNOWN, v);
	t_check(!wr(MSR_UNKNOWN, 0), "wrmsr %x taken, want #GP(0)", MSR_UNKNOWN);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	strict = guest_arg_u32("strict", 0);
	cpuid_case();
	reads_case();
	tsc_case();
	rdtscp_case();
	pat_case();
	mtrr_case();
	mca_case();
	features_case();
	bios_sign_case();
	unknown_case();
}
