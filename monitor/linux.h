/*
 * Linux guests: the 32-bit boot protocol (see linux.c).
 */
#ifndef MON_LINUX_H
#define MON_LINUX_H

#include <stddef.h>
#include <stdint.h>

#include "boot/boot.h"

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
