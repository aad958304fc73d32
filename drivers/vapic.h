/*
 * The guest's APICs, emulated (docs/DEVICES.md, "APICs"): its local APIC
 * (drivers/vlapic.c, vlapic_irq.c and vlapic_timer.c, Intel SDM vol. 3A
 * chapter 10, xAPIC mode) and its I/O APIC (drivers/vioapic.c, Intel
 * 82093AA I/O APIC datasheet).  hv owns the real ones; these models are
 * all the guest ever sees of them: every guest access to their pages
 * traps and comes here, and every interrupt the guest takes from them is
 * a vector these models chose, delivered through the guest's IDT.
 *
 * The CPU's side of the local APIC (which vector it takes next, NMI, the
 * 8259's ExtINT) is drivers/intc.c's business; the machine's interrupt
 * lines (GSIs) that feed the I/O APIC are drivers/irq.c's.
 */
#ifndef DEV_VAPIC_H
#define DEV_VAPIC_H

#include <stdint.h>

#include "lib/hw/lapic.h"

/* --- the local APIC (vlapic.c) --- */

/*
 * The timer's input clock, as QEMU's local APIC counts: the current count
 * goes down once per (divide value) ticks of this clock.
 */
#define VLAPIC_BUS_HZ		1000000000u

/* Delivery modes of interrupt messages (ICR, LVT, I/O APIC RTE bits 8-10). */
enum vapic_dm {
	VAPIC_DM_FIXED = 0, VAPIC_DM_LOWEST = 1, VAPIC_DM_SMI = 2, VAPIC_DM_NMI = 4,
	VAPIC_DM_INIT = 5, VAPIC_DM_SIPI = 6, VAPIC_DM_EXTINT = 7,
};

/*
 * Power-up state (SDM 10.4.7.1): APIC ID apic_id, IA32_APIC_BASE with the
 * BSP bit and base 0xFEE00000 enabled, software-disabled (SVR 0xFF), every
 * LVT masked.  Registers its timer with dev_add_timed.
 */
void vlapic_init(uint8_t apic_id);
/* INIT (SDM 10.4.7.3): the same, keeping the APIC ID and IA32_APIC_BASE. */
void vlapic_init_ipi(void);

/* A guest access to the APIC page: offset 0-0xFFF, size 1, 2 or 4. */
uint32_t vlapic_read(uint32_t offset, int size);
void vlapic_write(uint32_t offset, int size, uint32_t value);

/* IA32_APIC_BASE (SDM 10.4.4): 0, or -1 when the write must #GP. */
uint64_t vlapic_get_base(void);
int vlapic_set_base(uint64_t value);
/* Where the guest's APIC page is, and whether it is there at all (EN). */
uint32_t vlapic_base_addr(void);
int vlapic_enabled(void);

/*
 * Whether TSC-deadline mode is offered (CPUID.01H:ECX[24], which hv takes
 * from the real CPU; default 1).  Without it the LVT timer's mode bit 18
 * has no effect: mode 2 counts as one-shot, as QEMU 7.2's APIC does.
 */
extern int vlapic_tsc_deadline;
/* IA32_TSC_DEADLINE (SDM 10.5.4.1); 0 disarms. */
uint64_t vlapic_get_tsc_deadline(void);
void vlapic_set_tsc_deadline(uint64_t tsc);

/*
 * Interrupt messages (from the I/O APIC or this APIC's own ICR): does the
 * destination (physical: an APIC ID, 0xFF all; logical: a mask matched
 * with LDR and DFR) name this APIC, and take one.  level: the message is
 * level-triggered (TMR set; the EOI is broadcast).
 */
int vlapic_match_dest(uint8_t dest, int logical);
void vlapic_accept(int mode, int vector, int level);
/*
 * The LINT0 and LINT1 input pins (LINT0: the 8259's INTR): level is the
 * wire's (1 high), which the LVT entry's polarity bit reads as asserted
 * or not.
 */
void vlapic_set_lint(int pin, int level);

/*
 * The CPU's side (drivers/intc.c): the vector it would take now (a fixed
 * interrupt whose priority class is above the PPR, the APIC enabled), or
 * -1; taking it (IRR to ISR; the spurious vector if nothing is there any
 * more); whether the CPU must take the 8259's vector instead (LINT0 in
 * ExtINT mode, unmasked, its input high; or the APIC globally disabled,
 * which leaves the INTR pin to the 8259; or an ExtINT message, from an
 * I/O APIC entry in ExtINT mode, not yet taken); a pending NMI (taken: 1,
 * and it is no longer pending).
 */
int vlapic_pending(void);
int vlapic_ack(void);
int vlapic_extint(void);
/*
 * The CPU took the 8259's vector for an ExtINT: an ExtINT message is no
 * longer pending (LINT0 in ExtINT mode follows its input instead).
 * Added to the interface with the models: vlapic_extint() had no way to
 * forget a message.
 */
void vlapic_extint_ack(void);
int vlapic_take_nmi(void);
/* The same without taking it. */
int vlapic_nmi_pending(void);

/*
 * What the model cannot do itself; hv sets these (either may be 0):
 * a level-triggered interrupt's EOI (the I/O APIC clears remote IRR), and
 * an IPI that is not to this APIC alone (INIT, SIPI, or to another APIC
 * ID: hv keeps one CPU).
 */
extern void (*vlapic_eoi_hook)(int vector);
extern void (*vlapic_ipi_hook)(int mode, int vector, uint8_t dest, int shorthand);

/* --- the I/O APIC (vioapic.c) --- */

#define VIOAPIC_PINS		24
#define VIOAPIC_BASE_DEFAULT	0xFEC00000u

/* Power-up state at physical address base: ID id, every pin masked. */
void vioapic_init(uint32_t base, uint8_t id);
/* The version the guest reads (0x20 unless set: the machine's I/O APIC's). */
extern uint8_t vioapic_version;
uint32_t vioapic_base_addr(void);
/* A guest access to its page (IOREGSEL at 0x00, IOWIN at 0x10, EOI at 0x40). */
uint32_t vioapic_read(uint32_t offset, int size);
void vioapic_write(uint32_t offset, int size, uint32_t value);
/*
 * The input of pin (GSI) pin: level 1 when it is asserted, 0 when not,
 * whatever its polarity (the real I/O APIC applies the polarity the guest
 * chose, which hv mirrors).  Edge pins fire on the asserting edge.
 */
void vioapic_set_irq(int pin, int level);
/* The local APIC's EOI of a level-triggered vector. */
void vioapic_eoi(int vector);
/* What hv mirrors to the real machine: pin's mask (1: masked), trigger
   (1: level) and polarity (1: active low) as the guest set them. */
int vioapic_masked(int pin);
int vioapic_level(int pin);
int vioapic_low(int pin);
/* Called after the guest changed a pin's entry (hv may mirror it; may be 0). */
extern void (*vioapic_pin_hook)(int pin);
/* Called for each pin whose remote IRR an EOI cleared (may be 0): the
   request of a level pin has ended for the guest. */
extern void (*vioapic_eoi_hook)(int pin);

#endif
