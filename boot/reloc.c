/*
 * Moving hv to the top of RAM (docs/ARCHITECTURE.md, "Memory").
 *
 * The loader put hv at 1 MiB and its modules right after it, which is just
 * where guests want to load.  So hv picks the highest usable RAM below
 * 4 GiB (and below HV_BASE, which its own page tables cannot map 1:1),
 * lays out [modules][image][code cache][records][frame pool] there, copies the modules, builds
 * its final page tables inside the image, and finally copies the image and
 * switches to those tables in one step (boot_move_image in entry.S).
 *
 * hv's final page tables are built by monitor/mm/paging.c (paging_build).
 */
#include "boot/boot.h"

#include <multiboot.h>

#include "lib/layout.h"
#include "monitor/mm/mm.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/x86.h"

#define ALIGN_UP(x, a)   (((x) + (a) - 1) & ~((a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((a) - 1))

static int overlaps(uint32_t a_lo, uint32_t a_hi, uint32_t b_lo, uint32_t b_hi)
{
	return a_lo < b_hi && b_lo < a_hi;
}

/* The highest usable range below HV_BASE that holds `need` bytes. */
static int pick_top(uint32_t need, uint32_t *lo_out)
{
	uint64_t best_top = 0;

	for (int i = 0; i < boot.nmmap; i++) {
		uint64_t lo = boot.mmap[i].addr, hi = lo + boot.mmap[i].len;

		if (boot.mmap[i].type != MULTIBOOT_MEMORY_AVAILABLE)
			continue;
		if (hi > HV_BASE)
			hi = HV_BASE;
		lo = ALIGN_UP(lo, PAGE_SIZE);
		hi = ALIGN_DOWN(hi, PAGE_SIZE);
		if (hi <= lo || hi - lo < need || hi <= best_top)
			continue;
		best_top = hi;
	}
	if (!best_top)
		return -1;
	*lo_out = (uint32_t)best_top - need;
	return 0;
}

int boot_relocate(uint32_t cache_size, uint32_t pool_size, const char **why)
{
	uint32_t image_size = hv_image_end - hv_image_start;
	uint32_t mods_size = 0, lo, cur, image_phys, cache_phys, meta_phys, pool_phys, total;
	uint32_t pd_phys;
	uint32_t old_lo = (uint32_t)hv_load_phys;

	for (int i = 0; i < boot.nmods; i++)
		mods_size += ALIGN_UP(boot.mods[i].end - boot.mods[i].start, PAGE_SIZE);
	total = mods_size + image_size + cache_size + HV_META_SIZE + pool_size;
	if (pick_top(total, &lo) < 0) {
		*why = "no usable RAM range below 4 GiB holds hv, its modules and its pool";
		return -1;
	}
	/* The copies must not land on what they are copied from. */
	if (overlaps(lo, lo + total, old_lo,
		     old_lo + image_size)) {
		*why = "too little RAM: hv's new place overlaps its load address";
		return -1;
	}
	for (int i = 0; i < boot.nmods; i++) {
		if (overlaps(lo, lo + total,
			     boot.mods[i].start, boot.mods[i].end)) {
			*why = "too little RAM: hv's new place overlaps a module";
			return -1;
		}
	}

	/* Modules first, each at a page boundary, in order. */
	cur = lo;
	for (int i = 0; i < boot.nmods; i++) {
		uint32_t len = boot.mods[i].end - boot.mods[i].start;

		memmove((void *)cur, (const void *)boot.mods[i].start, len);
		boot.mods[i].start = cur;
		boot.mods[i].end = cur + len;
		cur += ALIGN_UP(len, PAGE_SIZE);
	}
	image_phys = cur;
	cache_phys = image_phys + image_size;
	meta_phys = cache_phys + cache_size;
	pool_phys = meta_phys + HV_META_SIZE;

	boot.hv_phys_lo = lo;
	boot.hv_phys_hi = pool_phys + pool_size;
	boot.image_phys = image_phys;
	boot.cache_phys = cache_phys;
	boot.cache_size = cache_size;
	boot.pool_phys = pool_phys;
	boot.pool_size = pool_size;

	/* hv's final page tables, filled in place and copied with the image. */
	pd_phys = paging_build(image_phys, image_size, cache_phys, cache_size, meta_phys,
				pool_phys, pool_size);

	boot_move_image(image_phys, pd_phys);
	/* From here on hv runs from its copy at the top of RAM. */
	return 0;
}
