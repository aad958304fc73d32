/*
 * The machine's interrupt lines (see irq.c): what connects the real
 * devices and hv's device models to the guest's interrupt controllers.
 */
#ifndef DEV_IRQ_H
#define DEV_IRQ_H

#include <stdint.h>

#define ISA_IRQS	16

/*
 * Takes the real 8259s over (hv's vector bases, every line masked but
 * those the guest may use) and the real I/O APIC (every pin masked;
 * map_mmio maps its page), reads the firmware's ISA-to-GSI overrides, and
 * sets the guest's 8259s and I/O APIC up as the firmware left the machine.
 * hv_line: a real ISA line hv keeps for itself (its wake-up), or -1.
 */
void irq_init(int hv_line, int (*map_mmio)(uint32_t va, uint32_t pa));

/* The GSI (I/O APIC pin) ISA IRQ irq arrives at (the MADT's overrides). */
int irq_isa_gsi(int irq);

/* --- sources --- */
/* An emulated device drives ISA line irq; its real line is hv's from now
   on (masked, or its real interrupts go to host if given). */
void irq_own_line(int irq, void (*host)(int irq));
/* An emulated device's output on ISA line irq (level). */
void irq_set_isa(int irq, int level);
/* A real interrupt: on the real 8259s' line irq; on the real I/O APIC's
   pin (its vector VEC_IOAPIC_BASE + pin). */
void irq_real_8259(int irq);
void irq_real_ioapic(int pin);

/* --- what the guest's controllers tell the real side (drivers/vpic.c,
   drivers/intc.c) --- */
/* The guest's 8259 took line irq (aeoi: with automatic EOI). */
void irq_pic_acked(int irq, int aeoi);
/* The guest's 8259 ended line irq's request (EOI, or its ICW1 reset). */
void irq_pic_done(int irq);
/* The guest reads its 8259's IRR: level requests a device dropped end. */
void irq_refresh_levels(void);
/* The guest set ELCR bits for ISA lines mask: hv mirrors them. */
void irq_elcr_changed(uint16_t elcr, uint16_t mask);
/* The guest's I/O APIC ended pin's level request (its EOI). */
void irq_ioapic_done(int pin);
/* The guest changed pin's entry (hv mirrors mask and trigger). */
void irq_ioapic_changed(int pin);

#endif
