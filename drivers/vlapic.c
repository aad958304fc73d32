/*
 * The guest's local APIC, emulated: its register page and IA32_APIC_BASE
 * (Intel SDM vol. 3A chapter 10, xAPIC mode, one CPU).  Register access
 * here; interrupt acceptance, priorities, EOI, the LINT pins and IPIs in
 * drivers/vlapic_irq.c; the timer in drivers/vlapic_timer.c.
 *
 * Registers (table 10-1): ID (bits 24-31, r/w), version (0x00050014, as
 * QEMU 7.2 reads natively: version 0x14, max LVT entry 5), TPR, APR, PPR,
 * EOI, LDR, DFR, SVR, ISR/TMR/IRR, ESR, ICR, the seven LVT entries with
 * the writable bits of figure 10-8 (delivery status and remote IRR read
 * only; delivery is instant, so delivery status reads 0), and the timer.
 * A reserved offset, or a write to a read-only register, reads 0 or is
 * ignored and sets the ESR's illegal register address bit (10.5.3).
 *
 * Sizes: every register is a dword at a 16-byte boundary, to be accessed
 * with aligned dword loads and stores; smaller ones are model-specific
 * (10.4.1).  A read of 1 or 2 bytes, or a misaligned one, reads the dword
 * that holds its first byte and extracts from it (bytes past that dword
 * read 0).  Any write but an aligned dword is ignored.
 *
 * IA32_APIC_BASE (10.4.4): BSP as set at init (writes do not change it),
 * EN, the base in bits 12-31.  Reserved bits (0-7, 9) and EXTD (x2APIC is
 * not offered) #GP; so do bits 32-35, which a CPU with MAXPHYADDR 36 would
 * take as the base's: hv's guest-physical addresses are 32 bits.  Clearing
 * EN returns the registers to their power-up state but the ID (10.4.3:
 * "may return to the state ... after power-up"; this model always does),
 * so that re-enabling finds the APIC software-disabled.  While EN is 0 the
 * page is not there (hv routes no access to it; if it did, reads give 0
 * and writes are ignored) and LINT0/LINT1 are the CPU's INTR and NMI.
 */
#include "drivers/vapic.h"

#include "drivers/clock.h"
#include "drivers/vlapic_impl.h"
#include "lib/string.h"

#define VLAPIC_VERSION	(0x14u | 5u << LAPIC_VER_MAXLVT_SHIFT)

/* Writable bits of each LVT entry (figure 10-8). */
#define LVT_BITS_TIMER	(LAPIC_LVT_VECTOR | LAPIC_LVT_MASKED | LAPIC_TIMER_MODE)
#define LVT_BITS_DM	(LAPIC_LVT_VECTOR | LAPIC_LVT_DM | LAPIC_LVT_MASKED)
#define LVT_BITS_LINT	(LVT_BITS_DM | LAPIC_LVT_ACTIVE_LOW | LAPIC_LVT_LEVEL)
#define LVT_BITS_ERROR	(LAPIC_LVT_VECTOR | LAPIC_LVT_MASKED)

static const uint32_t lvt_bits[VLVT_COUNT] = {
	[VLVT_TIMER] = LVT_BITS_TIMER, [VLVT_THERMAL] = LVT_BITS_DM, [VLVT_PERF] = LVT_BITS_DM,
	[VLVT_LINT0] = LVT_BITS_LINT, [VLVT_LINT1] = LVT_BITS_LINT,
	[VLVT_ERROR] = LVT_BITS_ERROR, [VLVT_CMCI] = LVT_BITS_DM,
};

/* The ICR's writable bits (10.6.1, figure 10-12). */
#define ICR_LO_BITS	(LAPIC_ICR_VECTOR | LAPIC_ICR_DM | LAPIC_ICR_LOGICAL | \
			 LAPIC_ICR_ASSERT | LAPIC_ICR_LEVEL | LAPIC_ICR_SHORTHAND)
#define ID_BITS		(0xFFu << LAPIC_ID_SHIFT)

struct vlapic vla;

void (*vlapic_eoi_hook)(int vector);
void (*vlapic_ipi_hook)(int mode, int vector, uint8_t dest, int shorthand);

/* The power-up state of everything but IA32_APIC_BASE and the ID (10.4.7.1). */
static void reset_regs(void)
{
	vla.tpr = vla.ldr = 0;
	vla.dfr = 0xFFFFFFFFu;
	vla.svr = LAPIC_SVR_VECTOR;
	memset(vla.irr, 0, sizeof(vla.irr));
	memset(vla.isr, 0, sizeof(vla.isr));
	memset(vla.tmr, 0, sizeof(vla.tmr));
	vla.esr = vla.esr_new = 0;
	vla.esr_armed = 1;
	vla.icr_lo = vla.icr_hi = 0;
	for (int i = 0; i < VLVT_COUNT; i++)
		vla.lvt[i] = LAPIC_LVT_MASKED;
	vla.nmi = vla.extint = 0;
	vlapic_timer_reset();
}

void vlapic_init(uint8_t apic_id)
{
	memset(&vla, 0, sizeof(vla));
	vla.id = apic_id;
	vla.base = APIC_BASE_DEFAULT;
	vla.bsp = 1;
	vla.en = 1;
	reset_regs();
	vlapic_timer_register();
}

/* INIT (10.4.7.3): as power-up, but the APIC ID (and IA32_APIC_BASE, an MSR). */
void vlapic_init_ipi(void)
{
	reset_regs();
}

uint64_t vlapic_get_base(void)
{
	return vla.base | (vla.bsp ? APIC_BASE_BSP : 0) | (vla.en ? APIC_BASE_ENABLE : 0);
}

int vlapic_set_base(uint64_t value)
{
	if ((value & (APIC_BASE_RESERVED_LO | APIC_BASE_EXTD)) || (value >> 32))
		return -1;
	vla.base = (uint32_t)value & APIC_BASE_ADDR;
	if (vla.en && !(value & APIC_BASE_ENABLE))
		reset_regs();
	vla.en = !!(value & APIC_BASE_ENABLE);
	return 0;
}

uint32_t vlapic_base_addr(void)
{
	return vla.base;
}

int vlapic_enabled(void)
{
	return vla.en;
}

/* LAPIC_ISR, LAPIC_TMR, LAPIC_IRR: which bank holds reg, or 0. */
static uint32_t *bank_of(uint32_t reg)
{
	if (reg >= LAPIC_ISR && reg < LAPIC_ISR + 0x80)
		return &vla.isr[(reg - LAPIC_ISR) >> 4];
	if (reg >= LAPIC_TMR && reg < LAPIC_TMR + 0x80)
		return &vla.tmr[(reg - LAPIC_TMR) >> 4];
	if (reg >= LAPIC_IRR && reg < LAPIC_IRR + 0x80)
		return &vla.irr[(reg - LAPIC_IRR) >> 4];
	return 0;
}

/* The LVT entry at reg, or -1. */
static int lvt_of(uint32_t reg)
{
	if (reg == LAPIC_LVT_CMCI)
		return VLVT_CMCI;
	if (reg >= LAPIC_LVT_TIMER && reg <= LAPIC_LVT_ERROR && !(reg & 0xF))
		return (int)(reg - LAPIC_LVT_TIMER) >> 4;
	return -1;
}

/* The dword register at reg (a multiple of 4): its value, or -1 if reserved. */
static int64_t reg_read(uint32_t reg)
{
	uint32_t *bank = bank_of(reg);
	int lvt = lvt_of(reg);

	if (reg & 0xF)
		return -1;
	if (bank)
		return *bank;
	if (lvt >= 0)
		return vla.lvt[lvt];
	switch (reg) {
	case LAPIC_ID:
		return (uint32_t)vla.id << LAPIC_ID_SHIFT;
	case LAPIC_VERSION:
		return VLAPIC_VERSION;
	case LAPIC_TPR:
		return vla.tpr;
	case LAPIC_APR:
		return vlapic_apr();
	case LAPIC_PPR:
		return vlapic_ppr();
	case LAPIC_EOI:		/* write-only */
	case LAPIC_RRD:		/* no remote read is ever made */
		return 0;
	case LAPIC_LDR:
		return vla.ldr;
	case LAPIC_DFR:
		return vla.dfr;
	case LAPIC_SVR:
		return vla.svr;
	case LAPIC_ESR:
		return vla.esr;
	case LAPIC_ICR_LO:
		return vla.icr_lo;	/* delivery status: idle */
	case LAPIC_ICR_HI:
		return vla.icr_hi;
	case LAPIC_TIMER_INIT:
	case LAPIC_TIMER_CUR:
	case LAPIC_TIMER_DIV:
		return vlapic_timer_read(reg);
	}
	return -1;
}

