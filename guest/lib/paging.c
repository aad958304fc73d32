/*
 * 32-bit paging helpers (see paging.h; SDM vol. 3A 4.3, tables 4-4 to 4-6
 * for the PDE/PTE formats, 2.5 for CR0.PG/WP and CR4.PSE).
 */
#include "guest/lib/paging.h"

#include "guest/lib/test.h"
#include "lib/string.h"

static uint8_t pool[PG_POOL_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static int pool_used;

#define PD_INDEX(va)	((va) >> PGDIR_SHIFT)
#define PT_INDEX(va)	(((va) >> PAGE_SHIFT) & 0x3FF)

void *pg_alloc(void)
{
	void *p;

	if (pool_used >= PG_POOL_PAGES)
		guest_abort("page pool exhausted (%d pages)", PG_POOL_PAGES);
	p = pool[pool_used++];
	memset(p, 0, PAGE_SIZE);
	return p;
}

uint32_t *pg_dir_new(void)
{
	return pg_alloc();
}

void pg_map4k(uint32_t *pd, uint32_t va, uint32_t pa, uint32_t flags)
{
	uint32_t *pde = &pd[PD_INDEX(va)];
	uint32_t *pt;

	if (!(*pde & PTE_P) || (*pde & PTE_PS)) {
		pt = pg_alloc();
		*pde = (uint32_t)pt | PDE_TABLE_FLAGS;
	}
	pt = (uint32_t *)(*pde & PTE_ADDR);
	pt[PT_INDEX(va)] = (pa & PTE_ADDR) | (flags & ~PTE_PS) | PTE_P;
}

void pg_map4m(uint32_t *pd, uint32_t va, uint32_t pa, uint32_t flags)
{
	pd[PD_INDEX(va)] = (pa & PDE_ADDR_4M) | flags | PTE_PS | PTE_P;
}

void pg_identity4k(uint32_t *pd, uint32_t start, uint32_t end, uint32_t flags)
{
	for (uint32_t a = start; a < end; a += PAGE_SIZE)
		pg_map4k(pd, a, a, flags);
}

void pg_identity4m(uint32_t *pd, uint32_t start, uint32_t end, uint32_t flags)
{
	for (uint32_t a = start; a < end; a += LARGE_PAGE_SIZE)
		pg_map4m(pd, a, a, flags);
}

uint32_t *pg_entry(uint32_t *pd, uint32_t va)
{
	uint32_t *pde = &pd[PD_INDEX(va)];

	if (!(*pde & PTE_P))
		return NULL;
	if (*pde & PTE_PS)
		return pde;
	return &((uint32_t *)(*pde & PTE_ADDR))[PT_INDEX(va)];
}

void pg_unmap(uint32_t *pd, uint32_t va)
{
	uint32_t *e = pg_entry(pd, va);

	if (e)
		*e &= ~PTE_P;
	if ((read_cr0() & CR0_PG) && pg_current() == pd)
		invlpg(va);
}

void pg_enable(uint32_t *pd)
{
	write_cr4(read_cr4() | CR4_PSE);
	write_cr3((uint32_t)pd);
	write_cr0(read_cr0() | CR0_PG | CR0_WP);
}

void pg_disable(void)
{
	write_cr0(read_cr0() & ~CR0_PG);
}

void pg_switch(uint32_t *pd)
{
	write_cr3((uint32_t)pd);
}

uint32_t *pg_current(void)
{
	return (uint32_t *)(read_cr3() & PTE_ADDR);
}
