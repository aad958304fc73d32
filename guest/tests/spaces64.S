/*
 * spaces64.c's process templates, copied into each address space's code
 * page at SP_VA_PROC with the space's identity patched into immediates.
 * Position independent; SP_VA_DATA (the space's own data page) must
 * match VA_DATA in spaces64.c.
 */
#include "guest/lib/user.h"

#define SP_VA_DATA	0x08049000
#define SYS_YIELD	(SYS_GUEST + 0)

	.text
/* uint32_t proc(void): ++counter, returned XOR the space's identity */
	.globl sp_call_tmpl, sp_call_id, sp_call_end
sp_call_tmpl:
	movl SP_VA_DATA, %eax
	incl %eax
	movl %eax, SP_VA_DATA
	.byte 0x35			/* xorl $imm32, %eax */
sp_call_id:
	.long 0
	ret
sp_call_end:

/* A process that never returns: ++counter, then yields with the counter
 * in ECX, its identity in EBX and the counter pushed on its own stack;
 * after the yield all three must be as they were (else UD2). */
	.globl sp_yield_tmpl, sp_yield_id1, sp_yield_id2, sp_yield_end
sp_yield_tmpl:
1:	movl SP_VA_DATA, %ecx
	incl %ecx
	movl %ecx, SP_VA_DATA
	.byte 0xBB			/* movl $imm32, %ebx */
sp_yield_id1:
	.long 0
	pushl %ecx
	movl $SYS_YIELD, %eax
	int $VEC_SYSCALL
	popl %edx
	cmpl %ecx, %edx
	jne 2f
	.byte 0x81, 0xFB		/* cmpl $imm32, %ebx */
sp_yield_id2:
	.long 0
	jne 2f
	jmp 1b
2:	ud2
sp_yield_end:
