/*
 * 8259A PIC pair (see pic.h; Intel 8259A data sheet, "Initialization
 * command words" and "Operation command words").
 */
#include "guest/lib/pic.h"

#include "lib/x86.h"

#define IRQ_SPURIOUS_MASTER	7
#define IRQ_SPURIOUS_SLAVE	15

volatile uint32_t pic_spurious;

static void pic_spurious_trap(struct trapframe *tf)
{
	int irq = tf->vector == PIC_IRQ_VEC(IRQ_SPURIOUS_MASTER) ? 7 : 15;

	if (pic_isr() & (1u << irq)) {
		/* A real IRQ7/15 nobody asked for. */
		pic_eoi(irq);
	} else if (irq == IRQ_SPURIOUS_SLAVE) {
		/* Spurious on the slave: the master saw a real IRQ2. */
		outb(PIC1_CMD, OCW2_EOI);
	}
	pic_spurious++;
}

void pic_init(void)
{
	outb(PIC1_CMD, ICW1_INIT | ICW1_ICW4);
	outb(PIC2_CMD, ICW1_INIT | ICW1_ICW4);
	outb(PIC1_DATA, PIC_VEC_MASTER);		/* ICW2 */
	outb(PIC2_DATA, PIC_VEC_SLAVE);
	outb(PIC1_DATA, ICW3_MASTER_SLAVE_ON_IRQ2);	/* ICW3 */
	outb(PIC2_DATA, ICW3_SLAVE_ID);
	outb(PIC1_DATA, ICW4_8086);			/* ICW4 */
	outb(PIC2_DATA, ICW4_8086);
	pic_set_imr(0xFFFF);
	trap_set_handler(PIC_IRQ_VEC(IRQ_SPURIOUS_MASTER), pic_spurious_trap);
	trap_set_handler(PIC_IRQ_VEC(IRQ_SPURIOUS_SLAVE), pic_spurious_trap);
}

void pic_set_imr(uint16_t mask)
{
	outb(PIC1_DATA, mask & 0xFF);
	outb(PIC2_DATA, mask >> 8);
}

uint16_t pic_get_imr(void)
{
	return inb(PIC1_DATA) | (uint16_t)inb(PIC2_DATA) << 8;
}

void pic_mask(int irq)
{
	pic_set_imr(pic_get_imr() | (1u << irq));
}

void pic_unmask(int irq)
{
	uint16_t m = pic_get_imr() & ~(1u << irq);

	if (irq >= 8)
		m &= ~(1u << IRQ_CASCADE);
	pic_set_imr(m);
}

void pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_EOI);
	outb(PIC1_CMD, OCW2_EOI);
}

void pic_eoi_specific(int irq)
{
	if (irq >= 8) {
		outb(PIC2_CMD, OCW2_SEOI | (irq - 8));
		outb(PIC1_CMD, OCW2_SEOI | IRQ_CASCADE);
	} else {
		outb(PIC1_CMD, OCW2_SEOI | irq);
	}
}

static uint16_t pic_read(uint8_t ocw3)
{
	uint16_t v;

	outb(PIC1_CMD, ocw3);
	outb(PIC2_CMD, ocw3);
	v = inb(PIC1_CMD) | (uint16_t)inb(PIC2_CMD) << 8;
	return v;
}

uint16_t pic_irr(void)
{
	return pic_read(OCW3_READ_IRR);
}

uint16_t pic_isr(void)
{
	return pic_read(OCW3_READ_ISR);
}

void irq_set_handler(int irq, trap_handler fn)
{
	trap_set_handler(PIC_IRQ_VEC(irq), fn);
}

int irq_wait(volatile uint32_t *counter, uint32_t target, uint32_t max_spins)
{
	for (uint32_t i = 0; i < max_spins; i++) {
		if (*counter >= target)
			return 1;
		__asm__ volatile("pause" : : : "memory");
	}
	return *counter >= target;
}
