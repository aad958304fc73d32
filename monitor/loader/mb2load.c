/*
 * Loading a Multiboot 2 guest (Multiboot2 Specification version 2.0,
 * 3.3 "I386 machine state", 3.6 "Boot information format"): the image as
 * for Multiboot 1 (mbload.c: segments or the address tag's range, bss
 * zeroed, modules page-aligned), then one information structure, 8-byte
 * aligned, placed by mbplace.c where nothing the guest asked for lies:
 * total_size, reserved, then tags, each 8-byte aligned, up to an end tag.
 *
 * What the guest gets, whether it asked or not (as GRUB gives them):
 *   1  its command line; 3 each module, with its command line; both
 *      without the file's name, the first word of hv's module command
 *      line, as GRUB's `multiboot2` and `module2` pass their arguments
 *   2  the boot loader's name, "hv"
 *   4  mem_lower, mem_upper (as Multiboot 1's, mbload.c)
 *   6  the memory map, entry_size 24, version 0, hv's range reserved
 *   8  with a framebuffer tag, console flags or a request for it: EGA
 *      text, 80x25 at 0xB8000, when the VGA is in a text mode
 *   9  an ELF's section headers (not with the address tag), sections
 *      the segments do not load copied as for Multiboot 1 (mbsect.c)
 *  14  a copy of the firmware's ACPI 1.0 RSDP (revision 0), or 15 of its
 *      2.0 one (revision 2 or later), as GRUB gives the one it finds
 *  21  the load base, when hv honoured a relocatable tag (mb2hdr.c)
 * Never: 5 (BIOS boot device: the kernel came from a module), 7 (VBE),
 * 10 (APM), 11-13 and 17-20 (EFI, SMBIOS: hv's guest has no firmware
 * calls), 16 (network).
 *
 * The structure is written twice by the same code: once only counting
 * its bytes, so that it can be placed, then into guest memory.
 */
#include "monitor/loader/loader.h"

#include "drivers/acpi.h"
#include "drivers/vga.h"
#include "lib/elf.h"
#include "lib/fmt.h"
#include "lib/hw/multiboot2.h"
#include "lib/hw/vga.h"
#include "lib/log.h"
#include "lib/string.h"
#include "monitor/mm/mm.h"

#define FAIL(...) do { fmt_snprintf(why, why_size, __VA_ARGS__); return -1; } while (0)

/* The structure being written at base (0: only counted). */
struct mb2w {
	uint8_t *base;
	uint32_t off;	/* bytes so far */
	uint32_t tag;	/* where the open tag starts */
};

static void emit(struct mb2w *w, const void *src, uint32_t len)
{
	if (w->base)
		memcpy(w->base + w->off, src, len);
	w->off += len;
}

static void open_tag(struct mb2w *w, uint32_t type)
{
	struct mb2_tag t = { type, 0 };

	w->tag = w->off;
	emit(w, &t, sizeof(t));
}

/* Sets the open tag's size and pads to the next tag (3.6.1). */
static void close_tag(struct mb2w *w)
{
	static const uint8_t zero[MB2_TAG_ALIGN];
	uint32_t size = w->off - w->tag;

	if (w->base)
		((struct mb2_tag *)(w->base + w->tag))->size = size;
	emit(w, zero, (MB2_TAG_ALIGN - size % MB2_TAG_ALIGN) % MB2_TAG_ALIGN);
}

/* A module command line without its first word, the file's name. */
static const char *args(const char *cl)
{
	while (*cl && *cl != ' ')
		cl++;
	while (*cl == ' ')
		cl++;
	return cl;
}

static void string_tag(struct mb2w *w, uint32_t type, const char *s)
{
	open_tag(w, type);
	emit(w, s, (uint32_t)strlen(s) + 1);
	close_tag(w);
}

/* The firmware's RSDP (or hv's loader's copy of it) into buf: its length. */
static uint32_t rsdp(uint8_t *buf)
{
	const uint8_t *p = (const uint8_t *)acpi_rsdp_addr();
	uint32_t len = BOOT_RSDP_V1_LEN;

	if (!p)
		return acpi_rsdp_copy(buf, BOOT_RSDP_MAX);
	if (p[15] >= 2)
		len = BOOT_RSDP_MAX;	/* the 2.0 RSDP, its XSDT included */
	memcpy(buf, p, len);
	return len;
}

/* EGA text (3.6.12), when the VGA is in a text mode; else 0, or -1 when
   the header's console flags require a console. */
