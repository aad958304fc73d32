/*
 * The 8254 PIT beyond what the timer guest covers (Intel 82C54 data
 * sheet: control word, modes 0-5, counter latch, read-back command and
 * status byte; port 0x61 for channel 2's gate and OUT, IBM PC/AT
 * technical reference):
 *  - the status byte reports the programmed access, mode and BCD bits
 *    for every mode and access (modes 6 and 7 as written);
 *  - a latched count holds until read and a second latch before that is
 *    ignored; read-back latches several channels at once, status first;
 *  - LSB-only and MSB-only access; mode 2 never reads 0, mode 3 counts
 *    by twos (even count); mode 0 counts on past the terminal count;
 *  - mode 0's OUT rises at the terminal count (read-back and IRR0),
 *    mode 4 interrupts once, modes 2 and 3 repeatedly;
 *  - channel 2: OUT2 on port 0x61, and a rising gate restarting modes 1
 *    and 2.
 * The OUT bit is only asserted where the data sheet and QEMU agree
 * (QEMU inverts OUT in modes 1, 2 and 4 and ignores the gate in modes 0
 * and 4); null count is never asserted (QEMU does not model it).  Every
 * wait is bounded by loop iterations; only deterministic facts print.
 */
#include "guest/lib/guest.h"

#include "lib/hw/i8254.h"

GUEST_NAME("pitmodes");

#define SPIN_MAX	20000000u
#define CW(ch, rw, mode, bcd) ((ch) << 6 | (rw) << 4 | (mode) << 1 | (bcd))

static volatile uint32_t ticks;

static void irq0(struct trapframe *tf)
{
	(void)tf;
	ticks++;
	pic_eoi(IRQ_PIT);
}

static void program(int ch, int rw, int mode, uint16_t count)
{
	outb(PIT_CMD, CW(ch, rw, mode, 0));
	if (rw == PIT_RW_LSB || rw == PIT_RW_WORD)
		outb(PIT_CH0 + ch, count & 0xFF);
	if (rw == PIT_RW_MSB || rw == PIT_RW_WORD)
		outb(PIT_CH0 + ch, count >> 8);
}

static uint8_t status(int ch)
{
	outb(PIT_CMD, PIT_READBACK | PIT_RB_NO_COUNT | PIT_RB_CH(ch));
	return inb(PIT_CH0 + ch);
}

/* Counter latch command, then the two bytes (word access). */
static uint16_t latch_word(int ch)
{
	uint16_t v;

	outb(PIT_CMD, CW(ch, PIT_RW_LATCH, 0, 0));
	v = inb(PIT_CH0 + ch);
	return v | (uint16_t)(inb(PIT_CH0 + ch) << 8);
}

/* Waits until channel 2 (mode 2, running) has counted at least n ticks. */
static int wait_ticks(uint32_t n)
{
	uint16_t start = latch_word(2), now;
	uint32_t seen = 0;

	for (uint32_t i = 0; i < SPIN_MAX / 100; i++) {
		now = latch_word(2);
		seen = (uint16_t)(start - now);
		if (seen >= n)
			return 1;
	}
	return 0;
}

static void status_case(void)
{
	t_begin("status_byte");
	for (int mode = 0; mode < 8; mode++)
		for (int rw = PIT_RW_LSB; rw <= PIT_RW_WORD; rw++)
			for (int bcd = 0; bcd < 2; bcd++) {
				uint8_t cw = (uint8_t)CW(0, rw, mode, bcd), st;

				outb(PIT_CMD, cw);
				if (rw != PIT_RW_MSB)
					outb(PIT_CH0, 0x00);
				if (rw != PIT_RW_LSB)
					outb(PIT_CH0, 0x10);
				st = status(0);
				t_eq("status bits 5-0", st & PIT_ST_CW_MASK, cw & PIT_ST_CW_MASK);
			}
	/* Mode 0 right after the count: OUT low (terminal count far away). */
	program(0, PIT_RW_WORD, 0, 0xFFFF);
	t_eq_mask("mode 0 OUT before terminal count", status(0), 0, PIT_ST_OUT);
	gprintf("status bytes: 48 control words reported as written\n");
	t_end();
}

