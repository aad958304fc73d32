/*
 * Far control transfers through the guest's own GDT (farxfer.c sets the
 * descriptors and checks fx_res[]): far JMP and CALL direct and through
 * memory (m16:32), RETF and RETF imm16, a code segment with a non-zero
 * base, call gates (CALL pushes CS:EIP, JMP pushes nothing), and IRET to
 * the same privilege level.  SDM vol. 2 CALL, JMP, RET ("far return"),
 * IRET; vol. 3A 5.8.3-5.8.4 call gates.
 */
#include "farxfer.h"

	.data
	.align 4
	.globl fx_res, fx_ptr, fx_ptr2
fx_res:
	.space 64
fx_ptr:					/* m16:32 pointers, filled in by C */
	.long 0
	.word 0
	.align 4
fx_ptr2:
	.long 0
	.word 0

	.text
/* fx_res: [0] CS after ljmp to the alias, [1] CS after ljmp back */
	.globl fx_jmp
fx_jmp:
	ljmp $SEL_ALIAS, $1f
1:	xorl %eax, %eax
	movw %cs, %ax
	movl %eax, fx_res
	ljmp $SEL_KCODE, $2f
2:	movw %cs, %ax
	movl %eax, fx_res+4
	ret

/* fx_res: [0] return EIP pushed, [1] CS pushed, [2] CS in the callee,
 * [3] CS after RETF */
	.globl fx_call, fx_call_ra, fx_far_fn
fx_call:
	lcall $SEL_ALIAS, $fx_far_fn
fx_call_ra:
	xorl %eax, %eax
	movw %cs, %ax
	movl %eax, fx_res+12
	ret
fx_far_fn:
	movl (%esp), %eax
	movl %eax, fx_res
	movl 4(%esp), %eax
	andl $0xFFFF, %eax
	movl %eax, fx_res+4
	xorl %eax, %eax
	movw %cs, %ax
	movl %eax, fx_res+8
	lret

/* RETF 8 drops two arguments: fx_res [0] the argument nearest the
 * return address, [1] ESP difference across the call (0) */
	.globl fx_call_retimm
fx_call_retimm:
	movl %esp, %edx
	pushl $0x1111
	pushl $0x2222
	lcall $SEL_ALIAS, $1f
	subl %esp, %edx
	movl %edx, fx_res+4
	ret
1:	movl 8(%esp), %eax
	movl %eax, fx_res
	lret $8

/* Indirect: ljmp *fx_ptr (-> fx_ind_target, which jumps back), then
 * lcall *fx_ptr2 (-> fx_far_fn).  fx_res [4] CS at fx_ind_target. */
	.globl fx_indirect, fx_ind_target, fx_ind_ra
fx_indirect:
	ljmp *fx_ptr
fx_ind_back:
	lcall *fx_ptr2
fx_ind_ra:
	ret
fx_ind_target:
	xorl %eax, %eax
	movw %cs, %ax
	movl %eax, fx_res+16
	ljmp $SEL_KCODE, $fx_ind_back

/* A segment based at FX_BASE: fx_res [0] CS there, [1] the EIP that
 * CALL pushed there (an offset from the base), [2] return EIP */
	.globl fx_based, fx_based_fn, fx_based_l1
fx_based:
	lcall $SEL_BASED, $(fx_based_fn - FX_BASE)
	ret
fx_based_fn:
	xorl %eax, %eax
	movw %cs, %ax
	movl %eax, fx_res
	call fx_based_l1
fx_based_l1:
	popl %eax
	movl %eax, fx_res+4
	movl (%esp), %eax
	movl %eax, fx_res+8
	lret

/* Through a call gate: fx_res [0] EIP pushed, [1] CS pushed, [2] CS */
	.globl fx_gate_call, fx_gate_ra, fx_gate_target
fx_gate_call:
	lcall $SEL_GATE, $0
fx_gate_ra:
	ret
fx_gate_target:
	movl (%esp), %eax
	movl %eax, fx_res
	movl 4(%esp), %eax
	andl $0xFFFF, %eax
	movl %eax, fx_res+4
	xorl %eax, %eax
	movw %cs, %ax
	movl %eax, fx_res+8
	lret

/* JMP through a call gate pushes nothing: fx_res [0] CS at the target,
 * [1] ESP before, [2] ESP at the target */
	.globl fx_gate_jmp, fx_gate_jmp_target
fx_gate_jmp:
	movl %esp, fx_res+4
	ljmp $SEL_GATE_JMP, $0
fx_gate_jmp_back:
	ret
fx_gate_jmp_target:
	xorl %eax, %eax
	movw %cs, %ax
	movl %eax, fx_res
	movl %esp, fx_res+8
	ljmp $SEL_KCODE, $fx_gate_jmp_back

/* IRET to the same level pops EIP, CS, EFLAGS only: fx_res [0] CS after,
 * [1] ESP difference (0), [2] EFLAGS.CF after (was set in the image) */
	.globl fx_iret
fx_iret:
	movl %esp, %edx
	pushfl
	orl $1, (%esp)			/* CF in the EFLAGS image */
	pushl $SEL_ALIAS
	pushl $1f
	iret
1:	setc %cl
	movzbl %cl, %ecx
	movl %ecx, fx_res+8
	xorl %eax, %eax
	movw %cs, %ax
	movl %eax, fx_res
	subl %esp, %edx
	movl %edx, fx_res+4
	ljmp $SEL_KCODE, $2f
2:	ret
