/*
 * Booting hv: reading the Multiboot 1 or 2 information (boot/mbinfo.c,
 * boot/mb2info.c) and moving hv to the top of RAM (boot/reloc.c).  What
 * they learn is in lib/bootinfo.h.
 */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/bootinfo.h"

/*
 * Parses the Multiboot information at info_phys (reachable 1:1 through the
 * boot page tables), Multiboot 1's or 2's as the magic from EAX says.
 * Returns 0, or -1 with *why set when hv cannot go on (wrong magic, no
 * memory map, a broken Multiboot 2 tag list); overlong strings and tables
 * are cut and reported with a warning.
 */
int boot_parse_multiboot(uint32_t magic, uint32_t info_phys, const char **why);

/*
 * hv's command line, straight from the loader's information (before
 * anything is parsed or printed: it says where to print); "" if none.
 */
const char *boot_cmdline(uint32_t magic, uint32_t info_phys);

/* boot/mb2info.c: the Multiboot 2 side of the two above. */
int boot_parse_mb2(uint32_t info_phys, const char **why);
const char *boot_mb2_cmdline(uint32_t info_phys);

/*
 * For both parsers (boot/mbinfo.c): a string cut to fit dst; a
 * memory map entry (-1: the table is full, warned); a module (1: the
 * table is full, warned; -1 with *why: it ends before it starts).
 */
void boot_copy_string(char *dst, size_t size, const char *src, const char *what);
int boot_add_mmap(uint64_t addr, uint64_t len, uint32_t type);
int boot_add_module(uint32_t start, uint32_t end, const char *cmdline, const char **why);

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
