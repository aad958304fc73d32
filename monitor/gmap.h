/*
 * The guest's view of physical memory (see gmap.c).
 */
#ifndef MON_GMAP_H
#define MON_GMAP_H

#include <stdint.h>

#include "boot/boot.h"

#define GUEST_MMAP_MAX (BOOT_MAX_MMAP + 3)

/* The boot memory map with hv's range cut out and marked reserved. */
int guest_memmap(struct boot_mmap *out, int max);
/* Is [at, at+len) usable guest RAM (inside one usable range, not hv's)? */
int guest_ram_room(uint32_t at, uint32_t len);
/* The end of the usable guest RAM range that contains `at`, or 0. */
uint32_t guest_ram_end(uint32_t at);

#endif
