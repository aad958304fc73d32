/*
 * Self-modifying code snippets (smc.c and smcpg.c).  SDM vol. 3A 8.1.3:
 * code written as data and then reached by a jump (or a call) must run
 * as written; how far ahead of EIP a write is noticed without a jump is
 * model specific, so every patch here is followed by a branch.
 */
	.text
/* uint32_t smc_get(void): returns its own immediate (patched by C) */
	.globl smc_get, smc_get_imm
smc_get:
	.byte 0xB8			/* mov $imm32, %eax */
smc_get_imm:
	.long 0x11111111
	ret

/* uint32_t smc_inline(uint32_t v): patches its own next instruction with
 * v, jumps to it, returns what it loaded */
	.globl smc_inline
smc_inline:
	movl 4(%esp), %eax
	movl %eax, 1f+1
	jmp 1f
1:	.byte 0xB8			/* mov $imm32, %eax */
	.long 0
	ret

/* uint32_t smc_loop(uint32_t n): each iteration writes the counter into
 * the immediate of the ADD it then executes: returns 1 + 2 + ... + n */
	.globl smc_loop
smc_loop:
	movl 4(%esp), %ecx
	xorl %eax, %eax
	movl $1, %edx
2:	movl %edx, 3f+1
	jmp 3f
3:	.byte 0x05			/* add $imm32, %eax */
	.long 0
	incl %edx
	loop 2b
	ret

/* A position-independent template copied around as data:
 * uint32_t f(uint32_t x) { return 2 * x + 1; } */
	.globl smc_tmpl, smc_tmpl_end
smc_tmpl:
	movl 4(%esp), %eax
	leal 1(%eax,%eax), %eax
	ret
smc_tmpl_end:
