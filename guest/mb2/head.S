/*
 * The Multiboot 2 header and entry of the loader test guests (Multiboot2
 * Specification version 2.0, 3.1 "OS image format", 3.3 "I386 machine
 * state"), one source built two ways (guest/mb2/mb2.mk):
 *   mb2elf   an ELF, loaded by its program headers; it asks for every
 *            information tag hv and GRUB give (required), and for some
 *            they may lack (optional: boot device, APM, SMBIOS, type
 *            0x55); console flags (EGA text), a framebuffer, module
 *            alignment, a relocatable range that fits only where it is
 *            linked, and three optional tags a BIOS loader passes over
 *            (EFI boot services, an EFI i386 entry, type 0x7777)
 *   mb2flat  MB2_FLAT: a flat binary with the address and entry tags,
 *            bss_end_addr 64 KiB beyond the ELF's own bss
 * No Multiboot 1 header: a loader takes the image by this one alone.
 * The entry counts the nonzero bytes from the bss start up to the
 * header's bss end before anything touches memory, as guest/mb1/head.S.
 * It links with guest/mb1/mb1.ld (header in .multiboot, __hdr_bss_end).
 */
#include "lib/hw/multiboot2.h"

#define STACK_SIZE 16384
#define REQ_OPTIONAL 0x55	/* a type the spec does not define */
#define HTAG_UNKNOWN 0x7777

	.globl mb1_extra_bss
#ifdef MB2_FLAT
	.set mb1_extra_bss, 0x10000
#else
	.set mb1_extra_bss, 0
#endif

	.section .multiboot, "ax"
	.balign MB2_HEADER_ALIGN
	.globl mb2_header
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	.balign MB2_TAG_ALIGN
1:	.short MB2_HTAG_INFO_REQ, 0
	.long 2f - 1b
	.long MB2_TAG_CMDLINE, MB2_TAG_MODULE, MB2_TAG_BASIC_MEMINFO, MB2_TAG_MMAP
#ifndef MB2_FLAT
	.long MB2_TAG_FRAMEBUFFER, MB2_TAG_ELF_SECTIONS, MB2_TAG_ACPI_OLD
	.long MB2_TAG_ACPI_NEW, MB2_TAG_LOAD_BASE
#endif
2:
	.balign MB2_TAG_ALIGN
1:	.short MB2_HTAG_INFO_REQ, MB2_HTAG_OPTIONAL
	.long 2f - 1b
	.long MB2_TAG_LOADER_NAME, MB2_TAG_BOOTDEV, MB2_TAG_APM, MB2_TAG_SMBIOS
	.long REQ_OPTIONAL
2:
	.balign MB2_TAG_ALIGN
	.short MB2_HTAG_MODULE_ALIGN, 0
	.long 8
#ifdef MB2_FLAT
	.balign MB2_TAG_ALIGN
	.short MB2_HTAG_ADDRESS, 0
	.long 24
	.long mb2_header		/* header_addr */
	.long __image_start		/* load_addr */
	.long 0				/* load_end_addr: the whole file */
	.long __hdr_bss_end		/* bss_end_addr */
	.balign MB2_TAG_ALIGN
	.short MB2_HTAG_ENTRY, 0
	.long 12
	.long _start
#else
	.balign MB2_TAG_ALIGN
	.short MB2_HTAG_CONSOLE, 0
	.long 12
	.long MB2_CONSOLE_EGA_TEXT
	.balign MB2_TAG_ALIGN
	.short MB2_HTAG_FRAMEBUFFER, 0
	.long 20
	.long 80, 25, 0
	.balign MB2_TAG_ALIGN
	.short MB2_HTAG_RELOCATABLE, 0
	.long 24
	.long __image_start		/* min_addr */
	.long __bss_end			/* max_addr: room only where it is linked */
	.long 4096			/* align */
	.long MB2_RELOC_PREF_LOW
	.balign MB2_TAG_ALIGN
	.short MB2_HTAG_ENTRY_EFI32, MB2_HTAG_OPTIONAL	/* GRUB on a BIOS refuses it else */
	.long 12
	.long _start
	.balign MB2_TAG_ALIGN
	.short MB2_HTAG_EFI_BS, MB2_HTAG_OPTIONAL
	.long 8
	.balign MB2_TAG_ALIGN
	.short HTAG_UNKNOWN, MB2_HTAG_OPTIONAL
	.long 12
	.long 0
#endif
	.balign MB2_TAG_ALIGN
	.short MB2_HTAG_END, 0
	.long 8
mb2_header_end:

	.section .text.entry, "ax"
	.globl _start
_start:
	cli
	cld
	movl %eax, %esi			/* magic */
	movl %ebx, %ebp			/* info */
	/* Nonzero bytes in [__bss_start, __hdr_bss_end) into %edx. */
	xorl %edx, %edx
	movl $__bss_start, %edi
1:	cmpl $__hdr_bss_end, %edi
	jae 2f
	cmpb $0, (%edi)
	je 3f
	incl %edx
3:	incl %edi
	jmp 1b
2:	movl $stack_top, %esp
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	pushl %edx
	pushl %ebp
	pushl %esi
	call mb2_main
4:	cli
	hlt
	jmp 4b

	.data
	.align 16
	.space STACK_SIZE
stack_top:
