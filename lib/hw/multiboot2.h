/*
 * Multiboot 2 (Multiboot2 Specification version 2.0): the OS image's
 * header (3.1: 3.1.1 layout, 3.1.2 magic fields, 3.1.3 general tag
 * structure, 3.1.4-3.1.13 the header tags), the machine state at entry
 * (3.3: EAX = MB2_BOOTLOADER_MAGIC, EBX = the information's physical
 * address) and the boot information (3.6: 3.6.1 format, 3.6.2 basic tag
 * structure, 3.6.3 on: the tags).  Multiboot 1's layouts are Debian's
 * <multiboot.h>; the multiboot package ships none for version 2.
 *
 * Both the header and the information are lists of tags, each 8-byte
 * aligned, ended by a tag of type 0 and size 8.  A header tag is
 * u16 type, u16 flags (bit 0: optional), u32 size; an information tag is
 * u32 type, u32 size.  Sizes count the tag's own 8 bytes and never the
 * padding to the next tag.
 *
 * Assembly includes this file too (with ASM_FILE defined).
 */
#ifndef HW_MULTIBOOT2_H
#define HW_MULTIBOOT2_H

/* 3.1.1: the header lies 8-byte aligned in the image's first 32 KiB. */
#define MB2_SEARCH		32768
#define MB2_HEADER_ALIGN	8
#define MB2_HEADER_MAGIC	0xE85250D6
#define MB2_ARCH_I386		0	/* 32-bit (protected) mode of i386 */
#define MB2_TAG_ALIGN		8

/* 3.3: what the loader leaves in EAX. */
#define MB2_BOOTLOADER_MAGIC	0x36D76289

/* Header tags (3.1.3-3.1.13) */
#define MB2_HTAG_END		0
#define MB2_HTAG_INFO_REQ	1	/* u32 info tag types the image wants */
#define MB2_HTAG_ADDRESS	2	/* a.out kludge: load addresses */
#define MB2_HTAG_ENTRY		3	/* u32 entry (i386) */
#define MB2_HTAG_CONSOLE	4	/* u32 console flags */
#define MB2_HTAG_FRAMEBUFFER	5	/* u32 width, height, depth */
#define MB2_HTAG_MODULE_ALIGN	6	/* modules page-aligned */
#define MB2_HTAG_EFI_BS		7	/* keep EFI boot services */
#define MB2_HTAG_ENTRY_EFI32	8
#define MB2_HTAG_ENTRY_EFI64	9
#define MB2_HTAG_RELOCATABLE	10
#define MB2_HTAG_OPTIONAL	1	/* flags bit 0 */

/* 3.1.9: console_flags */
#define MB2_CONSOLE_REQUIRED	1	/* a console must be described in the information */
#define MB2_CONSOLE_EGA_TEXT	2	/* the image supports EGA text */

/* 3.1.13: the relocatable tag's preference */
#define MB2_RELOC_PREF_NONE	0
#define MB2_RELOC_PREF_LOW	1
#define MB2_RELOC_PREF_HIGH	2

/* Information tags (3.6.2 on) */
#define MB2_TAG_END		0
#define MB2_TAG_CMDLINE		1	/* string */
#define MB2_TAG_LOADER_NAME	2	/* string */
#define MB2_TAG_MODULE		3	/* u32 start, u32 end, string */
#define MB2_TAG_BASIC_MEMINFO	4	/* u32 mem_lower, mem_upper (KiB) */
#define MB2_TAG_BOOTDEV		5
#define MB2_TAG_MMAP		6	/* u32 entry_size, entry_version, entries */
#define MB2_TAG_VBE		7
#define MB2_TAG_FRAMEBUFFER	8
#define MB2_TAG_ELF_SECTIONS	9
#define MB2_TAG_APM		10
#define MB2_TAG_EFI32		11	/* u32 EFI system table */
#define MB2_TAG_EFI64		12	/* u64 EFI system table */
#define MB2_TAG_SMBIOS		13
#define MB2_TAG_ACPI_OLD	14	/* a copy of the ACPI 1.0 RSDP */
#define MB2_TAG_ACPI_NEW	15	/* a copy of the ACPI 2.0+ RSDP */
#define MB2_TAG_NETWORK		16
#define MB2_TAG_EFI_MMAP	17
#define MB2_TAG_EFI_BS		18	/* boot services not terminated */
#define MB2_TAG_EFI32_IH	19
#define MB2_TAG_EFI64_IH	20
#define MB2_TAG_LOAD_BASE	21	/* u32 the image's load base */

/* 3.6.12: framebuffer_type */
#define MB2_FRAMEBUFFER_EGA_TEXT 2

/* Memory map entry types (3.6.8): as Multiboot 1's. */
#define MB2_MEMORY_AVAILABLE	1
#define MB2_MEMORY_RESERVED	2
#define MB2_MEMORY_ACPI		3
#define MB2_MEMORY_NVS		4
#define MB2_MEMORY_BADRAM	5

#ifndef ASM_FILE
#include <stdint.h>

/* 3.1.1 */
struct mb2_header {
	uint32_t magic;
	uint32_t architecture;
	uint32_t header_length;	/* with all its tags */
	uint32_t checksum;	/* magic + architecture + header_length + checksum == 0 */
};

struct mb2_header_tag {
	uint16_t type;
	uint16_t flags;
	uint32_t size;
};

struct mb2_htag_address {	/* 3.1.5: as Multiboot 1's address fields */
	struct mb2_header_tag tag;
	uint32_t header_addr;
	uint32_t load_addr;	/* 0xFFFFFFFF: from the file's first byte */
	uint32_t load_end_addr;	/* 0: the whole file */
	uint32_t bss_end_addr;	/* 0: no bss */
};

struct mb2_htag_u32 {		/* 3.1.6 entry_addr, 3.1.9 console_flags */
	struct mb2_header_tag tag;
	uint32_t value;
};

struct mb2_htag_framebuffer {	/* 3.1.10: preferences, 0 = none */
	struct mb2_header_tag tag;
	uint32_t width, height, depth;
};

struct mb2_htag_relocatable {	/* 3.1.13 */
	struct mb2_header_tag tag;
	uint32_t min_addr;	/* no part of the image below */
	uint32_t max_addr;	/* nor above */
	uint32_t align;
	uint32_t preference;	/* MB2_RELOC_PREF_* */
};

/* 3.6.1: the information starts with its own size, then the tags. */
struct mb2_info {
	uint32_t total_size;
	uint32_t reserved;
};

struct mb2_tag {
	uint32_t type;
	uint32_t size;
};

struct mb2_tag_string {		/* MB2_TAG_CMDLINE, MB2_TAG_LOADER_NAME */
	struct mb2_tag tag;
	char string[];		/* NUL-terminated */
};

struct mb2_tag_module {		/* 3.6.6 */
	struct mb2_tag tag;
	uint32_t mod_start;	/* physical, [mod_start, mod_end) */
	uint32_t mod_end;
	char cmdline[];
};

struct mb2_tag_meminfo {	/* 3.6.3 */
	struct mb2_tag tag;
	uint32_t mem_lower;	/* KiB from 0 */
	uint32_t mem_upper;	/* KiB from 1 MiB to the first hole */
};

struct mb2_mmap_entry {		/* 3.6.8 */
	uint64_t base_addr;
	uint64_t length;
	uint32_t type;		/* MB2_MEMORY_* */
	uint32_t reserved;
};

struct mb2_tag_mmap {
	struct mb2_tag tag;
	uint32_t entry_size;	/* a multiple of 8; entries may grow */
	uint32_t entry_version;	/* 0 */
	/* struct mb2_mmap_entry, entry_size bytes apart */
};

struct mb2_tag_acpi {		/* "ACPI old RSDP", "ACPI new RSDP" */
	struct mb2_tag tag;
	uint8_t rsdp[];		/* 20 bytes (ACPI 1.0) or its length field's */
};

/*
 * 3.6.12, the common part; EGA text has no colour information.  The
 * spec's table shows one reserved byte; its own multiboot2.h and GRUB
 * have a u16, which is what kernels read.
 */
struct mb2_tag_framebuffer {
	struct mb2_tag tag;
	uint64_t addr;
	uint32_t pitch, width, height;	/* bytes a line; pixels or characters */
	uint8_t bpp;
	uint8_t type;		/* MB2_FRAMEBUFFER_* */
	uint16_t reserved;
};

/*
 * 3.6.7: the ELF section headers, inline.  The spec's table shows u16
 * num, entsize and shndx; its own multiboot2.h, GRUB and the kernels
 * that read the tag use u32s, and so does hv.
 */
struct mb2_tag_elf_sections {
	struct mb2_tag tag;
	uint32_t num, entsize, shndx;
	/* the section headers */
};

struct mb2_tag_u32 {		/* 3.6.23 load_base_addr */
	struct mb2_tag tag;
	uint32_t value;
};

_Static_assert(sizeof(struct mb2_htag_address) == 24, "MB2 address tag: 3.1.5");
_Static_assert(sizeof(struct mb2_htag_relocatable) == 24, "MB2 relocatable tag: 3.1.13");
_Static_assert(sizeof(struct mb2_tag_framebuffer) == 32, "MB2 framebuffer tag: 3.6.12");
_Static_assert(sizeof(struct mb2_tag_elf_sections) == 20, "MB2 ELF sections tag: 3.6.7");
_Static_assert(sizeof(struct mb2_header) == 16, "MB2 header: 3.1.1");
_Static_assert(sizeof(struct mb2_tag_module) == 16, "MB2 module tag: 3.6.6");
_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "MB2 mmap entry: 3.6.8");
_Static_assert(sizeof(struct mb2_tag_mmap) == 16, "MB2 mmap tag: 3.6.8");
#endif /* !ASM_FILE */

#endif
