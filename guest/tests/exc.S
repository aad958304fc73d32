/*
 * Exception snippets for exc.c, each a function with labels at the
 * faulting instruction and where execution resumes (SDM vol. 3A 6.5:
 * faults push the address of the faulting instruction, traps the address
 * of the next one; 6.15 per-exception details).
 */
	.text
/* INT3 (one byte) and INT 3 (two bytes): #BP traps */
	.globl exc_int3, exc_int3_at, exc_int3_after
exc_int3:
exc_int3_at:
	int3
exc_int3_after:
	ret

	.globl exc_int_3, exc_int_3_at, exc_int_3_after
exc_int_3:
exc_int_3_at:
	.byte 0xCD, 0x03		/* int $3 in its two-byte form */
exc_int_3_after:
	ret

/* INTO with EFLAGS = first argument: #OF trap when OF = 1 */
	.globl exc_into, exc_into_after
exc_into:
	pushl 4(%esp)
	popfl
	into
exc_into_after:
	ret

/* BOUND EAX against the pair at EDX: #BR fault, resumed after it */
	.globl exc_bound, exc_bound_at, exc_bound_resume
exc_bound:
	movl 4(%esp), %eax
	movl 8(%esp), %edx
exc_bound_at:
	boundl %eax, (%edx)
	movl $1, %eax			/* in bounds */
	ret
exc_bound_resume:
	xorl %eax, %eax			/* out of bounds */
	ret

/* UD2 with CF set: #UD fault; the pushed EFLAGS shows CF */
	.globl exc_ud2, exc_ud2_at, exc_ud2_resume
exc_ud2:
	stc
exc_ud2_at:
	ud2
exc_ud2_resume:
	clc
	ret

/* INT n (first argument selects the form): n = 0x41 and 0x42 */
	.globl exc_int41, exc_int41_at, exc_int41_after
exc_int41:
exc_int41_at:
	int $0x41
exc_int41_after:
	ret

	.globl exc_int42, exc_int42_after
exc_int42:
	int $0x42
exc_int42_after:
	ret

/* Single step: POPF sets TF; the #DB trap comes after the instruction
 * following POPF (the POPF itself is not trapped), SDM vol. 3A 17.3.1.4 */
	.globl exc_step, exc_step_first, exc_step_second
exc_step:
	pushfl
	orl $0x100, (%esp)		/* TF */
	popfl
exc_step_first:
	nop
exc_step_second:
	nop
	pushfl
	andl $~0x100, (%esp)
	popfl
	ret
