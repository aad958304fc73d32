/*
 * The guest's local APIC timer, emulated (Intel SDM vol. 3A 10.5.4 "APIC
 * Timer", 10.5.4.1 "TSC-Deadline Mode"): the initial count, current count
 * and divide configuration registers, one-shot, periodic and TSC-deadline
 * modes (LVT timer bits 17-18), and IA32_TSC_DEADLINE.
 *
 * The counter runs at VLAPIC_BUS_HZ divided by 2, 4, 8, 16, 32, 64, 128 or
 * 1 (divide configuration bits 0, 1 and 3).  Writing the initial count
 * starts it there (0 stops it); it counts down to 0, then raises the LVT
 * timer vector unless the entry is masked, and stops (one-shot) or starts
 * again from the initial count (periodic).  A masked timer counts all the
 * same.  Nothing ticks: the count is computed from clock_ns(), since the
 * start of the current period; after a stall the periods that passed make
 * one interrupt, as one IRR bit would hold them.  A new divide value takes
 * effect from the current count on.  Switching one-shot and periodic keeps
 * the count going (the SDM only has transitions to or from TSC-deadline
 * mode disarm the timer, 10.5.4.1).
 *
 * TSC-deadline mode: the initial count register ignores writes and the
 * current count reads 0; a non-zero IA32_TSC_DEADLINE arms the timer, which
 * fires when the guest's TSC (clock_tsc()) reaches it, then disarms and
 * reads 0 again (also when the entry is masked); writing 0 disarms.  In
 * the other modes the MSR reads 0 and ignores writes.
 */
#include "drivers/vapic.h"

#include "drivers/clock.h"
#include "drivers/devices.h"
#include "drivers/vlapic_impl.h"

static struct {
	uint32_t init;		/* initial count register */
	uint32_t div_cfg;	/* divide configuration register */
	uint32_t shift;		/* log2 of the divide value */
	int running;		/* counting (not in TSC-deadline mode) */
	uint64_t start;		/* clock_ns() when base ticks had been counted ... */
	int64_t base;		/* ... in this period (a new divide value restarts) */
	uint64_t deadline;	/* IA32_TSC_DEADLINE; 0: disarmed */
} t;

int vlapic_tsc_deadline = 1;

static uint32_t mode(void)
{
	uint32_t m = vla.lvt[VLVT_TIMER] & LAPIC_TIMER_MODE;

	/* Not offered: the mode's high bit does nothing (as on QEMU 7.2). */
	return vlapic_tsc_deadline ? m : m & ~LAPIC_TIMER_TSCDEADLINE;
}

/* Nanoseconds for n bus ticks, rounded up. */
static uint64_t ns_of_ticks(uint64_t n)
{
	uint64_t ns = muldiv64(n, NS_PER_SEC, VLAPIC_BUS_HZ);

	return muldiv64(ns, VLAPIC_BUS_HZ, NS_PER_SEC) < n ? ns + 1 : ns;
}

/* Counter decrements in this period by now. */
static int64_t elapsed(uint64_t now)
{
	uint64_t bus = muldiv64(now - t.start, VLAPIC_BUS_HZ, NS_PER_SEC);

	return t.base + (int64_t)(bus >> t.shift);
}

static void fire(void)
{
	uint32_t lvt = vla.lvt[VLVT_TIMER];

	if (!(lvt & LAPIC_LVT_MASKED))
		vlapic_accept(VAPIC_DM_FIXED, (int)(lvt & LAPIC_LVT_VECTOR), 0);
}

void vlapic_timer_update(uint64_t now)
{
	int64_t n;

	if (mode() == LAPIC_TIMER_TSCDEADLINE) {
		if (t.deadline && clock_tsc() >= t.deadline) {
			t.deadline = 0;
			fire();
		}
		return;
	}
	if (!t.running || (n = elapsed(now)) < (int64_t)t.init)
		return;
	if (mode() == LAPIC_TIMER_PERIODIC)
		t.base -= n - n % t.init;	/* into the period now running */
	else
		t.running = 0;
	fire();
}

static void poll(uint64_t now)
{
	vlapic_timer_update(now);
}

/* When the next interrupt is due; none while the entry is masked (the
   state catches up at the next access). */
static uint64_t next(uint64_t now)
{
	(void)now;
	if (vla.lvt[VLVT_TIMER] & LAPIC_LVT_MASKED)
		return CLOCK_NEVER;
	if (mode() == LAPIC_TIMER_TSCDEADLINE)
		return t.deadline ? clock_ns_of_tsc(t.deadline) + 1 : CLOCK_NEVER;
	if (!t.running)
		return CLOCK_NEVER;
	return t.start + ns_of_ticks((uint64_t)((int64_t)t.init - t.base) << t.shift);
}

static const struct dev_timed timer_timed = { "LAPIC timer", poll, next };

void vlapic_timer_register(void)
{
	dev_add_timed(&timer_timed);
}

void vlapic_timer_reset(void)
{
	t.init = t.div_cfg = t.shift = 0;
	t.running = 0;
	t.deadline = 0;
}

static uint32_t current(uint64_t now)
{
	int64_t n;

	if (!t.running || mode() == LAPIC_TIMER_TSCDEADLINE)
		return 0;
	n = elapsed(now);
	if (mode() == LAPIC_TIMER_PERIODIC)
		return t.init - (uint32_t)(n % t.init);
	return n >= (int64_t)t.init ? 0 : t.init - (uint32_t)n;
}

uint32_t vlapic_timer_read(uint32_t reg)
{
	if (reg == LAPIC_TIMER_INIT)
		return t.init;
	if (reg == LAPIC_TIMER_CUR)
		return current(clock_ns());
	return t.div_cfg;
}

void vlapic_timer_write(uint32_t reg, uint32_t value)
{
	uint64_t now = clock_ns();
	uint32_t n;

	if (reg == LAPIC_TIMER_INIT) {
		if (mode() == LAPIC_TIMER_TSCDEADLINE)
			return;
		t.init = value;
		t.running = value != 0;
		t.start = now;
		t.base = 0;
		return;
	}
	if (t.running) {	/* go on from the current count at the new rate */
		t.base = elapsed(now);
		t.start = now;
	}
	t.div_cfg = value & LAPIC_DIV_BITS;
	n = (t.div_cfg >> 1 & 4) | (t.div_cfg & 3);	/* 7: divide by 1 */
	t.shift = (n + 1) & 7;
}

void vlapic_timer_lvt(uint32_t old, uint32_t new)
{
	if (((old & LAPIC_TIMER_MODE) == LAPIC_TIMER_TSCDEADLINE) !=
	    ((new & LAPIC_TIMER_MODE) == LAPIC_TIMER_TSCDEADLINE)) {
		t.running = 0;
		t.deadline = 0;
	}
}

uint64_t vlapic_get_tsc_deadline(void)
{
	vlapic_timer_update(clock_ns());
	return mode() == LAPIC_TIMER_TSCDEADLINE ? t.deadline : 0;
}

void vlapic_set_tsc_deadline(uint64_t tsc)
{
	vlapic_timer_update(clock_ns());
	if (mode() != LAPIC_TIMER_TSCDEADLINE)
		return;
	t.deadline = tsc;
	vlapic_timer_update(clock_ns());	/* a deadline passed fires at once */
}
