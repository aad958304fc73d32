/*
 * COM1 as a 16550A UART (National PC16550D data sheet: register set,
 * divisor latch, FIFO control and trigger levels, line status, interrupt
 * identification and its priorities, the character timeout, loopback
 * with the modem control outputs on the modem status inputs):
 *  - registers: divisor latch, LCR, SCR, IER (4 bits), MCR (5 bits), the
 *    FIFO bits in IIR;
 *  - loopback without FIFO: one holding register, an overrun keeps the
 *    newest byte; LSR's overrun bit clears when read;
 *  - loopback with FIFO: 16 bytes in order, the 17th is lost (overrun),
 *    receiver reset;
 *  - IIR: THR empty, received data above THR empty, line status above
 *    both, the timeout below the trigger level, none;
 *  - MSR in loopback (CTS = RTS, DSR = DTR, RI = OUT1, DCD = OUT2);
 *  - THR-empty interrupt on IRQ4 with OUT2 set.
 * Nothing is printed while the UART is in loopback or slow; the console
 * is restored (115200 8N1, FIFO) before every result line.
 */
#include "guest/lib/guest.h"

#include "lib/uart.h"

GUEST_NAME("uart");

#define SPIN_MAX	20000000u
#define U(r)		(PORT_COM1 + (r))
#define FIFO_TRIG4	0x40

static void set_divisor(uint16_t d)
{
	uint8_t lcr = inb(U(UART_LCR));

	outb(U(UART_LCR), lcr | UART_LCR_DLAB);
	outb(U(UART_DLL), d & 0xFF);
	outb(U(UART_DLM), d >> 8);
	outb(U(UART_LCR), lcr);
}

/* Back to what the library set up: the console works again. */
static void restore(void)
{
	outb(U(UART_IER), 0);
	outb(U(UART_LCR), UART_LCR_8N1);
	set_divisor(1);
	outb(U(UART_FCR), UART_FCR_ENABLE | UART_FCR_CLEAR);
	outb(U(UART_MCR), UART_MCR_DTR | UART_MCR_RTS);
	while (inb(U(UART_LSR)) & UART_LSR_DR)
		inb(U(UART_RBR));
	inb(U(UART_IIR));
}

static void loopback(uint8_t fcr)
{
	outb(U(UART_IER), 0);
	outb(U(UART_MCR), UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_RTS);
	outb(U(UART_FCR), fcr | UART_FCR_CLEAR);
	while (inb(U(UART_LSR)) & UART_LSR_DR)
		inb(U(UART_RBR));
	inb(U(UART_LSR));
}

static void registers_case(void)
{
	uint8_t dll, dlm, lcr, ier, mcr, scr, fifo_iir, nofifo_iir;

	t_begin("registers");
	outb(U(UART_LCR), UART_LCR_8N1 | UART_LCR_DLAB);
	outb(U(UART_DLL), 0x34);
	outb(U(UART_DLM), 0x12);
	dll = inb(U(UART_DLL));
	dlm = inb(U(UART_DLM));
	outb(U(UART_LCR), 0x1B);	/* 8 bits, 2 stop bits, even parity */
	lcr = inb(U(UART_LCR));
	outb(U(UART_IER), 0xFF);
	ier = inb(U(UART_IER));
	outb(U(UART_IER), 0);
	outb(U(UART_MCR), 0xFF);
	mcr = inb(U(UART_MCR));
	outb(U(UART_SCR), 0x5A);
	scr = inb(U(UART_SCR));
	outb(U(UART_FCR), UART_FCR_ENABLE);
	fifo_iir = inb(U(UART_IIR));
	outb(U(UART_FCR), 0);
	nofifo_iir = inb(U(UART_IIR));
	restore();
	t_eq("DLL", dll, 0x34);
	t_eq("DLM", dlm, 0x12);
	t_eq("LCR", lcr, 0x1B);
	t_eq("IER keeps 4 bits", ier, 0x0F);
	t_eq("MCR keeps 5 bits", mcr, 0x1F);
	t_eq("SCR", scr, 0x5A);
	t_eq_mask("IIR FIFO bits, FIFO on", fifo_iir, UART_IIR_FIFO, UART_IIR_FIFO);
	t_eq_mask("IIR FIFO bits, FIFO off", nofifo_iir, 0, UART_IIR_FIFO);
	t_end();
}

static void nofifo_case(void)
{
	uint8_t lsr0, lsr1, b1, lsr2, lsr3, b2, lsr4;

	t_begin("loopback_holding_register");
	loopback(0);
	lsr0 = inb(U(UART_LSR));
	outb(U(UART_THR), 'A');
	lsr1 = inb(U(UART_LSR));
	b1 = inb(U(UART_RBR));
	lsr2 = inb(U(UART_LSR));
	outb(U(UART_THR), 'B');
	outb(U(UART_THR), 'C');
	lsr3 = inb(U(UART_LSR));
	b2 = inb(U(UART_RBR));
	lsr4 = inb(U(UART_LSR));
	restore();
	t_eq_mask("idle: THRE TEMT, no data", lsr0, UART_LSR_THRE | UART_LSR_TEMT,
		  UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR | UART_LSR_OE);
	t_eq_mask("one byte: DR", lsr1, UART_LSR_DR | UART_LSR_THRE, UART_LSR_DR | UART_LSR_THRE);
	t_eq("byte", b1, 'A');
	t_eq_mask("read: no DR", lsr2, 0, UART_LSR_DR);
	t_eq_mask("two bytes: DR and overrun", lsr3, UART_LSR_DR | UART_LSR_OE,
		  UART_LSR_DR | UART_LSR_OE);
	t_eq("the newer byte", b2, 'C');
	t_eq_mask("overrun cleared by reading LSR", lsr4, 0, UART_LSR_OE | UART_LSR_DR);
	t_end();
}

static void fifo_case(void)
{
	uint8_t got[UART_FIFO_SIZE + 1], lsr_full, lsr_oe2, lsr_clr;
	int n = 0;

	t_begin("loopback_fifo");
	loopback(UART_FCR_ENABLE);
	for (int i = 0; i < UART_FIFO_SIZE + 1; i++)
		outb(U(UART_THR), (uint8_t)(0x30 + i));
	lsr_full = inb(U(UART_LSR));
	lsr_oe2 = inb(U(UART_LSR));
	while (n < UART_FIFO_SIZE + 1 && (inb(U(UART_LSR)) & UART_LSR_DR))
		got[n++] = inb(U(UART_RBR));
	for (int i = 0; i < 3; i++)
		outb(U(UART_THR), (uint8_t)i);
	outb(U(UART_FCR), UART_FCR_ENABLE | UART_FCR_CLEAR_RX);
	lsr_clr = inb(U(UART_LSR));
	restore();
	t_eq_mask("17 bytes: DR and overrun", lsr_full, UART_LSR_DR | UART_LSR_OE,
		  UART_LSR_DR | UART_LSR_OE);
	t_eq_mask("overrun reported once", lsr_oe2, 0, UART_LSR_OE);
	t_eq("bytes kept", n, UART_FIFO_SIZE);
	for (int i = 0; i < n; i++)
		if (got[i] != 0x30 + i) {
			t_fail("byte %d is 0x%02x, want 0x%02x", i, got[i], 0x30 + i);
			break;
		}
	t_eq_mask("receiver FIFO reset", lsr_clr, 0, UART_LSR_DR);
	t_end();
}

static uint8_t iir(void)
{
	return inb(U(UART_IIR)) & 0x0F;
}

/* PIT channel 0's count (mode 2 over 65536, started by gmain). */
static uint16_t pit_count(void)
{
	uint16_t v;

	outb(PIT_CMD, 0x00);	/* latch channel 0 */
	v = inb(PIT_CH0);
	return v | (uint16_t)(inb(PIT_CH0) << 8);
}

/* Waits at most about 500 ms (PIT time) for an interrupt identification. */
static int wait_iir(uint8_t want)
{
	uint16_t last = pit_count();
	uint32_t elapsed = 0;

	while (elapsed < PIT_HZ / 2) {
		uint16_t now = pit_count();

		if (iir() == want)
			return 1;
		elapsed += (uint16_t)(last - now);
		last = now;
	}
	return 0;
}

