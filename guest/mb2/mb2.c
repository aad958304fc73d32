/*
 * The Multiboot 2 loader test guests (guest/mb2/, issue 16): what a
 * loader gave, against the Multiboot2 Specification 2.0, 3.3 "I386
 * machine state" and 3.6 "Boot information format".  Each variant
 * (head.S) prints every tag it got and checks what the spec fixes: the
 * magic, the structure 8-byte aligned and ended at total_size, bss
 * zeroed up to bss_end_addr, the tags it asked for, modules page-aligned,
 * the image in available RAM, and nothing the loader placed (structure,
 * modules, copied sections) in the image, its bss, a module or page 0.
 * Tags are printed by type in one order, however the loader orders them.
 * Lines starting "loader: " are what the spec leaves to the loader
 * (addresses, the memory map, its name, the framebuffer, tags it may
 * omit); all others are fixed by the spec, the image or the machine and
 * must be the same under GRUB's `multiboot2` and hv (scripts/test-mb2.sh).
 */
#include <stdint.h>

#include "guest/lib/console.h"
#include "lib/elf.h"
#include "lib/hw/multiboot2.h"
#include "lib/string.h"
#include "lib/x86.h"

#ifdef MB2_FLAT
#define RELOCATABLE 0	/* and asks for less (head.S) */
#else
#define RELOCATABLE 1
#endif

void mb2_main(uint32_t magic, uint32_t info, uint32_t bss_dirty);

extern char __image_start[], __bss_end[], __hdr_bss_end[], _start[];

static int npass, nfail;

static void result(const char *c, int ok, const char *why)
{
	if (ok) {
		gprintf("ok %s.%s\n", MB2_NAME, c);
		npass++;
	} else {
		gprintf("FAIL %s.%s: %s\n", MB2_NAME, c, why);
		nfail++;
	}
}

/* What the guest asked for: [lo, hi) ranges nothing of the loader's may touch. */
static struct range { uint32_t lo, hi; } own[1 + 32];
static int nown, placed = 1;

static void placed_ok(const char *what, uint32_t lo, uint32_t len)
{
	uint64_t hi = (uint64_t)lo + (len ? len : 1);
	int ok = lo >= PAGE_SIZE && hi <= 0x100000000ULL;

	for (int i = 0; i < nown && ok; i++)
		if (lo < own[i].hi && own[i].lo < hi)
			ok = 0;
	gprintf("loader: %s at %08x-%08x%s\n", what, lo, (uint32_t)(hi - 1),
		ok ? "" : " CLASHES");
	placed &= ok;
}

static uint32_t fnv(const uint8_t *p, uint32_t len)
{
	uint32_t h = HASH_INIT;

	for (uint32_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x01000193u;
	return h;
}

/* The information structure's bounds, for the tag walk. */
static uint32_t info_at, info_size;

/* The n-th tag of a type (0 when there is none). */
static const struct mb2_tag *tag(uint32_t type, int n)
{
	for (uint32_t o = sizeof(struct mb2_info); o + sizeof(struct mb2_tag) <= info_size;) {
		const struct mb2_tag *t = (const struct mb2_tag *)(info_at + o);

		if (t->type == MB2_TAG_END || t->size < sizeof(*t))
			return 0;
		if (t->type == type && n-- == 0)
			return t;
		o += (t->size + 7) & ~7u;
	}
	return 0;
}

static void modules(void)
{
	const struct mb2_tag_module *m;
	int n = 0, ok = 1;

	while ((m = (const struct mb2_tag_module *)tag(MB2_TAG_MODULE, n))) {
		gprintf("%s: module %d: %u bytes, fnv %08x, command line \"%s\"\n", MB2_NAME, n,
			m->mod_end - m->mod_start,
			fnv((const uint8_t *)m->mod_start, m->mod_end - m->mod_start), m->cmdline);
		if (m->mod_start & (PAGE_SIZE - 1) || m->mod_end < m->mod_start)
			ok = 0;
		placed_ok("module", m->mod_start, m->mod_end - m->mod_start);
		if (nown < (int)(sizeof(own) / sizeof(own[0])))
			own[nown++] = (struct range){ m->mod_start, m->mod_end };
		n++;
	}
	gprintf("%s: modules %d\n", MB2_NAME, n);
	result("modules", ok, "a module not page-aligned (module alignment tag) or backwards");
}

static void memory(void)
{
	const struct mb2_tag_meminfo *mi = (const struct mb2_tag_meminfo *)tag(MB2_TAG_BASIC_MEMINFO, 0);
	const struct mb2_tag_mmap *mm = (const struct mb2_tag_mmap *)tag(MB2_TAG_MMAP, 0);
	int ok = mi && mi->mem_lower <= 640, in_ram = 0;

	if (mi)
		gprintf("loader: mem_lower %u KiB, mem_upper %u KiB\n", mi->mem_lower,
			mi->mem_upper);
	result("meminfo", ok, "no basic memory tag, or mem_lower above 640 KiB");
	if (!mm) {
		result("mmap", 0, "no memory map tag");
		return;
	}
	gprintf("%s: mmap entry_version %u\n", MB2_NAME, mm->entry_version);
	gprintf("loader: mmap entry_size %u\n", mm->entry_size);
	ok = mm->entry_size >= sizeof(struct mb2_mmap_entry) && mm->entry_size % 8 == 0;
	for (uint32_t o = sizeof(*mm); ok && o + mm->entry_size <= mm->tag.size; o += mm->entry_size) {
		const struct mb2_mmap_entry *e = (const struct mb2_mmap_entry *)((uint32_t)mm + o);

		gprintf("loader: mmap %016llx-%016llx type %u\n", e->base_addr,
			e->base_addr + e->length - 1, e->type);
		if (e->type == MB2_MEMORY_AVAILABLE && e->base_addr <= (uint32_t)__image_start &&
		    e->base_addr + e->length >= (uint32_t)__hdr_bss_end)
			in_ram = 1;
	}
	result("mmap", ok && in_ram, "entries not a multiple of 8 of at least 24 bytes, "
	       "or the image not in available RAM");
}

/* 3.6.12: EGA text is 16 bits a character at 0xB8000, pitch 2 x width. */
static void framebuffer(void)
{
	const struct mb2_tag_framebuffer *f = (const struct mb2_tag_framebuffer *)tag(MB2_TAG_FRAMEBUFFER, 0);
	int ok = 1;

	if (!f) {
		gprintf("loader: no framebuffer tag\n");
	} else {
		gprintf("loader: framebuffer %llx pitch %u %ux%u bpp %u type %u size %u\n",
			f->addr, f->pitch, f->width, f->height, f->bpp, f->type, f->tag.size);
		if (f->type == MB2_FRAMEBUFFER_EGA_TEXT)
			ok = f->addr == 0xB8000 && f->bpp == 16 && f->pitch == f->width * 2 &&
			     f->width && f->height;
	}
	result("framebuffer", ok, "EGA text framebuffer not 16 bpp at 0xB8000, pitch 2 x width");
}

/* 3.6.7: the ELF's section headers, as the file has them. */
static void sections(void)
{
	const struct mb2_tag_elf_sections *t = (const struct mb2_tag_elf_sections *)tag(MB2_TAG_ELF_SECTIONS, 0);
	const struct elf32_shdr *sh = (const struct elf32_shdr *)(t + 1);
	const char *names;
	int ok;

	/* Optional without an ELF: GRUB gives an empty tag, hv none. */
	if (!t || t->num == 0) {
		gprintf(t ? "loader: ELF sections tag, num 0\n" : "loader: no ELF sections tag\n");
		result("sections", 1, "");
		return;
	}
	gprintf("%s: sections num %u entsize %u shndx %u\n", MB2_NAME, t->num, t->entsize,
		t->shndx);
	ok = t->entsize == sizeof(*sh) && t->num > 1 && t->shndx < t->num &&
	     sizeof(*t) + t->num * sizeof(*sh) <= t->tag.size && sh[t->shndx].addr;
	if (!ok) {
		result("sections", 0, "bad num, entsize or shndx, or no name table");
		return;
	}
	names = (const char *)sh[t->shndx].addr;
	for (uint32_t i = 1; i < t->num; i++) {
		gprintf("%s: section %s type %u flags %x size %u", MB2_NAME, names + sh[i].name,
			sh[i].type, sh[i].flags, sh[i].size);
		if (sh[i].flags & SHF_ALLOC)
			gprintf(" addr %08x\n", sh[i].addr);
		else
			gprintf("\n");
		if (!(sh[i].flags & SHF_ALLOC) && sh[i].type != SHT_NOBITS && sh[i].size)
			placed_ok("section", sh[i].addr, sh[i].size);
	}
	result("sections", 1, "");
}

/* The firmware's RSDP where a BIOS keeps it (ACPI 6.x, 5.2.5.1: the
   EBDA's first KiB, or E0000-FFFFF on 16-byte boundaries), or 0. */
static const uint8_t *bios_rsdp(void)
{
	uint16_t seg;	/* the BDA's word at 0x40E, the EBDA's segment */
	uint32_t ebda;

	__asm__ volatile("movw 0x40E, %0" : "=r"(seg) : : "memory");
	ebda = (uint32_t)seg << 4;
	for (uint32_t a = ebda; ebda && a < ebda + 1024; a += 16)
		if (!memcmp((const void *)a, "RSD PTR ", 8))
			return (const uint8_t *)a;
	for (uint32_t a = 0xE0000; a < 0x100000; a += 16)
		if (!memcmp((const void *)a, "RSD PTR ", 8))
			return (const uint8_t *)a;
	return 0;
}

/* 3.6.16-17: a copy of the RSDP.  The RSDT moves with the option ROM
   QEMU loads (README, "Where GRUB differs"): the other fields are
   printed, and the copy must be the BIOS area's byte for byte. */
static void acpi(uint32_t type, const char *name)
{
	const struct mb2_tag_acpi *a = (const struct mb2_tag_acpi *)tag(type, 0);
	uint32_t len = a ? a->tag.size - sizeof(a->tag) : 0;
	const uint8_t *fw = bios_rsdp();
	uint8_t sum = 0;

	if (!a)
		return;
	gprintf("%s: acpi %s rsdp: %u bytes, signature %.8s, oem %.6s, revision %u\n",
		MB2_NAME, name, len, (const char *)a->rsdp, (const char *)a->rsdp + 9,
		len > 15 ? a->rsdp[15] : 0);
	gprintf("loader: acpi %s rsdp: rsdt %08x\n", name,
		len >= 20 ? *(const uint32_t *)(a->rsdp + 16) : 0);
	for (uint32_t i = 0; i < 20 && i < len; i++)
		sum += a->rsdp[i];
	result(name, len >= 20 && !memcmp(a->rsdp, "RSD PTR ", 8) && sum == 0 &&
	       fw && !memcmp(a->rsdp, fw, len),
	       "not an RSDP (signature, checksum), or not the BIOS area's");
}

/* The walk ends with an end tag of size 8 at total_size; the tags this
   guest does not read field by field (the loader's choice) are listed. */
static int walk(void)
{
	static const uint32_t known[] = { MB2_TAG_CMDLINE, MB2_TAG_LOADER_NAME, MB2_TAG_MODULE,
		MB2_TAG_BASIC_MEMINFO, MB2_TAG_MMAP, MB2_TAG_FRAMEBUFFER, MB2_TAG_ELF_SECTIONS,
		MB2_TAG_ACPI_OLD, MB2_TAG_ACPI_NEW, MB2_TAG_LOAD_BASE };

	for (uint32_t o = sizeof(struct mb2_info); o + sizeof(struct mb2_tag) <= info_size;) {
		const struct mb2_tag *t = (const struct mb2_tag *)(info_at + o);
		int k = 0;

		if (t->size < sizeof(*t))
			return 0;
		if (t->type == MB2_TAG_END)
			return t->size == 8 && o + 8 == info_size;
		for (uint32_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			k |= t->type == known[i];
		if (!k)
			gprintf("loader: tag %u size %u\n", t->type, t->size);
		o += (t->size + 7) & ~7u;
	}
	return 0;
}

void mb2_main(uint32_t magic, uint32_t info, uint32_t bss_dirty)
{
	const struct mb2_tag *t;
	int asked = 1;

	console_init();
	gprintf("%s: start\n", MB2_NAME);
	result("magic", magic == MB2_BOOTLOADER_MAGIC, "EAX is not 0x36D76289");
	result("bss", bss_dirty == 0, "bytes up to the bss end not zero");
	result("aligned", (info & 7) == 0, "EBX not 8-byte aligned");
	info_at = info;
	info_size = ((const struct mb2_info *)info)->total_size;
	own[nown++] = (struct range){ (uint32_t)__image_start, (uint32_t)__hdr_bss_end };
	result("end", walk(), "no end tag of size 8 at total_size");
	modules();		/* first: they are what the rest must stay clear of */
	placed_ok("information", info, info_size);
	if ((t = tag(MB2_TAG_CMDLINE, 0)))
		gprintf("%s: command line \"%s\"\n", MB2_NAME, ((const struct mb2_tag_string *)t)->string);
	if ((t = tag(MB2_TAG_LOADER_NAME, 0)))
		gprintf("loader: boot loader name \"%s\"\n", ((const struct mb2_tag_string *)t)->string);
	memory();
	sections();
	acpi(MB2_TAG_ACPI_OLD, "old");
	acpi(MB2_TAG_ACPI_NEW, "new");
	framebuffer();
	/* Only a relocatable image's load base is the spec's (mb2elf's). */
	if ((t = tag(MB2_TAG_LOAD_BASE, 0)))
		gprintf("%s: load base %08x\n", RELOCATABLE ? MB2_NAME : "loader",
			((const struct mb2_tag_u32 *)t)->value);
	if (RELOCATABLE)
		asked = tag(MB2_TAG_ELF_SECTIONS, 0) && tag(MB2_TAG_LOAD_BASE, 0) &&
			(tag(MB2_TAG_ACPI_OLD, 0) || tag(MB2_TAG_ACPI_NEW, 0));
	asked &= tag(MB2_TAG_CMDLINE, 0) && tag(MB2_TAG_BASIC_MEMINFO, 0) && tag(MB2_TAG_MMAP, 0);
	result("asked", asked, "a tag it asked for (that this machine has) is missing");
	result("placement", placed, "the loader put something in the image, its bss, "
	       "a module or page 0 (the loader: lines say which)");
	gprintf("END %s pass=%d fail=%d\n", MB2_NAME, npass, nfail);
	outb(0xF4, nfail ? 1 : 0);
}
