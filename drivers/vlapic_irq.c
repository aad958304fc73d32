/*
 * The guest's local APIC, emulated: interrupts (Intel SDM vol. 3A chapter
 * 10; the registers are drivers/vlapic.c's).
 *
 * Acceptance (10.8.4): a fixed (or, with one CPU, lowest-priority) message
 * sets its IRR bit and its TMR bit to its trigger mode; vectors 0-15 are
 * illegal and dropped with the ESR's receive illegal vector bit (10.5.2).
 * While the APIC is software-disabled it takes no fixed or ExtINT message
 * (10.4.7.2 lists only NMI, SMI, INIT and SIPI as answered normally) and
 * holds what its IRR and ISR have.  NMI messages make an NMI pending.  An
 * ExtINT message (an I/O APIC entry in ExtINT mode: on a PC the 8259 is
 * wired to LINT0 and to I/O APIC pin 0) makes the CPU take the 8259's
 * vector: vlapic_extint() answers 1 until vlapic_extint_ack().  SMI, INIT
 * and SIPI go to vlapic_ipi_hook, for hv.
 *
 * Priority (10.8.3.1): PPR is TPR when TPR[7:4] >= ISRV[7:4], else
 * ISRV & 0xF0 (ISRV: the highest vector in service, or 0); the CPU takes
 * the highest IRR vector whose class is above PPR's.  APR (10.7.2.6) is
 * TPR when TPR[7:4] >= IRRV[7:4] and TPR[7:4] > ISRV[7:4], else the
 * highest of the three classes: the SDM writes "max(TPR[7:4] AND
 * ISRV[7:4], IRRV[7:4])", read here as the maximum of all three.  EOI
 * (10.8.5) ends the highest vector in service; if its TMR bit is set the
 * EOI is broadcast: vlapic_eoi_hook (the I/O APIC) and the LINT entries'
 * remote IRR.
 *
 * LINT0/LINT1 (10.5.1): their wire levels, with the entry's polarity; NMI
 * mode takes the asserting edge; fixed mode delivers the entry's vector on
 * the edge, or while asserted with remote IRR clear when level-triggered;
 * ExtINT mode is sensed by vlapic_extint().  Masked, an edge is lost.
 * With the APIC globally disabled they are the CPU's INTR and NMI pins.
 *
 * IPIs (10.6): a fixed or lowest-priority IPI to this APIC (self, all
 * including self, its ID or 0xFF, or a logical destination it matches) is
 * accepted, as edge-triggered (the ICR's trigger bit only shapes INIT
 * level de-assert); an NMI to it is pending; everything else, and every
 * IPI that names another APIC, goes to vlapic_ipi_hook, once.  A fixed IPI
 * with a vector below 16 sets send illegal vector and is not sent (to
 * itself also receive illegal vector).  Errors raise the LVT error
 * interrupt once until the next ESR write rearms it (10.5.3).
 */
#include "drivers/vapic.h"

#include "drivers/vlapic_impl.h"

#define BANKS		8

static int sw_enabled(void)
{
	return !!(vla.svr & LAPIC_SVR_ENABLE);
}

/* The highest vector set in a 256-bit register, or -1. */
static int highest(const uint32_t *bank)
{
	for (int i = BANKS - 1; i >= 0; i--)
		if (bank[i])
			return i * 32 + 31 - __builtin_clz(bank[i]);
	return -1;
}

static int test_bit(const uint32_t *bank, int v)
{
	return bank[v >> 5] >> (v & 31) & 1;
}

static void set_bit(uint32_t *bank, int v, int on)
{
	if (on)
		bank[v >> 5] |= 1u << (v & 31);
	else
		bank[v >> 5] &= ~(1u << (v & 31));
}

static uint32_t class_of(int vector)
{
	return vector < 0 ? 0 : (uint32_t)vector & LAPIC_PRIO_CLASS;
}

uint32_t vlapic_ppr(void)
{
	uint32_t isrv = class_of(highest(vla.isr));

	return (vla.tpr & LAPIC_PRIO_CLASS) >= isrv ? vla.tpr : isrv;
}

uint32_t vlapic_apr(void)
{
	uint32_t tpr = vla.tpr & LAPIC_PRIO_CLASS, isrv = class_of(highest(vla.isr));
	uint32_t irrv = class_of(highest(vla.irr)), max = tpr;

	if (tpr >= irrv && tpr > isrv)
		return vla.tpr;
	if (isrv > max)
		max = isrv;
	return irrv > max ? irrv : max;
}

