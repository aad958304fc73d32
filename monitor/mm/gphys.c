/*
 * hv's access to guest-physical memory.  While the guest's paging is off,
 * hv runs on its own page directory, which maps guest memory 1:1, and
 * reads it directly.  With guest paging on, hv runs on the guest's shadow
 * page directory, where guest-physical memory has no fixed linear address;
 * hv then maps the frame into one of a few window slots in its own region
 * (the same page tables in every address space), a direct-mapped cache
 * keyed by frame.  Every access completes inside one call, so no pointer
 * into a slot outlives it.
 */
#include "monitor/mm/mm.h"

#include "dt/host.h"

#include "lib/string.h"
#include "lib/x86.h"

#define SLOT_FIRST 16
#define SLOTS 16

static uint32_t slot_frame[SLOTS];	/* frame + 1; 0: empty */

static uint8_t *window(uint32_t pa)
{
	uint32_t frame = pa & PTE_ADDR, i = (frame >> PAGE_SHIFT) % SLOTS;
	uint32_t va = paging_scratch_va(SLOT_FIRST + (int)i);

	if (slot_frame[i] != frame + 1) {
		paging_map(va, frame, PTE_W);
		slot_frame[i] = frame + 1;
	}
	return (uint8_t *)va + (pa & (PAGE_SIZE - 1));
}

static int direct(void)
{
	/* hv's directory maps guest-physical 1:1 while the guest's paging is
	   off, but for the A20 gate's alias (a20.c). */
	return !(gcr.cr0 & CR0_PG) && !mm_a20_off;
}

/*
 * hv's memory or a hidden device page: refused.  (On every access hv makes
 * to guest memory: below both ranges, which is nearly always, it is two
 * compares and no call.)
 */
static inline int refused(uint32_t pa, uint32_t len)
{
	uint32_t end = pa + len;

	if (__builtin_expect(end >= pa && end <= boot.hv_phys_lo && end <= mm_hidden_lo, 1))
		return 0;
	return gmem_is_hv(pa, len) || mm_hidden_range(pa, len);
}

int gphys_refused(uint32_t pa, uint32_t len)
{
	return refused(pa, len);
}

int gphys_read(uint32_t pa, void *buf, uint32_t len)
{
	uint8_t *out = buf;

	if (refused(pa, len))
		return GMEM_HV;
	if (direct() && pa < 0xFF000000 && len <= 0xFF000000 - pa) {
		memcpy(buf, (const void *)pa, len);
		return 0;
	}
	while (len) {
		uint32_t n = PAGE_SIZE - (pa & (PAGE_SIZE - 1));

		if (n > len)
			n = len;
		memcpy(out, window(pa), n);
		out += n;
		pa += n;
		len -= n;
	}
	return 0;
}

int gphys_write(uint32_t pa, const void *buf, uint32_t len)
{
	const uint8_t *in = buf;

	if (refused(pa, len))
		return GMEM_HV;
	if (direct() && pa < 0xFF000000 && len <= 0xFF000000 - pa) {
		memcpy((void *)pa, buf, len);
		return 0;
	}
	while (len) {
		uint32_t n = PAGE_SIZE - (pa & (PAGE_SIZE - 1));

		if (n > len)
			n = len;
		memcpy(window(pa), in, n);
		in += n;
		pa += n;
		len -= n;
	}
	return 0;
}

uint32_t gphys_read32(uint32_t pa)
{
	uint32_t v = 0;

	gphys_read(pa, &v, 4);
	return v;
}

void gphys_write32(uint32_t pa, uint32_t v)
{
	gphys_write(pa, &v, 4);
}

/* For the translator (dt/host.h): the same function. */
uint32_t dth_read_phys32(uint32_t pa) __attribute__((alias("gphys_read32")));
