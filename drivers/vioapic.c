/*
 * The guest's I/O APIC, emulated, after the Intel 82093AA I/O APIC data
 * sheet (3.0 "Register Description") with the EOI register at 0x40 of the
 * version 0x20 I/O APICs that QEMU models (QEMU 7.2 reads 0x00170020
 * natively: version 0x20, 24 entries).  The guest reads the machine's
 * version (vioapic_version; Bochs's is the 82093AA's 0x11), and an I/O
 * APIC older than 0x20 has no EOI register: writes there do nothing.
 *
 * Registers: IOREGSEL (bits 0-7), IOWIN, EOI (write-only); indirect: ID
 * (bits 24-27), version and arbitration (read-only; arbitration holds the
 * ID, which loads it), and 24 redirection entries: vector, delivery mode,
 * destination mode, delivery status (read-only: delivery is instant, so
 * 0), polarity, remote IRR (read-only), trigger mode, mask, destination
 * (bits 56-63).  Reserved bits read 0.  IOREGSEL and IOWIN are dwords:
 * narrower reads extract from the dword, and only aligned dword writes
 * are made (others are ignored).  Indexes past the table read 0.
 *
 * Pins: vioapic_set_irq gives a pin's input as asserted or not (hv's real
 * I/O APIC applies the polarity the guest chose, which hv mirrors).  An
 * edge-triggered pin sends its message on the asserting edge if unmasked
 * (an edge while masked is lost, as on the 82093AA); a level-triggered one
 * while asserted, unmasked and its remote IRR clear, setting remote IRR
 * when the local APIC takes it; an EOI (vioapic_eoi, the EOI register)
 * clears remote IRR of each level entry with its vector, and a pin still
 * asserted sends again.  NMI, SMI, INIT and ExtINT entries are always
 * edge-triggered (data sheet, delivery mode).  An entry made edge-triggered
 * loses its remote IRR (it means nothing there).
 *
 * Delivery is to the one local APIC model: if vlapic_match_dest names it,
 * vlapic_accept takes the message (lowest priority as fixed: with one CPU
 * the arbitration is trivial).  Destinations that name no APIC go nowhere.
 */
#include "drivers/vapic.h"

#include "lib/hw/ioapic.h"

#define VIOAPIC_MAXRTE	((VIOAPIC_PINS - 1u) << IOAPIC_VER_MAXRTE_SHIFT)

uint8_t vioapic_version = 0x20;
/* Writable bits of an entry's low dword (bits 17-31 are reserved). */
#define RTE_LO_BITS	(IOAPIC_RTE_VECTOR | IOAPIC_RTE_DM | IOAPIC_RTE_LOGICAL | \
			 IOAPIC_RTE_ACTIVE_LOW | IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED)
#define RTE_HI_BITS	(0xFFu << IOAPIC_RTE_DEST_SHIFT)	/* bits 32-55 reserved */

static struct {
	uint32_t base;
	uint32_t id;		/* ID register: bits 24-27 */
	uint32_t regsel;
	uint32_t lo[VIOAPIC_PINS], hi[VIOAPIC_PINS];
	uint8_t in[VIOAPIC_PINS];	/* asserted */
} io;

void (*vioapic_pin_hook)(int pin);
void (*vioapic_eoi_hook)(int pin);

void vioapic_init(uint32_t base, uint8_t id)
{
	io.base = base;
	io.id = ((uint32_t)id << IOAPIC_ID_SHIFT) & IOAPIC_ID_MASK;
	io.regsel = 0;
	for (int i = 0; i < VIOAPIC_PINS; i++) {
		io.lo[i] = IOAPIC_RTE_MASKED;
		io.hi[i] = 0;
		io.in[i] = 0;
	}
}

uint32_t vioapic_base_addr(void)
{
	return io.base;
}

/* Level-triggered in effect: fixed and lowest priority only. */
static int is_level(int pin)
{
	uint32_t dm = io.lo[pin] & IOAPIC_RTE_DM;

	return (io.lo[pin] & IOAPIC_RTE_LEVEL) && (dm == LAPIC_DM_FIXED || dm == LAPIC_DM_LOWEST);
}

/* Sends pin's message to the local APIC; 1 if it took it. */
static int deliver(int pin)
{
	uint32_t lo = io.lo[pin];
	int mode = (int)(lo & IOAPIC_RTE_DM) >> 8;
	int vector = (int)(lo & IOAPIC_RTE_VECTOR);

	if (!vlapic_match_dest((uint8_t)(io.hi[pin] >> IOAPIC_RTE_DEST_SHIFT),
			       !!(lo & IOAPIC_RTE_LOGICAL)))
		return 0;
	switch (mode) {
	case VAPIC_DM_FIXED:
	case VAPIC_DM_LOWEST:
		vlapic_accept(VAPIC_DM_FIXED, vector, is_level(pin));
		return 1;
	case VAPIC_DM_SMI:
	case VAPIC_DM_NMI:
	case VAPIC_DM_INIT:
	case VAPIC_DM_EXTINT:
		vlapic_accept(mode, vector, 0);
		return 1;
	}
	return 0;	/* 011 and 110 are reserved */
}

/* A level pin: sends while asserted, unmasked and remote IRR clear. */
static void service(int pin)
{
	if (!is_level(pin) || !io.in[pin] ||
	    (io.lo[pin] & (IOAPIC_RTE_MASKED | IOAPIC_RTE_REMOTE_IRR)))
		return;
	if (deliver(pin))
		io.lo[pin] |= IOAPIC_RTE_REMOTE_IRR;
}

void vioapic_set_irq(int pin, int level)
{
	int was;

	if (pin < 0 || pin >= VIOAPIC_PINS)
		return;
	was = io.in[pin];
	io.in[pin] = !!level;
	if (is_level(pin))
		service(pin);
	else if (level && !was && !(io.lo[pin] & IOAPIC_RTE_MASKED))
		deliver(pin);
}

void vioapic_eoi(int vector)
{
	for (int pin = 0; pin < VIOAPIC_PINS; pin++) {
		if (!(io.lo[pin] & IOAPIC_RTE_REMOTE_IRR) ||
		    (io.lo[pin] & IOAPIC_RTE_VECTOR) != (uint32_t)vector)
			continue;
		io.lo[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
		if (vioapic_eoi_hook)
			vioapic_eoi_hook(pin);
		service(pin);
	}
}

static uint32_t ind_read(uint32_t index)
{
	uint32_t pin = (index - IOAPIC_REDTBL(0)) >> 1;

	switch (index) {
	case IOAPIC_ID:
		return io.id;
	case IOAPIC_VER:
		return vioapic_version | VIOAPIC_MAXRTE;
	case IOAPIC_ARB:
		return io.id;
	}
	if (index < IOAPIC_REDTBL(0) || pin >= VIOAPIC_PINS)
		return 0;
	return index & 1 ? io.hi[pin] : io.lo[pin];
}

static void ind_write(uint32_t index, uint32_t value)
{
	uint32_t pin = (index - IOAPIC_REDTBL(0)) >> 1;

	if (index == IOAPIC_ID) {
		io.id = value & IOAPIC_ID_MASK;	/* loads the arbitration ID too */
		return;
	}
	if (index < IOAPIC_REDTBL(0) || pin >= VIOAPIC_PINS)
		return;		/* version, arbitration: read-only */
	if (index & 1) {
		io.hi[pin] = value & RTE_HI_BITS;
	} else {
		io.lo[pin] = (value & RTE_LO_BITS) | (io.lo[pin] & IOAPIC_RTE_REMOTE_IRR);
		if (!is_level((int)pin))
			io.lo[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
	}
	service((int)pin);
	if (vioapic_pin_hook)
		vioapic_pin_hook((int)pin);
}

uint32_t vioapic_read(uint32_t offset, int size)
{
	uint32_t v = 0, shift = (offset & 3) * 8;

	switch (offset & ~3u) {
	case IOAPIC_IOREGSEL:
		v = io.regsel;
		break;
	case IOAPIC_IOWIN:
		v = ind_read(io.regsel);
		break;
	}
	v >>= shift;
	return size >= 4 ? v : v & ((1u << (8 * size)) - 1);
}

void vioapic_write(uint32_t offset, int size, uint32_t value)
{
	if (size != 4 || (offset & 3))
		return;
	switch (offset) {
	case IOAPIC_IOREGSEL:
		io.regsel = value & IOAPIC_REGSEL_MASK;
		break;
	case IOAPIC_IOWIN:
		ind_write(io.regsel, value);
		break;
	case IOAPIC_EOIR:
		if (vioapic_version >= 0x20)	/* the 82093AA (0x11) has none */
			vioapic_eoi((int)(value & IOAPIC_RTE_VECTOR));
		break;
	}
}

int vioapic_masked(int pin)
{
	return !!(io.lo[pin] & IOAPIC_RTE_MASKED);
}

int vioapic_level(int pin)
{
	return !!(io.lo[pin] & IOAPIC_RTE_LEVEL);
}

int vioapic_low(int pin)
{
	return !!(io.lo[pin] & IOAPIC_RTE_ACTIVE_LOW);
}
