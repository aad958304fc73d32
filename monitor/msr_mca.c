/*
 * The guest's machine-check registers (Intel SDM vol. 3A 15.3; vol. 4
 * table 2-2): IA32_MCG_CAP, IA32_MCG_STATUS, IA32_MCG_CTL and the banks'
 * IA32_MCi_CTL, _STATUS, _ADDR, _MISC, all copies (monitor/msr.h,
 * VIRTUAL) taken from the real CPU at boot.
 *
 * The real registers stay hv's: a guest cannot switch the reporting of
 * real errors off or clear what a bank logged.  A real machine check is a
 * #MC exception that enters hv (monitor/trap.c), not the guest.  What the
 * guest sees is what the banks held when hv started, and its own writes.
 *
 * IA32_MCG_CAP is shown without the capabilities whose registers or
 * interrupts hv does not give: the extended state registers (MCG_EXT_P,
 * MCG_EXT_CNT), corrected-error interrupts and IA32_MCi_CTL2 (MCG_CMCI_P;
 * they go through the local APIC) and local machine checks (MCG_LMCE_P,
 * IA32_MCG_EXT_CTL).  The bank count is at most 32: 400H-47FH, below
 * the VMX MSRs.
 */
#include "lib/hw/msr.h"
#include "monitor/msr_int.h"
#include "monitor/trap.h"

#define MC_BANKS_MAX	32
#define MC_REGS		(4 * MC_BANKS_MAX)
#define MC_STATUS	1	/* a bank's registers: CTL, STATUS, ADDR, MISC */

#define MCG_CAP_HIDDEN	(MCG_CAP_EXT_P | MCG_CAP_CMCI_P | MCG_CAP_EXT_CNT | MCG_CAP_LMCE_P)

static struct {
	int have;
	uint32_t nbanks;
	uint64_t cap, status, ctl;
	uint64_t bank[MC_REGS];
	uint32_t gone[MC_REGS / 32];	/* the real CPU refused to read these */
} mca;

void msr_mca_init(void)
{
	uint32_t n;

	if (!(msr_cpu.edx1 & CPUID1_EDX_MCA) || trap_rdmsr(MSR_MCG_CAP, &mca.cap) ||
	    trap_rdmsr(MSR_MCG_STATUS, &mca.status))
		return;
	mca.have = 1;
	n = mca.cap & MCG_CAP_COUNT;
	mca.nbanks = n > MC_BANKS_MAX ? MC_BANKS_MAX : n;
	mca.cap = (mca.cap & ~(uint64_t)(MCG_CAP_HIDDEN | MCG_CAP_COUNT)) | mca.nbanks;
	if ((mca.cap & MCG_CAP_CTL_P) && trap_rdmsr(MSR_MCG_CTL, &mca.ctl))
		mca.cap &= ~(uint64_t)MCG_CAP_CTL_P;
	/* A register the CPU does not have (an ADDR or MISC, 15.3.2.3-4)
	   stays one the guest does not have. */
	for (uint32_t i = 0; i < 4 * mca.nbanks; i++)
		if (trap_rdmsr(MSR_MC0_CTL + i, &mca.bank[i]))
			mca.gone[i / 32] |= 1u << (i % 32);
}

int msr_has_mcg(uint32_t idx)
{
	(void)idx;
	return mca.have;
}

int msr_has_mcg_ctl(uint32_t idx)
{
	(void)idx;
	return mca.have && (mca.cap & MCG_CAP_CTL_P);
}

int msr_has_mc(uint32_t idx)
{
	uint32_t i = idx - MSR_MC0_CTL;

	return mca.have && i < 4 * mca.nbanks && !(mca.gone[i / 32] & (1u << (i % 32)));
}

int msr_rd_mca(uint32_t idx, uint64_t *v)
{
	if (idx == MSR_MCG_CAP)
		*v = mca.cap;
	else if (idx == MSR_MCG_STATUS)
		*v = mca.status;
	else if (idx == MSR_MCG_CTL)
		*v = mca.ctl;
	else
		*v = mca.bank[idx - MSR_MC0_CTL];
	return 0;
}

/* Anything but 0 is #GP (15.3.1.2); the guest clears it after its #MC
   handler, which hv never calls. */
int msr_wr_mcg_status(uint32_t idx, uint64_t v)
{
	(void)idx;
	if (v)
		return -1;
	mca.status = 0;
	return 0;
}

/*
 * All ones enables, all zeros disables (15.3.1.3); other values are
 * implementation specific, and the copy keeps its value then, as QEMU's
 * CPU does.
 */
int msr_wr_mcg_ctl(uint32_t idx, uint64_t v)
{
	(void)idx;
	if (v == 0 || v == ~0ull)
		mca.ctl = v;
	return 0;
}

/*
 * A bank's CTL takes any set of enables (15.3.2.1), ADDR and MISC any
 * value; its STATUS is cleared by writing 0, and writing 1s is #GP
 * (15.3.2.2).
 */
int msr_wr_mc(uint32_t idx, uint64_t v)
{
	uint32_t i = idx - MSR_MC0_CTL;

	if (i % 4 == MC_STATUS && v)
		return -1;
	mca.bank[i] = v;
	return 0;
}
