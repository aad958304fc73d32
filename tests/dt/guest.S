/*
 * Guest code for the translator's host unit test (tests/dt/test_dt.c).
 * Each function is called natively first, as an ordinary cdecl function,
 * and then run from the translator's code cache; the two results must be
 * equal.  The section is writable, so that the test (and the code itself)
 * can rewrite instructions; each group that is rewritten has a page of
 * its own.
 */
	.section .guest, "awx", @progbits
	.balign 4096
	.globl guest_start
guest_start:

/* int loop_sum(int n): n + (n - 1) + ... + 1, a loop of conditional jumps. */
	.globl loop_sum, loop_sum_body
loop_sum:
	movl 4(%esp), %ecx
	xorl %eax, %eax
loop_sum_body:
	addl %ecx, %eax
	decl %ecx
	jnz loop_sum_body
	ret

/* int loop_insn(int n): the same with LOOP (the rel8 form the translator
   bounces through two rel32 jumps). */
	.globl loop_insn
loop_insn:
	movl 4(%esp), %ecx
	xorl %eax, %eax
1:	addl %ecx, %eax
	loop 1b
	ret

/* int fib(int n): recursive, so calls push guest return addresses and RET
   goes through the indirect-branch lookup. */
	.globl fib
fib:
	movl 4(%esp), %eax
	cmpl $2, %eax
	jl 2f
	pushl %ebx
	leal -1(%eax), %ecx
	pushl %ecx
	call fib
	movl %eax, %ebx
	decl (%esp)
	call fib
	addl $4, %esp
	addl %ebx, %eax
	popl %ebx
2:	ret

/* int dispatch(int n): sum of fns[i & 3](i) for i < n, by indirect call. */
	.globl dispatch
dispatch:
	pushl %ebx
	pushl %esi
	movl 12(%esp), %esi
	xorl %ebx, %ebx
1:	testl %esi, %esi
	jz 2f
	decl %esi
	movl %esi, %eax
	andl $3, %eax
	pushl %esi
	call *fns(, %eax, 4)
	addl $4, %esp
	addl %eax, %ebx
	jmp 1b
2:	movl %ebx, %eax
	popl %esi
	popl %ebx
	ret
f0:	movl 4(%esp), %eax
	ret
f1:	movl 4(%esp), %eax
	addl %eax, %eax
	ret
f2:	movl 4(%esp), %eax
	negl %eax
	ret
f3:	movl $7, %eax
	ret
	.balign 4
fns:	.long f0, f1, f2, f3

/* uint32_t cpuid_ebx(void): EBX of CPUID leaf 0, a sensitive instruction
   (an exit to the test table's row) in the middle of a block. */
	.globl cpuid_ebx, cpuid_insn
cpuid_ebx:
	pushl %ebx
	xorl %eax, %eax
	xorl %ecx, %ecx
cpuid_insn:
	cpuid
	movl %ebx, %eax
	popl %ebx
	ret

/* Rewritten by the test: ret_const() returns its immediate; call_const()
   calls it (a chained branch into its block) and adds 10. */
	.balign 4096
	.globl ret_const, ret_const_imm, call_const
ret_const:
	.byte 0xb8			/* mov $imm32, %eax */
ret_const_imm:
	.long 1
	ret
call_const:
	call ret_const
	addl $10, %eax
	ret

/* int selfmod(int v): stores v into the immediate of an instruction after
   it, on its own page, then runs that instruction. */
	.balign 4096
	.globl selfmod
selfmod:
	movl 4(%esp), %eax
	movl %eax, selfmod_imm
	.byte 0xb8			/* mov $imm32, %eax */
selfmod_imm:
	.long 0
	ret

/* int hot(void): its immediate rewritten by the test again and again. */
	.balign 4096
	.globl hot, hot_imm
hot:
	.byte 0xb8			/* mov $imm32, %eax */
hot_imm:
	.long 0
	ret

	.balign 4096
	.globl guest_end
guest_end:
