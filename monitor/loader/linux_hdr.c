/*
 * Checking a Linux bzImage's setup header before anything of it is loaded
 * (Linux Documentation/x86/boot.rst: "The real-mode kernel header",
 * "Details of header fields", "Loading the rest of the kernel").
 *
 * Each field is read only if the kernel's protocol version has it; an
 * older header gets the default boot.rst gives (initrd_addr_max
 * 0x37FFFFFF before 2.03, a 255-byte command line before 2.06, not
 * relocatable before 2.05, no pref_address or init_size before 2.10).
 * Protocol 2.02 is the oldest hv takes: cmd_line_ptr, which a loader
 * that does not run the real-mode setup needs, came with it.  Every
 * refusal is one line naming the field, so that a bad kernel ends as a
 * bad module (status 5), not as a guest that starts and is stopped.
 */
#include "monitor/loader/loader.h"

#include "lib/fmt.h"
#include "lib/hw/bootparams.h"
#include "lib/string.h"

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

	return m->end - m->start > LXH_INIT_SIZE + 4 && rd32(p, LXH_HEADER) == LXH_MAGIC &&
	       rd16(p, LXH_BOOT_FLAG) == LXH_BOOT_FLAG_MAGIC;
}

/* The end of the last header field a protocol version defines. */
static uint32_t header_needs(uint16_t v)
{
	if (v >= LXP_2_10)
		return LXH_INIT_SIZE + 4;
	if (v >= LXP_2_07)
		return LXH_HW_SUBARCH_DATA + 8;
	if (v >= LXP_2_06)
		return LXH_CMDLINE_SIZE + 4;
	if (v >= LXP_2_05)
		return LXH_RELOCATABLE + 1;
	if (v >= LXP_2_03)
		return LXH_INITRD_ADDR_MAX + 4;
	return LXH_CMD_LINE_PTR + 4;
}

int linux_check(const struct boot_module *m, struct linux_image *img, char *why,
		size_t why_size)
{
	const uint8_t *p = (const uint8_t *)m->start;
	uint32_t size = m->end - m->start, setup_sects, code32;
	uint64_t sys_bytes;
	uint16_t v = rd16(p, LXH_VERSION);

	memset(img, 0, sizeof(*img));
	img->version = v;
	if (v < LXP_2_02)
		FAIL("boot protocol %x.%02x is older than 2.02 (no cmd_line_ptr for a 32-bit loader)",
		     v >> 8, v & 0xFF);
	if (v >> 8 != 2)
		FAIL("boot protocol %x.%02x: not a version 2 header", v >> 8, v & 0xFF);
	if (!(p[LXH_LOADFLAGS] & LXH_LOADED_HIGH))
		FAIL("a zImage (loadflags bit 0 clear, not loaded high): not supported");
	if (p[LXH_JUMP] != 0xEB)
		FAIL("malformed setup header (no short jump at 0x200)");
	img->hdr_end = LXH_HEADER + p[LXH_JUMP + 1];
	if (img->hdr_end < header_needs(v) || img->hdr_end > LXB_E820_TABLE)
		FAIL("malformed setup header: protocol %x.%02x but the header ends at %x",
		     v >> 8, v & 0xFF, img->hdr_end);

	/* The protected-mode kernel: the file after the setup sectors. */
	setup_sects = p[LXH_SETUP_SECTS] ? p[LXH_SETUP_SECTS] : 4;
	img->pm_offset = (setup_sects + 1) * 512;
	if (img->pm_offset >= size)
		FAIL("truncated: %u setup sectors but only %u bytes", setup_sects, size);
	img->pm_size = size - img->pm_offset;
	/* syssize is 16 bits wide before 2.04, and then cannot be trusted for
	   a kernel loaded high (boot.rst). */
	if (v >= LXP_2_04) {
		sys_bytes = (uint64_t)rd32(p, LXH_SYSSIZE) * 16;
		if (sys_bytes > img->pm_size)
			FAIL("truncated: syssize says %llu bytes of protected-mode kernel, "
			     "the file has %u", (unsigned long long)sys_bytes, img->pm_size);
	}

	/* Loaded at 1 MiB, the kernel starts at code32_start; a loader that
	   puts it elsewhere keeps the offset (as GRUB does). */
	code32 = rd32(p, LXH_CODE32_START);
	img->code32_off = code32 - LXH_BZIMAGE_ADDR;
	if (code32 < LXH_BZIMAGE_ADDR || img->code32_off >= img->pm_size)
		FAIL("code32_start %08x is outside the loaded kernel (%08x-%08x)", code32,
		     LXH_BZIMAGE_ADDR, LXH_BZIMAGE_ADDR + img->pm_size - 1);

	img->initrd_max = LX_INITRD_MAX_OLD;
	if (v >= LXP_2_03 && rd32(p, LXH_INITRD_ADDR_MAX))
		img->initrd_max = rd32(p, LXH_INITRD_ADDR_MAX);
	img->cmdline_max = v >= LXP_2_06 ? rd32(p, LXH_CMDLINE_SIZE) : LX_CMDLINE_MAX_OLD;
	img->relocatable = v >= LXP_2_05 && p[LXH_RELOCATABLE];
	img->align = LXH_BZIMAGE_ADDR;
	if (img->relocatable) {
		img->align = rd32(p, LXH_KERNEL_ALIGNMENT);
		if (img->align < 4096 || (img->align & (img->align - 1)))
			FAIL("kernel_alignment %x is not a power of two from 4 KiB up",
			     img->align);
	}
	img->pref = LXH_BZIMAGE_ADDR;
	img->init_size = img->pm_size;
	if (v >= LXP_2_10) {
		uint32_t pref_hi = rd32(p, LXH_PREF_ADDRESS + 4);

		if (!pref_hi)
			img->pref = rd32(p, LXH_PREF_ADDRESS);
		else if (!img->relocatable)
			FAIL("not relocatable, and pref_address %x%08x is above 4 GiB",
			     pref_hi, rd32(p, LXH_PREF_ADDRESS));
		if (rd32(p, LXH_INIT_SIZE) > img->init_size)
			img->init_size = rd32(p, LXH_INIT_SIZE);
	}
	return 0;
}
