/*
 * drivers/vlapic_timer.c against the Intel SDM vol. 3A 10.5.4 "APIC Timer"
 * and 10.5.4.1 "TSC-Deadline Mode", with the fake clock: the counter
 * decrements once per divide value of VLAPIC_BUS_HZ ticks (1 GHz: once
 * per d ns), so t ns after the initial count n was written the current
 * count is n - t/d.  One-shot and periodic for every divide value, a
 * masked timer (counts, no interrupt), stopping, restarting, a new divide
 * value, mode switches, a stall, and TSC-deadline mode.
 */
#include "tests/devices/vlapic_util.h"

#include "drivers/clock.h"

static const struct {
	uint32_t cfg;	/* divide configuration: bits 0, 1, 3 */
	uint32_t d;	/* divide value (figure 10-10) */
} divs[] = {
	{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
	{ 0x8, 32 }, { 0x9, 64 }, { 0xA, 128 }, { 0xB, 1 },
};

#define NDIVS	(sizeof(divs) / sizeof(divs[0]))
#define N	1000u

/* Takes and ends the interrupt the timer raised. */
static void take(void)
{
	vlapic_ack();
	wr(LAPIC_EOI, 0);
}

static void oneshot(void)
{
	group("vlapic timer: one-shot, every divide value (10.5.4)");
	for (unsigned i = 0; i < NDIVS; i++) {
		uint64_t d = divs[i].d, start;

		fresh();
		wr(LAPIC_SVR, SVR_ON);
		wr(LAPIC_LVT_TIMER, 0x30);
		wr(LAPIC_TIMER_DIV, divs[i].cfg);
		CHECK_EQ("divide reads back", rd(LAPIC_TIMER_DIV), divs[i].cfg);
		wr(LAPIC_TIMER_INIT, N);
		start = fake_now;
		CHECK_EQ("current = initial at the write", rd(LAPIC_TIMER_CUR), N);
		CHECK_EQ("due after initial * d ns", next_deadline(), start + N * d);
		advance_ns(37 * d + d - 1);
		CHECK_EQ("37 decrements", rd(LAPIC_TIMER_CUR), N - 37);
		advance_ns(start + N * d - 1 - fake_now);
		CHECK_EQ("one ns before the end", rd(LAPIC_TIMER_CUR), 1);
		CHECK_EQ("no interrupt yet", bit(LAPIC_IRR, 0x30), 0);
		advance_ns(1);
		CHECK_EQ("zero", rd(LAPIC_TIMER_CUR), 0);
		CHECK_EQ("the interrupt", bit(LAPIC_IRR, 0x30), 1);
		CHECK_EQ("edge-triggered", bit(LAPIC_TMR, 0x30), 0);
		take();
		advance_ns(10 * N * d);
		CHECK_EQ("stays at zero", rd(LAPIC_TIMER_CUR), 0);
		CHECK_EQ("only once", bit(LAPIC_IRR, 0x30), 0);
		CHECK_EQ("nothing due", next_deadline(), CLOCK_NEVER);
		CHECK_EQ("initial count kept", rd(LAPIC_TIMER_INIT), N);
	}
}

static void periodic(void)
{
	group("vlapic timer: periodic, every divide value (10.5.4)");
	for (unsigned i = 0; i < NDIVS; i++) {
		uint64_t d = divs[i].d, start;

		fresh();
		wr(LAPIC_SVR, SVR_ON);
		wr(LAPIC_LVT_TIMER, LAPIC_TIMER_PERIODIC | 0x31);
		wr(LAPIC_TIMER_DIV, divs[i].cfg);
		wr(LAPIC_TIMER_INIT, N);
		start = fake_now;
		advance_ns(N * d - 1);
		CHECK_EQ("no interrupt before the end", bit(LAPIC_IRR, 0x31), 0);
		advance_ns(1);
		CHECK_EQ("first period", bit(LAPIC_IRR, 0x31), 1);
		CHECK_EQ("reloaded", rd(LAPIC_TIMER_CUR), N);
		CHECK_EQ("next period due", next_deadline(), start + 2 * N * d);
		take();
		advance_ns(250 * d);
		CHECK_EQ("counting again", rd(LAPIC_TIMER_CUR), N - 250);
		advance_ns(750 * d);
		CHECK_EQ("second period", bit(LAPIC_IRR, 0x31), 1);
		take();
		advance_ns(10 * N * d + 500 * d);
		CHECK_EQ("after a stall of 10.5 periods: one request", bit(LAPIC_IRR, 0x31), 1);
		CHECK_EQ("in the middle of a period", rd(LAPIC_TIMER_CUR), N - 500);
		take();
		CHECK_EQ("one only", bit(LAPIC_IRR, 0x31), 0);
		CHECK_EQ("due at that period's end", next_deadline(), start + 13 * N * d);
	}
}

static void others(void)
{
	uint64_t start;

	group("vlapic timer: masked, stopped, restarted, new divide, mode switch (10.5.4)");
	fresh();
	wr(LAPIC_SVR, SVR_ON);
	wr(LAPIC_TIMER_DIV, LAPIC_DIV_1);
	wr(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | 0x32);
	wr(LAPIC_TIMER_INIT, N);
	advance_ns(400);
	CHECK_EQ("masked: counts", rd(LAPIC_TIMER_CUR), N - 400);
	advance_ns(600);
	CHECK_EQ("masked: reaches zero", rd(LAPIC_TIMER_CUR), 0);
	CHECK_EQ("masked: no interrupt", bit(LAPIC_IRR, 0x32), 0);
	wr(LAPIC_LVT_TIMER, 0x32);
	CHECK_EQ("unmasked afterwards: none either", bit(LAPIC_IRR, 0x32), 0);
	wr(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | LAPIC_TIMER_PERIODIC | 0x33);
	wr(LAPIC_TIMER_INIT, 100);
	advance_ns(225);
	CHECK_EQ("masked periodic: goes round", rd(LAPIC_TIMER_CUR), 75);
	CHECK_EQ("masked periodic: no interrupt", bit(LAPIC_IRR, 0x33), 0);

	wr(LAPIC_LVT_TIMER, 0x34);
	wr(LAPIC_TIMER_INIT, N);
	advance_ns(100);
	wr(LAPIC_TIMER_INIT, 0);
	CHECK_EQ("initial count 0 stops it", rd(LAPIC_TIMER_CUR), 0);
	advance_ns(2 * N);
	CHECK_EQ("stopped: no interrupt", bit(LAPIC_IRR, 0x34), 0);
	wr(LAPIC_TIMER_INIT, N);
	advance_ns(500);
	wr(LAPIC_TIMER_INIT, N);
	CHECK_EQ("a new initial count restarts", rd(LAPIC_TIMER_CUR), N);
	advance_ns(N - 1);
	CHECK_EQ("from the second write", bit(LAPIC_IRR, 0x34), 0);
	advance_ns(1);
	CHECK_EQ("its interrupt", bit(LAPIC_IRR, 0x34), 1);
	take();

	wr(LAPIC_TIMER_INIT, N);
	advance_ns(400);
	CHECK_EQ("by 1", rd(LAPIC_TIMER_CUR), N - 400);
	wr(LAPIC_TIMER_DIV, LAPIC_DIV_2);
	CHECK_EQ("a new divide keeps the count", rd(LAPIC_TIMER_CUR), N - 400);
	advance_ns(400);
	CHECK_EQ("then by 2", rd(LAPIC_TIMER_CUR), N - 600);
	advance_ns(2 * (N - 600) - 1);
	CHECK_EQ("one left", rd(LAPIC_TIMER_CUR), 1);
	advance_ns(1);
	CHECK_EQ("zero and the interrupt", rd(LAPIC_TIMER_CUR) == 0 && bit(LAPIC_IRR, 0x34), 1);
	take();

	wr(LAPIC_TIMER_DIV, LAPIC_DIV_1);
	wr(LAPIC_TIMER_INIT, N);
	start = fake_now;
	advance_ns(300);
	wr(LAPIC_LVT_TIMER, LAPIC_TIMER_PERIODIC | 0x34);
	CHECK_EQ("one-shot to periodic: the count goes on", rd(LAPIC_TIMER_CUR), N - 300);
	advance_ns(start + N - fake_now);
	CHECK_EQ("and ends as it would have", bit(LAPIC_IRR, 0x34), 1);
	CHECK_EQ("then reloads", rd(LAPIC_TIMER_CUR), N);
}

static void tsc_deadline(void)
{
	uint64_t tsc;

	group("vlapic timer: TSC-deadline mode (10.5.4.1)");
	fresh();
	wr(LAPIC_SVR, SVR_ON);
	wr(LAPIC_TIMER_DIV, LAPIC_DIV_1);
	CHECK_EQ("one-shot: the MSR reads 0", vlapic_get_tsc_deadline(), 0);
	vlapic_set_tsc_deadline(clock_tsc() + 30);
	CHECK_EQ("one-shot: writes ignored", vlapic_get_tsc_deadline(), 0);
	wr(LAPIC_LVT_TIMER, LAPIC_TIMER_TSCDEADLINE | 0x35);
	CHECK_EQ("mode reads back", rd(LAPIC_LVT_TIMER), LAPIC_TIMER_TSCDEADLINE | 0x35);
	wr(LAPIC_TIMER_INIT, 5000);
	CHECK_EQ("the initial count ignores writes", rd(LAPIC_TIMER_INIT), 0);
	CHECK_EQ("current count 0", rd(LAPIC_TIMER_CUR), 0);
	advance_ns(10000);
	CHECK_EQ("and nothing counts", bit(LAPIC_IRR, 0x35), 0);
	CHECK_EQ("disarmed: reads 0", vlapic_get_tsc_deadline(), 0);

	tsc = clock_tsc() + 3000;
	vlapic_set_tsc_deadline(tsc);
	CHECK_EQ("armed: reads back", vlapic_get_tsc_deadline(), tsc);
	advance_ns(999);	/* the TSC 3 short of it */
	CHECK_EQ("not yet", bit(LAPIC_IRR, 0x35), 0);
	CHECK(next_deadline() >= fake_now && next_deadline() <= fake_now + 2,
	      "wake-up due at the deadline: %llu, now %llu",
	      (unsigned long long)next_deadline(), (unsigned long long)fake_now);
	advance_ns(next_deadline() - fake_now);
	CHECK_EQ("the TSC reached it: interrupt", bit(LAPIC_IRR, 0x35), 1);
	CHECK_EQ("then disarmed, MSR cleared", vlapic_get_tsc_deadline(), 0);
	take();
	advance_ns(10000);
	CHECK_EQ("one interrupt a write", bit(LAPIC_IRR, 0x35), 0);

	vlapic_set_tsc_deadline(clock_tsc() - 1);
	CHECK_EQ("a deadline passed: at once", bit(LAPIC_IRR, 0x35), 1);
	take();
	vlapic_set_tsc_deadline(clock_tsc() + 300);
	vlapic_set_tsc_deadline(0);
	advance_ns(1000);
	CHECK_EQ("writing 0 disarms", bit(LAPIC_IRR, 0x35), 0);

	vlapic_set_tsc_deadline(clock_tsc() + 300);
	wr(LAPIC_LVT_TIMER, 0x35);
	CHECK_EQ("to one-shot: the MSR reads 0", vlapic_get_tsc_deadline(), 0);
	wr(LAPIC_LVT_TIMER, LAPIC_TIMER_TSCDEADLINE | 0x35);
	CHECK_EQ("and back: disarmed", vlapic_get_tsc_deadline(), 0);
	advance_ns(1000);
	CHECK_EQ("no interrupt", bit(LAPIC_IRR, 0x35), 0);

	wr(LAPIC_LVT_TIMER, 0x35);
	CHECK_EQ("from TSC-deadline: nothing counts", rd(LAPIC_TIMER_CUR), 0);
	wr(LAPIC_TIMER_INIT, N);
	advance_ns(100);
	wr(LAPIC_LVT_TIMER, LAPIC_TIMER_TSCDEADLINE | 0x35);
	CHECK_EQ("one-shot to TSC-deadline disarms", rd(LAPIC_TIMER_CUR), 0);
	wr(LAPIC_LVT_TIMER, 0x35);
	CHECK_EQ("back in one-shot: still disarmed", rd(LAPIC_TIMER_CUR), 0);
	advance_ns(2 * N);
	CHECK_EQ("no one-shot interrupt", bit(LAPIC_IRR, 0x35), 0);
	wr(LAPIC_LVT_TIMER, LAPIC_TIMER_TSCDEADLINE | 0x35);

	wr(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | LAPIC_TIMER_TSCDEADLINE | 0x35);
	vlapic_set_tsc_deadline(clock_tsc() + 30);
	advance_ns(100);
	CHECK_EQ("masked: no interrupt", bit(LAPIC_IRR, 0x35), 0);
	CHECK_EQ("masked: expired all the same", vlapic_get_tsc_deadline(), 0);
}

void test_vlapic_timer(void)
{
	oneshot();
	periodic();
	others();
	tsc_deadline();
}
