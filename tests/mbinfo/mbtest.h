/*
 * The host test of boot/mbinfo.c and boot/mb2info.c: the information
 * builder and reporting (tests/mbinfo/test_mbinfo.c) the cases use
 * (tests/mbinfo/cases.c).
 */
#ifndef TESTS_MBINFO_MBTEST_H
#define TESTS_MBINFO_MBTEST_H

#include <stdint.h>

#include "boot/boot.h"
#include "lib/hw/multiboot2.h"

/* The information being built: 8-byte aligned, poisoned after `used`. */
extern uint8_t info[8192];
extern uint32_t used;
/* The last warning hv logged, and what it handed drivers/acpi.c. */
extern char last_warn[256];
extern uint8_t acpi_copy[64];
extern uint32_t acpi_len;
extern int failures;
/* A memory map as QEMU's SeaBIOS gives it, 4 entries. */
extern const struct mb2_mmap_entry qemu_map[4];

void begin(void);			/* an empty information, boot zeroed */
void *tag(uint32_t type, uint32_t size);	/* a zeroed tag, header set */
void str_tag(uint32_t type, const char *s);
void module_tag(uint32_t start, uint32_t end, const char *cmd);
void mmap_tag(uint32_t entry_size, int n, const struct mb2_mmap_entry *e);
void end(void);				/* the end tag; total_size */
void end_without_end_tag(void);		/* total_size only */

void result(const char *name, const char *why);	/* why 0: PASS */
int parse2(const char **why);		/* boot_parse_multiboot, MB2 magic */
void expect_refused(const char *name, const char *want);

#endif
