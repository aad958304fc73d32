/*
 * hv's clock for the device models (docs/DEVICES.md, "Time").
 *
 * Time is the TSC, calibrated against PIT channel 2 once at boot, counted
 * in nanoseconds since clock_init and never running backwards.  A real
 * timer that hv owns only wakes hv up when a model has something to do:
 * the real PIT's channel 0 in one-shot mode when the guest's PIT is
 * emulated (IRQ0 is then hv's), else the local APIC timer.  Models never
 * count wake-ups: each one computes its state from clock_ns(), so a late
 * or missed wake-up costs latency, never accuracy.
 */
#ifndef DEV_CLOCK_H
#define DEV_CLOCK_H

#include <stdint.h>

#define CLOCK_NEVER	UINT64_MAX
#define NS_PER_SEC	1000000000u

enum clock_waker { CLOCK_WAKER_NONE, CLOCK_WAKER_PIT, CLOCK_WAKER_LAPIC };

/*
 * Calibrates the TSC and picks the wake-up timer: the real PIT if
 * own_pit, else the local APIC's timer if there is one (drivers/lapic.c,
 * set up first).  Returns the waker in use.
 */
enum clock_waker clock_init(int own_pit);
/* Nanoseconds since clock_init; never less than a previous answer. */
uint64_t clock_ns(void);
/*
 * The time stamp counter, which the guest reads natively, and the clock's
 * nanoseconds for a TSC value (the TSC-deadline timer: drivers/vlapic.c).
 */
uint64_t clock_tsc(void);
uint64_t clock_ns_of_tsc(uint64_t tsc);
/*
 * The TSC was just moved by delta (modulo 2^64: a guest's WRMSR to
 * IA32_TSC or IA32_TSC_ADJUST, monitor/msr.c): the clock takes the jump
 * out, so its nanoseconds go on from where they were.
 */
void clock_tsc_moved(uint64_t delta);
/* Wakes hv (a real interrupt, then dev_sync) at or soon after ns (now:
   clock_ns() as the caller just read it). */
void clock_set_alarm(uint64_t ns, uint64_t now);
/* A real IRQ line fired: 1 if it was hv's wake-up (acknowledged here). */
int clock_irq(int irq);
/* The real local APIC's timer fired (VEC_HV_TIMER): hv's wake-up. */
void clock_lapic_timer(void);

/* a * mul / div without overflowing 64 bits on the way (div != 0). */
static inline uint64_t muldiv64(uint64_t a, uint32_t mul, uint32_t div)
{
	uint64_t hi = (a >> 32) * mul, lo = (a & 0xFFFFFFFFu) * mul;
	uint64_t qhi, rem;

	hi += lo >> 32;
	lo &= 0xFFFFFFFFu;
	qhi = hi / div;
	rem = hi % div;
	return (qhi << 32) + (((rem << 32) | lo) / div);
}

#endif
