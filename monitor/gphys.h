/*
 * hv's access to guest-physical memory (see gphys.c).
 */
#ifndef MON_GPHYS_H
#define MON_GPHYS_H

#include <stdint.h>

/* 0, or GMEM_HV when the range touches hv's own memory. */
int gphys_read(uint32_t pa, void *buf, uint32_t len);
int gphys_write(uint32_t pa, const void *buf, uint32_t len);
uint32_t gphys_read32(uint32_t pa);
void gphys_write32(uint32_t pa, uint32_t v);

#endif
