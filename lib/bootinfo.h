/*
 * What hv learned from its boot loader and where it put itself: copied
 * out of the Multiboot information (Multiboot specification 0.6.96,
 * section 3.3, or Multiboot2 specification 2.0, 3.6) by boot/mbinfo.c
 * and boot/mb2info.c before anything moves, completed by
 * boot/reloc.c, read by every layer above.  Also the linker's and
 * boot/entry.S's symbols for hv's own image and stack.
 */
#ifndef LIB_BOOTINFO_H
#define LIB_BOOTINFO_H

#include <stdint.h>

#include "lib/layout.h"

#define BOOT_MAX_MMAP	64
#define BOOT_MAX_MODS	64	/* more is one error line (boot/mbinfo.c) */
/* A command line, its NUL included: hv's own (longer: the rest ignored,
   with a warning), each module's (longer: an error).  Multiboot sets no
   limit; 4 KiB is what hv promises (README.md). */
#define BOOT_CMDLINE_MAX 4096
/* All the modules' command lines together (longer: an error). */
#define BOOT_CMDLINES_TOTAL 65536
#define BOOT_LOADER_MAX	64
#define BOOT_RSDP_V1_LEN 20	/* ACPI 1.0's RSDP */
#define BOOT_RSDP_MAX	36	/* ACPI 2.0's, with the XSDT */

struct boot_mmap {
	uint64_t addr;
	uint64_t len;
	uint32_t type;		/* MULTIBOOT_MEMORY_* */
};

struct boot_module {
	uint32_t start;		/* physical, [start, end) */
	uint32_t end;
	const char *cmdline;	/* at most BOOT_CMDLINE_MAX with the NUL; "" if none */
};

struct boot_info {
	int protocol;			/* Multiboot 1 or 2 */
	char loader[BOOT_LOADER_MAX];	/* the boot loader's name, or "" */
	char cmdline[BOOT_CMDLINE_MAX];	/* hv's own command line */
	uint32_t mem_lower, mem_upper;	/* KiB, if has_mem */
	int has_mem;
	int nmmap;
	struct boot_mmap mmap[BOOT_MAX_MMAP];
	int nmods;
	struct boot_module mods[BOOT_MAX_MODS];
	/* A copy of the ACPI RSDP when the loader gave one (Multiboot 2's
	   tags 14 and 15), rsdp_len bytes; 0: find it in the BIOS area. */
	uint8_t rsdp[BOOT_RSDP_MAX];
	uint32_t rsdp_len;
	/* Where hv itself ended up (filled in by boot_relocate). */
	uint32_t hv_phys_lo, hv_phys_hi;	/* all hv owns: [lo, hi) */
	uint32_t image_phys;			/* image copy */
	uint32_t cache_phys, cache_size;	/* code cache */
	uint32_t pool_phys, pool_size;		/* frame pool */
	uint32_t cr0;				/* CR0 as the loader left it */
};

extern struct boot_info boot;

/* The physical address of a variable in hv's image (linked at HV_BASE). */
#define BOOT_IMAGE_PA(p) (boot.image_phys + ((uint32_t)(uintptr_t)(p) - HV_BASE))

/* Linker symbols (linker.ld) */
extern char hv_image_start[], hv_image_end[], hv_text_end[], hv_rodata_end[], hv_bss_start[];
extern char hv_load_phys[];
/* hv's stack (linker.ld): an unmapped guard page right below it. */
extern char hv_stack_guard[], hv_stack_bottom[], hv_stack_top[];

#endif
