/*
 * What hv learns from its boot loader, copied out of the Multiboot
 * information (Multiboot specification 0.6.96, section 3.3) into hv's own
 * memory before anything moves, so nothing later depends on where the
 * loader left its tables.
 */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

#include <stdint.h>

#define BOOT_MAX_MMAP	64
#define BOOT_MAX_MODS	16
#define BOOT_CMDLINE_MAX 512

struct boot_mmap {
	uint64_t addr;
	uint64_t len;
	uint32_t type;		/* MULTIBOOT_MEMORY_* */
};

struct boot_module {
	uint32_t start;		/* physical, [start, end) */
	uint32_t end;
	char cmdline[BOOT_CMDLINE_MAX];
};

struct boot_info {
	char cmdline[BOOT_CMDLINE_MAX];	/* hv's own command line */
	uint32_t mem_lower, mem_upper;	/* KiB, if has_mem */
	int has_mem;
	int nmmap;
	struct boot_mmap mmap[BOOT_MAX_MMAP];
	int nmods;
	struct boot_module mods[BOOT_MAX_MODS];
	/* Where hv itself ended up (filled in by boot_relocate). */
	uint32_t hv_phys_lo, hv_phys_hi;	/* all hv owns: [lo, hi) */
	uint32_t image_phys;			/* image copy */
	uint32_t cache_phys, cache_size;	/* code cache */
	uint32_t pool_phys, pool_size;		/* frame pool */
	uint32_t cr0;				/* CR0 as the loader left it */
};

extern struct boot_info boot;

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

/* The boot page directory hv runs on (physical address), after relocation. */
extern uint32_t hv_pd_phys;
/*
 * CR0 as the boot loader handed it over (boot/entry.S).  It lives in
 * .boot, which guests overwrite: read boot.cr0 instead after boot.
 */
extern uint32_t boot_cr0;
extern uint32_t hv_pd[1024];

void boot_move_image(uint32_t dst_phys, uint32_t new_cr3);

/* Linker symbols (linker.ld) */
extern char hv_image_start[], hv_image_end[], hv_text_end[], hv_bss_start[];
extern char hv_load_phys[];
extern char hv_stack_bottom[], hv_stack_top[];

#endif
