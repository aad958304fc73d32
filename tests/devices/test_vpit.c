/*
 * drivers/vpit.c against the Intel 82C54 data sheet, with time under the
 * test's control: counts and OUT in modes 0-5, the gate, latches and
 * read-back, access modes, BCD, a new count in mode 2 at the period's
 * end, IRQ0 edges, and a long stall.
 */
#include "tests/devices/harness.h"

#include "drivers/clock.h"
#include "lib/hw/i8254.h"
#include "drivers/vdev.h"

#define TICK_NS(n)	((uint64_t)(n) * NS_PER_SEC / PIT_HZ + 1)	/* at least n ticks */

/* To the next whole second: the tick count is exact there. */
static void align(void)
{
	advance_ns((fake_now / NS_PER_SEC + 1) * NS_PER_SEC - fake_now);
}

static void program(int ch, int rw, int mode, int bcd, uint16_t count)
{
	outb_g(PIT_CMD, (uint8_t)(ch << 6 | rw << 4 | mode << 1 | bcd));
	if (rw != PIT_RW_MSB)
		outb_g(PIT_CH0 + ch, count & 0xFF);
	if (rw != PIT_RW_LSB)
		outb_g(PIT_CH0 + ch, count >> 8);
}

static uint16_t latched(int ch)
{
	uint16_t v;

	outb_g(PIT_CMD, (uint8_t)(ch << 6));
	v = inb_g(PIT_CH0 + ch);
	return v | (uint16_t)(inb_g(PIT_CH0 + ch) << 8);
}

static uint8_t status(int ch)
{
	outb_g(PIT_CMD, PIT_READBACK | PIT_RB_NO_COUNT | PIT_RB_CH(ch));
	return inb_g(PIT_CH0 + ch);
}

