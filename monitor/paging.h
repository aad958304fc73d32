/*
 * hv's own page tables (32-bit paging, SDM vol. 3A 4.3): mapping and
 * unmapping 4 KiB pages in hv's region, and walking a page directory.
 * Page tables hv creates come from the frame pool.
 */
#ifndef MON_PAGING_H
#define MON_PAGING_H

#include <stdint.h>

/* Scratch linear window inside hv's first 4 MiB, after the image. */
#define PAGING_SCRATCH_PAGES 32	/* 0-15 self-tests and probes, 16-31 gphys.c */
uint32_t paging_scratch_va(int slot);

/*
 * Maps the 4 KiB page at linear va to physical pa with PTE flags (PTE_W,
 * PTE_U, ...; PTE_P is implied) in hv's page directory.  Returns 0, or -1
 * when va lies in a 4 MiB mapping or no frame is left for a page table.
 */
int paging_map(uint32_t va, uint32_t pa, uint32_t flags);
void paging_unmap(uint32_t va);
/* The PTE (or 4 MiB PDE) mapping va in hv's directory; 0 if none. */
uint32_t paging_lookup(uint32_t va);

#endif
