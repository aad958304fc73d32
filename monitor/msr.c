/*
 * The guest's RDMSR and WRMSR (monitor/msr.h; Intel SDM vol. 2 RDMSR,
 * WRMSR: #GP(0) for an MSR that is not there or a reserved bit): the
 * lookup in the table (msr_tab.c), the rule for MSRs it does not list,
 * what msr_init learns of the real CPU, and the rows of the TSC, the
 * local APIC's MSRs, SYSENTER and performance monitoring.  The feature
 * controls are msr_feat.c's, PAT and MTRRs msr_mem.c's, machine checks
 * msr_mca.c's.
 */
#include "monitor/msr.h"

#include "drivers/clock.h"
#include "lib/hw/lapic.h"
#include "lib/hw/msr.h"
#include "lib/log.h"
#include "lib/x86.h"
#include "monitor/msr_int.h"
#include "monitor/trap.h"
#include "monitor/vcpu.h"

struct msr_cpu msr_cpu;

/* For the counters: the guest's RDMSRs (those of MSRs without a row
   among them), WRMSRs, and the #GPs they got. */
static uint32_t nread, nread_real, nwrite, ngp;

/* --- generic rows --- */

int msr_rd_real(uint32_t idx, uint64_t *v)
{
	return trap_rdmsr(idx, v) ? -1 : 0;
}

int msr_rd_refuse(uint32_t idx, uint64_t *v)
{
	(void)idx; (void)v;
	return -1;
}

int msr_wr_refuse(uint32_t idx, uint64_t v)
{
	(void)idx; (void)v;
	return -1;
}

/* --- the time-stamp counter (vol. 3B 17.17) --- */

int msr_has_tsc(uint32_t idx)
{
	(void)idx;
	return !!(msr_cpu.edx1 & CPUID1_EDX_TSC);
}

int msr_has_tsc_adjust(uint32_t idx)
{
	(void)idx;
	return !!(msr_cpu.ebx7 & CPUID7_EBX_TSC_ADJUST);
}

/*
 * The guest's TSC is the real one: RDTSC runs natively in translated
 * kernel code and in user code, so a TSC of the guest's own (an offset)
 * would need every RDTSC to exit, and RDMSR and RDTSC would disagree
 * otherwise.  A write therefore goes to the real IA32_TSC (or
 * IA32_TSC_ADJUST, which moves the TSC by the change, 17.17.3), and hv's
 * clock takes the jump out: its time goes on, only the cycles of the WRMSR
 * itself are lost.  The CPU decides what the write does (a CPU that
 * refuses it gives the guest #GP; QEMU's TCG drops it).
 */
int msr_wr_tsc(uint32_t idx, uint64_t v)
{
	uint64_t before = rdtsc();

	if (trap_wrmsr(idx, v))
		return -1;
	clock_tsc_moved(rdtsc() - before);
	return 0;
}

/*
 * IA32_TSC_AUX (vol. 3B 17.17.2), where the CPU has RDTSCP
 * (CPUID.80000001H:EDX[27]): the guest's copy, which RDTSCP in translated
 * code returns in ECX (emul_sys.c), written through to the real MSR for
 * RDTSCP in user code; bits 63:32 are reserved (#GP).
 */
static uint32_t tsc_aux;

int msr_has_rdtscp(uint32_t idx)
{
	(void)idx;
	return !!(msr_cpu.edx_ext1 & CPUID_EXT1_EDX_RDTSCP);
}

uint32_t msr_tsc_aux(void)
{
	return tsc_aux;
}

int msr_rd_tsc_aux(uint32_t idx, uint64_t *v)
{
	(void)idx;
	*v = tsc_aux;
	return 0;
}

int msr_wr_tsc_aux(uint32_t idx, uint64_t v)
{
	(void)idx;
	if (v >> 32)
		return -1;
	tsc_aux = (uint32_t)v;
	/* Also the real one, which hv does not use: RDTSCP in the guest's
	   user code runs natively and must read the same. */
	trap_wrmsr(MSR_TSC_AUX, v);
	return 0;
}

/* --- the local APIC's (monitor/apic.c) --- */

int msr_has_tsc_deadline(uint32_t idx)
{
	(void)idx;
	return !!(msr_cpu.ecx1 & CPUID1_ECX_TSC_DEADLINE);
}

/* --- SYSENTER (vol. 3A 5.8.7): the vcpu's, which emul_seg.c uses --- */

int msr_has_sep(uint32_t idx)
{
	(void)idx;
	return !!(msr_cpu.edx1 & CPUID1_EDX_SEP);
}

static uint32_t *sysenter_reg(uint32_t idx)
{
	return idx == MSR_SYSENTER_CS ? &vcpu.sysenter_cs :
	       idx == MSR_SYSENTER_ESP ? &vcpu.sysenter_esp : &vcpu.sysenter_eip;
}