void test_vpit(void)
{
	uint16_t a, b;
	int e;

	harness_reset();
	real_port[PORT_SYSCTL_B] = SYSB_GATE2;
	vpit_init();

	group("vpit: status and null count");
	outb_g(PIT_CMD, 0x34);	/* channel 0, word, mode 2 */
	CHECK_EQ("status before the count: null count, OUT high", status(0),
		 PIT_ST_OUT | PIT_ST_NULL | 0x34);
	outb_g(PIT_CH0, 0x00);
	outb_g(PIT_CH0, 0x10);
	advance_ns(TICK_NS(2));
	CHECK_EQ("loaded: no null count", status(0) & PIT_ST_NULL, 0);
	outb_g(PIT_CMD, 0x3F);	/* mode 7 reads back as written, BCD */
	CHECK_EQ("mode 7 as written", status(0) & PIT_ST_CW_MASK, 0x3F);

	group("vpit: mode 0");
	align();
	program(0, PIT_RW_WORD, 0, 0, 1000);
	CHECK_EQ("count at load", latched(0), 1000);
	CHECK_EQ("OUT low", status(0) & PIT_ST_OUT, 0);
	e = line_edges[0];
	advance_ns(TICK_NS(400));
	CHECK_EQ("counts down", latched(0), 600);
	advance_ns(TICK_NS(600));
	CHECK_EQ("OUT high at the terminal count", status(0) & PIT_ST_OUT, PIT_ST_OUT);
	CHECK_EQ("one IRQ0 edge", line_edges[0] - e, 1);
	advance_ns(TICK_NS(10));
	CHECK_EQ("counts on past zero", latched(0), (uint16_t)(0 - 10));
	CHECK_EQ("no second edge", line_edges[0] - e, 1);
	outb_g(PIT_CMD, 0x30);
	outb_g(PIT_CH0, 100);
	CHECK_EQ("first byte of a new count: OUT low", status(0) & PIT_ST_OUT, 0);
	outb_g(PIT_CH0, 0);

	group("vpit: modes 2 and 3, latch, read-back");
	align();
	program(0, PIT_RW_WORD, 2, 0, 100);
	e = line_edges[0];
	advance_ns(TICK_NS(1000) - 1);
	CHECK(line_edges[0] - e >= 1, "rate generator edges");
	CHECK_EQ("count range", latched(0) >= 1 && latched(0) <= 100, 1);
	a = latched(0);
	outb_g(PIT_CMD, 0x00);
	advance_ns(TICK_NS(37));
	outb_g(PIT_CMD, 0x00);	/* ignored: the first is not read */
	b = inb_g(PIT_CH0);
	b |= (uint16_t)(inb_g(PIT_CH0) << 8);
	CHECK_EQ("latch holds", b, a);
	program(0, PIT_RW_WORD, 3, 0, 1000);
	for (int i = 0; i < 30; i++) {
		advance_ns(TICK_NS(37));
		a = latched(0);
		CHECK(!(a & 1) && a >= 2 && a <= 1000, "mode 3 even count 0x%x", a);
	}
	outb_g(PIT_CMD, PIT_READBACK | PIT_RB_CH(0));	/* count and status */
	CHECK_EQ("read-back: status first", inb_g(PIT_CH0) & PIT_ST_CW_MASK, 0x36);
	a = inb_g(PIT_CH0);
	a |= (uint16_t)(inb_g(PIT_CH0) << 8);
	CHECK(a >= 2 && a <= 1000, "then the count 0x%x", a);

	group("vpit: access modes and BCD");
	align();
	program(0, PIT_RW_LSB, 2, 0, 0x80);
	advance_ns(TICK_NS(16));
	CHECK_EQ("LSB only", inb_g(PIT_CH0), 0x80 - 16);
	program(0, PIT_RW_MSB, 2, 0, 0x0300);
	advance_ns(TICK_NS(0x100));
	CHECK_EQ("MSB only", inb_g(PIT_CH0), 2);
	program(0, PIT_RW_WORD, 0, 1, 0x1000);	/* BCD 1000 */
	advance_ns(TICK_NS(1));
	CHECK_EQ("BCD count", latched(0), 0x0999);

	group("vpit: new count at the period's end (mode 2)");
	align();
	program(0, PIT_RW_WORD, 2, 0, 1000);
	advance_ns(TICK_NS(300));
	outb_g(PIT_CH0, 500 & 0xFF);
	outb_g(PIT_CH0, 500 >> 8);
	a = latched(0);
	CHECK(a <= 700 && a >= 690, "the old period goes on: 0x%x", a);
	CHECK_EQ("null count until loaded", status(0) & PIT_ST_NULL, PIT_ST_NULL);
	advance_ns(TICK_NS(700 + 100));
	a = latched(0);
	CHECK(a <= 400 && a >= 390, "then the new count: 0x%x", a);

	group("vpit: channel 2 gate and port 0x61");
	align();
	outb_g(PORT_SYSCTL_B, 0);
	program(2, PIT_RW_WORD, 0, 0, 500);
	advance_ns(TICK_NS(1000));
	CHECK_EQ("mode 0, gate low: no counting", latched(2), 500);
	outb_g(PORT_SYSCTL_B, SYSB_GATE2);
	advance_ns(TICK_NS(499));
	CHECK_EQ("OUT2 low", inb_g(PORT_SYSCTL_B) & SYSB_OUT2, 0);
	advance_ns(TICK_NS(2));
	CHECK_EQ("OUT2 high on port 0x61", inb_g(PORT_SYSCTL_B) & SYSB_OUT2, SYSB_OUT2);
	CHECK_EQ("gate bit reads back", inb_g(PORT_SYSCTL_B) & SYSB_GATE2, SYSB_GATE2);
	outb_g(PORT_SYSCTL_B, 0);
	program(2, PIT_RW_WORD, 1, 0, 800);
	advance_ns(TICK_NS(100));
	CHECK_EQ("mode 1 waits for its trigger", status(2) & (PIT_ST_OUT | PIT_ST_NULL),
		 PIT_ST_OUT | PIT_ST_NULL);
	outb_g(PORT_SYSCTL_B, SYSB_GATE2);
	CHECK_EQ("triggered: OUT low", status(2) & PIT_ST_OUT, 0);
	advance_ns(TICK_NS(800));
	CHECK_EQ("OUT high at the end", status(2) & PIT_ST_OUT, PIT_ST_OUT);
	program(2, PIT_RW_WORD, 2, 0, 1000);
	advance_ns(TICK_NS(300));
	outb_g(PORT_SYSCTL_B, 0);
	CHECK_EQ("mode 2, gate low: OUT high", status(2) & PIT_ST_OUT, PIT_ST_OUT);
	advance_ns(TICK_NS(200));
	outb_g(PORT_SYSCTL_B, SYSB_GATE2);
	CHECK_EQ("rising gate reloads", latched(2), 1000);

	group("vpit: mode 4 and a long stall");
	align();
	program(0, PIT_RW_WORD, 0, 0, 0xFFFF);
	outb_g(PIT_CMD, 0x38);	/* mode 4: OUT high (an edge) */
	e = line_edges[0];
	outb_g(PIT_CH0, 200);
	outb_g(PIT_CH0, 0);
	advance_ns(TICK_NS(200));
	CHECK_EQ("mode 4: OUT low at the terminal count", status(0) & PIT_ST_OUT, 0);
	advance_ns(TICK_NS(2));
	CHECK_EQ("one strobe", line_edges[0] - e, 1);
	advance_ns(TICK_NS(70000));
	CHECK_EQ("still one", line_edges[0] - e, 1);
	program(0, PIT_RW_WORD, 2, 0, 1193);
	e = line_edges[0];
	advance_ns(10ull * NS_PER_SEC);		/* 10 s without a wake-up */
	CHECK_EQ("missed periods make one edge", line_edges[0] - e, 1);
	CHECK(next_deadline() > fake_now && next_deadline() <= fake_now + TICK_NS(1194),
	      "next wake-up within one period");
}
