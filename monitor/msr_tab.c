/*
 * hv's MSR policy, one row per MSR or range (monitor/msr.h explains the
 * policies and the rule for MSRs without a row; docs/ARCHITECTURE.md,
 * "MSRs", summarises it).  Indices and layouts: Intel SDM vol. 4 table
 * 2-2, lib/hw/msr.h.  A row's `has` says on which CPUs it exists; where it
 * does not, the MSR is treated as one without a row (the real CPU's read,
 * no write), so the guest sees what that CPU does.
 */
#include "drivers/devices.h"
#include "drivers/vapic.h"
#include "lib/hw/lapic.h"
#include "lib/hw/msr.h"
#include "monitor/apic.h"
#include "monitor/msr.h"
#include "monitor/msr_int.h"

/* The guest's local APIC (monitor/apic.c, drivers/vlapic.c). */
static int rd_apic_base(uint32_t idx, uint64_t *v)
{
	(void)idx;
	*v = apic_get_base();
	return 0;
}

static int wr_apic_base(uint32_t idx, uint64_t v)
{
	(void)idx;
	return apic_set_base(v);
}

static int rd_tsc_deadline(uint32_t idx, uint64_t *v)
{
	(void)idx;
	*v = vlapic_get_tsc_deadline();
	dev_sync();	/* the read brought the timer up to date: it may have fired */
	return 0;
}

static int wr_tsc_deadline(uint32_t idx, uint64_t v)
{
	(void)idx;
	vlapic_set_tsc_deadline(v);
	dev_sync();	/* hv's wake-up for the new deadline */
	return 0;
}

