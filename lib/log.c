/*
 * hv's log console (see log.h).  Output is polled: hv never takes
 * interrupts for its own console, so logging works from any context,
 * including a panic inside a trap handler.
 */
#include "lib/log.h"

#include "lib/uart.h"
#include "lib/fmt.h"
#include "lib/x86.h"

int log_level = LOG_INFO;

static enum console_kind console = CONSOLE_COM1;
static uint16_t console_port = PORT_COM1;

void console_init(enum console_kind kind)
{
	console = kind;
	switch (kind) {
	case CONSOLE_COM1:
		console_port = PORT_COM1;
		break;
	case CONSOLE_COM2:
		console_port = PORT_COM2;
		break;
	default:
		return;
	}
	if (uart_init(console_port, 115200) < 0)
		console = CONSOLE_NONE;	/* nothing answers there: stay quiet */
}

enum console_kind console_current(void)
{
	return console;
}

void (*console_divert)(char c);

void console_putc(char c)
{
	if (console_divert) {
		console_divert(c);
		return;
	}
	switch (console) {
	case CONSOLE_COM1:
	case CONSOLE_COM2:
		if (c == '\n')
			uart_putc(console_port, '\r');
		uart_putc(console_port, c);
		break;
	case CONSOLE_E9:
		outb(PORT_E9, (uint8_t)c);
		break;
	case CONSOLE_NONE:
		break;
	}
}

static void sink(void *ctx, char c)
{
	(void)ctx;
	console_putc(c);
}

int kvprintf(const char *fmt, va_list ap)
{
	return fmt_vformat(sink, 0, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

void klog(int level, const char *subsys, const char *fmt, ...)
{
	static const char *const tag[] = { "error: ", "warning: ", "", "" };
	va_list ap;

	if (level > log_level)
		return;
	kprintf("hv: %s: %s", subsys, tag[level < 0 ? 0 : level > 3 ? 3 : level]);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
}
