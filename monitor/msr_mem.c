/*
 * The guest's memory-type registers (Intel SDM vol. 3A 11.11 MTRRs,
 * 11.12 PAT; vol. 4 table 2-2): IA32_PAT, IA32_MTRRCAP,
 * IA32_MTRR_DEF_TYPE, the variable-range pairs and the fixed-range MTRRs,
 * all copies (monitor/msr.h, VIRTUAL) taken from the real CPU at boot.
 *
 * hv never writes the real ones: the firmware's MTRRs and the PAT hv found
 * stay what the real CPU uses, for hv and for the guest, whatever the
 * guest writes.  Guest memory is RAM and passed-through MMIO, whose types
 * the firmware's MTRRs already give (the MMIO ranges uncacheable), and
 * hv's shadow entries carry none of the guest's PWT, PCD and PAT bits, so
 * every guest page takes the real PAT's entry 0 (write-back) combined
 * with those MTRRs.  A write is still checked as the CPU checks it: a
 * reserved bit or an undefined memory type is #GP (11.11.2, 11.12.2).
 */
#include "lib/hw/msr.h"
#include "monitor/msr_int.h"
#include "monitor/trap.h"

#define MTRR_VAR_MAX	10	/* pairs 200H-213H (vol. 4 table 2-2) */
#define MTRR_NFIX	11	/* 250H, 258H, 259H, 268H-26FH */

static struct {
	int have_pat, have_mtrr, have_fix;
	uint32_t nvar;			/* variable pairs the guest has */
	uint64_t pat;
	uint64_t cap, def;
	uint64_t var[2 * MTRR_VAR_MAX];	/* PHYSBASEn, PHYSMASKn */
	uint64_t fix[MTRR_NFIX];
	uint64_t above_phys;		/* address bits at and above MAXPHYADDR */
} mem;

/* The copy of a fixed-range MTRR (idx is one of the eleven). */
static uint64_t *fix_of(uint32_t idx)
{
	if (idx == MSR_MTRR_FIX64K_00000)
		return &mem.fix[0];
	if (idx <= MSR_MTRR_FIX16K_A0000)
		return &mem.fix[1 + idx - MSR_MTRR_FIX16K_80000];
	return &mem.fix[3 + idx - MSR_MTRR_FIX4K_C0000];
}

static const uint32_t fix_idx[MTRR_NFIX] = {
	MSR_MTRR_FIX64K_00000, MSR_MTRR_FIX16K_80000, MSR_MTRR_FIX16K_A0000,
	MSR_MTRR_FIX4K_C0000, MSR_MTRR_FIX4K_C0000 + 1, MSR_MTRR_FIX4K_C0000 + 2,
	MSR_MTRR_FIX4K_C0000 + 3, MSR_MTRR_FIX4K_C0000 + 4, MSR_MTRR_FIX4K_C0000 + 5,
	MSR_MTRR_FIX4K_C0000 + 6, MSR_MTRR_FIX4K_C0000 + 7,
};

/* Is every byte of v a memory type (of the PAT's, or the MTRRs')? */
static int types_ok(uint64_t v, int pat)
{
	for (int i = 0; i < 8; i++) {
		uint32_t t = (uint32_t)(v >> (8 * i)) & 0xFF;

		if (pat ? !PAT_TYPE_OK(t) : !MTRR_TYPE_OK(t))
			return 0;
	}
	return 1;
}

