/*
 * Host unit test of hv's reading of its boot loader's information
 * (boot/mbinfo.c, boot/mb2info.c), compiled for a 32-bit Linux process:
 * the information is built here byte by byte as the specifications lay it
 * out (Multiboot 0.6.96 3.3; Multiboot2 2.0 3.6: an 8-byte total_size and
 * reserved word, then tags u32 type, u32 size, each 8-byte aligned, an end
 * tag of type 0 and size 8), and what hv makes of it is checked against
 * what was put in.  The malformed lists must each give one reason and no
 * read outside the information (the buffer after it is poisoned).
 *
 * This file builds the information and reports; tests/mbinfo/cases.c has
 * the cases.  One line per case: "PASS mbinfo: ..." or "FAIL mbinfo:
 * ...: why".
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <multiboot.h>

#include "lib/fmt.h"
#include "tests/mbinfo/mbtest.h"

/* --- what boot/mbinfo.c and boot/mb2info.c call ----------------------- */

uint32_t boot_cr0 = 0x11;
char last_warn[256];
uint8_t acpi_copy[64];
uint32_t acpi_len;

void klog(int level, const char *subsys, const char *fmt, ...)
{
	va_list ap;

	(void)subsys;
	if (level != 1)		/* LOG_WARN */
		return;
	va_start(ap, fmt);
	fmt_vsnprintf(last_warn, sizeof(last_warn), fmt, ap);
	va_end(ap);
}

void acpi_set_rsdp(const uint8_t *rsdp, uint32_t len)
{
	memcpy(acpi_copy, rsdp, len);
	acpi_len = len;
}

/* --- building a Multiboot 2 information ------------------------------ */

uint8_t info[8192] __attribute__((aligned(8)));
uint32_t used;

void begin(void)
{
	memset(info, 0xA5, sizeof(info));	/* what lies after it: poison */
	used = 8;
	memset(&boot, 0, sizeof(boot));
	acpi_len = 0;
	last_warn[0] = 0;
}

void *tag(uint32_t type, uint32_t size)
{
	uint8_t *t = info + used;

	memset(t, 0, (size + 7) & ~7u);
	memcpy(t, &type, 4);
	memcpy(t + 4, &size, 4);
	used += (size + 7) & ~7u;
	return t;
}

void str_tag(uint32_t type, const char *s)
{
	strcpy((char *)tag(type, 8 + (uint32_t)strlen(s) + 1) + 8, s);
}

void module_tag(uint32_t start, uint32_t end, const char *cmd)
{
	struct mb2_tag_module *m = tag(MB2_TAG_MODULE, 16 + (uint32_t)strlen(cmd) + 1);

	m->mod_start = start;
	m->mod_end = end;
	strcpy(m->cmdline, cmd);
}

/* A memory map tag of n entries, entry_size apart. */
void mmap_tag(uint32_t entry_size, int n, const struct mb2_mmap_entry *e)
{
	struct mb2_tag_mmap *m = tag(MB2_TAG_MMAP, 16 + entry_size * (uint32_t)n);

	m->entry_size = entry_size;
	m->entry_version = 0;
	for (int i = 0; i < n; i++)
		memcpy((uint8_t *)m + 16 + i * entry_size, &e[i], sizeof(e[i]));
}

void end(void)
{
	uint32_t total;

	tag(MB2_TAG_END, 8);
	total = used;
	memcpy(info, &total, 4);
}

/* Ends the list without an end tag. */
void end_without_end_tag(void)
{
	memcpy(info, &used, 4);
}

const struct mb2_mmap_entry qemu_map[4] = {
	{ 0x0, 0x9fc00, MB2_MEMORY_AVAILABLE, 0 },
	{ 0x9fc00, 0x400, MB2_MEMORY_RESERVED, 0 },
	{ 0x100000, 0xfee0000, MB2_MEMORY_AVAILABLE, 0 },
	{ 0xffe0000, 0x20000, MB2_MEMORY_ACPI, 0 },
};

int failures;

void result(const char *name, const char *why)
{
	if (why) {
		printf("FAIL mbinfo: %s: %s\n", name, why);
		failures++;
	} else {
		printf("PASS mbinfo: %s\n", name);
	}
}

int parse2(const char **why)
{
	*why = 0;
	return boot_parse_multiboot(MB2_BOOTLOADER_MAGIC, (uint32_t)info, why);
}

/* A list that must be refused: -1 and a reason containing `want`. */
void expect_refused(const char *name, const char *want)
{
	static char msg[300];
	const char *why;
	int r = parse2(&why);

	if (r != -1)
		result(name, "accepted");
	else if (!why || !strstr(why, want)) {
		snprintf(msg, sizeof(msg), "reason \"%s\", want \"%s\"",
			 why ? why : "(none)", want);
		result(name, msg);
	} else
		result(name, 0);
}

