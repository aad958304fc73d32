/*
 * boot_params, the "zero page", for a kernel hv starts through the 32-bit
 * boot protocol (Linux Documentation/x86/boot.rst, "32-bit BOOT PROTOCOL";
 * Documentation/x86/zero-page.rst for the fields outside the setup header).
 *
 * A loader that does not run the kernel's real-mode setup fills in what
 * that setup would have asked the BIOS, as GRUB's `linux` does: the e820
 * memory map (here the machine's with hv's range reserved), the memory
 * above 1 MiB (alt_mem_k), the text screen from the BIOS data area, and,
 * for a protocol 2.14 or later kernel, the ACPI RSDP's address.  The
 * setup header is the kernel's own, up to where it ends, with the fields a
 * loader writes: type_of_loader, cmd_line_ptr, the ramdisk, code32_start
 * and hardware_subarch (0, a normal PC).  Everything else is zero, and so
 * is the sentinel, which tells the kernel the loader cleared the page.
 */
#include "monitor/loader/loader.h"

#include <multiboot.h>

#include "lib/hw/bootparams.h"
#include "lib/string.h"
#include "monitor/mm/mm.h"

/* struct screen_info (include/uapi/linux/screen_info.h) */
#define SI_ORIG_X		0x00
#define SI_ORIG_Y		0x01
#define SI_VIDEO_PAGE		0x04
#define SI_VIDEO_MODE		0x06
#define SI_VIDEO_COLS		0x07
#define SI_VIDEO_LINES		0x0E
#define SI_VIDEO_IS_VGA		0x0F
#define SI_VIDEO_POINTS		0x10

/* The BIOS data area's video state (segment 0x40). */
#define BDA_VIDEO_MODE		0x449
#define BDA_VIDEO_COLS		0x44A	/* 2 */
#define BDA_CURSOR		0x450	/* page 0: column, row */
#define BDA_VIDEO_PAGE		0x462
#define BDA_VIDEO_ROWS		0x484	/* rows - 1 */
#define BDA_CHAR_HEIGHT		0x485	/* 2 */

static void wr32(uint8_t *p, uint32_t off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

/* A low address through a register: GCC takes a constant near null for
   a null dereference. */
static const uint8_t *low(uint32_t pa)
{
	const uint8_t *p;

	__asm__("" : "=r"(p) : "0"(pa));
	return p;
}

/*
 * The text screen as the BIOS left it, as the real-mode setup reports it
 * after INT 10h (arch/x86/boot/video.c): only for the text modes 2, 3
 * and 7 (a graphics mode hv does not describe stays zero, "no screen").
 */
static void screen_info(uint8_t *si)
{
	uint8_t mode = *low(BDA_VIDEO_MODE) & 0x7F;
	uint16_t cols, points;

	if (mode != 2 && mode != 3 && mode != 7)
		return;
	memcpy(&cols, low(BDA_VIDEO_COLS), 2);
	memcpy(&points, low(BDA_CHAR_HEIGHT), 2);
	si[SI_ORIG_X] = low(BDA_CURSOR)[0];
	si[SI_ORIG_Y] = low(BDA_CURSOR)[1];
	si[SI_VIDEO_PAGE] = *low(BDA_VIDEO_PAGE);
	si[SI_VIDEO_MODE] = mode;
	si[SI_VIDEO_COLS] = (uint8_t)cols;
	si[SI_VIDEO_LINES] = (uint8_t)(*low(BDA_VIDEO_ROWS) + 1);
	si[SI_VIDEO_IS_VGA] = 1;
	memcpy(si + SI_VIDEO_POINTS, &points, 2);
}

/* The e820 table: the guest's memory map (Multiboot's types are e820's). */
static int e820(uint8_t *bp)
{
	static struct boot_mmap map[GUEST_MMAP_MAX];
	int n = guest_memmap(map, GUEST_MMAP_MAX);

	if (n > LXB_E820_MAX)
		n = LXB_E820_MAX;
	for (int i = 0; i < n; i++) {
		uint8_t *e = bp + LXB_E820_TABLE + i * LXB_E820_ENTRY_SIZE;

		memcpy(e, &map[i].addr, 8);
		memcpy(e + 8, &map[i].len, 8);
		memcpy(e + 16, &map[i].type, 4);
	}
	bp[LXB_E820_ENTRIES] = (uint8_t)n;
	return n;
}

void linux_params(uint8_t *bp, const uint8_t *kernel, const struct linux_image *li,
		  const struct linux_placed *at)
{
	uint32_t above_1m = guest_ram_end(LXH_BZIMAGE_ADDR);

	memset(bp, 0, LXB_SIZE);
	memcpy(bp + LXH_SETUP_SECTS, kernel + LXH_SETUP_SECTS, li->hdr_end - LXH_SETUP_SECTS);
	bp[LXH_TYPE_OF_LOADER] = LXH_LOADER_UNDEFINED;
	wr32(bp, LXH_CMD_LINE_PTR, at->cmdline);
	wr32(bp, LXH_RAMDISK_IMAGE, at->initrd);
	wr32(bp, LXH_RAMDISK_SIZE, at->initrd_size);
	wr32(bp, LXH_CODE32_START, at->entry);
	if (li->version >= LXP_2_07) {
		wr32(bp, LXH_HW_SUBARCH, LXH_SUBARCH_PC);
		memset(bp + LXH_HW_SUBARCH_DATA, 0, 8);
	}
	if (li->version >= LXP_2_14) {
		uint64_t rsdp = at->rsdp;

		memcpy(bp + LXB_ACPI_RSDP_ADDR, &rsdp, 8);
	}
	if (above_1m)
		wr32(bp, LXB_ALT_MEM_K, (above_1m - LXH_BZIMAGE_ADDR) >> 10);
	screen_info(bp + LXB_SCREEN_INFO);
	e820(bp);
}
