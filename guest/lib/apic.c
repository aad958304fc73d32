/*
 * Local APIC and I/O APIC helpers (see apic.h; Intel SDM vol. 3A 10.5.1
 * the LVT, 10.5.3 the ESR, 10.6.1 the ICR, 10.6.2.2 logical destinations;
 * 82093AA data sheet 3.2.4 the redirection table).
 */
#include "guest/lib/apic.h"

#define IPI_SPINS	1000000u
#define LDR_ID_SHIFT	24
#define DFR_FLAT	0xFFFFFFFFu

uint32_t lapic_base = APIC_BASE_DEFAULT;
uint32_t ioapic_base = IOAPIC_BASE_DEFAULT;

static const uint32_t lvts[] = {
	LAPIC_LVT_TIMER, LAPIC_LVT_THERMAL, LAPIC_LVT_PERF,
	LAPIC_LVT_LINT0, LAPIC_LVT_LINT1, LAPIC_LVT_ERROR,
};

void lapic_setup(int spurious)
{
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | (spurious & 0xFF));
	for (unsigned i = 0; i < sizeof(lvts) / sizeof(lvts[0]); i++)
		lapic_write(lvts[i], LAPIC_LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, 0);
	lapic_write(LAPIC_DFR, DFR_FLAT);
	lapic_write(LAPIC_LDR, 1u << LDR_ID_SHIFT);
	lapic_write(LAPIC_TPR, 0);
	lapic_esr();
}

int lapic_ipi(uint32_t dest_hi, uint32_t lo)
{
	lapic_write(LAPIC_ICR_HI, dest_hi);
	lapic_write(LAPIC_ICR_LO, lo);
	for (uint32_t i = 0; i < IPI_SPINS; i++)
		if (!(lapic_read(LAPIC_ICR_LO) & LAPIC_ICR_PENDING))
			return 1;
	return 0;
}

uint32_t lapic_esr(void)
{
	lapic_write(LAPIC_ESR, 0);
	return lapic_read(LAPIC_ESR);
}

void ioapic_route(int pin, uint32_t lo, uint8_t dest)
{
	ioapic_write(IOAPIC_REDTBL(pin) + 1, (uint32_t)dest << 24);
	ioapic_write(IOAPIC_REDTBL(pin), lo);
}

void ioapic_mask_all(void)
{
	int pins = ((ioapic_read(IOAPIC_VER) >> 16) & 0xFF) + 1;

	for (int pin = 0; pin < pins; pin++)
		ioapic_route(pin, IOAPIC_RTE_MASKED, 0);
}
