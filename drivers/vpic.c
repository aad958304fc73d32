/*
 * The guest's 8259A PIC pair, emulated (pic=emulate), after the Intel
 * 8259A data sheet: ICW1-ICW4, OCW1 masks, OCW2 EOI / specific EOI /
 * rotation / set priority, OCW3 register reads, poll and special mask
 * mode; edge and level triggering (ICW1 LTIM, and the PIIX ELCR at
 * 0x4D0/0x4D1); automatic EOI; special fully nested mode; the slave's
 * INT output on the master's IR2, and spurious IR7 when an acknowledge
 * finds no request.
 *
 * A pure model: the real PICs are hv's and drivers/irq.c connects the
 * model to them (it is told of each acknowledge, EOI and ELCR change,
 * through the irq_pic_* calls, so that it can hold and release the real
 * lines the guest's requests came from).
 */
#include "drivers/vdev.h"

#include "drivers/devices.h"
#include "drivers/irq.h"
#include "lib/hw/i8259.h"
#include "lib/layout.h"
#include "lib/log.h"

struct chip {
	uint8_t irr, isr, imr;
	uint8_t lines;		/* input levels */
	uint8_t elcr, elcr_mask;
	uint8_t base, icw3, icw4;
	uint8_t ltim, single, need_icw4;
	uint8_t init;		/* ICW expected on the data port: 2, 3, 4, or 0 */
	uint8_t lowest;		/* the bottom-priority level */
	uint8_t rotate_aeoi, special_mask, read_isr, poll;
	int master;
};

static struct chip chips[2];
#define MASTER (&chips[0])
#define SLAVE (&chips[1])

static int is_level(const struct chip *c, int l)
{
	return c->ltim || (c->elcr >> l & 1);
}

/* Priority rank of level l: 0 is the highest. */
static int rank(const struct chip *c, int l)
{
	return (l - c->lowest - 1) & 7;
}

/* The highest-priority level set in mask, or -1. */
static int best(const struct chip *c, uint8_t mask)
{
	/* Rotated so that the highest priority is bit 0, its lowest set bit. */
	unsigned s = (c->lowest + 1u) & 7, rot = ((unsigned)mask >> s | (unsigned)mask << (8 - s)) & 0xFF;

	return rot ? (int)((__builtin_ctz(rot) + s) & 7) : -1;
}

/* The level this chip would interrupt with now, or -1 (INT low). */
static int chip_irq(const struct chip *c)
{
	int r, s;
	uint8_t in = c->isr;

	if (!(c->irr & ~c->imr))
		return -1;	/* the common case, on every entry to the guest */
	r = best(c, c->irr & ~c->imr);
	if (r < 0)
		return -1;
	if (c->special_mask)
		in &= ~c->imr;
	s = best(c, in);
	if (s < 0 || rank(c, r) < rank(c, s))
		return r;
	/* Special fully nested: the slave's higher requests pass IR2 in service. */
	if (c->master && (c->icw4 & ICW4_SFNM) && r == s && r == PIC_CASCADE_IRQ)
		return r;
	return -1;
}

static void chip_set_line(struct chip *c, int l, int level)
{
	uint8_t bit = (uint8_t)(1u << l);

	if (is_level(c, l)) {
		if (level)
			c->irr |= bit;
		else
			c->irr &= ~bit;
	} else if (level && !(c->lines & bit)) {
		c->irr |= bit;	/* rising edge */
	}
	c->lines = level ? c->lines | bit : c->lines & ~bit;
}

/* The slave's INT output is the master's IR2 input. */
static int int_out;	/* the master's INT output, as the last change left it */

/* After every change of either chip (each path ends here). */
static void cascade(void)
{
	chip_set_line(MASTER, PIC_CASCADE_IRQ, chip_irq(SLAVE) >= 0);
	int_out = chip_irq(MASTER) >= 0;
}

static int line_of(const struct chip *c, int l)
{
	return c->master ? l : 8 + l;
}

