/*
 * hv's own page tables (32-bit paging, SDM vol. 3A 4.3; see mm.h).  Page
 * tables are reached through the linear address of their frame: pool
 * frames through the pool window, hv's static tables through the image.
 *
 * hv's address space, built by paging_build before the image moves:
 *   PDE 0 .. HV_PDE_FIRST-1  all memory below HV_BASE, 1:1, 4 MiB pages
 *   PDE HV_PDE_FIRST         hv_pt[0]: the image (text read-only; the
 *                            page below the stack left unmapped as its
 *                            guard), then the scratch
 *                            window (paging_scratch_va)
 *   PDE +1                   hv_pt[1]: the code cache, HV_CACHE_BASE..
 *   PDE +2                   hv_pt[2]: the translator's records, HV_META_BASE..
 *   PDE +3                   hv_pt[3]: the frame pool, HV_POOL_BASE..
 */
#include "monitor/mm/mm.h"

#include "lib/bootinfo.h"
#include "lib/layout.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "lib/x86.h"

uint32_t hv_pd[1024] __attribute__((aligned(PAGE_SIZE)));
/* hv's page tables for its region: HV_PDE_COUNT tables back to back. */
static uint32_t hv_pt[HV_PDE_COUNT * 1024] __attribute__((aligned(PAGE_SIZE)));
uint32_t hv_pd_phys;

/* Physical address, inside the copy at image_phys, of a variable in the image. */
static uint32_t phys_in_copy(const void *p, uint32_t image_phys)
{
	return image_phys + ((uint32_t)p - HV_BASE);
}

uint32_t paging_build(uint32_t image_phys, uint32_t image_size, uint32_t cache_phys,
		      uint32_t cache_size, uint32_t meta_phys, uint32_t pool_phys,
		      uint32_t pool_size)
{
	for (uint32_t i = 0; i < HV_PDE_FIRST; i++)
		hv_pd[i] = (i << PGDIR_SHIFT) | PTE_P | PTE_W | PTE_PS;
	for (uint32_t i = 0; i < HV_PDE_COUNT; i++)
		hv_pd[HV_PDE_FIRST + i] =
			phys_in_copy(&hv_pt[i * 1024], image_phys) | PTE_P | PTE_W;
	memset(hv_pt, 0, sizeof(hv_pt));
	for (uint32_t off = 0; off < image_size; off += PAGE_SIZE) {
		uint32_t flags = PTE_P | PTE_G, va = HV_BASE + off;

		if (va >= (uint32_t)hv_text_end)
			flags |= PTE_W;
		if (va >= (uint32_t)hv_stack_guard && va < (uint32_t)hv_stack_bottom)
			continue;	/* an overrun of hv's stack faults */
		hv_pt[off >> PAGE_SHIFT] = (image_phys + off) | flags;
	}
	for (uint32_t off = 0; off < cache_size; off += PAGE_SIZE)
		hv_pt[((HV_CACHE_BASE - HV_BASE) + off) >> PAGE_SHIFT] =
			(cache_phys + off) | PTE_P | PTE_W | PTE_G;
	for (uint32_t off = 0; off < HV_META_SIZE; off += PAGE_SIZE)
		hv_pt[((HV_META_BASE - HV_BASE) + off) >> PAGE_SHIFT] =
			(meta_phys + off) | PTE_P | PTE_W | PTE_G;
	for (uint32_t off = 0; off < pool_size; off += PAGE_SIZE)
		hv_pt[((HV_POOL_BASE - HV_BASE) + off) >> PAGE_SHIFT] =
			(pool_phys + off) | PTE_P | PTE_W | PTE_G;
	hv_pd_phys = phys_in_copy(hv_pd, image_phys);
	return hv_pd_phys;
}

/* Linear address of a page table frame hv uses. */
static uint32_t *table_va(uint32_t pa)
{
	uint32_t image_size = hv_image_end - hv_image_start;

	if (pa >= boot.image_phys && pa < boot.image_phys + image_size)
		return (uint32_t *)(HV_BASE + (pa - boot.image_phys));
	return frame_va(pa);
}

uint32_t paging_scratch_va(int slot)
{
	uint32_t base = ((uint32_t)hv_image_end + PAGE_SIZE);	/* one guard page */

	assert(slot >= 0 && slot < PAGING_SCRATCH_PAGES);
	return base + (uint32_t)slot * PAGE_SIZE;
}

static uint32_t *pte_slot(uint32_t va, int create)
{
	uint32_t *pde = &hv_pd[va >> PGDIR_SHIFT];

	if (*pde & PTE_PS)
		return 0;
	if (!(*pde & PTE_P)) {
		uint32_t pt;

		if (!create || !(pt = frame_alloc()))
			return 0;
		*pde = pt | PTE_P | PTE_W | PTE_U;
	}
	return &table_va(*pde & PTE_ADDR)[(va >> PAGE_SHIFT) & 1023];
}

int paging_map(uint32_t va, uint32_t pa, uint32_t flags)
{
	uint32_t *pte = pte_slot(va, 1);

	if (!pte)
		return -1;
	*pte = (pa & PTE_ADDR) | (flags & 0xFFF) | PTE_P;
	invlpg(va);
	return 0;
}

void paging_unmap(uint32_t va)
{
	uint32_t *pte = pte_slot(va, 0);

	if (pte) {
		*pte = 0;
		invlpg(va);
	}
}

uint32_t paging_lookup(uint32_t va)
{
	uint32_t pde = hv_pd[va >> PGDIR_SHIFT];
	uint32_t *pte;

	if (!(pde & PTE_P) || (pde & PTE_PS))
		return pde & PTE_P ? pde : 0;
	pte = pte_slot(va, 0);
	return pte ? *pte : 0;
}
