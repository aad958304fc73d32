/*
 * Booting a Linux bzImage through the 32-bit boot protocol (Linux
 * Documentation/x86/boot.rst: "The real-mode kernel header", "32-bit boot
 * protocol", "Details of header fields"; and zero-page.rst for the
 * boot_params offsets used below).
 *
 * The protected-mode part of the image (after the setup sectors) goes to
 * 1 MiB; boot_params (the "zero page") gets a copy of the setup header, an
 * e820 table built from the guest's memory map (hv's range reserved), the
 * command line with reservetop= added so the kernel keeps out of hv's
 * linear region, and the initrd (the next module) placed at the top of
 * guest RAM.  The kernel is entered at code32_start with ESI = boot_params,
 * CS = 0x10 and DS/ES/SS = 0x18 from a flat GDT, interrupts off.
 */
#include "monitor/loader/loader.h"

#include <multiboot.h>

#include "lib/fmt.h"
#include "monitor/mm/mm.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/x86.h"

/* Setup header (offsets in the image and in boot_params alike). */
#define HDR_SETUP_SECTS		0x1F1
#define HDR_BOOT_FLAG		0x1FE
#define HDR_JUMP		0x200
#define HDR_MAGIC		0x202	/* "HdrS" */
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_LOADFLAGS		0x211
#define HDR_CODE32_START	0x214
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21C
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22C
#define HDR_KERNEL_ALIGNMENT	0x230
#define HDR_RELOCATABLE		0x234
#define HDR_CMDLINE_SIZE	0x238
#define HDR_PREF_ADDRESS	0x258
#define HDR_INIT_SIZE		0x260
/* boot_params outside the header */
#define BP_E820_ENTRIES		0x1E8
#define BP_E820_TABLE		0x2D0
#define BP_SIZE			0x1000
#define E820_MAX		128

#define LOADED_HIGH		0x01
#define HDRS_MAGIC		0x53726448
#define BOOT_FLAG		0xAA55

/* Where the loader puts its tables in guest memory (below 640 KiB). */
#define BP_ADDR			0x10000
#define CMDLINE_ADDR		0x11000
#define GDT_ADDR		0x12000
#define KERNEL_ADDR		0x100000
#define BOOT_CS			0x10
#define BOOT_DS			0x18

/* hv's linear region, as the kernel's reservetop= wants it. */
#define RESERVETOP		"reservetop=16M"

#define FAIL(...) do { fmt_snprintf(why, why_size, __VA_ARGS__); return -1; } while (0)

static uint32_t rd32(const uint8_t *p, uint32_t off)
{
	uint32_t v;

	memcpy(&v, p + off, 4);
	return v;
}

static uint16_t rd16(const uint8_t *p, uint32_t off)
{
	uint16_t v;

	memcpy(&v, p + off, 2);
	return v;
}

int linux_is_bzimage(const struct boot_module *m)
{
	const uint8_t *p = (const uint8_t *)m->start;

	return m->end - m->start > 0x264 && rd32(p, HDR_MAGIC) == HDRS_MAGIC &&
	       rd16(p, HDR_BOOT_FLAG) == BOOT_FLAG;
}

/*
 * Where the protected-mode kernel goes: 1 MiB if init_size bytes of guest
 * RAM are free there; else, for a relocatable kernel, its preferred
 * address or the first suitably aligned place in guest RAM (firmware such
 * as OVMF reserves pieces of the low 16 MiB).  0 if nothing fits.
 */
static uint32_t place_kernel(const uint8_t *img, uint32_t init_size)
{
	static struct boot_mmap map[GUEST_MMAP_MAX];
	uint32_t align = rd32(img, HDR_KERNEL_ALIGNMENT), pref = rd32(img, HDR_PREF_ADDRESS);
	int n;

	if (guest_ram_room(KERNEL_ADDR, init_size))
		return KERNEL_ADDR;
	if (!img[HDR_RELOCATABLE])
		return 0;
	if (align < PAGE_SIZE || (align & (align - 1)))
		align = LARGE_PAGE_SIZE;
	if (pref >= KERNEL_ADDR && !(pref & (align - 1)) && guest_ram_room(pref, init_size))
		return pref;
	n = guest_memmap(map, GUEST_MMAP_MAX);
	for (int i = 0; i < n; i++) {
		uint64_t a = (map[i].addr + align - 1) & ~(uint64_t)(align - 1);

		if (map[i].type != MULTIBOOT_MEMORY_AVAILABLE || a < KERNEL_ADDR)
			continue;
		if (a + init_size <= map[i].addr + map[i].len && a + init_size <= HV_BASE &&
		    guest_ram_room((uint32_t)a, init_size))
			return (uint32_t)a;
	}
	return 0;
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

int linux_load(struct linux_entry *out, char *why, size_t why_size)
{
	const struct boot_module *k = &boot.mods[0];
	const uint8_t *img = (const uint8_t *)k->start;
	uint32_t size = k->end - k->start, setup, pm_size, init_size, hdr_end, n;
	uint32_t initrd_at = 0, initrd_size = 0, ram_end, cmdline_max, load;
	static uint8_t bp[BP_SIZE];
	static struct boot_mmap map[GUEST_MMAP_MAX];
	char cmdline[BOOT_CMDLINE_MAX + 32];
	uint16_t version = rd16(img, HDR_VERSION);
	int nmap;

	if (version < 0x0206)
		FAIL("boot protocol %x.%02x is older than 2.06, which hv needs",
		     version >> 8, version & 0xFF);
	if (!(img[HDR_LOADFLAGS] & LOADED_HIGH))
		FAIL("a zImage (not loaded high): not supported");
	setup = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : 4;
	if ((setup + 1) * 512 >= size)
		FAIL("truncated: %u setup sectors but only %u bytes", setup, size);
	pm_size = size - (setup + 1) * 512;
	init_size = rd32(img, HDR_INIT_SIZE);
	if (init_size < pm_size)
		init_size = pm_size;
	load = place_kernel(img, init_size);
	if (!load)
		FAIL("no room for the kernel: it needs %u KiB of guest RAM%s", init_size >> 10,
		     img[HDR_RELOCATABLE] ? "" : " from 1 MiB up (not relocatable)");
	ram_end = guest_ram_end(load);

	/* The command line, with hv's reservation. */
	n = (uint32_t)fmt_snprintf(cmdline, sizeof(cmdline), "%s %s", kernel_args(k), RESERVETOP);
	cmdline_max = rd32(img, HDR_CMDLINE_SIZE);
	if (n >= sizeof(cmdline) || n > cmdline_max)
		FAIL("kernel command line of %u bytes is longer than the kernel's %u", n,
		     cmdline_max);

	/* The initrd: the next module, at the top of guest RAM. */
	if (boot.nmods > 1) {
		uint32_t max = rd32(img, HDR_INITRD_ADDR_MAX), top = ram_end;

		initrd_size = boot.mods[1].end - boot.mods[1].start;
		if (max && top > max + 1)
			top = max + 1;
		initrd_at = (top - initrd_size) & PTE_ADDR;
		if (initrd_size > top || (initrd_at < load + init_size && initrd_at + initrd_size > load) ||
		    !guest_ram_room(initrd_at, initrd_size))
			FAIL("no room for the initrd (%u KiB) between the kernel and %08x",
			     initrd_size >> 10, top);
	}

	/* boot_params: zeros, the setup header, the e820 table. */
	memset(bp, 0, sizeof(bp));
	hdr_end = HDR_JUMP + 2 + img[HDR_JUMP + 1];
	if (hdr_end > BP_E820_TABLE || hdr_end > size)
		FAIL("malformed setup header (ends at %x)", hdr_end);
	memcpy(bp + HDR_SETUP_SECTS, img + HDR_SETUP_SECTS, hdr_end - HDR_SETUP_SECTS);
	bp[HDR_TYPE_OF_LOADER] = 0xFF;		/* "undefined" loader */
	*(uint32_t *)(bp + HDR_CMD_LINE_PTR) = CMDLINE_ADDR;
	*(uint32_t *)(bp + HDR_RAMDISK_IMAGE) = initrd_at;
	*(uint32_t *)(bp + HDR_RAMDISK_SIZE) = initrd_size;
	/* code32_start is the load address unless the kernel says otherwise. */
	out->entry = load == KERNEL_ADDR ? rd32(img, HDR_CODE32_START) : load;
	*(uint32_t *)(bp + HDR_CODE32_START) = out->entry;
	nmap = guest_memmap(map, GUEST_MMAP_MAX);
	if (nmap > E820_MAX)
		nmap = E820_MAX;
	for (int i = 0; i < nmap; i++) {
		uint8_t *e = bp + BP_E820_TABLE + i * 20;

		memcpy(e, &map[i].addr, 8);
		memcpy(e + 8, &map[i].len, 8);
		memcpy(e + 16, &map[i].type, 4);	/* Multiboot types = e820 types */
	}
	bp[BP_E820_ENTRIES] = (uint8_t)nmap;

	/* Into guest memory (identity, hv's range still mapped). */
	memcpy((void *)load, img + (setup + 1) * 512, pm_size);
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
	if (initrd_size)
		memcpy((void *)initrd_at, (const void *)boot.mods[1].start, initrd_size);

	out->boot_params = BP_ADDR;
	out->gdt = GDT_ADDR;
	out->gdt_limit = 4 * 8 - 1;
	out->cs = BOOT_CS;
	out->ds = BOOT_DS;
	log_info("linux", "bzImage protocol %x.%02x, %u KiB at %08x (needs %u KiB), entry %08x",
		 version >> 8, version & 0xFF, pm_size >> 10, load, init_size >> 10,
		 out->entry);
	if (initrd_size)
		log_info("linux", "initrd %u KiB at %08x", initrd_size >> 10, initrd_at);
	log_info("linux", "command line: %s", cmdline);
	return 0;
}
