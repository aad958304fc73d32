/*
 * Position-independent templates that alias.c copies into its code pages
 * through a writable alias and runs through another linear address.
 * SDM vol. 3A 8.1.3: code stored as data and reached by a branch runs as
 * stored; every patch here is followed by a branch (a store through a
 * second linear address is not covered by 11.6's prefetch check, which
 * P6-family processors base on the linear address).
 */
	.text
/* uint32_t f(void): COUNT * ADD, both immediates patched */
	.globl al_mul_tmpl, al_mul_count, al_mul_add, al_mul_end
al_mul_tmpl:
	.byte 0xB9			/* movl $imm32, %ecx */
al_mul_count:
	.long 1
	xorl %eax, %eax
1:	.byte 0x05			/* addl $imm32, %eax */
al_mul_add:
	.long 0
	loop 1b
	ret
al_mul_end:

/* uint32_t f(uint32_t v, uint32_t delta): stores v into its own next
 * MOV through (its own address + delta), jumps there, returns it */
	.globl al_self_tmpl, al_self_end
al_self_tmpl:
	movl 4(%esp), %eax
	movl 8(%esp), %ecx
	call 1f
1:	popl %edx
	addl %ecx, %edx
	movl %eax, (2f - 1b + 1)(%edx)
	jmp 2f
2:	.byte 0xB8			/* movl $imm32, %eax */
	.long 0
	ret
al_self_end:

/* uint32_t f(void): a JMP rel32 to one of two returns (rel32 patched) */
	.globl al_branch_tmpl, al_branch_rel, al_branch_a, al_branch_b, al_branch_end
al_branch_tmpl:
	.byte 0xE9			/* jmp rel32 */
al_branch_rel:
	.long 0
al_branch_a:
	movl $0xAAAA, %eax
	ret
al_branch_b:
	movl $0xBBBB, %eax
	ret
al_branch_end:
