/*
 * The guest's feature switches among the MSRs (monitor/msr.h): the
 * registers that turn processor features on and off or say which ones
 * there are, kept so that what the guest can switch on is what hv shows
 * it in CPUID, and so that the real ones, which decide how the real CPU
 * runs hv, are never written.  Intel SDM vol. 4 table 2-2
 * (IA32_FEATURE_CONTROL, IA32_MISC_ENABLE, IA32_BIOS_SIGN_ID) and the
 * model-specific tables (MSR_PLATFORM_INFO, MSR_MISC_FEATURES_ENABLES:
 * CPUID faulting); vol. 3C 23.7 (IA32_FEATURE_CONTROL), vol. 3A 9.11.7
 * (the microcode revision).
 *
 * Each is there for the guest exactly when the real CPU answered hv's
 * read at boot.  A guest probes such an MSR with a read that may fault
 * and then writes it back (Linux does so with IA32_FEATURE_CONTROL and
 * MSR_MISC_FEATURES_ENABLES): with rows of their own, that write is one
 * the copy takes, not the #GP of an MSR without a row.
 */
#include "lib/hw/msr.h"
#include "monitor/msr_int.h"
#include "monitor/trap.h"

static struct {
	int have_misc, have_featctl, have_platform, have_features;
	uint64_t misc_enable, featctl, platform, features;
} feat;

/*
 * IA32_MISC_ENABLE bits the guest's copy takes from its writes: those
 * whose only effect is on speed, power or heat (fast strings, automatic
 * thermal control, SpeedStep, xTPR messages) and two that switch off a
 * feature hv hides anyway (MONITOR/MWAIT, XD).  The rest keep the value
 * read at boot: read-only bits, Limit CPUID Maxval (it would change what
 * CPUID shows) and reserved bits.  The real register is never written, so
 * hv keeps running as the firmware set it up.
 */
#define MISC_GUEST_BITS (MISC_FAST_STRINGS | MISC_TCC | MISC_EIST | MISC_XTPR_DISABLE | \
			 MISC_MONITOR | MISC_XD_DISABLE)

/* IA32_FEATURE_CONTROL without what hv hides: VMX and SMX (CPUID), local
   machine checks (msr_mca.c). */
#define FEATCTL_HIDDEN (FEATCTL_VMX_IN_SMX | FEATCTL_VMX | FEATCTL_SENTER | FEATCTL_LMCE)

void msr_feat_init(void)
{
	feat.have_misc = trap_rdmsr(MSR_MISC_ENABLE, &feat.misc_enable) == 0;
	feat.have_featctl = trap_rdmsr(MSR_FEATURE_CONTROL, &feat.featctl) == 0;
	feat.featctl &= ~(uint64_t)FEATCTL_HIDDEN;
	feat.have_platform = trap_rdmsr(MSR_PLATFORM_INFO, &feat.platform) == 0;
	feat.platform &= ~PLATFORM_INFO_CPUID_FAULT;
	/* The guest starts with none of them on (hv's own CPUID runs
	   without faulting, and MONITOR is hidden). */
	feat.have_features = trap_rdmsr(MSR_MISC_FEATURES_ENABLES, &feat.features) == 0;
	feat.features = 0;
}

/* --- IA32_MISC_ENABLE --- */

int msr_has_misc(uint32_t idx)
{
	(void)idx;
	return feat.have_misc;
}

int msr_rd_misc(uint32_t idx, uint64_t *v)
{
	(void)idx;
	*v = feat.misc_enable;
	return 0;
}

int msr_wr_misc(uint32_t idx, uint64_t v)
{
	(void)idx;
	feat.misc_enable = (feat.misc_enable & ~MISC_GUEST_BITS) | (v & MISC_GUEST_BITS);
	return 0;
}

/* --- IA32_FEATURE_CONTROL (23.7) --- */

int msr_has_featctl(uint32_t idx)
{
	(void)idx;
	return feat.have_featctl;
}

int msr_rd_featctl(uint32_t idx, uint64_t *v)
{
	(void)idx;
	*v = feat.featctl;
	return 0;
}

/*
 * Once locked, WRMSR is #GP.  Before, the guest may set the lock bit and
 * nothing else: the enables it could set are those of what hv hides.
 */
int msr_wr_featctl(uint32_t idx, uint64_t v)
{
	(void)idx;
	if ((feat.featctl & FEATCTL_LOCK) || (v & ~(uint64_t)FEATCTL_LOCK) != feat.featctl)
		return -1;
	feat.featctl = v;
	return 0;
}

/* --- CPUID faulting: MSR_PLATFORM_INFO, MSR_MISC_FEATURES_ENABLES --- */

int msr_has_platform(uint32_t idx)
{
	(void)idx;
	return feat.have_platform;
}

/* The real value without CPUID faulting, which hv does not give (the
   guest's CPUID at CPL 3 runs natively). */
int msr_rd_platform(uint32_t idx, uint64_t *v)
{
	(void)idx;
	*v = feat.platform;
	return 0;
}

int msr_has_features(uint32_t idx)
{
	(void)idx;
	return feat.have_features;
}

int msr_rd_features(uint32_t idx, uint64_t *v)
{
	(void)idx;
	*v = feat.features;
	return 0;
}

/* CPUID faulting (bit 0) and ring-3 MWAIT (bit 1) are not offered: only 0. */
int msr_wr_features(uint32_t idx, uint64_t v)
{
	(void)idx;
	return v ? -1 : 0;
}

/* --- IA32_BIOS_SIGN_ID (9.11.7.1) --- */

/*
 * Writing 0 and then executing CPUID.1 is how software reads the microcode
 * revision; hv's CPUID runs the real one, so the 0 goes to the real
 * register.  Nothing else may be written (the update trigger, 79H, has no
 * row: a guest never loads microcode).
 */
int msr_wr_bios_sign(uint32_t idx, uint64_t v)
{
	return v ? -1 : (trap_wrmsr(idx, 0) ? -1 : 0);
}
