/*
 * Multiboot entry (Multiboot specification 0.6.96, section 3.2: machine
 * state at entry: protected mode, paging off, EAX = 0x2BADB002, EBX = the
 * physical address of the Multiboot information).  A Multiboot 2 loader
 * (header in boot/mb2header.S) enters the same way (Multiboot2
 * specification 2.0, 3.3) with EAX = 0x36D76289: hv_main tells them
 * apart by EAX (boot/mbinfo.c).
 *
 * _start runs at its physical address (.boot is linked where it is loaded).
 * It builds a boot page directory that maps all linear memory below HV_BASE
 * onto the same physical addresses with 4 MiB pages (SDM vol. 3A 4.3,
 * CR4.PSE) and maps HV_BASE.. onto the image's load address with one page
 * table of 4 KiB pages, turns paging on, and jumps to the linked (high)
 * address.  From there on everything runs at HV_BASE; boot/reloc.c moves
 * the image to the top of RAM later.
 */
#include <multiboot.h>

#include "lib/layout.h"
#include "lib/x86.h"

#define MB_FLAGS (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)

	.section .multiboot, "a"
	.align 4
	.long MULTIBOOT_HEADER_MAGIC
	.long MB_FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)

	.section .boot.data, "aw"
	.align 4096
boot_pd:	.skip 4096
boot_pt:	.skip 4096
	.globl boot_magic, boot_info, boot_cr0
boot_magic:	.long 0
boot_info:	.long 0
boot_cr0:	.long 0		/* CR0 as the loader left it: the guest's too */

	.section .boot.text, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl %eax, boot_magic
	movl %ebx, boot_info
	movl %cr0, %eax
	movl %eax, boot_cr0
	/* Before any i686 instruction: can this CPU run hv? (boot/cpucheck.S) */
	movl $boot_check_stack_top, %esp
	call boot_cpu_check

	/* boot_pt[i] = image load address + i * 4 KiB, present, writable */
	movl $boot_pt, %edi
	movl $hv_load_phys, %eax
	orl $(PTE_P | PTE_W), %eax
	movl $1024, %ecx
1:	stosl
	addl $PAGE_SIZE, %eax
	loop 1b

	/* boot_pd[0 .. HV_PDE_FIRST-1]: identity, 4 MiB pages */
	movl $boot_pd, %edi
	movl $(PTE_P | PTE_W | PTE_PS), %eax
	movl $HV_PDE_FIRST, %ecx
2:	stosl
	addl $LARGE_PAGE_SIZE, %eax
	loop 2b
	/* boot_pd[HV_PDE_FIRST] = boot_pt; the rest of hv's region unmapped */
	movl $boot_pt, %eax
	orl $(PTE_P | PTE_W), %eax
	stosl
	xorl %eax, %eax
	movl $(HV_PDE_COUNT - 1), %ecx
	rep stosl

	movl %cr4, %eax
	orl $CR4_PSE, %eax
	movl %eax, %cr4
	movl $boot_pd, %eax
	movl %eax, %cr3
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0
	movl $high_entry, %eax
	jmp *%eax

	.section .text.entry, "ax"
high_entry:
	/* Zero the bss ourselves rather than trust every loader to. */
	movl $hv_bss_start, %edi
	movl $hv_image_end, %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl

	movl $hv_stack_top, %esp
	xorl %ebp, %ebp
	pushl boot_info
	pushl boot_magic
	call hv_main
3:	cli
	hlt
	jmp 3b

/*
 * void boot_move_image(uint32_t dst_phys, uint32_t new_cr3)
 *
 * Copies the whole image (text to end of bss) to dst_phys, which the
 * current page tables map 1:1, then loads new_cr3, whose tables map HV_BASE
 * onto the copy.  Nothing is pushed between the copy and the CR3 load, so the
 * stack in the copy matches the one in use, and `ret` returns into the copy.
 */
	.text
	.globl boot_move_image
boot_move_image:
	pushl %esi
	pushl %edi
	movl 12(%esp), %edi
	movl $hv_image_start, %esi
	movl $hv_image_end, %ecx
	subl %esi, %ecx
	shrl $2, %ecx
	movl 16(%esp), %eax
	rep movsl
	movl %eax, %cr3
	popl %edi
	popl %esi
	ret

