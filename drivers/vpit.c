/*
 * The guest's 8254 PIT and port 0x61, emulated (pit=emulate), after the
 * Intel 82C54 data sheet: control word, modes 0-5 (6 and 7 are 2 and 3),
 * binary and BCD counting, LSB/MSB/word access with their flip-flops,
 * counter latch, read-back (count and status, null count), the gate
 * (channel 2's, from port 0x61 bit 0; channels 0 and 1 are gated on),
 * and a new count in modes 2 and 3 taking effect at the end of the
 * current period.  Port 0x61 as the PC/AT has it: gate 2 and speaker
 * enable, OUT2, and the refresh bit toggling every 15 us.
 *
 * Time is clock_ns() in ticks of the 1.193182 MHz input clock.  Nothing
 * counts: a channel remembers when its counting element was loaded, and
 * its count and OUT are computed from the time elapsed.  Channel 0's
 * rising OUT edges go to IRQ0; after a stall, the edges that were missed
 * make one request, as the PIC would have latched them.
 */
#include "drivers/vdev.h"

#include "drivers/clock.h"
#include "drivers/devices.h"
#include "lib/hw/i8254.h"
#include "drivers/irq.h"
#include "lib/log.h"

#define REFRESH_TICKS	18	/* 15.085 us */

struct chan {
	uint8_t cw;		/* control word bits 5-0, for the status byte */
	uint8_t mode, rw, bcd;
	uint32_t n;		/* initial count, in ticks (0 means 65536 / 10000) */
	uint8_t wlow, wflip;	/* word access: first byte written, and the flip-flop */
	uint8_t rflip;		/* word access: the next read returns the MSB */
	int loaded;		/* a count was written since the control word */
	int armed;		/* the counting element is loaded and counting */
	uint32_t gen;		/* changes whenever counting restarts */
	int gate;
	uint64_t t0;		/* when the element was loaded (ticks) */
	uint64_t frozen;	/* elapsed ticks while the gate holds counting */
	uint64_t null_until;	/* null count reads 1 until then */
	int pending;		/* modes 2, 3: a new count waits for the period end */
	uint32_t pend_n;
	uint64_t pend_at;
	uint16_t latch;
	uint8_t latched;	/* count latch: 1 LSB, 2 MSB, 3 both (LSB first) */
	uint8_t status, status_latched;
	uint64_t last;		/* channel 0: elapsed ticks at the last poll ... */
	uint32_t last_gen;	/* ... of this counting run */
};

static struct chan ch[3];
static uint8_t sysb;		/* port 0x61 bits 3-0 */

static uint64_t ticks_now(void)
{
	return muldiv64(clock_ns(), PIT_HZ, NS_PER_SEC);
}

static uint32_t modulus(const struct chan *c)
{
	return c->bcd ? 10000 : 65536;
}

/* The count as written, in ticks. */
static uint32_t count_of(const struct chan *c, uint32_t raw)
{
	if (c->bcd) {
		uint32_t v = (raw >> 12 & 15) * 1000 + (raw >> 8 & 15) * 100 +
			     (raw >> 4 & 15) * 10 + (raw & 15);

		return v ? v : 10000;
	}
	return raw ? raw : 65536;
}

static int counts_with_gate_low(const struct chan *c)
{
	return c->mode == 1 || c->mode == 5;	/* triggered: gate only starts them */
}

/* Ticks counted since the element was loaded. */
static uint64_t elapsed(const struct chan *c, uint64_t now)
{
	if (!c->armed)
		return 0;
	if (!c->gate && !counts_with_gate_low(c))
		return c->frozen;
	return now - c->t0;
}

/* A new count waiting for the end of a period (modes 2, 3) is loaded. */
static void settle(struct chan *c, uint64_t now)
{
	if (c->pending && c->armed && (c->gate || counts_with_gate_low(c)) && now >= c->pend_at) {
		c->t0 = c->pend_at;
		c->n = c->pend_n;
		c->pending = 0;
		c->gen++;
	}
}

static int out_at(const struct chan *c, uint64_t d)
{
	uint32_t n = c->n, p;

	if (!c->armed)
		return c->mode != 0;
	switch (c->mode) {
	case 0:
	case 1:
		return d >= n;
	case 2:
		if (!c->gate)
			return 1;
		return d % n != n - 1;
	case 3:
		if (!c->gate)
			return 1;
		p = (uint32_t)(d % n);
		return p < (n + 1) / 2;
	default:	/* 4, 5 */
		return d != n;
	}
}

static uint32_t count_at(const struct chan *c, uint64_t d)
{
	uint32_t n = c->n, m = modulus(c), q, half;

	if (!c->armed)
		return n % m;
	switch (c->mode) {
	case 2:
		return n - (uint32_t)(d % n);
	case 3:
		q = (uint32_t)(d % n);
		half = (n + 1) / 2;
		if (!(n & 1))
			return n - 2 * (q % (n / 2));
		if (q < half)	/* odd: N, N-1, N-3 ... 2 while high */
			return q ? n + 1 - 2 * q : n;
		q -= half;	/* then N, N-3, N-5 ... 2 while low */
		return q ? n - 1 - 2 * q : n;
	default:
		return (uint32_t)((n + m - d % m) % m);
	}
}

