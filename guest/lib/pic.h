/*
 * The two cascaded 8259A interrupt controllers of the PC (Intel 8259A
 * data sheet: ICW1-4 initialisation, OCW1 mask, OCW2 EOI, OCW3 register
 * reads; the master's IRQ2 carries the slave).  pic_init() moves the
 * vectors off the CPU exceptions: IRQ0-7 to 0x20-0x27, IRQ8-15 to
 * 0x28-0x2F, all masked.  Only guests tagged "irq" touch the PIC.
 */
#ifndef GUEST_PIC_H
#define GUEST_PIC_H

#include <stdint.h>
#include "guest/lib/trap.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xA0
#define PIC2_DATA	0xA1

#define ICW1_INIT	0x10
#define ICW1_ICW4	0x01	/* ICW4 follows */
#define ICW3_MASTER_SLAVE_ON_IRQ2	0x04
#define ICW3_SLAVE_ID	0x02
#define ICW4_8086	0x01
#define OCW2_EOI	0x20	/* non-specific EOI */
#define OCW2_SEOI	0x60	/* specific EOI, | level */
#define OCW3_READ_IRR	0x0A
#define OCW3_READ_ISR	0x0B

#define PIC_VEC_MASTER	0x20
#define PIC_VEC_SLAVE	0x28
#define PIC_IRQ_VEC(irq) ((irq) < 8 ? PIC_VEC_MASTER + (irq) : PIC_VEC_SLAVE + (irq) - 8)

#define IRQ_PIT		0
#define IRQ_CASCADE	2
#define IRQ_RTC		8

/* Remaps and masks both PICs; spurious IRQ7/IRQ15 are counted, not fatal. */
void pic_init(void);
void pic_set_imr(uint16_t mask);	/* bit n masks IRQn */
uint16_t pic_get_imr(void);
void pic_mask(int irq);
void pic_unmask(int irq);
/* Non-specific EOI (to the slave as well for IRQ8-15). */
void pic_eoi(int irq);
/* Specific EOI for one level. */
void pic_eoi_specific(int irq);
uint16_t pic_irr(void);
uint16_t pic_isr(void);
/* Handler for an IRQ line; it sends its own EOI. */
void irq_set_handler(int irq, trap_handler fn);
extern volatile uint32_t pic_spurious;

/*
 * Waits with interrupts as they are until *counter reaches target, at most
 * max_spins loop iterations; returns 1 when it got there.
 */
int irq_wait(volatile uint32_t *counter, uint32_t target, uint32_t max_spins);

#endif
