/*
 * The guest's interrupt controller (see intc.h): hands each real
 * interrupt to hv's wake-up timer or to the PIC implementation that
 * pic= chose, and answers the virtual CPU from that implementation.
 */
#include "drivers/intc.h"

#include "drivers/clock.h"
#include "drivers/devices.h"
#include "drivers/pic.h"
#include "drivers/vdev.h"

static int emulated;

void intc_init(int emul, int own_pit)
{
	emulated = emul;
	if (emulated)
		vpic_init(own_pit ? 0 : -1);
	else
		pic_init_passthrough();
}

void irq_host(int irq)
{
	if (clock_irq(irq)) {
		dev_sync();
		return;
	}
	if (emulated) {
		vpic_host_irq(irq);
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

void intc_set_line(int irq, int level)
{
	if (emulated)
		vpic_set_irq(irq, level);
}
