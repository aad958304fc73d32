/*
 * Loading a Linux bzImage through the 32-bit boot protocol (Linux
 * Documentation/x86/boot.rst: "Loading the rest of the kernel", "32-bit
 * BOOT PROTOCOL", and "Details of header fields" for init_size,
 * pref_address and initrd_addr_max).
 *
 * linux_hdr.c has checked the header.  The protected-mode kernel goes
 * to 1 MiB, as QEMU puts it; a relocatable kernel that has no room there
 * goes to its pref_address or the first place in guest RAM aligned to
 * kernel_alignment.  Where it then runs (boot.rst's "runtime start":
 * pref_address for a kernel that is not relocatable, else the load
 * address raised to pref_address and aligned) must have init_size bytes
 * of guest RAM, or the kernel is refused.
 *
 * The kernel and initrd modules sit at the bottom of hv's range at the
 * top of RAM (boot/reloc.c).  Once the kernel is copied out, both are
 * given to the guest, and the initrd stays where it is when that is
 * above the kernel and below initrd_addr_max (the highest place, as
 * GRUB chooses it); else it moves to the highest place that is.  hv then
 * keeps only its image, cache, records and pool (and any later module,
 * a System.map): one log line says how much.
 *
 * The kernel is entered at code32_start with ESI = boot_params, CS = 0x10
 * and DS/ES/SS = 0x18 from a flat GDT, interrupts off.  The command line
 * gets reservetop= so that the kernel keeps out of hv's linear region.
 */
#include "monitor/loader/loader.h"

#include <multiboot.h>

#include "drivers/acpi.h"
#include "lib/fmt.h"
#include "lib/hw/bootparams.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "monitor/mm/mm.h"

/* Where the loader puts its tables in guest memory (below 640 KiB). */
#define BP_ADDR			0x10000
#define CMDLINE_ADDR		0x11000
#define CMDLINE_ROOM		0x1000
#define GDT_ADDR		0x12000
#define RSDP_ADDR		0x12040	/* the loader's RSDP copy (16-byte aligned) */
#define LOW_END			0x13000
#define BOOT_CS			0x10
#define BOOT_DS			0x18

/* hv's linear region, as the kernel's reservetop= wants it. */
#define RESERVETOP		"reservetop=16M"

#define FAIL(...) do { fmt_snprintf(why, why_size, __VA_ARGS__); return -1; } while (0)

static uint32_t align_up(uint32_t x, uint32_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* boot.rst's runtime start for a kernel loaded at `load`. */
static uint32_t runtime_start(const struct linux_image *li, uint32_t load)
{
	if (!li->relocatable)
		return li->pref;
	return align_up(load < li->pref ? li->pref : load, li->align);
}

static int fits(const struct linux_image *li, uint32_t load)
{
	uint32_t rt = runtime_start(li, load);

	return rt >= load && guest_ram_room(load, li->pm_size) &&
	       guest_ram_room(rt, li->init_size);
}

/* The load address, or 0 if nothing fits (see the top). */
static uint32_t place_kernel(const struct linux_image *li)
{
	static struct boot_mmap map[GUEST_MMAP_MAX];
	int n;

	if (fits(li, LXH_BZIMAGE_ADDR))
		return LXH_BZIMAGE_ADDR;
	if (!li->relocatable)
		return 0;
	if (li->pref > LXH_BZIMAGE_ADDR && !(li->pref & (li->align - 1)) && fits(li, li->pref))
		return li->pref;
	n = guest_memmap(map, GUEST_MMAP_MAX);
	for (int i = 0; i < n; i++) {
		uint64_t a = (map[i].addr + li->align - 1) & ~(uint64_t)(li->align - 1);

		if (map[i].type == MULTIBOOT_MEMORY_AVAILABLE && a >= LXH_BZIMAGE_ADDR &&
		    a + li->init_size <= HV_BASE && fits(li, (uint32_t)a))
			return (uint32_t)a;
	}
	return 0;
}

/*
 * The initrd's place: in place if the protocol allows it there, else the
 * highest page-aligned place in guest RAM between `above` and
 * initrd_addr_max.  0 if none.
 */
static uint32_t place_initrd(const struct linux_image *li, const struct boot_module *m,
			     uint32_t above)
{
	static struct boot_mmap map[GUEST_MMAP_MAX];
	uint32_t size = m->end - m->start, best = 0;
	uint64_t max_end = (uint64_t)li->initrd_max + 1;	/* 0xFFFFFFFF: 4 GiB */
	int n;

	if (m->start >= above && m->end <= max_end && guest_ram_room(m->start, size))
		return m->start;
	n = guest_memmap(map, GUEST_MMAP_MAX);
	for (int i = 0; i < n; i++) {
		uint64_t lo = map[i].addr, hi = lo + map[i].len, at;

		if (map[i].type != MULTIBOOT_MEMORY_AVAILABLE)
			continue;
		if (hi > max_end)
			hi = max_end;
		if (hi > HV_BASE)
			hi = HV_BASE;
		if (lo < above)
			lo = above;
		if (hi < lo + size)
			continue;
		at = (hi - size) & ~(uint64_t)(PAGE_SIZE - 1);
		if (at >= lo && at > best)
			best = (uint32_t)at;
	}
	return best;
}

/* The kernel's arguments: the module's command line without its path. */
static const char *kernel_args(const struct boot_module *m)
{
	const char *s = m->cmdline;

	while (*s && *s != ' ')
		s++;
	while (*s == ' ')
		s++;
	return s;
}

/* Gives the guest the modules hv no longer needs (see the top) and says
   what hv keeps. */
static void reclaim(void)
{
	uint32_t keep = boot.nmods > 2 ? boot.mods[2].start : boot.image_phys;

	guest_ram_reclaim(keep);
	log_info("linux", "hv keeps %u KiB at the top of RAM, %08x-%08x: image %u KiB, "
		 "code cache %u KiB, translator records %u KiB, frame pool %u KiB%s",
		 (boot.hv_phys_hi - boot.hv_phys_lo) >> 10, boot.hv_phys_lo,
		 boot.hv_phys_hi - 1, (boot.cache_phys - boot.image_phys) >> 10,
		 boot.cache_size >> 10, HV_META_SIZE >> 10, boot.pool_size >> 10,
		 boot.nmods > 2 ? ", modules after the initrd" : "");
}

int linux_load(struct linux_entry *out, char *why, size_t why_size)
{
	const struct boot_module *k = &boot.mods[0];
	const uint8_t *img = (const uint8_t *)k->start;
	static uint8_t bp[LXB_SIZE];
	struct linux_image li;
	struct linux_placed at = { 0, CMDLINE_ADDR, 0, 0, acpi_rsdp_addr() };
	uint8_t rsdp[36];
	uint32_t rsdp_len = acpi_rsdp_copy(rsdp, sizeof(rsdp));
	char cmdline[BOOT_CMDLINE_MAX + 32];
	uint32_t n, load, rt, kernel_end;

	if (linux_check(k, &li, why, why_size) < 0)
		return -1;
	if (!guest_ram_room(BP_ADDR, LOW_END - BP_ADDR))
		FAIL("no guest RAM at %08x-%08x for boot_params, the command line and the GDT",
		     BP_ADDR, LOW_END - 1);
	load = place_kernel(&li);
	if (!load && !li.relocatable)
		FAIL("not relocatable, and guest RAM does not hold it at %08x-%08x with "
		     "init_size at pref_address %08x-%08x", LXH_BZIMAGE_ADDR,
		     LXH_BZIMAGE_ADDR + li.pm_size - 1, li.pref, li.pref + li.init_size - 1);
	if (!load)
		FAIL("no room for the kernel: it needs %u KiB of guest RAM", li.init_size >> 10);
	rt = runtime_start(&li, load);
	kernel_end = rt + li.init_size > load + li.pm_size ? rt + li.init_size : load + li.pm_size;
	at.entry = load + li.code32_off;

	/* The command line, with hv's reservation, as long as the kernel takes. */
	n = (uint32_t)fmt_snprintf(cmdline, sizeof(cmdline), "%s %s", kernel_args(k), RESERVETOP);
	if (n >= sizeof(cmdline) || n > li.cmdline_max || n >= CMDLINE_ROOM)
		FAIL("kernel command line of %u bytes is longer than the kernel's cmdline_size %u",
		     n, li.cmdline_max);

	/* The kernel out of its module; then both modules are the guest's. */
	memcpy((void *)load, img + li.pm_offset, li.pm_size);
	reclaim();
	if (boot.nmods > 1) {
		const struct boot_module *m = &boot.mods[1];

		at.initrd_size = m->end - m->start;
		at.initrd = place_initrd(&li, m, kernel_end);
		if (!at.initrd)
			FAIL("no room for the initrd (%u KiB) in guest RAM between the kernel's "
			     "end %08x and initrd_addr_max %08x", at.initrd_size >> 10,
			     kernel_end, li.initrd_max);
		if (at.initrd != m->start)
			memmove((void *)at.initrd, (const void *)m->start, at.initrd_size);
	}

	if (!at.rsdp && rsdp_len) {
		/* Multiboot 2 on UEFI: the loader's copy, where the kernel can read it. */
		memcpy((void *)RSDP_ADDR, rsdp, rsdp_len);
		at.rsdp = RSDP_ADDR;
	}
	linux_params(bp, img, &li, &at);
	memcpy((void *)BP_ADDR, bp, sizeof(bp));
	memcpy((void *)CMDLINE_ADDR, cmdline, n + 1);
	{
		uint64_t gdt[4] = {
			0, 0,
			SEG_DESC(0, 0xFFFFF, DESC_P | DESC_S | DESC_CODE | DESC_RW | DESC_ACC,
				 DESC_G | DESC_DB),
			SEG_DESC(0, 0xFFFFF, DESC_P | DESC_S | DESC_RW | DESC_ACC,
				 DESC_G | DESC_DB),
		};

		memcpy((void *)GDT_ADDR, gdt, sizeof(gdt));
	}

	out->entry = at.entry;
	out->boot_params = BP_ADDR;
	out->gdt = GDT_ADDR;
	out->gdt_limit = 4 * 8 - 1;
	out->cs = BOOT_CS;
	out->ds = BOOT_DS;
	log_info("linux", "bzImage protocol %x.%02x, %u KiB at %08x, %srelocatable, runs at "
		 "%08x (init_size %u KiB), entry %08x", li.version >> 8, li.version & 0xFF,
		 li.pm_size >> 10, load, li.relocatable ? "" : "not ", rt, li.init_size >> 10,
		 at.entry);
	if (at.initrd_size)
		log_info("linux", "initrd %u KiB at %08x%s (initrd_addr_max %08x)",
			 at.initrd_size >> 10, at.initrd,
			 at.initrd == boot.mods[1].start ? ", where it was loaded" : "",
			 li.initrd_max);
	log_info("linux", "command line (%u of %u bytes): %s", n, li.cmdline_max, cmdline);
	return 0;
}
