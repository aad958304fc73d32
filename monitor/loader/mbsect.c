/*
 * The ELF section headers a Multiboot loader hands on (Multiboot
 * specification 0.6.96, 3.3, info flags bit 5: num, size, addr and shndx
 * of the kernel's section header table, "as in the ELF section header
 * table" of the System V ABI).  The table is copied into guest memory;
 * sections the program headers load keep their sh_addr, and every other
 * section with contents (symbol and string tables, the section names,
 * debugging information) is copied too, page-aligned like GRUB 2 does,
 * and its sh_addr in the copy says where, so the kernel can read its
 * own symbols.  Empty and SHT_NOBITS sections without an address stay
 * at sh_addr 0.  Multiboot 2's ELF sections tag (Multiboot2 spec 2.0,
 * 3.6.7) holds the same table inline: mb2load.c has mb_copy_sections
 * fill it in place.
 */
#include "monitor/loader/loader.h"

#include <multiboot.h>

#include "lib/elf.h"
#include "lib/fmt.h"
#include "lib/x86.h"
#include "lib/string.h"

int mb_copy_sections(const struct mb_image *img, struct mb_place *pl,
		     struct elf32_shdr *tab, char *why, size_t why_size)
{
	const uint8_t *file = (const uint8_t *)boot.mods[0].start;

	memcpy(tab, file + img->shoff, img->shnum * sizeof(*tab));
	for (uint32_t i = 0; i < img->shnum; i++) {
		struct elf32_shdr *sh = &tab[i];
		uint32_t to;

		if (sh->addr || sh->type == SHT_NOBITS || sh->size == 0)
			continue;
		to = mb_place_get(pl, sh->size, PAGE_SIZE, 0);
		if (!to) {
			fmt_snprintf(why, why_size, "no room in guest RAM for ELF section %u "
				     "(%u bytes)", i, sh->size);
			return -1;
		}
		memcpy((void *)to, file + sh->offset, sh->size);
		sh->addr = to;
	}
	return 0;
}

int mb_load_sections(const struct mb_image *img, struct mb_place *pl,
		     struct multiboot_elf_section_header_table *out, char *why,
		     size_t why_size)
{
	uint32_t len = img->shnum * (uint32_t)sizeof(struct elf32_shdr);
	uint32_t at = mb_place_get(pl, len, 16, 1);

	if (!at) {
		fmt_snprintf(why, why_size, "no room in guest RAM for the ELF section "
			     "headers (%u bytes)", len);
		return -1;
	}
	if (mb_copy_sections(img, pl, (struct elf32_shdr *)at, why, why_size))
		return -1;
	out->num = img->shnum;
	out->size = sizeof(struct elf32_shdr);
	out->addr = at;
	out->shndx = img->shstrndx;
	return 0;
}