static int framebuffer(struct mb2w *w, const struct mb_image *img, char *why,
		       size_t why_size)
{
	struct mb2_tag_framebuffer fb = {
		{ MB2_TAG_FRAMEBUFFER, sizeof(fb) }, VGA_TEXT_BASE, VGA_TEXT_COLS * 2,
		VGA_TEXT_COLS, VGA_TEXT_ROWS, VGA_TEXT_BPP, MB2_FRAMEBUFFER_EGA_TEXT, 0
	};

	if (vga_in_text_mode()) {
		emit(w, &fb, sizeof(fb));
		return 0;
	}
	if (img->video == 2)
		FAIL("its console flags require a console, and the VGA is not in a text "
		     "mode (UEFI firmware, or no VGA), the only one hv describes");
	if (w->base)
		log_warn("guest", "its Multiboot 2 header asks for a framebuffer (%ux%ux%u), "
			 "but the VGA is not in a text mode and hv sets none: no "
			 "framebuffer tag", img->width, img->height, img->depth);
	return 0;
}

/* The whole structure; with w->base 0 only its size (nothing placed). */
static int build(struct mb2w *w, const struct mb_image *img, struct mb_place *pl,
		 const uint32_t *mod_at, char *why, size_t why_size)
{
	static struct boot_mmap gm[GUEST_MMAP_MAX];
	int nmap = guest_memmap(gm, GUEST_MMAP_MAX);
	struct mb2_info head = { 0, 0 };
	struct mb2_tag_meminfo mem = { { MB2_TAG_BASIC_MEMINFO, sizeof(mem) },
				       MB_MEM_LOWER, mb_mem_upper(gm, nmap) };
	uint8_t acpi[BOOT_RSDP_MAX];
	uint32_t acpi_len = rsdp(acpi);

	emit(w, &head, sizeof(head));
	string_tag(w, MB2_TAG_CMDLINE, args(boot.mods[0].cmdline));
	string_tag(w, MB2_TAG_LOADER_NAME, "hv");
	for (int i = 1; i < boot.nmods; i++) {
		uint32_t se[2] = { mod_at[i], mod_at[i] + boot.mods[i].end - boot.mods[i].start };

		open_tag(w, MB2_TAG_MODULE);
		emit(w, se, sizeof(se));
		emit(w, args(boot.mods[i].cmdline), (uint32_t)strlen(args(boot.mods[i].cmdline)) + 1);
		close_tag(w);
	}
	emit(w, &mem, sizeof(mem));
	{
		struct mb2_tag_mmap m = { { MB2_TAG_MMAP, 0 }, sizeof(struct mb2_mmap_entry), 0 };

		open_tag(w, MB2_TAG_MMAP);
		emit(w, &m.entry_size, 8);
		for (int i = 0; i < nmap; i++) {
			struct mb2_mmap_entry e = { gm[i].addr, gm[i].len, gm[i].type, 0 };

			emit(w, &e, sizeof(e));
		}
		close_tag(w);
	}
	if ((img->video || (img->mb2_want & (1u << MB2_TAG_FRAMEBUFFER))) &&
	    framebuffer(w, img, why, why_size))
		return -1;
	if (img->shnum) {
		struct mb2_tag_elf_sections t = { { MB2_TAG_ELF_SECTIONS, 0 }, img->shnum,
						  sizeof(struct elf32_shdr), img->shstrndx };
		uint32_t at = w->off + sizeof(t);

		open_tag(w, MB2_TAG_ELF_SECTIONS);
		emit(w, &t.num, sizeof(t) - sizeof(t.tag));
		w->off += img->shnum * (uint32_t)sizeof(struct elf32_shdr);
		if (w->base && mb_copy_sections(img, pl, (struct elf32_shdr *)(w->base + at),
						why, why_size))
			return -1;
		close_tag(w);
	}
	if (acpi_len) {
		open_tag(w, acpi[15] >= 2 ? MB2_TAG_ACPI_NEW : MB2_TAG_ACPI_OLD);
		emit(w, acpi, acpi_len);
		close_tag(w);
	}
	if (img->mb2_reloc) {	/* 3.6.23 */
		open_tag(w, MB2_TAG_LOAD_BASE);
		emit(w, &img->mb2_load_base, 4);
		close_tag(w);
	}
	open_tag(w, MB2_TAG_END);
	close_tag(w);
	if (w->base)
		((struct mb2_info *)w->base)->total_size = w->off;
	return 0;
}

int mb2_load(const struct mb_image *img, uint32_t *mbi_out, char *why, size_t why_size)
{
	static struct mb_place pl;
	uint32_t mod_at[BOOT_MAX_MODS];
	struct mb2w w = { 0, 0, 0 };
	uint32_t at;

	mb_place_init(&pl);
	mb_load_image(img, &pl);
	if (mb_load_modules(&pl, mod_at, why, why_size) ||
	    build(&w, img, &pl, mod_at, why, why_size))
		return -1;
	at = mb_place_get(&pl, w.off, MB2_TAG_ALIGN, 1);
	if (!at)
		FAIL("no room in guest RAM for the boot information (%u bytes)", w.off);
	w.base = (uint8_t *)at;
	w.off = 0;
	if (build(&w, img, &pl, mod_at, why, why_size))
		return -1;
	*mbi_out = at;
	log_info("guest", "loaded: Multiboot 2 information at %08x (%u bytes), %d modules "
		 "passed on", at, w.off, boot.nmods - 1);
	return 0;
}
