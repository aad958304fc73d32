/*
 * hv's I/O APIC, the real one (Intel 82093AA I/O APIC data sheet, 3.0
 * "Register Description": IOREGSEL/IOWIN, the version register, the
 * redirection table).  hv owns it: at boot every pin is masked, so that
 * nothing the firmware or a previous OS left arrives at a vector hv did
 * not choose; the pins the guest's virtual I/O APIC routes (those the
 * real 8259s do not carry, drivers/irq.c) are programmed here at hv's
 * vectors, VEC_IOAPIC_BASE + pin, to the CPU hv runs on.
 */
#include "drivers/ioapic.h"

#include "drivers/lapic.h"
#include "lib/hw/ioapic.h"
#include "lib/log.h"

static volatile uint32_t *regs;
static int npins;
static uint8_t version;
static uint32_t low[32];	/* what each pin's low dword holds */
/* The registers are mapped over this page of hv's image. */
static uint8_t window[4096] __attribute__((aligned(4096)));

static uint32_t rd(uint32_t reg)
{
	regs[IOAPIC_IOREGSEL / 4] = reg;
	return regs[IOAPIC_IOWIN / 4];
}

static void wr(uint32_t reg, uint32_t v)
{
	regs[IOAPIC_IOREGSEL / 4] = reg;
	regs[IOAPIC_IOWIN / 4] = v;
}

int ioapic_version(void)
{
	return regs ? version : 0;
}

int ioapic_init(uint32_t base, int (*map_mmio)(uint32_t va, uint32_t pa))
{
	uint32_t ver;

	if (!base || !map_mmio || map_mmio((uint32_t)window, base) < 0)
		return 0;
	regs = (volatile uint32_t *)window;
	ver = rd(IOAPIC_VER);
	if (ver == 0xFFFFFFFFu) {
		log_warn("dev", "no I/O APIC answers at %08x", base);
		regs = 0;
		return 0;
	}
	version = (uint8_t)ver;
	npins = (int)((ver >> 16) & 0xFF) + 1;
	if (npins > 32)
		npins = 32;
	for (int pin = 0; pin < npins; pin++) {
		low[pin] = IOAPIC_RTE_MASKED;
		wr(IOAPIC_REDTBL(pin), IOAPIC_RTE_MASKED);
	}
	log_info("dev", "I/O APIC at %08x, version %02x, %d pins: all masked", base,
		 ver & 0xFF, npins);
	return npins;
}

void ioapic_route(int pin, int vec, int level, int active_low, int masked)
{
	if (!regs || pin < 0 || pin >= npins)
		return;
	low[pin] = (uint32_t)vec | (level ? IOAPIC_RTE_LEVEL : 0) |
		   (active_low ? IOAPIC_RTE_ACTIVE_LOW : 0) | (masked ? IOAPIC_RTE_MASKED : 0);
	wr(IOAPIC_REDTBL(pin), IOAPIC_RTE_MASKED);
	wr(IOAPIC_REDTBL(pin) + 1, (uint32_t)lapic_firmware.id << 24);
	wr(IOAPIC_REDTBL(pin), low[pin]);
}

void ioapic_mask(int pin, int masked)
{
	if (!regs || pin < 0 || pin >= npins)
		return;
	low[pin] = (low[pin] & ~IOAPIC_RTE_MASKED) | (masked ? IOAPIC_RTE_MASKED : 0);
	wr(IOAPIC_REDTBL(pin), low[pin]);
}
