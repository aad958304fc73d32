/*
 * SYSENTER/SYSEXIT round trips for sysenter.c: the ring-3 side and the
 * kernel entry (SDM vol. 2 SYSENTER, SYSEXIT).
 */
	.data
	.align 4
	.globl se_res, se_kstack_top, se_count
/* [0] CS at entry, [1] SS at entry, [2] ESP at entry, [3] EFLAGS at
 * entry, [4] CS after SYSEXIT, [5] SS after SYSEXIT, [6] ESP after minus
 * ESP before, [7] EFLAGS after SYSEXIT */
se_res:
	.space 32
se_count:
	.long 0
	.space 1024
se_kstack_top:

	.text
/* The kernel's entry (IA32_SYSENTER_EIP): record, count, STI; SYSEXIT. */
	.globl se_entry
se_entry:
	movl %esp, se_res+8
	pushfl
	popl se_res+12
	xorl %eax, %eax
	movw %cs, %ax
	movl %eax, se_res
	movw %ss, %ax
	movl %eax, se_res+4
	incl se_count
	movl se_count, %eax
	sti
	sysexit

/* Ring 3: se_user_loop(n in %eax? no: from se_n) SYSENTER se_n times;
 * returns se_count.  EBP keeps ESP, as Linux's vsyscall does. */
	.globl se_user_loop, se_n
	.align 4
se_n:	.long 0
se_user_loop:
	pushl %ebp
	pushl %ebx
	movl se_n, %ebx
1:	movl %esp, %ebp
	movl %esp, %ecx
	movl $2f, %edx
	sysenter
2:	movl %esp, %eax
	subl %ebp, %eax
	movl %eax, se_res+24
	xorl %eax, %eax
	movw %cs, %ax
	movl %eax, se_res+16
	movw %ss, %ax
	movl %eax, se_res+20
	pushfl
	popl se_res+28
	decl %ebx
	jnz 1b
	popl %ebx
	popl %ebp
	movl se_count, %eax
	ret

/* Ring 3: one SYSENTER that must fault (#GP with SYSENTER_CS = 0). */
	.globl se_user_fault, se_user_fault_at
se_user_fault:
	movl %esp, %ecx
	movl $1f, %edx
se_user_fault_at:
	sysenter
1:	xorl %eax, %eax
	ret

/* SYSEXIT at ring 3: #GP(0). */
	.globl se_user_sysexit, se_user_sysexit_at
se_user_sysexit:
	movl %esp, %ecx
	movl $1f, %edx
se_user_sysexit_at:
	sysexit
1:	xorl %eax, %eax
	ret
