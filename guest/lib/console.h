/*
 * The guest console: COM1 at 115200 baud, 8N1, polled (lib/uart.c).
 * Everything a guest prints is part of its transcript, which the
 * differential test compares byte for byte: print nothing that differs
 * between a native run and a run under hv (timings, TSC values, memory
 * sizes, addresses of the Multiboot info block).
 */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdarg.h>
#include <stdint.h>

void console_init(void);
void gputc(char c);
void gputs(const char *s);
int gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int gvprintf(const char *fmt, va_list ap);

/* FNV-1a over 32-bit words: a compact, deterministic digest of results. */
#define HASH_INIT	0x811C9DC5u
static inline uint32_t hash_u32(uint32_t h, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		h ^= (v >> (8 * i)) & 0xFF;
		h *= 0x01000193u;
	}
	return h;
}

#endif
