/*
 * Inside the guest's local APIC model: the state drivers/vlapic.c keeps
 * (registers, priorities, interrupt messages) and what its timer,
 * drivers/vlapic_timer.c, shares with it.  Only these two files include
 * this; everyone else uses drivers/vapic.h.
 */
#ifndef DEV_VLAPIC_IMPL_H
#define DEV_VLAPIC_IMPL_H

#include <stdint.h>

/* The LVT entries, in register order (table 10-1), CMCI last. */
enum vlapic_lvt {
	VLVT_TIMER, VLVT_THERMAL, VLVT_PERF, VLVT_LINT0, VLVT_LINT1, VLVT_ERROR, VLVT_CMCI,
	VLVT_COUNT
};

struct vlapic {
	/* IA32_APIC_BASE (10.4.4): kept across resets. */
	uint32_t base;		/* bits 12-31 */
	uint8_t bsp, en;	/* BSP flag (fixed at init), global enable */
	uint8_t id;		/* APIC ID (10.4.6), kept across INIT */
	/* Registers, as they read (table 10-1). */
	uint32_t tpr, ldr, dfr, svr;
	uint32_t irr[8], isr[8], tmr[8];	/* bit v%32 of word v/32 */
	uint32_t esr;		/* what the ESR reads: latched by the last write */
	uint32_t esr_new;	/* errors since that write (10.5.3) */
	uint8_t esr_armed;	/* an error may raise the LVT error interrupt */
	uint32_t icr_lo, icr_hi;
	uint32_t lvt[VLVT_COUNT];
	/* The CPU's side. */
	uint8_t lint_in[2];	/* LINT0/LINT1 wire levels (not reset: wires) */
	uint8_t nmi;		/* an NMI is pending */
	uint8_t extint;		/* an ExtINT message is pending (vlapic_extint) */
};

extern struct vlapic vla;

/* vlapic_irq.c: */
/* An error is detected (LAPIC_ESR_* bits): the LVT error interrupt. */
void vlapic_error(uint32_t bits);
/* A write to the EOI register. */
void vlapic_eoi_write(void);
/* LINTn's entry or input changed: a level-triggered fixed request. */
void vlapic_lint_eval(int pin);
/* A write to the ICR's low half sends the IPI it holds. */
void vlapic_send_ipi(void);
uint32_t vlapic_ppr(void);
uint32_t vlapic_apr(void);

/* vlapic_timer.c: the timer registers and the TSC-deadline MSR. */
void vlapic_timer_reset(void);
void vlapic_timer_register(void);
/* Brings the timer up to now (an expiry sets the IRR bit of its vector). */
void vlapic_timer_update(uint64_t now);
/* LAPIC_TIMER_INIT, LAPIC_TIMER_CUR, LAPIC_TIMER_DIV. */
uint32_t vlapic_timer_read(uint32_t reg);
void vlapic_timer_write(uint32_t reg, uint32_t value);
/* The LVT timer entry changes from old to new (a mode change may disarm). */
void vlapic_timer_lvt(uint32_t old, uint32_t new);

#endif
