/*
 * 32-bit paging for the guests (SDM vol. 3A 4.3: 32-bit paging, 4 KiB
 * pages through a page table and 4 MiB pages with CR4.PSE and PDE.PS;
 * 4.10.4 INVLPG and CR3 loads).  Page directories, page tables and test
 * pages come from a static pool inside the guest image, so their addresses
 * are the same natively and under hv.
 *
 * Guests keep their linear addresses below 0xFF000000 (hv's region).
 */
#ifndef GUEST_PAGING_H
#define GUEST_PAGING_H

#include <stdint.h>
#include "lib/x86.h"

#define PG_POOL_PAGES	64
#define PG_IDENT_END	0x01000000	/* identity maps cover the low 16 MiB */
#define PDE_TABLE_FLAGS	(PTE_P | PTE_W | PTE_U)	/* leaf entries decide */

/* A zeroed 4 KiB page from the pool (aborts the guest when empty). */
void *pg_alloc(void);
/* A new, empty page directory. */
uint32_t *pg_dir_new(void);
/* Maps one 4 KiB page (allocating its page table); flags: PTE_* bits. */
void pg_map4k(uint32_t *pd, uint32_t va, uint32_t pa, uint32_t flags);
/* Maps one 4 MiB page (PDE.PS); va and pa 4 MiB-aligned. */
void pg_map4m(uint32_t *pd, uint32_t va, uint32_t pa, uint32_t flags);
/* Identity maps [start, end) with 4 KiB or 4 MiB pages. */
void pg_identity4k(uint32_t *pd, uint32_t start, uint32_t end, uint32_t flags);
void pg_identity4m(uint32_t *pd, uint32_t start, uint32_t end, uint32_t flags);
/*
 * The entry that maps va: the PTE, or the PDE itself for a 4 MiB page;
 * NULL when the PDE is not present.
 */
uint32_t *pg_entry(uint32_t *pd, uint32_t va);
/* Clears the mapping of va (P=0) and INVLPGs it when pd is current. */
void pg_unmap(uint32_t *pd, uint32_t va);

/* Turns paging on with pd: CR4.PSE, CR3, then CR0.PG | CR0.WP. */
void pg_enable(uint32_t *pd);
/* Turns paging off again (CR0.PG = 0; CR4.PSE stays). */
void pg_disable(void);
/* Loads CR3 (flushes the non-global TLB entries). */
void pg_switch(uint32_t *pd);
/* The current page directory. */
uint32_t *pg_current(void);

#endif
