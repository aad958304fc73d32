/*
 * pge.c's user code pages: each is mapped global at one linear address in
 * several address spaces and reads a per-space, non-global data page.
 * PGE_VA_UD must match VA_UD in pge.c.
 */
#define PGE_VA_UD	0x5C400000

	.section .text.pge_pages, "ax"
	.balign 4096
	.globl pge_code_a, pge_code_b
pge_code_a:
	movl PGE_VA_UD, %eax
	addl $0x000A0000, %eax
	ret
	.balign 4096
pge_code_b:
	movl PGE_VA_UD, %eax
	addl $0x000B0000, %eax
	ret
	.balign 4096
