/*
 * The cases of the host test of boot/mbinfo.c and boot/mb2info.c (see
 * tests/mbinfo/test_mbinfo.c): Multiboot2 2.0 information as GRUB gives
 * it (3.6: command line, loader name, modules, basic memory, memory map,
 * ACPI old and new RSDP, tags hv does not know), every way the tag list
 * can be broken, and Multiboot 0.6.96 information (3.3) for the other
 * path.  Expected values are the ones put into the information.
 */
#include <stdio.h>
#include <string.h>

#include <multiboot.h>

#include "tests/mbinfo/mbtest.h"

static uint8_t rsdp_v1[20] = "RSD PTR \x42OEMID\0\x10\x20\x30\x40";
static uint8_t rsdp_v2[36] = "RSD PTR \x17OEMID\x02\x10\x20\x30\x40\x24\0\0\0"
			     "\x00\x10\x20\x30\0\0\0\0\x99\0\0";

static const char *check_map(int stride_ok)
{
	if (boot.nmmap != 4)
		return "not 4 memory map entries";
	for (int i = 0; i < 4; i++)
		if (boot.mmap[i].addr != qemu_map[i].base_addr ||
		    boot.mmap[i].len != qemu_map[i].length ||
		    boot.mmap[i].type != qemu_map[i].type)
			return stride_ok ? "a memory map entry differs" :
					   "entries not read entry_size apart";
	return 0;
}

static void acpi_tag(uint32_t type, const uint8_t *r, uint32_t n)
{
	memcpy((uint8_t *)tag(type, 8 + n) + 8, r, n);
}

static void grub_like(void)
{
	const char *why;
	struct mb2_tag_meminfo *mem;
	const char *cmd = "console=com2 exit_on_panic";

	begin();
	str_tag(MB2_TAG_CMDLINE, cmd);
	str_tag(MB2_TAG_LOADER_NAME, "GRUB 2.06-13+deb12u2");
	module_tag(0x200000, 0x221414, "/boot/guest/alu.elf seed=12345 n=4000");
	module_tag(0x222000, 0x222005, "");
	mem = tag(MB2_TAG_BASIC_MEMINFO, 16);
	mem->mem_lower = 639;
	mem->mem_upper = 261048;
	tag(MB2_TAG_EFI64, 16);		/* not hv's: skipped */
	tag(99, 13);			/* unknown, and not a multiple of 8 */
	mmap_tag(24, 4, qemu_map);
	acpi_tag(MB2_TAG_ACPI_OLD, rsdp_v1, 20);
	acpi_tag(MB2_TAG_ACPI_NEW, rsdp_v2, 36);
	end();
	if (parse2(&why) < 0)
		result("information as GRUB gives it", why);
	else if (boot.protocol != 2 || strcmp(boot.cmdline, cmd) ||
		 strcmp(boot.loader, "GRUB 2.06-13+deb12u2"))
		result("information as GRUB gives it", "protocol, command line or loader name");
	else if (strcmp(boot_cmdline(MB2_BOOTLOADER_MAGIC, (uint32_t)info), cmd))
		result("information as GRUB gives it", "boot_cmdline differs");
	else if (!boot.has_mem || boot.mem_lower != 639 || boot.mem_upper != 261048)
		result("information as GRUB gives it", "basic memory");
	else if ((why = check_map(1)))
		result("information as GRUB gives it", why);
	else if (boot.nmods != 2 || boot.mods[0].start != 0x200000 ||
		 boot.mods[0].end != 0x221414 || boot.mods[1].start != 0x222000 ||
		 boot.mods[1].end != 0x222005 ||
		 strcmp(boot.mods[0].cmdline, "/boot/guest/alu.elf seed=12345 n=4000") ||
		 strcmp(boot.mods[1].cmdline, ""))
		result("information as GRUB gives it", "modules");
	else if (boot.rsdp_len != 36 || memcmp(boot.rsdp, rsdp_v2, 36) ||
		 acpi_len != 36 || memcmp(acpi_copy, rsdp_v2, 36))
		result("information as GRUB gives it", "not the ACPI 2.0 RSDP");
	else if (boot.cr0 != 0x11)
		result("information as GRUB gives it", "CR0");
	else
		result("information as GRUB gives it", 0);
}

static void rsdp_cases(void)
{
	const char *why;

	begin();
	mmap_tag(24, 4, qemu_map);
	acpi_tag(MB2_TAG_ACPI_NEW, rsdp_v2, 36);
	acpi_tag(MB2_TAG_ACPI_OLD, rsdp_v1, 20);
	end();
	result("ACPI new before old: the new RSDP is kept",
	       parse2(&why) < 0 ? why : boot.rsdp_len != 36 || memcmp(acpi_copy, rsdp_v2, 36) ?
	       "not the new one" : 0);

	begin();
	mmap_tag(24, 4, qemu_map);
	acpi_tag(MB2_TAG_ACPI_OLD, rsdp_v1, 20);
	end();
	result("ACPI old only: its 20 bytes",
	       parse2(&why) < 0 ? why : acpi_len != 20 || memcmp(acpi_copy, rsdp_v1, 20) ?
	       "not the old one" : 0);

	begin();
	mmap_tag(24, 4, qemu_map);
	acpi_tag(MB2_TAG_ACPI_OLD, rsdp_v2, 36);	/* padded: ACPI 1.0's is 20 */
	end();
	result("ACPI old of 36 bytes: its first 20",
	       parse2(&why) < 0 ? why : acpi_len != 20 ? "not 20 bytes" : 0);

	begin();
	mmap_tag(24, 4, qemu_map);
	end();
	result("no ACPI tag: nothing for drivers/acpi.c",
	       parse2(&why) < 0 ? why : boot.rsdp_len || acpi_len ? "an RSDP" : 0);
}

static void map_cases(void)
{
	const char *why;

	begin();
	mmap_tag(32, 4, qemu_map);	/* entries may grow (3.6.8) */
	end();
	result("memory map with entry_size 32", parse2(&why) < 0 ? why : check_map(0));

	begin();
	mmap_tag(20, 4, qemu_map);
	end();
	expect_refused("memory map with entry_size 20", "entry_size 20");

	begin();
	str_tag(MB2_TAG_CMDLINE, "x");
	end();
	expect_refused("no memory map", "no memory map");

	begin();
	mmap_tag(24, 4, qemu_map);
	mmap_tag(24, 4, qemu_map);
	end();
	expect_refused("two memory maps", "two memory maps");
}

static void broken_lists(void)
{
	uint32_t v, at;

	begin();
	mmap_tag(24, 4, qemu_map);
	end_without_end_tag();
	expect_refused("no end tag", "no end tag");

	begin();
	mmap_tag(24, 4, qemu_map);
	at = used;
	str_tag(MB2_TAG_CMDLINE, "console=com2");
	end();
	v = 200;			/* the command line's size runs past the end */
	memcpy(info + at + 4, &v, 4);
	expect_refused("a tag past total_size", "past the information");

	begin();
	tag(MB2_TAG_LOADER_NAME, 8);
	v = 4;
	memcpy(info + 8 + 4, &v, 4);	/* smaller than its own header */
	end();
	expect_refused("a tag of size 4", "less than its own 8 bytes");
	result("boot_cmdline of a broken list: empty, no loop",
	       *boot_cmdline(MB2_BOOTLOADER_MAGIC, (uint32_t)info) ? "not empty" : 0);

	begin();
	mmap_tag(24, 4, qemu_map);
	memcpy((char *)tag(MB2_TAG_CMDLINE, 12) + 8, "abcd", 4);
	end();
	expect_refused("a command line not ended inside its tag", "no string ended inside it");

	begin();
	mmap_tag(24, 4, qemu_map);
	memcpy((char *)tag(MB2_TAG_MODULE, 16) + 8, "\0\0\x20\0\0\0\x30\0", 8);
	end();
	expect_refused("a module tag without its string", "no string ended inside it");

	begin();
	mmap_tag(24, 4, qemu_map);
	module_tag(0x300000, 0x200000, "backwards");
	end();
	expect_refused("a module that ends before it starts", "ends before it starts");

	begin();
	mmap_tag(24, 4, qemu_map);
	tag(MB2_TAG_BASIC_MEMINFO, 12);
	end();
	expect_refused("basic memory tag of size 12", "less than the 16");

	begin();
	mmap_tag(24, 4, qemu_map);
	tag(MB2_TAG_ACPI_NEW, 16);
	end();
	expect_refused("ACPI tag of size 16", "less than the 28");

	begin();
	v = 8;
	memcpy(info, &v, 4);
	expect_refused("total_size 8", "total_size 8 is out of range");
}

static void other_entries(void)
{
	const char *why = 0;
	int r;

	begin();
	mmap_tag(24, 4, qemu_map);
	end();
	r = boot_parse_multiboot(MB2_BOOTLOADER_MAGIC, (uint32_t)info + 4, &why);
	result("information not 8-byte aligned",
	       r == -1 && why && strstr(why, "not 8-byte aligned") ? 0 : "not refused");

	r = boot_parse_multiboot(0x12345678, (uint32_t)info, &why);
	result("neither magic in EAX", r == -1 && strstr(why, "neither") ? 0 : "not refused");
	result("neither magic: no command line", *boot_cmdline(0x12345678, (uint32_t)info) ?
	       "a command line" : 0);
}

