/*
 * 16550 UART driver, polled (see uart.h).  Strict UARTs (Bochs, real
 * hardware) drop bytes written while the transmitter is busy, so every byte
 * waits for LSR.THRE; QEMU's UART is always ready and costs nothing here.
 */
#include "lib/uart.h"

#include "lib/x86.h"

int uart_init(uint16_t port, uint32_t baud)
{
	uint16_t div = baud ? (uint16_t)(UART_CLOCK / baud) : 1;

	outb(port + UART_SCR, 0x5A);
	if (inb(port + UART_SCR) != 0x5A)
		return -1;
	outb(port + UART_IER, 0);
	outb(port + UART_LCR, UART_LCR_DLAB);
	outb(port + UART_DLL, div & 0xFF);
	outb(port + UART_DLM, div >> 8);
	outb(port + UART_LCR, UART_LCR_8N1);
	outb(port + UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR);
	outb(port + UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
	return 0;
}

int uart_present(uint16_t port)
{
	outb(port + UART_SCR, 0x5A);
	if (inb(port + UART_SCR) != 0x5A)
		return 0;
	outb(port + UART_SCR, 0xA5);
	return inb(port + UART_SCR) == 0xA5 && inb(port + UART_LSR) != 0xFF;
}

void uart_putc(uint16_t port, char c)
{
	/* Bounded wait: a missing or wedged UART must not hang the caller. */
	for (int spin = 0; spin < 1000000; spin++)
		if (inb(port + UART_LSR) & UART_LSR_THRE)
			break;
	outb(port + UART_THR, (uint8_t)c);
}

void uart_drain(uint16_t port)
{
	for (int spin = 0; spin < 1000000; spin++)
		if (inb(port + UART_LSR) & UART_LSR_TEMT)
			break;
}

int uart_getc(uint16_t port)
{
	if (!(inb(port + UART_LSR) & UART_LSR_DR))
		return -1;
	return inb(port + UART_RBR);
}
