/*
 * Loading a Multiboot guest as a Multiboot loader would (Multiboot
 * specification 0.6.96, 3.2 "Machine state" and 3.3 "Boot information
 * format"): the ELF segments at their physical addresses, bss zeroed, and
 * after the kernel an information block with the kernel's command line,
 * mem_lower/mem_upper, the memory map with hv's range marked reserved, and
 * the remaining boot modules with their command lines.
 */
#include "monitor/loader/loader.h"

#include <multiboot.h>

#include "lib/fmt.h"
#include "monitor/mm/mm.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/x86.h"

#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((a) - 1))

int mb_load(const struct mb_image *img, uint32_t *mbi_out, char *why, size_t why_size)
{
	const struct boot_module *k = &boot.mods[0];
	static multiboot_memory_map_t map[GUEST_MMAP_MAX];
	static struct boot_mmap gm[GUEST_MMAP_MAX];
	uint32_t end = 0, at, mbi_at, need;
	int nmap = guest_memmap(gm, GUEST_MMAP_MAX);
	multiboot_info_t mbi;
	multiboot_module_t mods[BOOT_MAX_MODS];
	uint64_t upper_end = 0x100000;

	for (int i = 0; i < nmap; i++)
		map[i] = (multiboot_memory_map_t){ 20, gm[i].addr, gm[i].len, gm[i].type };
	for (int i = 0; i < img->nseg; i++) {
		memcpy((void *)img->seg[i].paddr, (const void *)(k->start + img->seg[i].offset),
		       img->seg[i].filesz);
		memset((void *)(img->seg[i].paddr + img->seg[i].filesz), 0,
		       img->seg[i].memsz - img->seg[i].filesz);
		if (img->seg[i].paddr + img->seg[i].memsz > end)
			end = img->seg[i].paddr + img->seg[i].memsz;
	}

	/* The information block, its tables and strings, then the modules. */
	need = sizeof(mbi) + sizeof(map[0]) * (uint32_t)nmap + sizeof(mods) +
	       BOOT_CMDLINE_MAX * (uint32_t)boot.nmods;
	mbi_at = ALIGN_UP(end, PAGE_SIZE);
	for (int i = 1; i < boot.nmods; i++)
		need = ALIGN_UP(need, PAGE_SIZE) + ALIGN_UP(boot.mods[i].end - boot.mods[i].start,
							    PAGE_SIZE);
	if (!guest_ram_room(mbi_at, need)) {
		fmt_snprintf(why, why_size, "no room after the kernel (at %08x) for its "
			     "boot information and modules (%u bytes)", mbi_at, need);
		return -1;
	}

	memset(&mbi, 0, sizeof(mbi));
	at = mbi_at + sizeof(mbi);
	mbi.flags = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MODS |
		    MULTIBOOT_INFO_MEM_MAP | MULTIBOOT_INFO_BOOT_LOADER_NAME;
	for (int i = 0; i < nmap; i++)
		if (map[i].type == MULTIBOOT_MEMORY_AVAILABLE && map[i].addr == 0x100000)
			upper_end = map[i].addr + map[i].len;
	mbi.mem_lower = boot.has_mem ? boot.mem_lower : 640;
	mbi.mem_upper = (uint32_t)((upper_end - 0x100000) >> 10);

	mbi.mmap_addr = at;
	mbi.mmap_length = sizeof(map[0]) * (uint32_t)nmap;
	memcpy((void *)at, map, mbi.mmap_length);
	at += mbi.mmap_length;

	mbi.cmdline = at;
	memcpy((void *)at, k->cmdline, strlen(k->cmdline) + 1);
	at += (uint32_t)strlen(k->cmdline) + 1;
	mbi.boot_loader_name = at;
	memcpy((void *)at, "hv", 3);
	at += 3;

	mbi.mods_count = (uint32_t)boot.nmods - 1;
	mbi.mods_addr = ALIGN_UP(at, 16);
	at = mbi.mods_addr + sizeof(mods[0]) * mbi.mods_count;
	for (int i = 1; i < boot.nmods; i++) {
		mods[i - 1].cmdline = at;
		memcpy((void *)at, boot.mods[i].cmdline, strlen(boot.mods[i].cmdline) + 1);
		at += (uint32_t)strlen(boot.mods[i].cmdline) + 1;
	}
	for (int i = 1; i < boot.nmods; i++) {
		uint32_t len = boot.mods[i].end - boot.mods[i].start;

		at = ALIGN_UP(at, PAGE_SIZE);
		memcpy((void *)at, (const void *)boot.mods[i].start, len);
		mods[i - 1].mod_start = at;
		mods[i - 1].mod_end = at + len;
		mods[i - 1].pad = 0;
		at += len;
	}
	memcpy((void *)mbi.mods_addr, mods, sizeof(mods[0]) * mbi.mods_count);
	memcpy((void *)mbi_at, &mbi, sizeof(mbi));
	*mbi_out = mbi_at;
	log_info("guest", "loaded: boot information at %08x, %u modules passed on", mbi_at,
		 mbi.mods_count);
	return 0;
}
