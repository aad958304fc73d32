/*
 * Multiboot v1 header and entry point of every test guest (Multiboot
 * specification 0.6.96, 3.1 header layout and 3.2 machine state: EAX holds
 * the bootloader magic, EBX the physical address of the info block, paging
 * is off, interrupts are off, CS/DS/ES/FS/GS/SS are flat but ESP is not
 * valid).  We zero .bss (the stack lives there), set a stack and call
 * guest_start(magic, info), which never returns.
 */
#include <multiboot.h>

#define MB_HEADER_FLAGS	(MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)
#define BOOT_STACK_SIZE	16384

	.section .multiboot, "a"
	.align MULTIBOOT_HEADER_ALIGN
	.long MULTIBOOT_HEADER_MAGIC
	.long MB_HEADER_FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + MB_HEADER_FLAGS)

	.section .text.entry, "ax"
	.globl _start
_start:
	cli
	cld
	movl %eax, %esi			/* magic */
	movl %ebx, %edx			/* info block (outside our image) */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	movl $boot_stack_top, %esp
	xorl %ebp, %ebp
	pushl %edx
	pushl %esi
	call guest_start
1:	cli
	hlt
	jmp 1b

	.section .bss
	.align 16
	.globl boot_stack
boot_stack:
	.space BOOT_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:
