/*
 * hvboot: from UEFI's long mode into a Multiboot kernel.
 *
 * load.c copies tramp_start..tramp_end into a page below 4 GiB (UEFI
 * identity-maps all memory, so the page runs at its physical address) and
 * calls it, after ExitBootServices(), with RDI = that page, whose layout
 * is in hvboot.h (PLAN_*).  The code is position-independent: it finds
 * everything through RBX/EBX = the page.
 *
 * Steps (Intel SDM vol. 3A, 9.8.5.4 "Switching Out of IA-32e Mode
 * Operation"): load our GDT and far-return into its 32-bit code segment
 * (compatibility mode); clear CR0.PG, which deactivates IA-32e mode; clear
 * IA32_EFER.LME.  CR4.PCIDE must be clear before CR0.PG can be (MOV to CR0,
 * #GP conditions), so it goes first, with CET.  Then the machine is put in
 * the state of Multiboot 0.6.96 section 3.2 and of a BIOS boot: CR4 = 0
 * (no PAE: the kernel sets up 32-bit paging itself), CR0 = PE plus the
 * firmware's cache and FPU bits (CD, NW, NE, MP, ET; WP, AM, TS, EM
 * clear), EFLAGS = 2 (IF and DF clear), flat 32-bit CS = 0x08 and
 * DS/ES/FS/GS/SS = 0x10.  The kernel's ELF segments are copied from the
 * file buffer to their physical addresses and their .bss zeroed; then
 * EAX = 0x2BADB002, EBX = the information block, and a jump to the entry.
 */
#include "hvboot.h"

#define CR0_PE		0x00000001
#define CR0_MP		0x00000002
#define CR0_ET		0x00000010
#define CR0_NE		0x00000020
#define CR0_NW		0x20000000
#define CR0_CD		0x40000000
#define CR0_PG		0x80000000
#define CR4_PCIDE	0x00020000
#define CR4_CET		0x00800000
#define MSR_EFER	0xC0000080
#define EFER_LME	0x00000100
#define EFER_NXE	0x00000800

	.section .text, "ax"
	.globl tramp_start, tramp_code32, tramp_end

	.code64
tramp_start:
	cli
	cld
	movq %rdi, %rbx
	movq PLAN_STACK(%rbx), %rsp

	movq %cr4, %rax
	andq $~(CR4_PCIDE | CR4_CET), %rax
	movq %rax, %cr4

	lgdt PLAN_GDTR(%rbx)
	movl PLAN_CODE32(%rbx), %eax
	pushq $TRAMP_SEL_CODE32
	pushq %rax
	lretq

	.code32
tramp_code32:
	movl $TRAMP_SEL_DATA32, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %fs
	movl %eax, %gs
	movl %eax, %ss

	movl %cr0, %eax			/* out of IA-32e mode */
	andl $~CR0_PG, %eax
	movl %eax, %cr0
	movl $MSR_EFER, %ecx
	rdmsr
	andl $~(EFER_LME | EFER_NXE), %eax
	wrmsr

	xorl %eax, %eax
	movl %eax, %cr4
	movl %eax, %cr3
	movl %cr0, %eax
	andl $(CR0_CD | CR0_NW | CR0_NE | CR0_MP | CR0_ET), %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	pushl $2
	popfl

	/* The segments: copy filesz bytes, zero the rest up to memsz. */
	movl PLAN_NSEG(%ebx), %edx
	leal PLAN_SEGS(%ebx), %ebp
1:	testl %edx, %edx
	jz 2f
	movl 0(%ebp), %edi
	movl 4(%ebp), %esi
	movl 8(%ebp), %ecx
	rep movsb
	movl 12(%ebp), %ecx
	subl 8(%ebp), %ecx
	xorl %eax, %eax
	rep stosb
	addl $PLAN_SEG_SIZE, %ebp
	decl %edx
	jmp 1b

2:	movl PLAN_ENTRY(%ebx), %ecx
	movl PLAN_MBI(%ebx), %ebx
	movl $MB_BOOTLOADER_MAGIC, %eax
	jmp *%ecx
tramp_end:

	.section .note.GNU-stack, "", @progbits