static void latch_case(void)
{
	uint16_t a, b;

	t_begin("latch_hold");
	/* The reference clock: channel 2, gated on, 65536 ticks a turn. */
	outb(PORT_SYSCTL_B, (inb(PORT_SYSCTL_B) & ~SYSB_SPKR) | SYSB_GATE2);
	program(2, PIT_RW_WORD, 2, 0);
	program(0, PIT_RW_WORD, 0, 0xFFFF);
	outb(PIT_CMD, CW(0, PIT_RW_LATCH, 0, 0));
	t_check(wait_ticks(2000), "channel 2 did not count");
	outb(PIT_CMD, CW(0, PIT_RW_LATCH, 0, 0));	/* ignored: not read yet */
	a = inb(PIT_CH0);
	a |= (uint16_t)(inb(PIT_CH0) << 8);
	b = latch_word(0);
	t_check((uint16_t)(a - b) >= 2000 && (uint16_t)(a - b) < 60000,
		"first latch 0x%04x, later 0x%04x: the second latch was not ignored", a, b);

	/* Read-back: two channels' counts at once (channel 2 stays the
	   clock), then status before count. */
	program(1, PIT_RW_WORD, 2, 0);
	outb(PIT_CMD, PIT_READBACK | PIT_RB_NO_STATUS | PIT_RB_CH(0) | PIT_RB_CH(1));
	t_check(wait_ticks(2000), "channel 2 did not count");
	a = inb(PIT_CH0);
	a |= (uint16_t)(inb(PIT_CH0) << 8);
	b = inb(PIT_CH0 + 1);
	b |= (uint16_t)(inb(PIT_CH0 + 1) << 8);
	t_check((uint16_t)(a - latch_word(0)) >= 2000, "read-back count of channel 0 not held");
	t_check((uint16_t)(b - latch_word(1)) >= 2000, "read-back count of channel 1 not held");
	outb(PIT_CMD, PIT_READBACK | PIT_RB_CH(0));
	t_eq("read-back: status first", inb(PIT_CH0) & PIT_ST_CW_MASK,
	     CW(0, PIT_RW_WORD, 0, 0) & PIT_ST_CW_MASK);
	a = inb(PIT_CH0);
	a |= (uint16_t)(inb(PIT_CH0) << 8);
	b = latch_word(0);
	t_check((uint16_t)(a - b) < 60000, "read-back: count 0x%04x after the status, then 0x%04x",
		a, b);
	t_end();
}

static void access_case(void)
{
	uint32_t bad = 0;
	uint8_t v;

	t_begin("lsb_msb_access");
	program(0, PIT_RW_LSB, 2, 0x80);	/* count 0x0080 */
	for (int i = 0; i < 50; i++) {
		v = inb(PIT_CH0);
		if (v < 1 || v > 0x80)
			bad++;
	}
	t_eq("LSB-only reads outside 1..0x80", bad, 0);
	program(0, PIT_RW_MSB, 2, 0x0200);	/* count 0x0200 */
	for (int i = 0; i < 50; i++)
		if (inb(PIT_CH0) > 2)
			bad++;
	t_eq("MSB-only reads above 2", bad, 0);
	t_end();
}

static void values_case(void)
{
	uint32_t bad2 = 0, bad3 = 0;
	uint16_t v;

	t_begin("mode_counts");
	program(0, PIT_RW_WORD, 2, 3000);
	for (int i = 0; i < 100; i++) {
		v = latch_word(0);
		if (v < 1 || v > 3000)
			bad2++;
	}
	t_eq("mode 2 counts outside 1..3000", bad2, 0);
	program(0, PIT_RW_WORD, 3, 1000);
	for (int i = 0; i < 100; i++) {
		v = latch_word(0);
		if ((v & 1) || v < 2 || v > 1000)
			bad3++;
	}
	t_eq("mode 3 counts odd or outside 2..1000", bad3, 0);
	t_end();
}

static int wait_out(int ch)
{
	for (uint32_t i = 0; i < SPIN_MAX / 100; i++)
		if (status(ch) & PIT_ST_OUT)
			return 1;
	return 0;
}

static void mode0_case(void)
{
	uint16_t v;

	t_begin("mode0_terminal_count");
	pic_mask(IRQ_PIT);
	program(0, PIT_RW_WORD, 0, 20000);	/* 17 ms: time to look before */
	t_eq_mask("OUT low while counting", status(0), 0, PIT_ST_OUT);
	t_check(wait_out(0), "OUT never rose");
	t_check(pic_irr() & (1u << IRQ_PIT), "the rising OUT left no request in IRR0");
	v = latch_word(0);
	t_check(v > 0x8000, "count 0x%04x: mode 0 counts on past 0 from 0xFFFF", v);
	program(0, PIT_RW_WORD, 0, 0xFFFF);
	t_eq_mask("new count: OUT low again", status(0), 0, PIT_ST_OUT);
	t_end();
}

