/*
 * The Linux/x86 boot protocol's layouts: the real-mode kernel header (the
 * "setup header", at the same offsets in the bzImage file and in
 * boot_params) and the rest of struct boot_params, the "zero page".
 * Linux Documentation/x86/boot.rst, "The real-mode kernel header" and
 * "Details of header fields" (the protocol version that added each field
 * is given beside it); Documentation/x86/zero-page.rst for the fields
 * outside the header.  Offsets only, so that any program of the project
 * can read them out of a byte image.
 */
#ifndef LIB_HW_BOOTPARAMS_H
#define LIB_HW_BOOTPARAMS_H

/* Setup header: offset, size in bytes, protocol that introduced it. */
#define LXH_SETUP_SECTS		0x1F1	/* 1, all: 0 means 4 */
#define LXH_SYSSIZE		0x1F4	/* 4 (2 before 2.04): 16-byte paragraphs */
#define LXH_BOOT_FLAG		0x1FE	/* 2, all: 0xAA55 */
#define LXH_JUMP		0x200	/* 2, 2.00: EB xx, the header ends at 0x202 + xx */
#define LXH_HEADER		0x202	/* 4, 2.00: "HdrS" */
#define LXH_VERSION		0x206	/* 2, 2.00: major << 8 | minor */
#define LXH_TYPE_OF_LOADER	0x210	/* 1, 2.00 */
#define LXH_LOADFLAGS		0x211	/* 1, 2.00 */
#define LXH_CODE32_START	0x214	/* 4, 2.00: 32-bit entry, 0x100000 for a bzImage */
#define LXH_RAMDISK_IMAGE	0x218	/* 4, 2.00 */
#define LXH_RAMDISK_SIZE	0x21C	/* 4, 2.00 */
#define LXH_CMD_LINE_PTR	0x228	/* 4, 2.02 */
#define LXH_INITRD_ADDR_MAX	0x22C	/* 4, 2.03: highest address the initrd may touch */
#define LXH_KERNEL_ALIGNMENT	0x230	/* 4, 2.05 */
#define LXH_RELOCATABLE		0x234	/* 1, 2.05 */
#define LXH_CMDLINE_SIZE	0x238	/* 4, 2.06: without the terminating zero */
#define LXH_HW_SUBARCH		0x23C	/* 4, 2.07 */
#define LXH_HW_SUBARCH_DATA	0x240	/* 8, 2.07 */
#define LXH_PREF_ADDRESS	0x258	/* 8, 2.10 */
#define LXH_INIT_SIZE		0x260	/* 4, 2.10 */

#define LXH_MAGIC		0x53726448	/* "HdrS" */
#define LXH_BOOT_FLAG_MAGIC	0xAA55
#define LXH_LOADED_HIGH		0x01		/* loadflags: a bzImage */
#define LXH_BZIMAGE_ADDR	0x100000	/* where code32_start points by default */
#define LXH_LOADER_UNDEFINED	0xFF		/* type_of_loader: "undefined" */
#define LXH_SUBARCH_PC		0		/* hardware_subarch: a normal PC */

/* Protocol versions that changed what a loader must do. */
#define LXP_2_02		0x0202	/* cmd_line_ptr */
#define LXP_2_03		0x0203	/* initrd_addr_max */
#define LXP_2_04		0x0204	/* 32-bit syssize */
#define LXP_2_05		0x0205	/* relocatable_kernel, kernel_alignment */
#define LXP_2_06		0x0206	/* cmdline_size */
#define LXP_2_07		0x0207	/* hardware_subarch */
#define LXP_2_10		0x020A	/* pref_address, init_size */
#define LXP_2_14		0x020E	/* boot_params' acpi_rsdp_addr is read */
#define LXP_2_15		0x020F	/* the newest this file knows */

/* Defaults for what an older header does not say (boot.rst). */
#define LX_INITRD_MAX_OLD	0x37FFFFFF	/* before 2.03 */
#define LX_CMDLINE_MAX_OLD	255		/* before 2.06 */

/* boot_params outside the setup header (zero-page.rst). */
#define LXB_SCREEN_INFO		0x000	/* 64: struct screen_info */
#define LXB_ACPI_RSDP_ADDR	0x070	/* 8 */
#define LXB_ALT_MEM_K		0x1E0	/* 4: KiB above 1 MiB */
#define LXB_E820_ENTRIES	0x1E8	/* 1 */
#define LXB_SENTINEL		0x1EF	/* 1: 0, or the loader left fields uninitialised */
#define LXB_E820_TABLE		0x2D0	/* 20 bytes per entry: addr 8, size 8, type 4 */
#define LXB_E820_ENTRY_SIZE	20
#define LXB_E820_MAX		128
#define LXB_SIZE		0x1000

#endif
