/*
 * Self-modifying snippets that usersmc.c runs in ring 3 (and once in
 * ring 0).  SDM vol. 3A 8.1.3: code stored as data and then reached by a
 * branch runs as stored; 11.6: from the P6 family on, a store into an
 * instruction that is already prefetched invalidates the prefetch, so
 * even the instruction right after the store runs as stored (the
 * *_direct snippets rely on that; QEMU's CPU reports family 6).
 */
	.text
/* uint32_t us_next_jmp(uint32_t v): stores v into the immediate of a
 * MOV, jumps to it, returns what it loaded */
	.globl us_next_jmp
us_next_jmp:
	movl 4(%esp), %eax
	movl %eax, 1f+1
	jmp 1f
1:	.byte 0xB8			/* movl $imm32, %eax */
	.long 0
	ret

/* uint32_t us_next_direct(uint32_t v): the same with no branch: the
 * patched MOV is the very next instruction after the store */
	.globl us_next_direct
us_next_direct:
	movl 4(%esp), %eax
	movl %eax, 1f+1
1:	.byte 0xB8			/* movl $imm32, %eax */
	.long 0
	ret

/* uint32_t us_sum_direct(uint32_t n): each iteration stores the counter
 * into the ADD right after the store: n + (n-1) + ... + 1 */
	.globl us_sum_direct
us_sum_direct:
	movl 4(%esp), %ecx
	xorl %eax, %eax
1:	movl %ecx, 2f+1
2:	.byte 0x05			/* addl $imm32, %eax */
	.long 0
	loop 1b
	ret

/* uint32_t us_redirect(int which): points the rel32 of its own CALL at
 * us_f1 (which == 0) or us_f2, then makes the call */
	.globl us_redirect
us_redirect:
	movl $us_f1 - 3f, %edx
	cmpl $0, 4(%esp)
	je 1f
	movl $us_f2 - 3f, %edx
1:	movl %edx, 2f+1
	jmp 2f
2:	call us_f0
3:	ret
us_f0:	movl $0xF0, %eax
	ret
us_f1:	movl $0xF1, %eax
	ret
us_f2:	movl $0xF2, %eax
	ret

/* A position-independent template: uint32_t f(uint32_t x) = 3x + 7 */
	.globl us_tmpl, us_tmpl_end
us_tmpl:
	movl 4(%esp), %eax
	leal 7(%eax,%eax,2), %eax
	ret
us_tmpl_end:
