/*
 * The guest's real-time clock and CMOS RAM, emulated (rtc=emulate), after
 * the Motorola MC146818A data sheet: time, calendar and alarm bytes in BCD
 * or binary and 12- or 24-hour form, the once-a-second update cycle with
 * update-in-progress (UIP high 244 us before the update and during its
 * 1984 us), the SET bit, the divider chain (held in reset by DV = 11x; the
 * first update then comes 500 ms after its release), periodic rates,
 * alarm "don't care" bytes, the PF/AF/UF flags and IRQF in register C
 * (read clears), and the IRQ8 line, which stays high until register C is
 * read.  Register D reads VRT.  Port 0x70 bit 7 (the PC's NMI mask) is
 * kept but not applied.  The century byte 0x32 (PC/AT) counts when the
 * year wraps; leap years are the Gregorian ones.  DSE (daylight saving)
 * is not implemented.
 *
 * The time and the CMOS contents start as the real chip's; afterwards the
 * guest's clock is its own (the real RTC is hv's and is not written).
 * Time runs on clock_ns(): nothing ticks, the chain's position is the
 * time since its origin, and a poll applies every update and periodic
 * boundary that passed since the last one (updates one second at a time
 * for a few seconds, in one step after a long stall).
 */
#include "drivers/vdev.h"

#include "drivers/clock.h"
#include "drivers/devices.h"
#include "drivers/irq.h"
#include "lib/hw/mc146818.h"
#include "lib/log.h"

static uint8_t cmos[CMOS_SIZE];
static uint8_t index_reg;		/* port 0x70 as written, NMI bit included */
static int64_t origin;			/* the divider chain's second boundaries: origin + k s */
static uint64_t last;			/* clock_ns() at the last poll */

static int chain_running(void)
{
	uint8_t dv = cmos[RTC_REG_A] & RTC_A_DV_MASK;

	return dv <= RTC_A_DV_32K;	/* 000, 001, 010: a time base runs */
}

/* Periodic interrupt period in 32.768 kHz cycles; 0 if none. */
static uint32_t period_cycles(void)
{
	uint32_t rs = cmos[RTC_REG_A] & RTC_A_RS_MASK;

	if (!rs)
		return 0;
	return rs <= 2 ? 1u << (rs + 6) : 1u << (rs - 1);
}

static uint64_t cycles_at(uint64_t t)
{
	return muldiv64((uint64_t)((int64_t)t - origin), RTC_TIMEBASE_HZ, NS_PER_SEC);
}

static uint64_t seconds_at(uint64_t t)
{
	return (uint64_t)((int64_t)t - origin) / NS_PER_SEC;
}

/* --- register encodings --- */

static int binary(void)
{
	return cmos[RTC_REG_B] & RTC_B_DM;
}

static uint32_t from_reg(uint8_t r)
{
	return binary() ? r : (uint32_t)(r >> 4) * 10 + (r & 15);
}

static uint8_t to_reg(uint32_t v)
{
	return (uint8_t)(binary() ? v : (v / 10) << 4 | v % 10);
}

static uint32_t hour24(uint8_t r)
{
	if (cmos[RTC_REG_B] & RTC_B_24H)
		return from_reg(r);
	return from_reg(r & 0x7F) % 12 + (r & RTC_HOUR_PM ? 12 : 0);
}

static uint8_t hour_reg(uint32_t h)
{
	if (cmos[RTC_REG_B] & RTC_B_24H)
		return to_reg(h);
	return (uint8_t)(to_reg(h % 12 ? h % 12 : 12) | (h >= 12 ? RTC_HOUR_PM : 0));
}

static uint32_t days_in_month(uint32_t month, uint32_t year)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
		return 29;
	return month >= 1 && month <= 12 ? days[month - 1] : 31;
}

/* The next day: day of week, date, month, year and century roll over. */
static void next_day(void)
{
	uint32_t day = from_reg(cmos[RTC_DAY]), month = from_reg(cmos[RTC_MONTH]);
	uint32_t year = from_reg(cmos[RTC_YEAR]), century = from_reg(cmos[RTC_CENTURY]);

	cmos[RTC_DOW] = to_reg(from_reg(cmos[RTC_DOW]) % 7 + 1);
	if (++day <= days_in_month(month, century * 100 + year)) {
		cmos[RTC_DAY] = to_reg(day);
		return;
	}
	cmos[RTC_DAY] = to_reg(1);
	if (++month <= 12) {
		cmos[RTC_MONTH] = to_reg(month);
		return;
	}
	cmos[RTC_MONTH] = to_reg(1);
	if (++year <= 99) {
		cmos[RTC_YEAR] = to_reg(year);
		return;
	}
	cmos[RTC_YEAR] = to_reg(0);
	cmos[RTC_CENTURY] = to_reg((century + 1) % 100);
}

/* Advances the time by n seconds. */
static void advance(uint64_t n)
{
	uint64_t s = from_reg(cmos[RTC_SEC]) + (uint64_t)from_reg(cmos[RTC_MIN]) * 60 +
		     (uint64_t)hour24(cmos[RTC_HOUR]) * 3600 + n;

	for (uint64_t days = s / 86400; days; days--)
		next_day();
	s %= 86400;
	cmos[RTC_SEC] = to_reg((uint32_t)(s % 60));
	cmos[RTC_MIN] = to_reg((uint32_t)(s / 60 % 60));
	cmos[RTC_HOUR] = hour_reg((uint32_t)(s / 3600));
}

static int alarm_byte(uint8_t alarm, uint8_t now)
{
	return (alarm & RTC_ALARM_ANY) == RTC_ALARM_ANY || alarm == now;
}

static int alarm_now(void)
{
	return alarm_byte(cmos[RTC_SEC_ALARM], cmos[RTC_SEC]) &&
	       alarm_byte(cmos[RTC_MIN_ALARM], cmos[RTC_MIN]) &&
	       alarm_byte(cmos[RTC_HOUR_ALARM], cmos[RTC_HOUR]);
}

static void update_irq(void)
{
	uint8_t c = cmos[RTC_REG_C] & RTC_C_FLAGS;
	uint8_t en = cmos[RTC_REG_B] & (RTC_B_PIE | RTC_B_AIE | RTC_B_UIE);

	/* PF, AF, UF line up with PIE, AIE, UIE. */
	if (c & en)
		cmos[RTC_REG_C] |= RTC_C_IRQF;
	irq_set_isa(RTC_IRQ, !!(cmos[RTC_REG_C] & RTC_C_IRQF));
}

static void rtc_poll(uint64_t now)
{
	uint32_t p = period_cycles();
	uint64_t updates;

	if (now <= last || !chain_running()) {
		last = now > last ? now : last;
		return;
	}
	if (p && cycles_at(now) / p > cycles_at(last) / p)
		cmos[RTC_REG_C] |= RTC_C_PF;
	updates = seconds_at(now) - seconds_at(last);
	if (updates && !(cmos[RTC_REG_B] & RTC_B_SET)) {
		int alarm = 0;

		if (updates <= 4) {
			for (uint64_t i = 0; i < updates; i++) {
				advance(1);
				alarm |= alarm_now();
			}
		} else {
			advance(updates);
			alarm = alarm_now();
		}
		cmos[RTC_REG_C] |= RTC_C_UF | (alarm ? RTC_C_AF : 0);
	}
	last = now;
	update_irq();
}

static uint64_t rtc_next(uint64_t now)
{
	uint8_t b = cmos[RTC_REG_B];
	uint64_t next = CLOCK_NEVER, p = period_cycles();

	if (!chain_running() || (cmos[RTC_REG_C] & RTC_C_IRQF))
		return CLOCK_NEVER;	/* no new interrupt before C is read */
	if ((b & RTC_B_PIE) && p) {
		uint64_t c = (cycles_at(now) / p + 1) * p;

		next = (uint64_t)(origin + (int64_t)muldiv64(c, NS_PER_SEC, RTC_TIMEBASE_HZ)) + 1;
	}
	if ((b & (RTC_B_UIE | RTC_B_AIE)) && !(b & RTC_B_SET)) {
		uint64_t u = (uint64_t)(origin + (int64_t)((seconds_at(now) + 1) * NS_PER_SEC));

		if (u < next)
			next = u;
	}
	return next;
}

static const struct dev_timed rtc_timed = { "RTC", rtc_poll, rtc_next };

static int update_in_progress(uint64_t now)
{
	uint64_t frac;

	if (!chain_running() || (cmos[RTC_REG_B] & RTC_B_SET))
		return 0;
	frac = (uint64_t)((int64_t)now - origin) % NS_PER_SEC;
	return frac >= NS_PER_SEC - RTC_UIP_LEAD_NS || (seconds_at(now) && frac < RTC_UPDATE_NS);
}

static uint32_t rtc_read(void *ctx, uint16_t port, int size)
{
	uint8_t reg = index_reg & CMOS_INDEX_MASK, v;

	(void)ctx;
	(void)size;
	if (port == PORT_CMOS_INDEX)
		return 0xFF;	/* write-only */
	switch (reg) {
	case RTC_REG_A:
		return (cmos[reg] & ~RTC_A_UIP) | (update_in_progress(clock_ns()) ? RTC_A_UIP : 0);
	case RTC_REG_C:
		v = cmos[reg];
		cmos[reg] = 0;
		update_irq();
		return v;
	case RTC_REG_D:
		return RTC_D_VRT;
	default:
		return cmos[reg];
	}
}

static void rtc_write(void *ctx, uint16_t port, int size, uint32_t val)
{
	uint8_t reg = index_reg & CMOS_INDEX_MASK, v = (uint8_t)val;
	uint64_t now;

	(void)ctx;
	(void)size;
	if (port == PORT_CMOS_INDEX) {
		index_reg = v;
		return;
	}
	switch (reg) {
	case RTC_REG_A:
		now = clock_ns();
		if (!chain_running() && (v & RTC_A_DV_MASK) <= RTC_A_DV_32K) {
			/* Out of reset: the first update is 500 ms away. */
			origin = (int64_t)now + NS_PER_SEC / 2 - NS_PER_SEC;
			last = now;
		}
		cmos[reg] = v & ~RTC_A_UIP;
		break;
	case RTC_REG_B:
		if (v & RTC_B_SET)
			v &= ~RTC_B_UIE;
		cmos[reg] = v;
		cmos[RTC_REG_C] &= ~RTC_C_IRQF;
		update_irq();
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break;	/* read-only */
	default:
		cmos[reg] = v;
		break;
	}
}

void vrtc_init(void)
{
	uint64_t now = clock_ns();
	uint8_t b;

	/* A consistent copy of the real chip: not while it updates. */
	for (int spin = 0; spin < 1000000; spin++) {
		io_native_write(PORT_CMOS_INDEX, 1, RTC_REG_A);
		if (!(io_native_read(PORT_CMOS_DATA, 1) & RTC_A_UIP))
			break;
	}
	for (int i = 0; i < CMOS_SIZE; i++) {
		if (i == RTC_REG_C)
			continue;
		io_native_write(PORT_CMOS_INDEX, 1, (uint32_t)i);
		cmos[i] = (uint8_t)io_native_read(PORT_CMOS_DATA, 1);
	}
	cmos[RTC_REG_A] &= ~RTC_A_UIP;
	cmos[RTC_REG_D] = RTC_D_VRT;
	/* The real chip is hv's now, and quiet. */
	b = cmos[RTC_REG_B];
	io_native_write(PORT_CMOS_INDEX, 1, RTC_REG_B);
	io_native_write(PORT_CMOS_DATA, 1, b & ~(RTC_B_PIE | RTC_B_AIE | RTC_B_UIE));
	io_native_write(PORT_CMOS_INDEX, 1, RTC_REG_D);
	index_reg = RTC_REG_D;
	origin = (int64_t)now;
	last = now;
	irq_own_line(RTC_IRQ, 0);
	dev_register(PORT_CMOS_INDEX, PORT_CMOS_DATA, "RTC/CMOS (emulated)", rtc_read,
		     rtc_write, 0);
	dev_add_timed(&rtc_timed);
	log_debug("vrtc", "emulated RTC: register B %02x", b);
}
