/*
 * hv's clock and wake-up timer for the device models (see clock.h).
 *
 * Calibration (Intel 82C54 data sheet, mode 0): channel 2, gated on
 * through port 0x61, counts CAL_TICKS down while hv reads the TSC; OUT2
 * (port 0x61 bit 5) rises at the terminal count.  The local APIC timer, if
 * there is one, is measured in the same window.
 *
 * Wake-ups: the real PIT's channel 0 in mode 0 (one interrupt at the
 * terminal count, at most 65535 ticks = 55 ms ahead), or hv's local APIC
 * timer in one-shot mode (Intel SDM vol. 3A 10.5.4, drivers/lapic.c) at
 * its own vector, VEC_HV_TIMER.
 */
#include "drivers/clock.h"

#include "lib/hw/i8254.h"
#include "lib/hw/i8259.h"
#include "drivers/ioport.h"
#include "drivers/lapic.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/x86.h"

#define CAL_TICKS	11932		/* 10 ms of PIT input clock */
#define MIN_DELAY_NS	20000		/* wake-ups at most every 20 us */
#define LOST_NS		100000000	/* a wake-up 100 ms late is not coming */

static enum clock_waker waker;
static uint64_t tsc0, last_ns;
static uint32_t tsc_khz, lapic_khz;
static uint32_t ns_int, ns_frac;	/* nanoseconds per TSC tick, 32.32 */
static uint64_t armed = CLOCK_NEVER;	/* the wake-up now programmed */

static uint64_t calibrate(int with_lapic)
{
	uint8_t sysb = (uint8_t)io_native_read(PORT_SYSCTL_B, 1);
	uint64_t t0, t1;
	uint32_t spins = 0, lapic_left = 0;

	io_native_write(PORT_SYSCTL_B, 1, (sysb & ~SYSB_SPKR) | SYSB_GATE2);
	io_native_write(PIT_CMD, 1, 2 << 6 | PIT_RW_WORD << 4 | 0 << 1);
	io_native_write(PIT_CH0 + 2, 1, CAL_TICKS & 0xFF);
	io_native_write(PIT_CH0 + 2, 1, CAL_TICKS >> 8);
	if (with_lapic)
		lapic_timer_start(0xFFFFFFFF, 0);
	t0 = rdtsc();
	while (!(io_native_read(PORT_SYSCTL_B, 1) & SYSB_OUT2))
		if (++spins == 100000000)
			break;
	t1 = rdtsc();
	if (with_lapic) {
		lapic_left = lapic_timer_current();
		lapic_timer_start(0, 0);
		lapic_khz = (uint32_t)muldiv64(0xFFFFFFFFu - lapic_left, PIT_HZ / 10,
					       CAL_TICKS * 100u);
	}
	io_native_write(PORT_SYSCTL_B, 1, sysb);
	return t1 - t0;
}

enum clock_waker clock_init(int own_pit)
{
	int have_lapic = !own_pit && lapic_present();
	uint64_t cycles;

	cycles = calibrate(have_lapic);
	tsc_khz = (uint32_t)muldiv64(cycles, PIT_HZ / 10, CAL_TICKS * 100u);
	if (!tsc_khz)
		tsc_khz = 1;
	/* ns per tick in 32.32 fixed point (truncated: less than a
	   nanosecond in four seconds off). */
	ns_int = 1000000u / tsc_khz;
	ns_frac = (uint32_t)(((uint64_t)(1000000u % tsc_khz) << 32) / tsc_khz);
	tsc0 = rdtsc();
	last_ns = 0;
	if (own_pit)
		waker = CLOCK_WAKER_PIT;
	else if (have_lapic && lapic_khz)
		waker = CLOCK_WAKER_LAPIC;
	else
		waker = CLOCK_WAKER_NONE;
	log_info("dev", "clock: TSC %u kHz, wake-ups from %s", tsc_khz,
		 waker == CLOCK_WAKER_PIT ? "the PIT (IRQ0 is hv's)" :
		 waker == CLOCK_WAKER_LAPIC ? "the local APIC timer" : "nothing");
	if (waker == CLOCK_WAKER_LAPIC)
		log_info("dev", "clock: local APIC timer %u kHz after divide by 16", lapic_khz);
	return waker;
}

/* TSC ticks to nanoseconds without a division (on every port access). */
static uint64_t ns_of_ticks(uint64_t d)
{
	return d * ns_int + ((((d & 0xFFFFFFFFu) * ns_frac) >> 32) + (d >> 32) * ns_frac);
}

uint64_t clock_ns(void)
{
	uint64_t ns = ns_of_ticks(rdtsc() - tsc0);

	if (ns < last_ns)
		ns = last_ns;	/* never backwards */
	last_ns = ns;
	return ns;
}

uint64_t clock_tsc(void)
{
	return rdtsc();
}

uint64_t clock_ns_of_tsc(uint64_t tsc)
{
	/* Signed: after clock_tsc_moved, tsc0 may lie above a valid TSC. */
	return (int64_t)(tsc - tsc0) <= 0 ? 0 : ns_of_ticks(tsc - tsc0);
}

void clock_tsc_moved(uint64_t delta)
{
	tsc0 += delta;
}

void clock_set_alarm(uint64_t when, uint64_t now)
{
	uint64_t delay;

	if (waker == CLOCK_WAKER_NONE || when == CLOCK_NEVER)
		return;
	/* A wake-up long overdue was lost (its interrupt never came). */
	if (armed != CLOCK_NEVER && now > armed + LOST_NS)
		armed = CLOCK_NEVER;
	/* A wake-up already due no later is good enough: a surplus
	   wake-up costs one sync, and the sync arms the next. */
	if (armed != CLOCK_NEVER && armed <= when + MIN_DELAY_NS)
		return;
	delay = when > now + MIN_DELAY_NS ? when - now : MIN_DELAY_NS;
	if (waker == CLOCK_WAKER_PIT) {
		uint64_t ticks = muldiv64(delay, PIT_HZ, NS_PER_SEC) + 1;

		if (ticks > 0xFFFF)
			ticks = 0xFFFF;
		io_native_write(PIT_CMD, 1, 0 << 6 | PIT_RW_WORD << 4 | 0 << 1);
		io_native_write(PIT_CH0, 1, ticks & 0xFF);
		io_native_write(PIT_CH0, 1, (ticks >> 8) & 0xFF);
		armed = now + muldiv64(ticks, NS_PER_SEC, PIT_HZ);
	} else {
		uint64_t count = muldiv64(delay, lapic_khz, 1000000) + 1;

		if (count > 0xFFFFFFFFu)
			count = 0xFFFFFFFFu;
		lapic_timer_start((uint32_t)count, 1);
		armed = now + muldiv64(count, 1000000, lapic_khz);
	}
}

int clock_irq(int irq)
{
	if (waker != CLOCK_WAKER_PIT || irq != PIT_IRQ)
		return 0;
	io_native_write(PIC1_CMD, 1, OCW2_SEOI | PIT_IRQ);
	armed = CLOCK_NEVER;
	return 1;
}

void clock_lapic_timer(void)
{
	lapic_eoi();
	armed = CLOCK_NEVER;
}
