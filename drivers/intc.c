/*
 * The guest's interrupt controller (see intc.h): hands each real
 * interrupt to hv's wake-up timer or to the PIC implementation that
 * pic= chose, and answers the virtual CPU from that implementation.
 */
#include "drivers/intc.h"

#include "drivers/clock.h"
#include "drivers/devices.h"
#include "drivers/irq.h"
#include "drivers/lapic.h"
#include "drivers/pic.h"
#include "drivers/vdev.h"
#include "lib/layout.h"

static int emulated;

void intc_init(int emul, int own_pit, int (*map_mmio)(uint32_t va, uint32_t pa))
{
	emulated = emul;
	if (emulated)
		irq_init(own_pit ? 0 : -1, map_mmio);
	else
		pic_init_passthrough();
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
		return;
	}
	if (vec == VEC_HV_SPURIOUS || irq < 0 || irq >= 16)
		return;	/* no EOI for the spurious vector (SDM 10.9) */
	if (clock_irq(irq)) {
		dev_sync();
		return;
	}
	if (emulated) {
		irq_real_8259(irq);
		dev_sync();
	} else {
		pic_pass_irq(irq);
	}
}

int intc_pending(void)
{
	return emulated ? vpic_pending() : pic_pass_pending();
}

int intc_ack(void)
{
	return emulated ? vpic_ack() : pic_pass_ack();
}

int intc_real_if_follows_guest(void)
{
	return !emulated;
}
