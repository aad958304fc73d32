/*
 * 16550 UART, polled output and input (hv's console; the guest library
 * compiles drivers/uart.c too).  Registers per the National PC16550D data
 * sheet: THR/RBR 0, IER 1, FCR/IIR 2, LCR 3, MCR 4, LSR 5, MSR 6, SCR 7;
 * DLL/DLM at 0/1 while LCR.DLAB is set.
 */
#ifndef DEV_UART_H
#define DEV_UART_H

#include <stdint.h>

#define UART_THR	0
#define UART_RBR	0
#define UART_DLL	0
#define UART_IER	1
#define UART_DLM	1
#define UART_FCR	2
#define UART_IIR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define UART_LCR_8N1	0x03
#define UART_LCR_DLAB	0x80
#define UART_LSR_DR	0x01	/* receive data ready */
#define UART_LSR_THRE	0x20	/* transmit holding register empty */
#define UART_MCR_DTR	0x01
#define UART_MCR_RTS	0x02
#define UART_MCR_OUT2	0x08
#define UART_FCR_ENABLE	0x01
#define UART_FCR_CLEAR	0x06

#define UART_CLOCK	115200	/* divisor 1 = 115200 baud */

/*
 * Programs the UART for 8N1 at the given baud rate with FIFOs on and
 * interrupts off.  Returns 0, or -1 when no UART answers at that port
 * (the scratch register does not hold a value).
 */
int uart_init(uint16_t port, uint32_t baud);
/* Waits for the transmitter, then sends one byte. */
void uart_putc(uint16_t port, char c);
/* Returns a received byte, or -1 when none is waiting. */
int uart_getc(uint16_t port);

#endif
