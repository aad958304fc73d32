/*
 * Model-specific registers hv's policy names, as hv (monitor/msr*.c) and
 * the test guests see them: indices from Intel SDM vol. 4 table 2-2
 * ("IA-32 Architectural MSRs"; two are model-specific, from the tables of
 * the families that have them), their layouts from vol. 3A 11.11 (MTRRs),
 * 11.12 (PAT), 15.3 (machine-check architecture), 18.2 (architectural
 * performance monitoring) and 23.7 (IA32_FEATURE_CONTROL), and the CPUID
 * bits that say whether each one exists (vol. 2, CPUID).  IA32_APIC_BASE
 * and IA32_TSC_DEADLINE are the local APIC's: lib/hw/lapic.h.
 */
#ifndef HW_MSR_H
#define HW_MSR_H

#define MSR_TSC			0x010
#define MSR_PLATFORM_ID		0x017
#define MSR_FEATURE_CONTROL	0x03A
#define MSR_TSC_ADJUST		0x03B
#define MSR_BIOS_SIGN_ID	0x08B
#define MSR_PMC0		0x0C1	/* IA32_PMCx: 0C1H + x */
#define MSR_PLATFORM_INFO	0x0CE	/* model-specific */
#define MSR_MPERF		0x0E7
#define MSR_APERF		0x0E8
#define MSR_MTRRCAP		0x0FE
#define MSR_MISC_FEATURES_ENABLES 0x140	/* model-specific */
#define MSR_SYSENTER_CS		0x174
#define MSR_SYSENTER_ESP	0x175
#define MSR_TSC_AUX		0xC0000103	/* RDTSCP's ECX (vol. 3B 17.17.2) */
#define MSR_SYSENTER_EIP	0x176
#define MSR_MCG_CAP		0x179
#define MSR_MCG_STATUS		0x17A
#define MSR_MCG_CTL		0x17B
#define MSR_PERFEVTSEL0		0x186	/* IA32_PERFEVTSELx: 186H + x */
#define MSR_PERF_STATUS		0x198
#define MSR_PERF_CTL		0x199
#define MSR_CLOCK_MODULATION	0x19A
#define MSR_THERM_INTERRUPT	0x19B
#define MSR_THERM_STATUS	0x19C
#define MSR_MISC_ENABLE		0x1A0
#define MSR_MTRR_PHYSBASE0	0x200	/* pair n: PHYSBASE 200H + 2n, PHYSMASK 201H + 2n */
#define MSR_MTRR_FIX64K_00000	0x250
#define MSR_MTRR_FIX16K_80000	0x258
#define MSR_MTRR_FIX16K_A0000	0x259
#define MSR_MTRR_FIX4K_C0000	0x268	/* ... FIX4K_F8000 at 26FH */
#define MSR_PAT			0x277
#define MSR_MTRR_DEF_TYPE	0x2FF
#define MSR_FIXED_CTR0		0x309	/* IA32_FIXED_CTRx: 309H + x */
#define MSR_FIXED_CTR_CTRL	0x38D
#define MSR_PERF_GLOBAL_STATUS	0x38E
#define MSR_PERF_GLOBAL_CTRL	0x38F
#define MSR_PERF_GLOBAL_OVF_CTRL 0x390
#define MSR_MC0_CTL		0x400	/* bank i: CTL, STATUS, ADDR, MISC at 400H + 4i */
#define MSR_A_PMC0		0x4C1	/* IA32_A_PMCx: full-width writes of IA32_PMCx */
#define MSR_PKRS		0x6E1	/* bits 63:32 reserved */

/* CPUID.01H:EDX and ECX (vol. 2 tables 3-10, 3-11); PSE and CMOV are
   among what hv itself needs (boot/cpucheck.S, which includes this). */