void vlapic_error(uint32_t bits)
{
	uint32_t lvt = vla.lvt[VLVT_ERROR];

	vla.esr_new |= bits;
	if (!vla.esr_armed || (lvt & LAPIC_LVT_MASKED))
		return;
	vla.esr_armed = 0;	/* before: its own vector may be illegal too */
	vlapic_accept(VAPIC_DM_FIXED, (int)(lvt & LAPIC_LVT_VECTOR), 0);
}

void vlapic_accept(int mode, int vector, int level)
{
	if (!vla.en)
		return;
	switch (mode) {
	case VAPIC_DM_FIXED:
	case VAPIC_DM_LOWEST:
		if (vector < LAPIC_FIRST_VECTOR) {
			vlapic_error(LAPIC_ESR_RECV_ILLEGAL);
			return;
		}
		if (!sw_enabled())
			return;
		set_bit(vla.irr, vector, 1);
		set_bit(vla.tmr, vector, level);
		return;
	case VAPIC_DM_NMI:
		vla.nmi = 1;
		return;
	case VAPIC_DM_EXTINT:
		if (sw_enabled())
			vla.extint = 1;
		return;
	case VAPIC_DM_SMI:
	case VAPIC_DM_INIT:
	case VAPIC_DM_SIPI:
		if (vlapic_ipi_hook)
			vlapic_ipi_hook(mode, vector, vla.id,
					LAPIC_ICR_SELF >> LAPIC_ICR_SHORTHAND_SHIFT);
		return;
	}
}

int vlapic_pending(void)
{
	int v;

	const uint32_t *irr = vla.irr;

	/* (Asked on every entry to the guest: nothing requested is the common
	   case, told without a loop.) */
	if (!(irr[0] | irr[1] | irr[2] | irr[3] | irr[4] | irr[5] | irr[6] | irr[7]))
		return -1;
	if (!vla.en || !sw_enabled())
		return -1;
	v = highest(vla.irr);
	return v >= 0 && class_of(v) > (vlapic_ppr() & LAPIC_PRIO_CLASS) ? v : -1;
}

int vlapic_ack(void)
{
	int v = vlapic_pending();

	if (v < 0)
		return (int)(vla.svr & LAPIC_SVR_VECTOR);	/* spurious (10.9) */
	set_bit(vla.irr, v, 0);
	set_bit(vla.isr, v, 1);
	return v;
}

void vlapic_eoi_write(void)
{
	int v = highest(vla.isr);

	if (v < 0)
		return;
	set_bit(vla.isr, v, 0);
	if (!test_bit(vla.tmr, v))
		return;
	for (int pin = 0; pin < 2; pin++) {
		uint32_t *lvt = &vla.lvt[VLVT_LINT0 + pin];

		if ((*lvt & LAPIC_LVT_VECTOR) == (uint32_t)v)
			*lvt &= ~LAPIC_LVT_REMOTE_IRR;
	}
	if (vlapic_eoi_hook)
		vlapic_eoi_hook(v);
	vlapic_lint_eval(0);
	vlapic_lint_eval(1);
}

/* LINTn's input as its entry's polarity reads it. */
static int lint_asserted(int pin)
{
	return vla.lint_in[pin] ^ !!(vla.lvt[VLVT_LINT0 + pin] & LAPIC_LVT_ACTIVE_LOW);
}

void vlapic_lint_eval(int pin)
{
	uint32_t *lvt = &vla.lvt[VLVT_LINT0 + pin];

	if ((*lvt & (LAPIC_LVT_MASKED | LAPIC_LVT_DM | LAPIC_LVT_LEVEL | LAPIC_LVT_REMOTE_IRR)) !=
		    (LAPIC_DM_FIXED | LAPIC_LVT_LEVEL) || !lint_asserted(pin))
		return;
	*lvt |= LAPIC_LVT_REMOTE_IRR;
	vlapic_accept(VAPIC_DM_FIXED, (int)(*lvt & LAPIC_LVT_VECTOR), 1);
}

