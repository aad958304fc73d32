/*
 * PIT and PIC interrupts: remap the PIC, run PIT channel 0 as a rate
 * generator and count IRQ0s with HLT and with a busy loop; masking (the
 * request stays in the IRR and arrives at unmask), EOI (without it the
 * in-service bit holds off the next IRQ0; non-specific and specific EOI),
 * a one-shot (mode 0: exactly one interrupt), the read-back status, and
 * the slave PIC through the RTC's periodic interrupt (IRQ8 via IRQ2).
 * Intel 8259A and 82C54 data sheets; MC146818 RTC registers A-C.
 * Only counts that do not depend on timing are printed; every wait is
 * bounded by loop iterations.
 */
#include "guest/lib/guest.h"

GUEST_NAME("timer");

#define TICK_HZ		1000
#define PIT_DIVISOR	(PIT_HZ / TICK_HZ)
#define SPIN_MAX	50000000u	/* bound for busy waits */

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71
#define CMOS_NMI_OFF	0x80
#define RTC_REG_A	0x0A
#define RTC_REG_B	0x0B
#define RTC_REG_C	0x0C
#define RTC_A_RATE_MASK	0x0F
#define RTC_A_RATE_1024	0x06
#define RTC_B_PIE	0x40

static volatile uint32_t ticks, rtc_ticks;

static void irq0_eoi(struct trapframe *tf)
{
	(void)tf;
	ticks++;
	pic_eoi(IRQ_PIT);
}

static void irq0_no_eoi(struct trapframe *tf)
{
	(void)tf;
	ticks++;
}

/* Spins until the PIC's IRR shows the IRQ pending; 1 when it did. */
static int wait_irr(int irq)
{
	for (uint32_t i = 0; i < SPIN_MAX / 100; i++)
		if (pic_irr() & (1u << irq))
			return 1;
	return 0;
}

static void hlt_case(void)
{
	uint32_t hlts = 0;

	t_begin("hlt_count");
	ticks = 0;
	irq_set_handler(IRQ_PIT, irq0_eoi);
	pit_start(0, PIT_MODE_RATE, PIT_DIVISOR);
	pic_unmask(IRQ_PIT);
	while (ticks < 5 && hlts < 100) {
		__asm__ volatile("sti; hlt; cli" : : : "memory");
		hlts++;
	}
	t_check(ticks >= 5, "hlt: only %u ticks after %u hlts", ticks, hlts);
	t_check(hlts <= ticks, "hlt returned without an interrupt");
	gprintf("hlt: reached 5 ticks\n");
	t_end();
}

static void busy_case(void)
{
	int ok;

	t_begin("busy_count");
	ticks = 0;
	sti();
	ok = irq_wait(&ticks, 10, SPIN_MAX);
	cli();
	t_check(ok, "busy loop: %u of 10 ticks", ticks);
	gprintf("busy: reached 10 ticks\n");
	t_end();
}

static void mask_case(void)
{
	uint32_t before;

	t_begin("mask_unmask");
	pic_mask(IRQ_PIT);
	t_eq("imr", pic_get_imr(), 0xFFFF);
	before = ticks;
	sti();
	t_check(wait_irr(IRQ_PIT), "IRR bit 0 never set while masked");
	t_eq("no tick while masked", ticks, before);
	pic_unmask(IRQ_PIT);
	t_check(irq_wait(&ticks, before + 1, SPIN_MAX), "pending IRQ0 not delivered at unmask");
	cli();
	t_end();
}

static void eoi_case(int specific)
{
	uint32_t before;

	t_begin(specific ? "specific_eoi" : "eoi");
	irq_set_handler(IRQ_PIT, irq0_no_eoi);
	before = ticks;
	sti();
	t_check(irq_wait(&ticks, before + 1, SPIN_MAX), "no IRQ0");
	t_check(wait_irr(IRQ_PIT), "next IRQ0 never requested");
	t_eq("held off by the in-service bit", ticks, before + 1);
	t_eq_mask("isr", pic_isr(), 1u << IRQ_PIT, 1u << IRQ_PIT);
	irq_set_handler(IRQ_PIT, irq0_eoi);
	if (specific)
		pic_eoi_specific(IRQ_PIT);
	else
		pic_eoi(IRQ_PIT);
	t_check(irq_wait(&ticks, before + 2, SPIN_MAX), "IRQ0 not delivered after EOI");
	cli();
	t_eq_mask("isr clear", pic_isr(), 0, 1u << IRQ_PIT);
	t_end();
}

static void oneshot_case(void)
{
	uint8_t st;

	t_begin("oneshot");
	cli();
	st = pit_status(0);
	gprintf("rate generator status 0x%02x\n", st & PIT_STATUS_PROGRAM);
	t_eq("status (lo/hi, mode 2)", st & PIT_STATUS_PROGRAM,
	     PIT_ACCESS_LOHI | PIT_MODE(PIT_MODE_RATE));
	/*
	 * Mode 0 with a long count first, and one instruction with IF=1 to
	 * take an IRQ0 the rate generator may have left pending; then the
	 * real one-shot (reprogramming restarts it; OUT only rises at the
	 * terminal count).
	 */
	pit_start(0, PIT_MODE_TERMINAL, 0xFFFF);
	__asm__ volatile("sti; nop; cli" : : : "memory");
	pit_start(0, PIT_MODE_TERMINAL, PIT_DIVISOR * 2);
	ticks = 0;
	sti();
	t_check(irq_wait(&ticks, 1, SPIN_MAX), "one-shot never fired");
	irq_wait(&ticks, 2, SPIN_MAX / 10);	/* would see a second one */
	cli();
	t_eq("exactly one interrupt", ticks, 1);
	gprintf("oneshot: %u interrupt\n", ticks);
	pic_mask(IRQ_PIT);
	t_end();
}

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, CMOS_NMI_OFF | reg);
	return inb(CMOS_DATA);
}

static void cmos_write(uint8_t reg, uint8_t v)
{
	outb(CMOS_INDEX, CMOS_NMI_OFF | reg);
	outb(CMOS_DATA, v);
}

static void rtc_irq(struct trapframe *tf)
{
	(void)tf;
	cmos_read(RTC_REG_C);	/* acknowledge, or the RTC stops */
	rtc_ticks++;
	pic_eoi(IRQ_RTC);
}

static void cascade_case(void)
{
	uint8_t a, b;

	t_begin("slave_rtc");
	irq_set_handler(IRQ_RTC, rtc_irq);
	a = cmos_read(RTC_REG_A);
	b = cmos_read(RTC_REG_B);
	cmos_write(RTC_REG_A, (a & ~RTC_A_RATE_MASK) | RTC_A_RATE_1024);
	cmos_read(RTC_REG_C);
	cmos_write(RTC_REG_B, b | RTC_B_PIE);
	pic_unmask(IRQ_RTC);
	sti();
	t_check(irq_wait(&rtc_ticks, 3, SPIN_MAX), "RTC: %u of 3 IRQ8s", rtc_ticks);
	cli();
	cmos_write(RTC_REG_B, b);
	cmos_write(RTC_REG_A, a);
	cmos_read(RTC_REG_C);
	pic_mask(IRQ_RTC);
	gprintf("rtc: reached 3 interrupts\n");
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	pic_init();
	hlt_case();
	busy_case();
	mask_case();
	eoi_case(0);
	eoi_case(1);
	oneshot_case();
	cascade_case();
	t_begin("no_spurious");
	pic_set_imr(0xFFFF);
	t_eq("spurious IRQ7/IRQ15", pic_spurious, 0);
	t_end();
}