#define CPUID1_EDX_PSE		(1u << 3)
#define CPUID1_EDX_TSC		(1u << 4)
#define CPUID1_EDX_MSR		(1u << 5)
#define CPUID1_EDX_PAE		(1u << 6)
#define CPUID1_EDX_MCE		(1u << 7)
#define CPUID1_EDX_SEP		(1u << 11)
#define CPUID1_EDX_MTRR		(1u << 12)
#define CPUID1_EDX_MCA		(1u << 14)
#define CPUID1_EDX_CMOV		(1u << 15)
#define CPUID1_EDX_PAT		(1u << 16)
#define CPUID1_EDX_PSE36	(1u << 17)
#define CPUID1_ECX_VMX		(1u << 5)
#define CPUID1_ECX_SMX		(1u << 6)
#define CPUID7_EBX_TSC_ADJUST	(1u << 1)	/* CPUID.(EAX=07H,ECX=0):EBX */
#define CPUID_EXT1_EDX_RDTSCP	(1u << 27)	/* CPUID.80000001H:EDX */

/* Memory types (11.11.3 for the MTRRs; the PAT adds UC- = 7, 11.12.3). */
#define MT_UC			0
#define MT_WC			1
#define MT_WT			4
#define MT_WP			5
#define MT_WB			6
#define MT_UCMINUS		7
#define MTRR_TYPE_OK(t)		((t) == MT_UC || (t) == MT_WC || ((t) >= MT_WT && (t) <= MT_WB))
#define PAT_TYPE_OK(t)		(MTRR_TYPE_OK(t) || (t) == MT_UCMINUS)
#define PAT_POWER_UP		0x0007040600070406ull	/* 11.12.4 */

/* IA32_MTRRCAP (11.11.2.1, figure 11-5). */
#define MTRRCAP_VCNT		0xFFu	/* variable-range pairs */
#define MTRRCAP_FIX		(1u << 8)
#define MTRRCAP_WC		(1u << 10)

/* IA32_MTRR_DEF_TYPE (figure 11-6) and IA32_MTRR_PHYSMASKn (figure 11-7). */
#define MTRR_DEF_TYPE		0xFFu
#define MTRR_DEF_FE		(1u << 10)
#define MTRR_DEF_E		(1u << 11)
#define MTRR_PHYSBASE_TYPE	0xFFu	/* bits 11:8 reserved, 12 up the base */
#define MTRR_PHYSMASK_V		(1u << 11)	/* bits 10:0 reserved */

/* IA32_MCG_CAP (15.3.1.1, figure 15-2). */
#define MCG_CAP_COUNT		0xFFu
#define MCG_CAP_CTL_P		(1u << 8)
#define MCG_CAP_EXT_P		(1u << 9)
#define MCG_CAP_CMCI_P		(1u << 10)
#define MCG_CAP_EXT_CNT		(0xFFu << 16)
#define MCG_CAP_LMCE_P		(1u << 27)

/* IA32_FEATURE_CONTROL (23.7). */
#define FEATCTL_LOCK		(1u << 0)
#define FEATCTL_VMX_IN_SMX	(1u << 1)
#define FEATCTL_VMX		(1u << 2)
#define FEATCTL_SENTER		(0xFFu << 8)	/* SENTER local enables 14:8, global 15 */
#define FEATCTL_LMCE		(1u << 20)

/* CPUID faulting: supported (MSR_PLATFORM_INFO), enabled
   (MSR_MISC_FEATURES_ENABLES bit 0; bit 1 is ring-3 MWAIT). */
#define PLATFORM_INFO_CPUID_FAULT (1ull << 31)

/* IA32_MISC_ENABLE (table 2-2). */
#define MISC_FAST_STRINGS	(1ull << 0)
#define MISC_TCC		(1ull << 3)
#define MISC_EIST		(1ull << 16)
#define MISC_MONITOR		(1ull << 18)
#define MISC_LIMIT_CPUID	(1ull << 22)
#define MISC_XTPR_DISABLE	(1ull << 23)
#define MISC_XD_DISABLE		(1ull << 34)

#endif