static void intack(struct chip *c, int l)
{
	int irq = line_of(c, l);

	if (c->icw4 & ICW4_AEOI) {
		if (c->rotate_aeoi)
			c->lowest = (uint8_t)l;
	} else {
		c->isr |= (uint8_t)(1u << l);
	}
	if (!is_level(c, l))
		c->irr &= (uint8_t)~(1u << l);
	if (!(c->master && l == PIC_CASCADE_IRQ))
		irq_pic_acked(irq, !!(c->icw4 & ICW4_AEOI));
}

static void eoi(struct chip *c, int l)
{
	if (l < 0)
		return;
	c->isr &= (uint8_t)~(1u << l);
	if (!(c->master && l == PIC_CASCADE_IRQ))
		irq_pic_done(line_of(c, l));
}

static void write_cmd(struct chip *c, uint8_t v)
{
	int l = v & OCW2_LEVEL_MASK, s;

	if (v & ICW1_INIT) {
		c->init = 2;
		c->ltim = !!(v & ICW1_LTIM);
		c->single = !!(v & ICW1_SNGL);
		c->need_icw4 = !!(v & ICW1_IC4);
		if (!c->need_icw4)
			c->icw4 = 0;
		c->imr = c->isr = 0;
		/* The edge sense latch is reset: only level requests stay, and a
		   passed-through edge request is gone. */
		c->irr = 0;
		for (int i = 0; i < 8; i++)
			if (!(c->master && i == PIC_CASCADE_IRQ) && !is_level(c, i))
				irq_pic_done(line_of(c, i));
		for (int i = 0; i < 8; i++)
			if (is_level(c, i) && (c->lines >> i & 1))
				c->irr |= (uint8_t)(1u << i);
		c->lowest = 7;
		c->special_mask = c->read_isr = c->poll = c->rotate_aeoi = 0;
		if (v & ICW1_ADI)
			log_debug("vpic", "ICW1 call address interval ignored (8086 mode)");
		return;
	}
	if (v & OCW3_SEL) {
		if (v & OCW3_ESMM)
			c->special_mask = !!(v & OCW3_SMM);
		if (v & OCW3_POLL)
			c->poll = 1;
		if (v & OCW3_RR)
			c->read_isr = v & OCW3_RIS;
		return;
	}
	switch (v & OCW2_CMD_MASK) {
	case OCW2_EOI:
		eoi(c, best(c, c->isr));
		break;
	case OCW2_ROT_EOI:
		s = best(c, c->isr);
		eoi(c, s);
		if (s >= 0)
			c->lowest = (uint8_t)s;
		break;
	case OCW2_SEOI:
		eoi(c, l);
		break;
	case OCW2_ROT_SEOI:
		eoi(c, l);
		c->lowest = (uint8_t)l;
		break;
	case OCW2_SET_PRIO:
		c->lowest = (uint8_t)l;
		break;
	case OCW2_ROT_AEOI_SET:
		c->rotate_aeoi = 1;
		break;
	case OCW2_ROT_AEOI_CLR:
		c->rotate_aeoi = 0;
		break;
	default:	/* OCW2_NOP */
		break;
	}
}

static void write_data(struct chip *c, uint8_t v)
{
	switch (c->init) {
	case 2:
		c->base = v & ICW2_BASE_MASK;
		c->init = c->single ? (c->need_icw4 ? 4 : 0) : 3;
		break;
	case 3:
		c->icw3 = v;
		c->init = c->need_icw4 ? 4 : 0;
		break;
	case 4:
		c->icw4 = v;
		c->init = 0;
		if (!(v & ICW4_8086))
			log_warn("vpic", "ICW4 asks for 8080 mode: vectors stay 8086-style");
		break;
	default:
		c->imr = v;	/* OCW1 */
		break;
	}
}

