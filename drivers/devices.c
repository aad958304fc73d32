/*
 * Setting up the guest's devices from hv's options, and keeping the
 * emulated ones in time (see devices.h, docs/DEVICES.md).
 *
 * Every port an emulated model registers goes through a trampoline here:
 * before the model sees the access, every timed model is brought up to
 * the present; afterwards hv's wake-up is armed for the earliest thing
 * any model has due.  So a guest that polls sees exactly what a guest
 * that waits for interrupts sees.
 */
#include "drivers/devices.h"

#include "drivers/acpi.h"
#include "drivers/clock.h"
#include "drivers/dma.h"
#include "drivers/intc.h"
#include "drivers/lapic.h"
#include "drivers/platform.h"
#include "drivers/vdev.h"
#include "lib/log.h"
#include "lib/panic.h"

#define MAX_PORTS	16
#define MAX_TIMED	8

static struct dev_port {
	io_read_fn rd;
	io_write_fn wr;
	void *ctx;
	int untimed;	/* the model changes no deadline (dev_register_untimed) */
} ports[MAX_PORTS];
static int nports;

static const struct dev_timed *timed[MAX_TIMED];
static int ntimed;
static int clock_running;

static uint64_t due = CLOCK_NEVER;	/* the earliest deadline at the last sync */

void dev_sync(void)
{
	uint64_t now, next = CLOCK_NEVER;

	intc_changed();
	iommu_poll();	/* at each device deadline, not at every port access */
	if (!clock_running)
		return;
	now = clock_ns();
	for (int i = 0; i < ntimed; i++)
		timed[i]->poll(now);
	for (int i = 0; i < ntimed; i++) {
		uint64_t t = timed[i]->next(now);

		if (t < next)
			next = t;
	}
	due = next;
	clock_set_alarm(next, now);
}

void dev_catch_up(void)
{
	/* Each model computes its state from the clock when asked; a poll
	   before the earliest deadline finds nothing to raise. */
	intc_changed();
	if (clock_running && clock_ns() >= due)
		dev_sync();
}

static uint32_t tramp_read(void *ctx, uint16_t port, int size)
{
	struct dev_port *p = ctx;
	uint32_t v;

	intc_collect();
	dev_catch_up();
	v = p->rd ? p->rd(p->ctx, port, size) : io_native_read(port, size);
	if (!p->untimed)
		dev_sync();
	return v;
}

static void tramp_write(void *ctx, uint16_t port, int size, uint32_t v)
{
	struct dev_port *p = ctx;

	intc_collect();
	dev_catch_up();
	if (p->wr)
		p->wr(p->ctx, port, size, v);
	else
		io_native_write(port, size, v);
	if (!p->untimed)
		dev_sync();
}

void dev_register(uint16_t lo, uint16_t hi, const char *name, io_read_fn rd, io_write_fn wr,
		  void *ctx)
{
	if (nports == MAX_PORTS)
		panic("too many emulated port ranges (registering %s)", name);
	ports[nports] = (struct dev_port){ rd, wr, ctx, 0 };
	io_register(lo, hi, name, tramp_read, tramp_write, &ports[nports]);
	nports++;
}

void dev_register_untimed(uint16_t lo, uint16_t hi, const char *name, io_read_fn rd,
			  io_write_fn wr, void *ctx)
{
	dev_register(lo, hi, name, rd, wr, ctx);
	ports[nports - 1].untimed = 1;
}

void dev_add_timed(const struct dev_timed *t)
{
	if (ntimed == MAX_TIMED)
		panic("too many timed device models (adding %s)", t->name);
	timed[ntimed++] = t;
}

void dev_flush(void)
{
	vuart_flush();
	iommu_poll();	/* DMA faults in the log before hv's last lines */
}

static const char *mode_name(int m)
{
	return m == DEV_EMULATE ? "emulate" : m == DEV_HIDE ? "hide" : "pass";
}

void dev_init(const struct dev_config *o)
{
	const uint8_t *m = o->mode;

	log_info("dev", "pic=%s pit=%s com1=%s com2=%s rtc=%s kbd=%s pci=%s",
		 mode_name(m[DEVK_PIC]), mode_name(m[DEVK_PIT]), mode_name(m[DEVK_COM1]),
		 mode_name(m[DEVK_COM2]), mode_name(m[DEVK_RTC]), mode_name(m[DEVK_KBD]),
		 mode_name(m[DEVK_PCI]));
	acpi_init();
	if (lapic_init(o->map_mmio) < 0) {
		log_info("dev", "no local APIC");
	} else {
		/* One CPU: the others never run, and the guest does not find them. */
		lapic_park_others();
		if (acpi_keep_one_cpu(lapic_firmware.id))
			log_info("dev", "firmware tables: the other CPUs marked disabled");
	}
	/* Always: the guest's local APIC timer is a timed model. */
	if (clock_init(m[DEVK_PIT] == DEV_EMULATE) == CLOCK_WAKER_NONE)
		log_warn("dev", "no timer for hv: emulated devices advance only when "
			 "the guest touches them");
	clock_running = 1;
	intc_init(m[DEVK_PIC] == DEV_EMULATE, m[DEVK_PIT] == DEV_EMULATE, o->map_mmio);
	/* Reset, A20 and the shutdown byte are hv's in every mode. */
	plat_init(m[DEVK_KBD], m[DEVK_RTC], m[DEVK_PCI]);
	if (m[DEVK_PIT] == DEV_EMULATE)
		vpit_init();
	if (m[DEVK_COM1] != DEV_PASS)
		vuart_init(0, m[DEVK_COM1] == DEV_HIDE);
	if (m[DEVK_COM2] != DEV_PASS)
		vuart_init(1, m[DEVK_COM2] == DEV_HIDE);
	if (m[DEVK_RTC] == DEV_EMULATE)
		vrtc_init();
	if (m[DEVK_KBD] != DEV_PASS)
		vkbd_init(m[DEVK_KBD] == DEV_HIDE);
	if (m[DEVK_PCI] != DEV_PASS)
		vpci_init(m[DEVK_PCI] == DEV_HIDE, o->pci_hide, o->npci_hide);
	dev_sync();
}
