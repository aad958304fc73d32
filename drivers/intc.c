/*
 * The guest's interrupt controllers (see intc.h): hands each real
 * interrupt to hv's wake-up timer or to the machine's lines
 * (drivers/irq.c), and answers the virtual CPU from the guest's local
 * APIC, or from its 8259s when the local APIC passes their INTR through
 * (LINT0 in ExtINT mode, or the APIC disabled: SDM vol. 3A 10.5.1).
 * The kick is a fixed self-IPI at VEC_HV_KICK (Intel SDM vol. 3A 10.6.1):
 * it stays in the real APIC's IRR while the real IF is clear and is taken
 * right after the instruction that sets it (after STI's shadow).
 */
#include "drivers/intc.h"

#include "drivers/clock.h"
#include "drivers/devices.h"
#include "drivers/irq.h"
#include "drivers/lapic.h"
#include "drivers/vapic.h"
#include "drivers/vdev.h"
#include "lib/layout.h"
#include "lib/log.h"

static int native_if;
static int pic_mode;

void intc_init(int virtual_if, int own_pit, int (*map_mmio)(uint32_t va, uint32_t pa))
{
	native_if = !virtual_if && lapic_present();
	if (!virtual_if && !native_if)
		log_info("dev", "no local APIC for the kick: the guest's IF is virtual");
	irq_init(own_pit ? 0 : -1, map_mmio);
}

int intc_is_irq(unsigned vec)
{
	return (vec >= VEC_IRQ_BASE && vec < VEC_IRQ_BASE + 16) ||
	       (vec >= VEC_IOAPIC_BASE && vec < VEC_IOAPIC_BASE + 24) || vec == VEC_HV_KICK ||
	       vec == VEC_HV_TIMER || vec == VEC_HV_SPURIOUS;
}

void intc_host(unsigned vec)
{
	int irq = (int)vec - VEC_IRQ_BASE;

	if (vec == VEC_HV_TIMER) {
		clock_lapic_timer();
		dev_sync();
		return;
	}
	if (vec == VEC_HV_KICK) {
		lapic_eoi();	/* it only brought hv back */
		intc_changed();
		return;
	}
	if (vec >= VEC_IOAPIC_BASE && vec < VEC_IOAPIC_BASE + 24) {
		irq_real_ioapic((int)vec - VEC_IOAPIC_BASE);
		lapic_eoi();
		dev_catch_up();
		return;
	}
	if (vec == VEC_HV_SPURIOUS || irq < 0 || irq >= 16)
		return;	/* no EOI for the spurious vector (SDM 10.9) */
	if (clock_irq(irq)) {
		dev_sync();	/* hv's wake-up: the models' deadlines */
		return;
	}
	irq_real_8259(irq);	/* a passed-through device: only the lines changed */
	dev_catch_up();
}

/*
 * The 8259 pair's INT output is LINT0's input (the PC's virtual wire), or,
 * in PIC mode, the CPU's INTR pin itself, past the local APIC.
 */
static int extint_pending(void)
{
	static int lint0;	/* the wire's level as the local APIC last saw it */
	int intr = vpic_pending();

	if (pic_mode)
		return intr;
	if (intr != lint0) {
		lint0 = intr;
		vlapic_set_lint(0, intr);
	}
	return intr && vlapic_extint();
}

/*
 * The models change only when hv runs one of them: a port or page access,
 * a timed poll, a real interrupt, an MSR write, each of which ends in
 * dev_sync (intc_changed).  In between, what intc_pending found stays
 * true, so "nothing pending" is remembered until the next change: the
 * question is asked on every entry to the guest.
 */
static int quiet;

void intc_changed(void)
{
	quiet = 0;
}

int intc_pending(void)
{
	int p;

	if (quiet)
		return 0;
	p = vlapic_pending() >= 0 || extint_pending();
	if (!p && !vlapic_nmi_pending())
		quiet = 1;
	return p;
}

void intc_set_pic_mode(int on)
{
	pic_mode = on;
	quiet = 0;
}

int intc_ack(void)
{
	quiet = 0;
	if (vlapic_pending() >= 0)
		return vlapic_ack();
	if (extint_pending()) {
		vlapic_extint_ack();
		return vpic_ack();
	}
	return -1;
}

int intc_take_nmi(void)
{
	if (quiet)
		return 0;
	return vlapic_take_nmi();
}

int intc_real_if_follows_guest(void)
{
	return native_if;
}

void intc_entering_if_clear(void)
{
	if (native_if && intc_pending())
		lapic_kick();
}

void intc_collect(void)
{
	/* Real interrupts are recognised after STI's one-instruction shadow,
	   each handler's IRET returning into the window (SDM vol. 3A 6.8.3). */
	if (native_if)
		__asm__ volatile("sti; nop; cli" ::: "memory");
}
