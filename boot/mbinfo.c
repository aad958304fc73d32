/*
 * Copies what hv needs out of its boot loader's information into `boot`
 * (lib/bootinfo.h).  hv.elf has both headers, so the loader is one of:
 *
 *   Multiboot 1 (specification 0.6.96, 3.2 machine state: EAX =
 *   0x2BADB002; 3.3 "Boot information format"): GRUB's `multiboot`,
 *   QEMU's -kernel, hvboot.  Read here.
 *   Multiboot 2 (specification 2.0, 3.3 I386 machine state: EAX =
 *   0x36D76289; 3.6 boot information): GRUB's `multiboot2`, on a BIOS or
 *   on UEFI.  Read by boot/mb2info.c.
 *
 * Both end in the same `boot`: hv's command line, the memory map, the
 * modules with their command lines, mem_lower/mem_upper, and (Multiboot 2
 * only) a copy of the ACPI RSDP.  Memory below HV_BASE is mapped 1:1
 * while this runs (boot/entry.S).
 */
#include "boot/boot.h"

#include <multiboot.h>

#include "lib/fmt.h"
#include "lib/hw/multiboot2.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/string.h"

struct boot_info boot;

/* The modules' command lines, one after the other. */
static char cmdlines[BOOT_CMDLINES_TOTAL];
static uint32_t cmdlines_used;
static char why_buf[96];

/*
 * A string into dst[size]: what fits, with a warning naming `what` when
 * the rest is cut (what 0: silently; hv's own command line, whose rest
 * options_parse reports as ignored).
 */
void boot_copy_string(char *dst, size_t size, const char *src, const char *what)
{
	size_t n = strnlen(src, size);

	if (n == size) {
		if (what)
			log_warn("boot", "%s longer than %u bytes: cut", what, (unsigned)size - 1);
		n = size - 1;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int boot_add_mmap(uint64_t addr, uint64_t len, uint32_t type)
{
	if (boot.nmmap == BOOT_MAX_MMAP) {
		log_warn("boot", "memory map has more than %d entries: "
			 "the rest is ignored", BOOT_MAX_MMAP);
		return -1;
	}
	boot.mmap[boot.nmmap].addr = addr;
	boot.mmap[boot.nmmap].len = len;
	boot.mmap[boot.nmmap].type = type;
	boot.nmmap++;
	return 0;
}

int boot_add_module(uint32_t start, uint32_t end, const char *cmdline, const char **why)
{
	struct boot_module *bm;
	size_t n = cmdline ? strnlen(cmdline, BOOT_CMDLINE_MAX) : 0;

	if (boot.nmods == BOOT_MAX_MODS) {
		fmt_snprintf(why_buf, sizeof(why_buf), "more than %d modules: hv takes at most %d",
			     BOOT_MAX_MODS, BOOT_MAX_MODS);
		*why = why_buf;
		return -1;
	}
	if (end < start) {
		*why = "a module ends before it starts";
		return -1;
	}
	if (n == BOOT_CMDLINE_MAX) {
		fmt_snprintf(why_buf, sizeof(why_buf), "module %d's command line is longer "
			     "than %d bytes, hv's limit", boot.nmods, BOOT_CMDLINE_MAX - 1);
		*why = why_buf;
		return -1;
	}
	if (cmdlines_used + n + 1 > sizeof(cmdlines)) {
		fmt_snprintf(why_buf, sizeof(why_buf), "the modules' command lines are longer "
			     "than %u bytes together, hv's limit", (unsigned)sizeof(cmdlines));
		*why = why_buf;
		return -1;
	}
	bm = &boot.mods[boot.nmods++];
	bm->start = start;
	bm->end = end;
	bm->cmdline = &cmdlines[cmdlines_used];
	memcpy(&cmdlines[cmdlines_used], cmdline ? cmdline : "", n);
	cmdlines[cmdlines_used + n] = '\0';
	cmdlines_used += (uint32_t)n + 1;
	return 0;
}

static int parse_mb1(const multiboot_info_t *mbi, const char **why)
{
	boot.protocol = 1;
	if (mbi->flags & MULTIBOOT_INFO_CMDLINE)
		boot_copy_string(boot.cmdline, sizeof(boot.cmdline), (const char *)mbi->cmdline, 0);
	if (mbi->flags & MULTIBOOT_INFO_BOOT_LOADER_NAME)
		boot_copy_string(boot.loader, sizeof(boot.loader),
				 (const char *)mbi->boot_loader_name, "boot loader name");
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

		if (boot_add_mmap(e->addr, e->len, e->type) < 0)
			break;
		off += e->size + sizeof(e->size);
	}
	if (mbi->flags & MULTIBOOT_INFO_MODS) {
		const multiboot_module_t *m = (const multiboot_module_t *)mbi->mods_addr;

		if (mbi->mods_count > BOOT_MAX_MODS) {
			fmt_snprintf(why_buf, sizeof(why_buf), "%u modules: hv takes at most %d",
				     mbi->mods_count, BOOT_MAX_MODS);
			*why = why_buf;
			return -1;
		}
		for (uint32_t i = 0; i < mbi->mods_count; i++) {
			const char *cmd = m[i].cmdline ? (const char *)m[i].cmdline : 0;
			int r = boot_add_module(m[i].mod_start, m[i].mod_end, cmd, why);

			if (r < 0)
				return -1;
		}
	}
	return 0;
}

const char *boot_cmdline(uint32_t magic, uint32_t info_phys)
{
	const multiboot_info_t *mbi = (const multiboot_info_t *)info_phys;

	if (magic == MULTIBOOT_BOOTLOADER_MAGIC && (mbi->flags & MULTIBOOT_INFO_CMDLINE))
		return (const char *)mbi->cmdline;
	if (magic == MB2_BOOTLOADER_MAGIC)
		return boot_mb2_cmdline(info_phys);
	return "";
}

int boot_parse_multiboot(uint32_t magic, uint32_t info_phys, const char **why)
{
	int r;

	boot.cr0 = boot_cr0;
	cmdlines_used = 0;
	if (magic == MULTIBOOT_BOOTLOADER_MAGIC)
		r = parse_mb1((const multiboot_info_t *)info_phys, why);
	else if (magic == MB2_BOOTLOADER_MAGIC)
		r = boot_parse_mb2(info_phys, why);
	else {
		*why = "not started by a Multiboot loader (EAX is neither Multiboot 1's "
		       "0x2BADB002 nor Multiboot 2's 0x36D76289)";
		return -1;
	}
	if (r < 0)
		return -1;
	log_info("boot", "Multiboot %d information from %s: %d memory map entries, "
		 "%d module%s%s", boot.protocol, boot.loader[0] ? boot.loader :
		 "a loader that gave no name", boot.nmmap, boot.nmods,
		 boot.nmods == 1 ? "" : "s", boot.rsdp_len ? ", the ACPI RSDP" : "");
	return 0;
}
