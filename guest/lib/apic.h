/*
 * The local APIC (xAPIC mode, memory-mapped) and the I/O APIC, for the
 * test guests tagged "apic" (Intel SDM vol. 3A chapter 10: 10.4.1 the
 * register map, 10.4.4 IA32_APIC_BASE, 10.6.1 the ICR, 10.8.5 EOI, 10.9
 * the SVR; Intel 82093AA I/O APIC data sheet 3.0: IOREGSEL/IOWIN and the
 * redirection table).  Register numbers and bits are lib/hw/lapic.h and
 * lib/hw/ioapic.h.  Paging stays off in these guests, so both pages are
 * reached at their physical addresses.
 */
#ifndef GUEST_APIC_H
#define GUEST_APIC_H

#include <stdint.h>

#include "lib/hw/ioapic.h"
#include "lib/hw/lapic.h"

#define IOAPIC_BASE_DEFAULT	0xFEC00000u

/* Where the two register pages are (the defaults until a guest moves them). */
extern uint32_t lapic_base;
extern uint32_t ioapic_base;

static inline uint32_t lapic_read(uint32_t reg)
{
	return *(volatile uint32_t *)(lapic_base + reg);
}

static inline void lapic_write(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(lapic_base + reg) = v;
}

/* RDMSR/WRMSR (SDM vol. 2); a bad index or value raises #GP(0). */
static inline uint64_t msr_read(uint32_t idx)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(idx));
	return (uint64_t)hi << 32 | lo;
}

static inline void msr_write(uint32_t idx, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(idx), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

/* One of the 256-bit registers (ISR, TMR, IRR): is `vec`'s bit set? */
static inline int lapic_vec_bit(uint32_t reg, int vec)
{
	return (lapic_read(reg + 0x10 * (vec >> 5)) >> (vec & 31)) & 1;
}

/*
 * Software-enables the local APIC with spurious vector `spurious`, every
 * LVT entry masked, TPR 0, the ESR cleared, the timer stopped; flat
 * logical destinations with logical ID 1.
 */
void lapic_setup(int spurious);
static inline void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}
/* The APIC ID (bits 24-31 of the ID register). */
static inline uint8_t lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}
/*
 * Sends an IPI: the high ICR dword (destination in bits 24-31), then the
 * low one; waits (bounded) for the delivery status to go idle.  Returns 1
 * when it did.
 */
int lapic_ipi(uint32_t dest_hi, uint32_t lo);
/* The ESR after the write that latches it (SDM 10.5.3: write, then read). */
uint32_t lapic_esr(void);

static inline uint32_t ioapic_read(uint32_t reg)
{
	*(volatile uint32_t *)(ioapic_base + IOAPIC_IOREGSEL) = reg;
	return *(volatile uint32_t *)(ioapic_base + IOAPIC_IOWIN);
}

static inline void ioapic_write(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(ioapic_base + IOAPIC_IOREGSEL) = reg;
	*(volatile uint32_t *)(ioapic_base + IOAPIC_IOWIN) = v;
}

/* A redirection entry: high dword (destination) first, then the low one. */
void ioapic_route(int pin, uint32_t lo, uint8_t dest);
static inline uint32_t ioapic_rte(int pin)
{
	return ioapic_read(IOAPIC_REDTBL(pin));
}
/* Masks every pin (the number of pins from the version register). */
void ioapic_mask_all(void);

#endif
