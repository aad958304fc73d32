/*
 * What the local APIC model's tests share (test_vlapic*.c, test_vioapic.c):
 * register access as the guest makes it, the ESR read as the SDM has it
 * (write, then read: 10.5.3), and hooks that record what the model passes
 * on (each test file has its own copy of the records).
 */
#ifndef TESTS_DEVICES_VLAPIC_UTIL_H
#define TESTS_DEVICES_VLAPIC_UTIL_H

#include "tests/devices/harness.h"

#include "drivers/vapic.h"
#include "lib/hw/lapic.h"

#define ID		3	/* the APIC ID the tests give vlapic_init */
#define SVR_ON		(LAPIC_SVR_ENABLE | 0xFF)

static int eoi_calls, eoi_last;
static int ipi_calls, ipi_mode, ipi_vector, ipi_dest, ipi_sh;

static inline void rec_eoi(int v)
{
	eoi_calls++;
	eoi_last = v;
}

static inline void rec_ipi(int mode, int vector, uint8_t dest, int shorthand)
{
	ipi_calls++;
	ipi_mode = mode;
	ipi_vector = vector;
	ipi_dest = dest;
	ipi_sh = shorthand;
}

static inline uint32_t rd(uint32_t off)
{
	return vlapic_read(off, 4);
}

static inline void wr(uint32_t off, uint32_t v)
{
	vlapic_write(off, 4, v);
}

static inline uint32_t esr(void)
{
	wr(LAPIC_ESR, 0);
	return rd(LAPIC_ESR);
}

/* Vector v's bit in the ISR, TMR or IRR (bank: LAPIC_ISR, ...). */
static inline int bit(uint32_t bank, int v)
{
	return rd(bank + (uint32_t)(v / 32) * 0x10) >> (v % 32) & 1;
}

/* A new machine: the APIC at power-up (ID 3), the hooks recording. */
static inline void fresh(void)
{
	harness_reset();
	vlapic_init(ID);
	vlapic_eoi_hook = rec_eoi;
	vlapic_ipi_hook = rec_ipi;
	eoi_calls = ipi_calls = 0;
}

static inline void ipi(uint8_t dest, uint32_t lo)
{
	wr(LAPIC_ICR_HI, (uint32_t)dest << LAPIC_ICR_DEST_SHIFT);
	wr(LAPIC_ICR_LO, lo);
}

#endif