uint32_t vlapic_read(uint32_t offset, int size)
{
	int64_t v;
	uint32_t shift = (offset & 3) * 8;

	if (!vla.en)
		return 0;
	vlapic_timer_update(clock_ns());
	v = reg_read(offset & 0xFFC);
	if (v < 0) {
		vlapic_error(LAPIC_ESR_ILLEGAL_REG);
		return 0;
	}
	v = (uint32_t)v >> shift;
	return size >= 4 ? (uint32_t)v : (uint32_t)v & ((1u << (8 * size)) - 1);
}

static void write_svr(uint32_t value)
{
	vla.svr = value & (LAPIC_SVR_VECTOR | LAPIC_SVR_ENABLE | LAPIC_SVR_FOCUS_OFF);
	if (vla.svr & LAPIC_SVR_ENABLE)
		return;
	/* Software-disabled: every LVT entry masked (10.4.7.2). */
	for (int i = 0; i < VLVT_COUNT; i++)
		vla.lvt[i] |= LAPIC_LVT_MASKED;
}

static void write_lvt(int i, uint32_t value)
{
	uint32_t v = (value & lvt_bits[i]) | (vla.lvt[i] & LAPIC_LVT_REMOTE_IRR);

	/* Software-disabled: the mask bits cannot be cleared (10.4.7.2). */
	if (!(vla.svr & LAPIC_SVR_ENABLE))
		v |= LAPIC_LVT_MASKED;
	if (i == VLVT_TIMER)
		vlapic_timer_lvt(vla.lvt[i], v);
	vla.lvt[i] = v;
	if (i == VLVT_LINT0 || i == VLVT_LINT1)
		vlapic_lint_eval(i - VLVT_LINT0);
}

/* An aligned dword write; 0, or -1 if reg is reserved or read-only. */
static int reg_write(uint32_t reg, uint32_t value)
{
	int lvt = lvt_of(reg);

	if (lvt >= 0) {
		write_lvt(lvt, value);
		return 0;
	}
	switch (reg) {
	case LAPIC_ID:
		vla.id = (uint8_t)(value >> LAPIC_ID_SHIFT);
		return 0;
	case LAPIC_TPR:
		vla.tpr = value & LAPIC_PRIO_MASK;
		return 0;
	case LAPIC_EOI:
		vlapic_eoi_write();
		return 0;
	case LAPIC_LDR:
		vla.ldr = value & ID_BITS;
		return 0;
	case LAPIC_DFR:
		vla.dfr = (value & LAPIC_DFR_MODEL) | ~LAPIC_DFR_MODEL;
		return 0;
	case LAPIC_SVR:
		write_svr(value);
		return 0;
	case LAPIC_ESR:
		/* Latch the errors since the last write; rearm (10.5.3). */
		vla.esr = vla.esr_new;
		vla.esr_new = 0;
		vla.esr_armed = 1;
		return 0;
	case LAPIC_ICR_LO:
		vla.icr_lo = value & ICR_LO_BITS;
		vlapic_send_ipi();
		return 0;
	case LAPIC_ICR_HI:
		vla.icr_hi = value & ID_BITS;
		return 0;
	case LAPIC_TIMER_INIT:
	case LAPIC_TIMER_DIV:
		vlapic_timer_write(reg, value);
		return 0;
	}
	return -1;	/* version, APR, PPR, RRD, ISR/TMR/IRR, current count, reserved */
}

void vlapic_write(uint32_t offset, int size, uint32_t value)
{
	if (!vla.en || size != 4 || (offset & 3))
		return;		/* not an aligned dword: model-specific (10.4.1) */
	vlapic_timer_update(clock_ns());
	if (reg_write(offset & 0xFFC, value) < 0)
		vlapic_error(LAPIC_ESR_ILLEGAL_REG);
}
