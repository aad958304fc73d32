/*
 * The MC146818 real-time clock (Motorola MC146818A data sheet: time,
 * calendar and alarm registers, registers A-D, the update cycle and UIP,
 * the SET bit, binary and BCD data mode, 12- and 24-hour mode, periodic
 * rates, interrupt flags and IRQF; the PC wires IRQ to IRQ8):
 *  - register D reads VRT; A's rate/divider bits read back;
 *  - time set with SET held, then released: the next update carries
 *    seconds into minutes, hours, the day of the week, date, month and
 *    year (end of 2023, a leap day in 2024, end of February 2023), in BCD
 *    and in binary 12-hour form (11:59:59 PM to 12:00:00 AM, 12 PM to
 *    1 PM); UIP is set before an update;
 *  - the update-ended and alarm flags (alarm bytes matching, "don't care"
 *    bytes, and not matching), with IRQF and IRQ8 when enabled;
 *  - the periodic interrupt on IRQ8 (1024 Hz), and only one while
 *    register C is not read (8 Hz; IRQF holds the line high);
 *  - no periodic interrupt with rate 0.
 * The century byte (0x32, PC/AT) stays 20 (binary while the binary cases
 * run).  The divider chain is reset before each update so that it comes
 * 500 ms later, not up to a second.  Waits are bounded by loop
 * iterations; no time of day is printed.
 */
#include "guest/lib/guest.h"

#include "lib/hw/mc146818.h"

GUEST_NAME("rtc");

#define SPIN_MAX	50000000u

static uint8_t rd(uint8_t reg)
{
	outb(PORT_CMOS_INDEX, CMOS_NMI_MASK | reg);
	return inb(PORT_CMOS_DATA);
}

static void wr(uint8_t reg, uint8_t v)
{
	outb(PORT_CMOS_INDEX, CMOS_NMI_MASK | reg);
	outb(PORT_CMOS_DATA, v);
}

struct tm6 {
	uint8_t sec, min, hour, dow, day, month, year;
};

static void set_time(uint8_t b, const struct tm6 *t)
{
	wr(RTC_REG_B, b | RTC_B_SET);
	wr(RTC_SEC, t->sec);
	wr(RTC_MIN, t->min);
	wr(RTC_HOUR, t->hour);
	wr(RTC_DOW, t->dow);
	wr(RTC_DAY, t->day);
	wr(RTC_MONTH, t->month);
	wr(RTC_YEAR, t->year);
}

static void get_time(struct tm6 *t)
{
	t->sec = rd(RTC_SEC);
	t->min = rd(RTC_MIN);
	t->hour = rd(RTC_HOUR);
	t->dow = rd(RTC_DOW);
	t->day = rd(RTC_DAY);
	t->month = rd(RTC_MONTH);
	t->year = rd(RTC_YEAR);
}

/*
 * Releases SET with the divider chain held in reset, then the chain: the
 * first update comes 500 ms later (data sheet, "Divider control").  Waits
 * for it (the seconds byte changes, and UIP is clear).  Returns 1 when it
 * came.
 */
static int uip_seen;	/* UIP set in any of the waits */

/* Polls until the seconds register leaves sec, noting UIP (at most
   SPIN_MAX rounds: the rounds it took). */
static uint32_t watch_second(uint8_t sec)
{
	uint32_t i;

	for (i = 0; i < SPIN_MAX && rd(RTC_SEC) == sec; i++)
		for (int j = 0; j < 32; j++)
			uip_seen |= rd(RTC_REG_A) & RTC_A_UIP;
	return i;
}

static int release_and_update(uint8_t b)
{
	uint8_t a = rd(RTC_REG_A) & RTC_A_RS_MASK, sec = rd(RTC_SEC);
	uint32_t i;

	wr(RTC_REG_A, RTC_A_DV_RESET | a);
	wr(RTC_REG_B, b);
	wr(RTC_REG_A, RTC_A_DV_32K | a);
	/* UIP is held for 244 us before the update (and during it); a busy
	   host may keep this guest from looking then, so any wait counts. */
	for (i = watch_second(sec); i < SPIN_MAX && (rd(RTC_REG_A) & RTC_A_UIP); i++)
		;
	return i < SPIN_MAX;
}

static void expect(const char *what, const struct tm6 *got, const struct tm6 *want)
{
	if (got->sec != want->sec || got->min != want->min || got->hour != want->hour ||
	    got->dow != want->dow || got->day != want->day || got->month != want->month ||
	    got->year != want->year)
		t_fail("%s: %02x:%02x:%02x dow %x %02x-%02x-%02x, want %02x:%02x:%02x dow %x "
		       "%02x-%02x-%02x", what, got->hour, got->min, got->sec, got->dow,
		       got->year, got->month, got->day, want->hour, want->min, want->sec,
		       want->dow, want->year, want->month, want->day);
}

/* alarm: the alarm flag expected with the update (AIE is off: no IRQF). */
static void rollover(const char *what, uint8_t b, const struct tm6 *from, const struct tm6 *to,
		     int alarm)
{
	struct tm6 now;
	uint8_t c;

	set_time(b, from);
	rd(RTC_REG_C);
	t_check(release_and_update(b), "%s: no update", what);
	get_time(&now);
	c = rd(RTC_REG_C);
	expect(what, &now, to);
	t_eq_mask("update-ended and alarm flags", c, RTC_C_UF | (alarm ? RTC_C_AF : 0),
		  RTC_C_UF | RTC_C_AF | RTC_C_IRQF);
	gprintf("%s: ok\n", what);
}

static void set_alarm(uint8_t h, uint8_t m, uint8_t sec)
{
	wr(RTC_HOUR_ALARM, h);
	wr(RTC_MIN_ALARM, m);
	wr(RTC_SEC_ALARM, sec);
}

static void registers_case(void)
{
	uint8_t a = rd(RTC_REG_A);

	t_begin("registers");
	t_eq("register D: VRT", rd(RTC_REG_D), RTC_D_VRT);
	wr(RTC_REG_A, RTC_A_DV_32K | 3);
	t_eq("register A rate and divider", rd(RTC_REG_A) & 0x7F, RTC_A_DV_32K | 3);
	wr(RTC_REG_A, a & 0x7F);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_SET | RTC_B_UIE);
	t_eq_mask("SET clears UIE", rd(RTC_REG_B), RTC_B_SET, RTC_B_SET | RTC_B_UIE);
	wr(RTC_REG_B, RTC_B_24H);
	t_end();
}

static void calendar_case(void)
{
	/* BCD, 24-hour; day of week 1 = Sunday. */
	static const struct tm6 ny_from = { 0x59, 0x59, 0x23, 1, 0x31, 0x12, 0x23 };
	static const struct tm6 ny_to = { 0x00, 0x00, 0x00, 2, 0x01, 0x01, 0x24 };
	static const struct tm6 leap_from = { 0x59, 0x59, 0x23, 4, 0x28, 0x02, 0x24 };
	static const struct tm6 leap_to = { 0x00, 0x00, 0x00, 5, 0x29, 0x02, 0x24 };
	static const struct tm6 feb_from = { 0x59, 0x59, 0x23, 3, 0x28, 0x02, 0x23 };
	static const struct tm6 feb_to = { 0x00, 0x00, 0x00, 4, 0x01, 0x03, 0x23 };
	/* Binary, 12-hour: bit 7 of the hour is PM. */
	static const struct tm6 pm_from = { 59, 59, RTC_HOUR_PM | 11, 7, 16, 3, 24 };
	static const struct tm6 pm_to = { 0, 0, 12, 1, 17, 3, 24 };
	static const struct tm6 noon_from = { 59, 59, RTC_HOUR_PM | 12, 1, 17, 3, 24 };
	static const struct tm6 noon_to = { 0, 0, RTC_HOUR_PM | 1, 1, 17, 3, 24 };

	uint8_t century = rd(RTC_CENTURY);

	t_begin("calendar");
	set_alarm(RTC_ALARM_ANY, RTC_ALARM_ANY, RTC_ALARM_ANY);	/* every second */
	rollover("new year 2024", RTC_B_24H, &ny_from, &ny_to, 1);
	set_alarm(0x12, 0x00, 0x00);	/* never in these cases */
	rollover("leap day 2024", RTC_B_24H, &leap_from, &leap_to, 0);
	rollover("March 2023", RTC_B_24H, &feb_from, &feb_to, 0);
	/* In binary mode the PC's century byte is binary too. */
	wr(RTC_REG_B, RTC_B_SET | RTC_B_DM);
	wr(RTC_CENTURY, 20);
	rollover("binary 12-hour midnight", RTC_B_DM, &pm_from, &pm_to, 0);
	rollover("binary 12-hour 1 PM", RTC_B_DM, &noon_from, &noon_to, 0);
	wr(RTC_REG_B, RTC_B_SET | RTC_B_24H);
	wr(RTC_CENTURY, century);
	wr(RTC_REG_B, RTC_B_24H);
	/* A loaded host may have kept this guest from looking in all five
	   windows: up to ten more updates, watched as closely. */
	for (int n = 0; n < 10 && !uip_seen; n++)
		watch_second(rd(RTC_SEC));
	t_check(uip_seen, "UIP never seen set before 15 updates");
	t_end();
}

static volatile uint32_t rtc_irqs;
static volatile uint8_t rtc_c[8];
static int ack_in_handler = 1;

static void irq8(struct trapframe *tf)
{
	(void)tf;
	if (ack_in_handler) {
		uint8_t c = rd(RTC_REG_C);

		if (rtc_irqs < 8)
			rtc_c[rtc_irqs] = c;
	}
	rtc_irqs++;
	pic_eoi(IRQ_RTC);
}

static void alarm_case(void)
{
	static const struct tm6 t = { 0x58, 0x00, 0x10, 2, 0x15, 0x04, 0x24 };
	uint8_t b = RTC_B_24H | RTC_B_AIE | RTC_B_UIE;

	t_begin("alarm_and_update_irq");
	cli();
	wr(RTC_REG_A, RTC_A_DV_32K);	/* no periodic flag in C */
	set_alarm(0x10, 0x00, 0x59);
	set_time(RTC_B_24H, &t);	/* 10:00:58, alarm at 10:00:59 */
	rd(RTC_REG_C);
	rtc_irqs = 0;
	pic_unmask(IRQ_RTC);
	sti();
	t_check(release_and_update(b), "no update");
	t_check(irq_wait(&rtc_irqs, 1, SPIN_MAX), "no update interrupt");
	cli();
	wr(RTC_REG_B, RTC_B_24H);
	pic_mask(IRQ_RTC);
	t_eq("interrupts", rtc_irqs, 1);
	t_eq("at 10:00:59: IRQF, alarm, update", rtc_c[0], RTC_C_IRQF | RTC_C_AF | RTC_C_UF);
	t_end();
}

/* Waits about ms milliseconds, by PIT channel 0 (free-running, mode 2). */
static void wait_ms(uint32_t ms)
{
	uint32_t want = ms * (PIT_HZ / 1000), elapsed = 0;
	uint16_t last, now;

	outb(PIT_CMD, 0x00);
	last = inb(PIT_CH0);
	last |= (uint16_t)(inb(PIT_CH0) << 8);
	while (elapsed < want) {
		outb(PIT_CMD, 0x00);
		now = inb(PIT_CH0);
		now |= (uint16_t)(inb(PIT_CH0) << 8);
		elapsed += (uint16_t)(last - now);
		last = now;
	}
}

/* Register C read, and any request the PIC latched before taken. */
static void quiet(void)
{
	rd(RTC_REG_C);
	__asm__ volatile("sti; nop; cli" : : : "memory");
	rd(RTC_REG_C);
}

static void periodic_case(void)
{
	uint32_t n;

	t_begin("periodic_irq");
	cli();
	rd(RTC_REG_C);
	rtc_irqs = 0;
	ack_in_handler = 1;
	pic_unmask(IRQ_RTC);
	wr(RTC_REG_A, RTC_A_DV_32K | 6);	/* 1024 Hz */
	wr(RTC_REG_B, RTC_B_24H | RTC_B_PIE);
	sti();
	t_check(irq_wait(&rtc_irqs, 8, SPIN_MAX), "%u periodic interrupts of 8", rtc_irqs);
	cli();
	for (int i = 0; i < 8; i++)
		t_eq_mask("register C in the handler", rtc_c[i], RTC_C_IRQF | RTC_C_PF,
			  RTC_C_IRQF | RTC_C_PF | RTC_C_AF);
	/* Without reading C the line stays high: one interrupt, no more.
	   8 Hz here, so that no flag comes between the steps unseen. */
	ack_in_handler = 0;
	wr(RTC_REG_A, RTC_A_DV_32K | 13);
	quiet();
	rtc_irqs = 0;
	sti();
	wait_ms(400);
	cli();
	n = rtc_irqs;
	t_eq("interrupts in 400 ms while C is not read", n, 1);
	t_eq_mask("C then", rd(RTC_REG_C), RTC_C_IRQF | RTC_C_PF, RTC_C_IRQF | RTC_C_PF);
	/* Rate 0: no periodic interrupt. */
	ack_in_handler = 1;
	wr(RTC_REG_A, RTC_A_DV_32K);
	quiet();
	rtc_irqs = 0;
	sti();
	wait_ms(50);
	cli();
	t_eq("rate 0: interrupts in 50 ms", rtc_irqs, 0);
	wr(RTC_REG_B, RTC_B_24H);
	wr(RTC_REG_A, RTC_A_DV_32K | 6);
	rd(RTC_REG_C);
	pic_mask(IRQ_RTC);
	gprintf("periodic: 8 interrupts at 1024 Hz, 1 while C unread, none at rate 0\n");
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	pic_init();
	pit_start(0, PIT_MODE_RATE, 0);		/* a clock for wait_ms */
	irq_set_handler(IRQ_RTC, irq8);
	registers_case();
	calendar_case();
	alarm_case();
	periodic_case();
	t_begin("no_spurious");
	t_eq("spurious IRQ7/IRQ15", pic_spurious, 0);
	t_end();
}
