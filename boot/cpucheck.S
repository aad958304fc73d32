/*
 * Does this CPU have what hv needs?  boot/entry.S calls boot_cpu_check
 * first thing, before any instruction of the i686 (P6) family runs: hv is
 * compiled with -march=i686, so gcc uses CMOV anywhere in C.
 *
 * What hv uses unconditionally (Intel SDM vol. 2A, CPUID, table 3-11,
 * CPUID.01H:EDX):
 *   cpuid  the instruction itself (vol. 1 20.1.1 / 3A 2.3: EFLAGS.ID can
 *          be toggled only where CPUID exists)
 *   pse    4 MiB pages: the boot page directory and hv's own tables
 *   tsc    RDTSC: hv's clock
 *   msr    RDMSR/WRMSR: the local APIC base, the guest's MSR policy
 *   cmov   CMOVcc, everywhere in the compiled C
 *
 * Anything missing: one line on COM1 (programmed 115200 8N1, as hv's own
 * console) and on the VGA text screen's first row, naming what is missing,
 * then QEMU's isa-debug-exit with hv's bad-input code (QEMU status 5, as
 * lib/panic.h's HV_EXIT_BAD_INPUT), Bochs's shutdown port, and a halt on
 * anything else.  It runs at its load address with paging off and uses
 * only i386 instructions and the small stack below.
 */
#include "lib/hw/msr.h"
#include "lib/uart.h"
#include "lib/x86.h"

#define HV_NEEDS	(CPUID1_EDX_PSE | CPUID1_EDX_TSC | CPUID1_EDX_MSR | CPUID1_EDX_CMOV)
#define VGA_TEXT	0xB8000
#define VGA_ATTR	0x0700		/* light grey on black */
#define EXIT_BAD_INPUT	2		/* lib/panic.h: HV_EXIT_BAD_INPUT */

	.section .boot.data, "aw"
	.align 4
	.skip 256
	.globl boot_check_stack_top
boot_check_stack_top:
vga_cursor:	.long VGA_TEXT

msg_head:	.asciz "hv: boot: error: this CPU cannot run hv: it lacks"
msg_tail:	.asciz " (hv needs cpuid, pse, tsc, msr and cmov)\r\n"
msg_cpuid:	.asciz " cpuid"
msg_pse:	.asciz " pse"
msg_tsc:	.asciz " tsc"
msg_msr:	.asciz " msr"
msg_cmov:	.asciz " cmov"

	/* { CPUID.01H:EDX bit, name } for each feature hv needs */
	.align 4
needs:	.long CPUID1_EDX_PSE, msg_pse
	.long CPUID1_EDX_TSC, msg_tsc
	.long CPUID1_EDX_MSR, msg_msr
	.long CPUID1_EDX_CMOV, msg_cmov
needs_end:

	.section .boot.text, "ax"
	.code32

/* void boot_cpu_check(void): returns only on a CPU hv can run on. */
	.globl boot_cpu_check
boot_cpu_check:
	/* CPUID exists iff software can flip EFLAGS.ID. */
	pushfl
	popl %eax
	movl %eax, %ecx
	xorl $FL_ID, %eax
	pushl %eax
	popfl
	pushfl
	popl %eax
	pushl %ecx
	popfl			/* EFLAGS as they were */
	xorl %ecx, %eax
	testl $FL_ID, %eax
	jz no_cpuid

	pushl %ebx		/* CPUID writes EBX: the caller's Multiboot pointer */
	xorl %eax, %eax
	cpuid
	xorl %edx, %edx		/* no leaf 1: no feature at all */
	testl %eax, %eax
	jz 1f
	movl $1, %eax
	cpuid
1:	popl %ebx
	andl $HV_NEEDS, %edx
	cmpl $HV_NEEDS, %edx
	jne lacking
	ret

no_cpuid:
	call console_setup
	movl $msg_head, %esi
	call puts
	movl $msg_cpuid, %esi
	call puts
	jmp stop

	/* EDX: the needed features this CPU has */
lacking:
	movl %edx, %ebp
	call console_setup
	movl $msg_head, %esi
	call puts
	movl $needs, %ebx
2:	testl (%ebx), %ebp
	jnz 3f
	movl 4(%ebx), %esi
	call puts
3:	addl $8, %ebx
	cmpl $needs_end, %ebx
	jb 2b

stop:
	movl $msg_tail, %esi
	call puts
	movw $PORT_DEBUG_EXIT, %dx
	movb $EXIT_BAD_INPUT, %al
	outb %al, %dx
	/* Bochs ends when "Shutdown" is written to its port (lib/x86.h). */
	movl $bochs_word, %esi
	movw $PORT_BOCHS_SHUTDOWN, %dx
4:	lodsb
	testb %al, %al
	jz 5f
	outb %al, %dx
	jmp 4b
5:	cli
	hlt
	jmp 5b

/* COM1 at 115200 8N1, FIFOs on, interrupts off (PC16550D registers). */
console_setup:
	movw $(PORT_COM1 + UART_IER), %dx
	xorb %al, %al
	outb %al, %dx
	movw $(PORT_COM1 + UART_LCR), %dx
	movb $UART_LCR_DLAB, %al
	outb %al, %dx
	movw $(PORT_COM1 + UART_DLL), %dx
	movb $1, %al			/* UART_CLOCK / 115200 */
	outb %al, %dx
	movw $(PORT_COM1 + UART_DLM), %dx
	xorb %al, %al
	outb %al, %dx
	movw $(PORT_COM1 + UART_LCR), %dx
	movb $UART_LCR_8N1, %al
	outb %al, %dx
	movw $(PORT_COM1 + UART_FCR), %dx
	movb $(UART_FCR_ENABLE | UART_FCR_CLEAR), %al
	outb %al, %dx
	movw $(PORT_COM1 + UART_MCR), %dx
	movb $(UART_MCR_DTR | UART_MCR_RTS), %al
	outb %al, %dx
	ret

/* Prints the string at ESI on COM1 and, but for CR and LF, on the screen. */
puts:
	lodsb
	testb %al, %al
	jz 8f
	movb %al, %ah
	movw $(PORT_COM1 + UART_LSR), %dx
	movl $100000, %ecx		/* bounded: there may be no UART */
6:	inb %dx, %al
	testb $UART_LSR_THRE, %al
	jnz 7f
	loop 6b
7:	movb %ah, %al
	movw $(PORT_COM1 + UART_THR), %dx
	outb %al, %dx
	cmpb $' ', %al
	jb puts
	movl vga_cursor, %edi
	movzbl %al, %eax
	orl $VGA_ATTR, %eax
	movw %ax, (%edi)
	addl $2, vga_cursor
	jmp puts
8:	ret

	.section .boot.data, "aw"
bochs_word:	.asciz "Shutdown"
