/*
 * The machine's interrupt lines (docs/DEVICES.md, "Interrupts"): hv owns
 * the real 8259s and the real I/O APIC; the guest sees only its emulated
 * ones (drivers/vpic.c, drivers/vioapic.c).  Each ISA line feeds both, as
 * on a PC: line n reaches the guest's 8259 at its input n and the guest's
 * I/O APIC at the pin the firmware's MADT names for it (ISA IRQ 0 on pin
 * 2 on QEMU, ACPI 5.2.12.5); whichever the guest unmasks gives it the
 * interrupt.  The sources are hv's emulated devices (irq_set_isa) and the
 * real devices, whose interrupts arrive at hv through the real 8259s
 * (hv's vector bases) and, for pins above 15, the real I/O APIC.
 *
 * Real lines no emulated device owns stay unmasked in the real 8259s, so
 * their edges meet the models as they would meet real controllers
 * (several before the guest's acknowledge make one request).  A level-
 * triggered real line is masked from its interrupt until the guest ends
 * the request (its 8259's EOI, or its I/O APIC's), the request held high
 * in the models meanwhile and dropped when the real IRR shows the device
 * let go: a device never interrupts faster than the guest takes its
 * interrupts.  Pins 16-23 of the real I/O APIC mirror the guest's entries
 * (mask, trigger, polarity) at hv's vectors, masked the same way while a
 * level request is held.
 */
#include "drivers/irq.h"

#include "drivers/acpi.h"
#include "drivers/ioapic.h"
#include "drivers/ioport.h"
#include "drivers/vapic.h"
#include "drivers/vdev.h"
#include "lib/hw/i8259.h"
#include "lib/layout.h"

static uint8_t isa_gsi[ISA_IRQS];
static uint16_t owned;			/* lines emulated devices drive */
static uint16_t handled;		/* ... of which hv takes the real interrupts */
static void (*host_handler[ISA_IRQS])(int irq);
static int hv_line = -1;		/* hv's own wake-up line */
static uint16_t real_imr = 0xFFFF;	/* what the real IMRs hold */
static uint16_t real_elcr;		/* real lines that are level-triggered: */
static uint16_t pic_elcr;		/* ... the guest's 8259 ELCR says so, or */
static uint16_t ioapic_lvl;		/* ... its I/O APIC pin is level-triggered */
#define ELCR_BITS	0xDEF8		/* lines the PIIX ELCR can make level */
static uint16_t forwarded;		/* real level requests held high in the models */
static uint16_t swallow;		/* real edges already merged into one taken */
static uint32_t held_pins;		/* real I/O APIC pins (>= 16) held high */

static void real_sync(void)
{
	/* Open: hv's own line, owned lines with a handler, and every passed-
	   through line but a level one whose request is held. */
	uint16_t open = (uint16_t)((owned & handled) | (~owned & ~(forwarded & real_elcr)));
	uint16_t mask;

	if (hv_line >= 0)
		open |= (uint16_t)(1u << hv_line);
	mask = (uint16_t)~open | (1u << PIC_CASCADE_IRQ);
	if ((mask & 0xFF00) != 0xFF00)
		mask &= (uint16_t)~(1u << PIC_CASCADE_IRQ);
	if ((mask ^ real_imr) & 0xFF)
		io_native_write(PIC1_DATA, 1, mask & 0xFF);
	if ((mask ^ real_imr) & 0xFF00)
		io_native_write(PIC2_DATA, 1, mask >> 8);
	real_imr = mask;
}

static void real_eoi(int irq)
{
	if (irq >= 8) {
		io_native_write(PIC2_CMD, 1, OCW2_SEOI | (irq - 8));
		io_native_write(PIC1_CMD, 1, OCW2_SEOI | PIC_CASCADE_IRQ);
	} else {
		io_native_write(PIC1_CMD, 1, OCW2_SEOI | irq);
	}
}

static int real_in_service(int irq)
{
	uint16_t cmd = irq >= 8 ? PIC2_CMD : PIC1_CMD;
	uint8_t isr;

	io_native_write(cmd, 1, OCW3_READ_ISR);
	isr = (uint8_t)io_native_read(cmd, 1);
	io_native_write(cmd, 1, OCW3_READ_IRR);
	return isr >> (irq & 7) & 1;
}

/* ISA line irq at level in both of the guest's controllers. */
static void drive(int irq, int level)
{
	vpic_set_irq(irq, level);
	vioapic_set_irq(isa_gsi[irq], level);
}

int irq_isa_gsi(int irq)
{
	return isa_gsi[irq & 15];
}

void irq_set_isa(int irq, int level)
{
	drive(irq, level);
}

/* A held real request ends: lower it and let the real line in again. */
static void forward_done(int irq)
{
	if (!(forwarded & (1u << irq)))
		return;
	forwarded &= (uint16_t)~(1u << irq);
	drive(irq, 0);
	real_sync();
}

void irq_real_8259(int irq)
{
	uint16_t bit = (uint16_t)(1u << irq);

	if ((irq & 7) == 7 && !real_in_service(irq)) {
		/* Spurious: nothing in service (on the slave, IR2 on the master is). */
		if (irq == 15)
			io_native_write(PIC1_CMD, 1, OCW2_SEOI | PIC_CASCADE_IRQ);
		return;
	}
	if (owned & bit) {
		real_eoi(irq);
		if (host_handler[irq])
			host_handler[irq](irq);
		return;
	}
	if (swallow & bit) {
		swallow &= (uint16_t)~bit;
		real_eoi(irq);
		return;
	}
	if ((real_elcr & bit) || vpic_line_level(irq) || vioapic_level(isa_gsi[irq])) {
		/* Held until the guest is done with it (level: masked meanwhile). */
		forwarded |= bit;
		drive(irq, 1);
	} else {
		drive(irq, 1);	/* an edge */
		drive(irq, 0);
	}
	real_sync();
	real_eoi(irq);
}

void irq_pic_acked(int irq, int aeoi)
{
	uint16_t bit = (uint16_t)(1u << irq);

	/* An edge the real PIC latched before this acknowledge, which hv has
	   not taken yet, was part of this request (one IRR bit). */
	if (!(owned & bit) && !(real_elcr & bit) &&
	    (io_native_read(irq >= 8 ? PIC2_CMD : PIC1_CMD, 1) >> (irq & 7) & 1))
		swallow |= bit;
	/* A held edge request ends when taken; a level one at the EOI (with
	   automatic EOI, that is now). */
	if (!(real_elcr & bit) || aeoi)
		forward_done(irq);
}

void irq_pic_done(int irq)
{
	forward_done(irq);
}

void irq_ioapic_done(int pin)
{
	for (int irq = 0; irq < ISA_IRQS; irq++)
		if (isa_gsi[irq] == pin)
			forward_done(irq);
	if (pin >= ISA_IRQS && pin < VIOAPIC_PINS && (held_pins & (1u << pin))) {
		held_pins &= ~(1u << pin);
		vioapic_set_irq(pin, 0);
		irq_ioapic_changed(pin);	/* unmasked again */
	}
}

/*
 * A level-triggered real line held in the models: the real IRR follows the
 * line even while it is masked (8259A data sheet, "Level triggered
 * mode"), so a device that dropped its request is seen before the guest
 * looks.
 */
void irq_refresh_levels(void)
{
	uint16_t held = forwarded & real_elcr, irr;

	if (!held)
		return;
	irr = (uint16_t)(io_native_read(PIC1_CMD, 1) | io_native_read(PIC2_CMD, 1) << 8);
	for (int irq = 0; irq < ISA_IRQS; irq++)
		if ((held >> irq & 1) && !(irr >> irq & 1))
			forward_done(irq);
}

/* The real ELCR: a passed-through line the guest takes as level (in its
   8259's ELCR or at its I/O APIC pin) is level in the real 8259 too, so
   that the real IRR follows the device's line (8259A data sheet). */
