/*
 * The Multiboot header and entry of the loader test guests (Multiboot
 * specification 0.6.96, 3.1 "OS image format", 3.2 "Machine state"), one
 * source built four ways (guest/mb1/mb1.mk):
 *   MB1_VIDEO    header flag 2: a video mode is asked (EGA text, 80x25)
 *   MB1_KLUDGE   header flag 16: the address fields describe the image,
 *                bss_end_addr 64 KiB beyond the ELF's own bss
 *   MB1_LOADALL  with MB1_KLUDGE: load_end_addr 0, the whole file
 *   MB1_PHYS     the header and this entry are linked high (0xC0100000)
 *                and loaded low: e_entry is the physical address
 *                (guest/mb1/phys.ld)
 * Before anything touches memory, the entry counts the nonzero bytes from
 * the ELF's bss start up to the header's bss end (all of them must be
 * zero, 3.1.3) and notes where it runs; the stack is in .data, never in
 * what is being checked.
 */
#include <multiboot.h>

#ifdef MB1_VIDEO
#define F_VIDEO MULTIBOOT_VIDEO_MODE
#else
#define F_VIDEO 0
#endif
#ifdef MB1_KLUDGE
#define F_KLUDGE MULTIBOOT_AOUT_KLUDGE
#else
#define F_KLUDGE 0
#endif
#define MB1_FLAGS (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO | F_VIDEO | F_KLUDGE)
#define STACK_SIZE 16384

	/* How far the header's bss goes beyond the ELF's (mb1.ld). */
	.globl mb1_extra_bss
#ifdef MB1_KLUDGE
	.set mb1_extra_bss, 0x10000
#else
	.set mb1_extra_bss, 0
#endif

	.section .multiboot, "ax"
	.align MULTIBOOT_HEADER_ALIGN
	.globl mb1_header
mb1_header:
	.long MULTIBOOT_HEADER_MAGIC
	.long MB1_FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + MB1_FLAGS)
	/* The address fields (valid with flag 16). */
#ifdef MB1_PHYS
	.long 0, 0, 0, 0, 0
#else
	.long mb1_header		/* header_addr */
	.long __image_start		/* load_addr */
#ifdef MB1_LOADALL
	.long 0				/* load_end_addr: the whole file */
#else
	.long __data_end		/* load_end_addr */
#endif
	.long __hdr_bss_end		/* bss_end_addr */
	.long _start			/* entry_addr */
#endif
	/* The graphics fields (valid with flag 2): EGA text, no size preference. */
	.long 1, 0, 0, 0

#ifdef MB1_PHYS
	/* Runs at its physical address: nothing here may depend on where. */
	.globl mb1_phys_start
mb1_phys_start:
	movl $_start, %ecx
	jmp *%ecx
#endif

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
	/* Our own bss is zero from here on, whatever the loader did. */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	pushl %edx
	pushl %ebp
	pushl %esi
	call mb1_main
4:	cli
	hlt
	jmp 4b

	.data
	.align 16
	.space STACK_SIZE
stack_top:
