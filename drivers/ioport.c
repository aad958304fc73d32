/*
 * Port-I/O dispatch (see ioport.h).  A handful of ranges are registered,
 * so a short list searched linearly is enough.
 */
#include "drivers/ioport.h"

#include "lib/log.h"
#include "lib/panic.h"
#include "lib/x86.h"

#define MAX_RANGES 32

static struct io_range {
	uint16_t lo, hi;
	const char *name;
	io_read_fn rd;
	io_write_fn wr;
	void *ctx;
} ranges[MAX_RANGES];
static int nranges;

int io_register(uint16_t lo, uint16_t hi, const char *name, io_read_fn rd, io_write_fn wr,
		void *ctx)
{
	if (nranges == MAX_RANGES)
		panic("too many I/O port ranges (registering %s)", name);
	ranges[nranges++] = (struct io_range){ lo, hi, name, rd, wr, ctx };
	log_debug("io", "ports %04x-%04x: %s", lo, hi, name);
	return nranges - 1;
}

void io_move(int id, uint16_t lo, uint16_t hi)
{
	if (id < 0 || id >= nranges)
		panic("io_move: no port range %d", id);
	ranges[id].lo = lo;
	ranges[id].hi = hi;
	log_debug("io", "ports %04x-%04x: %s (moved)", lo, hi, ranges[id].name);
}

static struct io_range *find(uint16_t port)
{
	for (int i = 0; i < nranges; i++)
		if (port >= ranges[i].lo && port <= ranges[i].hi)
			return &ranges[i];
	return 0;
}

int io_intercepted(uint16_t port, int size)
{
	for (int i = 0; i < size; i++)
		if (find((uint16_t)(port + i)))
			return 1;
	return 0;
}

uint32_t io_native_read(uint16_t port, int size)
{
	return size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
}

void io_native_write(uint16_t port, int size, uint32_t v)
{
	if (size == 1)
		outb(port, (uint8_t)v);
	else if (size == 2)
		outw(port, (uint16_t)v);
	else
		outl(port, v);
}

uint32_t io_read(uint16_t port, int size)
{
	struct io_range *r = find(port);

	if (!r || !r->rd)
		return io_native_read(port, size);
	return r->rd(r->ctx, port, size);
}

void io_write(uint16_t port, int size, uint32_t v)
{
	struct io_range *r = find(port);

	if (!r || !r->wr)
		io_native_write(port, size, v);
	else
		r->wr(r->ctx, port, size, v);
}

void io_fill_bitmap(uint8_t *bitmap)
{
	for (int i = 0; i < 8192; i++)
		bitmap[i] = 0;
	for (int i = 0; i < nranges; i++)
		for (uint32_t p = ranges[i].lo; p <= ranges[i].hi; p++)
			bitmap[p / 8] |= (uint8_t)(1u << (p % 8));
}
