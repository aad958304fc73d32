/*
 * drivers/vuart.c against the National PC16550D data sheet: registers,
 * loopback with and without FIFO, overrun, IIR priorities, the character
 * timeout (4 character times, kept until the FIFO is read), MSR deltas in
 * loopback, the IRQ line and OUT2; and hv's side: bytes to the real UART,
 * held back by lines while hv logs on the same port.
 */
#include "tests/devices/harness.h"

#include <string.h>

#include "drivers/clock.h"
#include "lib/uart.h"
#include "drivers/vdev.h"
#include "lib/x86.h"

#define U(r)	(PORT_COM1 + (r))

static uint8_t iir(void)
{
	return inb_g(U(UART_IIR)) & 0x0F;
}

void test_vuart(void)
{
	uint8_t v;

	harness_reset();
	real_port[U(UART_LSR)] = UART_LSR_THRE | UART_LSR_TEMT;
	real_port[U(UART_MSR)] = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	vuart_init(0, 0);

	group("vuart: registers");
	outb_g(U(UART_LCR), UART_LCR_DLAB | UART_LCR_8N1);
	outb_g(U(UART_DLL), 0x0C);
	outb_g(U(UART_DLM), 0x01);
	CHECK_EQ("DLL", inb_g(U(UART_DLL)), 0x0C);
	CHECK_EQ("DLM", inb_g(U(UART_DLM)), 0x01);
	outb_g(U(UART_DLL), 12);
	outb_g(U(UART_DLM), 0);		/* 9600 baud: 1.04 ms a character */
	outb_g(U(UART_LCR), UART_LCR_8N1);
	outb_g(U(UART_IER), 0xFF);
	CHECK_EQ("IER 4 bits", inb_g(U(UART_IER)), 0x0F);
	outb_g(U(UART_IER), 0);
	outb_g(U(UART_MCR), 0xFF);
	CHECK_EQ("MCR 5 bits", inb_g(U(UART_MCR)), 0x1F);
	outb_g(U(UART_SCR), 0xA5);
	CHECK_EQ("SCR", inb_g(U(UART_SCR)), 0xA5);

	group("vuart: loopback without FIFO");
	outb_g(U(UART_MCR), UART_MCR_LOOP);
	outb_g(U(UART_FCR), 0);
	nreal_out = 0;
	outb_g(U(UART_THR), 'x');
	CHECK_EQ("nothing on the real line in loopback", nreal_out, 0);
	CHECK_EQ("LSR: data, THR empty", inb_g(U(UART_LSR)),
		 UART_LSR_DR | UART_LSR_THRE | UART_LSR_TEMT);
	outb_g(U(UART_THR), 'y');
	CHECK_EQ("overrun", inb_g(U(UART_LSR)) & UART_LSR_OE, UART_LSR_OE);
	CHECK_EQ("cleared by the read", inb_g(U(UART_LSR)) & UART_LSR_OE, 0);
	CHECK_EQ("the newer byte", inb_g(U(UART_RBR)), 'y');
	CHECK_EQ("empty", inb_g(U(UART_LSR)) & UART_LSR_DR, 0);

	group("vuart: FIFO and overrun");
	outb_g(U(UART_FCR), UART_FCR_ENABLE | UART_FCR_CLEAR);
	CHECK_EQ("IIR FIFO bits", inb_g(U(UART_IIR)) & UART_IIR_FIFO, UART_IIR_FIFO);
	for (int i = 0; i < 17; i++)
		outb_g(U(UART_THR), (uint8_t)(0x40 + i));
	CHECK_EQ("overrun on the 17th", inb_g(U(UART_LSR)) & UART_LSR_OE, UART_LSR_OE);
	for (int i = 0; i < 16; i++)
		CHECK_EQ("FIFO order", inb_g(U(UART_RBR)), 0x40 + i);
	CHECK_EQ("the 17th is lost", inb_g(U(UART_LSR)) & UART_LSR_DR, 0);
	CHECK_EQ("an empty FIFO reads 0", inb_g(U(UART_RBR)), 0);

	group("vuart: IIR priorities and timeout");
	outb_g(U(UART_IER), UART_IER_RDI | UART_IER_THRI | UART_IER_RLSI | UART_IER_MSI);
	CHECK_EQ("THR empty", iir(), UART_IIR_THRI);
	CHECK_EQ("acknowledged by reading IIR", iir(), UART_IIR_MSI);	/* MCR changed */
	inb_g(U(UART_MSR));
	CHECK_EQ("MSR read clears the deltas", iir(), UART_IIR_NONE);
	outb_g(U(UART_THR), 1);
	CHECK_EQ("received data first", iir(), UART_IIR_RDI);
	for (int i = 0; i < 16; i++)
		outb_g(U(UART_THR), 1);
	CHECK_EQ("line status above all", iir(), UART_IIR_RLSI);
	inb_g(U(UART_LSR));
	outb_g(U(UART_FCR), UART_FCR_ENABLE | UART_FCR_CLEAR | 0x80);	/* trigger 8 */
	outb_g(U(UART_IER), UART_IER_RDI);
	for (int i = 0; i < 3; i++)
		outb_g(U(UART_THR), 2);
	CHECK_EQ("below the trigger level", iir(), UART_IIR_NONE);
	CHECK(next_deadline() != CLOCK_NEVER, "a wake-up for the timeout");
	advance_ns(3 * 1041667);
	CHECK_EQ("3 character times: no timeout yet", iir(), UART_IIR_NONE);
	advance_ns(2 * 1041667);
	CHECK_EQ("timeout after 4", iir(), UART_IIR_CTI);
	for (int i = 0; i < 6; i++)
		outb_g(U(UART_THR), 3);
	CHECK_EQ("above the trigger level, the timeout stays", iir(), UART_IIR_CTI);
	inb_g(U(UART_RBR));
	CHECK_EQ("a read ends it: received data", iir(), UART_IIR_RDI);

	group("vuart: modem status in loopback");
	outb_g(U(UART_FCR), UART_FCR_ENABLE | UART_FCR_CLEAR);
	outb_g(U(UART_MCR), UART_MCR_LOOP);
	inb_g(U(UART_MSR));
	outb_g(U(UART_MCR), UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_OUT1);
	v = inb_g(U(UART_MSR));
	CHECK_EQ("DSR and RI with deltas", v, UART_MSR_DSR | UART_MSR_RI | UART_MSR_DDSR);
	outb_g(U(UART_MCR), UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_OUT2);
	v = inb_g(U(UART_MSR));
	CHECK_EQ("CTS, DCD, trailing edge of RI", v, UART_MSR_CTS | UART_MSR_DCD |
		 UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_TERI | UART_MSR_DDCD);

	group("vuart: IRQ4 and OUT2");
	outb_g(U(UART_MCR), UART_MCR_DTR);
	outb_g(U(UART_IER), UART_IER_THRI);
	CHECK_EQ("OUT2 clear: line low", line_level[4], 0);
	outb_g(U(UART_MCR), UART_MCR_DTR | UART_MCR_OUT2);
	CHECK_EQ("OUT2 set: line high", line_level[4], 1);
	inb_g(U(UART_IIR));
	CHECK_EQ("IIR read: low", line_level[4], 0);
	outb_g(U(UART_MCR), UART_MCR_OUT2 | UART_MCR_LOOP);
	outb_g(U(UART_THR), 9);
	outb_g(U(UART_IER), UART_IER_RDI);
	CHECK_EQ("loopback: no IRQ", line_level[4], 0);
	outb_g(U(UART_IER), 0);

	group("vuart: output, held by lines while hv logs on COM1");
	outb_g(U(UART_MCR), UART_MCR_DTR | UART_MCR_RTS);
	nreal_out = 0;
	for (const char *p = "guest"; *p; p++)
		outb_g(U(UART_THR), (uint8_t)*p);
	CHECK_EQ("held", nreal_out, 0);
	outb_g(U(UART_THR), '\n');
	CHECK(nreal_out == 6 && !memcmp(real_out, "guest\n", 6), "the line at its end");
	outb_g(U(UART_THR), '>');
	advance_ns(60000000);
	CHECK(nreal_out == 7 && real_out[6] == '>', "a partial line after 50 ms");
}