static void limits(void)
{
	static char longcmd[BOOT_CMDLINE_MAX + 600];
	const char *why;

	/* hv's command line: the first BOOT_CMDLINE_MAX - 1 bytes, silently
	   (options_parse warns that the rest is ignored); BOOT_MAX_MODS modules. */
	memset(longcmd, 'x', sizeof(longcmd) - 1);
	longcmd[sizeof(longcmd) - 1] = 0;
	begin();
	str_tag(MB2_TAG_CMDLINE, longcmd);
	for (int i = 0; i < BOOT_MAX_MODS; i++)
		module_tag(0x200000 + 0x1000 * (uint32_t)i, 0x200800 + 0x1000 * (uint32_t)i, "m");
	mmap_tag(24, 4, qemu_map);
	end();
	if (parse2(&why) < 0)
		result("an overlong command line and 64 modules", why);
	else if (strlen(boot.cmdline) != BOOT_CMDLINE_MAX - 1 || last_warn[0])
		result("an overlong command line and 64 modules", "command line not its first 4095 bytes, silently");
	else if (boot.nmods != BOOT_MAX_MODS || boot.mods[63].start != 0x23f000 ||
		 strcmp(boot.mods[63].cmdline, "m"))
		result("an overlong command line and 64 modules", "not 64 modules");
	else
		result("an overlong command line and 64 modules: its first 4095 bytes, all modules", 0);

	/* One module more: one error naming the limit. */
	begin();
	for (int i = 0; i < BOOT_MAX_MODS + 1; i++)
		module_tag(0x200000 + 0x1000 * (uint32_t)i, 0x200800 + 0x1000 * (uint32_t)i, "m");
	mmap_tag(24, 4, qemu_map);
	end();
	if (parse2(&why) == 0)
		result("65 modules", "accepted");
	else if (!strstr(why, "at most 64"))
		result("65 modules", why);
	else
		result("65 modules: refused, naming the limit", 0);

	/* A module's command line of BOOT_CMDLINE_MAX bytes or more: refused. */
	longcmd[BOOT_CMDLINE_MAX] = 0;
	begin();
	module_tag(0x200000, 0x200800, longcmd);
	mmap_tag(24, 4, qemu_map);
	end();
	if (parse2(&why) == 0)
		result("a module command line of 4096 bytes", "accepted");
	else if (!strstr(why, "longer than 4095 bytes"))
		result("a module command line of 4096 bytes", why);
	else
		result("a module command line of 4096 bytes: refused, naming the limit", 0);
}

/* Multiboot 1 (0.6.96 3.3): the other path through the same fields. */
static void multiboot1(void)
{
	static multiboot_info_t mbi;
	static multiboot_module_t mods[1];
	static uint8_t map[4 * 24];
	const char *why = 0;

	memset(&boot, 0, sizeof(boot));
	memset(&mbi, 0, sizeof(mbi));
	for (int i = 0; i < 4; i++) {
		multiboot_memory_map_t e = { 20, qemu_map[i].base_addr, qemu_map[i].length,
					     qemu_map[i].type };

		memcpy(map + 24 * i, &e, 24);
	}
	mods[0] = (multiboot_module_t){ 0x200000, 0x210000, (uint32_t)"/boot/guest/alu.elf", 0 };
	mbi.flags = MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_MEM_MAP |
		    MULTIBOOT_INFO_MODS | MULTIBOOT_INFO_BOOT_LOADER_NAME;
	mbi.cmdline = (uint32_t)"console=com1";
	mbi.boot_loader_name = (uint32_t)"qemu";
	mbi.mem_lower = 639;
	mbi.mem_upper = 130048;
	mbi.mmap_addr = (uint32_t)map;
	mbi.mmap_length = sizeof(map);
	mbi.mods_addr = (uint32_t)mods;
	mbi.mods_count = 1;
	if (boot_parse_multiboot(MULTIBOOT_BOOTLOADER_MAGIC, (uint32_t)&mbi, &why) < 0)
		result("Multiboot 1 information", why);
	else if (boot.protocol != 1 || strcmp(boot.cmdline, "console=com1") ||
		 strcmp(boot.loader, "qemu") || boot.mem_upper != 130048 || boot.rsdp_len ||
		 strcmp(boot_cmdline(MULTIBOOT_BOOTLOADER_MAGIC, (uint32_t)&mbi), "console=com1"))
		result("Multiboot 1 information", "protocol, strings or memory");
	else if ((why = check_map(1)))
		result("Multiboot 1 information", why);
	else if (boot.nmods != 1 || boot.mods[0].end != 0x210000 ||
		 strcmp(boot.mods[0].cmdline, "/boot/guest/alu.elf"))
		result("Multiboot 1 information", "modules");
	else
		result("Multiboot 1 information", 0);

	memset(&boot, 0, sizeof(boot));
	mbi.flags &= ~MULTIBOOT_INFO_MEM_MAP;
	result("Multiboot 1 without a memory map",
	       boot_parse_multiboot(MULTIBOOT_BOOTLOADER_MAGIC, (uint32_t)&mbi, &why) == -1 &&
	       strstr(why, "no memory map") ? 0 : "not refused");
}

int main(void)
{
	grub_like();
	rsdp_cases();
	map_cases();
	broken_lists();
	other_entries();
	limits();
	multiboot1();
	printf("mbinfo: %d failed\n", failures);
	return failures ? 1 : 0;
}
