/*
 * The guest console on COM1 (see console.h).
 */
#include "guest/lib/console.h"

#include "lib/uart.h"
#include "lib/fmt.h"
#include "lib/x86.h"

#define CONSOLE_BAUD	115200

void console_init(void)
{
	uart_init(PORT_COM1, CONSOLE_BAUD);
}

void gputc(char c)
{
	uart_putc(PORT_COM1, c);
}

void gputs(const char *s)
{
	while (*s)
		gputc(*s++);
}

static void console_sink(void *ctx, char c)
{
	(void)ctx;
	gputc(c);
}

int gvprintf(const char *fmt, va_list ap)
{
	return fmt_vformat(console_sink, 0, fmt, ap);
}

int gprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = gvprintf(fmt, ap);
	va_end(ap);
	return n;
}
