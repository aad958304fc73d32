/*
 * The Multiboot 2 header of a guest kernel (Multiboot2 Specification
 * version 2.0, 3.1 "OS image format": 3.1.1 layout, 3.1.2 magic fields,
 * 3.1.3 tags, 3.1.4-3.1.13 the header tags).
 *
 * hv looks for it only when the image has no Multiboot 1 header
 * (mbguest.c): an image with both is booted by Multiboot 1, which is what
 * QEMU's -kernel and GRUB's `multiboot` would take, and hv has no command
 * to tell it otherwise.  The header lies 8-byte aligned in the first
 * 32 KiB: magic, architecture (0, i386), header_length, checksum, then
 * tags (u16 type, u16 flags, u32 size; each 8-byte aligned) up to an end
 * tag, all inside header_length.  A tag hv does not know, or cannot
 * honour, is refused unless its flags bit 0 says it is optional:
 *
 *   1  information request: the types hv gives (mb2load.c) are given,
 *      5 (BIOS boot device) and 10 (APM) are known but never there (hv
 *      loaded the kernel from a module, and makes no BIOS calls); any
 *      other type refuses the kernel unless the request is optional
 *   2  address, 3 entry address: the a.out kludge (as Multiboot 1's)
 *   4  console flags: a required console must be EGA text, hv's only one
 *   5  framebuffer: hv sets no mode and gives EGA text, as for
 *      Multiboot 1's flag 2; 6 module alignment: hv page-aligns always
 *   7  EFI boot services: hv's guest has no EFI; refused
 *   8, 9  EFI entry points: only for EFI with tag 7 (3.1.7-3.1.8), ignored
 *  10  relocatable: hv loads at the linked address, which must lie in
 *      [min_addr, max_addr] and be aligned; the load base is reported
 */
#include "monitor/loader/loader.h"

#include "lib/fmt.h"
#include "lib/hw/multiboot2.h"
#include "lib/string.h"

#define FAIL(...) do { fmt_snprintf(why, why_size, __VA_ARGS__); return -1; } while (0)
#define ALIGN8(x) (((x) + MB2_TAG_ALIGN - 1) & ~(uint32_t)(MB2_TAG_ALIGN - 1))
/* The header's fixed part and its end tag. */
#define MB2_HDR_MIN (sizeof(struct mb2_header) + sizeof(struct mb2_header_tag))

/* Information tags mb2load.c gives, and those known never to be there. */
#define MB2_GIVES ((1u << MB2_TAG_CMDLINE) | (1u << MB2_TAG_LOADER_NAME) | \
		   (1u << MB2_TAG_MODULE) | (1u << MB2_TAG_BASIC_MEMINFO) | \
		   (1u << MB2_TAG_MMAP) | (1u << MB2_TAG_FRAMEBUFFER) | \
		   (1u << MB2_TAG_ELF_SECTIONS) | (1u << MB2_TAG_ACPI_OLD) | \
		   (1u << MB2_TAG_ACPI_NEW) | (1u << MB2_TAG_LOAD_BASE))
#define MB2_ABSENT ((1u << MB2_TAG_BOOTDEV) | (1u << MB2_TAG_APM))

static const char *info_name(uint32_t t)
{
	static const char *const n[] = {
		"end", "command line", "boot loader name", "module", "basic memory",
		"BIOS boot device", "memory map", "VBE", "framebuffer", "ELF sections",
		"APM", "EFI 32-bit system table", "EFI 64-bit system table", "SMBIOS",
		"ACPI old RSDP", "ACPI new RSDP", "network", "EFI memory map",
		"EFI boot services not terminated", "EFI 32-bit image handle",
		"EFI 64-bit image handle", "load base address",
	};
	return t < sizeof(n) / sizeof(n[0]) ? n[t] : "unknown";
}

/* The size each header tag has in 3.1.4-3.1.13 (0: variable). */
static uint32_t tag_size(uint16_t type)
{
	static const uint8_t sz[] = { 8, 0, 24, 12, 12, 20, 8, 8, 12, 12, 24 };

	return type < sizeof(sz) ? sz[type] : 0;
}

