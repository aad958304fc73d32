/*
 * hv's Multiboot 2 header (Multiboot2 Specification version 2.0, 3.1),
 * beside its Multiboot 1 header (boot/entry.S).  A loader takes the one
 * its command says: GRUB's `multiboot` and QEMU's -kernel the Multiboot 1
 * header, GRUB's `multiboot2` this one; hv's entry tells them apart by
 * the magic in EAX (boot/mbinfo.c).
 *
 * linker.ld puts it right after the Multiboot 1 header in .boot, so both
 * lie in the file's first 8 KiB (Multiboot 1 wants them there, Multiboot 2
 * anywhere in the first 32 KiB, 8-byte aligned).  hv is an ELF image, so
 * the loader takes the load addresses and the entry from its program
 * headers: no address or entry tag (3.1.5, 3.1.6).  No EFI boot services
 * tag (3.1.12) either: a loader on UEFI exits boot services and enters hv
 * in the i386 machine state (3.3), as on a BIOS.  No framebuffer tag
 * (3.1.10): hv speaks on a serial port.
 */
#include "lib/hw/multiboot2.h"

#define MB2_HLEN	(mb2_end - mb2_header)

	.section .multiboot2, "a"
	.balign MB2_HEADER_ALIGN
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long MB2_HLEN
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + MB2_HLEN)

	/* 3.1.4: what hv cannot boot without (a loader that lacks one of
	   these must refuse hv rather than start it). */
	.balign MB2_TAG_ALIGN
1:	.short MB2_HTAG_INFO_REQ, 0
	.long 2f - 1b
	.long MB2_TAG_CMDLINE		/* hv's options */
	.long MB2_TAG_MODULE		/* the guest and its modules */
	.long MB2_TAG_MMAP		/* where hv may go */
2:
	/* ... and what it takes when it is there: the RSDP, which on UEFI
	   may be in no BIOS area hv could scan (drivers/acpi.c). */
	.balign MB2_TAG_ALIGN
1:	.short MB2_HTAG_INFO_REQ, MB2_HTAG_OPTIONAL
	.long 2f - 1b
	.long MB2_TAG_BASIC_MEMINFO
	.long MB2_TAG_ACPI_NEW
	.long MB2_TAG_ACPI_OLD
	.long MB2_TAG_LOADER_NAME
2:
	/* 3.1.11: modules page-aligned, as the Multiboot 1 header asks
	   (MULTIBOOT_PAGE_ALIGN). */
	.balign MB2_TAG_ALIGN
	.short MB2_HTAG_MODULE_ALIGN, 0
	.long 8

	/* 3.1.3: the end tag */
	.balign MB2_TAG_ALIGN
	.short MB2_HTAG_END, 0
	.long 8
mb2_end:
