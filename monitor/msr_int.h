/*
 * Inside the MSR policy (monitor/msr.h): what msr.c learnt of the real
 * CPU at boot, and the row functions of msr.c (the TSC, the APIC's,
 * SYSENTER, performance monitoring), msr_feat.c (feature switches),
 * msr_mem.c (PAT and MTRRs, SDM vol. 3A 11.11-11.12) and msr_mca.c
 * (machine-check architecture, 15.3) that the table (msr_tab.c) names.
 * Every function has msr_rd_fn, msr_wr_fn or msr_has_fn's shape.
 */
#ifndef MON_MSR_INT_H
#define MON_MSR_INT_H

#include <stdint.h>

/* The real CPU (CPUID, SDM vol. 2), read once by msr_init. */
struct msr_cpu {
	uint32_t max_leaf;		/* CPUID.0:EAX */
	uint32_t edx1, ecx1;		/* CPUID.1 */
	uint32_t ebx7;			/* CPUID.(7,0):EBX, 0 without leaf 7 */
	uint32_t pmu_version;		/* CPUID.0AH:EAX[7:0], 0 without leaf 0AH */
	uint32_t npmc, nfixed;		/* general-purpose and fixed counters */
	uint32_t maxphyaddr;		/* physical-address width (vol. 3A 4.1.4) */
	uint32_t edx_ext1;		/* CPUID.80000001H:EDX, 0 without the leaf */
};
extern struct msr_cpu msr_cpu;

/* Generic (msr.c). */
int msr_rd_real(uint32_t idx, uint64_t *v);	/* PASS: the real CPU's value */
int msr_rd_refuse(uint32_t idx, uint64_t *v);	/* #GP */
int msr_wr_refuse(uint32_t idx, uint64_t v);	/* #GP */

/* Single registers (msr.c). */
int msr_has_tsc(uint32_t idx);
int msr_has_tsc_adjust(uint32_t idx);
int msr_wr_tsc(uint32_t idx, uint64_t v);	/* IA32_TSC, IA32_TSC_ADJUST */
int msr_has_tsc_deadline(uint32_t idx);
int msr_has_rdtscp(uint32_t idx);
int msr_rd_tsc_aux(uint32_t idx, uint64_t *v);
int msr_wr_tsc_aux(uint32_t idx, uint64_t v);
int msr_has_sep(uint32_t idx);
int msr_rd_sysenter(uint32_t idx, uint64_t *v);
int msr_wr_sysenter(uint32_t idx, uint64_t v);
int msr_has_pmc(uint32_t idx);			/* IA32_PMCx, PERFEVTSELx, A_PMCx */
int msr_has_pmu2(uint32_t idx);			/* fixed counters, PERF_GLOBAL_* */

/* Feature switches (msr_feat.c). */
void msr_feat_init(void);
int msr_has_misc(uint32_t idx);
int msr_rd_misc(uint32_t idx, uint64_t *v);
int msr_wr_misc(uint32_t idx, uint64_t v);
int msr_has_featctl(uint32_t idx);
int msr_rd_featctl(uint32_t idx, uint64_t *v);
int msr_wr_featctl(uint32_t idx, uint64_t v);
int msr_has_platform(uint32_t idx);
int msr_rd_platform(uint32_t idx, uint64_t *v);
int msr_has_features(uint32_t idx);
int msr_rd_features(uint32_t idx, uint64_t *v);
int msr_wr_features(uint32_t idx, uint64_t v);
int msr_wr_bios_sign(uint32_t idx, uint64_t v);

/* PAT and MTRRs (msr_mem.c). */
void msr_mem_init(void);
int msr_has_pat(uint32_t idx);
int msr_rd_pat(uint32_t idx, uint64_t *v);
int msr_wr_pat(uint32_t idx, uint64_t v);
int msr_has_mtrr(uint32_t idx);			/* MTRRCAP, MTRR_DEF_TYPE */
int msr_has_mtrr_var(uint32_t idx);
int msr_has_mtrr_fix(uint32_t idx);
int msr_rd_mtrr(uint32_t idx, uint64_t *v);	/* any of them */
int msr_wr_mtrr_def(uint32_t idx, uint64_t v);
int msr_wr_mtrr_var(uint32_t idx, uint64_t v);
int msr_wr_mtrr_fix(uint32_t idx, uint64_t v);

/* Machine-check architecture (msr_mca.c). */
void msr_mca_init(void);
int msr_has_mcg(uint32_t idx);			/* MCG_CAP, MCG_STATUS */
int msr_has_mcg_ctl(uint32_t idx);
int msr_has_mc(uint32_t idx);			/* the banks' registers */
int msr_rd_mca(uint32_t idx, uint64_t *v);	/* any of them */
int msr_wr_mcg_status(uint32_t idx, uint64_t v);
int msr_wr_mcg_ctl(uint32_t idx, uint64_t v);
int msr_wr_mc(uint32_t idx, uint64_t v);

#endif