static int find(const uint8_t *p, uint32_t size, uint32_t *off, char *why, size_t why_size)
{
	uint32_t limit = size < MB2_SEARCH ? size : MB2_SEARCH;
	int bad = -1;

	for (uint32_t o = 0; o + sizeof(struct mb2_header) <= limit; o += MB2_HEADER_ALIGN) {
		const struct mb2_header *h = (const struct mb2_header *)(p + o);

		if (h->magic != MB2_HEADER_MAGIC)
			continue;
		if (h->magic + h->architecture + h->header_length + h->checksum == 0) {
			*off = o;
			return 1;
		}
		if (bad < 0)
			bad = (int)o;
	}
	if (bad < 0)
		return 0;
	{
		const struct mb2_header *h = (const struct mb2_header *)(p + bad);

		FAIL("Multiboot 2 header at offset %d: checksum %08x is wrong (magic + "
		     "architecture + header_length + checksum is %08x, not 0)", bad,
		     h->checksum, h->magic + h->architecture + h->header_length + h->checksum);
	}
}

/* Tag 1: every type asked for must be one hv knows, unless optional. */
static int info_request(const struct mb2_header_tag *t, struct mb_image *img, char *why,
			size_t why_size)
{
	const uint32_t *type = (const uint32_t *)(t + 1);
	uint32_t n = (t->size - sizeof(*t)) / 4;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t bit = type[i] < 32 ? 1u << type[i] : 0;

		if (bit & MB2_GIVES)
			img->mb2_want |= bit;
		else if (!(bit & MB2_ABSENT) && !(t->flags & MB2_HTAG_OPTIONAL))
			FAIL("Multiboot 2 header: its information request asks for tag type "
			     "%u (%s), which hv cannot give (the request is not optional)",
			     type[i], info_name(type[i]));
	}
	return 0;
}

/* One tag other than the end tag. */
static int header_tag(const struct mb2_header_tag *t, struct mb_image *img,
		      struct mb2_htag_address *addr, char *why, size_t why_size)
{
	int optional = t->flags & MB2_HTAG_OPTIONAL;
	uint32_t v;

	if (t->type <= MB2_HTAG_RELOCATABLE && t->size < tag_size(t->type))
		FAIL("Multiboot 2 header: tag type %u has size %u, the spec's is %u", t->type,
		     t->size, tag_size(t->type));
	/* Tags 3 and 4's one field, read once the size says it is there. */
	v = t->size >= sizeof(struct mb2_htag_u32) ? ((const struct mb2_htag_u32 *)t)->value : 0;
	switch (t->type) {
	case MB2_HTAG_INFO_REQ:
		return info_request(t, img, why, why_size);
	case MB2_HTAG_ADDRESS:
		*addr = *(const struct mb2_htag_address *)t;
		return 0;
	case MB2_HTAG_ENTRY:
		img->mb2_has_entry = 1;
		img->mb2_entry = v;
		return 0;
	case MB2_HTAG_CONSOLE:
		if ((v & MB2_CONSOLE_REQUIRED) && !(v & MB2_CONSOLE_EGA_TEXT) && !optional)
			FAIL("Multiboot 2 header: console flags %08x require a console but "
			     "not EGA text (bit 1), the only one hv describes", v);
		if (v & MB2_CONSOLE_REQUIRED && !optional)
			img->video = 2;		/* the text mode must be there */
		else if (!img->video)
			img->video = 1;
		return 0;
	case MB2_HTAG_FRAMEBUFFER: {
		const struct mb2_htag_framebuffer *f = (const struct mb2_htag_framebuffer *)t;

		if (!img->video)
			img->video = 1;
		img->width = f->width;
		img->height = f->height;
		img->depth = f->depth;
		return 0;
	}
	case MB2_HTAG_MODULE_ALIGN:	/* hv page-aligns modules anyway */
	case MB2_HTAG_ENTRY_EFI32:	/* EFI only, with tag 7 */
	case MB2_HTAG_ENTRY_EFI64:
		return 0;
	case MB2_HTAG_EFI_BS:
		if (optional)
			return 0;
		FAIL("Multiboot 2 header: it asks to keep EFI boot services (tag type 7, "
		     "not optional); hv's guest has no EFI");
	case MB2_HTAG_RELOCATABLE: {
		const struct mb2_htag_relocatable *r = (const struct mb2_htag_relocatable *)t;

		if (r->preference > MB2_RELOC_PREF_HIGH)
			FAIL("Multiboot 2 header: relocatable tag's preference %u is not "
			     "0, 1 or 2", r->preference);
		img->mb2_reloc = optional ? 2 : 1;
		img->mb2_reloc_min = r->min_addr;
		img->mb2_reloc_max = r->max_addr;
		img->mb2_reloc_align = r->align;
		return 0;
	}
	default:
		if (optional)
			return 0;
		FAIL("Multiboot 2 header: tag type %u is unknown to hv and not optional",
		     t->type);
	}
}

int mb2_header_check(const uint8_t *p, uint32_t size, struct mb_image *img,
		     char *why, size_t why_size)
{
	struct mb2_htag_address addr = { { 0, 0, 0 }, 0, 0, 0, 0 };
	const struct mb2_header *h;
	uint32_t off, end, t;
	int found = find(p, size, &off, why, why_size);

	if (found <= 0)
		return found;
	h = (const struct mb2_header *)(p + off);
	img->protocol = 2;
	img->hdr_off = off;
	if (h->architecture != MB2_ARCH_I386)
		FAIL("Multiboot 2 header: architecture %u is not 0 (i386)", h->architecture);
	if (h->header_length < MB2_HDR_MIN)
		FAIL("Multiboot 2 header: header_length %u is too small for the header and "
		     "its end tag (%u bytes)", h->header_length, (uint32_t)MB2_HDR_MIN);
	if (h->header_length > size - off)
		FAIL("Multiboot 2 header: header_length %u runs past the module's end (the "
		     "header at offset %u, %u bytes)", h->header_length, off, size);
	end = off + h->header_length;
	for (t = off + sizeof(*h);; t += ALIGN8(((const struct mb2_header_tag *)(p + t))->size)) {
		const struct mb2_header_tag *tag = (const struct mb2_header_tag *)(p + t);

		if (t + sizeof(*tag) > end)
			FAIL("Multiboot 2 header: its tag list has no end tag within "
			     "header_length %u", h->header_length);
		if (tag->size < sizeof(*tag) || tag->size > end - t)
			FAIL("Multiboot 2 header: tag type %u at header offset %u has size %u, "
			     "outside 8-%u", tag->type, t - off, tag->size, end - t);
		if (tag->type == MB2_HTAG_END)
			break;
		if (header_tag(tag, img, &addr, why, why_size) < 0)
			return -1;
	}
	if (!addr.tag.type)
		return 1;
	if (!img->mb2_has_entry)
		FAIL("Multiboot 2 header: an address tag without an entry address tag "
		     "(type 3)");
	{
		/* load_addr -1: the file from its first byte (3.1.5). */
		uint32_t load = addr.load_addr == 0xFFFFFFFFu ? addr.header_addr - off :
				addr.load_addr;
		struct mb_addresses a = { "Multiboot 2 header", addr.header_addr, load,
					  addr.load_end_addr, addr.bss_end_addr, img->mb2_entry };

		if (addr.load_addr == 0xFFFFFFFFu && addr.header_addr < off)
			FAIL("Multiboot 2 header: header_addr %08x with load_addr -1 puts the "
			     "file's start below 0", addr.header_addr);
		return mb_check_addresses(&a, off, size, img, why, why_size) < 0 ? -1 : 1;
	}
}

/* Is a physical address inside one of the image's segments? */
static int in_image(const struct mb_image *img, uint32_t a)
{
	for (int i = 0; i < img->nseg; i++)
		if (a >= img->seg[i].paddr && a - img->seg[i].paddr < img->seg[i].memsz)
			return 1;
	return 0;
}

int mb2_header_finish(struct mb_image *img, char *why, size_t why_size)
{
	uint32_t lo = 0xFFFFFFFFu, hi = 0;

	/* 3.1.6: the entry tag wins over the ELF's e_entry. */
	if (img->mb2_has_entry && !img->kludge) {
		if (!in_image(img, img->mb2_entry))
			FAIL("Multiboot 2 header: entry_addr %08x is outside the loaded "
			     "image", img->mb2_entry);
		img->entry = img->mb2_entry;
	}
	for (int i = 0; i < img->nseg; i++) {
		if (img->seg[i].paddr < lo)
			lo = img->seg[i].paddr;
		if (img->seg[i].paddr + img->seg[i].memsz > hi)
			hi = img->seg[i].paddr + img->seg[i].memsz;
	}
	if (!img->mb2_reloc)
		return 0;
	/* 3.1.13: hv does not move images; where it is linked must do. */
	if (lo < img->mb2_reloc_min || hi - 1 > img->mb2_reloc_max ||
	    (img->mb2_reloc_align && lo % img->mb2_reloc_align)) {
		if (img->mb2_reloc == 2) {
			img->mb2_reloc = 0;	/* optional: loaded as linked, no base */
			return 0;
		}
		FAIL("Multiboot 2 header: relocatable tag: hv loads the image where it "
		     "is linked, %08x-%08x, which is not inside min_addr %08x - max_addr "
		     "%08x aligned to %u", lo, hi - 1, img->mb2_reloc_min,
		     img->mb2_reloc_max, img->mb2_reloc_align);
	}
	img->mb2_reloc = 1;
	img->mb2_load_base = lo;
	return 0;
}
