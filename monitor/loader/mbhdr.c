/*
 * The Multiboot header of a guest kernel (Multiboot specification 0.6.96,
 * 3.1.1 "OS image format", 3.1.2 "The magic fields", 3.1.3 "The address
 * fields", 3.1.4 "The graphics fields").
 *
 * The header lies longword-aligned in the first 8192 bytes.  Flags bits
 * 0-15 are requirements: a loader that does not know one must refuse the
 * kernel; hv knows 0 (page-aligned modules), 1 (memory information) and 2
 * (video mode: hv gives the EGA text mode the machine is in, as GRUB 2
 * does when it sets no graphics mode).  Bits 16-31 are optional; 16, the
 * "a.out kludge", makes the address fields authoritative whatever the
 * image's format (GRUB 2 and QEMU load an ELF by them too):
 *
 *   file:   [ ... text_off ... header at hdr_off ... ]
 *   memory: load_addr ......... header_addr ... load_end_addr ... bss_end_addr
 *
 * header_addr - load_addr is the header's distance from the start of what
 * is loaded, so the load starts at file offset hdr_off - (header_addr -
 * load_addr); load_end_addr 0 loads the rest of the file, bss_end_addr 0
 * means no bss, else [load_end_addr, bss_end_addr) is zeroed.  The checks
 * below are QEMU's (hw/i386/multiboot.c refuses the same layouts), plus
 * the file's size and entry_addr inside what is loaded.
 */
#include "monitor/loader/loader.h"

#include <multiboot.h>

#include "lib/fmt.h"
#include "lib/string.h"

#define FAIL(...) do { fmt_snprintf(why, why_size, __VA_ARGS__); return -1; } while (0)

/* The header's length up to its last field a flag makes valid. */
#define MB_HDR_BASE	12
#define MB_HDR_ADDR	32
#define MB_HDR_VIDEO	48

/* Flags bits 0-15 hv honours (the others in 0-15 make it refuse). */
#define MB_KNOWN_REQUIRED (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO | MULTIBOOT_VIDEO_MODE)

static int find(const uint8_t *p, uint32_t size, uint32_t *off)
{
	uint32_t limit = size < MULTIBOOT_SEARCH ? size : MULTIBOOT_SEARCH;

	for (uint32_t o = 0; o + MB_HDR_BASE <= limit; o += MULTIBOOT_HEADER_ALIGN) {
		const uint32_t *h = (const uint32_t *)(p + o);

		if (h[0] == MULTIBOOT_HEADER_MAGIC && h[0] + h[1] + h[2] == 0) {
			*off = o;
			return 0;
		}
	}
	return -1;
}

/* The address fields (3.1.3; Multiboot 2's address and entry tags,
   3.1.5-3.1.6, mean the same) into img->seg[0]. */
int mb_check_addresses(const struct mb_addresses *a, uint32_t hdr_off, uint32_t size,
		       struct mb_image *img, char *why, size_t why_size)
{
	uint32_t text_off, load_size, mem_size;

	if (a->header_addr < a->load_addr)
		FAIL("%s: header_addr %08x is below load_addr %08x", a->what,
		     a->header_addr, a->load_addr);
	if (a->header_addr - a->load_addr > hdr_off)
		FAIL("%s: load_addr %08x lies before the file's start "
		     "(header_addr %08x, header at file offset %u)", a->what, a->load_addr,
		     a->header_addr, hdr_off);
	text_off = hdr_off - (a->header_addr - a->load_addr);
	if (a->load_end_addr) {
		if (a->load_end_addr < a->load_addr)
			FAIL("%s: load_end_addr %08x is before load_addr %08x", a->what,
			     a->load_end_addr, a->load_addr);
		load_size = a->load_end_addr - a->load_addr;
		if ((uint64_t)text_off + load_size > size)
			FAIL("truncated: load_end_addr %08x needs file bytes up to %u, "
			     "the module has %u", a->load_end_addr, text_off + load_size, size);
	} else {
		load_size = size - text_off;
	}
	if (load_size == 0)
		FAIL("%s: nothing to load (load_end_addr %08x = load_addr)", a->what,
		     a->load_end_addr);
	if ((uint64_t)a->load_addr + load_size > 0x100000000ULL)
		FAIL("%s: load_addr %08x + %u bytes wraps past 4 GiB", a->what,
		     a->load_addr, load_size);
	mem_size = load_size;
	if (a->bss_end_addr) {
		if (a->bss_end_addr < a->load_addr + load_size)
			FAIL("%s: bss_end_addr %08x is before the loaded image's end %08x",
			     a->what, a->bss_end_addr, a->load_addr + load_size);
		mem_size = a->bss_end_addr - a->load_addr;
	}
	if (a->entry_addr < a->load_addr || a->entry_addr - a->load_addr >= load_size)
		FAIL("%s: entry_addr %08x is outside the loaded image %08x-%08x", a->what,
		     a->entry_addr, a->load_addr, a->load_addr + load_size - 1);
	if (mb_check_range(a->bss_end_addr ? "load_addr-bss_end_addr" :
			   "load_addr-load_end_addr", a->load_addr, mem_size, why, why_size))
		return -1;
	img->kludge = 1;
	img->entry = a->entry_addr;
	img->nseg = 1;
	img->seg[0].paddr = a->load_addr;
	img->seg[0].filesz = load_size;
	img->seg[0].memsz = mem_size;
	img->seg[0].offset = text_off;
	return 0;
}

int mb_header_check(const uint8_t *p, uint32_t size, struct mb_image *img,
		    char *why, size_t why_size)
{
	const struct multiboot_header *h;
	uint32_t off, need;

	if (find(p, size, &off) < 0)
		return 0;
	h = (const struct multiboot_header *)(p + off);
	img->hdr_off = off;
	img->mb_flags = h->flags;
	if (h->flags & 0xFFFF & ~MB_KNOWN_REQUIRED)
		FAIL("its Multiboot header requires features hv does not know "
		     "(flags %08x: bits 3-15 %04x)", h->flags,
		     h->flags & 0xFFFF & ~MB_KNOWN_REQUIRED);
	need = h->flags & MULTIBOOT_VIDEO_MODE ? MB_HDR_VIDEO :
	       h->flags & MULTIBOOT_AOUT_KLUDGE ? MB_HDR_ADDR : MB_HDR_BASE;
	if (off + need > size || off + need > MULTIBOOT_SEARCH)
		FAIL("truncated: its Multiboot header at offset %u needs %u bytes "
		     "(flags %08x), the %s ends at %u", off, need, h->flags,
		     size < MULTIBOOT_SEARCH ? "module" : "8 KiB it must lie in",
		     size < MULTIBOOT_SEARCH ? size : MULTIBOOT_SEARCH);
	if (h->flags & MULTIBOOT_VIDEO_MODE) {
		/* 3.1.4: 0 linear graphics, 1 EGA text; width, height and
		   depth are preferences (0: none).  hv sets no mode. */
		if (h->mode_type > 1)
			FAIL("Multiboot header: mode_type %u is neither 0 (linear "
			     "graphics) nor 1 (EGA text)", h->mode_type);
		img->video = 1;
		img->mode_type = h->mode_type;
		img->width = h->width;
		img->height = h->height;
		img->depth = h->depth;
	}
	if (h->flags & MULTIBOOT_AOUT_KLUDGE) {
		struct mb_addresses a = { "Multiboot header", h->header_addr, h->load_addr,
					  h->load_end_addr, h->bss_end_addr, h->entry_addr };

		if (mb_check_addresses(&a, off, size, img, why, why_size) < 0)
			return -1;
	}
	return 1;
}
