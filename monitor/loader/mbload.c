/*
 * Loading a Multiboot guest as a Multiboot loader would (Multiboot
 * specification 0.6.96, 3.2 "Machine state" and 3.3 "Boot information
 * format"): the image at its physical addresses (ELF segments, or the
 * a.out kludge's range), bss zeroed (the ELF's, or up to the header's
 * bss_end_addr), the other boot modules page-aligned, then the
 * information structure and what it points to, each placed by mbplace.c
 * where nothing the guest asked for lies.
 *
 * What the guest gets (info flags bits):
 *   0  mem_lower/mem_upper: hv's loader's lower memory, and the usable
 *      RAM from 1 MiB up to the first hole (hv's range is one)
 *   2  the kernel's command line
 *   3  the modules after the first, with their command lines
 *   5  the ELF section headers (not with the a.out kludge, as GRUB 2)
 *   6  the memory map, hv's range reserved (monitor/mm/gmap.c)
 *   9  the boot loader's name, "hv"
 *  12  with header flag 2, the framebuffer: EGA text, 80x25 at 0xB8000,
 *      as GRUB 2 reports the text mode, when the VGA is in one (hv sets
 *      no video mode; without a text mode, a warning and no field)
 * Not given: 1 (boot device: hv loaded the kernel from a module, not
 * from a BIOS disk, and the spec wants the field absent then), 4 (a.out
 * symbols), 7 and 8 (drives, configuration table: hv has no BIOS calls to
 * ask), 10 (APM), 11 (VBE).
 */
#include "monitor/loader/loader.h"

#include <multiboot.h>

#include "drivers/vga.h"
#include "lib/fmt.h"
#include "lib/hw/vga.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "monitor/mm/mm.h"

#define FAIL(...) do { fmt_snprintf(why, why_size, __VA_ARGS__); return -1; } while (0)

/* The image's segments, taken first: at most MB_MAX_SEGMENTS + page 0
   ranges, which the table always holds. */
void mb_load_image(const struct mb_image *img, struct mb_place *pl)
{
	const struct boot_module *k = &boot.mods[0];

	for (int i = 0; i < img->nseg; i++) {
		memcpy((void *)img->seg[i].paddr, (const void *)(k->start + img->seg[i].offset),
		       img->seg[i].filesz);
		memset((void *)(img->seg[i].paddr + img->seg[i].filesz), 0,
		       img->seg[i].memsz - img->seg[i].filesz);
		mb_place_take(pl, img->seg[i].paddr, img->seg[i].memsz);
	}
}

/* Copies len bytes to a place of their own; returns it, or 0. */
static uint32_t put(struct mb_place *pl, const void *src, uint32_t len, uint32_t align)
{
	uint32_t at = mb_place_get(pl, len, align, 1);

	if (at)
		memcpy((void *)at, src, len);
	return at;
}

static uint32_t put_string(struct mb_place *pl, const char *s)
{
	return put(pl, s, (uint32_t)strlen(s) + 1, 1);
}

uint32_t mb_mem_upper(const struct boot_mmap *gm, int n)
{
	uint64_t upper_end = 0x100000;

	for (int i = 0; i < n; i++)
		if (gm[i].type == MULTIBOOT_MEMORY_AVAILABLE && gm[i].addr == 0x100000)
			upper_end = gm[i].addr + gm[i].len;
	return (uint32_t)((upper_end - 0x100000) >> 10);
}

static void memory_info(multiboot_info_t *mbi, const struct boot_mmap *gm, int n)
{
	mbi->flags |= MULTIBOOT_INFO_MEMORY;
	mbi->mem_lower = MB_MEM_LOWER;
	mbi->mem_upper = mb_mem_upper(gm, n);
}

/* What GRUB 2 reports for the text mode (3.3, framebuffer_type 2). */
static void text_mode(const struct mb_image *img, multiboot_info_t *mbi)
{
	if (!vga_in_text_mode()) {
		log_warn("guest", "its Multiboot header asks for a video mode (mode_type %u, "
			 "%ux%ux%u), but the VGA is not in a text mode (UEFI firmware, or "
			 "no VGA) and hv sets none: no framebuffer information",
			 img->mode_type, img->width, img->height, img->depth);
		return;
	}
	mbi->flags |= MULTIBOOT_INFO_FRAMEBUFFER_INFO;
	mbi->framebuffer_addr = VGA_TEXT_BASE;
	mbi->framebuffer_pitch = VGA_TEXT_COLS * 2;	/* a character and its attribute */
	mbi->framebuffer_width = VGA_TEXT_COLS;
	mbi->framebuffer_height = VGA_TEXT_ROWS;
	mbi->framebuffer_bpp = VGA_TEXT_BPP;
	mbi->framebuffer_type = MULTIBOOT_FRAMEBUFFER_TYPE_EGA_TEXT;
	log_info("guest", "video mode asked (mode_type %u, %ux%ux%u): the guest gets the "
		 "EGA text mode, 80x25 at %05x", img->mode_type, img->width, img->height,
		 img->depth, VGA_TEXT_BASE);
}