void msr_mem_init(void)
{
	uint32_t n;

	mem.above_phys = msr_cpu.maxphyaddr < 64 ? ~0ull << msr_cpu.maxphyaddr : 0;
	mem.have_pat = (msr_cpu.edx1 & CPUID1_EDX_PAT) && trap_rdmsr(MSR_PAT, &mem.pat) == 0;
	if (!(msr_cpu.edx1 & CPUID1_EDX_MTRR) || trap_rdmsr(MSR_MTRRCAP, &mem.cap) ||
	    trap_rdmsr(MSR_MTRR_DEF_TYPE, &mem.def))
		return;
	mem.have_mtrr = 1;
	n = mem.cap & MTRRCAP_VCNT;
	if (n > MTRR_VAR_MAX)
		n = MTRR_VAR_MAX;
	/* A pair the CPU will not read ends the guest's list there. */
	for (mem.nvar = 0; mem.nvar < n; mem.nvar++)
		if (trap_rdmsr(MSR_MTRR_PHYSBASE0 + 2 * mem.nvar, &mem.var[2 * mem.nvar]) ||
		    trap_rdmsr(MSR_MTRR_PHYSBASE0 + 2 * mem.nvar + 1, &mem.var[2 * mem.nvar + 1]))
			break;
	/* The guest's IA32_MTRRCAP counts the pairs it has. */
	mem.cap = (mem.cap & ~(uint64_t)MTRRCAP_VCNT) | mem.nvar;
	mem.have_fix = !!(mem.cap & MTRRCAP_FIX);
	for (int i = 0; i < MTRR_NFIX && mem.have_fix; i++)
		if (trap_rdmsr(fix_idx[i], &mem.fix[i]))
			mem.have_fix = 0;
	if (!mem.have_fix)
		mem.cap &= ~(uint64_t)MTRRCAP_FIX;
}

/* --- IA32_PAT (11.12.2): eight entries, bits 2:0 a type, 7:3 reserved --- */

int msr_has_pat(uint32_t idx)
{
	(void)idx;
	return mem.have_pat;
}

int msr_rd_pat(uint32_t idx, uint64_t *v)
{
	(void)idx;
	*v = mem.pat;
	return 0;
}

int msr_wr_pat(uint32_t idx, uint64_t v)
{
	(void)idx;
	if (!types_ok(v, 1))
		return -1;
	mem.pat = v;
	return 0;
}

/* --- the MTRRs (11.11.2) --- */

int msr_has_mtrr(uint32_t idx)
{
	(void)idx;
	return mem.have_mtrr;
}

int msr_has_mtrr_var(uint32_t idx)
{
	return mem.have_mtrr && idx - MSR_MTRR_PHYSBASE0 < 2 * mem.nvar;
}

int msr_has_mtrr_fix(uint32_t idx)
{
	(void)idx;
	return mem.have_fix;
}

int msr_rd_mtrr(uint32_t idx, uint64_t *v)
{
	if (idx == MSR_MTRRCAP)
		*v = mem.cap;
	else if (idx == MSR_MTRR_DEF_TYPE)
		*v = mem.def;
	else if (idx - MSR_MTRR_PHYSBASE0 < 2 * MTRR_VAR_MAX)
		*v = mem.var[idx - MSR_MTRR_PHYSBASE0];
	else
		*v = *fix_of(idx);
	return 0;
}

/* Type in bits 7:0 (an MTRR type), FE bit 10, E bit 11; the rest reserved. */
int msr_wr_mtrr_def(uint32_t idx, uint64_t v)
{
	(void)idx;
	if ((v & ~(uint64_t)(MTRR_DEF_TYPE | MTRR_DEF_FE | MTRR_DEF_E)) ||
	    !MTRR_TYPE_OK(v & MTRR_DEF_TYPE))
		return -1;
	mem.def = v;
	return 0;
}

/*
 * PHYSBASEn: type in bits 7:0, 11:8 reserved, the base from bit 12 up to
 * MAXPHYADDR - 1.  PHYSMASKn: 10:0 reserved, V bit 11, the mask from bit
 * 12 up to MAXPHYADDR - 1.  Bits from MAXPHYADDR up are reserved in both.
 */
int msr_wr_mtrr_var(uint32_t idx, uint64_t v)
{
	uint32_t n = idx - MSR_MTRR_PHYSBASE0;

	if (v & mem.above_phys)
		return -1;
	if (n % 2 == 0 && ((v & 0xF00) || !MTRR_TYPE_OK(v & MTRR_PHYSBASE_TYPE)))
		return -1;
	if (n % 2 == 1 && (v & 0x7FF))
		return -1;
	mem.var[n] = v;
	return 0;
}

/* Eight ranges of one MTRR type each, one per byte. */
int msr_wr_mtrr_fix(uint32_t idx, uint64_t v)
{
	if (!types_ok(v, 0))
		return -1;
	*fix_of(idx) = v;
	return 0;
}
