/*
 * The guest's COM1/COM2, emulated as 16550A UARTs (com1=emulate,
 * com2=emulate) after the National PC16550D data sheet: divisor latch,
 * LCR, MCR, the 16-byte receive FIFO with its trigger levels and the
 * character timeout, LSR (data ready, overrun, THR empty, transmitter
 * empty), MSR with its delta bits, IIR priorities (line status, received
 * data or timeout, THR empty, modem status), SCR, and loopback.  On the
 * PC the interrupt reaches the PIC only while MCR.OUT2 is set, and not
 * in loopback (OUT2 is then forced inactive).  com1=hide / com2=hide: no
 * UART answers (reads 0xFF).
 *
 * A transmitted byte leaves at once (THR and the transmitter are empty
 * again right away, as with QEMU's UART): it goes to the real UART at the
 * same address, so the guest's transcript is the same as when passed
 * through.  If hv logs on that UART too, the guest's bytes are held back
 * until a whole line (or 50 ms of silence, or a full buffer) so that they
 * never land inside one of hv's log lines.  Received bytes come from the
 * real UART, polled.
 */
#include "drivers/vdev.h"

#include "drivers/clock.h"
#include "drivers/devices.h"
#include "drivers/irq.h"
#include "lib/uart.h"
#include "lib/log.h"
#include "lib/x86.h"

#define LINE_MAX	128
#define LINE_HOLD_NS	50000000u	/* a held line goes out after 50 ms */
#define RX_POLL_NS	1000000u	/* the real UART is polled every 1 ms */
#define UART_XTAL	1843200u

struct uart {
	uint16_t base;
	int irq, hide, real, shared;
	const char *name;
	uint8_t ier, lcr, mcr, scr, fcr;
	uint16_t dl;
	uint8_t lsr_err;	/* OE PE FE BI, until LSR is read */
	uint8_t msr;		/* status bits 7-4 and deltas 3-0 */
	uint8_t msr_in;		/* modem inputs when not in loopback */
	uint8_t rx[UART_FIFO_SIZE];
	int rx_head, rx_count;
	uint8_t rx_last;
	int thr_ipending, timeout;
	uint64_t rx_activity;	/* last character in or out of the FIFO */
	uint64_t rx_polled;
	char line[LINE_MAX];
	int nline;
	uint64_t line_since;
};

static struct uart uarts[2];

static int fifo_on(const struct uart *u)
{
	return u->fcr & UART_FCR_ENABLE;
}

static int trigger_level(const struct uart *u)
{
	static const int levels[4] = { 1, 4, 8, 14 };

	return levels[UART_FCR_TRIG(u->fcr)];
}

/* One character on the line: start, data, parity and stop bits. */
static uint64_t char_ns(const struct uart *u)
{
	uint32_t bits = 1 + 5 + (u->lcr & UART_LCR_WLS) + (u->lcr & UART_LCR_PEN ? 1 : 0) +
			(u->lcr & UART_LCR_STB ? 2 : 1);

	return muldiv64((uint64_t)bits * (u->dl ? u->dl : 65536) * 16, NS_PER_SEC, UART_XTAL);
}

/* The modem status inputs: from the MCR in loopback (data sheet, "Loop"). */
static uint8_t msr_status(const struct uart *u)
{
	uint8_t m = u->mcr;

	if (!(m & UART_MCR_LOOP))
		return u->msr_in & 0xF0;
	return (uint8_t)((m & UART_MCR_RTS ? UART_MSR_CTS : 0) |
			 (m & UART_MCR_DTR ? UART_MSR_DSR : 0) |
			 (m & UART_MCR_OUT1 ? UART_MSR_RI : 0) |
			 (m & UART_MCR_OUT2 ? UART_MSR_DCD : 0));
}

static void msr_update(struct uart *u)
{
	uint8_t old = u->msr & 0xF0, now = msr_status(u), d = 0;

	if ((old ^ now) & UART_MSR_CTS)
		d |= UART_MSR_DCTS;
	if ((old ^ now) & UART_MSR_DSR)
		d |= UART_MSR_DDSR;
	if ((old & UART_MSR_RI) && !(now & UART_MSR_RI))
		d |= UART_MSR_TERI;
	if ((old ^ now) & UART_MSR_DCD)
		d |= UART_MSR_DDCD;
	u->msr = (uint8_t)(now | (u->msr & UART_MSR_DELTAS) | d);
}