#define ROW(name, first, last, policy, has, rd, wr) \
	{ name, first, last, MSR_##policy, has, rd, wr }
#define ONE(name, idx, policy, has, rd, wr) ROW(name, idx, idx, policy, has, rd, wr)

const struct msr_row msr_rows[] = {
	/* The TSC is the real one (msr_wr_tsc says why): reads pass,
	   writes go to the real CPU and hv's clock absorbs the jump. */
	ONE("IA32_TSC", MSR_TSC, PASS, msr_has_tsc, msr_rd_real, msr_wr_tsc),
	ONE("IA32_TSC_ADJUST", MSR_TSC_ADJUST, PASS, msr_has_tsc_adjust, msr_rd_real, msr_wr_tsc),

	/* RDTSCP's ECX: the guest's (msr.c). */
	ONE("IA32_TSC_AUX", MSR_TSC_AUX, VIRTUAL, msr_has_rdtscp, msr_rd_tsc_aux, msr_wr_tsc_aux),

	/* The guest's local APIC's; the deadline only where TSC-deadline
	   mode is offered (CPUID.01H:ECX[24], the real CPU's). */
	ONE("IA32_APIC_BASE", MSR_APIC_BASE, VIRTUAL, 0, rd_apic_base, wr_apic_base),
	ONE("IA32_TSC_DEADLINE", MSR_TSC_DEADLINE, VIRTUAL, msr_has_tsc_deadline, rd_tsc_deadline,
	    wr_tsc_deadline),

	/* SYSENTER: the vcpu's (the real IA32_SYSENTER_CS is 0, monitor/gdt.c). */
	ROW("IA32_SYSENTER_CS/ESP/EIP", MSR_SYSENTER_CS, MSR_SYSENTER_EIP, VIRTUAL, msr_has_sep,
	    msr_rd_sysenter, msr_wr_sysenter),

	/* Feature switches (msr_feat.c): copies from boot, which the guest
	   can switch only as far as hv shows the features in CPUID. */
	ONE("IA32_MISC_ENABLE", MSR_MISC_ENABLE, VIRTUAL, msr_has_misc, msr_rd_misc, msr_wr_misc),
	ONE("IA32_FEATURE_CONTROL", MSR_FEATURE_CONTROL, VIRTUAL, msr_has_featctl, msr_rd_featctl,
	    msr_wr_featctl),
	ONE("MSR_PLATFORM_INFO", MSR_PLATFORM_INFO, VIRTUAL, msr_has_platform, msr_rd_platform,
	    msr_wr_refuse),
	ONE("MSR_MISC_FEATURES_ENABLES", MSR_MISC_FEATURES_ENABLES, VIRTUAL, msr_has_features,
	    msr_rd_features, msr_wr_features),

	/* Identification: the real CPU's. */
	ONE("IA32_PLATFORM_ID", MSR_PLATFORM_ID, PASS, 0, msr_rd_real, msr_wr_refuse),
	ONE("IA32_BIOS_SIGN_ID", MSR_BIOS_SIGN_ID, PASS, 0, msr_rd_real, msr_wr_bios_sign),

	/* Power and thermal state: read as it is; writes would change how
	   fast the real CPU runs hv, or its thermal interrupt (an APIC LVT). */
	ONE("IA32_MPERF", MSR_MPERF, PASS, 0, msr_rd_real, msr_wr_refuse),
	ONE("IA32_APERF", MSR_APERF, PASS, 0, msr_rd_real, msr_wr_refuse),
	ROW("IA32_PERF_STATUS/CTL, CLOCK_MODULATION, THERM_*", MSR_PERF_STATUS, MSR_THERM_STATUS,
	    PASS, 0, msr_rd_real, msr_wr_refuse),

	/* Memory types: copies, never written to the real CPU (msr_mem.c). */
	ONE("IA32_PAT", MSR_PAT, VIRTUAL, msr_has_pat, msr_rd_pat, msr_wr_pat),
	ONE("IA32_MTRRCAP", MSR_MTRRCAP, VIRTUAL, msr_has_mtrr, msr_rd_mtrr, msr_wr_refuse),
	ONE("IA32_MTRR_DEF_TYPE", MSR_MTRR_DEF_TYPE, VIRTUAL, msr_has_mtrr, msr_rd_mtrr,
	    msr_wr_mtrr_def),
	ROW("IA32_MTRR_PHYSBASE/PHYSMASKn", MSR_MTRR_PHYSBASE0, MSR_MTRR_PHYSBASE0 + 19, VIRTUAL,
	    msr_has_mtrr_var, msr_rd_mtrr, msr_wr_mtrr_var),
	ONE("IA32_MTRR_FIX64K_00000", MSR_MTRR_FIX64K_00000, VIRTUAL, msr_has_mtrr_fix,
	    msr_rd_mtrr, msr_wr_mtrr_fix),
	ROW("IA32_MTRR_FIX16K_*", MSR_MTRR_FIX16K_80000, MSR_MTRR_FIX16K_A0000, VIRTUAL,
	    msr_has_mtrr_fix, msr_rd_mtrr, msr_wr_mtrr_fix),
	ROW("IA32_MTRR_FIX4K_*", MSR_MTRR_FIX4K_C0000, MSR_MTRR_FIX4K_C0000 + 7, VIRTUAL,
	    msr_has_mtrr_fix, msr_rd_mtrr, msr_wr_mtrr_fix),

	/* Machine checks: copies (msr_mca.c). */
	ONE("IA32_MCG_CAP", MSR_MCG_CAP, VIRTUAL, msr_has_mcg, msr_rd_mca, msr_wr_refuse),
	ONE("IA32_MCG_STATUS", MSR_MCG_STATUS, VIRTUAL, msr_has_mcg, msr_rd_mca, msr_wr_mcg_status),
	ONE("IA32_MCG_CTL", MSR_MCG_CTL, VIRTUAL, msr_has_mcg_ctl, msr_rd_mca, msr_wr_mcg_ctl),
	ROW("IA32_MCi_CTL/STATUS/ADDR/MISC", MSR_MC0_CTL, MSR_MC0_CTL + 4 * 32 - 1, VIRTUAL,
	    msr_has_mc, msr_rd_mca, msr_wr_mc),

	/* Performance monitoring is not offered (CPUID leaf 0AH reads 0,
	   monitor/emul_sys.c; RDPMC is #GP): counters that never count would
	   lie, and real ones would take hv's APIC for their interrupt. */
	ROW("IA32_PMCx", MSR_PMC0, MSR_PMC0 + 7, REFUSE, msr_has_pmc, msr_rd_refuse, msr_wr_refuse),
	ROW("IA32_PERFEVTSELx", MSR_PERFEVTSEL0, MSR_PERFEVTSEL0 + 7, REFUSE, msr_has_pmc,
	    msr_rd_refuse, msr_wr_refuse),
	ROW("IA32_A_PMCx", MSR_A_PMC0, MSR_A_PMC0 + 7, REFUSE, msr_has_pmc, msr_rd_refuse,
	    msr_wr_refuse),
	ROW("IA32_FIXED_CTRx", MSR_FIXED_CTR0, MSR_FIXED_CTR0 + 3, REFUSE, msr_has_pmu2,
	    msr_rd_refuse, msr_wr_refuse),
	ROW("IA32_FIXED_CTR_CTRL, IA32_PERF_GLOBAL_*", MSR_FIXED_CTR_CTRL, MSR_PERF_GLOBAL_OVF_CTRL,
	    REFUSE, msr_has_pmu2, msr_rd_refuse, msr_wr_refuse),
};

const uint32_t msr_nrows = sizeof(msr_rows) / sizeof(msr_rows[0]);