int msr_rd_sysenter(uint32_t idx, uint64_t *v)
{
	*v = *sysenter_reg(idx);
	return 0;
}

/* A 32-bit CPU's registers: the upper half is dropped. */
int msr_wr_sysenter(uint32_t idx, uint64_t v)
{
	*sysenter_reg(idx) = (uint32_t)v;
	return 0;
}

/* --- architectural performance monitoring (vol. 3B 18.2) --- */

int msr_has_pmc(uint32_t idx)
{
	uint32_t n = idx >= MSR_A_PMC0 ? idx - MSR_A_PMC0 :
		     idx >= MSR_PERFEVTSEL0 ? idx - MSR_PERFEVTSEL0 : idx - MSR_PMC0;

	return msr_cpu.pmu_version >= 1 && n < msr_cpu.npmc;
}

/* Version 2 on: the fixed counters, their control, PERF_GLOBAL_*. */
int msr_has_pmu2(uint32_t idx)
{
	if (msr_cpu.pmu_version < 2)
		return 0;
	if (idx >= MSR_FIXED_CTR_CTRL)
		return 1;
	return idx - MSR_FIXED_CTR0 < msr_cpu.nfixed;
}

/* --- the real CPU, at boot --- */

static void cpu_init(void)
{
	struct msr_cpu *c = &msr_cpu;
	uint32_t r[4];

	cpuid(0, 0, r);
	c->max_leaf = r[0];
	cpuid(1, 0, r);
	c->ecx1 = r[2];
	c->edx1 = r[3];
	if (c->max_leaf >= 7) {
		cpuid(7, 0, r);
		c->ebx7 = r[1];
	}
	if (c->max_leaf >= 0xA) {
		cpuid(0xA, 0, r);
		c->pmu_version = r[0] & 0xFF;
		c->npmc = (r[0] >> 8) & 0xFF;
		c->nfixed = r[3] & 0x1F;
	}
	/* As the guest works it out from the CPUID it sees: without leaf
	   80000008H, 36 bits with PAE or PSE-36, else 32 (vol. 3A 4.1.4); hv
	   hides PAE (emul_sys.c), so only PSE-36 counts. */
	c->maxphyaddr = c->edx1 & CPUID1_EDX_PSE36 ? 36 : 32;
	cpuid(0x80000000, 0, r);
	if (r[0] >= 0x80000001 && r[0] < 0x8000FFFF) {
		uint32_t e[4];

		cpuid(0x80000001, 0, e);
		c->edx_ext1 = e[3];
	}
	if (r[0] >= 0x80000008 && r[0] < 0x8000FFFF) {
		cpuid(0x80000008, 0, r);
		c->maxphyaddr = r[0] & 0xFF;
	}
}

void msr_init(void)
{
	cpu_init();
	msr_feat_init();
	msr_mem_init();
	msr_mca_init();
}

/* --- the guest's RDMSR and WRMSR --- */

static const struct msr_row *row_of(uint32_t idx)
{
	for (uint32_t i = 0; i < msr_nrows; i++) {
		const struct msr_row *r = &msr_rows[i];

		if (idx >= r->first && idx <= r->last && (!r->has || r->has(idx)))
			return r;
	}
	return 0;
}

static const char *const policy_name[] = { "virtual", "pass", "refused" };

int msr_read(uint32_t idx, uint64_t *v)
{
	const struct msr_row *r = row_of(idx);

	nread++;
	if (!r) {
		nread_real++;
		if (trap_rdmsr(idx, v) == 0)
			return 0;
		ngp++;
		log_debug("msr", "rdmsr %08x: the CPU has no such MSR: #GP", idx);
		return -1;
	}
	if (r->rd(idx, v) == 0)
		return 0;
	ngp++;
	log_debug("msr", "rdmsr %08x (%s, %s): #GP", idx, r->name, policy_name[r->policy]);
	return -1;
}

int msr_write(uint32_t idx, uint64_t v)
{
	const struct msr_row *r = row_of(idx);

	nwrite++;
	if (!r) {
		ngp++;
		log_debug("msr", "wrmsr %08x <- %016llx: no row of hv's table: #GP", idx, v);
		return -1;
	}
	if (r->wr(idx, v) == 0)
		return 0;
	ngp++;
	log_debug("msr", "wrmsr %08x (%s, %s) <- %016llx: #GP", idx, r->name,
		  policy_name[r->policy], v);
	return -1;
}

void msr_print_stats(void)
{
	log_info("msr", "rdmsr %u (%u of MSRs without a row), wrmsr %u, #GP %u", nread,
		 nread_real, nwrite, ngp);
}
