/*
 * drivers/vrtc.c against the Motorola MC146818A data sheet, with time
 * under the test's control: the update cycle and UIP's timing, calendar
 * carries (BCD and binary, 12-hour, leap years, the century byte), SET,
 * the divider reset, periodic rates and PF, alarms, IRQF and the line,
 * and a stall of days.
 */
#include "tests/devices/harness.h"

#include "drivers/clock.h"
#include "lib/hw/mc146818.h"
#include "drivers/vdev.h"

#define MS	1000000ull
#define US	1000ull

static uint8_t rd(uint8_t reg)
{
	outb_g(PORT_CMOS_INDEX, reg);
	return inb_g(PORT_CMOS_DATA);
}

static void wr(uint8_t reg, uint8_t v)
{
	outb_g(PORT_CMOS_INDEX, reg);
	outb_g(PORT_CMOS_DATA, v);
}

static void set(uint8_t b, uint8_t h, uint8_t m, uint8_t s, uint8_t dow, uint8_t day,
		uint8_t mon, uint8_t year)
{
	wr(RTC_REG_B, b | RTC_B_SET);
	wr(RTC_HOUR, h);
	wr(RTC_MIN, m);
	wr(RTC_SEC, s);
	wr(RTC_DOW, dow);
	wr(RTC_DAY, day);
	wr(RTC_MONTH, mon);
	wr(RTC_YEAR, year);
}

/* Divider reset, SET off, divider on: the first update 500 ms later. */
static void start(uint8_t b)
{
	uint8_t rs = rd(RTC_REG_A) & RTC_A_RS_MASK;

	wr(RTC_REG_A, RTC_A_DV_RESET | rs);
	wr(RTC_REG_B, b);
	wr(RTC_REG_A, RTC_A_DV_32K | rs);
}

