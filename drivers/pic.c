/*
 * Sharing the 8259A PICs with the guest (Intel 8259A data sheet:
 * ICW1-ICW4 initialisation sequence, OCW1-OCW3).
 *
 * hv must own one thing: the vector bases (ICW2), since the real IDT is
 * hv's.  Everything else passes through: the guest's ICW1, ICW3, ICW4,
 * masks, EOIs and status reads reach the real PICs, but in ICW2 hv writes
 * its own base and remembers the guest's, which is what the guest's
 * interrupts are delivered at.  The ports are intercepted only to follow
 * the initialisation sequence.
 *
 * As the guest's interrupt controller (drivers/intc.h): a small FIFO of
 * guest vectors, one entry per acknowledged line, since the real PIC will
 * not raise that line again before the guest's EOI.
 */
#include "drivers/pic.h"

#include "drivers/ioport.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/x86.h"

#define QUEUE 32

static uint8_t queue[QUEUE];
static int head, count;

struct pic {
	uint16_t cmd, data;
	uint8_t hv_base;	/* what the real PIC is programmed with */
	uint8_t guest_base;	/* what the guest programmed */
	int expect;		/* next ICW expected on the data port: 2, 3, 4 or 0 */
	int icw4, single;
};

/* Before the guest programs them, the bases the BIOS left (8 and 0x70). */
static struct pic pics[2] = {
	{ PIC1_CMD, PIC1_DATA, VEC_IRQ_BASE, 0x08, 0, 0, 0 },
	{ PIC2_CMD, PIC2_DATA, VEC_IRQ_BASE + 8, 0x70, 0, 0, 0 },
};

static void pic_write(void *ctx, uint16_t port, int size, uint32_t v)
{
	struct pic *p = ctx;

	(void)size;
	v &= 0xFF;
	if (port == p->cmd) {
		if (v & ICW1_INIT) {
			p->expect = 2;
			p->icw4 = v & ICW1_IC4;
			p->single = v & ICW1_SNGL;
		}
		outb(port, (uint8_t)v);
		return;
	}
	switch (p->expect) {
	case 2:
		p->guest_base = (uint8_t)(v & 0xF8);
		outb(port, p->hv_base);
		p->expect = p->single ? (p->icw4 ? 4 : 0) : 3;
		return;
	case 3:
		p->expect = p->icw4 ? 4 : 0;
		break;
	case 4:
		p->expect = 0;
		break;
	}
	outb(port, (uint8_t)v);
}

static uint32_t pic_read(void *ctx, uint16_t port, int size)
{
	(void)ctx;
	(void)size;
	return inb(port);
}

static void reprogram(struct pic *p, int cascade)
{
	uint8_t mask = inb(p->data);

	outb(p->cmd, ICW1_INIT | ICW1_IC4);
	outb(p->data, p->hv_base);
	outb(p->data, (uint8_t)cascade);
	outb(p->data, ICW4_8086);
	outb(p->data, mask);
}

void pic_init_passthrough(void)
{
	reprogram(&pics[0], 1 << 2);	/* slave on IRQ 2 */
	reprogram(&pics[1], 2);		/* slave identity 2 */
	io_register(PIC1_CMD, PIC1_DATA, "PIC 1", pic_read, pic_write, &pics[0]);
	io_register(PIC2_CMD, PIC2_DATA, "PIC 2", pic_read, pic_write, &pics[1]);
}

int pic_guest_vector(int irq)
{
	const struct pic *p = &pics[irq >> 3];

	return p->guest_base + (irq & 7);
}

void pic_pass_irq(int irq)
{
	int vec = pic_guest_vector(irq);

	for (int i = 0; i < count; i++)
		if (queue[(head + i) % QUEUE] == vec)
			return;	/* already waiting, as one IRR bit */
	if (count == QUEUE) {
		log_warn("intc", "interrupt queue full: vector %d dropped", vec);
		return;
	}
	queue[(head + count++) % QUEUE] = (uint8_t)vec;
}

int pic_pass_pending(void)
{
	return count > 0;
}

int pic_pass_ack(void)
{
	int v;

	if (!count)
		return -1;
	v = queue[head];
	head = (head + 1) % QUEUE;
	count--;
	return v;
}