void vlapic_set_lint(int pin, int level)
{
	uint32_t lvt = vla.lvt[VLVT_LINT0 + pin];
	int was = lint_asserted(pin), raw_was = vla.lint_in[pin];
	int mode = (int)(lvt & LAPIC_LVT_DM) >> 8;

	vla.lint_in[pin] = !!level;
	if (!vla.en) {
		/* No APIC: LINT1 is the NMI pin (LINT0, INTR: vlapic_extint). */
		if (pin == 1 && !raw_was && level)
			vla.nmi = 1;
		return;
	}
	if (lvt & LAPIC_LVT_MASKED)
		return;
	if (mode == VAPIC_DM_FIXED && (lvt & LAPIC_LVT_LEVEL)) {
		vlapic_lint_eval(pin);
		return;
	}
	if (was || !lint_asserted(pin))
		return;		/* not an asserting edge */
	/* Fixed, NMI; SMI and INIT go to the hook (ExtINT: vlapic_extint). */
	if (mode == VAPIC_DM_FIXED || mode == VAPIC_DM_NMI || mode == VAPIC_DM_SMI ||
	    mode == VAPIC_DM_INIT)
		vlapic_accept(mode, (int)(lvt & LAPIC_LVT_VECTOR), 0);
}

int vlapic_extint(void)
{
	if (!vla.en || vla.extint)
		return 1;
	for (int pin = 0; pin < 2; pin++)
		if ((vla.lvt[VLVT_LINT0 + pin] & (LAPIC_LVT_MASKED | LAPIC_LVT_DM)) ==
			    LAPIC_DM_EXTINT && lint_asserted(pin))
			return 1;
	return 0;
}

void vlapic_extint_ack(void)
{
	vla.extint = 0;
}

int vlapic_nmi_pending(void)
{
	return vla.nmi;
}

int vlapic_take_nmi(void)
{
	int nmi = vla.nmi;

	vla.nmi = 0;
	return nmi;
}

/* The logical destination model (10.6.2.2): flat, else cluster. */
static int flat(void)
{
	return (vla.dfr & LAPIC_DFR_MODEL) == LAPIC_DFR_FLAT;
}

int vlapic_match_dest(uint8_t dest, int logical)
{
	uint8_t mine = (uint8_t)(vla.ldr >> LAPIC_ID_SHIFT);

	if (!vla.en)
		return 0;
	if (!logical)
		return dest == 0xFF || dest == vla.id;
	if (flat())
		return (dest & mine) != 0;
	return ((dest >> 4) == 0xF || (dest >> 4) == (mine >> 4)) && (dest & mine & 0xF);
}

/* Whether a destination also names some APIC other than this one. */
static int names_others(uint8_t dest, int logical)
{
	uint8_t mine = (uint8_t)(vla.ldr >> LAPIC_ID_SHIFT);

	if (!logical)
		return dest != vla.id;
	if (flat())
		return (dest & ~mine) != 0;
	return (dest >> 4) != (mine >> 4) || (dest & 0xF & ~mine);
}

void vlapic_send_ipi(void)
{
	int mode = (int)(vla.icr_lo & LAPIC_ICR_DM) >> 8;
	int vector = (int)(vla.icr_lo & LAPIC_ICR_VECTOR);
	int sh = (int)(vla.icr_lo & LAPIC_ICR_SHORTHAND) >> LAPIC_ICR_SHORTHAND_SHIFT;
	int logical = !!(vla.icr_lo & LAPIC_ICR_LOGICAL);
	uint8_t dest = (uint8_t)(vla.icr_hi >> LAPIC_ICR_DEST_SHIFT);
	int self, others, local = 0;

	switch (vla.icr_lo & LAPIC_ICR_SHORTHAND) {
	case LAPIC_ICR_SELF:
		self = 1, others = 0;
		break;
	case LAPIC_ICR_ALL:
		self = 1, others = 1;
		break;
	case LAPIC_ICR_ALL_BUT_SELF:
		self = 0, others = 1;
		break;
	default:
		self = vlapic_match_dest(dest, logical);
		others = names_others(dest, logical);
	}
	if (mode == VAPIC_DM_FIXED || mode == VAPIC_DM_LOWEST) {
		if (vector < LAPIC_FIRST_VECTOR) {
			vlapic_error(LAPIC_ESR_SEND_ILLEGAL);
			if (self)
				vlapic_accept(VAPIC_DM_FIXED, vector, 0);
			return;
		}
		if (self)
			vlapic_accept(VAPIC_DM_FIXED, vector, 0);
		if (self && mode == VAPIC_DM_LOWEST)
			others = 0;	/* one CPU: the lowest-priority one is this */
		local = 1;
	} else if (mode == VAPIC_DM_NMI) {
		if (self)
			vla.nmi = 1;
		local = 1;
	}
	if (vlapic_ipi_hook && (others || (self && !local)))
		vlapic_ipi_hook(mode, vector, dest, sh);
}
