/*
 * Reads the Multiboot 2 information (Multiboot2 Specification version
 * 2.0, 3.6) into `boot`, for a hv started by GRUB's `multiboot2` (see
 * boot/mbinfo.c for Multiboot 1).  The tags hv takes:
 *
 *   1  boot command line (3.6.5)   hv's options
 *   2  boot loader name (3.6.9)    logged
 *   3  modules (3.6.6)             the guest and its modules, with their
 *                                  command lines
 *   4  basic memory information    mem_lower, mem_upper
 *      (3.6.3)
 *   6  memory map (3.6.8)          where hv may go and what the guest gets
 *   14, 15  ACPI old and new RSDP  a copy of the RSDP, for drivers/acpi.c:
 *                                  on UEFI there may be no BIOS area to
 *                                  scan for it (the new one wins)
 *
 * and skips every other tag (the spec lets a loader give tags nobody asked
 * for, 3.6.2).  On UEFI, GRUB gives a 32-bit image that did not ask to
 * keep boot services (boot/mb2header.S) the same tags as on a BIOS, plus
 * the EFI ones (11/12 system table, 17 EFI memory map, 19/20 image
 * handle), which hv does not need: the memory map tag is already the EFI
 * map in Multiboot's types, and boot services are gone.
 *
 * The information is checked as it is walked: total_size inside the
 * memory below hv's region, every tag inside total_size, strings ended
 * inside their tag, an end tag (3.6.1).  A broken list is one error line,
 * never a read past it.
 */
#include "boot/boot.h"

#include "drivers/acpi.h"
#include "lib/fmt.h"
#include "lib/hw/multiboot2.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/string.h"

#define TAG_ALIGN_UP(x)	(((x) + MB2_TAG_ALIGN - 1) & ~(uint32_t)(MB2_TAG_ALIGN - 1))

static char why_buf[120];

/* The information at phys, or 0 (with *why) when its header is not sane. */
static const struct mb2_info *info_at(uint32_t phys, const char **why)
{
	const struct mb2_info *mi = (const struct mb2_info *)phys;

	if (!phys || (phys & (MB2_TAG_ALIGN - 1)) || phys >= HV_BASE - sizeof(*mi)) {
		fmt_snprintf(why_buf, sizeof(why_buf), "Multiboot 2 information at %08x: "
			     "not 8-byte aligned below %08x", phys, HV_BASE);
		*why = why_buf;
		return 0;
	}
	if (mi->total_size < sizeof(*mi) + sizeof(struct mb2_tag) ||
	    mi->total_size > HV_BASE - phys) {
		fmt_snprintf(why_buf, sizeof(why_buf), "Multiboot 2 information at %08x: "
			     "total_size %u is out of range", phys, mi->total_size);
		*why = why_buf;
		return 0;
	}
	return mi;
}

/*
 * The tag at *off, checked to lie inside the information; *off moves to
 * the next one.  0 (with *why) when the list is broken.
 */
static const struct mb2_tag *tag_at(const struct mb2_info *mi, uint32_t *off, const char **why)
{
	const struct mb2_tag *t = (const struct mb2_tag *)((const uint8_t *)mi + *off);

	if (*off + sizeof(*t) > mi->total_size) {
		fmt_snprintf(why_buf, sizeof(why_buf), "Multiboot 2 information: no end "
			     "tag in its %u bytes", mi->total_size);
		*why = why_buf;
		return 0;
	}
	if (t->size < sizeof(*t)) {
		fmt_snprintf(why_buf, sizeof(why_buf), "Multiboot 2 information: tag %u "
			     "at offset %u has size %u, less than its own 8 bytes",
			     t->type, *off, t->size);
		*why = why_buf;
		return 0;
	}
	if (t->size > mi->total_size - *off) {
		fmt_snprintf(why_buf, sizeof(why_buf), "Multiboot 2 information: tag %u "
			     "at offset %u has size %u, past the information's %u bytes",
			     t->type, *off, t->size, mi->total_size);
		*why = why_buf;
		return 0;
	}
	*off += TAG_ALIGN_UP(t->size);
	return t;
}

/* A tag's string from offset `at` in it, if it ends inside the tag. */
static const char *tag_string(const struct mb2_tag *t, uint32_t at, const char **why)
{
	const char *s = (const char *)t + at;

	if (t->size <= at || strnlen(s, t->size - at) == t->size - at) {
		fmt_snprintf(why_buf, sizeof(why_buf), "Multiboot 2 information: tag %u "
			     "(size %u) has no string ended inside it", t->type, t->size);
		*why = why_buf;
		return 0;
	}
	return s;
}

static int too_small(const struct mb2_tag *t, uint32_t need, const char **why)
{
	if (t->size >= need)
		return 0;
	fmt_snprintf(why_buf, sizeof(why_buf), "Multiboot 2 information: tag %u has "
		     "size %u, less than the %u it must have", t->type, t->size, need);
	*why = why_buf;
	return 1;
}

static int read_mmap(const struct mb2_tag *t, const char **why)
{
	const struct mb2_tag_mmap *m = (const struct mb2_tag_mmap *)t;

	if (too_small(t, sizeof(*m), why))
		return -1;
	if (m->entry_size < sizeof(struct mb2_mmap_entry) || (m->entry_size & 7)) {
		fmt_snprintf(why_buf, sizeof(why_buf), "Multiboot 2 memory map: entry_size "
			     "%u (at least 24, a multiple of 8)", m->entry_size);
		*why = why_buf;
		return -1;
	}
	for (uint32_t off = sizeof(*m); off + m->entry_size <= t->size; off += m->entry_size) {
		const struct mb2_mmap_entry *e =
			(const struct mb2_mmap_entry *)((const uint8_t *)t + off);

		if (boot_add_mmap(e->base_addr, e->length, e->type) < 0)
			break;
	}
	return 0;
}

/* Keeps the RSDP's copy; the ACPI 2.0 one (tag 15) over the 1.0 one. */
static int read_rsdp(const struct mb2_tag *t, const char **why)
{
	uint32_t n = t->size - sizeof(*t);

	if (too_small(t, sizeof(*t) + BOOT_RSDP_V1_LEN, why))
		return -1;
	if (t->type == MB2_TAG_ACPI_OLD) {
		if (boot.rsdp_len)	/* the new one came first */
			return 0;
		n = BOOT_RSDP_V1_LEN;
	}
	if (n > BOOT_RSDP_MAX)
		n = BOOT_RSDP_MAX;
	memcpy(boot.rsdp, ((const struct mb2_tag_acpi *)t)->rsdp, n);
	boot.rsdp_len = n;
	return 0;
}

const char *boot_mb2_cmdline(uint32_t info_phys)
{
	const char *why, *s;
	const struct mb2_info *mi = info_at(info_phys, &why);
	const struct mb2_tag *t;

	for (uint32_t off = sizeof(*mi); mi && (t = tag_at(mi, &off, &why)) &&
	     t->type != MB2_TAG_END;)
		if (t->type == MB2_TAG_CMDLINE && (s = tag_string(t, sizeof(*t), &why)))
			return s;
	return "";	/* boot_parse_mb2 reports what is wrong */
}

int boot_parse_mb2(uint32_t info_phys, const char **why)
{
	const struct mb2_info *mi = info_at(info_phys, why);
	const struct mb2_tag *t;
	const char *s;
	int has_mmap = 0, full = 0;

	if (!mi)
		return -1;
	boot.protocol = 2;
	for (uint32_t off = sizeof(*mi);;) {
		if (!(t = tag_at(mi, &off, why)))
			return -1;
		switch (t->type) {
		case MB2_TAG_END:
			if (!has_mmap) {
				*why = "the boot loader gave no memory map (Multiboot 2 tag 6)";
				return -1;
			}
			if (boot.rsdp_len)
				acpi_set_rsdp(boot.rsdp, boot.rsdp_len);
			return 0;
		case MB2_TAG_CMDLINE:
			if (!(s = tag_string(t, sizeof(*t), why)))
				return -1;
			boot_copy_string(boot.cmdline, sizeof(boot.cmdline), s, 0);	/* options_parse: the rest */
			break;
		case MB2_TAG_LOADER_NAME:
			if (!(s = tag_string(t, sizeof(*t), why)))
				return -1;
			boot_copy_string(boot.loader, sizeof(boot.loader), s, "boot loader name");
			break;
		case MB2_TAG_MODULE: {
			const struct mb2_tag_module *m = (const struct mb2_tag_module *)t;
			int r;

			if (!(s = tag_string(t, sizeof(*m), why)))
				return -1;
			if (full)
				break;
			if ((r = boot_add_module(m->mod_start, m->mod_end, s, why)) < 0)
				return -1;
			full = r > 0;
			break;
		}
		case MB2_TAG_BASIC_MEMINFO: {
			const struct mb2_tag_meminfo *m = (const struct mb2_tag_meminfo *)t;

			if (too_small(t, sizeof(*m), why))
				return -1;
			boot.has_mem = 1;
			boot.mem_lower = m->mem_lower;
			boot.mem_upper = m->mem_upper;
			break;
		}
		case MB2_TAG_MMAP:
			if (has_mmap++) {
				*why = "Multiboot 2 information: two memory maps (tag 6)";
				return -1;
			}
			if (read_mmap(t, why) < 0)
				return -1;
			break;
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			if (read_rsdp(t, why) < 0)
				return -1;
			break;
		default:
			break;
		}
	}
}
