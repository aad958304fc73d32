/*
 * Sites whose instruction is one hv emulates (an exit in the code cache)
 * and that the guest rewrites (exitsmc.c).  Every variant is three bytes
 * and leaves its result in EAX: SMSW, STR, SLDT, MOV from CR0 (exits under
 * hv), MOV $0x5A,%AL; NOP (not sensitive).  SDM vol. 3A 8.1.3: code written as
 * data and then reached by a branch runs as written.
 */
	.text
	.balign 4096
/* uint32_t xs_call(void): runs the instruction at xs_site */
	.globl xs_call, xs_site
xs_call:
	xorl %eax, %eax
xs_site:
	.byte 0x0F, 0x01, 0xE0		/* smsw %eax */
	ret

/* uint32_t xs_patch_call(uint32_t insn): stores the low three bytes of
 * insn at xs_site2 and runs it, in the same block: the instruction at the
 * exit changes between its translation and its execution */
	.globl xs_patch_call, xs_site2
xs_patch_call:
	movl 4(%esp), %edx
	movw %dx, xs_site2
	shrl $16, %edx
	movb %dl, xs_site2 + 2
	xorl %eax, %eax
xs_site2:
	.byte 0x0F, 0x01, 0xE0		/* smsw %eax */
	ret

/* The same instructions in place, never rewritten: what each must give. */
	.globl xs_fixed
xs_fixed:
	movl 4(%esp), %ecx
	xorl %eax, %eax
	cmpl $1, %ecx
	jb 0f
	je 1f
	cmpl $3, %ecx
	jb 2f
	je 3f
	movb $0x5A, %al
	ret
0:	smsw %eax
	ret
1:	str %eax
	ret
2:	sldt %eax
	ret
3:	movl %cr0, %eax
	ret
	.balign 4096