static void write_elcr(void)
{
	uint16_t e = (uint16_t)((pic_elcr | ioapic_lvl) & ~owned & ELCR_BITS);

	if (e == real_elcr)
		return;
	real_elcr = e;
	io_native_write(PIC_ELCR1, 1, real_elcr & 0xFF);
	io_native_write(PIC_ELCR2, 1, real_elcr >> 8);
}

void irq_elcr_changed(uint16_t elcr, uint16_t mask)
{
	/* The guest knows how its passed-through devices signal. */
	mask &= (uint16_t)~owned;
	pic_elcr = (uint16_t)((pic_elcr & ~mask) | (elcr & mask));
	write_elcr();
}

void irq_real_ioapic(int pin)
{
	if (pin < ISA_IRQS || pin >= VIOAPIC_PINS)
		return;
	if (vioapic_level(pin)) {
		held_pins |= 1u << pin;
		ioapic_mask(pin, 1);
		vioapic_set_irq(pin, 1);
	} else {
		vioapic_set_irq(pin, 1);
		vioapic_set_irq(pin, 0);
	}
}

void irq_ioapic_changed(int pin)
{
	if (pin < 0 || pin >= VIOAPIC_PINS)
		return;
	for (int irq = 0; irq < ISA_IRQS; irq++) {
		uint16_t bit = (uint16_t)(1u << irq);

		if (isa_gsi[irq] != pin)
			continue;
		if (vioapic_level(pin) && !vioapic_masked(pin))
			ioapic_lvl |= bit;
		else
			ioapic_lvl &= (uint16_t)~bit;
		write_elcr();
		real_sync();
	}
	if (pin < ISA_IRQS)
		return;	/* the ISA pins come through the real 8259s */
	ioapic_route(pin, VEC_IOAPIC_BASE + pin, vioapic_level(pin), vioapic_low(pin),
		     vioapic_masked(pin) || (held_pins & (1u << pin)));
}

void irq_own_line(int irq, void (*host)(int irq))
{
	owned |= (uint16_t)(1u << irq);
	host_handler[irq] = host;
	if (host)
		handled |= (uint16_t)(1u << irq);
	write_elcr();
	real_sync();
}

static void real_program(uint16_t cmd, uint16_t data, uint8_t base, uint8_t icw3)
{
	io_native_write(cmd, 1, ICW1_INIT | ICW1_IC4);
	io_native_write(data, 1, base);
	io_native_write(data, 1, icw3);
	io_native_write(data, 1, ICW4_8086);
	io_native_write(data, 1, 0xFF);
}

void irq_init(int hv_irq, int (*map_mmio)(uint32_t va, uint32_t pa))
{
	uint8_t imr1 = (uint8_t)io_native_read(PIC1_DATA, 1);
	uint8_t imr2 = (uint8_t)io_native_read(PIC2_DATA, 1);
	uint8_t e1 = (uint8_t)io_native_read(PIC_ELCR1, 1);
	uint8_t e2 = (uint8_t)io_native_read(PIC_ELCR2, 1);

	if (e1 == 0xFF && e2 == 0xFF)
		e1 = e2 = 0;	/* no ELCR: every line edge-triggered */
	for (int irq = 0; irq < ISA_IRQS; irq++)
		isa_gsi[irq] = (uint8_t)acpi_isa_gsi(irq);
	/* What the guest finds: the firmware's 8259 masks and ELCR. */
	vpic_init(imr1, imr2, e1, e2);
	pic_elcr = (uint16_t)((e1 & 0xF8) | (e2 & 0xDE) << 8);
	real_elcr = pic_elcr;
	hv_line = hv_irq;
	real_program(PIC1_CMD, PIC1_DATA, VEC_IRQ_BASE, 1u << PIC_CASCADE_IRQ);
	real_program(PIC2_CMD, PIC2_DATA, VEC_IRQ_BASE + 8, PIC_SLAVE_ID);
	real_imr = 0xFFFF;
	ioapic_init(acpi_ioapic_base(), map_mmio);	/* every pin masked */
	if (hv_irq >= 0)
		irq_own_line(hv_irq, 0);
	real_sync();
}