static uint16_t encode(const struct chan *c, uint32_t v)
{
	if (!c->bcd)
		return (uint16_t)v;
	v %= 10000;
	return (uint16_t)((v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

static uint16_t counter(struct chan *c, uint64_t now)
{
	settle(c, now);
	return encode(c, count_at(c, elapsed(c, now)));
}

static int out_now(struct chan *c, uint64_t now)
{
	settle(c, now);
	return out_at(c, elapsed(c, now));
}

/* The first rising OUT edge at elapsed > d, or UINT64_MAX. */
static uint64_t next_edge(const struct chan *c, uint64_t d)
{
	if (!c->armed)
		return UINT64_MAX;
	switch (c->mode) {
	case 0:
	case 1:
		return d < c->n ? c->n : UINT64_MAX;
	case 2:
	case 3:
		return c->gate ? (d / c->n + 1) * c->n : UINT64_MAX;
	default:
		return d < c->n + 1 ? c->n + 1 : UINT64_MAX;
	}
}

static void set_gate(struct chan *c, int gate, uint64_t now)
{
	settle(c, now);
	if (gate == c->gate)
		return;
	if (!gate) {
		c->frozen = elapsed(c, now);
	} else if (c->mode == 1 || c->mode == 5 || c->mode == 2 || c->mode == 3) {
		/* Rising gate: (re)trigger, or reload the rate generators. */
		if (((c->mode == 1 || c->mode == 5) && c->loaded) || c->armed) {
			c->armed = 1;
			c->t0 = now;
			c->gen++;
			c->null_until = now < c->null_until ? now : c->null_until;
			if (c->pending) {
				c->n = c->pend_n;
				c->pending = 0;
			}
		}
	} else {
		c->t0 = now - c->frozen;
	}
	c->gate = gate;
}

static void write_control(uint8_t cw, uint64_t now)
{
	int sc = PIT_CW_SC(cw), rw = PIT_CW_RW(cw);

	if (sc == PIT_SC_READBACK) {
		for (int i = 0; i < 3; i++) {
			struct chan *c = &ch[i];

			if (!(cw & PIT_RB_CH(i)))
				continue;
			if (!(cw & PIT_RB_NO_COUNT) && !c->latched) {
				c->latch = counter(c, now);
				c->latched = c->rw;
			}
			if (!(cw & PIT_RB_NO_STATUS) && !c->status_latched) {
				c->status = (uint8_t)((out_now(c, now) ? PIT_ST_OUT : 0) |
						      (!c->armed || now < c->null_until ||
						       c->pending ? PIT_ST_NULL : 0) | c->cw);
				c->status_latched = 1;
			}
		}
		return;
	}
	if (rw == PIT_RW_LATCH) {
		struct chan *c = &ch[sc];

		if (!c->latched) {
			c->latch = counter(c, now);
			c->latched = c->rw;
		}
		return;
	}
	{
		struct chan *c = &ch[sc];
		int gate = c->gate;
		uint32_t gen = c->gen + 1;

		*c = (struct chan){ 0 };
		c->gen = gen;
		c->cw = cw & PIT_ST_CW_MASK;
		c->mode = PIT_CW_MODE(cw) >= 6 ? PIT_CW_MODE(cw) - 4 : PIT_CW_MODE(cw);
		c->rw = (uint8_t)rw;
		c->bcd = cw & PIT_CW_BCD;
		c->n = modulus(c);
		c->gate = gate;
		c->null_until = UINT64_MAX;
	}
}

static void load_count(struct chan *c, uint32_t raw, uint64_t now)
{
	uint32_t n = count_of(c, raw);

	settle(c, now);
	c->loaded = 1;
	if ((c->mode == 2 || c->mode == 3) && c->armed) {
		uint64_t d = elapsed(c, now);

		c->pending = 1;
		c->pend_n = n < 2 ? 2 : n;
		c->pend_at = c->t0 + (d / c->n + 1) * c->n;
		c->null_until = c->pend_at;
		return;
	}
	if (c->mode == 2 || c->mode == 3)
		n = n < 2 ? 2 : n;	/* a count of 1 is illegal there */
	c->n = n;
	c->null_until = now + 1;
	if (c->mode == 1 || c->mode == 5) {
		/* Waits for a trigger (keeps counting an earlier one). */
		return;
	}
	c->armed = 1;
	c->t0 = now;
	c->frozen = 0;
	c->gen++;
}

static void write_counter(struct chan *c, uint8_t v, uint64_t now)
{
	switch (c->rw) {
	case PIT_RW_LSB:
		load_count(c, v, now);
		break;
	case PIT_RW_MSB:
		load_count(c, (uint32_t)v << 8, now);
		break;
	default:
		if (!c->wflip) {
			c->wlow = v;
			c->wflip = 1;
			if (c->mode == 0) {
				/* Mode 0: the first byte stops counting, OUT low. */
				c->armed = 0;
				c->gen++;
			}
		} else {
			c->wflip = 0;
			load_count(c, c->wlow | (uint32_t)v << 8, now);
		}
		break;
	}
}

static uint8_t read_counter(struct chan *c, uint64_t now)
{
	uint16_t v;

	if (c->status_latched) {
		c->status_latched = 0;
		return c->status;
	}
	if (c->latched) {
		if (c->latched == PIT_RW_MSB) {
			c->latched = 0;
			return c->latch >> 8;
		}
		c->latched = c->latched == PIT_RW_WORD ? PIT_RW_MSB : 0;
		return c->latch & 0xFF;
	}
	v = counter(c, now);
	switch (c->rw) {
	case PIT_RW_LSB:
		return v & 0xFF;
	case PIT_RW_MSB:
		return v >> 8;
	default:
		c->rflip ^= 1;
		return c->rflip ? v & 0xFF : v >> 8;
	}
}

static uint32_t pit_read(void *ctx, uint16_t port, int size)
{
	(void)ctx;
	(void)size;
	if (port == PIT_CMD)
		return 0xFF;	/* the control word register cannot be read */
	return read_counter(&ch[port - PIT_CH0], ticks_now());
}

static void pit_write(void *ctx, uint16_t port, int size, uint32_t v)
{
	uint64_t now = ticks_now();

	(void)ctx;
	(void)size;
	if (port == PIT_CMD)
		write_control((uint8_t)v, now);
	else
		write_counter(&ch[port - PIT_CH0], (uint8_t)v, now);
}

static uint32_t sysb_read(void *ctx, uint16_t port, int size)
{
	uint64_t now = ticks_now();

	(void)ctx;
	(void)port;
	(void)size;
	return sysb | ((now / REFRESH_TICKS) & 1 ? SYSB_REFRESH : 0) |
	       (out_now(&ch[2], now) ? SYSB_OUT2 : 0);
}

static void sysb_write(void *ctx, uint16_t port, int size, uint32_t v)
{
	(void)ctx;
	(void)port;
	(void)size;
	sysb = v & SYSB_WRITABLE;
	set_gate(&ch[2], v & SYSB_GATE2, ticks_now());
}

/* Channel 0 drives IRQ0: one edge for every rising OUT since the last poll. */
static void pit_poll(uint64_t now_ns)
{
	struct chan *c = &ch[0];
	uint64_t now = muldiv64(now_ns, PIT_HZ, NS_PER_SEC), d, from;
	int edge = 0;

	if (c->pending && c->armed && now >= c->pend_at) {
		/* The old period's last edge, then the new count's. */
		edge = c->gen == c->last_gen && elapsed(c, c->pend_at) > c->last;
		settle(c, now);
	}
	from = c->gen == c->last_gen ? c->last : 0;	/* 0: counting restarted */
	d = elapsed(c, now);
	if (d < from)
		from = d;
	if (next_edge(c, from) <= d)
		edge = 1;
	if (edge) {
		irq_set_isa(PIT_IRQ, 0);
		irq_set_isa(PIT_IRQ, 1);
	}
	irq_set_isa(PIT_IRQ, out_at(c, d));
	c->last = d;
	c->last_gen = c->gen;
}

static uint64_t pit_next(uint64_t now_ns)
{
	struct chan *c = &ch[0];
	uint64_t now = muldiv64(now_ns, PIT_HZ, NS_PER_SEC), d, e, at;

	settle(c, now);
	if (!c->armed || (!c->gate && !counts_with_gate_low(c)))
		return CLOCK_NEVER;
	d = elapsed(c, now);
	e = next_edge(c, d);
	if (c->pending && c->pend_at > now && (e == UINT64_MAX || c->t0 + e > c->pend_at))
		at = c->pend_at;
	else if (e == UINT64_MAX)
		return CLOCK_NEVER;
	else
		at = c->t0 + e;
	return muldiv64(at, NS_PER_SEC, PIT_HZ) + 1;
}

static const struct dev_timed pit_timed = { "PIT", pit_poll, pit_next };

void vpit_init(void)
{
	uint64_t now = ticks_now();
	uint8_t real_sysb = (uint8_t)io_native_read(PORT_SYSCTL_B, 1);

	/* As the BIOS leaves it: channel 0 a rate generator over 65536. */
	for (int i = 0; i < 3; i++) {
		struct chan *c = &ch[i];

		write_control((uint8_t)(i << 6 | PIT_RW_WORD << 4 | (i == 2 ? 0 : 3) << 1), now);
		c->gate = i == 2 ? real_sysb & SYSB_GATE2 : 1;
		load_count(c, 0, now);
		c->null_until = 0;
	}
	sysb = real_sysb & SYSB_WRITABLE;
	dev_register(PIT_CH0, PIT_CMD, "PIT (emulated)", pit_read, pit_write, 0);
	dev_register(PORT_SYSCTL_B, PORT_SYSCTL_B, "port 0x61 (emulated)", sysb_read,
		     sysb_write, 0);
	dev_add_timed(&pit_timed);
	log_debug("vpit", "emulated PIT: channel 0 mode 3, channel 2 mode 0");
}