static uint8_t read_port(struct chip *c, int cmd)
{
	if (cmd)
		irq_refresh_levels();
	if (c->poll) {
		int l = chip_irq(c);

		c->poll = 0;
		if (l < 0)
			return 0;
		intack(c, l);
		return (uint8_t)(PIC_POLL_INT | l);
	}
	if (!cmd)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

static uint32_t pic_read(void *ctx, uint16_t port, int size)
{
	struct chip *c = ctx;
	uint8_t v;

	(void)size;
	v = read_port(c, port == PIC1_CMD || port == PIC2_CMD);
	cascade();
	return v;
}

static void pic_write(void *ctx, uint16_t port, int size, uint32_t v)
{
	struct chip *c = ctx;

	(void)size;
	if (port == PIC1_CMD || port == PIC2_CMD)
		write_cmd(c, (uint8_t)v);
	else
		write_data(c, (uint8_t)v);
	cascade();
}

static uint32_t elcr_read(void *ctx, uint16_t port, int size)
{
	(void)ctx;
	(void)size;
	return chips[port - PIC_ELCR1].elcr;
}

static void elcr_write(void *ctx, uint16_t port, int size, uint32_t v)
{
	struct chip *c = &chips[port - PIC_ELCR1];
	int shift = (port - PIC_ELCR1) * 8;

	(void)ctx;
	(void)size;
	c->elcr = (uint8_t)v & c->elcr_mask;
	for (int i = 0; i < 8; i++)
		if (is_level(c, i))
			c->irr = (c->lines >> i & 1) ? c->irr | (1u << i) : c->irr & ~(1u << i);
	irq_elcr_changed((uint16_t)(c->elcr << shift), (uint16_t)(0xFF << shift));
	cascade();
}

/* --- the virtual CPU's side (drivers/intc.h) --- */

int vpic_pending(void)
{
	return int_out;
}

int vpic_ack(void)
{
	int m = chip_irq(MASTER), s, vec;

	if (m < 0)
		return MASTER->base + 7;	/* no request: IR7 */
	intack(MASTER, m);
	if (m == PIC_CASCADE_IRQ && !MASTER->single) {
		s = chip_irq(SLAVE);
		if (s < 0) {
			vec = SLAVE->base + 7;
		} else {
			intack(SLAVE, s);
			vec = SLAVE->base + s;
		}
	} else {
		vec = MASTER->base + m;
	}
	cascade();
	return vec;
}

void vpic_set_irq(int irq, int level)
{
	struct chip *c = &chips[irq >> 3];
	uint8_t irr = c->irr;

	chip_set_line(c, irq & 7, level);
	if (c->irr != irr)	/* (a falling edge in edge mode changes nothing) */
		cascade();
}

int vpic_line_level(int irq)
{
	return is_level(&chips[irq >> 3], irq & 7);
}

void vpic_init(uint8_t imr1, uint8_t imr2, uint8_t elcr1, uint8_t elcr2)
{
	/* What the guest finds: the BIOS's bases, masks and ELCR. */
	chips[0] = (struct chip){ .imr = imr1, .elcr = elcr1 & 0xF8, .elcr_mask = 0xF8,
				  .base = 0x08, .icw3 = 1u << PIC_CASCADE_IRQ,
				  .icw4 = ICW4_8086, .lowest = 7, .master = 1 };
	chips[1] = (struct chip){ .imr = imr2, .elcr = elcr2 & 0xDE, .elcr_mask = 0xDE,
				  .base = 0x70, .icw3 = PIC_SLAVE_ID, .icw4 = ICW4_8086,
				  .lowest = 7, .master = 0 };
	int_out = 0;
	dev_register_untimed(PIC1_CMD, PIC1_DATA, "PIC 1 (emulated)", pic_read, pic_write, MASTER);
	dev_register_untimed(PIC2_CMD, PIC2_DATA, "PIC 2 (emulated)", pic_read, pic_write, SLAVE);
	dev_register_untimed(PIC_ELCR1, PIC_ELCR2, "ELCR (emulated)", elcr_read, elcr_write, 0);
}
