/*
 * Guest loaders (monitor/loader/): Multiboot kernels and Linux bzImages
 * (docs/ARCHITECTURE.md, "Guests").
 */
#ifndef LD_LOADER_H
#define LD_LOADER_H

#include "lib/bootinfo.h"
#include <stddef.h>
#include <stdint.h>

/*
 * Multiboot guest kernels: checking a boot module before anything of it is
 * loaded (Multiboot specification 0.6.96, 3.1 "OS image format").
 */
#define MB_MAX_SEGMENTS 16

struct mb_image {
	uint32_t entry;
	uint32_t mb_flags;		/* the kernel's Multiboot header flags */
	int nseg;
	struct {
		uint32_t paddr, filesz, memsz, offset;
	} seg[MB_MAX_SEGMENTS];
};

/*
 * Checks that the module is a Multiboot ELF32 i386 kernel that hv can load:
 * complete, for this machine, with every segment in usable RAM outside
 * hv's range.  Returns 0 and fills *img, or -1 with the reason in why.
 */
int mb_check(const struct boot_module *m, struct mb_image *img, char *why,
	     size_t why_size);

/* The module's name for messages: its command line's first word. */
void mb_module_name(const struct boot_module *m, char *buf, size_t size);

/*
 * Loads a checked image and builds its Multiboot information in guest
 * memory (hv's range still mapped: call before gmem_seal).  Returns 0 and
 * the information block's address, or -1 with the reason.
 */
int mb_load(const struct mb_image *img, uint32_t *mbi, char *why, size_t why_size);

/*
 * Linux guests: the 32-bit boot protocol (see linux.c).
 */
struct linux_entry {
	uint32_t entry;		/* code32_start */
	uint32_t boot_params;	/* ESI */
	uint32_t gdt;		/* a GDT with the boot selectors */
	uint16_t gdt_limit;
	uint16_t cs, ds;
};

/* Does the module hold a bzImage (setup header "HdrS")? */
int linux_is_bzimage(const struct boot_module *m);
/*
 * Loads module 0 as the kernel (module 1, if any, as its initrd) into
 * guest memory; hv's range must still be mapped.  Returns 0, or -1 with
 * the reason.
 */
int linux_load(struct linux_entry *out, char *why, size_t why_size);

#endif
