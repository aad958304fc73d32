/*
 * 16550 UART, polled output and input (hv's console; the guest library
 * compiles lib/uart.c too, and hvboot for x86_64).  Registers per the
 * National PC16550D data sheet: THR/RBR 0, IER 1, FCR/IIR 2, LCR 3, MCR 4,
 * LSR 5, MSR 6, SCR 7; DLL/DLM at 0/1 while LCR.DLAB is set.
 */
#ifndef LIB_UART_H
#define LIB_UART_H

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

#define UART_IER_RDI	0x01	/* received data available (and timeout) */
#define UART_IER_THRI	0x02	/* transmitter holding register empty */
#define UART_IER_RLSI	0x04	/* receiver line status */
#define UART_IER_MSI	0x08	/* modem status */
#define UART_IER_MASK	0x0F

#define UART_IIR_NONE	0x01	/* no interrupt pending */
#define UART_IIR_MSI	0x00
#define UART_IIR_THRI	0x02
#define UART_IIR_RDI	0x04
#define UART_IIR_RLSI	0x06
#define UART_IIR_CTI	0x0C	/* character timeout (FIFO mode) */
#define UART_IIR_FIFO	0xC0	/* FIFOs enabled */

#define UART_FCR_ENABLE	0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_FCR_CLEAR	0x06
#define UART_FCR_DMA	0x08
#define UART_FCR_TRIG(f) (((f) >> 6) & 3)	/* 1, 4, 8, 14 bytes */

#define UART_LCR_WLS	0x03	/* word length: 5 + n bits */
#define UART_LCR_STB	0x04	/* 1.5 or 2 stop bits */
#define UART_LCR_PEN	0x08	/* parity */
#define UART_LCR_8N1	0x03
#define UART_LCR_DLAB	0x80

#define UART_MCR_DTR	0x01
#define UART_MCR_RTS	0x02
#define UART_MCR_OUT1	0x04
#define UART_MCR_OUT2	0x08	/* on the PC: gates the IRQ line */
#define UART_MCR_LOOP	0x10
#define UART_MCR_MASK	0x1F

#define UART_LSR_DR	0x01	/* receive data ready */
#define UART_LSR_OE	0x02	/* overrun error */
#define UART_LSR_PE	0x04
#define UART_LSR_FE	0x08
#define UART_LSR_BI	0x10	/* break interrupt */
#define UART_LSR_THRE	0x20	/* transmit holding register empty */
#define UART_LSR_TEMT	0x40	/* transmitter empty */
#define UART_LSR_FIFOERR 0x80	/* error in the receiver FIFO */
#define UART_LSR_ERRORS	(UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS	0x01	/* delta bits */
#define UART_MSR_DDSR	0x02
#define UART_MSR_TERI	0x04	/* trailing edge of RI */
#define UART_MSR_DDCD	0x08
#define UART_MSR_CTS	0x10
#define UART_MSR_DSR	0x20
#define UART_MSR_RI	0x40
#define UART_MSR_DCD	0x80
#define UART_MSR_DELTAS	0x0F

#define UART_FIFO_SIZE	16
#define UART_COM1_IRQ	4
#define UART_COM2_IRQ	3

#define UART_CLOCK	115200	/* divisor 1 = 115200 baud (1.8432 MHz / 16) */

#ifndef ASM_FILE	/* boot/cpucheck.S uses the layout above */
#include <stdint.h>

/*
 * Programs the UART for 8N1 at the given baud rate with FIFOs on and
 * interrupts off.  Returns 0, or -1 when no UART answers at that port
 * (the scratch register does not hold a value).
 */
int uart_init(uint16_t port, uint32_t baud);
/*
 * A stricter test than uart_init's, for probing ports that may have no UART
 * (hvboot, on machines of all kinds): 1 when the scratch register holds two
 * patterns in turn and the line status is not 0xFF (a bus with nothing on
 * it), else 0.  It writes only the scratch register.
 */
int uart_present(uint16_t port);
/* Waits for the transmitter, then sends one byte. */
void uart_putc(uint16_t port, char c);
/* Returns a received byte, or -1 when none is waiting. */
int uart_getc(uint16_t port);
/*
 * Waits (bounded) until the transmitter is empty: the last byte has left.
 * Before the machine is switched off: Bochs drops a byte still sending.
 */
void uart_drain(uint16_t port);
#endif /* !ASM_FILE */

#endif
