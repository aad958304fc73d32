/*
 * The loader test guests (guest/mb1/, issue 16): what a Multiboot loader
 * gave, against Multiboot specification 0.6.96, 3.2 "Machine state" and
 * 3.3 "Boot information format".  Each variant (head.S) prints every
 * field of the information structure and checks what the spec fixes:
 * the magic, bss zeroed up to the header's bss_end_addr, the entry taken
 * at its physical address, the command lines and modules (page-aligned:
 * header flag 0), the memory fields (flag 1), the video mode (flag 2),
 * the ELF section headers, and that nothing the loader placed lies in
 * the image, its bss, a module or page 0.
 *
 * Lines starting "loader: " are the loader's own choices, which the spec
 * leaves open (addresses, the memory it hides, which optional fields it
 * gives, its name): QEMU's -kernel and hv differ there, so
 * scripts/test-mb1.sh compares the transcripts without them and checks
 * hv's against what hv documents.  Every other line must be the same
 * natively and under hv.
 */
#include <multiboot.h>
#include <stdint.h>

#include "guest/lib/console.h"
#include "lib/elf.h"
#include "lib/string.h"
#include "lib/x86.h"

#ifndef MB1_NAME
#define MB1_NAME "mb1"
#endif
#ifdef MB1_VIDEO
#define ASKS_VIDEO 1		/* header flag 2 */
#else
#define ASKS_VIDEO 0
#endif

void mb1_main(uint32_t magic, const multiboot_info_t *mbi, uint32_t bss_dirty);

extern char __image_start[], __bss_start[], __hdr_bss_end[], mb1_header[];
extern char _start[];

static int npass, nfail;

static void result(const char *c, int ok, const char *why)
{
	if (ok) {
		gprintf("ok %s.%s\n", MB1_NAME, c);
		npass++;
	} else {
		gprintf("FAIL %s.%s: %s\n", MB1_NAME, c, why);
		nfail++;
	}
}

/* What the guest asked for: [lo, hi) ranges nothing of the loader's may touch. */
static struct { uint32_t lo, hi; } own[1 + 32];
static int nown;

/* Does [lo, lo+len) stay clear of page 0, the image and the modules? */
static int placed_ok(const char *what, uint32_t lo, uint32_t len)
{
	uint64_t hi = (uint64_t)lo + (len ? len : 1);
	int ok = lo >= PAGE_SIZE && hi <= 0x100000000ULL;

	for (int i = 0; i < nown && ok; i++)
		if (lo < own[i].hi && own[i].lo < hi)
			ok = 0;
	gprintf("loader: %s at %08x-%08x%s\n", what, lo, (uint32_t)(hi - 1),
		ok ? "" : " CLASHES");
	return ok;
}

static const char *args(const char *cmdline)
{
	while (*cmdline && *cmdline != ' ')
		cmdline++;
	while (*cmdline == ' ')
		cmdline++;
	return cmdline;
}

static uint32_t fnv(const uint8_t *p, uint32_t len)
{
	uint32_t h = HASH_INIT;

	for (uint32_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x01000193u;
	return h;
}

static void modules(const multiboot_info_t *mbi, int *placed)
{
	const multiboot_module_t *m = (const multiboot_module_t *)mbi->mods_addr;
	int ok = 1;

	gprintf("%s: modules %u\n", MB1_NAME, mbi->mods_count);
	for (uint32_t i = 0; i < mbi->mods_count; i++) {
		const char *cl = (const char *)m[i].cmdline;

		gprintf("%s: module %u: %u bytes, fnv %08x, command line \"%s\"\n",
			MB1_NAME, i, m[i].mod_end - m[i].mod_start,
			fnv((const uint8_t *)m[i].mod_start, m[i].mod_end - m[i].mod_start),
			args(cl));
		if (m[i].mod_start & (PAGE_SIZE - 1) || m[i].mod_end < m[i].mod_start)
			ok = 0;
		/* A module clear of the image and of the modules before it. */
		if (!placed_ok("module", m[i].mod_start, m[i].mod_end - m[i].mod_start))
			ok = 0;
		if (nown < (int)(sizeof(own) / sizeof(own[0]))) {
			own[nown].lo = m[i].mod_start;
			own[nown].hi = m[i].mod_end;
			nown++;
		}
	}
	result("modules", ok, "a module not page-aligned, backwards or over the image");
	if (mbi->mods_count)
		*placed &= placed_ok("module list", mbi->mods_addr,
				     mbi->mods_count * sizeof(*m));
	for (uint32_t i = 0; i < mbi->mods_count; i++)
		*placed &= placed_ok("module command line", m[i].cmdline,
				     strlen((const char *)m[i].cmdline) + 1);
}

static void memory(const multiboot_info_t *mbi, int *placed)
{
	const uint8_t *p = (const uint8_t *)mbi->mmap_addr;
	int ok = (mbi->flags & MULTIBOOT_INFO_MEMORY) && mbi->mem_lower <= 640 &&
		 mbi->mem_upper > 0, in_ram = 0;

	gprintf("loader: mem_lower %u KiB, mem_upper %u KiB\n", mbi->mem_lower,
		mbi->mem_upper);
	result("memory", ok, "flag 1 asked: no mem_lower/mem_upper, or out of range");
	if (!(mbi->flags & MULTIBOOT_INFO_MEM_MAP))
		return;
	*placed &= placed_ok("memory map", mbi->mmap_addr, mbi->mmap_length);
	ok = 1;
	for (uint32_t off = 0; off + 4 <= mbi->mmap_length;) {
		const multiboot_memory_map_t *e = (const multiboot_memory_map_t *)(p + off);

		gprintf("loader: mmap %016llx-%016llx type %u\n", e->addr,
			e->addr + e->len - 1, e->type);
		if (e->size < 20)
			ok = 0;
		/* The image itself lies in available RAM. */
		if (e->type == MULTIBOOT_MEMORY_AVAILABLE &&
		    e->addr <= (uint32_t)__image_start &&
		    e->addr + e->len >= (uint32_t)__hdr_bss_end)
			in_ram = 1;
		off += e->size + 4;
	}
	result("mmap", ok && in_ram, "an entry shorter than 20 bytes, or the image not in available RAM");
}

/* Header flag 2: GRUB 2 reports the text mode as EGA text, 80x25 at 0xB8000. */
static void video(const multiboot_info_t *mbi)
{
	int ok = 1;

	if (mbi->flags & MULTIBOOT_INFO_FRAMEBUFFER_INFO) {
		gprintf("loader: framebuffer %llx pitch %u %ux%u bpp %u type %u\n",
			mbi->framebuffer_addr, mbi->framebuffer_pitch,
			mbi->framebuffer_width, mbi->framebuffer_height,
			mbi->framebuffer_bpp, mbi->framebuffer_type);
		if (mbi->framebuffer_type == MULTIBOOT_FRAMEBUFFER_TYPE_EGA_TEXT)
			ok = mbi->framebuffer_addr == 0xB8000 && mbi->framebuffer_bpp == 16 &&
			     mbi->framebuffer_pitch == mbi->framebuffer_width * 2 &&
			     mbi->framebuffer_width && mbi->framebuffer_height;
	} else {
		/* QEMU's -kernel prints "multiboot knows VBE. we don't." and gives none. */
		gprintf("loader: no framebuffer information\n");
	}
	if (mbi->flags & MULTIBOOT_INFO_VBE_INFO)
		gprintf("loader: vbe mode %04x\n", mbi->vbe_mode);
	result("video", ok, "EGA text framebuffer not 16 bpp at 0xB8000, pitch 2 x width");
}

/* Info flags bit 5: the section header table, and sections the image lacks. */
static void sections(const multiboot_info_t *mbi, int *placed)
{
	const multiboot_elf_section_header_table_t *t = &mbi->u.elf_sec;
	const struct elf32_shdr *sh = (const struct elf32_shdr *)t->addr;
	const char *names;
	int ok;

	if (!(mbi->flags & MULTIBOOT_INFO_ELF_SHDR)) {
		/* Optional: QEMU's -kernel gives none (test-mb1.sh wants hv's). */
		gprintf("loader: no ELF section headers\n");
		result("sections", 1, "");
		return;
	}
	*placed &= placed_ok("section headers", t->addr, t->num * t->size);
	ok = t->size == sizeof(*sh) && t->num > 1 && t->shndx < t->num &&
	     sh[t->shndx].addr;
	if (!ok) {
		result("sections", 0, "bad num, size or shndx, or no name table");
		return;
	}
	names = (const char *)sh[t->shndx].addr;
	for (uint32_t i = 1; i < t->num; i++) {
		gprintf("loader: section %s type %u flags %x size %u", names + sh[i].name,
			sh[i].type, sh[i].flags, sh[i].size);
		if (sh[i].flags & SHF_ALLOC)
			gprintf(" addr %08x\n", sh[i].addr);
		else
			gprintf("\n");
		if (!(sh[i].flags & SHF_ALLOC) && sh[i].type != SHT_NOBITS && sh[i].size)
			*placed &= placed_ok("section", sh[i].addr, sh[i].size);
		if (!strcmp(names + sh[i].name, ".text") && sh[i].addr != (uint32_t)_start &&
		    sh[i].addr != (uint32_t)__image_start)
			ok = 0;
	}
	result("sections", ok, ".text not where the image is");
}

void mb1_main(uint32_t magic, const multiboot_info_t *mbi, uint32_t bss_dirty)
{
	int placed = 1;

	console_init();
	gprintf("%s: start\n", MB1_NAME);
	result("magic", magic == MULTIBOOT_BOOTLOADER_MAGIC, "EAX is not 0x2BADB002");
	result("bss", bss_dirty == 0, "bytes up to the header's bss_end_addr not zero");
	own[0].lo = (uint32_t)__image_start;
	own[0].hi = (uint32_t)__hdr_bss_end;
	nown = 1;
	gprintf("loader: flags %08x\n", mbi->flags);
	placed &= placed_ok("information", (uint32_t)mbi, sizeof(*mbi));
	if (mbi->flags & MULTIBOOT_INFO_BOOTDEV)
		gprintf("loader: boot_device %08x\n", mbi->boot_device);
	if (mbi->flags & MULTIBOOT_INFO_BOOT_LOADER_NAME) {
		gprintf("loader: boot_loader_name \"%s\"\n", (const char *)mbi->boot_loader_name);
		placed &= placed_ok("boot loader name", mbi->boot_loader_name,
				    strlen((const char *)mbi->boot_loader_name) + 1);
	}
	result("cmdline", mbi->flags & MULTIBOOT_INFO_CMDLINE, "no command line");
	if (mbi->flags & MULTIBOOT_INFO_CMDLINE) {
		gprintf("%s: command line \"%s\"\n", MB1_NAME, args((const char *)mbi->cmdline));
		placed &= placed_ok("command line", mbi->cmdline,
				    strlen((const char *)mbi->cmdline) + 1);
	}
	if (mbi->flags & MULTIBOOT_INFO_MODS)
		modules(mbi, &placed);
	memory(mbi, &placed);
	if (mbi->flags & MULTIBOOT_INFO_DRIVE_INFO) {
		gprintf("loader: drives %u bytes\n", mbi->drives_length);
		placed &= placed_ok("drives", mbi->drives_addr, mbi->drives_length);
	}
	if (mbi->flags & MULTIBOOT_INFO_CONFIG_TABLE)
		gprintf("loader: config table at %08x\n", mbi->config_table);
	if (mbi->flags & MULTIBOOT_INFO_AOUT_SYMS)
		gprintf("loader: a.out symbols %u bytes at %08x\n", mbi->u.aout_sym.tabsize,
			mbi->u.aout_sym.addr);
	if (mbi->flags & MULTIBOOT_INFO_APM_TABLE)
		gprintf("loader: apm table at %08x\n", mbi->apm_table);
	if (ASKS_VIDEO)
		video(mbi);
	sections(mbi, &placed);
	result("placement", placed, "the loader put something in the image, its bss, "
	       "a module or page 0 (the loader: lines say which)");
	gprintf("END %s pass=%d fail=%d\n", MB1_NAME, npass, nfail);
	outb(0xF4, nfail ? 1 : 0);
}