static uint8_t iir_of(const struct uart *u)
{
	uint8_t fifo = fifo_on(u) ? UART_IIR_FIFO : 0;

	if ((u->ier & UART_IER_RLSI) && u->lsr_err)
		return fifo | UART_IIR_RLSI;
	/* A timeout that occurred stays until the FIFO is read, even when more
	   characters arrive (data sheet, "FIFO interrupt mode operation"). */
	if ((u->ier & UART_IER_RDI) && u->rx_count && u->timeout)
		return fifo | UART_IIR_CTI;
	if ((u->ier & UART_IER_RDI) && u->rx_count &&
	    (!fifo_on(u) || u->rx_count >= trigger_level(u)))
		return fifo | UART_IIR_RDI;
	if ((u->ier & UART_IER_THRI) && u->thr_ipending)
		return fifo | UART_IIR_THRI;
	if ((u->ier & UART_IER_MSI) && (u->msr & UART_MSR_DELTAS))
		return fifo | UART_IIR_MSI;
	return fifo | UART_IIR_NONE;
}

static void update_irq(struct uart *u)
{
	int level = !(iir_of(u) & UART_IIR_NONE) && (u->mcr & UART_MCR_OUT2) &&
		    !(u->mcr & UART_MCR_LOOP);

	irq_set_isa(u->irq, level);
}

/* --- the real UART --- */

static void real_putc(struct uart *u, uint8_t b)
{
	for (int spin = 0; spin < 1000000; spin++)
		if (io_native_read(u->base + UART_LSR, 1) & UART_LSR_THRE)
			break;
	io_native_write(u->base + UART_THR, 1, b);
}

static void flush_line(struct uart *u)
{
	for (int i = 0; i < u->nline; i++)
		real_putc(u, (uint8_t)u->line[i]);
	u->nline = 0;
}

static void transmit(struct uart *u, uint8_t b, uint64_t now)
{
	if (!u->real)
		return;
	if (!u->shared) {
		real_putc(u, b);
		return;
	}
	if (!u->nline)
		u->line_since = now;
	u->line[u->nline++] = (char)b;
	if (b == '\n' || u->nline == LINE_MAX)
		flush_line(u);
}

static void receive(struct uart *u, uint8_t b, uint64_t now)
{
	int cap = fifo_on(u) ? UART_FIFO_SIZE : 1;

	if (u->rx_count == cap) {
		u->lsr_err |= UART_LSR_OE;
		if (!fifo_on(u))	/* the holding register is overwritten */
			u->rx[u->rx_head] = b;
		return;		/* the FIFO keeps what it has */
	}
	u->rx[(u->rx_head + u->rx_count++) % UART_FIFO_SIZE] = b;
	u->rx_activity = now;	/* restarts the timeout timer */
}

/* Who reads the real UART for the guest when hv's monitor shares it. */
static uint16_t shared_rx_base;
static int (*shared_rx_getc)(void);

void vuart_share_rx(uint16_t base, int (*getc)(void))
{
	shared_rx_base = base;
	shared_rx_getc = getc;
}

/* A byte from the real UART, or -1; the monitor's escapes are not the
   guest's when it shares the line (monitor/debug/console.c). */
static int real_getc(struct uart *u)
{
	if (shared_rx_getc && u->base == shared_rx_base)
		return shared_rx_getc();
	if (!(io_native_read(u->base + UART_LSR, 1) & UART_LSR_DR))
		return -1;
	return (int)io_native_read(u->base + UART_RBR, 1);
}

static void poll_real_rx(struct uart *u, uint64_t now)
{
	int c;

	if (!u->real || (u->mcr & UART_MCR_LOOP))
		return;
	u->rx_polled = now;
	while (u->rx_count < (fifo_on(u) ? UART_FIFO_SIZE : 1) && (c = real_getc(u)) >= 0)
		receive(u, (uint8_t)c, now);
}

static void check_timeout(struct uart *u, uint64_t now)
{
	if (fifo_on(u) && u->rx_count && !u->timeout && now - u->rx_activity >= 4 * char_ns(u))
		u->timeout = 1;
}

/* --- the guest's registers --- */

static uint32_t uart_read(void *ctx, uint16_t port, int size)
{
	struct uart *u = ctx;
	uint64_t now = clock_ns();
	uint8_t v = 0;

	(void)size;
	switch (port - u->base) {
	case UART_RBR:
		if (u->lcr & UART_LCR_DLAB) {
			v = u->dl & 0xFF;
			break;
		}
		poll_real_rx(u, now);
		if (u->rx_count) {
			u->rx_last = u->rx[u->rx_head];
			u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
			u->rx_count--;
			u->rx_activity = now;
		} else if (fifo_on(u)) {
			u->rx_last = 0;	/* an empty FIFO reads 0 (as QEMU's) */
		}
		u->timeout = 0;
		v = u->rx_last;
		break;
	case UART_IER:
		v = u->lcr & UART_LCR_DLAB ? u->dl >> 8 : u->ier;
		break;
	case UART_IIR:
		poll_real_rx(u, now);
		check_timeout(u, now);
		v = iir_of(u);
		if ((v & 0x0F) == UART_IIR_THRI)
			u->thr_ipending = 0;	/* reading it is the acknowledge */
		break;
	case UART_LCR:
		v = u->lcr;
		break;
	case UART_MCR:
		v = u->mcr;
		break;
	case UART_LSR:
		poll_real_rx(u, now);
		v = (uint8_t)(u->lsr_err | UART_LSR_THRE | UART_LSR_TEMT |
			      (u->rx_count ? UART_LSR_DR : 0));
		u->lsr_err = 0;
		break;
	case UART_MSR:
		msr_update(u);
		v = u->msr;
		u->msr &= 0xF0;
		break;
	default:
		v = u->scr;
		break;
	}
	update_irq(u);
	return v;
}

static void uart_write(void *ctx, uint16_t port, int size, uint32_t val)
{
	struct uart *u = ctx;
	uint64_t now = clock_ns();
	uint8_t v = (uint8_t)val;

	(void)size;
	switch (port - u->base) {
	case UART_THR:
		if (u->lcr & UART_LCR_DLAB) {
			u->dl = (uint16_t)((u->dl & 0xFF00) | v);
			break;
		}
		if (u->mcr & UART_MCR_LOOP)
			receive(u, v, now);
		else
			transmit(u, v, now);
		u->thr_ipending = 1;	/* THR is empty again at once */
		break;
	case UART_IER:
		if (u->lcr & UART_LCR_DLAB) {
			u->dl = (uint16_t)((u->dl & 0x00FF) | v << 8);
			break;
		}
		u->ier = v & UART_IER_MASK;
		if (u->ier & UART_IER_THRI)
			u->thr_ipending = 1;
		break;
	case UART_FCR:
		if ((v ^ u->fcr) & UART_FCR_ENABLE)
			v |= UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX;
		if (v & UART_FCR_CLEAR_RX) {
			u->rx_count = u->rx_head = 0;
			u->timeout = 0;
		}
		u->fcr = v & (UART_FCR_ENABLE | UART_FCR_DMA | 0xC0);
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR:
		u->mcr = v & UART_MCR_MASK;
		msr_update(u);
		break;
	case UART_LSR:
	case UART_MSR:
		break;	/* factory test only */
	default:
		u->scr = v;
		break;
	}
	update_irq(u);
}

static uint32_t absent_read(void *ctx, uint16_t port, int size)
{
	(void)ctx;
	(void)port;
	(void)size;
	return 0xFFFFFFFFu;
}

static void absent_write(void *ctx, uint16_t port, int size, uint32_t v)
{
	(void)ctx;
	(void)port;
	(void)size;
	(void)v;
}

static void uart_poll(uint64_t now)
{
	for (int i = 0; i < 2; i++) {
		struct uart *u = &uarts[i];

		if (!u->base || u->hide)
			continue;
		if (u->nline && now - u->line_since >= LINE_HOLD_NS)
			flush_line(u);
		if ((u->ier & UART_IER_RDI) && now - u->rx_polled >= RX_POLL_NS)
			poll_real_rx(u, now);
		check_timeout(u, now);
		update_irq(u);
	}
}

