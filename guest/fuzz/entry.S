/*
 * The fuzzer's way into a generated sequence and back (see fuzz.h).
 *
 * fz_run(ring) loads every register, EFLAGS and DS/ES/FS/GS from fz_in
 * and jumps (CPL 0) or IRETs (CPL 3, SDM vol. 2 IRET: to an outer level
 * it pops EIP, CS, EFLAGS, ESP, SS) to the sequence.  A sequence ends in
 * one of three ways, each filling fz_out and returning from fz_run with
 * the harness's segments, stack and EFLAGS (IF=0, DF=0, IOPL 0) back:
 *   fz_exit0       the CPL-0 epilogue jumps here (no stack use before
 *                  ESP is saved, so the scratch stack stays as it was)
 *   fz_exit3_stub  the CPL-3 epilogue raises INT FZ_VEC_EXIT
 *   fz_stub_N      exception N (SDM vol. 3A 6.12.1, figure 6-4: at CPL 0
 *                  the CPU pushes [error code,] EIP, CS, EFLAGS on the
 *                  current stack; from CPL 3 on TSS.ESP0, after SS, ESP)
 * Exceptions outside a sequence go on to the library's own stubs.
 * Everything here addresses memory with %ss: because DS may hold any of
 * the sequence's selectors (all flat, but SS is the one we know).
 */
#include "lib/x86.h"
#include "guest/lib/desc.h"
#include "guest/fuzz/fuzz.h"

	.bss
	.align 16
	.globl fz_in, fz_out
fz_in:	.space FZ_CPU_SIZE
fz_out:	.space FZ_CPU_SIZE
fz_host_esp:
	.space 4
fz_active:
	.space 4

	.text
	/* void fz_run(int ring) */
	.globl fz_run
fz_run:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl 20(%esp), %eax
	movl %esp, fz_host_esp
	movl $1, fz_active
	cmpl $3, %eax
	je 1f

	/* CPL 0: EFLAGS through POPF, then the registers, ESP last. */
	pushl fz_in+FZ_EFL
	movw fz_in+FZ_ES, %es
	movw fz_in+FZ_FS, %fs
	movw fz_in+FZ_GS, %gs
	movw fz_in+FZ_DS, %ds
	popfl
	movl %ss:fz_in+FZ_EAX, %eax
	movl %ss:fz_in+FZ_ECX, %ecx
	movl %ss:fz_in+FZ_EDX, %edx
	movl %ss:fz_in+FZ_EBX, %ebx
	movl %ss:fz_in+FZ_EBP, %ebp
	movl %ss:fz_in+FZ_ESI, %esi
	movl %ss:fz_in+FZ_EDI, %edi
	movl %ss:fz_in+FZ_ESP, %esp
	jmp *%ss:fz_in+FZ_EIP

	/* CPL 3: an IRET frame on our stack. */
1:	pushl $SEL_UDATA
	pushl fz_in+FZ_ESP
	pushl fz_in+FZ_EFL
	pushl $SEL_UCODE
	pushl fz_in+FZ_EIP
	movw fz_in+FZ_ES, %es
	movw fz_in+FZ_FS, %fs
	movw fz_in+FZ_GS, %gs
	movw fz_in+FZ_DS, %ds
	movl %ss:fz_in+FZ_EAX, %eax
	movl %ss:fz_in+FZ_ECX, %ecx
	movl %ss:fz_in+FZ_EDX, %edx
	movl %ss:fz_in+FZ_EBX, %ebx
	movl %ss:fz_in+FZ_EBP, %ebp
	movl %ss:fz_in+FZ_ESI, %esi
	movl %ss:fz_in+FZ_EDI, %edi
	iret

.macro SAVE_GPRS
	movl %eax, %ss:fz_out+FZ_EAX
	movl %ecx, %ss:fz_out+FZ_ECX
	movl %edx, %ss:fz_out+FZ_EDX
	movl %ebx, %ss:fz_out+FZ_EBX
	movl %ebp, %ss:fz_out+FZ_EBP
	movl %esi, %ss:fz_out+FZ_ESI
	movl %edi, %ss:fz_out+FZ_EDI
.endm

	/* The CPL-0 epilogue: MOVs change no flags, so EFLAGS is intact
	 * until the PUSHF, which goes to our own stack. */
	.globl fz_exit0
fz_exit0:
	movl $0, %ss:fz_active
	movl %esp, %ss:fz_out+FZ_ESP
	movl %ss:fz_host_esp, %esp
	pushfl
	popl %ss:fz_out+FZ_EFL
	SAVE_GPRS
	movl $FZ_END_NORMAL, %ss:fz_out+FZ_KIND
	jmp fz_finish

	/* The CPL-3 epilogue: INT FZ_VEC_EXIT; frame EIP CS EFLAGS ESP SS. */
	.globl fz_exit3_stub
fz_exit3_stub:
	movl $0, %ss:fz_active
	SAVE_GPRS
	movl 8(%esp), %eax
	movl %eax, %ss:fz_out+FZ_EFL
	movl 12(%esp), %eax
	movl %eax, %ss:fz_out+FZ_ESP
	movl $FZ_END_NORMAL, %ss:fz_out+FZ_KIND
	jmp fz_finish

	/* An exception in a sequence: the frame is EIP CS EFLAGS [ESP SS]. */
fz_fault:
	SAVE_GPRS
	movl (%esp), %eax
	movl %eax, %ss:fz_out+FZ_EIP
	movl 4(%esp), %eax
	movl %eax, %ss:fz_out+FZ_CS
	movl 8(%esp), %eax
	movl %eax, %ss:fz_out+FZ_EFL
	testl $3, 4(%esp)
	jz 1f
	movl 12(%esp), %eax		/* from CPL 3: the frame has ESP */
	jmp 2f
1:	leal 12(%esp), %eax		/* CPL 0: ESP before the exception */
2:	movl %eax, %ss:fz_out+FZ_ESP
	movl $FZ_END_FAULT, %ss:fz_out+FZ_KIND
	/* fall through */

fz_finish:
	movw %ds, %ss:fz_out+FZ_DS
	movw %es, %ss:fz_out+FZ_ES
	movw %fs, %ss:fz_out+FZ_FS
	movw %gs, %ss:fz_out+FZ_GS
	movw $SEL_KDATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movl fz_host_esp, %esp
	pushl $FL_FIXED
	popfl
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

.macro FZ_STUB v
	.align 16
fz_stub_\v:
	cmpl $0, %ss:fz_active
	je 1f
	movl $0, %ss:fz_active
	movl $\v, %ss:fz_out+FZ_VEC
	.if EXC_HAS_ERRCODE(\v)
	popl %ss:fz_out+FZ_ERR
	.else
	movl $0, %ss:fz_out+FZ_ERR
	.endif
	jmp fz_fault
1:	jmp *%ss:trap_vector_table+4*\v
.endm

.macro FZ_STUB_REF v
	.long fz_stub_\v
.endm

	.altmacro
	.set vec, 0
	.rept 32
	FZ_STUB %vec
	.set vec, vec + 1
	.endr

	.section .rodata
	.align 4
	.globl fz_fault_stubs
fz_fault_stubs:
	.set vec, 0
	.rept 32
	FZ_STUB_REF %vec
	.set vec, vec + 1
	.endr
	.noaltmacro
