/*
 * hv's physical frame allocator.  It hands out 4 KiB frames from hv's pool
 * (the range boot_relocate reserved at the top of RAM), which the guest
 * never sees.  A frame is given out only if the memory map marks it usable
 * and it is not part of hv's image or a boot module.
 */
#ifndef MON_FRAME_H
#define MON_FRAME_H

#include <stdint.h>

void frame_init(void);
/* A zeroed frame's physical address, or 0 when the pool is exhausted. */
uint32_t frame_alloc(void);
void frame_free(uint32_t pa);
uint32_t frame_free_count(void);
/* True if [pa, pa+len) touches anything hv owns (image, modules, pool). */
int frame_hv_owns(uint32_t pa, uint32_t len);
/* hv's linear address of a pool frame (mapped at HV_POOL_BASE). */
void *frame_va(uint32_t pa);

#endif
