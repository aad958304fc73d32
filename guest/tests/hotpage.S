/*
 * A page that holds code and data written often (hotpage.c): hv must not
 * thrash on it (docs/ARCHITECTURE.md, "Self-modifying code").
 */
	.data
	.align 4096
	.globl hot_page, hot_fn, hot_fn_imm, hot_counter, hot_inblock, hot_inblock_imm
hot_page:
/* hot_fn: returns an immediate the C side rewrites. */
hot_fn:
	movl $0, %eax
	ret
hot_fn_imm = hot_fn + 1
/* hot_inblock(ecx): stores ecx into the immediate of the very next
 * instruction, which must then load the new value (SDM vol. 3A 8.1.3). */
hot_inblock:
	movl 4(%esp), %ecx
	movl %ecx, hot_inblock_imm
	movl $0, %eax
	ret
hot_inblock_imm = hot_inblock + 4 + 6 + 1
	.align 64
hot_counter:
	.long 0
	.align 4096
