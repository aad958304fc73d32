/*
 * hv's own page tables (see paging.h).  Page tables are reached through
 * the linear address of their frame: pool frames through the pool window,
 * hv's static tables through the image.
 */
#include "monitor/mm/mm.h"

#include "boot/boot.h"
#include "lib/layout.h"
#include "lib/panic.h"
#include "lib/x86.h"

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
