/*
 * Booting hv: reading the Multiboot information (boot/mbinfo.c) and moving
 * hv to the top of RAM (boot/reloc.c).  What they learn is in
 * lib/bootinfo.h.
 */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

#include <stdint.h>

#include "lib/bootinfo.h"

/*
 * Parses the Multiboot information at mbi_phys (reachable 1:1 through the
 * boot page tables).  Returns 0, or -1 with *why set when hv cannot go on
 * (wrong magic, no memory map); overlong strings and tables are cut and
 * reported with a warning.
 */
int boot_parse_multiboot(uint32_t magic, uint32_t mbi_phys, const char **why);

/*
 * Moves the modules, then the image, to the top of usable RAM below
 * 4 GiB, reserves a code cache and a frame pool next to them, and
 * switches to hv's final page tables.  Returns 0 or -1 with *why.
 */
int boot_relocate(uint32_t cache_size, uint32_t pool_size, const char **why);

/*
 * CR0 as the boot loader handed it over (boot/entry.S).  It lives in
 * .boot, which guests overwrite: read boot.cr0 instead after boot.
 */
extern uint32_t boot_cr0;

void boot_move_image(uint32_t dst_phys, uint32_t new_cr3);

#endif
