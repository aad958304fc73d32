/*
 * Emulating the guest's system instructions at CPL 0 (Intel SDM vol. 2,
 * each instruction's "Operation"; vol. 3A 2.5 control registers, 4.10.4
 * TLB invalidation; vol. 4 for the MSRs): MOV to and from control and
 * debug registers, LMSW, SMSW, CLTS, INVLPG, INVD, WBINVD, RDMSR, WRMSR
 * (each MSR's policy is monitor/msr_tab.c's), RDPMC, CPUID, SGDT, SIDT,
 * LGDT, LIDT.  Each handler is a row of the table of sensitive
 * instructions (monitor/sensitive.c).
 */
#include "monitor/emul.h"

#include "drivers/vapic.h"
#include "dt/dt.h"
#include "lib/hw/lapic.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "monitor/mm/mm.h"
#include "monitor/msr.h"
#include "monitor/vcpu.h"

static void cpuid_leaf(struct trapframe *tf)
{
	uint32_t r[4], max[4], leaf = tf->eax;

	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(tf->ecx));
	if (leaf == 1) {
		/* Hide what hv cannot give the guest: VME (not emulated), PAE
		   (no PAE shadows); VMX, SMX, MONITOR, PCID, x2APIC, XSAVE/OSXSAVE,
		   the hypervisor bit.  The local APIC is the guest's virtual one
		   (monitor/apic.c), its ID (EBX 31-24) the real one's.  MTRR, PAT,
		   MCE and MCA are shown: their MSRs are the guest's copies
		   (monitor/msr_mem.c, msr_mca.c). */
		r[3] &= ~((1u << 1) | (1u << 6));
		if (!vlapic_enabled())
			r[3] &= ~CPUID1_EDX_APIC;	/* SDM 10.4.3: EN clears it */
		r[2] &= ~((1u << 3) | (1u << 5) | (1u << 6) | (1u << 17) | (1u << 21) |
			  (1u << 26) | (1u << 27) | (1u << 31));
	} else if (leaf == 0x80000001) {
		/* No SYSCALL, NX, long mode. */
		r[3] &= ~((1u << 11) | (1u << 20) | (1u << 29));
	} else if (leaf == 0xA || leaf == 0xD) {
		/* No performance monitoring (its MSRs are refused,
		   monitor/msr_tab.c), no XSAVE.  A leaf above the maximum
		   is the CPU's answer for the highest leaf (SDM vol. 2 CPUID),
		   which stays as it is. */
		cpuid(0, 0, max);
		if (leaf <= max[0])
			r[0] = r[1] = r[2] = r[3] = 0;
	}
	tf->eax = r[0];
	tf->ebx = r[1];
	tf->ecx = r[2];
	tf->edx = r[3];
}

/* CR0 bits the real CR0 takes from the guest's (FPU behaviour). */
#define CR0_FROM_GUEST (CR0_MP | CR0_EM | CR0_TS | CR0_NE)
/* (Not TSD: RDTSC runs natively in translated kernel code, which the
   guest's CR4.TSD must not stop.) */
#define CR4_FROM_GUEST (CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_PCE)

void vcpu_sync_cr(void)
{
	write_cr0((read_cr0() & ~CR0_FROM_GUEST) | (gcr.cr0 & CR0_FROM_GUEST));
	write_cr4((read_cr4() & ~CR4_FROM_GUEST) | (gcr.cr4 & CR4_FROM_GUEST));
}

static int write_cr(struct trapframe *tf, int n, uint32_t v, struct fault *f)
{
	uint32_t old;

	switch (n) {
	case 0:
		if ((v & CR0_PG) && !(v & CR0_PE))
			return RAISE_GP(f, 0);
		if (!(v & CR0_PE))
			guest_stop(tf, "guest left protected mode (mov %08x to cr0): "
				   "real mode is not supported", v);
		if ((v & CR0_PG) && (gcr.cr4 & CR4_PAE))
			guest_stop(tf, "guest enabled PAE paging: not supported");
		old = gcr.cr0;
		gcr.cr0 = v | CR0_ET;
		if ((old ^ gcr.cr0) & CR0_PG)
			dt_flush();	/* linear addresses mean something else now */
		if ((old ^ gcr.cr0) & (CR0_PG | CR0_WP))
			shadow_paging_changed();
		break;
	case 2:
		gcr.cr2 = v;
		break;
	case 3:
		gcr.cr3 = v;
		if (gcr.cr0 & CR0_PG) {
			dt_check_mappings();
			shadow_set_cr3(v);
		}
		break;
	case 4:
		if (v & ~(CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE |
			  CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT))
			return RAISE_GP(f, 0);
		if ((v & CR4_PAE) && (gcr.cr0 & CR0_PG))
			guest_stop(tf, "guest enabled PAE paging: not supported");
		old = gcr.cr4;
		gcr.cr4 = v;
		if ((old ^ v) & CR4_PSE)
			shadow_paging_changed();
		else if (((old ^ v) & CR4_PGE) && (gcr.cr0 & CR0_PG)) {
			shadow_flush();	/* a global TLB flush */
			dt_check_all_mappings();
		}
		break;
	default:
		return RAISE_UD(f);
	}
	vcpu_sync_cr();
	return 0;
}

static int read_cr(int n, uint32_t *v)
{
	switch (n) {
	case 0: *v = gcr.cr0; return 0;
	case 2: *v = gcr.cr2; return 0;
	case 3: *v = gcr.cr3; return 0;
	case 4: *v = gcr.cr4; return 0;
	default: return -1;
	}
}

/*
 * RDMSR and WRMSR at CPL 0: ECX names the MSR, EDX:EAX the value; the
 * policy of each MSR is monitor/msr_tab.c's.  -1 from it is #GP(0).
 */
static int msr(struct trapframe *tf, int write, struct fault *f)
{
	uint64_t v = ((uint64_t)tf->edx << 32) | tf->eax;

	if (write)
		return msr_write(tf->ecx, v) ? RAISE_GP(f, 0) : 0;
	if (msr_read(tf->ecx, &v))
		return RAISE_GP(f, 0);
	tf->eax = (uint32_t)v;
	tf->edx = (uint32_t)(v >> 32);
	return 0;
}

/* 0F 01 /0-/3: SGDT SIDT LGDT LIDT */
static int dtr_insn(struct trapframe *tf, const struct dt_insn *d, struct fault *f)
{
	struct vdtr *r = (d->reg & 1) ? &vcpu.idtr : &vcpu.gdtr;
	uint32_t la = emul_ea(tf, d);
	uint8_t buf[6];

	if (d->mod == 3)
		return RAISE_UD(f);
	if (d->reg >= 2) {
		uint16_t lim;
		uint32_t base;

		if (emul_read_mem(la, buf, 6, f))
			return -1;
		memcpy(&lim, buf, 2);
		memcpy(&base, buf + 2, 4);
		if (d->opsize == 2)
			base &= 0xFFFFFF;
		r->limit = lim;
		r->base = base;
		return 0;
	}
	/* SGDT/SIDT store all 32 base bits, whatever the operand size (QEMU). */
	memcpy(buf, &r->limit, 2);
	memcpy(buf + 2, &r->base, 4);
	return emul_write_mem(la, buf, 6, f);
}


int emul_mov_from_cr(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
		     struct fault *f, uint32_t *next)
{
	uint32_t v;

	(void)eip; (void)next;
	if (read_cr(d->reg, &v))
		return RAISE_UD(f);
	*tf_gpr(tf, d->rm) = v;
	return 0;
}

int emul_mov_to_cr(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
		   struct fault *f, uint32_t *next)
{
	(void)eip; (void)next;
	return write_cr(tf, d->reg, *tf_gpr(tf, d->rm), f);
}

/* DR4 and DR5 alias DR6 and DR7 unless CR4.DE (SDM vol. 3B 17.2.2). */
static uint32_t *dr_of(const struct dt_insn *d, struct fault *f)
{
	if (d->reg == 4 || d->reg == 5) {
		if (gcr.cr4 & CR4_DE) {
			RAISE_UD(f);
			return 0;
		}
		return &vcpu.dr[d->reg + 2];
	}
	return &vcpu.dr[d->reg];
}

int emul_mov_from_dr(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
		     struct fault *f, uint32_t *next)
{
	uint32_t *dr = dr_of(d, f);

	(void)eip; (void)next;
	if (!dr)
		return -1;
	*tf_gpr(tf, d->rm) = *dr;
	return 0;
}

/* Kept virtual: the guest's own debug registers do nothing yet. */
int emul_mov_to_dr(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
		   struct fault *f, uint32_t *next)
{
	uint32_t *dr = dr_of(d, f);

	(void)eip; (void)next;
	if (!dr)
		return -1;
	*dr = *tf_gpr(tf, d->rm);
	return 0;
}

/* SMSW: QEMU stores all of CR0 in a 32-bit register (the SDM leaves the
   upper half undefined). */
int emul_smsw(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
	      struct fault *f, uint32_t *next)
{
	(void)eip; (void)next;
	if (d->mod == 3 && d->opsize == 4) {
		*tf_gpr(tf, d->rm) = gcr.cr0;
		return 0;
	}
	return emul_write_rm(tf, d, 2, gcr.cr0 & 0xFFFF, 0, f);
}

/* LMSW: PE can be set, not cleared; MP, EM, TS as given. */
int emul_lmsw(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
	      struct fault *f, uint32_t *next)
{
	uint32_t v;

	(void)eip; (void)next;
	if (emul_read_rm(tf, d, 2, &v, f))
		return -1;
	v = (gcr.cr0 & ~0xEu) | (v & 0xF) | (gcr.cr0 & CR0_PE);
	return write_cr(tf, 0, v, f);
}

int emul_clts(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
	      struct fault *f, uint32_t *next)
{
	(void)tf; (void)d; (void)eip; (void)f; (void)next;
	gcr.cr0 &= ~CR0_TS;
	vcpu_sync_cr();
	return 0;
}

int emul_invlpg(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
		struct fault *f, uint32_t *next)
{
	(void)eip; (void)next;
	if (d->mod == 3 && d->rm == 1 && msr_has_rdtscp(0)) {
		/* RDTSCP (0F 01 F9): the real TSC, as RDTSC natively, and the
		   guest's IA32_TSC_AUX (SDM vol. 2 RDTSCP). */
		uint64_t t = rdtsc();

		tf->eax = (uint32_t)t;
		tf->edx = (uint32_t)(t >> 32);
		tf->ecx = msr_tsc_aux();
		return 0;
	}
	if (d->mod == 3)
		return RAISE_UD(f);	/* (0F 01 F8-FF: SWAPGS, ...) */
	shadow_invlpg(emul_ea(tf, d));
	dt_check_page(emul_ea(tf, d));
	return 0;
}

/* INVD, WBINVD: no cache hv must keep coherent. */
int emul_nop(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
	     struct fault *f, uint32_t *next)
{
	(void)tf; (void)d; (void)eip; (void)f; (void)next;
	return 0;
}

int emul_rdmsr(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
	       struct fault *f, uint32_t *next)
{
	(void)d; (void)eip; (void)next;
	return msr(tf, 0, f);
}

int emul_wrmsr(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
	       struct fault *f, uint32_t *next)
{
	(void)d; (void)eip; (void)next;
	return msr(tf, 1, f);
}

/* RDPMC: CR4.PCE decides at CPL > 0 only; hv shows no counters. */
int emul_rdpmc(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
	       struct fault *f, uint32_t *next)
{
	(void)tf; (void)d; (void)eip; (void)next;
	return RAISE_GP(f, 0);
}

int emul_cpuid(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
	       struct fault *f, uint32_t *next)
{
	(void)d; (void)eip; (void)f; (void)next;
	cpuid_leaf(tf);
	return 0;
}

int emul_dtr(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
	     struct fault *f, uint32_t *next)
{
	(void)eip; (void)next;
	return dtr_insn(tf, d, f);
}
