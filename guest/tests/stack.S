/*
 * Stack operations run on a private test stack (stack.c checks the
 * results): PUSH ESP, POP ESP, PUSH/POP with an ESP-based memory operand,
 * PUSHA/POPA, ENTER with nesting levels 0, 1, 3 and 33 (taken mod 32),
 * LEAVE, PUSH imm8/imm16, PUSH/POP of segment registers, RET imm16.
 * SDM vol. 2: PUSH ("pushes the value of ESP as it existed before the
 * instruction"), POP ("if ESP is the base of the destination, the
 * address is computed after ESP is incremented"), PUSHA/POPA (POPA
 * discards the ESP image), ENTER pseudocode.
 *
 * Each routine saves all registers and ESP, moves ESP to stk_top, runs,
 * writes what it saw into stk_res[], and goes back.
 */
#include "guest/lib/desc.h"

	.data
	.align 16
	.globl stk_area, stk_top, stk_res, stk_disp, stk_disp_top
stk_area:
	.space 512
stk_top:
stk_res:
	.space 64
stk_disp:
	.space 64
stk_disp_top:
saved_esp:
	.long 0

.macro TEST_BEGIN name
	.text
	.globl \name
\name:
	pushal
	movl %esp, saved_esp
	movl $stk_top, %esp
.endm

.macro TEST_END
	movl saved_esp, %esp
	popal
	ret
.endm

/* stk_res: [0] the value pushed, [1] ESP after */
TEST_BEGIN stk_push_esp
	pushl %esp
	movl (%esp), %eax
	movl %eax, stk_res
	movl %esp, stk_res+4
TEST_END

/* stk_res: [0] ESP after POP ESP (the popped value, stk_top - 64) */
TEST_BEGIN stk_pop_esp
	movl $stk_top-64, stk_top-4
	subl $4, %esp
	popl %esp
	movl %esp, stk_res
TEST_END

/* stk_res: [0] ESP after, [1] word at ESP, [2] word at ESP+4 */
TEST_BEGIN stk_pop_mem_esp
	subl $16, %esp			/* ESP = T-16 */
	movl $0x11111111, (%esp)
	movl $0, 4(%esp)
	movl $0, 8(%esp)
	popl 4(%esp)			/* ESP = T-12, stores to T-8 */
	movl %esp, stk_res
	movl (%esp), %eax
	movl %eax, stk_res+4
	movl 4(%esp), %eax
	movl %eax, stk_res+8
TEST_END

/* stk_res: [0] the value pushed, [1] ESP after */
TEST_BEGIN stk_push_mem_esp
	subl $16, %esp			/* ESP = T-16 */
	movl $0x3333, (%esp)
	movl $0x2222, 4(%esp)
	pushl 4(%esp)			/* reads T-12 before the decrement */
	movl (%esp), %eax
	movl %eax, stk_res
	movl %esp, stk_res+4
TEST_END

/* stk_res: [0..7] the PUSHA image, [8] ESP after PUSHA, [9] ESP after
 * POPA, [10] EDI after POPA (slot rewritten to 0x77), [11] EBX after */
TEST_BEGIN stk_pusha_popa
	movl $1, %eax
	movl $2, %ecx
	movl $3, %edx
	movl $4, %ebx
	movl $5, %ebp
	movl $6, %esi
	movl $7, %edi
	pushal
	movl %esp, stk_res+32
	movl %esp, %esi
	movl $stk_res, %edi
	movl $8, %ecx
	rep movsl
	movl $0xDEAD, 12(%esp)		/* the ESP image: POPA ignores it */
	movl $0x77, (%esp)		/* the EDI image */
	popal
	movl %esp, stk_res+36
	movl %edi, stk_res+40
	movl %ebx, stk_res+44
TEST_END

/* stk_res: [0] ESP, [1] EBP after ENTER 16,0; [2] saved EBP;
 * [3] ESP, [4] EBP after LEAVE */
TEST_BEGIN stk_enter0
	movl $0xBBBB0000, %ebp
	enter $16, $0
	movl %esp, stk_res
	movl %ebp, stk_res+4
	movl (%ebp), %eax
	movl %eax, stk_res+8
	leave
	movl %esp, stk_res+12
	movl %ebp, stk_res+16
TEST_END

/* ENTER 8,3 with EBP = stk_disp_top (display words set by stack.c).
 * stk_res: [0] ESP, [1] EBP, [2..5] the words at T-4, T-8, T-12, T-16 */
TEST_BEGIN stk_enter3
	movl $stk_disp_top, %ebp
	enter $8, $3
	movl %esp, stk_res
	movl %ebp, stk_res+4
	movl stk_top-4, %eax
	movl %eax, stk_res+8
	movl stk_top-8, %eax
	movl %eax, stk_res+12
	movl stk_top-12, %eax
	movl %eax, stk_res+16
	movl stk_top-16, %eax
	movl %eax, stk_res+20
TEST_END

/* ENTER 0,1 and ENTER 0,33 (level mod 32 = 1) must agree.
 * stk_res: [0] ESP, [1] EBP, [2] T-4, [3] T-8 for level 1; [4..7] for 33 */
TEST_BEGIN stk_enter1
	movl $0xCCCC0000, %ebp
	enter $0, $1
	movl %esp, stk_res
	movl %ebp, stk_res+4
	movl stk_top-4, %eax
	movl %eax, stk_res+8
	movl stk_top-8, %eax
	movl %eax, stk_res+12
	movl $stk_top, %esp
	movl $0xCCCC0000, %ebp
	.byte 0xC8, 0x00, 0x00, 33	/* enter $0, $33 (gas refuses 33) */
	movl %esp, stk_res+16
	movl %ebp, stk_res+20
	movl stk_top-4, %eax
	movl %eax, stk_res+24
	movl stk_top-8, %eax
	movl %eax, stk_res+28
TEST_END

/* stk_res: [0] pushed imm8 -2, [1] ESP after it, [2] ESP after pushw,
 * [3] word pushed by pushw */
TEST_BEGIN stk_push_imm
	pushl $-2
	movl (%esp), %eax
	movl %eax, stk_res
	movl %esp, stk_res+4
	pushw $0x1234
	movl %esp, stk_res+8
	movzwl (%esp), %eax
	movl %eax, stk_res+12
TEST_END

/* stk_res: [0] low word pushed by pushl %ds, [1] ESP after it,
 * [2] ESP after pushw %fs, [3] its word, [4] ES after popl %es of the
 * pushed DS, [5] ESP after that pop */
TEST_BEGIN stk_push_seg
	pushl %ds
	movzwl (%esp), %eax
	movl %eax, stk_res
	movl %esp, stk_res+4
	pushw %fs
	movl %esp, stk_res+8
	movzwl (%esp), %eax
	movl %eax, stk_res+12
	addl $2, %esp
	popl %es
	xorl %eax, %eax
	movw %es, %ax
	movl %eax, stk_res+16
	movl %esp, stk_res+20
TEST_END

/* CALL then RET 8: stk_res [0] return address seen by the callee,
 * [1] ESP after the return, [2] the argument nearest the return address */
TEST_BEGIN stk_ret_imm
	pushl $0xAAAA
	pushl $0xBBBB
	call 1f
	.globl stk_ret_imm_ra
stk_ret_imm_ra:
	movl %esp, stk_res+4
	jmp 2f
1:	movl (%esp), %eax
	movl %eax, stk_res
	movl 4(%esp), %eax
	movl %eax, stk_res+8
	ret $8
2:
TEST_END
