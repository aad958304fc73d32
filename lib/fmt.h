/*
 * printf-style formatting for hv and the guest library, with no libc.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, with the flags '-' '0' '+' ' '
 * '#', a field width and precision (also '*'), and the length modifiers
 * hh h l ll z.  The output goes through a sink function one character at a
 * time, so the same code serves the UART consoles and string buffers.
 */
#ifndef LIB_FMT_H
#define LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_sink)(void *ctx, char c);

/* Returns the number of characters produced. */
int fmt_vformat(fmt_sink sink, void *ctx, const char *fmt, va_list ap);

/*
 * Like C's snprintf: returns the length the whole output would have, so a
 * return value >= size tells the caller the text was cut.
 */
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