int mb_load_modules(struct mb_place *pl, uint32_t *at, char *why, size_t why_size)
{
	for (int i = 1; i < boot.nmods; i++) {
		const struct boot_module *m = &boot.mods[i];
		uint32_t len = m->end - m->start;

		at[i] = mb_place_get(pl, len, PAGE_SIZE, 0);
		if (!at[i])
			FAIL("no room in guest RAM for module %d (%u bytes)", i, len);
		memcpy((void *)at[i], (const void *)m->start, len);
	}
	return 0;
}

/* The module table and command lines for the modules loaded at at[]. */
static int module_list(multiboot_info_t *mbi, struct mb_place *pl, const uint32_t *at,
		       char *why, size_t why_size)
{
	multiboot_module_t mods[BOOT_MAX_MODS];
	uint32_t n = (uint32_t)boot.nmods - 1;

	for (uint32_t i = 0; i < n; i++) {
		mods[i].mod_start = at[i + 1];
		mods[i].mod_end = at[i + 1] + boot.mods[i + 1].end - boot.mods[i + 1].start;
		mods[i].pad = 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		mods[i].cmdline = put_string(pl, boot.mods[i + 1].cmdline);
		if (!mods[i].cmdline)
			FAIL("no room in guest RAM for module %u's command line", i + 1);
	}
	mbi->flags |= MULTIBOOT_INFO_MODS;
	mbi->mods_count = n;
	mbi->mods_addr = n ? put(pl, mods, n * (uint32_t)sizeof(mods[0]), 16) : 0;
	if (n && !mbi->mods_addr)
		FAIL("no room in guest RAM for the module list");
	return 0;
}

int mb_load(const struct mb_image *img, uint32_t *mbi_out, char *why, size_t why_size)
{
	static multiboot_memory_map_t map[GUEST_MMAP_MAX];
	static struct boot_mmap gm[GUEST_MMAP_MAX];
	static struct mb_place pl;
	int nmap = guest_memmap(gm, GUEST_MMAP_MAX);
	uint32_t mod_at[BOOT_MAX_MODS];
	multiboot_info_t mbi;
	uint32_t at;

	memset(&mbi, 0, sizeof(mbi));
	mb_place_init(&pl);
	mb_load_image(img, &pl);
	if (mb_load_modules(&pl, mod_at, why, why_size) ||
	    module_list(&mbi, &pl, mod_at, why, why_size))
		return -1;

	memory_info(&mbi, gm, nmap);
	for (int i = 0; i < nmap; i++)
		map[i] = (multiboot_memory_map_t){ 20, gm[i].addr, gm[i].len, gm[i].type };
	mbi.flags |= MULTIBOOT_INFO_MEM_MAP;
	mbi.mmap_length = sizeof(map[0]) * (uint32_t)nmap;
	mbi.mmap_addr = put(&pl, map, mbi.mmap_length, 8);
	mbi.flags |= MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_BOOT_LOADER_NAME;
	mbi.cmdline = put_string(&pl, boot.mods[0].cmdline);
	mbi.boot_loader_name = put_string(&pl, "hv");
	if (!mbi.mmap_addr || !mbi.cmdline || !mbi.boot_loader_name)
		FAIL("no room in guest RAM for the memory map and command line");
	if (img->shnum) {
		if (mb_load_sections(img, &pl, &mbi.u.elf_sec, why, why_size))
			return -1;
		mbi.flags |= MULTIBOOT_INFO_ELF_SHDR;
	}
	if (img->video)
		text_mode(img, &mbi);

	at = put(&pl, &mbi, sizeof(mbi), 8);
	if (!at)
		FAIL("no room in guest RAM for the boot information (%u bytes)",
		     (uint32_t)sizeof(mbi));
	*mbi_out = at;
	log_info("guest", "loaded: boot information at %08x (flags %08x), %u modules "
		 "passed on", at, mbi.flags, mbi.mods_count);
	return 0;
}