static uint64_t uart_next(uint64_t now)
{
	uint64_t next = CLOCK_NEVER;

	for (int i = 0; i < 2; i++) {
		struct uart *u = &uarts[i];
		uint64_t t;

		if (!u->base || u->hide)
			continue;
		if (u->nline && (t = u->line_since + LINE_HOLD_NS) < next)
			next = t;
		if ((u->ier & UART_IER_RDI) && u->real && !(u->mcr & UART_MCR_LOOP) &&
		    (t = u->rx_polled + RX_POLL_NS) < next)
			next = t;
		if ((u->ier & UART_IER_RDI) && fifo_on(u) && u->rx_count && !u->timeout &&
		    (t = u->rx_activity + 4 * char_ns(u)) < next)
			next = t;
	}
	return next < now ? now : next;
}

static const struct dev_timed uart_timed = { "UART", uart_poll, uart_next };

void vuart_flush(void)
{
	for (int i = 0; i < 2; i++)
		if (uarts[i].nline)
			flush_line(&uarts[i]);
}

/* Is there a UART at base?  Its scratch register keeps a value. */
static int real_probe(uint16_t base)
{
	uint8_t old = (uint8_t)io_native_read(base + UART_SCR, 1);
	int ok;

	io_native_write(base + UART_SCR, 1, 0xA5);
	ok = io_native_read(base + UART_SCR, 1) == 0xA5;
	io_native_write(base + UART_SCR, 1, old);
	return ok;
}

void vuart_init(int index, int hide)
{
	static int timed_added;
	struct uart *u = &uarts[index];
	enum console_kind con = console_current();

	u->base = index ? PORT_COM2 : PORT_COM1;
	u->irq = index ? UART_COM2_IRQ : UART_COM1_IRQ;
	u->name = index ? "COM2 (emulated)" : "COM1 (emulated)";
	u->hide = hide;
	irq_own_line(u->irq, 0);
	if (hide) {
		dev_register(u->base, u->base + 7, index ? "COM2 (hidden)" : "COM1 (hidden)",
			     absent_read, absent_write, u);
		return;
	}
	u->real = real_probe(u->base);
	u->shared = u->real && con == (index ? CONSOLE_COM2 : CONSOLE_COM1);
	/* What the guest finds: the real UART's settings, interrupts off. */
	u->dl = 12;
	u->msr_in = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	if (u->real) {
		uint8_t lcr = (uint8_t)io_native_read(u->base + UART_LCR, 1);

		io_native_write(u->base + UART_LCR, 1, lcr | UART_LCR_DLAB);
		u->dl = (uint16_t)(io_native_read(u->base + UART_DLL, 1) |
				   io_native_read(u->base + UART_DLM, 1) << 8);
		io_native_write(u->base + UART_LCR, 1, lcr);
		u->lcr = lcr;
		u->mcr = (uint8_t)io_native_read(u->base + UART_MCR, 1) & UART_MCR_MASK;
		u->scr = (uint8_t)io_native_read(u->base + UART_SCR, 1);
		u->msr_in = (uint8_t)io_native_read(u->base + UART_MSR, 1) & 0xF0;
		if (io_native_read(u->base + UART_IIR, 1) & UART_IIR_FIFO)
			u->fcr = UART_FCR_ENABLE;
		if (!u->shared) {
			/* The real one just carries bytes: 8N1, fast, no interrupts. */
			io_native_write(u->base + UART_IER, 1, 0);
			io_native_write(u->base + UART_LCR, 1, UART_LCR_DLAB);
			io_native_write(u->base + UART_DLL, 1, 1);
			io_native_write(u->base + UART_DLM, 1, 0);
			io_native_write(u->base + UART_LCR, 1, UART_LCR_8N1);
			io_native_write(u->base + UART_FCR, 1, UART_FCR_ENABLE | UART_FCR_CLEAR);
			io_native_write(u->base + UART_MCR, 1, UART_MCR_DTR | UART_MCR_RTS);
		}
	}
	u->msr = msr_status(u);
	dev_register(u->base, u->base + 7, u->name, uart_read, uart_write, u);
	if (!timed_added++)
		dev_add_timed(&uart_timed);
	log_debug("vuart", "%s: real UART %s%s", u->name, u->real ? "present" : "absent",
		  u->shared ? ", shared with hv's log (line-buffered)" : "");
}
