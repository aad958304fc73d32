/*
 * The guest's 8259A PIC pair, emulated (pic=emulate), after the Intel
 * 8259A data sheet: ICW1-ICW4, OCW1 masks, OCW2 EOI / specific EOI /
 * rotation / set priority, OCW3 register reads, poll and special mask
 * mode; edge and level triggering (ICW1 LTIM, and the PIIX ELCR at
 * 0x4D0/0x4D1); automatic EOI; special fully nested mode; the slave's
 * INT output on the master's IR2, and spurious IR7 when an acknowledge
 * finds no request.
 *
 * The real PICs are hv's: hv keeps its own vector bases and acknowledges
 * every real interrupt at once.  A line no emulated device owns is passed
 * through: a real interrupt on it is fed to the model as a request.  An
 * edge-triggered real line stays unmasked, so that its edges meet the
 * model's IRR as they would meet the real one (several before the guest's
 * acknowledge make one request).  A level-triggered real line is masked
 * from its interrupt until the guest's EOI, its request held in the model
 * meanwhile and dropped when the real IRR shows the device let go; so a
 * device never interrupts faster than the guest takes its interrupts.
 * The real IMR is recomputed after every change.
 */
#include "drivers/vdev.h"

#include "drivers/devices.h"
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

/* The real side (passed-through lines). */
static uint16_t owned;			/* lines emulated devices drive */
static void (*host_handler[16])(int irq);
static int hv_line = -1;		/* hv's own wake-up line */
static uint16_t real_imr = 0xFFFF;	/* what the real IMRs hold */
static uint16_t real_elcr;		/* real lines that are level-triggered */
static uint16_t forwarded;		/* real requests held high in the model */
static uint16_t swallow;		/* real requests already merged into one taken */

static void real_sync(void);

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
	for (int i = 1; i <= 8; i++) {
		int l = (c->lowest + i) & 7;

		if (mask & (1u << l))
			return l;
	}
	return -1;
}

/* The level this chip would interrupt with now, or -1 (INT low). */
static int chip_irq(const struct chip *c)
{
	int r = best(c, c->irr & ~c->imr), s;
	uint8_t in = c->isr;

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
static void cascade(void)
{
	chip_set_line(MASTER, PIC_CASCADE_IRQ, chip_irq(SLAVE) >= 0);
}

static int line_of(const struct chip *c, int l)
{
	return c->master ? l : 8 + l;
}

/* A passed-through request ends: lower it and let the real line in again. */
static void forward_done(int irq)
{
	struct chip *c = &chips[irq >> 3];

	if (!(forwarded & (1u << irq)))
		return;
	forwarded &= (uint16_t)~(1u << irq);
	chip_set_line(c, irq & 7, 0);
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
	if (c->master && l == PIC_CASCADE_IRQ)
		return;
	/* An edge the real PIC latched before this acknowledge, which hv has
	   not taken yet, was part of this request (one IRR bit). */
	if (!(owned & (1u << irq)) && !(real_elcr & (1u << irq)) &&
	    (io_native_read(irq >= 8 ? PIC2_CMD : PIC1_CMD, 1) >> (irq & 7) & 1))
		swallow |= (uint16_t)(1u << irq);
	/* A held edge request ends when taken; a level one at the EOI (with
	   automatic EOI, that is now). */
	if (!(real_elcr & (1u << irq)) || (c->icw4 & ICW4_AEOI))
		forward_done(irq);
}

static void eoi(struct chip *c, int l)
{
	if (l < 0)
		return;
	c->isr &= (uint8_t)~(1u << l);
	if (!(c->master && l == PIC_CASCADE_IRQ))
		forward_done(line_of(c, l));
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
				forward_done(line_of(c, i));
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

/*
 * A level-triggered real line held in the model: the real IRR follows the
 * line even while it is masked (data sheet, "Level triggered mode"), so a
 * device that dropped its request is seen before the guest looks.
 */
static void refresh_levels(void)
{
	uint16_t held = forwarded & real_elcr, irr;

	if (!held)
		return;
	irr = (uint16_t)(io_native_read(PIC1_CMD, 1) | io_native_read(PIC2_CMD, 1) << 8);
	for (int irq = 0; irq < 16; irq++)
		if ((held >> irq & 1) && !(irr >> irq & 1))
			forward_done(irq);
}

static uint8_t read_port(struct chip *c, int cmd)
{
	if (cmd)
		refresh_levels();
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
	real_sync();
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
	real_sync();
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
	uint8_t pass = (uint8_t)~(owned >> shift);

	(void)ctx;
	(void)size;
	c->elcr = (uint8_t)v & c->elcr_mask;
	for (int i = 0; i < 8; i++)
		if (is_level(c, i))
			c->irr = (c->lines >> i & 1) ? c->irr | (1u << i) : c->irr & ~(1u << i);
	/* The guest knows how its passed-through devices signal. */
	real_elcr = (uint16_t)((real_elcr & ~(pass << shift)) | ((c->elcr & pass) << shift));
	io_native_write(port, 1, (real_elcr >> shift) & 0xFF);
	cascade();
	real_sync();
}

/* --- the virtual CPU's side (drivers/intc.h) --- */

int vpic_pending(void)
{
	return chip_irq(MASTER) >= 0;
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
	real_sync();
	return vec;
}

void vpic_set_irq(int irq, int level)
{
	chip_set_line(&chips[irq >> 3], irq & 7, level);
	cascade();
}

/* --- the real PICs --- */

static void real_sync(void)
{
	uint16_t mask = 0xFFFF;

	for (int irq = 0; irq < 16; irq++) {
		uint16_t bit = (uint16_t)(1u << irq);

		if (irq == PIC_CASCADE_IRQ)
			continue;
		if (irq == hv_line ||
		    ((owned & bit) ? host_handler[irq] != 0 : !(forwarded & real_elcr & bit)))
			mask &= ~bit;
	}
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

void vpic_host_irq(int irq)
{
	uint16_t bit = (uint16_t)(1u << irq);
	struct chip *c;

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
	c = &chips[irq >> 3];
	if ((real_elcr & bit) || is_level(c, irq & 7)) {
		/* Held until the guest is done with it (level: masked meanwhile). */
		forwarded |= bit;
		chip_set_line(c, irq & 7, 1);
	} else {
		chip_set_line(c, irq & 7, 1);	/* an edge */
		chip_set_line(c, irq & 7, 0);
	}
	cascade();
	real_sync();
	real_eoi(irq);
}

void vpic_own_line(int irq, void (*host)(int irq))
{
	owned |= (uint16_t)(1u << irq);
	host_handler[irq] = host;
	real_elcr &= (uint16_t)~(1u << irq);
	io_native_write(PIC_ELCR1 + (irq >> 3), 1, (real_elcr >> (irq & 8)) & 0xFF);
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

void vpic_init(int hv_irq)
{
	uint8_t imr1 = (uint8_t)io_native_read(PIC1_DATA, 1);
	uint8_t imr2 = (uint8_t)io_native_read(PIC2_DATA, 1);
	uint8_t e1 = (uint8_t)io_native_read(PIC_ELCR1, 1);
	uint8_t e2 = (uint8_t)io_native_read(PIC_ELCR2, 1);

	if (e1 == 0xFF && e2 == 0xFF)
		e1 = e2 = 0;	/* no ELCR: every line edge-triggered */
	/* What the guest finds: the BIOS's bases and masks. */
	chips[0] = (struct chip){ .imr = imr1, .elcr = e1 & 0xF8, .elcr_mask = 0xF8,
				  .base = 0x08, .icw3 = 1u << PIC_CASCADE_IRQ,
				  .icw4 = ICW4_8086, .lowest = 7, .master = 1 };
	chips[1] = (struct chip){ .imr = imr2, .elcr = e2 & 0xDE, .elcr_mask = 0xDE,
				  .base = 0x70, .icw3 = PIC_SLAVE_ID, .icw4 = ICW4_8086,
				  .lowest = 7, .master = 0 };
	real_elcr = (uint16_t)(chips[0].elcr | chips[1].elcr << 8);
	hv_line = hv_irq;
	real_program(PIC1_CMD, PIC1_DATA, VEC_IRQ_BASE, 1u << PIC_CASCADE_IRQ);
	real_program(PIC2_CMD, PIC2_DATA, VEC_IRQ_BASE + 8, PIC_SLAVE_ID);
	real_imr = 0xFFFF;
	if (hv_irq >= 0)
		vpic_own_line(hv_irq, 0);
	dev_register(PIC1_CMD, PIC1_DATA, "PIC 1 (emulated)", pic_read, pic_write, MASTER);
	dev_register(PIC2_CMD, PIC2_DATA, "PIC 2 (emulated)", pic_read, pic_write, SLAVE);
	dev_register(PIC_ELCR1, PIC_ELCR2, "ELCR (emulated)", elcr_read, elcr_write, 0);
	real_sync();
}
