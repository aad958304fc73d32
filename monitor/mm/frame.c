/*
 * Frame allocator over hv's pool (see frame.h): one bit per frame, set
 * while the frame is in use or unusable.  The pool is at most HV_POOL_MAX
 * (12 MiB), so the bitmap is small and lives in the image.
 */
#include "monitor/mm/mm.h"

#include <multiboot.h>

#include "lib/bootinfo.h"
#include "lib/layout.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "lib/x86.h"

#define POOL_FRAMES (HV_POOL_MAX / PAGE_SIZE)

static uint32_t used[POOL_FRAMES / 32];
static uint32_t nframes, nfree, next_hint;

static int usable(uint32_t pa)
{
	for (int i = 0; i < boot.nmmap; i++) {
		const struct boot_mmap *m = &boot.mmap[i];

		if (m->type == MULTIBOOT_MEMORY_AVAILABLE && m->addr <= pa &&
		    (uint64_t)pa + PAGE_SIZE <= m->addr + m->len)
			return 1;
	}
	return 0;
}

static int in_image_or_module(uint32_t pa)
{
	uint32_t image_end = boot.image_phys + (hv_image_end - hv_image_start);

	if (pa < image_end && pa + PAGE_SIZE > boot.image_phys)
		return 1;
	for (int i = 0; i < boot.nmods; i++)
		if (pa < boot.mods[i].end && pa + PAGE_SIZE > boot.mods[i].start)
			return 1;
	return 0;
}

void frame_init(void)
{
	nframes = boot.pool_size / PAGE_SIZE;
	assert(nframes <= POOL_FRAMES);
	memset(used, 0xFF, sizeof(used));
	nfree = 0;
	for (uint32_t i = 0; i < nframes; i++) {
		uint32_t pa = boot.pool_phys + i * PAGE_SIZE;

		if (usable(pa) && !in_image_or_module(pa)) {
			used[i / 32] &= ~(1u << (i % 32));
			nfree++;
		}
	}
}

void *frame_va(uint32_t pa)
{
	assert(pa >= boot.pool_phys && pa < boot.pool_phys + boot.pool_size);
	return (void *)(HV_POOL_BASE + (pa - boot.pool_phys));
}

uint32_t frame_alloc(void)
{
	for (uint32_t n = 0; n < nframes; n++) {
		uint32_t i = (next_hint + n) % nframes;

		if (!(used[i / 32] & (1u << (i % 32)))) {
			uint32_t pa = boot.pool_phys + i * PAGE_SIZE;

			used[i / 32] |= 1u << (i % 32);
			nfree--;
			next_hint = i + 1;
			memset(frame_va(pa), 0, PAGE_SIZE);
			return pa;
		}
	}
	return 0;
}

void frame_free(uint32_t pa)
{
	uint32_t i = (pa - boot.pool_phys) / PAGE_SIZE;

	if (pa < boot.pool_phys || i >= nframes || (pa & (PAGE_SIZE - 1)))
		panic("frame_free(%08x): not a pool frame", pa);
	if (!(used[i / 32] & (1u << (i % 32))))
		panic("frame_free(%08x): frame is not in use", pa);
	used[i / 32] &= ~(1u << (i % 32));
	nfree++;
}

uint32_t frame_free_count(void)
{
	return nfree;
}

int frame_hv_owns(uint32_t pa, uint32_t len)
{
	uint64_t end = (uint64_t)pa + len;

	return pa < boot.hv_phys_hi && end > boot.hv_phys_lo;
}
