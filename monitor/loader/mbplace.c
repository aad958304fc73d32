/*
 * Where the Multiboot loader puts what it gives a guest (Multiboot
 * specification 0.6.96, 3.3: the information structure and everything it
 * points to "may be placed anywhere in memory by the boot loader (with the
 * exception of the memory reserved for the kernel and boot modules)"; the
 * OS must not assume their place).
 *
 * A first fit in the usable ranges of the guest's memory map (hv's range
 * is reserved there) that avoids everything taken so far: page 0 (the
 * real-mode interrupt table and BIOS data the guest may still want), the
 * kernel's image and bss (ELF segments or the a.out kludge's range), the
 * modules, and each piece placed before.  Like GRUB, tables go below
 * 1 MiB where they fit, out of the way of a kernel that grows upwards
 * from its load address; modules go at or above 1 MiB.
 */
#include "monitor/loader/loader.h"

#include <multiboot.h>

#include "lib/x86.h"
#include "monitor/mm/mm.h"

#define LOW_END 0x100000u

void mb_place_init(struct mb_place *pl)
{
	pl->n = 0;
	mb_place_take(pl, 0, PAGE_SIZE);
}

int mb_place_take(struct mb_place *pl, uint32_t lo, uint32_t len)
{
	uint32_t hi = (uint64_t)lo + len > 0xFFFFFFFFu ? 0xFFFFFFFFu : lo + len;

	if (!len)
		return 0;
	/* A piece that starts within a page of a taken range's end grows
	   that range (the gap is lost, which a page-aligned neighbour
	   would lose anyway): a kernel with hundreds of sections needs a
	   handful of ranges, not one each. */
	for (int i = 0; i < pl->n; i++)
		if (pl->r[i].hi <= lo && lo - pl->r[i].hi < PAGE_SIZE && hi > pl->r[i].hi) {
			pl->r[i].hi = hi;
			return 0;
		}
	if (pl->n == MB_PLACE_MAX)
		return -1;
	pl->r[pl->n].lo = lo;
	pl->r[pl->n].hi = hi;
	pl->n++;
	return 0;
}

/* The end of a taken range that [at, at+len) meets, or 0 if none. */
static uint64_t clash(const struct mb_place *pl, uint64_t at, uint32_t len)
{
	for (int i = 0; i < pl->n; i++)
		if (at < pl->r[i].hi && pl->r[i].lo < at + len)
			return pl->r[i].hi;
	return 0;
}

/* First fit of len bytes in [from, to) of the usable guest RAM. */
static uint32_t fit(const struct mb_place *pl, uint32_t len, uint32_t align,
		    uint64_t from, uint64_t to)
{
	static struct boot_mmap m[GUEST_MMAP_MAX];
	int n = guest_memmap(m, GUEST_MMAP_MAX);

	for (int i = 0; i < n; i++) {
		uint64_t lo = m[i].addr, hi = m[i].addr + m[i].len, at, next;

		if (m[i].type != MULTIBOOT_MEMORY_AVAILABLE)
			continue;
		if (lo < from)
			lo = from;
		if (hi > to)
			hi = to;
		at = (lo + align - 1) & ~(uint64_t)(align - 1);
		while (at + len <= hi) {
			next = clash(pl, at, len);
			if (!next)
				return (uint32_t)at;
			at = (next + align - 1) & ~(uint64_t)(align - 1);
		}
	}
	return 0;
}

uint32_t mb_place_get(struct mb_place *pl, uint32_t len, uint32_t align, int low)
{
	uint32_t at = 0;

	if (len == 0)
		len = 1;
	if (low)
		at = fit(pl, len, align, PAGE_SIZE, LOW_END);
	if (!at)
		at = fit(pl, len, align, LOW_END, 0x100000000ULL);
	if (at && mb_place_take(pl, at, len) < 0)
		return 0;	/* too many pieces: the caller says "no room" */
	return at;
}
