/*
 * The one port-I/O dispatch table (docs/ARCHITECTURE.md, "Devices").
 *
 * Every port is passed through unless a device model registers it here.
 * Registered ports have their bit set in the TSS I/O permission bitmap
 * (SDM vol. 1 18.5.2), so a guest access at ring 1 or 3 faults with #GP
 * and hv emulates it through io_read/io_write; the rest run natively.
 */
#ifndef DEV_IOPORT_H
#define DEV_IOPORT_H

#include <stdint.h>

typedef uint32_t (*io_read_fn)(void *ctx, uint16_t port, int size);
typedef void (*io_write_fn)(void *ctx, uint16_t port, int size, uint32_t v);

/* Registers a device model for ports [lo, hi]; returns its range's id. */
int io_register(uint16_t lo, uint16_t hi, const char *name, io_read_fn rd, io_write_fn wr,
		 void *ctx);
/* Moves range id to [lo, hi] (lo > hi: no port; a BAR the guest moved).
   The caller refreshes the I/O bitmaps. */
void io_move(int id, uint16_t lo, uint16_t hi);
/* Is any byte of the access [port, port+size) intercepted? */
int io_intercepted(uint16_t port, int size);
uint32_t io_read(uint16_t port, int size);
void io_write(uint16_t port, int size, uint32_t v);
/* Fills a TSS I/O bitmap (8192 bytes) from the table. */
void io_fill_bitmap(uint8_t *bitmap);

/* Native accesses, for models that pass some of their work through. */
uint32_t io_native_read(uint16_t port, int size);
void io_native_write(uint16_t port, int size, uint32_t v);

#endif