static void iir_case(void)
{
	uint8_t a, b, c, d, e, f, g, h;
	int cti;

	t_begin("interrupt_identification");
	/* 300 baud: the character timeout (4 characters, 133 ms) cannot
	   come between the steps below, only where it is waited for. */
	set_divisor(384);
	loopback(UART_FCR_ENABLE);
	outb(U(UART_IER), UART_IER_RDI | UART_IER_THRI | UART_IER_RLSI);
	a = iir();			/* THR empty */
	b = iir();			/* ... acknowledged by that read */
	outb(U(UART_THR), 0x41);
	c = iir();			/* received data above THR empty */
	inb(U(UART_RBR));
	d = iir();			/* THR empty again */
	e = iir();
	for (int i = 0; i < UART_FIFO_SIZE + 1; i++)
		outb(U(UART_THR), (uint8_t)i);
	f = iir();			/* overrun: line status above all */
	inb(U(UART_LSR));
	g = iir();			/* received data */
	/* Trigger level 4: three bytes wait for the timeout. */
	outb(U(UART_IER), UART_IER_RDI);
	outb(U(UART_FCR), UART_FCR_ENABLE | UART_FCR_CLEAR | FIFO_TRIG4);
	for (int i = 0; i < 3; i++)
		outb(U(UART_THR), (uint8_t)i);
	cti = wait_iir(UART_IIR_CTI);
	for (int i = 0; i < 3; i++)
		inb(U(UART_RBR));
	h = iir();
	restore();
	t_eq("THR empty", a, UART_IIR_THRI);
	t_eq("read acknowledges THR empty", b, UART_IIR_NONE);
	t_eq("received data first", c, UART_IIR_RDI);
	t_eq("then THR empty", d, UART_IIR_THRI);
	t_eq("then none", e, UART_IIR_NONE);
	t_eq("line status (overrun) first", f, UART_IIR_RLSI);
	t_eq("after LSR read: received data", g, UART_IIR_RDI);
	t_check(cti, "no character timeout below the trigger level");
	t_eq("FIFO read empty: none", h, UART_IIR_NONE);
	t_end();
}

static void msr_case(void)
{
	static const struct {
		uint8_t mcr, msr;
	} map[] = {
		{ UART_MCR_DTR, UART_MSR_DSR },
		{ UART_MCR_RTS, UART_MSR_CTS },
		{ UART_MCR_OUT1, UART_MSR_RI },
		{ UART_MCR_OUT2, UART_MSR_DCD },
		{ 0, 0 },
	};
	uint8_t seen[5];

	t_begin("loopback_modem_status");
	for (int i = 0; i < 5; i++) {
		outb(U(UART_MCR), UART_MCR_LOOP | map[i].mcr);
		seen[i] = inb(U(UART_MSR));
	}
	restore();
	for (int i = 0; i < 5; i++)
		t_eq("MSR status bits", seen[i] & 0xF0, map[i].msr);
	t_end();
}

static volatile uint32_t irqs;
static volatile uint8_t irq_iir;

static void com1_irq(struct trapframe *tf)
{
	(void)tf;
	irq_iir = inb(U(UART_IIR));	/* acknowledges THR empty */
	outb(U(UART_IER), 0);
	irqs++;
	pic_eoi(4);
}

static void irq_case(void)
{
	int ok;

	t_begin("thr_empty_irq4");
	irq_set_handler(4, com1_irq);
	cli();
	outb(U(UART_MCR), UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	pic_unmask(4);
	irqs = 0;
	outb(U(UART_IER), UART_IER_THRI);
	sti();
	ok = irq_wait(&irqs, 1, SPIN_MAX);
	irq_wait(&irqs, 2, SPIN_MAX / 20);
	cli();
	pic_mask(4);
	restore();
	t_check(ok, "no IRQ4");
	t_eq("one interrupt", irqs, 1);
	t_eq("IIR in the handler", irq_iir, UART_IIR_FIFO | UART_IIR_THRI);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	pic_init();
	pit_start(0, PIT_MODE_RATE, 0);		/* a clock for bounded waits */
	registers_case();
	nofifo_case();
	fifo_case();
	iir_case();
	msr_case();
	irq_case();
}
