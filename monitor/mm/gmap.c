/*
 * The guest's view of physical memory: the machine's memory map (from the
 * boot loader) with hv's own range marked reserved, which every guest
 * loader hands on (Multiboot's memory map, Linux's e820 table).
 */
#include "monitor/mm/mm.h"

#include <multiboot.h>

#include "lib/panic.h"
#include "lib/x86.h"

int guest_memmap(struct boot_mmap *out, int max)
{
	int n = 0;
	uint64_t hlo = boot.hv_phys_lo, hhi = boot.hv_phys_hi;

	for (int i = 0; i < boot.nmmap && n + 3 <= max; i++) {
		uint64_t lo = boot.mmap[i].addr, hi = lo + boot.mmap[i].len;

		if (boot.mmap[i].type != MULTIBOOT_MEMORY_AVAILABLE || hi <= hlo || lo >= hhi) {
			out[n++] = boot.mmap[i];
			continue;
		}
		if (lo < hlo)
			out[n++] = (struct boot_mmap){ lo, hlo - lo, MULTIBOOT_MEMORY_AVAILABLE };
		out[n++] = (struct boot_mmap){ lo > hlo ? lo : hlo,
					       (hi < hhi ? hi : hhi) - (lo > hlo ? lo : hlo),
					       MULTIBOOT_MEMORY_RESERVED };
		if (hi > hhi)
			out[n++] = (struct boot_mmap){ hhi, hi - hhi, MULTIBOOT_MEMORY_AVAILABLE };
	}
	return n;
}

int guest_ram_room(uint32_t at, uint32_t len)
{
	for (int i = 0; i < boot.nmmap; i++) {
		const struct boot_mmap *e = &boot.mmap[i];

		if (e->type == MULTIBOOT_MEMORY_AVAILABLE && e->addr <= at &&
		    (uint64_t)at + len <= e->addr + e->len && !frame_hv_owns(at, len))
			return 1;
	}
	return 0;
}

uint32_t guest_ram_end(uint32_t at)
{
	static struct boot_mmap m[GUEST_MMAP_MAX];
	int n = guest_memmap(m, GUEST_MMAP_MAX);

	for (int i = 0; i < n; i++)
		if (m[i].type == MULTIBOOT_MEMORY_AVAILABLE && m[i].addr <= at &&
		    at < m[i].addr + m[i].len)
			return (uint32_t)(m[i].addr + m[i].len);
	return 0;
}

/*
 * The bottom of hv's range holds the modules boot_relocate copied there
 * ([modules][image]...).  Once a loader has taken what it needs out of
 * the first ones, they are the guest's RAM like any other: hv's range
 * then starts at `lo` (a module boundary, at most the image).  Only
 * before gmem_seal, which unmaps what remains hv's.
 */
void guest_ram_reclaim(uint32_t lo)
{
	assert(!(lo & (PAGE_SIZE - 1)) && lo >= boot.hv_phys_lo && lo <= boot.image_phys);
	boot.hv_phys_lo = lo;
}
