/*
 * hv's own local APIC, the real one (Intel SDM vol. 3A chapter 10): hv owns
 * it and the guest never touches it (the guest's is drivers/vlapic.c).  It
 * gives hv its wake-up timer (one-shot at VEC_HV_TIMER), a self-IPI that
 * brings hv back as soon as the guest enables interrupts (VEC_HV_KICK,
 * "The kick" in docs/ARCHITECTURE.md), the 8259s' interrupts through
 * LINT0 (ExtINT, virtual-wire mode, SDM 10.5.1) and real NMIs on LINT1;
 * and it keeps the machine's other CPUs in wait-for-SIPI (an INIT to all
 * but itself at boot, SDM 8.4.3: none of them ever runs).
 *
 * What the firmware had programmed (SVR, LINT0, LINT1) is kept for the
 * guest's virtual APIC, which starts as the firmware left the machine.
 */
#include "drivers/lapic.h"

#include "lib/hw/lapic.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/x86.h"

static volatile uint32_t *regs;
/* The APIC's registers are mapped over this page of hv's image. */
static uint8_t window[4096] __attribute__((aligned(4096)));
struct lapic_firmware lapic_firmware;

static uint32_t rd(uint32_t reg)
{
	return regs[reg / 4];
}

static void wr(uint32_t reg, uint32_t v)
{
	regs[reg / 4] = v;
}

/* ICR: wait for the previous message to be sent (delivery status). */
static void icr(uint32_t hi, uint32_t lo)
{
	for (int i = 0; i < 100000 && (rd(LAPIC_ICR_LO) & LAPIC_ICR_PENDING); i++)
		;
	wr(LAPIC_ICR_HI, hi);
	wr(LAPIC_ICR_LO, lo);
}

int lapic_init(int (*map_mmio)(uint32_t va, uint32_t pa))
{
	uint32_t r[4];
	uint64_t base;

	cpuid(1, 0, r);
	if (!(r[3] & CPUID1_EDX_APIC))
		return -1;
	base = rdmsr(MSR_APIC_BASE);
	if (!(base & APIC_BASE_ENABLE))
		return -1;
	if (!map_mmio || map_mmio((uint32_t)window, (uint32_t)base & APIC_BASE_ADDR) < 0)
		return -1;
	regs = (volatile uint32_t *)window;
	lapic_firmware.base = base;
	lapic_firmware.svr = rd(LAPIC_SVR);
	lapic_firmware.lint0 = rd(LAPIC_LVT_LINT0);
	lapic_firmware.lint1 = rd(LAPIC_LVT_LINT1);
	lapic_firmware.id = (uint8_t)(rd(LAPIC_ID) >> 24);

	/* The 8259s' interrupts keep arriving through LINT0 as ExtINT. */
	wr(LAPIC_TPR, 0);
	wr(LAPIC_LVT_LINT0, LAPIC_DM_EXTINT);
	wr(LAPIC_LVT_LINT1, LAPIC_DM_NMI);
	wr(LAPIC_LVT_ERROR, LAPIC_LVT_MASKED | VEC_HV_SPURIOUS);
	wr(LAPIC_SVR, LAPIC_SVR_ENABLE | VEC_HV_SPURIOUS);
	wr(LAPIC_TIMER_DIV, LAPIC_DIV_16);
	wr(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | VEC_HV_TIMER);
	return 0;
}

int lapic_present(void)
{
	return regs != 0;
}

void lapic_park_others(void)
{
	if (!regs)
		return;
	/* INIT, level assert then deassert, to all excluding self. */
	icr(0, LAPIC_ICR_ALL_BUT_SELF | LAPIC_ICR_LEVEL | LAPIC_ICR_ASSERT | LAPIC_ICR_INIT);
	icr(0, LAPIC_ICR_ALL_BUT_SELF | LAPIC_ICR_LEVEL | LAPIC_ICR_INIT);
	log_info("dev", "the machine's other CPUs, if any, wait for a SIPI that never comes");
}

void lapic_eoi(void)
{
	wr(LAPIC_EOI, 0);
}

int lapic_in_service(int vec)
{
	return (rd(LAPIC_ISR + (uint32_t)(vec / 32) * 0x10) >> (vec % 32)) & 1;
}

uint32_t lapic_kicks;

void lapic_kick(void)
{
	lapic_kicks++;
	icr(0, LAPIC_ICR_SELF | VEC_HV_KICK);
}

void lapic_timer_start(uint32_t count, int interrupt)
{
	wr(LAPIC_LVT_TIMER, (interrupt ? 0 : LAPIC_LVT_MASKED) | VEC_HV_TIMER);
	wr(LAPIC_TIMER_INIT, count);
}

uint32_t lapic_timer_current(void)
{
	return rd(LAPIC_TIMER_CUR);
}