void test_vrtc(void)
{
	harness_reset();
	real_port[PORT_CMOS_DATA] = 0;	/* every real byte reads 0: A, B 0 */
	vrtc_init();

	group("vrtc: update cycle and UIP");
	CHECK_EQ("register D", rd(RTC_REG_D), RTC_D_VRT);
	wr(RTC_CENTURY, 0x20);
	wr(RTC_HOUR_ALARM, 0x12);	/* an alarm none of this meets */
	wr(RTC_MIN_ALARM, 0x34);
	wr(RTC_SEC_ALARM, 0x56);
	set(RTC_B_24H, 0x23, 0x59, 0x59, 1, 0x31, 0x12, 0x23);
	start(RTC_B_24H);
	advance_ns(500 * MS - 300 * US);
	CHECK_EQ("no UIP 300 us before", rd(RTC_REG_A) & RTC_A_UIP, 0);
	advance_ns(100 * US);
	CHECK_EQ("UIP 200 us before", rd(RTC_REG_A) & RTC_A_UIP, RTC_A_UIP);
	CHECK_EQ("time not yet updated", rd(RTC_SEC), 0x59);
	advance_ns(300 * US);
	CHECK_EQ("updated", rd(RTC_SEC), 0x00);
	CHECK_EQ("UIP during the update cycle", rd(RTC_REG_A) & RTC_A_UIP, RTC_A_UIP);
	advance_ns(2 * MS);
	CHECK_EQ("UIP clear after it", rd(RTC_REG_A) & RTC_A_UIP, 0);
	CHECK_EQ("new year: minute", rd(RTC_MIN), 0);
	CHECK_EQ("hour", rd(RTC_HOUR), 0);
	CHECK_EQ("day of week", rd(RTC_DOW), 2);
	CHECK_EQ("date", rd(RTC_DAY), 1);
	CHECK_EQ("month", rd(RTC_MONTH), 1);
	CHECK_EQ("year", rd(RTC_YEAR), 0x24);
	CHECK_EQ("update-ended flag", rd(RTC_REG_C), RTC_C_UF);
	CHECK_EQ("C cleared by the read", rd(RTC_REG_C), 0);

	group("vrtc: calendar");
	set(RTC_B_24H, 0x23, 0x59, 0x59, 4, 0x28, 0x02, 0x24);
	start(RTC_B_24H);
	advance_ns(501 * MS);
	CHECK_EQ("leap day", rd(RTC_DAY), 0x29);
	set(RTC_B_24H, 0x23, 0x59, 0x59, 3, 0x28, 0x02, 0x23);
	start(RTC_B_24H);
	advance_ns(501 * MS);
	CHECK_EQ("no leap day in 2023", rd(RTC_DAY) << 8 | rd(RTC_MONTH), 0x0103);
	set(RTC_B_24H, 0x23, 0x59, 0x59, 7, 0x31, 0x12, 0x99);
	start(RTC_B_24H);
	advance_ns(501 * MS);
	CHECK_EQ("year 99 to 00", rd(RTC_YEAR), 0x00);
	CHECK_EQ("century counts", rd(RTC_CENTURY), 0x21);
	CHECK_EQ("day of week wraps", rd(RTC_DOW), 1);
	set(RTC_B_DM, RTC_HOUR_PM | 11, 59, 59, 2, 28, 2, 1);
	wr(RTC_CENTURY, 21);
	start(RTC_B_DM);
	advance_ns(501 * MS);
	CHECK_EQ("binary 12-hour: 11 PM to 12 AM", rd(RTC_HOUR), 12);
	CHECK_EQ("2101 is no leap year", rd(RTC_MONTH), 3);
	set(RTC_B_DM, RTC_HOUR_PM | 12, 59, 59, 2, 1, 3, 1);
	start(RTC_B_DM);
	advance_ns(501 * MS);
	CHECK_EQ("12 PM to 1 PM", rd(RTC_HOUR), RTC_HOUR_PM | 1);

	group("vrtc: SET, divider reset, stall");
	set(RTC_B_24H, 0x10, 0x00, 0x00, 1, 0x01, 0x01, 0x24);
	advance_ns(3000 * MS);
	CHECK_EQ("SET: no updates", rd(RTC_SEC), 0);
	CHECK_EQ("SET: no UIP", rd(RTC_REG_A) & RTC_A_UIP, 0);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_SET | RTC_B_UIE);
	CHECK_EQ("UIE cleared while SET", rd(RTC_REG_B) & RTC_B_UIE, 0);
	wr(RTC_REG_A, RTC_A_DV_RESET);
	wr(RTC_REG_B, RTC_B_24H);
	advance_ns(3000 * MS);
	CHECK_EQ("divider reset: no updates", rd(RTC_SEC), 0);
	wr(RTC_REG_A, RTC_A_DV_32K);
	advance_ns(499 * MS);
	CHECK_EQ("499 ms after the release", rd(RTC_SEC), 0);
	advance_ns(2 * MS);
	CHECK_EQ("501 ms", rd(RTC_SEC), 1);
	advance_ns(3ull * 86400 * NS_PER_SEC + 3600ull * NS_PER_SEC);
	CHECK_EQ("three days and an hour later: hour", rd(RTC_HOUR), 0x11);
	CHECK_EQ("date", rd(RTC_DAY), 0x04);
	CHECK_EQ("day of week", rd(RTC_DOW), 4);
	CHECK_EQ("seconds", rd(RTC_SEC), 1);

	group("vrtc: periodic, alarm, IRQF");
	rd(RTC_REG_C);
	wr(RTC_REG_A, RTC_A_DV_32K | 15);	/* 2 Hz */
	advance_ns(600 * MS);
	CHECK_EQ("PF without PIE, no IRQF", rd(RTC_REG_C) & (RTC_C_PF | RTC_C_IRQF), RTC_C_PF);
	CHECK_EQ("line low", line_level[RTC_IRQ], 0);
	wr(RTC_REG_A, RTC_A_DV_32K | 3);	/* 8192 Hz */
	rd(RTC_REG_C);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_PIE);
	CHECK(next_deadline() <= fake_now + 123 * US, "wake-up within a period");
	advance_ns(123 * US);
	CHECK_EQ("line high", line_level[RTC_IRQ], 1);
	CHECK_EQ("no wake-ups while IRQF holds", next_deadline(), CLOCK_NEVER);
	CHECK_EQ("C", rd(RTC_REG_C) & (RTC_C_PF | RTC_C_IRQF), RTC_C_PF | RTC_C_IRQF);
	CHECK_EQ("read: line low", line_level[RTC_IRQ], 0);
	wr(RTC_REG_A, RTC_A_DV_32K);
	wr(RTC_REG_B, RTC_B_24H);
	wr(RTC_HOUR_ALARM, RTC_ALARM_ANY);
	wr(RTC_MIN_ALARM, RTC_ALARM_ANY);
	wr(RTC_SEC_ALARM, 0x30);
	rd(RTC_REG_C);
	set(RTC_B_24H, 0x10, 0x00, 0x28, 1, 0x01, 0x01, 0x24);
	start(RTC_B_24H | RTC_B_AIE);
	advance_ns(501 * MS);
	CHECK_EQ("10:00:29: no alarm", rd(RTC_REG_C), RTC_C_UF);
	advance_ns(1000 * MS);
	CHECK_EQ("10:00:30: alarm", rd(RTC_REG_C), RTC_C_IRQF | RTC_C_AF | RTC_C_UF);
}