/*
 * Interrupts from channel 0 in a mode.  The control word alone may make
 * an edge (OUT goes to the mode's initial level: high except in mode 0),
 * so that one is taken before counting starts.
 */
static uint32_t count_irqs(int mode, uint16_t count, uint32_t want, uint32_t spins)
{
	cli();
	program(0, PIT_RW_WORD, 0, 0xFFFF);	/* OUT low for a long while */
	pic_unmask(IRQ_PIT);
	outb(PIT_CMD, CW(0, PIT_RW_WORD, mode, 0));
	__asm__ volatile("sti; nop; cli" : : : "memory");
	ticks = 0;
	outb(PIT_CH0, count & 0xFF);
	outb(PIT_CH0, count >> 8);
	sti();
	irq_wait(&ticks, want, spins);
	cli();
	pic_mask(IRQ_PIT);
	return ticks;
}

static void irq_case(void)
{
	uint32_t n;

	t_begin("irq_per_mode");
	irq_set_handler(IRQ_PIT, irq0);
	n = count_irqs(4, 2000, 1, SPIN_MAX);
	t_eq("mode 4: one interrupt", n, 1);
	n = count_irqs(4, 2000, 2, SPIN_MAX / 10);
	t_eq("mode 4: still one", n, 1);
	n = count_irqs(0, 2000, 2, SPIN_MAX / 10);
	t_eq("mode 0: one interrupt", n, 1);
	n = count_irqs(2, 2386, 3, SPIN_MAX);
	t_check(n >= 3, "mode 2: %u interrupts, want 3", n);
	n = count_irqs(3, 2386, 3, SPIN_MAX);
	t_check(n >= 3, "mode 3: %u interrupts, want 3", n);
	gprintf("mode 4 and 0 once, modes 2 and 3 repeatedly\n");
	t_end();
}

static void channel2_case(void)
{
	uint8_t b = inb(PORT_SYSCTL_B);
	uint16_t v, t0, took;
	int rose = 0;

	t_begin("channel2_gate");
	outb(PORT_SYSCTL_B, (b & ~(SYSB_GATE2 | SYSB_SPKR)) | SYSB_GATE2);
	t_eq("port 0x61 gate and speaker bits", inb(PORT_SYSCTL_B) & 3, SYSB_GATE2);
	/* 10 000 ticks (8.4 ms): long enough that a loaded host does not
	   reach the terminal count before the next read. */
	program(2, PIT_RW_WORD, 0, 10000);
	t_eq_mask("OUT2 low while counting", inb(PORT_SYSCTL_B), 0, SYSB_OUT2);
	for (uint32_t i = 0; i < SPIN_MAX / 100 && !rose; i++)
		rose = !!(inb(PORT_SYSCTL_B) & SYSB_OUT2);
	t_check(rose, "OUT2 never rose in mode 0");

	/* A rising gate restarts modes 1 and 2 from the full count: the
	   count is down by no more than the time since (channel 0 measures
	   it), not by the 25000 ticks since the control word. */
	for (int mode = 1; mode <= 2; mode++) {
		outb(PORT_SYSCTL_B, b & ~(SYSB_GATE2 | SYSB_SPKR));
		program(2, PIT_RW_WORD, mode, 50000);
		program(0, PIT_RW_WORD, 2, 0);
		for (int i = 0; i < 5; i++) {
			uint16_t s = latch_word(0);

			for (uint32_t n = 0; n < SPIN_MAX / 100; n++)
				if ((uint16_t)(s - latch_word(0)) >= 5000)
					break;
		}
		t0 = latch_word(0);
		outb(PORT_SYSCTL_B, (b & ~SYSB_SPKR) | SYSB_GATE2);
		v = latch_word(2);
		took = (uint16_t)(t0 - latch_word(0));	/* ticks since before the rise */
		t_check(v <= 50000 && v + took + 16 >= 50000,
			"mode %d: count 0x%04x %u ticks after the gate rose", mode, v, took);
	}
	outb(PORT_SYSCTL_B, b);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	pic_init();
	status_case();
	latch_case();
	access_case();
	values_case();
	mode0_case();
	irq_case();
	channel2_case();
	program(0, PIT_RW_WORD, 3, 0);
	t_begin("no_spurious");
	t_eq("spurious IRQ7/IRQ15", pic_spurious, 0);
	t_end();
}
