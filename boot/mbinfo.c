/*
 * Copies what hv needs out of the Multiboot information (Multiboot
 * specification 0.6.96, 3.3 "Boot information format") into `boot`.
 * Memory below HV_BASE is mapped 1:1 while this runs (boot/entry.S).
 */
#include "boot/boot.h"

#include <multiboot.h>

#include "lib/log.h"
#include "lib/string.h"

struct boot_info boot;

static void copy_string(char *dst, uint32_t src_phys, const char *what)
{
	const char *src = (const char *)src_phys;
	size_t n = strnlen(src, BOOT_CMDLINE_MAX);

	if (n == BOOT_CMDLINE_MAX) {
		log_warn("boot", "%s longer than %d bytes: cut", what,
			 BOOT_CMDLINE_MAX - 1);
		n = BOOT_CMDLINE_MAX - 1;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int boot_parse_multiboot(uint32_t magic, uint32_t mbi_phys, const char **why)
{
	const multiboot_info_t *mbi = (const multiboot_info_t *)mbi_phys;

	boot.cr0 = boot_cr0;
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
		*why = "not started by a Multiboot loader (bad magic in EAX)";
		return -1;
	}
	if (mbi->flags & MULTIBOOT_INFO_CMDLINE)
		copy_string(boot.cmdline, mbi->cmdline, "hv command line");
	if (mbi->flags & MULTIBOOT_INFO_MEMORY) {
		boot.has_mem = 1;
		boot.mem_lower = mbi->mem_lower;
		boot.mem_upper = mbi->mem_upper;
	}
	if (!(mbi->flags & MULTIBOOT_INFO_MEM_MAP)) {
		*why = "the boot loader gave no memory map";
		return -1;
	}
	for (uint32_t off = 0; off + 4 <= mbi->mmap_length;) {
		const multiboot_memory_map_t *e =
			(const multiboot_memory_map_t *)(mbi->mmap_addr + off);

		if (boot.nmmap == BOOT_MAX_MMAP) {
			log_warn("boot", "memory map has more than %d entries: "
				 "the rest is ignored", BOOT_MAX_MMAP);
			break;
		}
		boot.mmap[boot.nmmap].addr = e->addr;
		boot.mmap[boot.nmmap].len = e->len;
		boot.mmap[boot.nmmap].type = e->type;
		boot.nmmap++;
		off += e->size + sizeof(e->size);
	}
	if (mbi->flags & MULTIBOOT_INFO_MODS) {
		const multiboot_module_t *m = (const multiboot_module_t *)mbi->mods_addr;

		for (uint32_t i = 0; i < mbi->mods_count; i++) {
			struct boot_module *bm;

			if (boot.nmods == BOOT_MAX_MODS) {
				log_warn("boot", "more than %d modules: the rest is ignored",
					 BOOT_MAX_MODS);
				break;
			}
			bm = &boot.mods[boot.nmods++];
			bm->start = m[i].mod_start;
			bm->end = m[i].mod_end;
			if (bm->end < bm->start) {
				*why = "a module ends before it starts";
				return -1;
			}
			if (m[i].cmdline)
				copy_string(bm->cmdline, m[i].cmdline, "module command line");
		}
	}
	return 0;
}
